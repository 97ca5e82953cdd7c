from datetime import date, datetime, time, timedelta

from freezegun import freeze_time
from pytz import timezone

from odoo import Command
from odoo.tests import Form, tagged

from .test_collection_plan import CollectionPlanCase
from .test_kpi_rules import KpiRulesCase

OCTOBER, NOVEMBER = date(2026, 10, 1), date(2026, 11, 1)


def load_china_2026(calendar):
    """China's official schedule of 2026 in ``calendar``: National Day 1-7 October,
    make-up workday (调休) Saturday 10 October."""
    calendar._business_load_china_calendar([2026])
    assert date(2026, 10, 10) in calendar.business_workday_ids.mapped("date")


@tagged("post_install", "-at_install")
class TestLegalDeadlineKpi(KpiRulesCase):
    """回款及时率 with legal deadlines (民法典 第二百零三条): a due date on a day off of the
    company calendar moves to the first working day after it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_tz("Asia/Shanghai")
        cls.calendar = cls.company.resource_calendar_id
        load_china_2026(cls.calendar)
        cls.month_30 = cls._term((100, 30))

    def _ontime(self, month):
        row = self._row(self.manager, month)
        self.assertEqual(row.payment_due_count, 1)
        return row.payment_ontime_rate, row.payment_ontime_amount_rate

    def _store(self):
        """The nightly job stores the closed months (a closed month shows a change after it)."""
        self.env["business.kpi.snapshot"]._kpi_store_refresh()

    def _settings(self, **values):
        """The administrator changes the company's settings in Settings."""
        self.env["res.config.settings"].create(values).execute()

    def test_due_national_day_paid_first_working_day(self):
        """Due Thursday 1 October 2026 (National Day), paid Thursday 8 October, the first
        working day after the holiday: on time, 100 %."""
        invoice = self._invoice(1000.0, "2026-09-01", self.manager, self.month_30)
        self.assertEqual(invoice.invoice_date_due, date(2026, 10, 1))
        self._pay(invoice, 1000.0, "2026-10-08")
        self.assertEqual(self._ontime(OCTOBER), (100.0, 100.0))
        self.assertTrue(self._row(self.manager, OCTOBER).payment_ontime_ok)

    def test_setting_off_late(self):
        """Parties may agree otherwise (第二百零四条): the setting off, the same payment
        is late; on again, on time."""
        self.assertTrue(self.company.legal_deadline_shift, "on by default")
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.legal_deadline_shift)
        invoice = self._invoice(1000.0, "2026-09-01", self.manager, self.month_30)
        self._pay(invoice, 1000.0, "2026-10-08")
        self.assertEqual(self._ontime(OCTOBER), (100.0, 100.0))
        self._store()
        self._settings(legal_deadline_shift=False)
        self.assertFalse(self.company.legal_deadline_shift)
        # October is over: the report shows its stored figures until the nightly job
        self.assertEqual(self._row(self.manager, OCTOBER).kpi_source, "stored")
        self.assertEqual(self._ontime(OCTOBER), (100.0, 100.0))
        self._store()
        self.assertEqual(self._ontime(OCTOBER), (0.0, 0.0))
        self._settings(legal_deadline_shift=True)
        self._store()
        self.assertEqual(self._ontime(OCTOBER), (100.0, 100.0))

    def test_paid_second_working_day_late(self):
        """Paid Friday 9 October, a day after the first working day: late; half on the 8th
        and half on the 9th: 50 % of the amount, the installment not in full."""
        invoice = self._invoice(1000.0, "2026-09-01", self.manager, self.month_30)
        self._pay(invoice, 1000.0, "2026-10-09")
        self.assertEqual(self._ontime(OCTOBER), (0.0, 0.0))
        other = self._invoice(1000.0, "2026-09-01", self.manager2, self.month_30)
        self._pay(other, 500.0, "2026-10-08")
        self._pay(other, 500.0, "2026-10-09")
        row = self._row(self.manager2, OCTOBER)
        self.assertEqual((row.payment_due_count, row.payment_ontime_count), (1, 0))
        self.assertAlmostEqual(row.payment_ontime_amount_rate, 50.0)

    def test_weekend_due_date(self):
        """Due Saturday 7 November 2026, paid Monday 9th: on time while the Saturday is
        not a working day of the company calendar; a make-up workday (调休) on that
        Saturday makes it late, read through the stored figures."""
        invoice = self._invoice(1000.0, "2026-10-08", self.manager, self.month_30)
        self.assertEqual(invoice.invoice_date_due, date(2026, 11, 7))
        self._pay(invoice, 1000.0, "2026-11-09")
        self.assertEqual(self._ontime(NOVEMBER), (100.0, 100.0))
        self._store()
        self.env["business.calendar.workday"].create(
            {"calendar_id": self.calendar.id, "date": date(2026, 11, 7)}
        )
        self._store()
        self.assertEqual(self._ontime(NOVEMBER), (0.0, 0.0))

    def test_saturday_worked_in_calendar(self):
        """A calendar working on Saturday mornings: due Saturday 7 November, paid on the
        9th, late; the stored figures watch the calendar's hours."""
        invoice = self._invoice(1000.0, "2026-10-08", self.manager, self.month_30)
        self._pay(invoice, 1000.0, "2026-11-09")
        self._store()
        self.assertEqual(self._ontime(NOVEMBER), (100.0, 100.0))
        self.calendar.attendance_ids = [
            Command.create({"name": "Saturday", "dayofweek": "5", "hour_from": 8, "hour_to": 12})
        ]
        self._store()
        self.assertEqual(self._ontime(NOVEMBER), (0.0, 0.0))

    def test_holidays_removed_after_figures_stored(self):
        """The stored figures watch the calendar's holidays: without the National Day
        holidays, 1 October is an ordinary Thursday and the 8th is late."""
        invoice = self._invoice(1000.0, "2026-09-01", self.manager, self.month_30)
        self._pay(invoice, 1000.0, "2026-10-08")
        self._store()
        self.assertEqual(self._ontime(OCTOBER), (100.0, 100.0))
        zone = timezone("Asia/Shanghai")
        national_day = self.env["resource.calendar.leaves"].search(
            [
                ("calendar_id", "=", self.calendar.id),
                ("resource_id", "=", False),
                ("date_from", ">=", zone.localize(datetime(2026, 10, 1)).replace(tzinfo=None)),
                ("date_to", "<", datetime(2026, 10, 8)),
            ]
        )
        # the weekdays of the holiday (the weekend is off anyway)
        self.assertGreaterEqual(len(national_day), 5)
        national_day.unlink()
        self._store()
        self.assertEqual(self._ontime(OCTOBER), (0.0, 0.0))

    def test_second_installment(self):
        """Half due Tuesday 15 September paid that day, half due 1 October paid 8 October:
        both on time (100 % over September and October)."""
        invoice = self._invoice(1000.0, "2026-09-01", self.manager, self._term((50, 14), (50, 30)))
        terms = invoice.line_ids.filtered(lambda line: line.display_type == "payment_term")
        self.assertEqual(
            sorted(terms.mapped("date_maturity")), [date(2026, 9, 15), date(2026, 10, 1)]
        )
        self._pay(invoice, 500.0, "2026-09-15")
        self._pay(invoice, 500.0, "2026-10-08")
        self.assertEqual(self._ontime(OCTOBER), (100.0, 100.0))
        total = self._total(
            [
                ("user_id", "=", self.manager.id),
                ("month", ">=", date(2026, 9, 1)),
                ("month", "<=", OCTOBER),
            ],
            "payment_ontime_rate",
            "payment_ontime_amount_rate",
        )
        self.assertAlmostEqual(total["payment_ontime_rate"], 100.0)
        self.assertAlmostEqual(total["payment_ontime_amount_rate"], 100.0)

    def test_deadlines_match_working_calendar(self):
        """The SQL deadline of every day of 2026 is the first day on or after it with
        working time in ``_work_intervals_batch`` (holidays, 调休 included), and a
        China working day (``chinese_calendar``)."""
        import chinese_calendar  # noqa: PLC0415 (dependency of the holiday loader)

        days = [date(2026, 1, 1) + timedelta(days=n) for n in range(365)]
        deadlines = self.company._business_deadlines(days)
        zone = timezone("Asia/Shanghai")
        intervals = self.calendar._work_intervals_batch(
            zone.localize(datetime(2026, 1, 1)),
            zone.localize(datetime.combine(date(2027, 1, 31), time.max)),
            tz=zone,
        )[False]
        working = {start.date() for start, __, __ in intervals}
        for day in days:
            expected = min(d for d in working if d >= day)
            self.assertEqual(deadlines[day], expected, day)
            self.assertTrue(chinese_calendar.is_workday(deadlines[day]), day)
        self.assertEqual(deadlines[date(2026, 10, 1)], date(2026, 10, 8))
        self.assertEqual(deadlines[date(2026, 10, 10)], date(2026, 10, 10))


