from dateutil.relativedelta import relativedelta

from odoo import api, fields, models, tools
from odoo.osv import expression
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
      order's), the share with a posted customer invoice of the order delivered to the
      customer (发票送达, ``invoice_delivered_date``, the company's local day) from the
      first day of the delivery month up to the customer's closing date (关账日,
      ``closing_day`` of the commercial partner for the delivery's company (a
      customer shared by the companies of a group has one per company), empty = last
      day of the month; a
      delivery done, on its local day, after the month's closing day is due by next
      month's closing day).
    - ``review_ontime_rate`` (订单评审表及时率): orders whose review was received in the
      month (local month of ``review_received_date``) and received by the deadline ÷
      reviews received; salesperson = the order's.
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
    """

    _name = "business.kpi.report"
    _inherit = ["business.kpi.mixin"]
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
    }

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
        (``_kpi_parts``, ``_kpi_rates``...), so an override is seen without a module update."""
        return self._kpi_query()

    def init(self):
        """Kept for the indexes on the month expressions the report filters on (and to drop
        the view earlier versions created)."""
        for name, table, column, where in self._kpi_month_indexes():
            month_sql = self._kpi_month(SQL.identifier(column)).code
            create_index(self.env.cr, name, table, [f"({month_sql})"], where=where)
        for name, table, columns, where in self._kpi_range_indexes():
            create_index(self.env.cr, name, table, columns.split(", "), where=where)
        tools.drop_view_if_exists(self.env.cr, self._table)

    # ------------------------------------------------------------------ month bounds
    @api.model
    def _kpi_month_range(self, domain):
        """``(first day, day after)`` of the stored dates that can fall in the months
        the domain keeps, a day wider on each side (time zones), or None when the
        domain does not bound the month with AND-ed conditions only."""
        domain = expression.normalize_domain(domain or [])
        if any(item in ("|", "!") for item in domain):
            return None
        start = end = None
        for leaf in domain:
            if not isinstance(leaf, list | tuple) or len(leaf) != 3 or leaf[0] != "month":
                continue
            operator, value = leaf[1], leaf[2]
            values = value if operator == "in" and isinstance(value, list | tuple) else [value]
            try:
                days = [fields.Date.to_date(v) for v in values]
            except (TypeError, ValueError):
                continue
            if not days or not all(days) or operator not in ("=", "in", ">=", ">", "<=", "<"):
                continue
            if operator in ("=", "in", ">=", ">"):
                # the first month kept: month > 1 March keeps April on
                first = min(days)
                if operator == ">" or (operator == ">=" and first.day != 1):
                    first = first.replace(day=1) + relativedelta(months=1)
                low = first - relativedelta(days=1)
                start = low if start is None else max(start, low)
            if operator in ("=", "in", "<=", "<"):
                # the last month kept: month < 1 May keeps April, month <= 1 May keeps May
                last = max(days) - relativedelta(days=1) if operator == "<" else max(days)
                high = last.replace(day=1) + relativedelta(months=1, days=1)
                end = high if end is None else min(end, high)
        if start is None and end is None:
            return None
        return start, end

    @api.model
    def _kpi_rows_in(self, column):
        """SQL condition: the stored date or datetime ``column`` is within the period
        of the searched months (``_kpi_month_range``); TRUE without one."""
        start, end = self.env.context.get("business_kpi_range") or (None, None)
        conditions = []
        if start:
            conditions.append(SQL("%s >= %s", column, fields.Date.to_date(start)))
        if end:
            conditions.append(SQL("%s < %s", column, fields.Date.to_date(end)))
        return SQL(" AND ").join(conditions) if conditions else SQL("TRUE")

    # ------------------------------------------------------------------ parts
    @api.model
    def _kpi_tz(self):
        """Relation (company_id, tz) of the companies' time zones, to join."""
        return self.env["res.company"]._business_tz_sql()

    @api.model
    def _kpi_local_day(self, column, tz=None):
        """The company's local day (a date) of a stored UTC datetime column."""
        return SQL(
            "(%s)::date", self.env["res.company"]._business_local_sql(column, tz or SQL("tz.tz"))
        )

    @api.model
    def _kpi_local_month(self, column, tz=None):
        """First day of the company's local month of a stored UTC datetime column."""
        local = self.env["res.company"]._business_local_sql(column, tz or SQL("tz.tz"))
        return SQL("date_trunc('month', %s)::date", local)

    @api.model
    def _kpi_month(self, column):
        """First day of the month of a date column (a day already: no time zone)."""
        return SQL("date_trunc('month', (%s)::timestamp)::date", column)

    @api.model
    def _kpi_part_target(self):
        return SQL(
            """
            SELECT l.company_id, l.user_id, make_date(l.year, l.month, 1) AS month,
                   sum(l.amount) AS target_amount
              FROM business_sales_target_line l
             WHERE l.user_id IS NOT NULL
          GROUP BY 1, 2, 3
            """
        )

    @api.model
    def _kpi_part_output_invoiced(self):
        return SQL(
            """
            SELECT am.company_id, am.invoice_user_id AS user_id, %(month)s AS month,
                   sum(am.amount_untaxed_signed) AS invoiced_amount
              FROM account_move am
              -- only for the companies counting invoiced output (nothing read otherwise)
              JOIN res_company c ON c.id = am.company_id AND c.output_basis = 'invoiced'
             WHERE am.state = 'posted' AND am.move_type IN ('out_invoice', 'out_refund')
               AND %(rows_in)s
               -- evaluated once, before any invoice is read
               AND EXISTS (SELECT 1 FROM res_company WHERE output_basis = 'invoiced')
          GROUP BY 1, 2, 3
            """,
            month=self._kpi_month(SQL("am.invoice_date")),
            rows_in=self._kpi_rows_in(SQL("am.invoice_date")),
        )

    @api.model
    def _kpi_part_output_delivered(self):
        return SQL(
            """
            SELECT so.company_id, so.user_id, %(month)s AS month,
                   sum(CASE WHEN dest.usage = 'customer' THEN 1 ELSE -1 END
                       * sm.quantity * sol.price_reduce_taxexcl
                       / COALESCE(NULLIF(so.currency_rate, 0), 1)) AS delivered_amount
              FROM stock_move sm
              JOIN stock_location src ON src.id = sm.location_id
              JOIN stock_location dest ON dest.id = sm.location_dest_id
              JOIN sale_order_line sol ON sol.id = sm.sale_line_id
              JOIN sale_order so ON so.id = sol.order_id
              -- only for the companies counting delivered output (nothing read otherwise)
              JOIN res_company c ON c.id = so.company_id AND c.output_basis = 'delivered'
              JOIN %(tz)s tz ON tz.company_id = so.company_id
             WHERE sm.state = 'done' AND (src.usage = 'customer') <> (dest.usage = 'customer')
               AND %(rows_in)s
               -- evaluated once, before any move is read
               AND EXISTS (SELECT 1 FROM res_company WHERE output_basis = 'delivered')
          GROUP BY 1, 2, 3
            """,
            month=self._kpi_local_month(SQL("sm.date")),
            rows_in=self._kpi_rows_in(SQL("sm.date")),
            tz=self._kpi_tz(),
        )

    @api.model
    def _kpi_part_payment(self):
        # Per installment first (so that a month filter reaches the receivable lines
        # before their partials are joined and summed), then per salesperson. The days
        # off of the period are judged once (materialized), then joined by hash.
        return SQL(
            """
            WITH off AS MATERIALIZED (%(days_off)s)
            SELECT i.company_id, i.user_id, i.month,
                   count(*) AS payment_due_count,
                   count(*) FILTER (WHERE i.paid >= i.owed) AS payment_ontime_count,
                   sum(i.owed) AS payment_due_amount,
                   sum(LEAST(i.paid, i.owed)) AS payment_ontime_amount
              FROM (SELECT aml.id, am.company_id, am.invoice_user_id AS user_id,
                           %(month)s AS month,
                           -- owed: the installment less what credit notes took off
                           aml.balance - COALESCE(sum(apr.amount)
                               FILTER (WHERE cm.move_type = 'out_refund'), 0) AS owed,
                           -- paid on time: any other settlement dated by the legal
                           -- deadline of the due date (第二百零三条)
                           COALESCE(sum(apr.amount)
                               FILTER (WHERE cm.move_type <> 'out_refund'
                                         AND apr.max_date <= COALESCE(
                                             off.deadline, aml.date_maturity)), 0) AS paid
                      FROM account_move_line aml
                      JOIN account_move am ON am.id = aml.move_id
                 LEFT JOIN account_partial_reconcile apr ON apr.debit_move_id = aml.id
                 LEFT JOIN account_move_line cl ON cl.id = apr.credit_move_id
                 LEFT JOIN account_move cm ON cm.id = cl.move_id
                 -- a due date on a day off: its legal deadline
                 LEFT JOIN off ON off.company_id = am.company_id AND off.day = aml.date_maturity
                     WHERE aml.display_type = 'payment_term' AND aml.balance > 0
                       AND aml.date_maturity IS NOT NULL
                       AND am.state = 'posted' AND am.move_type = 'out_invoice'
                       AND %(rows_in)s
                  GROUP BY aml.id, am.id, 4, off.deadline) i
             WHERE i.owed > 0
          GROUP BY 1, 2, 3
            """,
            month=self._kpi_month(SQL("aml.date_maturity")),
            rows_in=self._kpi_rows_in(SQL("aml.date_maturity")),
            days_off=self._kpi_days_off(),
        )

    @api.model
    def _kpi_days_off(self):
        """The days off of the companies (``res.company._business_days_off_sql``) over
        the searched period, else from the first to the last due date (read on the
        month index of the installments)."""
        start, end = self.env.context.get("business_kpi_range") or (None, None)
        if start and end:
            return self.env["res.company"]._business_days_off_sql(
                fields.Date.to_date(start), fields.Date.to_date(end)
            )
        month = self._kpi_month(SQL("date_maturity"))
        first, last = (
            SQL(
                "(SELECT %s(%s) FROM account_move_line WHERE display_type = 'payment_term')",
                SQL(function),
                month,
            )
            for function in ("min", "max")
        )
        return self.env["res.company"]._business_days_off_sql(
            first, SQL("(%s + interval '1 month')::date", last)
        )

    @api.model
    def _kpi_closing_date(self, month_start, closing_day):
        """The customer's closing date (关账日) in the month starting at ``month_start``."""
        return SQL(
            "(%(start)s + LEAST(COALESCE(NULLIF(%(day)s, 0), 31),"
            " EXTRACT(DAY FROM %(start)s + interval '1 month' - interval '1 day')::int) - 1)",
            start=month_start,
            day=closing_day,
        )

    @api.model
    def _kpi_part_invoicing(self):
        start = SQL("d.month")
        next_start = SQL("(d.month + interval '1 month')::date")
        closing = self._kpi_closing_date(start, SQL("d.closing_day"))
        next_closing = self._kpi_closing_date(next_start, SQL("d.closing_day"))
        return SQL(
            """
            SELECT d.company_id, d.user_id, d.month,
                   count(*) AS delivery_count,
                   -- a posted invoice of the order delivered to the customer (发票送达)
                   -- from the month's first day up to the closing date (an indexed
                   -- look-up per delivery)
                   count(*) FILTER (WHERE EXISTS (
                       SELECT 1
                         FROM sale_order_line sol
                         JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
                         JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                         JOIN account_move am ON am.id = aml.move_id
                        WHERE sol.order_id = d.sale_id
                          AND am.state = 'posted' AND am.move_type = 'out_invoice'
                          AND am.invoice_delivered_date >= d.month
                          AND am.invoice_delivered_date <= CASE WHEN d.done_date <= %(closing)s
                                                      THEN %(closing)s ELSE %(next_closing)s END
                   )) AS delivery_ontime_count
              FROM (SELECT p.id, p.company_id, so.user_id, p.sale_id,
                           %(month)s AS month, %(day)s AS done_date,
                           %(closing_day)s AS closing_day
                      FROM stock_picking p
                      JOIN stock_location dest ON dest.id = p.location_dest_id
                      JOIN sale_order so ON so.id = p.sale_id
                      JOIN res_partner sp ON sp.id = so.partner_id
                      JOIN res_partner rp ON rp.id = sp.commercial_partner_id
                      JOIN %(tz)s tz ON tz.company_id = p.company_id
                     WHERE p.state = 'done' AND dest.usage = 'customer' AND %(rows_in)s) d
          GROUP BY 1, 2, 3
            """,
            month=self._kpi_local_month(SQL("p.date_done")),
            day=self._kpi_local_day(SQL("p.date_done")),
            rows_in=self._kpi_rows_in(SQL("p.date_done")),
            tz=self._kpi_tz(),
            closing=closing,
            next_closing=next_closing,
            # the closing day the customer agreed with the delivery's company
            closing_day=self.env["res.partner"]._company_value_sql(
                "closing_day", "rp", SQL("p.company_id")
            ),
        )

    @api.model
    def _kpi_part_review(self):
        return SQL(
            """
            SELECT so.company_id, so.user_id, %(month)s AS month,
                   count(*) AS review_count,
                   count(*) FILTER (WHERE so.review_on_time) AS review_ontime_count
              FROM sale_order so
              JOIN %(tz)s tz ON tz.company_id = so.company_id
             WHERE so.review_received_date IS NOT NULL AND %(rows_in)s
          GROUP BY 1, 2, 3
            """,
            month=self._kpi_local_month(SQL("so.review_received_date")),
            rows_in=self._kpi_rows_in(SQL("so.review_received_date")),
            tz=self._kpi_tz(),
        )

    @api.model
    def _kpi_part_satisfaction(self):
        return SQL(
            """
            SELECT s.company_id, s.user_id, %(month)s AS month,
                   count(*) AS survey_count, sum(s.score) AS survey_score
              FROM business_satisfaction_survey s
             WHERE s.state = 'done' AND %(rows_in)s
          GROUP BY 1, 2, 3
            """,
            month=self._kpi_month(SQL("s.date")),
            rows_in=self._kpi_rows_in(SQL("s.date")),
        )

    @api.model
    def _kpi_part_backlog(self):
        return SQL(
            """
            SELECT b.company_id, b.user_id, %s AS month,
                   count(*) AS backlog_count,
                   count(*) FILTER (WHERE b.explained_on_time) AS backlog_explained_count
              FROM business_stock_backlog b
             WHERE %s
          GROUP BY 1, 2, 3
            """,
            self._kpi_month(SQL("b.month")),
            self._kpi_rows_in(SQL("b.month")),
        )

    @api.model
    def _kpi_part_new_customers(self):
        if self.env.context.get("business_kpi_range"):
            # each customer's first confirmed order of the period, new when the
            # customer has no earlier one (one indexed probe per customer of the
            # period) rather than every customer's first order over the history
            return SQL(
                """
            SELECT f.company_id, f.user_id, f.month, count(*) AS new_customers
              FROM (SELECT DISTINCT ON (so.company_id, rp.commercial_partner_id)
                           so.company_id, so.user_id, %(month)s AS month,
                           rp.commercial_partner_id, so.date_order, so.id
                      FROM sale_order so
                      JOIN res_partner rp ON rp.id = so.partner_id
                      JOIN %(tz)s tz ON tz.company_id = so.company_id
                     WHERE so.state = 'sale' AND %(rows_in)s
                  ORDER BY so.company_id, rp.commercial_partner_id, so.date_order, so.id) f
             -- LIMIT 1: an index probe per customer, never a scan of every order
             WHERE (SELECT 1
                      FROM res_partner rp2
                      JOIN sale_order so2 ON so2.partner_id = rp2.id
                     WHERE rp2.commercial_partner_id = f.commercial_partner_id
                       AND so2.company_id = f.company_id AND so2.state = 'sale'
                       AND (so2.date_order, so2.id) < (f.date_order, f.id)
                     LIMIT 1) IS NULL
          GROUP BY 1, 2, 3
                """,
                month=self._kpi_local_month(SQL("so.date_order")),
                tz=self._kpi_tz(),
                rows_in=self._kpi_rows_in(SQL("so.date_order")),
            )
        return SQL(
            """
            SELECT f.company_id, f.user_id, f.month, count(*) AS new_customers
              FROM (SELECT DISTINCT ON (so.company_id, rp.commercial_partner_id)
                           so.company_id, so.user_id, %(month)s AS month
                      FROM sale_order so
                      JOIN res_partner rp ON rp.id = so.partner_id
                      JOIN %(tz)s tz ON tz.company_id = so.company_id
                     WHERE so.state = 'sale'
                  ORDER BY so.company_id, rp.commercial_partner_id, so.date_order, so.id) f
          GROUP BY 1, 2, 3
            """,
            month=self._kpi_local_month(SQL("so.date_order")),
            tz=self._kpi_tz(),
        )

    @api.model
    def _kpi_parts(self):
        """[(part query, its measure columns)]; extend to add a KPI."""
        return [
            (self._kpi_part_target(), ["target_amount"]),
            (self._kpi_part_output_invoiced(), ["invoiced_amount"]),
            (self._kpi_part_output_delivered(), ["delivered_amount"]),
            (
                self._kpi_part_payment(),
                [
                    "payment_due_count",
                    "payment_ontime_count",
                    "payment_due_amount",
                    "payment_ontime_amount",
                ],
            ),
            (self._kpi_part_invoicing(), ["delivery_count", "delivery_ontime_count"]),
            (self._kpi_part_review(), ["review_count", "review_ontime_count"]),
            (self._kpi_part_satisfaction(), ["survey_count", "survey_score"]),
            (self._kpi_part_backlog(), ["backlog_count", "backlog_explained_count"]),
            (self._kpi_part_new_customers(), ["new_customers"]),
        ]

    @api.model
    def _kpi_measures(self):
        """The measure columns of the facts, in the order of ``_kpi_parts``."""
        return [m for __, columns in self._kpi_parts() for m in columns]

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
    def _kpi_query(self):
        rates = self._kpi_rates()
        output = self._kpi_output()
        measures = [
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
        return SQL(
            """
            SELECT ((COALESCE(f.user_id, 0)::bigint * 10000 + f.company_id) * 100000
                    + EXTRACT(YEAR FROM f.month)::int * 12
                    + EXTRACT(MONTH FROM f.month)::int) AS id,
                   f.company_id, f.user_id, f.month,
                   %(in_department)s AS in_department,
                   %(output)s AS output_amount, %(measures)s,
                   %(rates)s, %(flags)s
              FROM (%(facts)s) f
              JOIN res_company c ON c.id = f.company_id
         LEFT JOIN res_users u ON u.id = f.user_id
             WHERE f.month IS NOT NULL
            """,
            in_department=self._kpi_in_department(),
            output=output,
            measures=SQL(", ").join(SQL("f.%s", SQL.identifier(m)) for m in measures),
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
            facts=self._kpi_facts_query(),
        )

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
