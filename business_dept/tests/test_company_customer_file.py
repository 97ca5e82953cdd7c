import base64
from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common_sales import SalesRulesCase
from .test_kpi_rules import KpiRulesCase


@tagged("post_install", "-at_install")
class TestCompanyCustomerFile(SalesRulesCase):
    """A customer shared by the companies of a group (``company_id`` empty): each company
    has its own customer file (关账日, 付款方式, 客户分级, 购销框架协议); a rule judged for
    company B never uses company A's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.company
        cls.company_a.agreement_required = True
        cls.company_b = cls.env["res.company"].create(
            {
                "name": "Shared B Co.",
                "agreement_required": True,
                "quote_signoff_required": False,
                "resource_calendar_id": cls.calendar.id,
            }
        )
        cls.seller = new_test_user(
            cls.env,
            login="t_seller_ab",
            groups="base.group_user,business_dept.group_business_manager",
            company_id=cls.company_b.id,
            company_ids=[cls.company_a.id, cls.company_b.id],
            tz="Asia/Shanghai",
        )
        cls.shared = cls.env["res.partner"].create(
            {"name": "Shared Group Customer", "is_company": True, "user_id": cls.seller.id}
        )
        cls.order_date = datetime(2025, 6, 10, 9, 0)

    def in_company(self, company):
        return self.shared.with_user(self.seller).with_company(company)

    def test_agreement_of_company_a_does_not_confirm_company_b(self):
        self.in_company(self.company_a).write(
            {"agreement_date": date(2025, 1, 1), "agreement_expiry": date(2025, 12, 31)}
        )
        order_b = self.make_order(user=self.seller, partner=self.shared)
        self.assertEqual(order_b.company_id, self.company_b)
        with (
            freeze_time(self.order_date),
            self.assertRaisesRegex(UserError, "Shared Group Customer"),
            self.env.cr.savepoint(),
        ):
            order_b.action_confirm()
        self.assertEqual(order_b.state, "draft")
        order_a = (
            self.env["sale.order"]
            .with_user(self.seller)
            .with_company(self.company_a)
            .create(
                {
                    "partner_id": self.shared.id,
                    "user_id": self.seller.id,
                    "order_line": [(0, 0, {"product_id": self.product.id})],
                }
            )
        )
        self.assertEqual(order_a.company_id, self.company_a)
        with freeze_time(self.order_date):
            order_a.action_confirm()
        self.assertEqual(order_a.state, "sale")
        # company B signs its own; A's is untouched
        self.in_company(self.company_b).write({"agreement_date": date(2025, 6, 1)})
        with freeze_time(self.order_date):
            order_b.action_confirm()
        self.assertEqual(order_b.state, "sale")
        self.assertEqual(self.in_company(self.company_a).agreement_date, date(2025, 1, 1))
        self.assertEqual(self.in_company(self.company_a).agreement_expiry, date(2025, 12, 31))

    def test_closing_day_payment_method_and_grade_per_company(self):
        self.in_company(self.company_a).write(
            {"closing_day": 25, "payment_method": "transfer", "customer_grade": "a"}
        )
        self.in_company(self.company_b).write(
            {"closing_day": 10, "payment_method": "bank_draft", "customer_grade": "c"}
        )
        for company, day, method, grade in (
            (self.company_a, 25, "transfer", "a"),
            (self.company_b, 10, "bank_draft", "c"),
        ):
            customer = self.in_company(company)
            self.assertEqual(
                (customer.closing_day, customer.payment_method, customer.customer_grade),
                (day, method, grade),
            )
            # the statement of account (对账单) of each company shows its own file
            statement = self.env["business.customer.statement"].create(
                {
                    "partner_id": self.shared.id,
                    "company_id": company.id,
                    "date_from": date(2026, 1, 1),
                    "date_to": date(2026, 1, day),
                }
            )
            self.assertEqual((statement.closing_day, statement.payment_method), (day, method))
        # a contact of the customer shares each company's file
        contact = self.env["res.partner"].create(
            {"name": "Shared Buyer", "parent_id": self.shared.id}
        )
        self.assertEqual(contact.with_company(self.company_b).closing_day, 10)
        self.assertEqual(contact.with_company(self.company_a).payment_method, "transfer")

    def test_agreement_document_and_ledger_per_company(self):
        self.in_company(self.company_a).write(
            {
                "agreement_date": date(2025, 1, 1),
                "agreement_expiry": date(2027, 12, 31),
                "agreement_document": base64.b64encode(b"contract of A"),
                "agreement_filename": "a.pdf",
            }
        )
        self.in_company(self.company_b).write(
            {"agreement_date": date(2025, 3, 1), "agreement_expiry": date(2026, 2, 28)}
        )
        customer_a = self.in_company(self.company_a)
        self.assertEqual(base64.b64decode(customer_a.agreement_document), b"contract of A")
        self.assertEqual(customer_a.agreement_attachment_id.name, "a.pdf")
        self.assertFalse(self.in_company(self.company_b).agreement_document)
        self.assertFalse(self.in_company(self.company_b).agreement_filename)
        # 合同台账: one row per company, each with its own dates
        rows = self.env["business.agreement.ledger"].search(
            [("partner_id", "=", self.shared.id), ("kind", "=", "framework")]
        )
        self.assertEqual(
            sorted((r.company_id.id, r.date_signed, r.date_expiry) for r in rows),
            sorted(
                [
                    (self.company_a.id, date(2025, 1, 1), date(2027, 12, 31)),
                    (self.company_b.id, date(2025, 3, 1), date(2026, 2, 28)),
                ]
            ),
        )
        self.assertEqual(len(set(rows.ids)), 2)

    def test_expiry_reminder_per_company(self):
        """Only the company whose agreement expires reminds, once."""
        self.company_b.agreement_expiry_notice_days = 30
        self.company_a.agreement_expiry_notice_days = 30
        self.in_company(self.company_a).write(
            {"agreement_date": date(2025, 1, 1), "agreement_expiry": date(2026, 3, 20)}
        )
        self.in_company(self.company_b).write(
            {"agreement_date": date(2025, 1, 1), "agreement_expiry": date(2027, 3, 20)}
        )
        Partner = self.env["res.partner"]
        with freeze_time("2026-03-05 04:00:00"):
            due = Partner._cron_business_agreement_expiry()
            self.assertEqual(due, self.shared)
            self.assertEqual(
                self.in_company(self.company_a).agreement_expiry_reminded, date(2026, 3, 20)
            )
            self.assertFalse(self.in_company(self.company_b).agreement_expiry_reminded)
            self.assertFalse(Partner._cron_business_agreement_expiry())
        activities = self.shared.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("business_dept.mail_activity_type_agreement_expiry")
            )
        )
        self.assertEqual(activities.date_deadline, date(2026, 3, 20))


@tagged("post_install", "-at_install")
class TestCustomerOwner(SalesRulesCase):
    """A customer belongs to his salesperson (新客户档案): his salesperson, agreement,
    closing day, payment method and billing data (开票资料) are changed by him, a
    Business Assistant or a Business Director; another Business Manager is refused."""

    OWNED = {
        "user_id": None,
        "closing_day": 20,
        "payment_method": "cash",
        "agreement_date": date(2025, 1, 1),
        "vat": "91310000MA1FL0XX0X",
        "street": "1 Invoice Road",
    }

    def test_other_manager_refused(self):
        vals = dict(self.OWNED, user_id=self.manager2.id)
        for fname, value in vals.items():
            with (
                self.subTest(field=fname),
                self.assertRaisesRegex(AccessError, "Test Customer Co.") as caught,
            ):
                self.customer.with_user(self.manager2).write({fname: value})
            label = self.customer._fields[fname]._description_string(self.env)
            self.assertIn(label, str(caught.exception))
        # nothing changed
        self.assertEqual(self.customer.user_id, self.manager)
        self.assertFalse(self.customer.closing_day)
        # a bank account is billing data too
        with self.assertRaises(AccessError):
            self.env["res.partner.bank"].with_user(self.manager2).create(
                {"acc_number": "6222 0000 1111", "partner_id": self.customer.id}
            )
        # his contact rights still let him fix a phone number
        self.customer.with_user(self.manager2).write({"phone": "+86 21 5555 0000"})
        self.assertEqual(self.customer.phone, "+86 21 5555 0000")

    def test_contacts_of_the_customer(self):
        invoice_address = self.env["res.partner"].create(
            {"name": "Invoices", "parent_id": self.customer.id, "type": "invoice"}
        )
        delivery = self.env["res.partner"].create(
            {"name": "Dock", "parent_id": self.customer.id, "type": "delivery"}
        )
        with self.assertRaisesRegex(AccessError, "Test Customer Co."):
            invoice_address.with_user(self.manager2).write({"street": "2 Other Road"})
        with self.assertRaisesRegex(AccessError, "Test Customer Co."):
            delivery.with_user(self.manager2).write({"vat": "91310000MA1FL0YY0Y"})
        delivery.with_user(self.manager2).write({"street": "3 Dock Road"})
        self.assertEqual(delivery.street, "3 Dock Road")

    def test_salesperson_assistant_and_director_may(self):
        for user in (self.manager, self.assistant, self.director):
            with self.subTest(user=user.login):
                vals = dict(self.OWNED, closing_day=self.customer.closing_day % 28 + 1)
                vals["user_id"] = self.manager.id
                self.customer.with_user(user).write(vals)
                self.assertEqual(self.customer.closing_day, vals["closing_day"])
                self.assertEqual(self.customer.vat, self.OWNED["vat"])
        self.env["res.partner.bank"].with_user(self.manager).create(
            {"acc_number": "6222 0000 2222", "partner_id": self.customer.id}
        )
        self.assertTrue(self.customer.bank_ids)
        # the director gives the customer to another manager: now his
        self.customer.with_user(self.director).write({"user_id": self.manager2.id})
        self.customer.with_user(self.manager2).write({"closing_day": 5})
        with self.assertRaises(AccessError):
            self.customer.with_user(self.manager).write({"closing_day": 6})

    def test_customer_without_salesperson_and_unchanged_values(self):
        self.customer.write({"closing_day": 25})
        # the same value written again is no change
        self.customer.with_user(self.manager2).write({"closing_day": 25})
        free = self.env["res.partner"].create({"name": "Nobody's Co.", "is_company": True})
        free.with_user(self.manager2).write({"user_id": self.manager2.id, "closing_day": 3})
        self.assertEqual(free.user_id, self.manager2)


@tagged("post_install", "-at_install")
class TestSharedCustomerAccounting(SalesRulesCase):
    """The statements of account (对账单) and collection plans of company B read the
    closing day (关账日) and payment method (付款方式) the shared customer agreed with B."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create(
            {"name": "Ledger B Co.", "resource_calendar_id": cls.calendar.id}
        )
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.company_b, install_demo=False
        )
        cls.shared = cls.env["res.partner"].create(
            {"name": "Shared Ledger Customer", "is_company": True, "user_id": cls.manager.id}
        )
        # B first, then A: a single value would be A's
        cls.shared.with_company(cls.company_b).write(
            {"closing_day": 10, "payment_method": "bank_draft"}
        )
        cls.shared.with_company(cls.company).write({"closing_day": 25, "payment_method": "cash"})
        invoice = (
            cls.env["account.move"]
            .with_company(cls.company_b)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": cls.shared.id,
                    "invoice_user_id": cls.manager.id,
                    "invoice_date": date(2026, 2, 5),
                    "invoice_date_due": date(2026, 2, 28),
                    "invoice_line_ids": [
                        (0, 0, {"name": "Valve", "quantity": 1, "price_unit": 500.0})
                    ],
                }
            )
        )
        invoice.action_post()
        cls.invoice = invoice

    def test_statement_on_company_b_closing_day(self):
        Statement = self.env["business.customer.statement"]
        # company A numbers its statements with a sequence of its own
        self.env["ir.sequence"].create(
            {
                "name": "Statements of A",
                "code": "business.customer.statement",
                "prefix": "A-ONLY/",
                "company_id": self.company.id,
            }
        )
        self.assertFalse(Statement._generate_statements(date(2026, 2, 25), self.company_b))
        statements = Statement._generate_statements(date(2026, 2, 10), self.company_b)
        self.assertEqual(statements.partner_id, self.shared)
        self.assertEqual(statements.company_id, self.company_b)
        self.assertEqual(statements.closing_day, 10)
        self.assertFalse(statements.name.startswith("A-ONLY/"))

    def test_collection_plan_with_company_b_payment_method(self):
        plans = self.env["business.collection.plan"]._generate_plans(
            date(2026, 2, 1), self.company_b
        )
        line = plans.line_ids.filtered(lambda line: line.move_id == self.invoice)
        self.assertEqual(line.payment_method, "bank_draft")

    def test_invoice_delivery_reminder_on_company_b_closing_day(self):
        """发票送达 before the closing day B agreed (the 10th), not A's (the 25th)."""
        Move = self.env["account.move"]
        monday = datetime(2026, 2, 9, 2, 0)  # 10:00 in Shanghai
        moves = Move._business_invoice_delivery_reminders(self.company_b, now=monday)
        self.assertEqual(moves, self.invoice)
        self.assertEqual(self.invoice.activity_ids.date_deadline, date(2026, 2, 10))


@tagged("post_install", "-at_install")
class TestKpiClosingDayPerCompany(KpiRulesCase):
    """开票及时率 of company A reads the closing day the customer agreed with A (the 25th),
    not the one he agreed with company B (the 20th)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_tz("Asia/Shanghai")
        company_b = cls.env["res.company"].create({"name": "KPI B Co."})
        cls.customer.with_company(cls.company).closing_day = 25
        cls.customer.with_company(company_b).closing_day = 20

    def test_invoicing_on_time_by_company_a_closing_day(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.manager.id,
                "order_line": [
                    Command.create({"product_id": self.product.id, "product_uom_qty": 1})
                ],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.write({"quantity": 1, "picked": True})
        picking._action_done()
        picking.date_done = self._utc("Asia/Shanghai", 2024, 3, 10, 9, 0)
        invoice = order._create_invoices()
        invoice.invoice_date = "2024-03-20"
        invoice.action_post()
        invoice.invoice_delivered_date = "2024-03-25"
        row = self._row(self.manager, date(2024, 3, 1))
        self.assertEqual((row.delivery_count, row.delivery_ontime_count), (1, 1))