@tagged("post_install", "-at_install")
class TestLegalDeadlineCollection(CollectionPlanCase):
    """The collection plan (应收款项跟催计划) and its reminders plan and chase an
    installment due on a day off on the first working day after it, never calling it
    overdue before then."""

    mail_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_china_2026(cls.calendar)
        # due on National Day, overdue since a Sunday, due on a Saturday at month end
        cls.national_day = cls._invoice(1000.0, "2026-09-01", due="2026-10-01")
        cls.sunday = cls._invoice(200.0, "2026-08-20", due="2026-09-20")
        cls.month_end = cls._invoice(300.0, "2026-09-30", due="2026-10-31")

    def setUp(self):
        super().setUp()
        # the plans of October are made in September: 25 September 2026 in Shanghai
        freezer = freeze_time(self.local(2026, 9, 25, 10, 0))
        freezer.start()
        self.addCleanup(freezer.stop)

    def _october_plan(self):
        action = self.Plan.with_user(self.assistant).action_generate_next_month()
        plans = self.Plan.search(action["domain"])
        self.assertEqual(set(plans.mapped("month")), {OCTOBER})
        return plans.filtered(lambda p: p.user_id == self.manager)

    def test_planned_on_first_working_day(self):
        plan = self._october_plan()
        line = self._line(plan, self._receivables(self.national_day))
        self.assertEqual(line.date_maturity, date(2026, 10, 1))
        self.assertEqual(line.planned_date, date(2026, 10, 8))
        # overdue since September: planned on the month's first working day
        self.assertEqual(
            self._line(plan, self._receivables(self.sunday)).planned_date, date(2026, 10, 8)
        )
        # due Saturday 31 October: the legal deadline (2 November) is past the month
        self.assertEqual(
            self._line(plan, self._receivables(self.month_end)).planned_date,
            date(2026, 10, 31),
        )
        # paid on the 8th: collected by the planned date
        self._pay(self.national_day, 1000.0, "2026-10-08")
        line.invalidate_recordset()
        self.assertEqual(line.collected_by_planned, 1000.0)

    def test_setting_off_planned_on_due_date(self):
        self.company.legal_deadline_shift = False
        plan = self._october_plan()
        line = self._line(plan, self._receivables(self.national_day))
        self.assertEqual(line.planned_date, date(2026, 10, 1))

    def test_line_added_by_manager(self):
        """A line the manager adds by hand is planned on the legal deadline too: due
        Sunday 11 October, planned Monday 12th."""
        plan = self._october_plan()
        invoice = self._invoice(700.0, "2026-09-11", due="2026-10-11")
        installment = self._receivables(invoice)
        with Form(plan.with_user(self.manager)) as form:
            with form.line_ids.new() as new_line:
                new_line.move_line_id = installment
                self.assertEqual(new_line.planned_date, date(2026, 10, 12))
        line = self._line(plan, installment)
        self.assertEqual(line.planned_date, date(2026, 10, 12))
        # sent without a planned date (RPC): the same
        line.with_user(self.assistant).unlink()
        line = (
            self.env["business.collection.plan.line"]
            .with_user(self.manager)
            .create({"plan_id": plan.id, "move_line_id": installment.id})
        )
        self.assertEqual(line.planned_date, date(2026, 10, 12))

    def test_reminder_not_overdue_before_deadline(self):
        """Reminded two working days before the 8th; the activity is not overdue during
        the holiday, it is due on the 8th."""
        plan = self._october_plan()
        activity_type = self.env.ref("business_dept.mail_activity_type_collection")
        with freeze_time(self.local(2026, 9, 30, 9, 0)):
            self.Plan._cron_collection_reminders()
        activity = self.env["mail.activity"].search(
            [
                ("activity_type_id", "=", activity_type.id),
                ("res_model", "=", "account.move"),
                ("res_id", "=", self.national_day.id),
            ]
        )
        self.assertEqual(activity.user_id, plan.user_id)
        self.assertEqual(activity.date_deadline, date(2026, 10, 8))
        for day in (2, 7, 8):
            with freeze_time(self.local(2026, 10, day, 9, 0)):
                activity.invalidate_recordset()
                self.assertNotEqual(activity.with_user(self.manager).state, "overdue", day)

    def test_reminder_planned_on_day_off(self):
        """A line planned on Saturday 31 October (month end): the activity is due on the
        first working day after it, Monday 2 November."""
        self._october_plan()
        activity_type = self.env.ref("business_dept.mail_activity_type_collection")
        with freeze_time(self.local(2026, 10, 29, 9, 0)):
            self.Plan._cron_collection_reminders()
        activity = self.env["mail.activity"].search(
            [
                ("activity_type_id", "=", activity_type.id),
                ("res_model", "=", "account.move"),
                ("res_id", "=", self.month_end.id),
            ]
        )
        self.assertEqual(activity.date_deadline, date(2026, 11, 2))


