import base64
from datetime import date, datetime

from freezegun import freeze_time

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
        with freeze_time(self.order_date):
            order.with_user(self.manager).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_expired_or_future_agreement_refused(self):
        for signed, expiry in (
            (date(2024, 1, 1), date(2025, 6, 9)),  # expired the day before
            (date(2025, 6, 11), date(2026, 6, 11)),  # signed after the confirmation day
        ):
            self.customer.write({"agreement_date": signed, "agreement_expiry": expiry})
            with freeze_time(self.order_date), self.assertRaises(UserError):
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

    # ------------------------------------------------ the day of the confirmation

    def test_agreement_judged_on_the_confirmation_day(self):
        """Quoted while the agreement was valid, confirmed after it expired: refused, since
        the order's date becomes the confirmation day (Odoo writes it when confirming)."""
        self.customer.write(
            {"agreement_date": date(2024, 1, 1), "agreement_expiry": date(2024, 5, 31)}
        )
        with freeze_time(self.local(2024, 5, 20, 10, 0)):
            order = self.make_order()
        with freeze_time(self.local(2024, 6, 5, 10, 0)):
            with self.assertRaisesRegex(UserError, "06/05/2024"), self.env.cr.savepoint():
                order.with_user(self.manager).action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.date_order, self.local(2024, 5, 20, 10, 0))
        # confirmed on the agreement's last day, late in the evening: accepted
        with freeze_time(self.local(2024, 5, 31, 23, 30)):
            order.with_user(self.manager).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.date_order, self.local(2024, 5, 31, 23, 30))

    def test_agreement_signed_after_the_quotation(self):
        """Quoted before the agreement was signed, confirmed after: accepted."""
        self.customer.write({"agreement_date": date(2024, 6, 3), "agreement_expiry": False})
        with freeze_time(self.local(2024, 5, 20, 10, 0)):
            order = self.make_order()
        with freeze_time(self.local(2024, 6, 5, 10, 0)):
            order.with_user(self.manager).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_agreement_expired_at_local_midnight(self):
        """Confirmed 2024-06-01 00:30 in Shanghai (2024-05-31 16:30 UTC): the local day is
        1 June, the agreement ended on 31 May: refused."""
        self.customer.write(
            {"agreement_date": date(2024, 1, 1), "agreement_expiry": date(2024, 5, 31)}
        )
        moment = self.local(2024, 6, 1, 0, 30)
        self.assertEqual(moment, datetime(2024, 5, 31, 16, 30))
        with freeze_time(moment):
            order = self.make_order()
            with self.assertRaisesRegex(UserError, "06/01/2024"), self.env.cr.savepoint():
                order.with_user(self.manager).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_agreement_starting_at_local_midnight(self):
        """The reverse: an agreement signed on 1 June covers a confirmation at 00:30 on
        1 June in Shanghai although it is still 31 May in UTC."""
        self.customer.write({"agreement_date": date(2024, 6, 1), "agreement_expiry": False})
        with freeze_time(self.local(2024, 6, 1, 0, 30)):
            order = self.make_order()
            order.with_user(self.manager).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_agreement_day_in_new_york(self):
        """Another time zone: 2024-05-31 22:00 in New York is 1 June in UTC, still the
        agreement's last day for a company working in New York."""
        self.calendar.tz = "America/New_York"
        self.customer.write(
            {"agreement_date": date(2024, 1, 1), "agreement_expiry": date(2024, 5, 31)}
        )
        with freeze_time(datetime(2024, 6, 1, 2, 0)):  # 22:00 on 31 May in New York
            self.assertTrue(self.customer.has_valid_agreement())
            order = self.make_order()
            order.with_user(self.manager).action_confirm()
        self.assertEqual(order.state, "sale")
