from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common_sales import SalesRulesCase


@tagged("post_install", "-at_install")
class TestQuotationSignoff(SalesRulesCase):
    """报价需总经理确认签字: no quotation leaves the company before the GM's sign-off."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"quote_signoff_required": True, "quote_signoff_min_amount": 0.0})

    def test_unsigned_quotation_cannot_leave(self):
        order = self.make_order()
        self.assertEqual(order.signoff_state, "to_sign")
        order = order.with_user(self.manager)
        for leave in (
            order.action_quotation_send,
            order.action_quotation_sent,
            order.action_preview_sale_order,
            order._get_share_url,
            order.action_confirm,
            lambda: self.env["ir.actions.report"]
            .with_user(self.manager)
            ._render_qweb_pdf("sale.action_report_saleorder", order.ids),
        ):
            with self.assertRaises(UserError):
                leave()
        with self.assertRaisesRegex(UserError, order.name), self.env.cr.savepoint():
            order.action_confirm()
        self.assertEqual(order.state, "draft")

    def test_portal_share_wizard_refused(self):
        order = self.make_order()
        with self.assertRaises(UserError):
            share = self.env["portal.share"].with_context(
                active_model="sale.order", active_id=order.id
            )
            self.assertFalse(
                share.create({"res_model": "sale.order", "res_id": order.id}).share_link
            )

    def test_no_portal_button_before_signoff(self):
        order = self.make_order()
        message = order.message_post(body="Hello")
        groups = order._notify_get_recipients_groups(message, "Quotation")
        self.assertFalse(any(g[2].get("has_button_access") for g in groups if g[0] == "follower"))
        order.with_user(self.gm).action_signoff()
        groups = order._notify_get_recipients_groups(message, "Quotation")
        self.assertTrue(any(g[2].get("has_button_access") for g in groups if g[0] == "follower"))

    def test_general_manager_signs_off(self):
        order = self.make_order()
        order.with_user(self.gm).action_signoff()
        self.assertEqual(order.signoff_state, "signed")
        self.assertEqual(order.signoff_user_id, self.gm)
        self.assertTrue(order.signoff_date)
        self.assertIn("signed off", order.message_ids[0].body)
        order.with_user(self.manager).action_quotation_send()
        self.assertTrue(order.with_user(self.manager)._get_share_url())
        order.with_user(self.manager).action_quotation_sent()
        self.assertEqual(order.state, "sent")
        order.with_user(self.manager).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_signoff_wrong_role_and_state(self):
        order = self.make_order()
        for user in (self.manager, self.director, self.assistant):
            with self.assertRaises(AccessError):
                order.with_user(user).action_signoff()
        order.with_user(self.gm).action_signoff()
        with self.assertRaises(UserError):
            order.with_user(self.gm).action_signoff()
        order.action_confirm()
        with self.assertRaises(UserError):
            order.with_user(self.gm).action_signoff()

    def test_change_voids_signoff(self):
        order = self.make_order()
        order.with_user(self.gm).action_signoff()
        line = order.order_line.with_user(self.manager)
        line.write({"name": "only the description"})
        self.assertEqual(order.signoff_state, "signed")
        for values in ({"price_unit": 90.0}, {"product_uom_qty": 20}, {"discount": 5.0}):
            line.write(values)
            self.assertEqual(order.signoff_state, "to_sign", values)
            self.assertFalse(order.signoff_user_id)
            self.assertIn("void", order.message_ids[0].body)
            order.with_user(self.gm).action_signoff()
        order.with_user(self.manager).write(
            {"order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 1})]}
        )
        self.assertEqual(order.signoff_state, "to_sign")
        with self.assertRaises(UserError):
            order.with_user(self.manager).action_quotation_sent()

    def test_threshold_and_setting(self):
        self.company.quote_signoff_min_amount = 5000.0
        small = self.make_order(qty=1)
        self.assertEqual(small.signoff_state, "not_required")
        small.with_user(self.manager).action_quotation_sent()
        big = self.make_order(qty=100)
        self.assertEqual(big.signoff_state, "to_sign")
        self.company.quote_signoff_required = False
        big.invalidate_recordset(["signoff_state"])
        self.assertEqual(big.signoff_state, "not_required")
        big.with_user(self.manager).action_confirm()
        self.assertEqual(big.state, "sale")