@tagged("post_install", "-at_install")
class TestLegalDeadlineOverdueOrder(CollectionPlanCase):
    """An order's invoice is overdue (Invoice Overdue filter) only after the legal
    deadline of its due date."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_china_2026(cls.calendar)
        cls.order = cls.make_order(user=cls.manager)
        cls.order.action_confirm()
        invoice = cls.order._create_invoices()
        invoice.write({"invoice_date": "2026-09-01", "invoice_date_due": "2026-10-01"})
        invoice.action_post()

    def _overdue(self, day):
        with freeze_time(self.local(2026, 10, day, 9, 0)):
            orders = self.env["sale.order"].with_user(self.manager)
            return orders.search([("invoice_overdue", "=", True), ("id", "=", self.order.id)])

    def test_overdue_after_first_working_day(self):
        self.assertEqual(self.order.business_unpaid_due_date, date(2026, 10, 1))
        self.assertFalse(self._overdue(2))
        self.assertFalse(self._overdue(8))
        self.assertEqual(self._overdue(9), self.order)
        with freeze_time(self.local(2026, 10, 9, 9, 0)):
            self.order.invalidate_recordset()
            self.assertTrue(self.order.with_user(self.manager).invoice_overdue)
        self.company.legal_deadline_shift = False
        self.assertEqual(self._overdue(2), self.order)
