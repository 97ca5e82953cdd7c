from datetime import date, datetime

from pytz import timezone, utc

from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL

from .common import KpiCase


class KpiRulesCase(KpiCase):
    """Invoices, payments and deliveries made through the real workflow; the
    report read by a Business Director."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Report = cls.env["business.kpi.report"].with_user(cls.director)

    @classmethod
    def _set_tz(cls, tz):
        calendar = cls.env["resource.calendar"].create(
            {"name": f"Calendar {tz}", "tz": tz, "company_id": cls.company.id}
        )
        cls.company.resource_calendar_id = calendar

    @staticmethod
    def _utc(tz, *args):
        """Naive UTC datetime of a wall-clock time in ``tz``."""
        return timezone(tz).localize(datetime(*args)).astimezone(utc).replace(tzinfo=None)

    @classmethod
    def _invoice(
        cls, amount, invoice_date, user=None, term=None, move_type="out_invoice", partner=None
    ):
        vals = {
            "move_type": move_type,
            "partner_id": (partner or cls.customer).id,
            "invoice_user_id": user.id if user else False,
            "invoice_date": invoice_date,
            "invoice_line_ids": [
                Command.create({"name": "Pump", "quantity": 1, "price_unit": amount, "tax_ids": []})
            ],
        }
        if term:
            vals["invoice_payment_term_id"] = term.id
        else:
            vals["invoice_date_due"] = invoice_date
        move = cls.env["account.move"].create(vals)
        move.action_post()
        return move

    @classmethod
    def _term(cls, *parts):
        """Payment terms of (percent, days) installments."""
        return cls.env["account.payment.term"].create(
            {
                "name": " / ".join(f"{p}% {d}d" for p, d in parts),
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": p, "nb_days": d})
                    for p, d in parts
                ],
            }
        )

    def _row(self, user, month):
        self.env.invalidate_all()
        return self.Report.search([("user_id", "=", user.id), ("month", "=", month)])

    def _total(self, domain, *fields):
        """The figures of a pivot grouped by nothing but the month's range, as the
        web client asks them (each measure with its field's aggregator)."""
        [result] = self.Report.read_group(
            domain, [f"{f}:{self.Report._fields[f].aggregator}" for f in fields], []
        )
        return result


@tagged("post_install", "-at_install")
class TestKpiLocalTime(KpiRulesCase):
    """The day and month of a stored UTC datetime are the company's local ones."""

    @classmethod
    def _deliver(cls, done_utc, invoice_date, user):
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "user_id": user.id,
                "order_line": [
                    Command.create({"product_id": cls.product.id, "product_uom_qty": 2})
                ],
            }
        )
        order.action_confirm()
        order.date_order = done_utc
        picking = order.picking_ids
        picking.move_ids.write({"quantity": 2, "picked": True})
        picking._action_done()
        picking.date_done = done_utc
        picking.move_ids.date = done_utc
        invoice = order._create_invoices()
        invoice.invoice_date = invoice_date
        invoice.action_post()
        # 开票及时率 counts the day the invoice reached the customer: delivered that day
        invoice.invoice_delivered_date = invoice_date
        return order

    def test_shanghai_delivery_early_morning(self):
        """Done 07:30 on 1 April in Shanghai (23:30 UTC on 31 March), invoiced on
        1 April, customer without closing day: an April delivery, on time."""
        self._set_tz("Asia/Shanghai")
        self.assertFalse(self.customer.closing_day)
        done = self._utc("Asia/Shanghai", 2024, 4, 1, 7, 30)
        self.assertEqual(done, datetime(2024, 3, 31, 23, 30))
        self._deliver(done, "2024-04-01", self.manager)
        self.assertFalse(self._row(self.manager, date(2024, 3, 1)).delivery_count)
        april = self._row(self.manager, date(2024, 4, 1))
        self.assertEqual(april.delivery_count, 1)
        self.assertEqual(april.delivery_ontime_count, 1)
        self.assertAlmostEqual(april.invoice_ontime_rate, 100.0)
        self.assertTrue(april.invoice_ontime_ok)
        self.assertEqual(april.new_customers, 1)
        # delivered output: the move's local month too
        self.company.output_basis = "delivered"
        self.assertAlmostEqual(self._row(self.manager, date(2024, 4, 1)).output_amount, 200.0)

    def test_each_delivery_by_its_own_invoice(self):
        """Two deliveries of one order (5 then 5 units): the first invoice, delivered
        to the customer in time, bills the first delivery only; the second delivery
        waits for its own invoice and is late without it (an earlier invoice of the
        order for other goods does not count)."""
        self._set_tz("Asia/Shanghai")
        self.product.invoice_policy = "delivery"
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.manager.id,
                "order_line": [
                    Command.create({"product_id": self.product.id, "product_uom_qty": 10})
                ],
            }
        )
        order.action_confirm()

        def deliver(done_utc):
            picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
            picking.move_ids.write({"quantity": 5, "picked": True})
            picking.with_context(cancel_backorder=False)._action_done()
            picking.date_done = done_utc
            picking.move_ids.date = done_utc
            return picking

        deliver(datetime(2024, 5, 6, 2, 0))
        invoice = order._create_invoices()
        invoice.invoice_date = "2024-05-07"
        invoice.action_post()
        invoice.invoice_delivered_date = "2024-05-08"
        deliver(datetime(2024, 5, 10, 2, 0))
        may = self._row(self.manager, date(2024, 5, 1))
        self.assertEqual((may.delivery_count, may.delivery_ontime_count), (2, 1))
        # its own invoice, delivered by the month end: both on time
        second = order._create_invoices()
        second.invoice_date = "2024-05-20"
        second.action_post()
        second.invoice_delivered_date = "2024-05-21"
        may = self._row(self.manager, date(2024, 5, 1))
        self.assertEqual((may.delivery_count, may.delivery_ontime_count), (2, 2))

    def test_new_york_late_evening(self):
        """Done 21:00 on 30 April in New York (01:00 UTC on 1 May), invoiced on
        30 April: April, on time; a review received then is an April review."""
        self._set_tz("America/New_York")
        done = self._utc("America/New_York", 2024, 4, 30, 21, 0)
        self.assertEqual(done, datetime(2024, 5, 1, 1, 0))
        order = self._deliver(done, "2024-04-30", self.manager2)
        order.write({"review_start_date": done, "review_received_date": done})
        may = self._row(self.manager2, date(2024, 5, 1))
        self.assertFalse(may.delivery_count or may.review_count or may.new_customers)
        april = self._row(self.manager2, date(2024, 4, 1))
        self.assertEqual(april.delivery_count, 1)
        self.assertAlmostEqual(april.invoice_ontime_rate, 100.0)
        self.assertEqual(april.review_count, 1)
        self.assertEqual(april.new_customers, 1)
        # a customer closing on the 25th: done on the 30th (local), due by 25 May
        self.customer.closing_day = 25
        self.assertAlmostEqual(
            self._row(self.manager2, date(2024, 4, 1)).invoice_ontime_rate, 100.0
        )


