from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common_sales import SalesRulesCase


@tagged("post_install", "-at_install")
class TestQuotationSignoff(SalesRulesCase):
    """报价需总经理确认签字: no quotation leaves the company before the GM's sign-off, a tier
    of tier validation."""

    mail_enabled = True  # followers and the notifications of the sign-off

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"quote_signoff_required": True, "quote_signoff_min_amount": 0.0})
        cls.tax = cls.env["account.tax"].create(
            {"name": "Test VAT 13%", "amount": 13.0, "company_id": cls.company.id}
        )

    def test_review_requested_on_save_for_the_salesperson(self):
        order = self.make_order()
        self.assertTrue(order.signoff_required)
        self.assertEqual(order.signoff_state, "to_sign")
        self.assertEqual(order.validation_status, "pending")
        self.assertEqual(order.review_ids.requested_by, self.manager)
        self.assertEqual(
            order.review_ids.definition_id,
            self.env.ref("business_dept.tier_definition_quotation_signoff"),
        )
        # the General Managers see it in their Reviews inbox (can_review), nobody else
        Order = self.env["sale.order"]
        for gm in (self.gm, self.gm2):
            self.assertIn(order, Order.with_user(gm).search([("can_review", "=", True)]))
            inbox = self.env["res.users"].with_user(gm).review_user_count()
            self.assertIn("sale.order", [group["model"] for group in inbox])
        for user in (self.manager, self.director, self.assistant):
            self.assertNotIn(order, Order.with_user(user).search([("can_review", "=", True)]))
        # each General Manager has an activity to sign it off
        review_type = self.env.ref("business_dept.mail_activity_type_tier_review")
        activities = order.activity_ids.filtered(lambda a: a.activity_type_id == review_type)
        self.assertTrue(self.gm | self.gm2 <= activities.user_id)
        self.assertFalse((self.manager | self.director) & activities.user_id)

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
            lambda: (
                self.env["ir.actions.report"]
                .with_user(self.manager)
                ._render_qweb_pdf("sale.action_report_saleorder", order.ids)
            ),
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

    def test_general_manager_signs_off_in_one_click(self):
        order = self.make_order()
        order.with_user(self.gm).action_signoff()
        self.assertEqual(order.validation_status, "validated")
        self.assertEqual(order.signoff_state, "signed")
        self.assertEqual(order.signoff_user_id, self.gm)
        self.assertEqual(order.review_ids.done_by, self.gm)
        self.assertTrue(order.signoff_date)
        # the salesperson hears back, the reviewers' activities are gone
        told = order.message_ids.filtered(lambda m: "signed off" in (m.body or ""))
        self.assertIn(self.manager.partner_id, told.partner_ids)
        self.assertIn(self.manager.partner_id, told.notification_ids.res_partner_id)
        self.assertFalse(
            order.activity_ids.filtered(
                lambda a: (
                    a.activity_type_id
                    == self.env.ref("business_dept.mail_activity_type_tier_review")
                )
            )
        )
        order.with_user(self.manager).action_quotation_send()
        self.assertTrue(order.with_user(self.manager)._get_share_url())
        order.with_user(self.manager).action_quotation_sent()
        self.assertEqual(order.state, "sent")
        order.with_user(self.manager).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_signoff_from_the_tier_button(self):
        """The Validate button of tier validation is the sign-off too."""
        order = self.make_order()
        order.with_user(self.gm2).validate_tier()
        self.assertEqual(order.signoff_state, "signed")
        self.assertEqual(order.signoff_user_id, self.gm2)

    def test_signoff_wrong_role_and_state(self):
        order = self.make_order()
        for user in (self.manager, self.director, self.assistant):
            with self.assertRaises(AccessError):
                order.with_user(user).action_signoff()
            with self.assertRaises(AccessError):
                order.with_user(user).validate_tier()
        order.with_user(self.gm).action_signoff()
        with self.assertRaises(UserError):
            order.with_user(self.gm).action_signoff()
        order.action_confirm()
        with self.assertRaises(UserError):
            order.with_user(self.gm).action_signoff()

    def test_general_manager_cannot_sign_his_own_quotation(self):
        order = self.make_order(user=self.gm)
        self.assertEqual(order.review_ids.requested_by, self.gm)
        self.assertNotIn(self.gm, order.review_ids.reviewer_ids)
        self.assertNotIn(
            order, self.env["sale.order"].with_user(self.gm).search([("can_review", "=", True)])
        )
        with self.assertRaisesRegex(AccessError, "own request"):
            order.with_user(self.gm).action_signoff()
        self.assertEqual(order.signoff_state, "to_sign")
        order.with_user(self.gm2).action_signoff()
        self.assertEqual(order.signoff_state, "signed")

    def test_rejection_needs_a_comment(self):
        order = self.make_order()
        action = order.with_user(self.gm).reject_tier()
        self.assertEqual(action["res_model"], "comment.wizard")
        with self.assertRaises(UserError):
            order.with_user(self.gm)._business_reject("  ")
        wizard = (
            self.env["comment.wizard"]
            .with_user(self.gm)
            .with_context(**action["context"])
            .create({"comment": "Price too low"})
        )
        wizard.add_comment()
        self.assertEqual(order.validation_status, "rejected")
        told = order.message_ids.filtered(lambda m: "Price too low" in (m.body or ""))
        self.assertIn(self.manager.partner_id, told.partner_ids)
        with self.assertRaises(UserError):
            order.with_user(self.manager).action_quotation_sent()

    def test_change_voids_signoff(self):
        order = self.make_order()
        order.with_user(self.gm).action_signoff()
        line = order.order_line.with_user(self.manager)
        for values in (
            {"price_unit": 90.0},
            {"product_uom_qty": 20},
            {"discount": 5.0},
            {"name": "another description"},
            {"tax_id": [Command.set(self.tax.ids)]},
        ):
            line.write(values)
            self.assertEqual(order.signoff_state, "to_sign", values)
            self.assertFalse(order.signoff_user_id)
            self.assertIn("void", order.message_ids[0].body)
            self.assertEqual(order.validation_status, "pending")
            order.with_user(self.gm).action_signoff()
        other = self.env["res.partner"].create({"name": "Other Customer"})
        for values in (
            {"order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1})]},
            {"validity_date": fields.Date.add(fields.Date.today(), days=60)},
            {"partner_shipping_id": other.id},
            {"note": "<p>Delivery in three weeks</p>"},
            {"client_order_ref": "PO-42"},
        ):
            order.with_user(self.manager).write(values)
            self.assertEqual(order.signoff_state, "to_sign", values)
            with self.assertRaises(UserError):
                order.with_user(self.manager).action_quotation_sent()
            order.with_user(self.gm).action_signoff()
        # an internal field does not void it
        order.with_user(self.manager).write({"tag_ids": [Command.create({"name": "Rush"})]})
        self.assertEqual(order.signoff_state, "signed")

    def test_threshold_and_setting(self):
        self.company.quote_signoff_min_amount = 5000.0
        small = self.make_order(qty=1)
        self.assertEqual(small.signoff_state, "not_required")
        self.assertFalse(small.review_ids)
        small.with_user(self.manager).action_quotation_sent()
        big = self.make_order(qty=100)
        self.assertEqual(big.signoff_state, "to_sign")
        self.company.quote_signoff_required = False
        self.assertEqual(big.signoff_state, "not_required")
        self.assertFalse(big.review_ids)
        big.with_user(self.manager).action_confirm()
        self.assertEqual(big.state, "sale")
        # a quotation growing over the amount gets its sign-off requested
        self.company.quote_signoff_required = True
        grown = self.make_order(qty=1)
        self.assertFalse(grown.review_ids)
        grown.order_line.with_user(self.manager).product_uom_qty = 60
        self.assertEqual(grown.signoff_state, "to_sign")
        self.assertEqual(grown.review_ids.requested_by, self.manager)

    def test_foreign_currency_amount_in_company_currency(self):
        """Company in USD, sign-off from 10,000; 8,000 EUR at 1 USD = 0.5 EUR is 16,000 USD."""
        usd = self.env.ref("base.USD")
        eur = self.env.ref("base.EUR")
        eur.active = True
        company = self.env["res.company"].create({"name": "USD Co.", "currency_id": usd.id})
        company.write(
            {
                "quote_signoff_required": True,
                "quote_signoff_min_amount": 10000.0,
                "agreement_required": False,
            }
        )
        self.env["res.currency.rate"].create(
            {"currency_id": eur.id, "rate": 0.5, "name": "2000-01-01", "company_id": company.id}
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "EUR", "currency_id": eur.id, "company_id": company.id}
        )
        order = (
            self.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "company_id": company.id,
                    "partner_id": self.customer.id,
                    "pricelist_id": pricelist.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "product_uom_qty": 1,
                                "price_unit": 8000.0,
                                "tax_id": False,
                            }
                        )
                    ],
                }
            )
        )
        self.assertEqual(order.currency_id, eur)
        self.assertEqual(order.amount_total, 8000.0)
        self.assertTrue(order.signoff_required)
        self.assertEqual(order.signoff_state, "to_sign")
        # 4,000 EUR is 8,000 USD: under the amount
        order.order_line.price_unit = 4000.0
        self.assertFalse(order.signoff_required)
        self.assertEqual(order.signoff_state, "not_required")

    def test_added_tier_from_settings_is_honoured(self):
        """An administrator adds a finance tier on large quotations, without code."""
        self.company.quote_signoff_min_amount = 0.0
        self.env["tier.definition"].create(
            {
                "name": "Large quotation: Finance",
                "model_id": self.env.ref("sale.model_sale_order").id,
                "review_type": "group",
                "reviewer_group_id": self.env.ref("business_dept.group_business_finance").id,
                "definition_domain": "[('amount_untaxed', '>=', 50000)]",
                "sequence": 5,
                "approve_sequence": True,
                "company_id": False,
            }
        )
        small = self.make_order(qty=1)
        self.assertEqual(len(small.review_ids), 1)
        big = self.make_order(qty=1000)
        self.assertEqual(len(big.review_ids), 2)
        big.with_user(self.gm).action_signoff()
        self.assertEqual(big.signoff_state, "to_sign")
        with self.assertRaises(UserError):
            big.with_user(self.manager).action_quotation_sent()
        big.with_user(self.finance).validate_tier()
        self.assertEqual(big.validation_status, "validated")
        self.assertEqual(big.signoff_state, "signed")
        big.with_user(self.manager).action_quotation_sent()
