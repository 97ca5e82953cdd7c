from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_kpi_report import MARCH, KpiMarchCase

JANUARY, JUNE = date(2026, 1, 1), date(2026, 6, 1)


@tagged("post_install", "-at_install")
class TestKpiStoredFigures(KpiMarchCase):
    """One store of monthly figures (``business.kpi.snapshot``): the nightly job stores
    the closed months not frozen, the month-end close freezes a month, and the KPI
    report reads a closed month from the store and the open months live, saying on each
    row which (``kpi_source``)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Report = cls.env["business.kpi.report"].with_user(cls.director)
        cls.Store = cls.env["business.kpi.snapshot"]
        cls.fields = [
            name
            for name, field in cls.Report._fields.items()
            if field.store
            and name not in ("id", "display_name", "currency_id", "kpi_source", "stored_date")
        ]

    def _figures(self, live=False, domain=()):
        report = self.Report.with_context(business_kpi_live=True) if live else self.Report
        self.env.flush_all()
        self.env.invalidate_all()
        return report.search_read(list(domain), self.fields, order="month, user_id, company_id")

    def _sources(self, month):
        """{salesperson: (kpi_source, stored_date)} of the report's rows of ``month``."""
        self.env.invalidate_all()
        rows = self.Report.search([("month", "=", month)])
        return {row.user_id: (row.kpi_source, row.stored_date) for row in rows}

    def _output(self, month):
        """The manager's output of ``month`` in the report (no row: None)."""
        self.env.flush_all()
        self.env.invalidate_all()
        row = self.Report.search([("month", "=", month), ("user_id", "=", self.manager.id)])
        return row.output_amount if row else None

    def _store(self):
        """The nightly job, as the scheduler runs it."""
        self.env.ref("business_dept.ir_cron_business_kpi_store_refresh").method_direct_trigger()

    def _open_month(self):
        return self.company._business_local_today().replace(day=1)

    def test_no_trigger_nor_cache_table(self):
        """Nothing on Odoo's tables but indexes: no trigger of the addon, no cache table."""
        self.env.cr.execute(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'business%'"
        )
        self.assertEqual(self.env.cr.fetchall(), [])
        self.env.cr.execute(
            "SELECT to_regclass('business_kpi_report_fact'),"
            " to_regclass('business_kpi_report_dirty'),"
            " to_regclass('business_kpi_report_customer')"
        )
        self.assertEqual(self.env.cr.fetchone(), (None, None, None))

    def test_stored_month_equals_live(self):
        """Before the first night every month is live; the nightly job stores the
        closed months, which then read as stored and equal the live computation."""
        live = self._figures(live=True)
        self.assertEqual({s for s, __ in self._sources(MARCH).values()}, {"live"})
        self.assertFalse(self.Store.search([]))
        before = fields.Datetime.now()
        self._store()
        sources = self._sources(MARCH)
        self.assertEqual({s for s, __ in sources.values()}, {"stored"})
        since = before.replace(microsecond=0)
        self.assertTrue(all(stored >= since for __, stored in sources.values()))
        self.assertEqual(self._figures(), live)
        self.assertEqual(
            self._figures(domain=[("month", "=", MARCH)]),
            self._figures(live=True, domain=[("month", "=", MARCH)]),
        )
        ours = [("user_id", "in", (self.manager | self.manager2).ids)]
        stored = self.Store.search([("month", "=", MARCH), *ours])
        self.assertEqual(set(stored.mapped("kpi_source")), {"stored"})
        self.assertEqual(stored.user_id, self.manager | self.manager2)

    def test_change_shows_after_the_nightly_job(self):
        """A stored closed month keeps its stored figures after a change (and says when
        they were stored); the next night stores the change, removing what is gone."""
        january = self._invoice(200.0, "2026-01-10", "2026-01-10", user=self.manager2)
        self._store()
        stored = self._figures(domain=[("month", "=", MARCH)])
        january_row = self.Store.search(
            [("month", "=", JANUARY), ("user_id", "=", self.manager2.id)]
        )
        self.assertEqual(january_row.output_amount, 200.0)
        january.button_draft()
        # the credit note reset to draft, a survey finished, manager2's deliveries moved
        self.refund.button_draft()
        survey = self.env["business.satisfaction.survey"].search(
            [("state", "=", "draft"), ("date", "=", "2026-03-12")], limit=1
        )
        survey.action_done()
        self.env["sale.order"].search([("partner_id", "=", self.customer2.id)]).write(
            {"user_id": self.manager.id}
        )
        live = self._figures(live=True, domain=[("month", "=", MARCH)])
        self.assertNotEqual(live, stored)
        self.assertEqual(self._figures(domain=[("month", "=", MARCH)]), stored)
        self.assertEqual(self._sources(MARCH)[self.manager][0], "stored")
        self._store()
        self.assertEqual(self._figures(domain=[("month", "=", MARCH)]), live)
        self.assertFalse(january_row.exists(), "a row no longer in the figures is removed")
        row = next(r for r in live if r["user_id"][0] == self.manager.id)
        self.assertAlmostEqual(row["output_amount"], 8000.0, places=2)
        self.assertEqual(row["survey_count"], 3)
        self.assertEqual(row["delivery_count"], 3)

    def test_frozen_month_not_changed(self):
        """The month-end close freezes March (its stored rows become frozen rows): later
        changes and the nightly job do not move the report's March; the live figures
        do move."""
        self._store()
        with self.assertRaises(AccessError):
            self.Store.with_user(self.manager)._freeze(MARCH)
        wizard = self.env["business.kpi.summary"].with_user(self.director).create({"month": MARCH})
        wizard.action_freeze()
        frozen = self._figures(domain=[("month", "=", MARCH)])
        self.assertEqual(frozen, self._figures(live=True, domain=[("month", "=", MARCH)]))
        self.assertEqual(
            set(self.Store.search([("month", "=", MARCH)]).mapped("kpi_source")), {"frozen"}
        )
        self.assertEqual({s for s, __ in self._sources(MARCH).values()}, {"frozen"})
        self.inv1.button_draft()
        self._invoice(1000.0, "2026-03-31", "2026-04-30")
        self._store()
        self.assertEqual(self._figures(domain=[("month", "=", MARCH)]), frozen)
        live = self._figures(live=True, domain=[("month", "=", MARCH)])
        self.assertNotEqual(live, frozen)
        row = next(r for r in live if r["user_id"][0] == self.manager.id)
        self.assertAlmostEqual(row["output_amount"], 2500.0, places=2)
        with self.assertRaises(AccessError):
            self.Store.search([("month", "=", MARCH)], limit=1).with_user(self.director).write(
                {"output_amount": 1.0}
            )

    def test_open_months_live(self):
        """The current and previous month are computed live and never stored: a change
        shows at once, the nightly job stores nothing of them."""
        current = self._open_month()
        previous = current - relativedelta(months=1)
        self._store()
        for month in (previous, current):
            invoice = self._invoice(400.0, month, month)
            self.assertEqual(self._sources(month)[self.manager][0], "live")
            self.assertAlmostEqual(self._output(month), 400.0, places=2)
            invoice.button_draft()
            self.assertFalse(self._output(month))
        self._invoice(400.0, current, current)
        self._store()
        self.assertFalse(self.Store.search([("month", ">=", previous)]))
        self.assertEqual(self._sources(current)[self.manager][0], "live")

    def test_closed_months_after_the_last_stored_are_live(self):
        """A month closed after the last one stored is live until the next night (a
        company whose figures were never stored reads every month live); an earlier
        closed month shows a change after the next night."""
        self._store()
        # as if the last night had stored the months up to May
        self.Store.search([("kpi_source", "=", "stored"), ("month", ">=", JUNE)]).unlink()
        self._invoice(300.0, "2026-06-10", "2026-06-10")
        self._invoice(200.0, "2026-01-10", "2026-01-10")
        self.assertEqual(self._sources(JUNE)[self.manager][0], "live")
        self.assertAlmostEqual(self._output(JUNE), 300.0, places=2)
        # January (its target) as stored, without the invoice
        self.assertEqual(self._sources(JANUARY)[self.manager][0], "stored")
        self.assertFalse(self._output(JANUARY))
        self._store()
        self.assertEqual(self._sources(JUNE)[self.manager][0], "stored")
        self.assertEqual(self._sources(JANUARY)[self.manager][0], "stored")
        self.assertAlmostEqual(self._output(JANUARY), 200.0, places=2)
        self.assertEqual(self._figures(), self._figures(live=True))

    def test_each_row_says_its_source(self):
        """Live, stored and frozen rows side by side, grouped by their source as the
        pivot does."""
        self._invoice(300.0, "2026-06-10", "2026-06-10")
        self._store()
        self.Store.with_user(self.director)._freeze(JUNE)
        self._invoice(400.0, self._open_month(), self._open_month())
        groups = self.Report.read_group(
            [("user_id", "=", self.manager.id)], ["output_amount:sum"], ["kpi_source"]
        )
        totals = {g["kpi_source"]: g["output_amount"] for g in groups}
        self.assertEqual(set(totals), {"live", "stored", "frozen"})
        self.assertAlmostEqual(totals["stored"], 7500.0, places=2)
        self.assertAlmostEqual(totals["frozen"], 300.0, places=2)
        self.assertAlmostEqual(totals["live"], 400.0, places=2)
        self.env.invalidate_all()
        frozen_row = self.Report.search([("month", "=", JUNE), ("user_id", "=", self.manager.id)])
        snapshot = self.Store.search([("month", "=", JUNE), ("user_id", "=", self.manager.id)])
        self.assertEqual(frozen_row.stored_date, snapshot.frozen_date)
        self.assertEqual(snapshot.frozen_by_id, self.director)