@tagged("post_install", "-at_install")
class TestKpiInstallments(KpiRulesCase):
    """回款及时率 judged per installment: its amount, its own due date and month."""

    MARCH, APRIL = date(2024, 3, 1), date(2024, 4, 1)

    def _months(self, user):
        return [
            ("user_id", "=", user.id),
            ("month", ">=", self.MARCH),
            ("month", "<=", self.APRIL),
        ]

    def test_two_halves_second_paid_on_time(self):
        """1,000 on 2024-03-01, half due 03-16 and half 04-15; 500 paid 04-10 and
        500 on 04-15: March 0 of 500, April 500 of 500, 50 % over both."""
        invoice = self._invoice(1000.0, "2024-03-01", self.manager, self._term((50, 15), (50, 45)))
        terms = invoice.line_ids.filtered(lambda line: line.display_type == "payment_term")
        self.assertEqual(
            sorted(terms.mapped("date_maturity")), [date(2024, 3, 16), date(2024, 4, 15)]
        )
        self._pay(invoice, 500.0, "2024-04-10")
        self._pay(invoice, 500.0, "2024-04-15")
        self.assertEqual(invoice.payment_state, "paid")
        march = self._row(self.manager, self.MARCH)
        self.assertEqual((march.payment_due_count, march.payment_ontime_count), (1, 0))
        self.assertAlmostEqual(march.payment_due_amount, 500.0)
        self.assertAlmostEqual(march.payment_ontime_amount_rate, 0.0)
        self.assertFalse(march.payment_ontime_amount_ok)
        april = self._row(self.manager, self.APRIL)
        self.assertEqual((april.payment_due_count, april.payment_ontime_count), (1, 1))
        self.assertAlmostEqual(april.payment_ontime_amount_rate, 100.0)
        total = self._total(
            self._months(self.manager), "payment_ontime_amount_rate", "payment_ontime_rate"
        )
        self.assertAlmostEqual(total["payment_ontime_amount_rate"], 50.0)
        self.assertAlmostEqual(total["payment_ontime_rate"], 50.0)

    def test_thirty_seventy_second_late(self):
        """30 % due 03-31 paid 03-20, 70 % due 04-30 paid 05-05: March 300 of 300,
        April 0 of 700, 30 % by amount and 50 % by installment over both."""
        invoice = self._invoice(1000.0, "2024-03-01", self.manager, self._term((30, 30), (70, 60)))
        self._pay(invoice, 300.0, "2024-03-20")
        self._pay(invoice, 700.0, "2024-05-05")
        march = self._row(self.manager, self.MARCH)
        self.assertAlmostEqual(march.payment_due_amount, 300.0)
        self.assertAlmostEqual(march.payment_ontime_amount, 300.0)
        april = self._row(self.manager, self.APRIL)
        self.assertAlmostEqual(april.payment_due_amount, 700.0)
        self.assertAlmostEqual(april.payment_ontime_amount, 0.0)
        total = self._total(
            self._months(self.manager), "payment_ontime_amount_rate", "payment_ontime_rate"
        )
        self.assertAlmostEqual(total["payment_ontime_amount_rate"], 30.0)
        self.assertAlmostEqual(total["payment_ontime_rate"], 50.0)

    def test_credit_note_reduces_what_is_owed(self):
        """1,000 due 03-31; 600 paid 03-25; a 400 credit note of 04-05 reconciled:
        600 owed, 600 paid on time (the credit note is not a late payment)."""
        invoice = self._invoice(1000.0, "2024-03-01", self.manager, self._term((100, 30)))
        self._pay(invoice, 600.0, "2024-03-25")
        refund = self._invoice(400.0, "2024-04-05", self.manager, move_type="out_refund")
        (invoice.line_ids | refund.line_ids).filtered(
            lambda line: line.display_type == "payment_term"
        ).reconcile()
        self.assertEqual(invoice.payment_state, "paid")
        march = self._row(self.manager, self.MARCH)
        self.assertEqual((march.payment_due_count, march.payment_ontime_count), (1, 1))
        self.assertAlmostEqual(march.payment_due_amount, 600.0)
        self.assertAlmostEqual(march.payment_ontime_amount_rate, 100.0)
        self.assertTrue(march.payment_ontime_ok)

    def test_reversed_or_cancelled_invoice_owes_nothing(self):
        """A full reversal or a cancelled invoice leaves nothing owed: no data."""
        term = self._term((100, 30))
        reversed_invoice = self._invoice(1000.0, "2024-03-01", self.manager2, term)
        reversed_invoice._reverse_moves(
            [{"invoice_date": date(2024, 4, 10), "date": date(2024, 4, 10)}], cancel=True
        )
        self.assertEqual(reversed_invoice.payment_state, "reversed")
        cancelled = self._invoice(500.0, "2024-03-01", self.manager2, term)
        cancelled.button_draft()
        cancelled.button_cancel()
        paid = self._invoice(300.0, "2024-03-01", self.manager2, term)
        self._pay(paid, 300.0, "2024-03-31")
        # only the invoice still owed counts: 1 of 1, 300 of 300
        row = self._row(self.manager2, self.MARCH)
        self.assertEqual((row.payment_due_count, row.payment_ontime_count), (1, 1))
        self.assertAlmostEqual(row.payment_due_amount, 300.0)
        self.assertAlmostEqual(row.payment_ontime_rate, 100.0)
        # without it, nothing owed at all: no data (NULL), not 0 % and not missed
        paid.button_draft()
        paid.button_cancel()
        row = self._row(self.manager2, self.MARCH)
        self.assertAlmostEqual(row.output_amount, 1000.0)  # the reversed invoice's month
        self.assertFalse(row.payment_due_count)
        self.env.cr.execute(
            SQL(
                "SELECT payment_ontime_rate, payment_ontime_ok FROM %s r WHERE id = %s",
                self.env["business.kpi.report"]._table_sql,
                row.id,
            )
        )
        self.assertEqual(self.env.cr.fetchone(), (None, None))

    def test_write_off_at_payment_settles(self):
        """950 paid on time with 50 written off (fully paid): settled on time."""
        invoice = self._invoice(1000.0, "2024-03-01", self.manager, self._term((100, 30)))
        expense = self.env["account.account"].search(
            [("account_type", "=", "expense"), ("company_ids", "in", self.company.ids)], limit=1
        )
        self._pay(
            invoice,
            950.0,
            "2024-03-30",
            payment_difference_handling="reconcile",
            writeoff_account_id=expense.id,
            writeoff_label="Bank charges",
        )
        self.assertEqual(invoice.payment_state, "paid")
        march = self._row(self.manager, self.MARCH)
        self.assertAlmostEqual(march.payment_ontime_amount_rate, 100.0)


