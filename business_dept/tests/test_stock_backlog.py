from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import BusinessDeptCase


@tagged("post_install", "-at_install")
class TestStockBacklog(BusinessDeptCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"quote_signoff_required": False, "agreement_required": False})
        cls.stock = cls.env.ref("stock.warehouse0").lot_stock_id
        cls.Quant = cls.env["stock.quant"]
        cls.Backlog = cls.env["business.stock.backlog"]

        def product(name, cost):
            return cls.env["product.product"].create(
                {"name": name, "is_storable": True, "standard_price": cost}
            )

        cls.old = product("Old Valve", 10.0)
        cls.fresh = product("Fresh Valve", 10.0)
        cls.orphan = product("Orphan Valve", 2.0)
        cls.Quant._update_available_quantity(cls.old, cls.stock, 5, in_date=datetime(2026, 1, 10))
        shelf = cls.env["stock.location"].create(
            {"name": "Shelf 2", "usage": "internal", "location_id": cls.stock.id}
        )
        cls.Quant._update_available_quantity(cls.old, shelf, 3, in_date=datetime(2026, 4, 1))
        cls.Quant._update_available_quantity(cls.fresh, cls.stock, 7, in_date=datetime(2026, 4, 1))
        cls.Quant._update_available_quantity(
            cls.orphan, cls.stock, 4, in_date=datetime(2025, 12, 1)
        )
        # The last customer who bought the old valve belongs to manager2.
        for user, when in ((cls.manager, "2026-01-05"), (cls.manager2, "2026-02-05")):
            order = cls.env["sale.order"].create(
                {
                    "partner_id": cls.customer.id,
                    "user_id": user.id,
                    "order_line": [(0, 0, {"product_id": cls.old.id, "product_uom_qty": 1})],
                }
            )
            order.action_confirm()
            order.date_order = when

    def _generate(self):
        return self.Backlog._generate_backlog(self.company, today=date(2026, 5, 15))

    def test_generate(self):
        backlog = self._generate()
        self.assertEqual(backlog.product_id, self.old | self.orphan)
        old = backlog.filtered(lambda b: b.product_id == self.old)
        # Only the 5 units received on 10 January are older than 3 months on 15 May.
        self.assertEqual(old.quantity, 5.0)
        self.assertEqual(old.value, 50.0)
        self.assertEqual(old.in_date, datetime(2026, 1, 10))
        self.assertEqual(old.age_days, 125)
        self.assertEqual(old.month, date(2026, 5, 1))
        self.assertEqual(old.deadline, date(2026, 5, 31))
        self.assertEqual(old.user_id, self.manager2)
        self.assertEqual(old.activity_ids.user_id, self.manager2)
        orphan = backlog - old
        self.assertFalse(orphan.user_id)
        # Running again in the same month adds nothing.
        self.assertFalse(self._generate())
        self.assertEqual(self.Backlog.search_count([("product_id", "=", self.old.id)]), 1)

    def test_explain_and_review(self):
        old = self._generate().filtered(lambda b: b.product_id == self.old)
        as_manager = old.with_user(self.manager2)
        with self.assertRaises(UserError):
            as_manager.action_explain()
        with self.assertRaises(AccessError):
            old.with_user(self.manager).action_explain()
        as_manager.write({"reason": "Customer postponed", "action_plan": "Offer to customer B"})
        with self.assertRaises(UserError):
            as_manager.action_review()
        with self.assertRaises(UserError):
            old.with_user(self.director).action_send_back("Not explained yet")
        with freeze_time("2026-05-20"):
            as_manager.action_explain()
        self.assertEqual(old.state, "explained")
        self.assertTrue(old.explained_on_time)
        self.assertEqual(old.validation_status, "pending")
        self.assertEqual(old.review_ids.requested_by, self.manager2)
        todo = self.env.ref("mail.mail_activity_data_todo")
        self.assertFalse(old.activity_ids.filtered(lambda a: a.activity_type_id == todo))
        self.assertIn(self.director, old.activity_ids.user_id)
        # the director's Reviews inbox; the manager reviews nothing
        to_review = [("can_review", "=", True)]
        self.assertIn(old, self.Backlog.with_user(self.director).search(to_review))
        with self.assertRaises(AccessError):
            as_manager.action_review()
        with self.assertRaises(UserError):
            as_manager.action_explain()
        with self.assertRaises(UserError):  # under review: the explanation is not rewritten
            as_manager.write({"reason": "Another reason"})
        old.with_user(self.director).action_review()
        self.assertEqual(old.state, "reviewed")
        self.assertEqual(old.reviewed_by_id, self.director)
        with self.assertRaises(UserError):
            old.with_user(self.director).action_review()

    def _explained(self, user):
        old = self._generate().filtered(lambda b: b.product_id == self.old)
        old.user_id = user
        old.with_user(user).write({"reason": "Postponed", "action_plan": "Sell to B"})
        old.with_user(user).action_explain()
        return old

    def test_send_back_needs_a_comment(self):
        old = self._explained(self.manager2)
        action = old.with_user(self.director).action_send_back()
        self.assertEqual(action["res_model"], "comment.wizard")
        for comment in ("", "   "):
            with self.assertRaises(UserError):
                old.with_user(self.director).action_send_back(comment)
        old.with_user(self.director).action_send_back("Which customer B?")
        self.assertEqual(old.state, "to_explain")
        self.assertFalse(old.review_ids)
        told = old.message_ids.filtered(lambda m: "Which customer B?" in (m.body or ""))
        self.assertIn(self.manager2.partner_id, told.partner_ids)
        # explained again, reviewed
        old.with_user(self.manager2).action_explain()
        old.with_user(self.director2).action_review()
        self.assertEqual(old.state, "reviewed")

    def test_director_does_not_review_his_own_explanation(self):
        old = self._explained(self.director)
        with self.assertRaisesRegex(AccessError, "own request"):
            old.with_user(self.director).action_review()
        old.with_user(self.director2).action_review()
        self.assertEqual(old.reviewed_by_id, self.director2)

    def test_manager_does_not_change_the_responsible_manager(self):
        old = self._generate().filtered(lambda b: b.product_id == self.old)
        with self.assertRaises(AccessError):
            old.with_user(self.manager2).write({"user_id": self.manager.id})
        old.with_user(self.director).write({"user_id": self.manager.id})
        self.assertEqual(old.user_id, self.manager)

    def test_visibility_and_button(self):
        backlog = self._generate()
        self.assertEqual(
            self.Backlog.with_user(self.manager2).search([("id", "in", backlog.ids)]).product_id,
            self.old,
        )
        self.assertFalse(self.Backlog.with_user(self.manager).search([("id", "in", backlog.ids)]))
        self.assertEqual(
            self.Backlog.with_user(self.director).search([("id", "in", backlog.ids)]), backlog
        )
        with self.assertRaises(AccessError):
            self.Backlog.with_user(self.manager).action_generate()
        self.Backlog.with_user(self.director).action_generate()
