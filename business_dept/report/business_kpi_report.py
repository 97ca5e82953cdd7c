from odoo import api, models, tools
from odoo.tools import SQL


class BusinessKpiReport(models.Model):
    """KPI report (工作指标), one row per company, salesperson and month.

    A read-only SQL view over the standard tables; every KPI is one aggregation per
    (company, salesperson, month) (``_kpi_part_*`` methods); the parts are put
    together with UNION ALL and grouped once, so a filter on the month reaches every
    part. Dates are the stored (UTC) dates; amounts are in company currency
    (``*_signed`` and ``balance`` columns, partial reconcile ``amount``).

    - ``month``: first day of the month.
    - ``target_amount`` (每月销售目标): the month's line of the salesperson's annual
      target (``business.sales.target``); no target gives no achievement.
    - ``output_amount`` (产值), by the company's ``output_basis``:
      *invoiced*: untaxed amount in company currency (``amount_untaxed_signed``) of
      the posted customer invoices minus credit notes, month of the invoice date,
      salesperson = ``invoice_user_id``; *delivered*: quantity done of the sale
      order's customer deliveries (returns deducted) × the line's untaxed unit price
      (``price_reduce_taxexcl``) converted at the order's rate (``currency_rate``),
      month of the move date, salesperson = the order's ``user_id``.
    - ``achievement`` (销售目标产值完成率) = output ÷ target × 100 (95.0 = 95 %).
    - ``payment_ontime_rate`` (回款及时率): of the posted customer invoices due in the
      month (``invoice_date_due``; salesperson ``invoice_user_id``), the share fully
      paid by the due date: no residual and the last reconciliation date
      (``account_partial_reconcile.max_date``) ≤ due date.
      ``payment_ontime_amount_rate``: the amount reconciled by the due date ÷ the
      invoices' total (company currency), so partial payments count partly.
    - ``invoice_ontime_rate`` (开票及时率): of the sale orders' done customer deliveries
      of the month (``date_done``; salesperson = the order's), the share with a
      posted customer invoice of the order dated from the first day of the delivery
      month up to the customer's closing date (关账日, ``closing_day`` of the
      commercial partner, empty = last day of the month; a delivery after the month's
      closing day is due by next month's closing day).
    - ``review_ontime_rate`` (订单评审表及时率): orders whose review was received in the
      month (``review_received_date``) and received by the deadline ÷ reviews
      received; salesperson = the order's.
    - ``satisfaction`` (客户满意度): average score of the finished (done) surveys
      dated in the month, by responsible manager.
    - ``backlog_explained_rate``: backlog records of the month explained by their
      deadline (end of the month) ÷ backlog records, by responsible manager.
    - ``new_customers``: customers whose first confirmed order is in the month,
      counted for that order's salesperson.
    - ``<kpi>_ok``: the figure reaches the company's threshold (empty figure = not ok).
    """

    _name = "business.kpi.report"
    _inherit = ["business.kpi.mixin"]
    _description = "Business Department KPI Report"
    _auto = False
    _order = "month desc, user_id"

    # ------------------------------------------------------------------ parts
    @api.model
    def _kpi_month(self, column):
        """First day of the month of a date or datetime column, as a date."""
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
          GROUP BY 1, 2, 3
            """,
            month=self._kpi_month(SQL("am.invoice_date")),
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
             WHERE sm.state = 'done' AND (src.usage = 'customer') <> (dest.usage = 'customer')
          GROUP BY 1, 2, 3
            """,
            month=self._kpi_month(SQL("sm.date")),
        )

    @api.model
    def _kpi_part_payment(self):
        # Per invoice first (so that a month filter reaches the invoices), then per
        # salesperson: the partials of its receivable lines dated by the due date.
        return SQL(
            """
            SELECT i.company_id, i.user_id, i.month,
                   count(*) AS payment_due_count,
                   count(*) FILTER (WHERE i.residual = 0 AND i.last_date <= i.due)
                       AS payment_ontime_count,
                   sum(i.total) AS payment_due_amount,
                   sum(LEAST(i.ontime_amount, i.total)) AS payment_ontime_amount
              FROM (SELECT am.id, am.company_id, am.invoice_user_id AS user_id,
                           %(month)s AS month, am.invoice_date_due AS due,
                           am.amount_total_signed AS total,
                           am.amount_residual_signed AS residual,
                           max(apr.max_date) AS last_date,
                           COALESCE(sum(apr.amount)
                                    FILTER (WHERE apr.max_date <= am.invoice_date_due), 0)
                               AS ontime_amount
                      FROM account_move am
                 LEFT JOIN account_move_line aml
                        ON aml.move_id = am.id AND aml.display_type = 'payment_term'
                 LEFT JOIN account_partial_reconcile apr ON apr.debit_move_id = aml.id
                     WHERE am.state = 'posted' AND am.move_type = 'out_invoice'
                       AND am.invoice_date_due IS NOT NULL
                  -- the month is a grouping column: a filter on it is applied to the
                  -- invoices before their partials are joined and summed
                  GROUP BY am.id, 4) i
          GROUP BY 1, 2, 3
            """,
            month=self._kpi_month(SQL("am.invoice_date_due")),
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
                   -- a posted invoice of the order dated from the month's first day
                   -- up to the closing date (an indexed look-up per delivery)
                   count(*) FILTER (WHERE EXISTS (
                       SELECT 1
                         FROM sale_order_line sol
                         JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
                         JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                         JOIN account_move am ON am.id = aml.move_id
                        WHERE sol.order_id = d.sale_id
                          AND am.state = 'posted' AND am.move_type = 'out_invoice'
                          AND am.invoice_date >= d.month
                          AND am.invoice_date <= CASE WHEN d.done_date <= %(closing)s
                                                      THEN %(closing)s ELSE %(next_closing)s END
                   )) AS delivery_ontime_count
              FROM (SELECT p.id, p.company_id, so.user_id, p.sale_id,
                           %(month)s AS month, p.date_done::date AS done_date,
                           rp.closing_day
                      FROM stock_picking p
                      JOIN stock_location dest ON dest.id = p.location_dest_id
                      JOIN sale_order so ON so.id = p.sale_id
                      JOIN res_partner sp ON sp.id = so.partner_id
                      JOIN res_partner rp ON rp.id = sp.commercial_partner_id
                     WHERE p.state = 'done' AND dest.usage = 'customer') d
          GROUP BY 1, 2, 3
            """,
            month=self._kpi_month(SQL("p.date_done")),
            closing=closing,
            next_closing=next_closing,
        )

    @api.model
    def _kpi_part_review(self):
        return SQL(
            """
            SELECT so.company_id, so.user_id, %(month)s AS month,
                   count(*) AS review_count,
                   count(*) FILTER (WHERE so.review_on_time) AS review_ontime_count
              FROM sale_order so
             WHERE so.review_received_date IS NOT NULL
          GROUP BY 1, 2, 3
            """,
            month=self._kpi_month(SQL("so.review_received_date")),
        )

    @api.model
    def _kpi_part_satisfaction(self):
        return SQL(
            """
            SELECT s.company_id, s.user_id, %(month)s AS month,
                   count(*) AS survey_count, sum(s.score) AS survey_score
              FROM business_satisfaction_survey s
             WHERE s.state = 'done'
          GROUP BY 1, 2, 3
            """,
            month=self._kpi_month(SQL("s.date")),
        )

    @api.model
    def _kpi_part_backlog(self):
        return SQL(
            """
            SELECT b.company_id, b.user_id, b.month,
                   count(*) AS backlog_count,
                   count(*) FILTER (WHERE b.explained_on_time) AS backlog_explained_count
              FROM business_stock_backlog b
          GROUP BY 1, 2, 3
            """
        )

    @api.model
    def _kpi_part_new_customers(self):
        return SQL(
            """
            SELECT f.company_id, f.user_id, f.month, count(*) AS new_customers
              FROM (SELECT DISTINCT ON (so.company_id, rp.commercial_partner_id)
                           so.company_id, so.user_id, %(month)s AS month
                      FROM sale_order so
                      JOIN res_partner rp ON rp.id = so.partner_id
                     WHERE so.state = 'sale'
                  ORDER BY so.company_id, rp.commercial_partner_id, so.date_order, so.id) f
          GROUP BY 1, 2, 3
            """,
            month=self._kpi_month(SQL("so.date_order")),
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
    def _kpi_rates(self):
        """{rate field: its SQL over the facts ``f`` and the company ``c``}."""
        output = self._kpi_output()

        def rate(part, whole):
            return SQL("(100.0 * %s / NULLIF(%s, 0))::float", part, whole)

        return {
            "achievement": rate(output, SQL("f.target_amount")),
            "payment_ontime_rate": rate(SQL("f.payment_ontime_count"), SQL("f.payment_due_count")),
            "payment_ontime_amount_rate": rate(
                SQL("f.payment_ontime_amount"), SQL("f.payment_due_amount")
            ),
            "invoice_ontime_rate": rate(SQL("f.delivery_ontime_count"), SQL("f.delivery_count")),
            "review_ontime_rate": rate(SQL("f.review_ontime_count"), SQL("f.review_count")),
            "satisfaction": SQL("(f.survey_score / NULLIF(f.survey_count, 0))::float"),
            "backlog_explained_rate": rate(
                SQL("f.backlog_explained_count"), SQL("f.backlog_count")
            ),
        }

    @api.model
    def _kpi_query(self):
        rates = self._kpi_rates()
        output = self._kpi_output()
        return SQL(
            """
            SELECT ((COALESCE(f.user_id, 0)::bigint * 10000 + f.company_id) * 100000
                    + EXTRACT(YEAR FROM f.month)::int * 12
                    + EXTRACT(MONTH FROM f.month)::int) AS id,
                   f.company_id, f.user_id, f.month,
                   f.target_amount, %(output)s AS output_amount,
                   f.payment_due_count, f.payment_due_amount, f.delivery_count,
                   f.review_count, f.survey_count, f.backlog_count, f.new_customers,
                   %(rates)s, %(flags)s
              FROM (%(facts)s) f
              JOIN res_company c ON c.id = f.company_id
             WHERE f.month IS NOT NULL
            """,
            output=output,
            rates=SQL(", ").join(
                SQL("%s AS %s", expr, SQL.identifier(name)) for name, expr in rates.items()
            ),
            flags=SQL(", ").join(
                SQL(
                    "COALESCE(%s >= c.%s, false) AS %s",
                    rates[rate],
                    SQL.identifier(threshold),
                    SQL.identifier(flag),
                )
                for rate, flag, threshold, __ in self._kpi_columns()
            ),
            facts=self._kpi_facts_query(),
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._kpi_query())
        )
