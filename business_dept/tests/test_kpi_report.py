from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import KpiCase

MARCH = date(2026, 3, 1)


class KpiMarchCase(KpiCase):
    """Known data for March 2026: targets, invoices in two currencies, a credit
    note, payments before and after the due dates, reviews, surveys, backlog and
    deliveries to a customer closing his books on the 25th."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager.name = "Li Lei"
        cls.manager2.name = "Han Meimei"
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.env["res.currency.rate"].create(
            {
                "name": "2026-01-01",
                "rate": 0.5,
                "currency_id": cls.eur.id,
                "company_id": cls.company.id,
            }
        )
        # Manager: annual target 120,000 -> 10,000 in March.
        cls.env["business.sales.target"].with_user(cls.director).create(
            {"user_id": cls.manager.id, "year": 2026, "amount": 120000.0}
        )
        # Output: 6,000 USD + 1,000 EUR (= 2,000 USD) - a 500 USD credit note = 7,500.
        cls.inv1 = cls._invoice(6000.0, "2026-03-05", "2026-03-20")
        cls.inv2 = cls._invoice(1000.0, "2026-03-10", "2026-03-25", currency=cls.eur)
        cls.refund = cls._invoice(500.0, "2026-03-15", "2026-03-15", move_type="out_refund")
        # inv1 paid in full before its due date; inv2 half before, half after.
        cls._pay(cls.inv1, 6000.0, "2026-03-18")
        cls._pay(cls.inv2, 500.0, "2026-03-20")
        cls._pay(cls.inv2, 500.0, "2026-04-10")
        # Reviews signed on Tuesday 3 March (deadline: end of Monday 9 March on the
        # company calendar): one received on time, one late.
        for received in ("2026-03-05", "2026-03-20"):
            order = cls.env["sale.order"].create(
                {
                    "partner_id": cls.customer.id,
                    "user_id": cls.manager.id,
                    "review_start_date": "2026-03-03 02:00:00",
                    "review_received_date": f"{received} 03:00:00",
                }
            )
            assert order.review_deadline.date() == date(2026, 3, 9), order.review_deadline
        # Surveys: 90 and 70 done, a draft 10 not counted.
        Survey = cls.env["business.satisfaction.survey"]
        for score, state in ((90, "done"), (70, "done"), (10, "draft")):
            Survey.create(
                {
                    "partner_id": cls.customer.id,
                    "date": "2026-03-12",
                    "score_quality": score,
                    "state": state,
                }
            )
        # Backlog: one explained by the deadline, one not explained.
        Backlog = cls.env["business.stock.backlog"]
        for name, explained in (("Valve A", "2026-03-20"), ("Valve B", False)):
            product = cls.env["product.product"].create({"name": name, "is_storable": True})
            Backlog.create(
                {
                    "product_id": product.id,
                    "month": MARCH,
                    "user_id": cls.manager.id,
                    "quantity": 1.0,
                    "explained_date": explained,
                    "state": "explained" if explained else "to_explain",
                }
            )
        # Manager2: three deliveries for a customer closing his books on the 25th.
        cls.customer2 = cls.env["res.partner"].create(
            {
                "name": "Closing Co.",
                "is_company": True,
                "closing_day": 25,
                "user_id": cls.manager2.id,
            }
        )
        cls._deliver_and_invoice("2026-03-10 08:00:00", "2026-03-20")  # on time
        cls._deliver_and_invoice("2026-03-12 08:00:00", "2026-03-28")  # after the 25th: late
        cls._deliver_and_invoice("2026-03-27 08:00:00", "2026-04-20")  # due by 25 April: on time
        cls.Report = cls.env["business.kpi.report"]

    @classmethod
    def _invoice(cls, amount, invoice_date, due, currency=None, move_type="out_invoice", user=None):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": cls.customer.id,
                "invoice_user_id": (user or cls.manager).id,
                "invoice_date": invoice_date,
                "invoice_date_due": due,
                "currency_id": (currency or cls.company.currency_id).id,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Pump", "quantity": 1, "price_unit": amount, "tax_ids": []}
                    )
                ],
            }
        )
        move.action_post()
        return move

    @classmethod
    def _deliver_and_invoice(cls, done, invoice_date, delivered=True):
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer2.id,
                "user_id": cls.manager2.id,
                "order_line": [
                    Command.create({"product_id": cls.product.id, "product_uom_qty": 10})
                ],
            }
        )
        order.action_confirm()
        order.date_order = "2026-03-01 08:00:00"
        picking = order.picking_ids
        picking.move_ids.write({"quantity": 10, "picked": True})
        picking._action_done()
        picking.date_done = done
        picking.move_ids.date = done
        invoice = order._create_invoices()
        invoice.invoice_date = invoice_date
        invoice.invoice_date_due = invoice_date
        invoice.action_post()
        # 开票及时率 counts the day the invoice reached the customer (发票送达): by
        # default the day it is dated, ``delivered`` another day or False (not delivered)
        invoice.invoice_delivered_date = invoice_date if delivered is True else delivered
        return order


@tagged("post_install", "-at_install")
class TestKpiReport(KpiMarchCase):
    """Every KPI of March 2026 checked exactly."""

    def _row(self, user, as_user=None):
        report = self.Report.with_user(as_user) if as_user else self.Report
        self.env.flush_all()
        self.env.invalidate_all()
        return report.search([("user_id", "=", user.id), ("month", "=", MARCH)])

    def test_manager_kpis(self):
        row = self._row(self.manager)
        self.assertEqual(len(row), 1)
        self.assertEqual(row.company_id, self.company)
        self.assertEqual(row.target_amount, 10000.0)
        self.assertAlmostEqual(row.output_amount, 7500.0, places=2)
        self.assertAlmostEqual(row.achievement, 75.0, places=4)
        self.assertFalse(row.achievement_ok)
        self.assertEqual(row.payment_due_count, 2)
        self.assertAlmostEqual(row.payment_ontime_rate, 50.0, places=4)
        self.assertAlmostEqual(row.payment_due_amount, 8000.0, places=2)
        self.assertAlmostEqual(row.payment_ontime_amount_rate, 87.5, places=4)
        self.assertFalse(row.payment_ontime_ok)
        self.assertEqual(row.review_count, 2)
        self.assertAlmostEqual(row.review_ontime_rate, 50.0, places=4)
        self.assertFalse(row.review_ontime_ok)
        self.assertEqual(row.survey_count, 2)
        self.assertAlmostEqual(row.satisfaction, 80.0, places=4)
        self.assertTrue(row.satisfaction_ok)
        self.assertEqual(row.backlog_count, 2)
        self.assertAlmostEqual(row.backlog_explained_rate, 50.0, places=4)
        self.assertEqual(row.new_customers, 0)
        # Lower thresholds turn the marks green.
        self.company.write({"target_threshold": 75.0, "review_ontime_threshold": 50.0})
        row = self._row(self.manager)
        self.assertTrue(row.achievement_ok)
        self.assertTrue(row.review_ontime_ok)

    def test_invoicing_timeliness_and_delivered_output(self):
        row = self._row(self.manager2)
        self.assertEqual(row.delivery_count, 3)
        self.assertAlmostEqual(row.invoice_ontime_rate, 200.0 / 3, places=4)
        self.assertEqual(row.new_customers, 1)
        # No target this month: no achievement.
        self.assertEqual(row.target_amount, 0.0)
        self.assertEqual(row.achievement, 0.0)
        self.assertFalse(row.achievement_ok)
        # Invoiced in March: the first two orders.
        self.assertAlmostEqual(row.output_amount, 2000.0, places=2)
        self.company.output_basis = "delivered"
        self.assertAlmostEqual(self._row(self.manager2).output_amount, 3000.0, places=2)
        # A return of 4 pumps delivered in March is deducted.
        order = self.env["sale.order"].search([("partner_id", "=", self.customer2.id)], limit=1)
        picking = order.picking_ids
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=picking.id, active_model="stock.picking")
            .create({})
        )
        wizard.product_return_moves.quantity = 4
        returned = self.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
        returned.move_ids.write({"quantity": 4, "picked": True})
        returned._action_done()
        returned.move_ids.date = "2026-03-30 08:00:00"
        self.assertAlmostEqual(self._row(self.manager2).output_amount, 2600.0, places=2)

    def test_month_filter_same_figures_as_the_whole_history(self):
        """A month filter bounds every part to that month's stored dates (a day wider
        for the time zone); the figures stay those of the unfiltered report."""
        self.company.resource_calendar_id.tz = "Asia/Shanghai"
        april = date(2026, 4, 1)
        # a customer ordering again in April (first order in March: not new)
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer2.id,
                "user_id": self.manager2.id,
                "order_line": [Command.create({"product_id": self.product.id})],
            }
        )
        order.action_confirm()
        order.date_order = "2026-04-02 02:00:00"
        # a review received at 00:30 on 1 April in Shanghai (16:30 UTC on 31 March)
        self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.manager.id,
                "review_start_date": "2026-03-30 02:00:00",
                "review_received_date": "2026-03-31 16:30:00",
            }
        )
        self.env.flush_all()
        names = [
            name
            for name, field in self.Report._fields.items()
            if field.type in ("integer", "float", "monetary", "boolean") and name != "id"
        ]

        def read(domain):
            self.env.invalidate_all()
            return {
                (row["user_id"] and row["user_id"][0], row["month"]): row
                for row in self.Report.search_read(domain, ["user_id", "month", *names])
            }

        history = read([])  # no month bound: every part reads all its rows
        self.assertIsNone(self.Report._kpi_month_range([]))
        self.assertIsNone(
            self.Report._kpi_month_range(["|", ("month", "=", MARCH), ("user_id", "=", 1)])
        )
        # the stored dates read: the months kept, a day wider on each side
        for domain, bounds in (
            ([("month", "=", MARCH)], (date(2026, 2, 28), date(2026, 4, 2))),
            (
                [("month", ">=", MARCH), ("month", "<", "2026-04-01")],
                (date(2026, 2, 28), date(2026, 4, 2)),
            ),
            (
                [("month", ">", MARCH), ("month", "<=", april)],
                (date(2026, 3, 31), date(2026, 5, 2)),
            ),
            ([("month", "in", [MARCH, april])], (date(2026, 2, 28), date(2026, 5, 2))),
        ):
            self.assertEqual(self.Report._kpi_month_range(domain), bounds, domain)
        both = {MARCH, april}
        for domain, months, department in (
            ([("month", "=", MARCH)], {MARCH}, False),
            ([("month", "=", april)], {april}, False),
            ([("month", ">=", MARCH), ("month", "<", "2026-05-01")], both, False),
            ([("month", ">", "2026-02-15"), ("month", "<=", april)], both, False),
            ([("month", "in", [MARCH, april]), ("in_department", "=", True)], both, True),
        ):
            self.assertTrue(self.Report._kpi_month_range(domain))
            bounded = read(domain)
            expected = {
                key
                for key, row in history.items()
                if key[1] in months and (row["in_department"] or not department)
            }
            self.assertTrue(bounded, domain)
            self.assertEqual(set(bounded), expected, domain)
            for key, row in bounded.items():
                for name in names:
                    self.assertEqual(row[name], history[key][name], (domain, key, name))
        self.assertEqual(history[self.manager2.id, april]["new_customers"], 0)
        self.assertEqual(history[self.manager.id, april]["review_count"], 1)

    def test_record_rules(self):
        self.assertEqual(self._row(self.manager, as_user=self.manager).user_id, self.manager)
        self.assertFalse(self._row(self.manager2, as_user=self.manager))
        rows = self.Report.with_user(self.manager).search([("month", "=", MARCH)])
        self.assertEqual(rows.user_id, self.manager)
        rows = self.Report.with_user(self.director).search([("month", "=", MARCH)])
        self.assertTrue(self.manager | self.manager2 <= rows.user_id)
        with self.assertRaises(AccessError):
            self.Report.with_user(self.salesman).search([])

    def test_snapshot_frozen(self):
        Snapshot = self.env["business.kpi.snapshot"]
        with self.assertRaises(AccessError):
            Snapshot.with_user(self.manager)._freeze(MARCH)
        with self.assertRaises(UserError):
            Snapshot.with_user(self.director)._freeze(date.today())
        wizard = self.env["business.kpi.summary"].with_user(self.director).create({"month": MARCH})
        wizard.action_freeze()
        frozen = Snapshot.search([("user_id", "=", self.manager.id), ("month", "=", MARCH)])
        self.assertAlmostEqual(frozen.output_amount, 7500.0, places=2)
        self.assertAlmostEqual(frozen.payment_ontime_amount_rate, 87.5, places=4)
        self.assertEqual(frozen.frozen_by_id, self.director)
        self.assertEqual(frozen.kpi_source, "frozen")
        # A late correction changes the live figures, not the frozen month the report shows.
        self._invoice(1000.0, "2026-03-31", "2026-04-30")
        row = self._row(self.manager)
        self.assertEqual(row.kpi_source, "frozen")
        self.assertAlmostEqual(row.output_amount, 7500.0, places=2)
        self.assertAlmostEqual(row.payment_ontime_amount_rate, 87.5, places=4)
        self.assertEqual(row.stored_date, frozen.frozen_date)
        live = self.Report.with_context(business_kpi_live=True)
        self.env.invalidate_all()  # the live row has the frozen row's id
        live_row = live.search([("user_id", "=", self.manager.id), ("month", "=", MARCH)])
        self.assertEqual(live_row.kpi_source, "live")
        self.assertAlmostEqual(live_row.output_amount, 8500.0, places=2)
        frozen.invalidate_recordset()
        self.assertAlmostEqual(frozen.output_amount, 7500.0, places=2)
        # the nightly job leaves a frozen month alone
        Snapshot.sudo()._kpi_store_refresh()
        self.assertAlmostEqual(self._row(self.manager).output_amount, 7500.0, places=2)
        with self.assertRaises(UserError):
            Snapshot.with_user(self.director)._freeze(MARCH)
        with self.assertRaises(AccessError):
            frozen.with_user(self.director).write({"output_amount": 1.0})
        self.assertEqual(
            Snapshot.with_user(self.manager).search([("month", "=", MARCH)]).user_id, self.manager
        )

    def _xlsx(self, user, **vals):
        return self._summary_xlsx(user, month=MARCH, **vals)[1]

    def test_monthly_summary_xlsx(self):
        book = self._xlsx(self.director, user_ids=[Command.set((self.manager | self.manager2).ids)])
        self.assertEqual(book.sheetnames, ["Department", "Han Meimei", "Li Lei"])
        dept = book["Department"]
        self.assertEqual(dept["A4"].value, "Salesperson")
        self.assertEqual(dept["D4"].value, "Achievement (%)")
        self.assertEqual(dept["D5"].value, 90.0)
        # Row 6: Han Meimei (no target), row 7: Li Lei, row 8: the department.
        self.assertEqual(dept["A6"].value, "Han Meimei")
        self.assertIsNone(dept["D6"].value)
        self.assertAlmostEqual(dept["G6"].value, 200.0 / 3, places=4)
        self.assertEqual(dept["A7"].value, "Li Lei")
        self.assertEqual(dept["B7"].value, 10000.0)
        self.assertAlmostEqual(dept["C7"].value, 7500.0, places=2)
        self.assertAlmostEqual(dept["D7"].value, 75.0, places=4)
        self.assertEqual(dept["D7"].fill.fgColor.rgb, "FFFFC7CE")
        self.assertAlmostEqual(dept["I7"].value, 80.0, places=4)
        self.assertEqual(dept["I7"].fill.fgColor.rgb, "FFC6EFCE")
        self.assertEqual(dept["A8"].value, "Department")
        self.assertAlmostEqual(dept["C8"].value, 9500.0, places=2)
        self.assertAlmostEqual(dept["D8"].value, 75.0, places=4)
        # Payment on time over both salespeople: 1 of 4 invoices due.
        self.assertAlmostEqual(dept["E8"].value, 25.0, places=4)
        self.assertEqual(dept["K8"].value, 1)
        sheet = book["Li Lei"]
        self.assertEqual(sheet["A4"].value, "Target")
        self.assertEqual(sheet["B4"].value, 10000.0)
        self.assertEqual(sheet["A6"].value, "Achievement (%)")
        self.assertAlmostEqual(sheet["B6"].value, 75.0, places=4)
        self.assertEqual(sheet["C6"].value, 90.0)
        self.assertEqual(sheet["D6"].value, "Below")
        self.assertEqual(sheet["D11"].value, "OK")

    def test_monthly_summary_manager_sees_own(self):
        book = self._xlsx(self.manager)
        self.assertEqual(book.sheetnames, ["Department", "Li Lei"])
        with self.assertRaises(AccessError):
            self._xlsx(self.salesman)
        with self.assertRaises(AccessError):
            self.env["business.kpi.summary"].with_user(self.manager).create(
                {"month": MARCH}
            ).action_freeze()
