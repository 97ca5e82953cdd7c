from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

# at most this many days past a due date: a deadline moves past a run of days off no
# longer than this (the longest Chinese holiday with its weekends is about ten days)
LEGAL_DEADLINE_MAX_SHIFT = 31


class ResCompany(models.Model):
    """Thresholds of the business department (业务部管理制度), one set per company.

    Defaults are the values of the seeds: 4 working days for an order review
    (订单评审表), 3 months before stock is backlog (入库超过3个月), 90 % of the
    monthly sales target (销售目标产值完成率), 80 points of customer
    satisfaction (客户满意度).
    """

    _inherit = "res.company"

    quote_signoff_required = fields.Boolean(
        string="Quotation Sign-off Required",
        default=True,
        help="Quotations must be signed off by a General Manager before they are sent "
        "or confirmed (报价需总经理确认签字).",
    )
    quote_signoff_min_amount = fields.Monetary(
        string="Sign-off From Amount",
        currency_field="currency_id",
        default=0.0,
        help="Sign-off applies to quotations whose total is at least this amount "
        "(0 = every quotation).",
    )
    agreement_required = fields.Boolean(
        string="Framework Agreement Required",
        default=True,
        help="An order may only be confirmed for a customer with a framework agreement "
        "(购销框架协议) valid on the day the order is confirmed (company time zone), or when "
        "the order carries its own contract.",
    )
    review_working_days = fields.Integer(
        string="Order Review Working Days",
        default=4,
        help="Standard duration of an order review (订单评审), counted in working days of "
        "the company's working calendar after the General Manager's signature.",
    )
    backlog_months = fields.Integer(
        string="Backlog After (Months)",
        default=3,
        help="Stock received more than this many months ago is backlog (库存积压) and must "
        "be explained every month.",
    )
    target_threshold = fields.Float(
        string="Sales Target Threshold (%)",
        default=90.0,
        help="Minimum monthly sales target achievement (销售目标产值完成率).",
    )
    satisfaction_threshold = fields.Float(
        string="Satisfaction Threshold (Points)",
        default=80.0,
        help="Minimum customer satisfaction score (客户满意度), out of 100.",
    )
    output_basis = fields.Selection(
        selection=[("invoiced", "Invoiced"), ("delivered", "Delivered")],
        string="Output Value Basis",
        default="invoiced",
        required=True,
        help="What counts as the month's output value (产值) for the sales target: "
        "invoiced amounts or delivered amounts.",
    )
    logistics_tolerance = fields.Monetary(
        currency_field="currency_id",
        default=0.0,
        help="A carrier's amount within this difference of the expected cost counts as "
        "matched in the logistics reconciliation (物流对账).",
    )
    insert_gm_amount = fields.Monetary(
        string="Insert Order: GM From Amount",
        currency_field="currency_id",
        default=0.0,
        help="Insert orders (紧急插单) for orders of at least this amount also need the "
        "General Manager's approval (0 = always).",
    )
    insert_gm_days = fields.Integer(
        string="Insert Order: GM From Days Pulled In",
        default=0,
        help="Insert orders that pull the delivery date in by at least this many days also "
        "need the General Manager's approval (0 = always).",
    )
    payment_ontime_threshold = fields.Float(
        string="Payment On-time Threshold (%)",
        default=90.0,
        help="Minimum payment on-time rate (回款及时率).",
    )
    invoice_ontime_threshold = fields.Float(
        string="Invoicing On-time Threshold (%)",
        default=90.0,
        help="Minimum invoicing timeliness (开票及时率).",
    )
    review_ontime_threshold = fields.Float(
        string="Review On-time Threshold (%)",
        default=90.0,
        help="Minimum order review on-time rate (订单评审表及时率).",
    )
    backlog_explained_threshold = fields.Float(
        string="Backlog Explained Threshold (%)",
        default=90.0,
        help="Minimum share of backlog products explained on time.",
    )

    agreement_expiry_notice_days = fields.Integer(
        string="Agreement Expiry Notice (Days)",
        default=30,
        help="The customer's salesperson gets an activity this many days before the "
        "customer's framework agreement (购销框架协议) expires (合同台账).",
    )
    collection_reminder_days = fields.Integer(
        string="Collection Reminder (Working Days)",
        default=2,
        help="The salesperson gets an activity this many working days (company calendar) "
        "before each planned collection date of his collection plan (及时跟催).",
    )
    legal_deadline_shift = fields.Boolean(
        string="Deadlines Move Past Days Off",
        default=True,
        help="A payment due on a day off of the company's working calendar (a statutory "
        "holiday, a rest day) is on time when received on the first working day after it "
        "(民法典 第二百零三条): in the payment on-time rate, the collection plans and the "
        "overdue invoices. Uncheck it when the parties agreed otherwise (第二百零四条).",
    )
    customer_statement_invoicing = fields.Selection(
        selection=[("order", "One Invoice per Order"), ("statement", "One Invoice per Statement")],
        string="Invoices from a Statement",
        default="order",
        required=True,
        help="Invoices created from a confirmed customer statement (客户对账单): one per sale "
        "order, or one for the whole statement (per currency and invoice address).",
    )

    @api.constrains(
        "target_threshold",
        "satisfaction_threshold",
        "payment_ontime_threshold",
        "invoice_ontime_threshold",
        "review_ontime_threshold",
        "backlog_explained_threshold",
        "review_working_days",
        "backlog_months",
        "insert_gm_days",
        "quote_signoff_min_amount",
        "logistics_tolerance",
        "insert_gm_amount",
        "agreement_expiry_notice_days",
        "collection_reminder_days",
    )
    def _check_business_settings(self):
        for company in self:
            for fname, (low, high) in self._business_setting_ranges().items():
                value = company[fname]
                if (low is None or value >= low) and (high is None or value <= high):
                    continue
                setting = self._fields[fname]._description_string(self.env)
                if high is None:
                    message = self.env._(
                        "%(setting)s must be at least %(minimum)s (got %(value)s).",
                        setting=setting,
                        minimum=low,
                        value=value,
                    )
                else:
                    message = self.env._(
                        "%(setting)s must lie between %(minimum)s and %(maximum)s (got %(value)s).",
                        setting=setting,
                        minimum=low,
                        maximum=high,
                        value=value,
                    )
                raise ValidationError(message)

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["business.review.department"]._business_create_defaults(companies)
        return companies

    def write(self, vals):
        watched = {"quote_signoff_required", "quote_signoff_min_amount"} & set(vals)
        before = {c.id: [c[f] for f in sorted(watched)] for c in self} if watched else {}
        result = super().write(vals)
        changed = self.filtered(lambda c: before.get(c.id, []) != [c[f] for f in sorted(watched)])
        if watched and changed:
            self.env["sale.order"].sudo()._business_signoff_refresh(changed)
        return result

    # ------------------------------------------------------------ local time
    # A stored datetime is UTC; the day or month it belongs to is decided in the
    # company's time zone: the time zone of its working calendar, else the user's.
    # These helpers (Python) and ``_business_local_sql`` (SQL) own that rule.
    def _business_director(self, gone=None):
        """The Business Director (业务总监) who takes over the work of a person who left: an
        active director of the company, one who is not General Manager first. ``gone``:
        users being archived."""
        self.ensure_one()
        directors = self.env.ref("business_dept.group_business_director").sudo().users
        directors = self._business_at_work(directors, gone)
        gm = self.env.ref("business_dept.group_general_manager")
        return (directors.filtered(lambda u: gm not in u.groups_id) or directors)[:1]

    def _business_owner(self, people, gone=None):
        """Who does the work of ``people`` in the company (离职交接): the first of them still
        at work in it, else the Business Director. Nothing is planned for or assigned to a
        person who left. ``gone``: users being archived (not at work any more)."""
        self.ensure_one()
        return self._business_at_work(people, gone)[:1] or self._business_director(gone)

    def _business_at_work(self, users, gone=None):
        """Those of ``users`` at work in the company: active, internal, allowed in it."""
        self.ensure_one()
        return users.sudo().filtered(
            lambda u: u.active and not u.share and self in u.company_ids and u not in (gone or ())
        )

    def _business_tz(self):
        """Name of the company's time zone."""
        self.ensure_one()
        return self.resource_calendar_id.tz or self.env.user.tz or "UTC"

    def _business_local_datetime(self, value):
        """Naive local datetime of a stored (naive UTC) datetime; False stays False."""
        self.ensure_one()
        if not value:
            return value
        local = pytz.utc.localize(value).astimezone(pytz.timezone(self._business_tz()))
        return local.replace(tzinfo=None)

    def _business_local_date(self, value):
        """The company's local day of a stored datetime (a date is returned as it is)."""
        if not value or not isinstance(value, datetime):
            return value
        return self._business_local_datetime(value).date()

    def _business_local_today(self):
        """Today in the company's time zone."""
        return self._business_local_date(fields.Datetime.now())

    def _business_utc_start(self, day):
        """Naive UTC datetime of the local midnight starting ``day`` (for searches on
        stored datetimes: ``>= start(first day)`` and ``< start(day after the last)``)."""
        self.ensure_one()
        zone = pytz.timezone(self._business_tz())
        local = zone.localize(datetime.combine(day, time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _business_tz_sql(self):
        """Relation (company_id, tz) of every company's time zone, to join in SQL."""
        return SQL(
            """(SELECT c.id AS company_id, COALESCE(rc.tz, 'UTC') AS tz
                 FROM res_company c
            LEFT JOIN resource_calendar rc ON rc.id = c.resource_calendar_id)"""
        )

    @api.model
    def _business_local_sql(self, column, tz):
        """SQL: the local timestamp of a stored UTC timestamp ``column`` in time zone
        ``tz`` (an SQL expression, usually the ``tz`` column of ``_business_tz_sql``).
        ``::date`` of it is the local day, ``date_trunc('month', …)`` the local month."""
        return SQL("((%s) AT TIME ZONE 'UTC' AT TIME ZONE (%s))", column, tz)

    # ------------------------------------------------------------ deadlines
    # 民法典 第二百零三条: a period whose last day is a statutory holiday ends on the first
    # working day after it. ``_business_days_off_sql`` owns that rule; the KPI report,
    # the collection plans and the overdue orders all go through it.
    @api.model
    def _business_days_off_sql(self, start, end, condition=None):
        """SQL relation ``(company_id, day, deadline)``: each day from ``start`` to ``end``
        (date expressions) that is not a working day of the company's calendar, with its
        legal deadline, the first working day after it (at most
        ``LEGAL_DEADLINE_MAX_SHIFT`` days on), for the companies whose
        ``legal_deadline_shift`` is on (``condition``: an SQL condition on the company
        ``bd_do_company`` to keep fewer). A day not listed is its own deadline.

        Set-based: each day of the period is judged once per company (a window over
        the days gives the next working day), then joined on the due dates."""
        calendar = SQL("bd_do_cal")
        return SQL(
            """SELECT bd_do_company.id AS company_id, bd_do.day, bd_do.deadline
                 FROM res_company bd_do_company
                 JOIN resource_calendar bd_do_cal
                   ON bd_do_cal.id = bd_do_company.resource_calendar_id
                CROSS JOIN LATERAL (
                    SELECT w.day, COALESCE(min(w.work_day) OVER (
                               ORDER BY w.day ROWS BETWEEN CURRENT ROW AND %(max)s FOLLOWING),
                               w.day + %(max)s) AS deadline
                      -- each day judged once (OFFSET 0: not once per window frame)
                      FROM (SELECT g.day, CASE WHEN %(working)s THEN g.day END AS work_day
                              FROM (SELECT (%(start)s)::date + n AS day
                                      FROM generate_series(
                                          0, (%(end)s)::date - (%(start)s)::date + %(max)s) n
                                   ) g
                            OFFSET 0) w
                ) bd_do
               WHERE bd_do_company.legal_deadline_shift AND %(condition)s
                 AND bd_do.day <= (%(end)s)::date AND bd_do.deadline <> bd_do.day""",
            start=start,
            end=end,
            max=LEGAL_DEADLINE_MAX_SHIFT,
            condition=condition or SQL("TRUE"),
            working=self.env["resource.calendar"]._business_working_day_sql(calendar, SQL("g.day")),
        )

    def _business_deadlines(self, days):
        """{day: legal deadline} of the company for each date of ``days``, in one query
        (``_business_days_off_sql``)."""
        self.ensure_one()
        days = sorted({day for day in days if day})
        if not days:
            return {}
        for model in (
            "res.company",
            "resource.calendar",
            "resource.calendar.attendance",
            "resource.calendar.leaves",
            "business.calendar.workday",
        ):
            self.env[model].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT d.day, COALESCE(off.deadline, d.day)
                     FROM unnest(%(days)s::date[]) d(day)
                LEFT JOIN (%(off)s) off ON off.day = d.day""",
                days=days,
                off=self._business_days_off_sql(
                    days[0], days[-1], SQL("bd_do_company.id = %s", self.id)
                ),
            )
        )
        return dict(self.env.cr.fetchall())

    def _business_last_overdue_due_date(self, today):
        """The latest due date overdue on ``today``: its legal deadline is before
        ``today`` (the deadlines grow with the due date; a due date further back than
        ``LEGAL_DEADLINE_MAX_SHIFT`` days is always overdue)."""
        self.ensure_one()
        first = today - timedelta(days=LEGAL_DEADLINE_MAX_SHIFT + 1)
        candidates = [first + timedelta(days=n) for n in range(LEGAL_DEADLINE_MAX_SHIFT + 1)]
        deadlines = self._business_deadlines(candidates)
        return max(day for day in candidates if deadlines[day] < today)

    @api.model
    def _business_setting_ranges(self):
        """Allowed (minimum, maximum) of each numeric setting; None = unbounded."""
        percent = (0.0, 100.0)
        return {
            "target_threshold": percent,
            "satisfaction_threshold": percent,
            "payment_ontime_threshold": percent,
            "invoice_ontime_threshold": percent,
            "review_ontime_threshold": percent,
            "backlog_explained_threshold": percent,
            "review_working_days": (1, None),
            "backlog_months": (1, None),
            "insert_gm_days": (0, None),
            "agreement_expiry_notice_days": (0, None),
            "quote_signoff_min_amount": (0.0, None),
            "logistics_tolerance": (0.0, None),
            "insert_gm_amount": (0.0, None),
            "collection_reminder_days": (0, 60),
        }