@tagged("post_install", "-at_install")
class TestKpiDepartment(KpiRulesCase):
    """Department totals are ratios of sums, over the department's members only."""

    MARCH = date(2024, 3, 1)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager3 = cls.env["res.users"].create(
            {
                "name": "Wang Wu",
                "login": "t_manager3",
                "groups_id": [
                    Command.set(
                        [
                            cls.env.ref("base.group_user").id,
                            cls.env.ref("business_dept.group_business_manager").id,
                        ]
                    )
                ],
            }
        )
        Target = cls.env["business.sales.target"].with_user(cls.director)
        # monthly targets 80,000 / 100,000 / 10,000
        for user, annual in (
            (cls.manager, 960000.0),
            (cls.manager2, 1200000.0),
            (cls.manager3, 120000.0),
        ):
            Target.create({"user_id": user.id, "year": 2024, "amount": annual})
        cls._invoice(5120.0, "2024-03-10", cls.manager)
        cls._invoice(6250.0, "2024-03-12", cls.manager2)
        # not the department: OdooBot, the administrator, no salesperson, a salesman
        cls._invoice(100000.0, "2024-03-15", cls.env.ref("base.user_root"))
        cls._invoice(100000.0, "2024-03-15", cls.env.ref("base.user_admin"))
        cls._invoice(100000.0, "2024-03-15")
        cls._invoice(100000.0, "2024-03-15", cls.salesman)
        # satisfaction: 90 and 70 for the first manager, 50 for the second
        for user, score in ((cls.manager, 90), (cls.manager, 70), (cls.manager2, 50)):
            cls.env["business.satisfaction.survey"].create(
                {
                    "partner_id": cls.customer.id,
                    "user_id": user.id,
                    "date": "2024-03-12",
                    "score_quality": score,
                    "state": "done",
                }
            )

    def test_department_achievement_ratio_of_sums(self):
        """Pivot by month only: 11,370 ÷ 190,000 = 5.98 %, not the rows' average."""
        domain = [("month", "=", self.MARCH), ("in_department", "=", True)]
        rows = self.Report.search(domain)
        self.assertEqual(rows.user_id, self.manager | self.manager2 | self.manager3)
        [group] = self.Report.read_group(
            domain,
            ["target_amount:sum", "output_amount:sum", "achievement:avg", "satisfaction:avg"],
            ["month:month"],
        )
        self.assertAlmostEqual(group["target_amount"], 190000.0)
        self.assertAlmostEqual(group["output_amount"], 11370.0)
        self.assertAlmostEqual(group["achievement"], 100.0 * 11370 / 190000)
        self.assertEqual(round(group["achievement"], 2), 5.98)
        # satisfaction: 210 points ÷ 3 surveys, not (80 + 50) ÷ 2
        self.assertAlmostEqual(group["satisfaction"], 70.0)

    def test_others_only_on_request(self):
        """Bots, the administrator, an empty salesperson and a plain salesman are
        not the department; the menu filters on the department by default."""
        others = self.Report.search([("month", "=", self.MARCH), ("in_department", "=", False)])
        self.assertEqual(len(others), 4)
        self.assertEqual(
            others.user_id,
            self.env.ref("base.user_root") | self.env.ref("base.user_admin") | self.salesman,
        )
        action = self.env.ref("business_dept.business_kpi_report_action")
        self.assertIn("search_default_department", action.context)
        # the monthly summary's department line counts the members only
        wizard = (
            self.env["business.kpi.summary"].with_user(self.director).create({"month": self.MARCH})
        )
        self.assertEqual(wizard._rows().user_id, self.manager | self.manager2 | self.manager3)
        figures = wizard._department_figures()
        self.assertAlmostEqual(figures["output_amount"], 11370.0)
        self.assertAlmostEqual(figures["achievement"], 100.0 * 11370 / 190000)
        self.assertFalse(figures["achievement_ok"])
        # invoices due on their date, unpaid: missed; no review received: no data
        self.assertEqual(figures["payment_ontime_rate"], 0.0)
        self.assertIs(figures["payment_ontime_ok"], False)
        self.assertIsNone(figures["review_ontime_rate"])
        self.assertIsNone(figures["review_ontime_ok"])


