from datetime import timedelta

from psycopg2 import errors

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, new_test_user, tagged
from odoo.tests.common import get_db_name


@tagged("post_install", "-at_install")
class TestTierConcurrency(BaseCase):
    """Two directors approve the same insert order at the same moment, each in his own
    transaction: one transition, one effect (one commitment-date move)."""

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            company = env.company
            self.settings = {
                f: company[f]
                for f in (
                    "quote_signoff_required",
                    "agreement_required",
                    "insert_gm_amount",
                    "insert_gm_days",
                )
            }
            company.write(
                {
                    "quote_signoff_required": False,
                    "agreement_required": False,
                    "insert_gm_amount": 1e12,
                    "insert_gm_days": 100000,
                }
            )
            groups = "base.group_user,business_dept.group_business_"
            manager = new_test_user(env, "tc_manager", groups + "manager")
            self.director1 = new_test_user(env, "tc_director1", groups + "director").id
            self.director2 = new_test_user(env, "tc_director2", groups + "director").id
            partner = env["res.partner"].create({"name": "Concurrency Co."})
            product = env["product.product"].create({"name": "Concurrency Part", "type": "consu"})
            self.now = fields.Datetime.now().replace(microsecond=0)
            order = env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "user_id": manager.id,
                    "commitment_date": self.now + timedelta(days=30),
                    "order_line": [
                        Command.create({"product_id": product.id, "product_uom_qty": 1})
                    ],
                }
            )
            order.action_confirm()
            request = (
                env["business.insert.order"]
                .with_user(manager)
                .create(
                    {
                        "sale_order_id": order.id,
                        "requested_date": self.now + timedelta(days=20),
                        "reason": "Line stop",
                    }
                )
            )
            request.action_submit()
            self.ids = {
                "order": order.id,
                "request": request.id,
                "partner": partner.id,
                "product": product.id,
                "users": [manager.id, self.director1, self.director2],
            }
            cr.commit()  # pylint: disable=invalid-commit
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            order = env["sale.order"].browse(self.ids["order"])
            env["business.insert.order"].browse(self.ids["request"]).unlink()
            order.picking_ids.action_cancel()
            order._action_cancel()
            order.picking_ids.unlink()
            order.unlink()
            env["product.product"].browse(self.ids["product"]).unlink()
            env["res.users"].browse(self.ids["users"]).unlink()
            env["res.partner"].browse(self.ids["partner"]).unlink()
            env.company.write(self.settings)
            cr.commit()  # pylint: disable=invalid-commit

    def test_two_directors_one_effect(self):
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            env1 = api.Environment(cr1, self.director1, {})
            env2 = api.Environment(cr2, self.director2, {})
            first = env1["business.insert.order"].browse(self.ids["request"])
            second = env2["business.insert.order"].browse(self.ids["request"])
            self.assertTrue(first.can_review and second.can_review)
            first.action_approve()
            # the second one meets the lock: Odoo retries his transaction ...
            with self.assertRaises(errors.LockNotAvailable):
                second.action_approve()
            cr2.rollback()
            cr1.commit()
            # ... and the retry finds the request approved
            env2.invalidate_all()
            with self.assertRaises(UserError):
                second.action_approve()
            cr2.rollback()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            request = env["business.insert.order"].browse(self.ids["request"])
            self.assertEqual(request.state, "approved")
            self.assertEqual(request.review_ids.done_by.ids, [self.director1])
            moves = request.sale_order_id.message_ids.filtered(
                lambda m: "commitment date moved" in (m.body or "")
            )
            self.assertEqual(len(moves), 1)
            self.assertEqual(request.sale_order_id.commitment_date, self.now + timedelta(days=20))
