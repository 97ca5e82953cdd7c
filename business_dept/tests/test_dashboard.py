from datetime import date, datetime

from freezegun import freeze_time
from pytz import timezone, utc

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools.safe_eval import datetime as safe_datetime
from odoo.tools.safe_eval import dateutil, safe_eval

from . import test_tours
from .common import BusinessDeptCase
from .test_kpi_report import MARCH, KpiMarchCase

APRIL = date(2026, 4, 1)


def local(*args):
    """Naive UTC datetime of a Shanghai wall-clock time."""
    return timezone("Asia/Shanghai").localize(datetime(*args)).astimezone(utc).replace(tzinfo=None)


@tagged("post_install", "-at_install")
class TestDashboard(KpiMarchCase):
    """The dashboards 业务部 (Dashboards app): who sees them, what they read, and that
    their figures are the KPI report's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.resource_calendar_id.tz = "Asia/Shanghai"
        cls.dashboard = cls.env.ref("business_dept.spreadsheet_dashboard_business_dept")
        cls.director_dashboard = cls.env.ref(
            "business_dept.spreadsheet_dashboard_business_dept_director"
        )

    def _month_domain(self, month):
        """The domain the month filter puts on the pivot's ``month`` (a date field)."""
        return [("month", ">=", month), ("month", "<=", month.replace(day=28))]

    def _kpi_pivot(self, dashboard):
        return dashboard._business_snapshot()["pivots"]["1"]

    def test_dashboards_in_group_and_visible_to_their_groups(self):
        group = self.env.ref("business_dept.spreadsheet_dashboard_group_business_dept")
        self.assertEqual(group.name, "业务部")
        self.assertEqual(self.dashboard.dashboard_group_id, group)
        self.assertEqual(self.director_dashboard.dashboard_group_id, group)
        Dashboard = self.env["spreadsheet.dashboard"]
        ours = self.dashboard | self.director_dashboard
        seen = {
            user: Dashboard.with_user(user).search([("id", "in", ours.ids)])
            for user in (self.director, self.manager, self.salesman, self.assistant)
        }
        self.assertEqual(seen[self.director], ours)
        self.assertEqual(seen[self.manager], self.dashboard)
        self.assertFalse(seen[self.salesman])
        self.assertFalse(seen[self.assistant])
        # the group shows for a manager, with his dashboard only
        groups = self.env["spreadsheet.dashboard.group"].with_user(self.manager)
        self.assertEqual(
            groups.search([("id", "=", group.id)])
            .dashboard_ids.with_user(self.manager)
            .search([("id", "in", ours.ids)]),
            self.dashboard,
        )

    def test_every_source_reads_for_its_users(self):
        """Each pivot, list and chart of the JSON reads (read_group / search_read) as the
        users who see the dashboard, with the month filter applied."""
        cases = [(self.dashboard, self.manager), (self.dashboard, self.director)]
        cases.append((self.director_dashboard, self.director))
        for dashboard, user in cases:
            data = dashboard.with_user(user).get_readonly_dashboard()["snapshot"]
            for pivot in data["pivots"].values():
                with self.subTest(dashboard=dashboard.name, user=user.login, pivot=pivot["name"]):
                    Model = self.env[pivot["model"]].with_user(user)
                    measures = [
                        m["fieldName"] if m["fieldName"] == "__count" else f"{m['fieldName']}:sum"
                        for m in pivot["measures"]
                    ]
                    groupby = [row["fieldName"] for row in pivot["rows"]]
                    domain = pivot["domain"]
                    if "month" in Model._fields and Model._fields["month"].type == "date":
                        domain = domain + self._month_domain(MARCH)
                    Model.read_group(domain, measures, groupby, lazy=False)
            for item in data["lists"].values():
                with self.subTest(dashboard=dashboard.name, user=user.login, list=item["name"]):
                    self.env[item["model"]].with_user(user).search_read(
                        item["domain"], item["columns"], limit=5
                    )
            for figure in data["sheets"][0]["figures"]:
                meta = figure["data"].get("metaData")
                if not meta:
                    continue
                with self.subTest(dashboard=dashboard.name, user=user.login, chart=figure["id"]):
                    self.env[meta["resModel"]].with_user(user).read_group(
                        figure["data"]["searchParams"]["domain"],
                        [f"{meta['measure']}:sum"],
                        meta["groupBy"],
                        lazy=False,
                    )
        # a salesperson outside the department cannot read them
        with self.assertRaises(AccessError):
            self.dashboard.with_user(self.salesman).read(["name"])

    def test_figures_equal_the_kpi_report(self):
        """The pivot's read_group for March gives the KPI report's figures, per
        salesperson and for the department (ratio of the sums)."""
        self.env.flush_all()
        pivot = self._kpi_pivot(self.dashboard)
        measures = [m["fieldName"] for m in pivot["measures"]]
        domain = pivot["domain"] + self._month_domain(MARCH)
        Report = self.env["business.kpi.report"].with_user(self.director)
        groups = Report.read_group(domain, [f"{m}:sum" for m in measures], ["user_id"], lazy=False)
        rows = Report.search(domain)
        self.assertEqual(len(groups), len(rows))
        by_user = {group["user_id"][0]: group for group in groups}
        for row in rows:
            for measure in (
                "target_amount",
                "output_amount",
                "achievement",
                "payment_ontime_rate",
                "review_ontime_rate",
                "satisfaction",
                "backlog_explained_rate",
                "invoice_ontime_rate",
            ):
                with self.subTest(user=row.user_id.name, measure=measure):
                    self.assertAlmostEqual(
                        by_user[row.user_id.id][measure] or 0.0, row[measure] or 0.0, places=6
                    )
        mine = rows.filtered(lambda r: r.user_id == self.manager)
        self.assertAlmostEqual(by_user[self.manager.id]["achievement"], 75.0)
        self.assertAlmostEqual(mine.achievement, 75.0)
        # the department: Σ output ÷ Σ target of the rows with a target
        total = Report.read_group(domain, ["achievement:sum"], [], lazy=False)[0]
        with_target = rows.filtered("target_amount")
        self.assertAlmostEqual(
            total["achievement"],
            100.0
            * sum(with_target.mapped("output_amount"))
            / sum(with_target.mapped("target_amount")),
        )

    def test_manager_sees_own_rows_only(self):
        """The KPI report's record rules: a manager's pivot has his row, a director's
        every salesperson's."""
        self.env.flush_all()
        pivot = self._kpi_pivot(self.dashboard)
        domain = pivot["domain"] + self._month_domain(MARCH)
        Report = self.env["business.kpi.report"]
        mine = Report.with_user(self.manager).read_group(
            domain, ["output_amount:sum"], ["user_id"], lazy=False
        )
        self.assertEqual([group["user_id"][0] for group in mine], [self.manager.id])
        self.assertEqual(Report.with_user(self.manager).search(domain).user_id, self.manager)
        everyone = Report.with_user(self.director).read_group(
            domain, ["output_amount:sum"], ["user_id"], lazy=False
        )
        self.assertIn(self.manager2.id, [group["user_id"][0] for group in everyone])
        # the department total of a manager is his own figure
        own = Report.with_user(self.manager).read_group(domain, ["achievement:sum"], [], lazy=False)
        self.assertAlmostEqual(own[0]["achievement"], 75.0)

    def test_month_filter_opens_on_last_month(self):
        """The month filter's default is the previous month of the company's local day,
        December of last year in January, and March just after midnight on 1 April."""
        cases = [
            (local(2026, 4, 7, 9, 0), {"yearOffset": 0, "period": "march"}),
            (local(2026, 4, 1, 0, 30), {"yearOffset": 0, "period": "march"}),
            (local(2026, 3, 31, 23, 30), {"yearOffset": 0, "period": "february"}),
            (local(2027, 1, 5, 9, 0), {"yearOffset": -1, "period": "december"}),
        ]
        for now, expected in cases:
            with self.subTest(now=now), freeze_time(now):
                snapshot = self.dashboard.with_user(self.manager).get_readonly_dashboard()[
                    "snapshot"
                ]
                month = next(f for f in snapshot["globalFilters"] if f["label"] == "Month")
                self.assertEqual(month["defaultValue"], expected)
        # the stored JSON keeps the token
        stored = self.dashboard._business_snapshot()
        self.assertIn("last_month", [f["defaultValue"] for f in stored["globalFilters"]])