@tagged("post_install", "-at_install")
class TestKpiNoDataAndFrozen(KpiRulesCase):
    """No data stays no data in the report, the snapshot and the XLSX; a frozen
    month is summarised from its frozen figures; posting in it warns."""

    MARCH = date(2024, 3, 1)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager.name = "Li Lei"
        cls.env["business.sales.target"].with_user(cls.director).create(
            {"user_id": cls.manager.id, "year": 2024, "amount": 120000.0}
        )
        cls._invoice(9000.0, "2024-03-10", cls.manager)

    def _flags(self, model, user):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT achievement_ok, payment_ontime_ok, payment_ontime_rate, satisfaction_ok"
                " FROM %s t WHERE user_id = %s AND month = %s",
                model._table_sql,
                user.id,
                self.MARCH,
            )
        )
        return self.env.cr.fetchone()

    def _xlsx(self, user, month):
        return self._summary_xlsx(user, month=month)

    def test_no_data_then_frozen(self):
        row = self._row(self.manager, self.MARCH)
        self.assertAlmostEqual(row.achievement, 90.0)
        self.assertTrue(row.achievement_ok)
        # invoice posted in March, due in March but with no payment: missed
        self.assertEqual(row.payment_due_count, 1)
        # no survey: no data (NULL), neither 0 nor missed
        self.assertEqual(self._flags(self.Report, self.manager), (True, False, 0.0, None))
        __, book = self._xlsx(self.director, self.MARCH)
        sheet = book["Li Lei"]
        statuses = {sheet.cell(r, 1).value: sheet.cell(r, 4).value for r in range(6, 13)}
        self.assertEqual(statuses["Achievement (%)"], "OK")
        self.assertEqual(statuses["Payment On-time (%)"], "Below")
        self.assertEqual(statuses["Satisfaction"], "No data")
        self.assertIsNone(sheet["B11"].value)
        # frozen: the report reads the month from the store, "no data" still NULL
        wizard = (
            self.env["business.kpi.summary"].with_user(self.director).create({"month": self.MARCH})
        )
        self.assertFalse(wizard.frozen_note)
        wizard.action_freeze()
        self.assertEqual(self._row(self.manager, self.MARCH).kpi_source, "frozen")
        self.assertEqual(self._flags(self.Report, self.manager), (True, False, 0.0, None))
        snapshot = self.env["business.kpi.snapshot"].search(
            [("user_id", "=", self.manager.id), ("month", "=", self.MARCH)]
        )
        self.assertEqual((snapshot.kpi_source, snapshot.survey_count), ("frozen", 0))
        # a draft dated in the frozen month shows a warning on its form
        draft = (
            self.env["account.move"]
            .with_user(self.finance)
            .new(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "invoice_date": date(2024, 3, 20),
                }
            )
        )
        self.assertIn("2024-03 were frozen on", draft.business_kpi_frozen_note)
        draft.invoice_date = date(2024, 4, 20)
        self.assertFalse(draft.business_kpi_frozen_note)
        # an invoice posted later in the frozen month: the poster is warned
        late = self._invoice(3000.0, "2024-03-28", self.manager)
        note = late.message_ids.filtered(lambda m: "were frozen on" in (m.body or ""))
        self.assertTrue(note)
        self.assertIn("2024-03", note.body)
        self.assertEqual(late.state, "posted")
        # the live figures count it; the report and the summary of the frozen month do not
        self.env.invalidate_all()  # the live row has the frozen row's id
        live = self.Report.with_context(business_kpi_live=True).search(
            [("user_id", "=", self.manager.id), ("month", "=", self.MARCH)]
        )
        self.assertAlmostEqual(live.output_amount, 12000.0)
        self.assertAlmostEqual(self._row(self.manager, self.MARCH).output_amount, 9000.0)
        wizard, book = self._xlsx(self.director, self.MARCH)
        self.assertIn("frozen", wizard.frozen_note)
        dept = book["Department"]
        self.assertIn("frozen", dept["A3"].value)
        self.assertEqual(dept["A6"].value, "Li Lei")
        self.assertAlmostEqual(dept["C6"].value, 9000.0)
        self.assertAlmostEqual(dept["C7"].value, 9000.0)
        # an invoice dated in a month not frozen: no note
        april = self._invoice(100.0, "2024-04-02", self.manager)
        self.assertFalse(april.message_ids.filtered(lambda m: "were frozen on" in (m.body or "")))
