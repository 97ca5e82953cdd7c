import base64
from datetime import date, datetime

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common_sales import SalesRulesCase


@tagged("post_install", "-at_install")
class TestFrameworkAgreement(SalesRulesCase):
    """新客户档案 / 购销框架协议: no confirmation without an agreement or a contract."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.agreement_required = True
        cls.order_date = datetime(2025, 6, 10, 9, 0)

    def order(self, **values):
        return self.make_order(date_order=self.order_date, **values)

    def test_confirm_refused_without_agreement(self):
        order = self.order()
        with self.assertRaisesRegex(UserError, "Test Customer Co."), self.env.cr.savepoint():
            order.with_user(self.manager).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_valid_agreement_confirms(self):
        self.customer.write(
            {"agreement_date": date(2025, 1, 1), "agreement_expiry": date(2025, 12, 31)}
        )
        order = self.order()
        order.with_user(self.manager).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_expired_or_future_agreement_refused(self):
        for signed, expiry in (
            (date(2024, 1, 1), date(2025, 6, 9)),  # expired the day before
            (date(2025, 6, 11), date(2026, 6, 11)),  # signed after the order date
        ):
            self.customer.write({"agreement_date": signed, "agreement_expiry": expiry})
            with self.assertRaises(UserError):
                self.order().with_user(self.manager).action_confirm()

    def test_has_valid_agreement_bounds(self):
        self.customer.write(
            {"agreement_date": date(2025, 1, 1), "agreement_expiry": date(2025, 6, 10)}
        )
        self.assertTrue(self.customer.has_valid_agreement(date(2025, 1, 1)))
        self.assertTrue(self.customer.has_valid_agreement(date(2025, 6, 10)))
        self.assertFalse(self.customer.has_valid_agreement(date(2024, 12, 31)))
        self.assertFalse(self.customer.has_valid_agreement(date(2025, 6, 11)))
        self.customer.agreement_expiry = False
        self.assertTrue(self.customer.has_valid_agreement(date(2030, 1, 1)))
        with self.assertRaises(ValidationError):
            self.customer.agreement_expiry = date(2024, 1, 1)

    def test_contract_on_the_order(self):
        order = self.order(contract_ref="HT-001")
        with self.assertRaises(UserError):
            order.with_user(self.manager).action_confirm()
        order.with_user(self.manager).write(
            {"contract_document": base64.b64encode(b"contract"), "contract_filename": "ht.pdf"}
        )
        order.with_user(self.manager).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_setting_off(self):
        self.company.agreement_required = False
        order = self.order()
        order.with_user(self.manager).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_contacts_share_the_customer_file(self):
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": self.customer.id})
        self.customer.write(
            {"agreement_date": date(2025, 1, 1), "customer_grade": "a", "closing_day": 25}
        )
        self.assertEqual(contact.agreement_date, date(2025, 1, 1))
        self.assertEqual(contact.customer_grade, "a")
        self.assertEqual(contact.closing_day, 25)
        order = self.order(partner_id=contact.id)
        order.with_user(self.manager).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_closing_day_bad_input(self):
        for day in (0, 1, 31):
            self.customer.closing_day = day
        for day in (32, -1):
            with self.assertRaises(ValidationError):
                self.customer.closing_day = day

    def test_billing_complete_gives_finance_an_activity(self):
        customer = self.env["res.partner"].create(
            {"name": "New Customer Ltd.", "is_company": True, "customer_rank": 1}
        )
        self.assertFalse(customer.billing_complete)
        customer.write({"vat": "91310000MA1FL0001B", "street": "1 Nanjing Road"})
        self.assertFalse(customer.billing_complete)
        self.assertFalse(customer.activity_ids)
        self.env["res.partner.bank"].create(
            {"acc_number": "6222020000001", "partner_id": customer.id}
        )
        self.assertTrue(customer.billing_complete)
        activities = customer.activity_ids
        self.assertIn(self.finance, activities.user_id)
        self.assertNotIn(self.manager, activities.user_id)
        customer.write({"phone": "021-1234"})
        self.assertEqual(customer.activity_ids, activities, "notified once")