@tagged("post_install", "-at_install")
class TestKpiMonthInProgress(KpiMarchCase):
    """The KPI report opens on the last closed month, shows target, output and the
    threshold, and says how far a month in progress is (working days of the company's
    calendar)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        calendar = cls.env["resource.calendar"].create(
            {"name": "Business Test Calendar", "tz": "Asia/Shanghai", "company_id": cls.company.id}
        )
        cls.company.resource_calendar_id = calendar
        cls.calendar = calendar
        # 清明节: Monday 6 April 2026 is a public holiday
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "Qingming",
                "calendar_id": calendar.id,
                "date_from": local(2026, 4, 6, 0, 0),
                "date_to": local(2026, 4, 6, 23, 59),
                "time_type": "leave",
            }
        )
        cls.company.target_threshold = 90.0

    def _rows(self, user=None):
        self.env.flush_all()
        self.env.invalidate_all()
        Report = self.env["business.kpi.report"].with_user(user or self.director)
        return Report.search([("user_id", "=", self.manager.id), ("month", "in", [MARCH, APRIL])])

    def _working_days(self, first, last):
        """Days with working time in ``_work_intervals_batch`` (holidays included)."""
        zone = timezone("Asia/Shanghai")
        intervals = self.calendar._work_intervals_batch(
            zone.localize(datetime.combine(first, datetime.min.time())),
            zone.localize(datetime.combine(last, datetime.max.time())),
            tz=zone,
        )[False]
        return len({start.date() for start, __, __ in intervals})

    def test_month_in_progress_on_the_7th_with_a_holiday(self):
        """Tuesday 7 April 2026: 4 working days of 21 have gone (the 6th is a holiday),
        the target to date is 4/21 of April's; March is closed."""
        with freeze_time(local(2026, 4, 7, 9, 0)):
            rows = self._rows(self.manager)
            april = rows.filtered(lambda r: r.month == APRIL)
            march = rows.filtered(lambda r: r.month == MARCH)
            self.assertEqual(april.month_state, "in_progress")
            self.assertEqual((april.days_elapsed, april.working_days), (4, 21))
            self.assertEqual(april.days_elapsed, self._working_days(APRIL, date(2026, 4, 7)))
            self.assertEqual(april.working_days, self._working_days(APRIL, date(2026, 4, 30)))
            self.assertAlmostEqual(april.target_to_date, 10000.0 * 4 / 21, places=2)
            self.assertEqual(march.month_state, "closed")
            self.assertFalse(march.days_elapsed)
            # a target set ahead: May has not started
            may = self.env["business.kpi.report"].search(
                [("user_id", "=", self.manager.id), ("month", "=", date(2026, 5, 1))]
            )
            self.assertEqual(may.month_state, "future")
            self.assertEqual(may.target_to_date, 0.0)
            self.assertAlmostEqual(march.target_to_date, 10000.0)
            # the threshold: target × 90 %
            self.assertAlmostEqual(march.threshold_amount, 9000.0)
            self.assertAlmostEqual(march.achievement_threshold, 90.0)
            self.assertAlmostEqual(april.threshold_amount, 9000.0)

    def test_just_after_local_midnight(self):
        """00:30 on 1 April in Shanghai (16:30 UTC on 31 March): April is in progress,
        one working day gone; March is closed."""
        with freeze_time(local(2026, 4, 1, 0, 30)):
            rows = self._rows()
            april = rows.filtered(lambda r: r.month == APRIL)
            self.assertEqual(april.month_state, "in_progress")
            self.assertEqual((april.days_elapsed, april.working_days), (1, 21))
            self.assertEqual(rows.filtered(lambda r: r.month == MARCH).month_state, "closed")

    def test_second_company_has_its_own_progress(self):
        """A company whose calendar has no holiday counts 22 working days in April."""
        other = self.env["res.company"].create({"name": "Second Co."})
        other.resource_calendar_id.tz = "Asia/Shanghai"
        with freeze_time(local(2026, 4, 7, 9, 0)):
            self.env.cr.execute(self.env["business.kpi.report"]._kpi_month_days_sql())
            days = {
                row["company_id"]: (row["month"], row["working_days"], row["days_elapsed"])
                for row in self.env.cr.dictfetchall()
            }
        self.assertEqual(days[other.id], (APRIL, 22, 5))
        self.assertEqual(days[self.company.id], (APRIL, 21, 4))

    def test_action_opens_on_last_closed_month(self):
        """The action's default filter is the last closed month; the graph opens on the
        output by salesperson, the pivot on target, output and threshold."""
        action = self.env.ref("business_dept.business_kpi_report_action")
        context = safe_eval(action.context)
        self.assertTrue(context.get("search_default_last_closed_month"))
        self.assertTrue(context.get("search_default_department"))
        self.assertEqual(action.view_mode.split(",")[0], "graph")
        self.assertEqual(context["graph_measure"], "output_amount")
        self.assertEqual(context["graph_groupbys"], ["user_id"])
        self.assertLessEqual(
            {"target_amount", "output_amount", "threshold_amount"}, set(context["pivot_measures"])
        )
        arch = self.env["business.kpi.report"].get_views([(False, "search")])["views"]["search"][
            "arch"
        ]
        start = arch.index('name="last_closed_month"')
        domain_text = arch[arch.index('domain="', start) + 8 :]
        domain_text = domain_text[: domain_text.index('"')].replace("&apos;", "'")
        with freeze_time(local(2026, 4, 7, 9, 0)):
            domain = safe_eval(
                domain_text,
                {
                    "context_today": lambda: date(2026, 4, 7),
                    "relativedelta": dateutil.relativedelta.relativedelta,
                    "datetime": safe_datetime,
                },
            )
            self.assertEqual(domain, [("month", "=", "2026-03-01")])
            rows = self.env["business.kpi.report"].with_user(self.manager).search(domain)
            self.assertEqual(rows.mapped("month"), [MARCH])
            self.assertEqual(rows.month_state, "closed")


@tagged("post_install", "-at_install")
class TestDashboardTour(BusinessDeptCase, HttpCase):
    """The dashboard loads in a real browser for a manager and for the director."""

    browser_size = "1920x1080"
    _tour = test_tours.TestTours._tour

    def test_dashboard_loads(self):
        self.env["business.sales.target"].with_user(self.director).create(
            {"user_id": self.manager.id, "year": date.today().year, "amount": 120000.0}
        )
        for role, user in (("manager", self.manager), ("director", self.director)):
            with self.subTest(role=role):
                self._tour("business_dept_dashboard", user, f"dashboard_{role}")
