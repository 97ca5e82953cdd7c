from datetime import date

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common_sales import AgreementCase


@tagged("post_install", "-at_install")
class TestAgreementLedgerBothKinds(AgreementCase):
    """合同台账: customers' framework agreements and orders' contracts in one list, expiring
    / expired by the company's notice days (local today), each opening its document."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Ledger = cls.env["business.agreement.ledger"]
        cls.order = cls.make_order(
            contract_ref="HT-2026-001", contract_date="2026-01-10", contract_expiry="2026-04-20"
        )
        cls.order2 = cls.make_order(
            user=cls.manager2,
            partner=cls.expired,
            contract_ref="HT-2025-077",
            contract_date="2025-03-01",
            contract_expiry="2026-03-01",
        )
        cls.cancelled = cls.make_order(contract_date="2026-01-01", contract_expiry="2026-04-02")
        cls.cancelled.action_cancel()
        cls.rows = (cls.customer | cls.expired).ids, (cls.order | cls.order2 | cls.cancelled).ids

    def _search(self, user, *domain):
        partners, orders = self.rows
        return self.Ledger.with_user(user).search(
            [
                "|",
                "&",
                ("kind", "=", "framework"),
                ("partner_id", "in", partners),
                "&",
                ("kind", "=", "order"),
                ("order_id", "in", orders),
                *domain,
            ]
        )

    def _keys(self, rows):
        return {
            (row.kind, row.partner_id if row.kind == "framework" else row.order_id) for row in rows
        }

    def test_both_kinds_and_filters(self):
        with freeze_time(self.local(2026, 4, 1, 0, 30)):
            everything = self._search(self.assistant)
            self.assertEqual(
                self._keys(everything),
                {
                    ("framework", self.customer),
                    ("framework", self.expired),
                    ("order", self.order),
                    ("order", self.order2),
                },
                "a cancelled order's contract is not in the ledger",
            )
            row = everything.filtered(lambda r: r.order_id == self.order)
            self.assertEqual(
                (row.reference, row.partner_id, row.user_id, row.date_signed, row.date_expiry),
                ("HT-2026-001", self.customer, self.manager, date(2026, 1, 10), date(2026, 4, 20)),
            )
            expiring = self._search(self.assistant, ("ledger_state", "=", "expiring"))
            self.assertEqual(
                self._keys(expiring), {("framework", self.customer), ("order", self.order)}
            )
            expired = self._search(self.assistant, ("ledger_state", "=", "expired"))
            self.assertEqual(
                self._keys(expired), {("framework", self.expired), ("order", self.order2)}
            )
            self.assertEqual(set(expired.mapped("ledger_state")), {"expired"})
            # the manager sees his customers and orders only
            self.assertEqual(
                self._keys(self._search(self.manager)),
                {("framework", self.customer), ("order", self.order)},
            )
        # 23:30 on 30 March in Shanghai: Expired Co. still expires today
        with freeze_time(self.local(2026, 3, 30, 23, 30)):
            self.env.invalidate_all()
            expiring = self._search(self.assistant, ("ledger_state", "=", "expiring"))
            self.assertIn(("framework", self.expired), self._keys(expiring))
            # 30 days on is 29 April: the customer's agreement is still valid
            valid = self._search(self.assistant, ("ledger_state", "=", "valid"))
            self.assertEqual(self._keys(valid), {("framework", self.customer)})

    def test_individual_and_expiry_only_customers(self):
        """A private customer (commercial partner, not a company) and a customer with an
        expiry but no signed date are in the ledger; a contact person is not a customer."""
        person = self.env["res.partner"].create(
            {"name": "Wang Fang", "user_id": self.manager.id, "agreement_expiry": "2026-04-15"}
        )
        contact = self.env["res.partner"].create(
            {"name": "Li Na", "parent_id": self.customer.id, "agreement_expiry": "2026-04-15"}
        )
        rows = self.Ledger.with_user(self.assistant).search(
            [("kind", "=", "framework"), ("partner_id", "in", (person | contact).ids)]
        )
        self.assertEqual(rows.partner_id, person)
        self.assertEqual((rows.reference, rows.date_signed), ("Wang Fang", False))
        with freeze_time(self.local(2026, 4, 1, 9, 0)):
            self.assertEqual(rows.ledger_state, "expiring")
            self.env["res.partner"]._cron_business_agreement_expiry()
        self.assertEqual(person.activity_ids.user_id, self.manager)
        self.assertFalse(contact.activity_ids)
        self.assertEqual(self.Ledger._fields["reference"].string, "Reference / Customer")
        # a row opens a read-only form
        form = self.Ledger.with_user(self.manager).get_view(view_type="form")
        self.assertIn('name="action_open_document"', form["arch"])
        action = self.env.ref("business_dept.business_agreement_ledger_action")
        self.assertIn("form", action.view_mode)

    def test_open_document_and_menu(self):
        rows = self._search(self.manager)
        action = rows.filtered(lambda r: r.kind == "order").action_open_document()
        self.assertEqual((action["res_model"], action["res_id"]), ("sale.order", self.order.id))
        action = rows.filtered(lambda r: r.kind == "framework").action_open_document()
        self.assertEqual((action["res_model"], action["res_id"]), ("res.partner", self.customer.id))
        menu = self.env.ref("business_dept.menu_business_agreement_ledger")
        self.assertEqual(
            menu.action, self.env.ref("business_dept.business_agreement_ledger_action")
        )

    def test_order_contract_expiry_activity(self):
        def activities():
            return (
                self.env["mail.activity"]
                .search([("res_model", "=", "sale.order"), ("res_id", "=", self.order.id)])
                .filtered(lambda a: "contract" in (a.summary or ""))
            )

        # 30 days before 20 April is 21 March (local day)
        with freeze_time(self.local(2026, 3, 20, 23, 30)):
            self.env["res.partner"]._cron_business_agreement_expiry()
        self.assertFalse(activities())
        with freeze_time(self.local(2026, 3, 21, 0, 30)):
            self.env["res.partner"]._cron_business_agreement_expiry()
        activity = activities()
        self.assertEqual(
            (activity.user_id, activity.date_deadline), (self.manager, date(2026, 4, 20))
        )
        with freeze_time(self.local(2026, 3, 25, 9, 0)):
            self.env["res.partner"]._cron_business_agreement_expiry()
        self.assertEqual(activities(), activity)

    def test_contract_dates_checked(self):
        with self.assertRaisesRegex(ValidationError, "expires before it is signed"):
            self.order.with_user(self.manager).contract_expiry = "2025-12-31"
