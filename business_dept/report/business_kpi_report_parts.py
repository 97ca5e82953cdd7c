from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL


class BusinessKpiReportParts(models.AbstractModel):
    """The parts of the KPI report (``business.kpi.report``): one aggregation per KPI
    and (company, salesperson, month), live over the standard tables, and the bounds a
    month filter puts on the rows each part reads (see the report's docstring for the
    rules). The report puts the parts together; extend ``_kpi_parts`` to add a KPI."""

    _name = "business.kpi.report.parts"
    _description = "Business Department KPI Report Parts"

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
    def _kpi_owners(self):
        """(archived internal users' ids, (company, its director, its first open month)
        of each company) for ``_kpi_owner``: read once per report query (``_kpi_parts``)."""
        gone = tuple(
            self.env["res.users"]
            .sudo()
            .with_context(active_test=False)
            ._search([("active", "=", False), ("share", "=", False)])
        )
        Snapshot = self.env["business.kpi.snapshot"]
        companies = tuple(
            (company.id, company._business_director().id or None, Snapshot._kpi_open_from(company))
            for company in self.env["res.company"].sudo().search([])
        )
        return gone, companies

    @api.model
    def _kpi_owner(self, user, partner, month, company):
        """SQL: the salesperson a row counts for (离职交接). In the months still open
        (``business.kpi.snapshot._kpi_open_from``: not frozen nor stored), the figures of
        an archived salesperson go to the customer's salesperson at work in the company,
        else to the company's Business Director; closed months keep whom they named.
        ``partner``: the customer of the row (NULL for a target: the director)."""
        gone, companies = self.env.context.get("business_kpi_owners") or self._kpi_owners()
        if not gone:
            return user
        companies = SQL(", ").join(
            SQL("(%s, %s::int, %s::date)", *company) for company in companies
        )
        return SQL(
            """(CASE WHEN %(user)s = ANY(%(gone)s) AND %(month)s >= (
                    SELECT o.open_from
                      FROM (VALUES %(companies)s) o(company_id, director_id, open_from)
                     WHERE o.company_id = %(company)s)
                 THEN COALESCE(
                    (SELECT su.id FROM res_partner sp
                       JOIN res_partner sc ON sc.id = sp.commercial_partner_id
                       JOIN res_users su ON su.id = sc.user_id
                      WHERE sp.id = %(partner)s AND su.active AND NOT su.share
                        AND EXISTS (SELECT 1 FROM res_company_users_rel r
                                     WHERE r.user_id = su.id AND r.cid = %(company)s)),
                    (SELECT o.director_id
                       FROM (VALUES %(companies)s) o(company_id, director_id, open_from)
                      WHERE o.company_id = %(company)s),
                    %(user)s)
                 ELSE %(user)s END)""",
            user=user,
            gone=list(gone),
            month=month,
            companies=companies,
            company=company,
            partner=partner,
        )

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
            SELECT l.company_id, %s AS user_id, make_date(l.year, l.month, 1) AS month,
                   sum(l.amount) AS target_amount
              FROM business_sales_target_line l
             WHERE l.user_id IS NOT NULL
          GROUP BY 1, 2, 3
            """,
            self._kpi_owner(
                SQL("l.user_id"),
                SQL("NULL::int"),
                SQL("make_date(l.year, l.month, 1)"),
                SQL("l.company_id"),
            ),
        )

    @api.model
    def _kpi_part_output_invoiced(self):
        return SQL(
            """
            SELECT am.company_id, %(user)s AS user_id, %(month)s AS month,
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
            user=self._kpi_owner(
                SQL("am.invoice_user_id"),
                SQL("am.commercial_partner_id"),
                self._kpi_month(SQL("am.invoice_date")),
                SQL("am.company_id"),
            ),
        )

    @api.model
    def _kpi_part_output_delivered(self):
        return SQL(
            """
            SELECT so.company_id, %(user)s AS user_id, %(month)s AS month,
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
            user=self._kpi_owner(
                SQL("so.user_id"),
                SQL("so.partner_id"),
                self._kpi_local_month(SQL("sm.date")),
                SQL("so.company_id"),
            ),
        )

    @api.model
    def _kpi_part_payment(self):
        # Per installment first (so that a month filter reaches the receivable lines
        # before their partials are joined and summed), then per salesperson. The days
        # off of the period are judged once (materialized), then joined by hash.
        return SQL(
            """
            WITH off AS MATERIALIZED (%(days_off)s)
            SELECT i.company_id, %(user)s AS user_id, i.month,
                   count(*) AS payment_due_count,
                   count(*) FILTER (WHERE i.paid >= i.owed) AS payment_ontime_count,
                   sum(i.owed) AS payment_due_amount,
                   sum(LEAST(i.paid, i.owed)) AS payment_ontime_amount
              FROM (SELECT aml.id, am.company_id, am.invoice_user_id AS user_id,
                           am.commercial_partner_id AS partner_id, %(month)s AS month,
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
                  GROUP BY aml.id, am.id, 5, off.deadline) i
             WHERE i.owed > 0
          GROUP BY 1, 2, 3
            """,
            month=self._kpi_month(SQL("aml.date_maturity")),
            rows_in=self._kpi_rows_in(SQL("aml.date_maturity")),
            days_off=self._kpi_days_off(),
            user=self._kpi_owner(
                SQL("i.user_id"), SQL("i.partner_id"), SQL("i.month"), SQL("i.company_id")
            ),
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
            SELECT d.company_id, %(user)s AS user_id, d.month,
                   count(*) AS delivery_count,
                   -- a posted invoice for the delivery's goods (one of the order lines
                   -- it shipped, dated on or after it) delivered to the customer
                   -- (发票送达) from the month's first day up to the closing date (an
                   -- indexed look-up per delivery)
                   count(*) FILTER (WHERE EXISTS (
                       SELECT 1
                         FROM stock_move sm
                         JOIN sale_order_line_invoice_rel rel
                              ON rel.order_line_id = sm.sale_line_id
                         JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                         JOIN account_move am ON am.id = aml.move_id
                        WHERE sm.picking_id = d.id
                          AND am.state = 'posted' AND am.move_type = 'out_invoice'
                          AND am.invoice_date >= d.done_date
                          AND am.invoice_delivered_date >= d.month
                          AND am.invoice_delivered_date <= CASE WHEN d.done_date <= %(closing)s
                                                      THEN %(closing)s ELSE %(next_closing)s END
                   )) AS delivery_ontime_count
              FROM (SELECT p.id, p.company_id, so.user_id, p.sale_id, rp.id AS partner_id,
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
            user=self._kpi_owner(
                SQL("d.user_id"), SQL("d.partner_id"), SQL("d.month"), SQL("d.company_id")
            ),
        )

    @api.model
    def _kpi_part_review(self):
        return SQL(
            """
            SELECT so.company_id, %(user)s AS user_id, %(month)s AS month,
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
            user=self._kpi_owner(
                SQL("so.user_id"),
                SQL("so.partner_id"),
                self._kpi_local_month(SQL("so.review_received_date")),
                SQL("so.company_id"),
            ),
        )

    @api.model
    def _kpi_part_satisfaction(self):
        return SQL(
            """
            SELECT s.company_id, %(user)s AS user_id, %(month)s AS month,
                   count(*) AS survey_count, sum(s.score) AS survey_score
              FROM business_satisfaction_survey s
             WHERE s.state = 'done' AND %(rows_in)s
          GROUP BY 1, 2, 3
            """,
            month=self._kpi_month(SQL("s.date")),
            rows_in=self._kpi_rows_in(SQL("s.date")),
            user=self._kpi_owner(
                SQL("s.user_id"),
                SQL("s.partner_id"),
                self._kpi_month(SQL("s.date")),
                SQL("s.company_id"),
            ),
        )

    @api.model
    def _kpi_part_backlog(self):
        return SQL(
            """
            SELECT b.company_id, %s AS user_id, %s AS month,
                   count(*) AS backlog_count,
                   count(*) FILTER (WHERE b.explained_on_time) AS backlog_explained_count
              FROM business_stock_backlog b
             WHERE %s
          GROUP BY 1, 2, 3
            """,
            self._kpi_owner(
                SQL("b.user_id"),
                SQL("NULL::int"),
                self._kpi_month(SQL("b.month")),
                SQL("b.company_id"),
            ),
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
            SELECT f.company_id, %(user)s AS user_id, f.month, count(*) AS new_customers
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
                user=self._kpi_new_customer_owner(),
            )
        return SQL(
            """
            SELECT f.company_id, %(user)s AS user_id, f.month, count(*) AS new_customers
              FROM (SELECT DISTINCT ON (so.company_id, rp.commercial_partner_id)
                           so.company_id, so.user_id, %(month)s AS month,
                           rp.commercial_partner_id
                      FROM sale_order so
                      JOIN res_partner rp ON rp.id = so.partner_id
                      JOIN %(tz)s tz ON tz.company_id = so.company_id
                     WHERE so.state = 'sale'
                  ORDER BY so.company_id, rp.commercial_partner_id, so.date_order, so.id) f
          GROUP BY 1, 2, 3
            """,
            month=self._kpi_local_month(SQL("so.date_order")),
            tz=self._kpi_tz(),
            user=self._kpi_new_customer_owner(),
        )

    @api.model
    def _kpi_new_customer_owner(self):
        return self._kpi_owner(
            SQL("f.user_id"), SQL("f.commercial_partner_id"), SQL("f.month"), SQL("f.company_id")
        )

    @api.model
    def _kpi_parts(self):
        """[(part query, its measure columns)]; extend to add a KPI."""
        report = self
        if "business_kpi_owners" not in self.env.context:
            report = self.with_context(business_kpi_owners=self._kpi_owners())
        return [
            (report._kpi_part_target(), ["target_amount"]),
            (report._kpi_part_output_invoiced(), ["invoiced_amount"]),
            (report._kpi_part_output_delivered(), ["delivered_amount"]),
            (
                report._kpi_part_payment(),
                [
                    "payment_due_count",
                    "payment_ontime_count",
                    "payment_due_amount",
                    "payment_ontime_amount",
                ],
            ),
            (report._kpi_part_invoicing(), ["delivery_count", "delivery_ontime_count"]),
            (report._kpi_part_review(), ["review_count", "review_ontime_count"]),
            (report._kpi_part_satisfaction(), ["survey_count", "survey_score"]),
            (report._kpi_part_backlog(), ["backlog_count", "backlog_explained_count"]),
            (report._kpi_part_new_customers(), ["new_customers"]),
        ]

    @api.model
    def _kpi_measures(self):
        """The measure columns of the facts, in the order of ``_kpi_parts``."""
        return [m for __, columns in self._kpi_parts() for m in columns]
