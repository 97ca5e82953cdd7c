import bisect
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from pytz import timezone, utc

from odoo import api, fields, models
from odoo.addons.resource.models.utils import float_to_time
from odoo.osv import expression
from odoo.tools import SQL


class ResourceCalendar(models.Model):
    """Working calendar that knows make-up workdays (调休: a weekend day that is worked)."""

    _inherit = "resource.calendar"

    business_workday_ids = fields.One2many(
        "business.calendar.workday", "calendar_id", string="Make-up Workdays"
    )

    def _business_reference_attendances(self, domain=None, lunch=False):
        """Attendances of the calendar's first normal weekday: the hours of a make-up day."""
        self.ensure_one()
        domain = expression.AND(
            [
                domain or [],
                [
                    ("calendar_id", "=", self.id),
                    ("resource_id", "=", False),
                    ("display_type", "=", False),
                    ("day_period", "=" if lunch else "!=", "lunch"),
                ],
            ]
        )
        attendances = self.env["resource.calendar.attendance"].search(domain)
        for weekday in "01234":
            day = attendances.filtered(lambda a, weekday=weekday: a.dayofweek == weekday)
            if day:
                return day
        return attendances.browse()

    def _attendance_intervals_batch(
        self, start_dt, end_dt, resources=None, domain=None, tz=None, lunch=False
    ):
        """Add the make-up workdays (调休) so every working-time computation honours them."""
        result = super()._attendance_intervals_batch(
            start_dt, end_dt, resources=resources, domain=domain, tz=tz, lunch=lunch
        )
        workdays = self.env["business.calendar.workday"].search(
            [
                ("calendar_id", "=", self.id),
                ("date", ">=", (start_dt - timedelta(days=1)).date()),
                ("date", "<=", (end_dt + timedelta(days=1)).date()),
            ]
        )
        if not workdays:
            return result
        reference = self._business_reference_attendances(domain=domain, lunch=lunch)
        if not reference:
            return result
        regular_days = set(self.attendance_ids.mapped("dayofweek"))
        resources_list = list(resources or []) + [self.env["resource.resource"]]
        for resource in resources_list:
            zone = tz or timezone((resource or self).tz)
            low, high = start_dt.astimezone(zone), end_dt.astimezone(zone)
            extra = []
            for workday in workdays:
                if str(workday.date.weekday()) in regular_days:
                    continue
                for attendance in reference:
                    begin = zone.localize(
                        datetime.combine(workday.date, float_to_time(attendance.hour_from))
                    )
                    end = zone.localize(
                        datetime.combine(workday.date, float_to_time(attendance.hour_to))
                    )
                    begin, end = max(begin, low), min(end, high)
                    if begin < end:
                        extra.append((begin, end, attendance))
            if extra:
                intervals = result[resource.id]
                result[resource.id] = intervals | intervals.__class__(extra)
        return result

    @api.model
    def _business_working_day_sql(self, calendar, day):
        """SQL: ``day`` (a date expression) is a working day of ``calendar`` (the alias of
        a ``resource_calendar`` row), as ``_work_intervals_batch`` counts it: a make-up
        workday (调休), or a day with an attendance of its weekday (and week, in a
        two-week calendar) that no public holiday covers (a leave without resource, of
        this calendar or of every calendar, from the attendance's start to its end in
        the calendar's time zone)."""

        def local(hour):
            return SQL(
                "((%s + make_interval(secs => %s * 3600)) AT TIME ZONE COALESCE(%s.tz, 'UTC')"
                " AT TIME ZONE 'UTC')",
                day,
                hour,
                calendar,
            )

        return SQL(
            """(EXISTS (SELECT 1 FROM business_calendar_workday bd_wd
                         WHERE bd_wd.calendar_id = %(cal)s.id AND bd_wd.date = %(day)s)
                OR EXISTS (
                    SELECT 1 FROM resource_calendar_attendance bd_att
                     WHERE bd_att.calendar_id = %(cal)s.id AND bd_att.resource_id IS NULL
                       AND bd_att.display_type IS NULL
                       AND bd_att.day_period IS DISTINCT FROM 'lunch'
                       AND bd_att.dayofweek = (EXTRACT(ISODOW FROM %(day)s)::int - 1)::text
                       AND (bd_att.date_from IS NULL OR bd_att.date_from <= %(day)s)
                       AND (bd_att.date_to IS NULL OR bd_att.date_to >= %(day)s)
                       AND (%(cal)s.two_weeks_calendar IS NOT TRUE OR bd_att.week_type
                            = mod((%(day)s - DATE '0001-01-01') / 7, 2)::text)
                       AND NOT EXISTS (
                           SELECT 1 FROM resource_calendar_leaves bd_lv
                            WHERE bd_lv.resource_id IS NULL AND bd_lv.time_type = 'leave'
                              AND (bd_lv.calendar_id = %(cal)s.id OR bd_lv.calendar_id IS NULL)
                              AND bd_lv.date_from <= %(start)s AND bd_lv.date_to >= %(end)s)))""",
            cal=calendar,
            day=day,
            start=local(SQL("bd_att.hour_from")),
            end=local(SQL("bd_att.hour_to")),
        )

    def _business_deadlines(self, starts, days):
        """End of the ``days``-th working day after each start's day (the day itself not
        counted), for many starts at once: one interval computation over the whole window.

        :param starts: naive UTC datetimes
        :return: list of naive UTC datetimes (or False), in the order of ``starts``
        """
        return self._business_deadlines_many(starts, [days])[days]

    def _business_deadlines_many(self, starts, counts):
        """``_business_deadlines`` for several numbers of working days at once, from
        the same interval computation: ``{days: [deadline or False per start]}``."""
        self.ensure_one()
        if not starts:
            return {days: [] for days in counts}
        days = max(counts)
        zone = timezone(self.tz or "UTC")
        local_days = [utc.localize(start).astimezone(zone).date() for start in starts]
        first, last = min(local_days), max(local_days)
        margin = max(days, 1) * 3 + 30
        while True:
            window_start = zone.localize(datetime.combine(first, time.min))
            window_end = zone.localize(datetime.combine(last + timedelta(days=margin), time.max))
            intervals = self._work_intervals_batch(window_start, window_end, tz=zone)[False]
            day_end = {}
            for _start, stop, _rec in intervals:
                day = stop.astimezone(zone).date()
                if stop.astimezone(zone).time() == time.min:
                    day -= timedelta(days=1)
                day_end[day] = max(day_end.get(day, stop), stop)
            working = sorted(day for day in day_end if day > first)
            positions = [bisect.bisect_right(working, day) for day in local_days]
            if not working or max(positions) + days <= len(working) or margin > 3660:
                break
            margin *= 2
        ends = [day_end[day].astimezone(utc).replace(tzinfo=None) for day in working]
        result = {}
        for wanted in counts:
            result[wanted] = [
                ends[index + wanted - 1]
                if wanted > 0 and index + wanted - 1 < len(working)
                else False
                for index in positions
            ]
        return result

    def _business_load_china_calendar(self, years):
        """Load China's official holidays (global leaves) and make-up workdays (调休) of
        ``years`` from the ``chinese_calendar`` package. Idempotent.

        :return: number of (holidays, make-up workdays) created
        """
        import chinese_calendar  # noqa: PLC0415 (external dependency, imported when used)

        holidays, workdays = [], []
        for year in years:
            try:
                start, end = date(year, 1, 1), date(year, 12, 31)
                holidays += chinese_calendar.get_holidays(start, end, include_weekends=False)
                workdays += [
                    day
                    for day in chinese_calendar.get_workdays(start, end, include_weekends=True)
                    if day.weekday() >= 5
                ]
            except NotImplementedError:
                continue  # the package has no data for this year yet
        created = [0, 0]
        if not holidays and not workdays:
            return tuple(created)
        Leave = self.env["resource.calendar.leaves"].sudo()
        Workday = self.env["business.calendar.workday"].sudo()
        for calendar in self:
            zone = timezone(calendar.tz or "UTC")
            existing = defaultdict(bool)
            for leave in Leave.search(
                [("calendar_id", "=", calendar.id), ("resource_id", "=", False)]
            ):
                existing[utc.localize(leave.date_from).astimezone(zone).date()] = True
            values = []
            for day in holidays:
                if existing[day]:
                    continue
                begin = zone.localize(datetime.combine(day, time.min)).astimezone(utc)
                end = zone.localize(datetime.combine(day, time(23, 59, 59))).astimezone(utc)
                name = chinese_calendar.get_holiday_detail(day)[1] or self.env._("Public Holiday")
                values.append(
                    {
                        "name": name,
                        "calendar_id": calendar.id,
                        "company_id": calendar.company_id.id,
                        "date_from": begin.replace(tzinfo=None),
                        "date_to": end.replace(tzinfo=None),
                        "time_type": "leave",
                    }
                )
            Leave.create(values)
            known = set(calendar.business_workday_ids.mapped("date"))
            new_days = [day for day in workdays if day not in known]
            Workday.create([{"calendar_id": calendar.id, "date": day} for day in new_days])
            created[0] += len(values)
            created[1] += len(new_days)
        return tuple(created)

    @api.model
    def _business_load_official_holidays(self, companies, years):
        """Load the official holidays of ``years`` into the calendars of ``companies``; a
        company outside China keeps its plain calendar holidays.

        :return: (holidays created, make-up workdays created, companies skipped)
        """
        china = companies.filtered(lambda c: c.country_id.code == "CN" and c.resource_calendar_id)
        holidays, workdays = china.resource_calendar_id._business_load_china_calendar(years)
        return holidays, workdays, companies - china

    @api.model
    def _cron_business_load_holidays(self):
        """Yearly: this year's and next year's schedule for every company in China, the
        year being the company's local one."""
        by_year = defaultdict(lambda: self.env["res.company"])
        for company in self.env["res.company"].search([]):
            by_year[company._business_local_today().year] |= company
        for year, companies in by_year.items():
            self._business_load_official_holidays(companies, [year, year + 1])
