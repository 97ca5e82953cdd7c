from dateutil.relativedelta import relativedelta

from odoo import api, fields, models, tools
from odoo.tools import SQL
from odoo.tools.sql import create_index


class BusinessKpiReport(models.Model):
    """KPI report (工作指标), one row per company, salesperson and month.

    A read-only SQL view over the standard tables; every KPI is one aggregation per
    (company, salesperson, month) (``_kpi_part_*`` methods); the parts are put
    together with UNION ALL and grouped once, so a filter on the month reaches every
    part. Amounts are in company currency (``*_signed`` and ``balance`` columns,
    partial reconcile ``amount``).

    **Local time.** A stored datetime is UTC; the day and month it belongs to are
    those of the company's time zone (its working calendar's, ``_business_tz_sql``
    joined on the part's company, ``_business_local_sql`` for the local timestamp):
    a delivery done at 07:30 on 1 April in Shanghai (23:30 UTC on 31 March) is an
    April delivery. Date columns (invoice date, due date, survey date) are days
    already and are taken as they are.

    **The department.** ``in_department``: the salesperson is an internal user of
    the Business Department groups (``group_business_manager``, which directors and
    general managers imply), not OdooBot, the administrator account, a template or
    public user, nor an empty salesperson. The menu's action filters on it by
    default; the monthly summary counts only these rows.

    **No data.** A rate whose denominator is 0 is NULL ("no data"), and so is its
    ``<kpi>_ok`` flag: it is neither 0 nor "missed".

    - ``month``: first day of the month.
    - ``target_amount`` (每月销售目标): the month's line of the salesperson's annual
      target (``business.sales.target``); no target gives no achievement.
    - ``output_amount`` (产值), by the company's ``output_basis``:
      *invoiced*: untaxed amount in company currency (``amount_untaxed_signed``) of
      the posted customer invoices minus credit notes, month of the invoice date,
      salesperson = ``invoice_user_id``; *delivered*: quantity done of the sale
      order's customer deliveries (returns deducted) × the line's untaxed unit price
      (``price_reduce_taxexcl``) converted at the order's rate (``currency_rate``),
      local month of the move date, salesperson = the order's ``user_id``.
    - ``achievement`` (销售目标产值完成率) = output ÷ target × 100 (95.0 = 95 %).
    - ``payment_ontime_rate`` (回款及时率), judged per installment: each receivable
      line (``payment_term``) of the posted customer invoices, salesperson
      ``invoice_user_id``, month of its own due date (``date_maturity``).
      *Owed*: the line's amount (``balance``) less what credit notes reconciled with
      it took off (a credit note cancels debt, it is not a payment; a full reversal
      leaves nothing owed and the installment is not counted). *Paid on time*: the
      other amounts reconciled with it (payments, bank statement lines, write-off
      and exchange difference entries) whose reconciliation date
      (``account_partial_reconcile.max_date``) is on or before the legal deadline of
      the due date, capped at what is owed: a due date that is not a working day of
      the company's calendar (a statutory holiday, a rest day) moves to the first
      working day after it (民法典 第二百零三条, ``res.company._business_days_off_sql``),
      unless the company's ``legal_deadline_shift`` is off (第二百零四条). An invoice
      cancelled or reset to draft is not posted and owes nothing.
      ``payment_ontime_count`` ÷ ``payment_due_count``: installments paid in full on
      time ÷ installments owed; ``payment_ontime_amount_rate``: amount
      paid on time ÷ amount owed, so partial payments count partly.
    - ``invoice_ontime_rate`` (开票及时率): of the sale orders' done customer deliveries
      of the month (local day and month of ``date_done``; salesperson = the
      order's), the share with a posted customer invoice for the delivery's goods
      ("whose invoice": billing one of the order lines the delivery shipped, dated on or
      after the delivery's local day) delivered to the
      customer (发票送达, ``invoice_delivered_date``, the company's local day) from the
      first day of the delivery month up to the customer's closing date (关账日,
      ``closing_day`` of the commercial partner for the delivery's company (a
      customer shared by the companies of a group has one per company), empty = last
      day of the month; a
      delivery done, on its local day, after the month's closing day is due by next
      month's closing day).
    - ``review_ontime_rate`` (订单评审表及时率): orders whose review was received in the
      month (local month of ``review_received_date``) and received by the deadline ÷
      reviews received; salesperson = the order's. The receipt date (接收日期) counts:
      received on the deadline's local day, after working hours too, is on time.
    - ``satisfaction`` (客户满意度): points of the finished (done) surveys dated in the
      month ÷ their number, by responsible manager.
    - ``backlog_explained_rate``: backlog records of the month explained by their
      deadline (end of the month) ÷ backlog records, by responsible manager.
    - ``new_customers``: customers whose first confirmed order is in the month (local
      month of ``date_order``), counted for that order's salesperson.
    - ``<kpi>_ok``: the figure reaches the company's threshold; NULL without data.

    A total over several rows is the ratio of the sums (``_read_group_select`` of
    ``business.kpi.mixin``): department achievement = Σ output ÷ Σ target (rows with
    a target), each on-time rate = Σ on time ÷ Σ due, satisfaction = Σ points ÷ Σ
    surveys.

    A month filter reaches every part; on invoices and installments it uses the
    expression indexes of ``_kpi_month_indexes``. A search whose domain bounds the
    month (``month`` =, in, >=, >, <=, < combined with AND) also bounds each part's
    stored date column to those months, a day wider on each side for the time zone
    (``_kpi_rows_in``, indexes of ``_kpi_range_indexes``): the local-month condition
    still decides, but only that period's rows are read, so the cost of a month grows
    with its rows and not with the history.

    **Live, stored, frozen** (``kpi_source``). The open months (the current and the
    previous month in the company's time zone) are computed live. A closed month is
    read from ``business.kpi.snapshot``: *frozen* when a director froze it at month
    end (later changes do not move it), else *stored* as the nightly job last stored
    it (``stored_date``); a closed month after the last one stored (a company whose
    figures were never stored, a month just closed) is live until the next night.
    The context key ``business_kpi_live`` computes every month live.
    """

    _name = "business.kpi.report"
    _inherit = [
        "business.kpi.mixin",
        "business.kpi.report.parts",
        "business.kpi.report.progress",
    ]
    _description = "Business Department KPI Report"
    _auto = False
    _order = "month desc, user_id"
    # what the view reads: the ORM flushes these before searching the report
    _depends = {
        "account.move": [
            "state",
            "move_type",
            "company_id",
            "invoice_user_id",
            "invoice_date",
            "invoice_delivered_date",
            "amount_untaxed_signed",
        ],
        "account.move.line": ["move_id", "display_type", "balance", "date_maturity"],
        "account.partial.reconcile": ["debit_move_id", "credit_move_id", "amount", "max_date"],
        "stock.move": [
            "state",
            "quantity",
            "location_id",
            "location_dest_id",
            "sale_line_id",
            "date",
        ],
        "stock.location": ["usage"],
        "stock.picking": ["state", "company_id", "location_dest_id", "sale_id", "date_done"],
        "sale.order": [
            "company_id",
            "user_id",
            "partner_id",
            "currency_rate",
            "state",
            "date_order",
            "review_received_date",
            "review_on_time",
        ],
        "sale.order.line": ["order_id", "price_reduce_taxexcl", "invoice_lines"],
        "res.partner": ["commercial_partner_id", "closing_day"],
        "business.sales.target.line": ["company_id", "user_id", "year", "month", "amount"],
        "business.satisfaction.survey": ["company_id", "user_id", "state", "score", "date"],
        "business.stock.backlog": ["company_id", "user_id", "month", "explained_on_time"],
        "res.company": [
            "output_basis",
            "legal_deadline_shift",
            "resource_calendar_id",
            "target_threshold",
            "payment_ontime_threshold",
            "invoice_ontime_threshold",
            "review_ontime_threshold",
            "satisfaction_threshold",
            "backlog_explained_threshold",
        ],
        # the working days of the company calendar (legal deadlines of the installments)
        "resource.calendar": ["tz", "two_weeks_calendar"],
        "resource.calendar.attendance": [
            "calendar_id",
            "dayofweek",
            "date_from",
            "date_to",
            "hour_from",
            "hour_to",
            "day_period",
            "display_type",
            "resource_id",
            "week_type",
        ],
        "resource.calendar.leaves": [
            "calendar_id",
            "resource_id",
            "time_type",
            "date_from",
            "date_to",
        ],
        "business.calendar.workday": ["calendar_id", "date"],
        "res.users": ["share", "groups_id"],
        "business.kpi.snapshot": ["company_id", "user_id", "month", "kpi_source", "stored_date"],
    }

    kpi_source = fields.Selection(
        [("live", "Live"), ("stored", "Stored"), ("frozen", "Frozen")],
        string="Figures",
        readonly=True,
        help="Live: computed now (open months, or a closed month not stored yet). "
        "Stored: a closed month as the nightly job stored it (Stored On). "
        "Frozen: frozen at month end by a director; later changes do not move it.",
    )
    stored_date = fields.Datetime(string="Stored On", readonly=True)
    # the threshold and the month in progress (``business.kpi.report.progress``)
    month_state = fields.Selection(
        [("closed", "Closed"), ("in_progress", "In Progress"), ("future", "Not Started")],
        string="Month Status",
        readonly=True,
        help="In progress: the company's current month, its figures are to date (read them "
        "against the working days elapsed). Not started: a later month.",
    )
    working_days = fields.Integer(
        readonly=True,
        aggregator="max",
        help="Working days of the month in progress (company calendar).",
    )
    days_elapsed = fields.Integer(
        string="Working Days Elapsed",
        readonly=True,
        aggregator="max",
        help="Working days of the month in progress up to today, today included.",
    )
    target_to_date = fields.Monetary(
        string="Target to Date",
        readonly=True,
        aggregator="sum",
        help="The target pro rata of the working days elapsed (the whole target for a "
        "closed month).",
    )
    threshold_amount = fields.Monetary(
        string="Threshold Output",
        readonly=True,
        aggregator="sum",
        help="The output that reaches the target threshold: target × threshold %.",
    )
    achievement_threshold = fields.Float(
        string="Threshold (%)",
        readonly=True,
        aggregator="max",
        help="The company's sales target threshold (目标完成率考核线).",
    )

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        """Bound the parts to the months of the domain (see ``_kpi_rows_in``)."""
        bounds = self._kpi_month_range(domain)
        model = self.with_context(business_kpi_range=bounds) if bounds else self
        return super(BusinessKpiReport, model)._search(
            domain, offset=offset, limit=limit, order=order
        )

    @property
    def _table_query(self):
        """The report is a query, not a view: built when read, from the extendable parts
        (``_kpi_parts``, ``_kpi_rates``...), so an override is seen without a module update;
        with the threshold and the month in progress around them (``_kpi_progress_query``)."""
        return self._kpi_progress_query(self._kpi_query())

    def init(self):
        """Kept for the indexes on the month expressions the report filters on (and to drop
        the view earlier versions created)."""
        for name, table, column, where in self._kpi_month_indexes():
            month_sql = self._kpi_month(SQL.identifier(column)).code
            create_index(self.env.cr, name, table, [f"({month_sql})"], where=where)
        for name, table, columns, where in self._kpi_range_indexes():
            create_index(self.env.cr, name, table, columns.split(", "), where=where)
        tools.drop_view_if_exists(self.env.cr, self._table)

    @api.model
    def _kpi_facts_query(self):
        """All parts padded to the same columns, one row per company, user, month."""
        parts = self._kpi_parts()
        measures = [m for __, columns in parts for m in columns]
        branches = [
            SQL(
                "SELECT company_id, user_id, month, %s FROM (%s) AS part",
                SQL(", ").join(
                    SQL(
                        "%s AS %s",
                        SQL.identifier(m) if m in columns else SQL("0"),
                        SQL.identifier(m),
                    )
                    for m in measures
                ),
                query,
            )
            for query, columns in parts
        ]
        return SQL(
            "SELECT company_id, user_id, month, %s FROM (%s) AS facts GROUP BY 1, 2, 3",
            SQL(", ").join(
                SQL("sum(%s) AS %s", SQL.identifier(m), SQL.identifier(m)) for m in measures
            ),
            SQL(" UNION ALL ").join(branches),
        )

    @api.model
    def _kpi_output(self):
        """Output value by the company's basis (invoiced or delivered)."""
        return SQL(
            "CASE WHEN c.output_basis = 'delivered' THEN f.delivered_amount "
            "ELSE f.invoiced_amount END"
        )

    @api.model
    def _kpi_in_department(self):
        """SQL: the row's salesperson ``u`` is a member of the Business Department
        groups: internal, in ``group_business_manager`` (implied by directors and
        general managers), not a bot, the administrator or a template user."""
        return SQL(
            """(u.id IS NOT NULL AND u.share IS NOT TRUE
                AND u.id NOT IN (SELECT d.res_id FROM ir_model_data d
                                  WHERE d.module = 'base' AND d.model = 'res.users'
                                    AND d.name IN %(bots)s)
                AND EXISTS (SELECT 1 FROM res_groups_users_rel r
                              JOIN ir_model_data g ON g.res_id = r.gid
                                   AND g.model = 'res.groups' AND g.module = 'business_dept'
                                   AND g.name = 'group_business_manager'
                             WHERE r.uid = u.id))""",
            bots=("user_root", "user_admin", "default_user", "public_user"),
        )

    @api.model
    def _kpi_rates(self):
        """{rate field: its SQL over the facts ``f`` and the company ``c``}; NULL
        without a denominator (no data)."""
        values = {"output_amount": self._kpi_output()}
        rates = {}
        for rate, (numerator, denominator, factor) in self._kpi_ratios().items():
            num = values.get(numerator, SQL("f.%s", SQL.identifier(numerator)))
            rates[rate] = SQL(
                "(%s * %s / NULLIF(f.%s, 0))::float", factor, num, SQL.identifier(denominator)
            )
        return rates

    @api.model
    def _kpi_row_id(self, alias):
        """SQL: the row's id, from its company, salesperson and month (the same for a
        live and a stored row)."""
        return SQL(
            "((COALESCE(%(a)s.user_id, 0)::bigint * 10000 + %(a)s.company_id) * 100000"
            " + EXTRACT(YEAR FROM %(a)s.month)::int * 12"
            " + EXTRACT(MONTH FROM %(a)s.month)::int)",
            a=SQL.identifier(alias),
        )

    @api.model
    def _kpi_select_measures(self):
        """The measure columns a row shows as they are (after the output)."""
        return [
            "target_amount",
            "payment_due_count",
            "payment_ontime_count",
            "payment_due_amount",
            "payment_ontime_amount",
            "delivery_count",
            "delivery_ontime_count",
            "review_count",
            "review_ontime_count",
            "survey_count",
            "survey_score",
            "backlog_count",
            "backlog_explained_count",
            "new_customers",
        ]

    @api.model
    def _kpi_select_live(self):
        """The columns of a live row, from the facts ``f`` and the company ``c``."""
        rates = self._kpi_rates()
        return SQL(
            """%(id)s AS id, f.company_id, f.user_id, f.month,
               %(in_department)s AS in_department, %(output)s AS output_amount,
               %(measures)s, %(rates)s, %(flags)s,
               'live'::varchar AS kpi_source, NULL::timestamp AS stored_date""",
            id=self._kpi_row_id("f"),
            in_department=self._kpi_in_department(),
            output=self._kpi_output(),
            measures=SQL(", ").join(
                SQL("f.%s", SQL.identifier(m)) for m in self._kpi_select_measures()
            ),
            rates=SQL(", ").join(
                SQL("%s AS %s", expr, SQL.identifier(name)) for name, expr in rates.items()
            ),
            # NULL rate (no data) gives a NULL flag: neither reached nor missed
            flags=SQL(", ").join(
                SQL(
                    "(%s >= c.%s) AS %s",
                    rates[rate],
                    SQL.identifier(threshold),
                    SQL.identifier(flag),
                )
                for rate, flag, threshold, __ in self._kpi_columns()
            ),
        )

    @api.model
    def _kpi_live_query(self, facts=None):
        """The rows computed from ``facts`` (SQL, by default the live facts of
        ``_kpi_facts_query``): rates, flags and department of each."""
        return SQL(
            """
            SELECT %(select)s
              FROM (%(facts)s) f
              JOIN res_company c ON c.id = f.company_id
         LEFT JOIN res_users u ON u.id = f.user_id
             WHERE f.month IS NOT NULL
            """,
            select=self._kpi_select_live(),
            facts=facts if facts is not None else self._kpi_facts_query(),
        )

    @api.model
    def _kpi_query(self):
        """The live rows of the months not read from the store, and the stored and
        frozen rows of ``business.kpi.snapshot`` (``_kpi_store_bounds``);
        everything live with the context key ``business_kpi_live``."""
        if self.env.context.get("business_kpi_live"):
            return self._kpi_live_query()
        bounds = self._kpi_store_bounds()
        live = self
        if bounds and len(bounds) == len(self._kpi_companies()):
            # every company stores its closed months: only the later ones are read live
            start, end = self.env.context.get("business_kpi_range") or (None, None)
            low = min(bounds.values()) - relativedelta(days=1)
            live = self.with_context(business_kpi_range=(max(start or low, low), end))
        return SQL(
            """SELECT * FROM (%(live)s) live
                WHERE NOT EXISTS (SELECT 1 FROM business_kpi_snapshot s
                                   WHERE s.kpi_source = 'frozen'
                                     AND s.company_id = live.company_id
                                     AND s.month = live.month)
                  AND live.month >= COALESCE((SELECT b.live_from FROM %(bounds)s b
                                               WHERE b.company_id = live.company_id),
                                             '-infinity')
               UNION ALL %(store)s""",
            live=live._kpi_live_query(),
            bounds=self._kpi_bounds_sql(bounds),
            store=self._kpi_store_query(bounds),
        )

    @api.model
    def _kpi_companies(self):
        return self.env["res.company"].sudo().search([])

    @api.model
    def _kpi_store_bounds(self):
        """{company id: first month read live}: the month after the last one the
        nightly job stored, or the first open month (the previous one, see
        ``business.kpi.snapshot._kpi_open_from``) when earlier. A company without
        stored figures reads every month live (but its frozen ones)."""
        Store = self.env["business.kpi.snapshot"].sudo()
        Store.flush_model()
        stored = Store._read_group([("kpi_source", "=", "stored")], ["company_id"], ["month:max"])
        return {
            company.id: min(last + relativedelta(months=1), Store._kpi_open_from(company))
            for company, last in stored
        }

    @api.model
    def _kpi_bounds_sql(self, bounds):
        """Relation (company_id, live_from) of ``bounds``."""
        if not bounds:
            return SQL("(SELECT NULL::integer AS company_id, NULL::date AS live_from WHERE FALSE)")
        return SQL(
            "(SELECT * FROM (VALUES %s) AS v(company_id, live_from))",
            SQL(", ").join(SQL("(%s, %s)", *item) for item in sorted(bounds.items())),
        )

    @api.model
    def _kpi_store_query(self, bounds):
        """The rows read from the store: frozen months, and the stored months before
        the company's first live month. A rate (and its flag) is NULL without its
        denominator (no data), as live."""
        checks = {rate: denominator for rate, __, __, denominator in self._kpi_columns()}
        return SQL(
            """
            SELECT %(id)s AS id, s.company_id, s.user_id, s.month, s.in_department,
                   s.output_amount, %(measures)s, %(rates)s, %(flags)s,
                   s.kpi_source::varchar AS kpi_source, s.stored_date
              FROM business_kpi_snapshot s
             WHERE (s.kpi_source = 'frozen'
                    OR s.month < (SELECT b.live_from FROM %(bounds)s b
                                   WHERE b.company_id = s.company_id))
               AND %(rows_in)s
            """,
            id=self._kpi_row_id("s"),
            measures=SQL(", ").join(
                SQL("s.%s", SQL.identifier(m)) for m in self._kpi_select_measures()
            ),
            rates=SQL(", ").join(
                SQL(
                    "(CASE WHEN s.%s <> 0 THEN s.%s END)::float AS %s",
                    SQL.identifier(checks[rate]),
                    SQL.identifier(rate),
                    SQL.identifier(rate),
                )
                for rate in self._kpi_rates()
            ),
            # in the order of the live rows' flags
            flags=SQL(", ").join(
                SQL(
                    "CASE WHEN s.%s <> 0 THEN s.%s END AS %s",
                    SQL.identifier(denominator),
                    SQL.identifier(flag),
                    SQL.identifier(flag),
                )
                for __, flag, __, denominator in self._kpi_columns()
            ),
            bounds=self._kpi_bounds_sql(bounds),
            rows_in=self._kpi_rows_in(SQL("s.month")),
        )

    def _kpi_drop_indexes(self):
        """Uninstall: drop the report's indexes on the standard tables."""
        for name, *__ in self._kpi_month_indexes() + self._kpi_range_indexes():
            self.env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))

    def _kpi_month_indexes(self):
        """Indexes on the month expression of the parts filtered on a date column,
        so that a month filter on the report reads only that month's rows:
        (index name, table, date column, partial index condition)."""
        return [
            (
                "account_move_line_business_kpi_maturity_month_index",
                "account_move_line",
                "date_maturity",
                "display_type = 'payment_term'",
            ),
            (
                "account_move_business_kpi_invoice_month_index",
                "account_move",
                "invoice_date",
                "move_type IN ('out_invoice', 'out_refund')",
            ),
        ]

    def _kpi_range_indexes(self):
        """Indexes on the stored date columns that ``_kpi_rows_in`` bounds and Odoo
        does not index, and on a customer's earlier orders (new customers): (index
        name, table, columns, partial index condition)."""
        return [
            (
                "stock_picking_business_kpi_date_done_index",
                "stock_picking",
                "date_done",
                "state = 'done'",
            ),
            (
                "sale_order_business_kpi_partner_date_index",
                "sale_order",
                "partner_id, date_order, id",
                "state = 'sale'",
            ),
            (
                "sale_order_business_kpi_review_received_index",
                "sale_order",
                "review_received_date",
                "review_received_date IS NOT NULL",
            ),
        ]
