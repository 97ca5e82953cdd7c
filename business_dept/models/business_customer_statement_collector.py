from datetime import timedelta

from odoo import api, models
from odoo.tools import SQL

# SQL columns of a statement line written by _fill_lines, in this order
LINE_COLUMNS = (
    "statement_id",
    "company_id",
    "line_type",
    "name",
    "date",
    "stock_move_id",
    "sale_line_id",
    "quantity",
    "price_unit",
    "currency_id",
    "amount_currency",
    "amount",
)


class BusinessCustomerStatementCollector(models.AbstractModel):
    """What a customer statement (客户对账单) holds, collected set-based in SQL: the
    customer's periods (关账日), the deliveries not invoiced yet (开票产品明细) and the
    entries on his receivable, for thousands of customers in a few queries per company.

    Each query is built from parts (``_select_*``, ``_from_*``, ``_where_*``) as Odoo's
    ``sale.report`` does, so that another module can add a column or a condition."""

    _name = "business.customer.statement.collector"
    _description = "Customer Statement Line Collection"

    # ------------------------------------------------------------------ period
    @api.model
    def _period_end(self, day, closing_day):
        """The customer's closing date (关账日) in the month of ``day``: a closing day of
        31 in February is the last day of February; empty is the month end."""
        return self.env["account.move"]._business_closing_date(day, closing_day)

    @api.model
    def _period_start(self, date_to, closing_day):
        """First day of the period ending on ``date_to``: the day after the previous
        month's closing date."""
        previous = self._period_end(date_to.replace(day=1) - timedelta(days=1), closing_day)
        return previous + timedelta(days=1)

    @api.model
    def _closing_days_ending(self, date_to):
        """The closing days (0 = empty, the month end) whose period ends on ``date_to``."""
        return [day for day in range(32) if self._period_end(date_to, day) == date_to]

    # ------------------------------------------------------------------ candidates
    @api.model
    def _statement_candidates(self, company, date_to, periods):
        """(customer, first day) of the customers of ``company`` with activity in their
        period ending on ``date_to`` and no statement for it. The period starts the day
        after the customer's previous statement, else after the previous closing date. A
        delivery not invoiced yet, done up to ``date_to``, is activity of the period (it is
        carried forward until invoiced)."""
        date_lo = min(list(periods.values()) + self._earliest_start(company, date_to))
        self.env.cr.execute(
            SQL(
                "%s %s %s %s ORDER BY p.id",
                self._with_candidates(company, date_to, periods, date_lo),
                SQL("SELECT p.id, c.date_from"),
                self._from_candidates(company, date_to),
                self._where_candidates(company, date_to),
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _earliest_start(self, company, date_to):
        """The earliest day after a customer's last statement before ``date_to`` (a list
        of one day, or empty when ``company`` has no statement before)."""
        self.env.cr.execute(
            SQL(
                """
                SELECT MIN(date_to) + 1 FROM (
                    SELECT MAX(date_to) AS date_to FROM business_customer_statement
                     WHERE company_id = %(company)s AND date_to < %(date_to)s
                  GROUP BY partner_id) last
                """,
                company=company.id,
                date_to=date_to,
            )
        )
        earliest = self.env.cr.fetchone()[0]
        return [earliest] if earliest else []

    @api.model
    def _with_candidates(self, company, date_to, periods, date_lo):
        """The periods by closing day, and the customers' activity (computed once; then an
        index probe per customer with activity: the customers' condition id =
        commercial_partner_id cannot be estimated, a plan driven by the customers would
        read the activity once per customer)."""
        values = SQL(", ").join(SQL("(%s, %s::date)", day, start) for day, start in periods.items())
        return SQL(
            """
            WITH period(closing_day, date_from) AS (VALUES %(values)s),
            activity AS MATERIALIZED (
                SELECT partner_id, MAX(day) AS day FROM (
                    SELECT partner_id, %(date_to)s::date AS day FROM (%(deliveries)s) d
                     UNION ALL
                    SELECT partner_id, day FROM (%(entries)s) e) rows
              GROUP BY partner_id)
            """,
            values=values,
            date_to=date_to,
            deliveries=self._delivery_rows_sql(company, None, date_to),
            entries=self._entry_rows_sql(company, date_lo, date_to),
        )

    @api.model
    def _from_candidates(self, company, date_to):
        closing_day = self.env["res.partner"]._company_value_sql(
            "closing_day", "p", SQL("%s", company.id)
        )
        return SQL(
            """
              FROM activity a
              JOIN res_partner p ON p.id = a.partner_id AND p.id = p.commercial_partner_id
              JOIN period ON period.closing_day = COALESCE(%(closing_day)s, 0)
             CROSS JOIN LATERAL (
                   SELECT COALESCE((SELECT MAX(s.date_to) + 1
                                      FROM business_customer_statement s
                                     WHERE s.company_id = %(company)s AND s.partner_id = p.id
                                       AND s.date_to < %(date_to)s),
                                   period.date_from) AS date_from) c
            """,
            closing_day=closing_day,
            company=company.id,
            date_to=date_to,
        )

    @api.model
    def _where_candidates(self, company, date_to):
        return SQL(
            """
             WHERE a.day >= c.date_from
               AND NOT EXISTS (
                    SELECT 1 FROM business_customer_statement s
                     WHERE s.company_id = %(company)s AND s.partner_id = p.id
                       AND s.date_to = %(date_to)s)
            """,
            company=company.id,
            date_to=date_to,
        )

    # ------------------------------------------------------------------ deliveries
    @api.model
    def _delivery_rows_sql(self, company, date_lo, date_to):
        """SQL rows of what is billed and not invoiced yet (开票产品明细) of ``company``,
        dated from ``date_lo`` (None: any day before) to ``date_to``, local day of the
        company's time zone: one row per delivered or returned stock move (its goods) and
        per order line without goods (freight, service, down payment), with the quantity
        of it not yet invoiced, negative for what is to be refunded.

        Freight and down payments go with the order's goods: they are dated with its first
        delivery (else the first day another line of it is billable); a down payment is
        deducted once there is something to deduct it from."""
        return SQL(
            "%s %s %s",
            self._select_deliveries(company),
            self._from_deliveries(company),
            self._where_deliveries(company, date_lo, date_to),
        )

    @api.model
    def _select_deliveries(self, company):
        Company = self.env["res.company"]
        price = SQL("sol.price_unit * (1 - COALESCE(sol.discount, 0) / 100.0)")
        return SQL(
            """
            SELECT rp.commercial_partner_id AS partner_id,
                   (%(local_done)s)::date AS day,
                   b.name AS name,
                   so.id AS sale_order_id, b.picking_id AS picking_id,
                   b.stock_move_id AS stock_move_id,
                   sol.id AS sale_line_id, sol.product_id AS product_id,
                   b.quantity AS quantity,
                   %(price)s AS price_unit,
                   so.currency_id AS currency_id,
                   ROUND((b.quantity * %(price)s)::numeric,
                         cur.decimal_places) AS amount_currency,
                   ROUND((b.quantity * %(price)s
                          / COALESCE(NULLIF(so.currency_rate, 0), 1))::numeric,
                         %(decimals)s) AS amount
            """,
            local_done=Company._business_local_sql(SQL("b.billed_at"), SQL("tz.tz")),
            price=price,
            decimals=company.currency_id.decimal_places,
        )

    @api.model
    def _from_deliveries(self, company):
        return SQL(
            """
              FROM (
                    SELECT b.*,
                           CASE WHEN b.accessory THEN COALESCE(b.done_at, MIN(b.done_at)
                                FILTER (WHERE b.quantity > 0 AND NOT b.accessory)
                                OVER (PARTITION BY b.order_id))
                                ELSE b.done_at END AS billed_at
                      FROM ((%(goods)s) UNION ALL (%(returns)s) UNION ALL (%(others)s)) b
                   ) b
              JOIN sale_order_line sol ON sol.id = b.sale_line_id
              JOIN sale_order so ON so.id = sol.order_id
              JOIN res_currency cur ON cur.id = so.currency_id
              JOIN res_partner rp ON rp.id = so.partner_id
              JOIN %(tz_table)s tz ON tz.company_id = so.company_id
            """,
            goods=self._goods_rows_sql(company),
            returns=self._returns_rows_sql(company),
            others=self._other_rows_sql(company),
            tz_table=self.env["res.company"]._business_tz_sql(),
        )

    @api.model
    def _where_deliveries(self, company, date_lo, date_to):
        since = (
            SQL("b.billed_at >= %s", company._business_utc_start(date_lo))
            if date_lo
            else SQL("TRUE")
        )
        return SQL(
            """
             WHERE %(since)s AND b.billed_at < %(end)s
               AND b.quantity != 0
            """,
            since=since,
            end=company._business_utc_start(date_to + timedelta(days=1)),
        )

    @api.model
    def _goods_rows_sql(self, company):
        """SQL rows (order_id, sale_line_id, picking_id, stock_move_id, name, done_at,
        quantity, accessory) of the goods delivered and not invoiced yet: the order line's
        delivered quantity not yet invoiced (credit notes deducted) is allocated to its
        done deliveries, the latest first, each judged by what belongs to it: its own
        quantity less its own returns to refund (退货; a return kept by the customer's
        exchange takes nothing off, as for the delivered quantity). The earliest
        deliveries are the ones invoiced; a delivery fully invoiced gets nothing."""
        return SQL(
            """
            SELECT sol.order_id AS order_id, sm.sale_line_id AS sale_line_id,
                   sp.id AS picking_id, sm.id AS stock_move_id, sp.name::text AS name,
                   sp.date_done AS done_at,
                   LEAST(n.net, GREATEST(sol.qty_delivered - sol.qty_invoiced
                                         - COALESCE(SUM(n.net) OVER later, 0), 0))
                       AS quantity,
                   FALSE AS accessory
              FROM stock_move sm
              JOIN stock_picking sp ON sp.id = sm.picking_id AND sp.state = 'done'
                   AND sp.company_id = %(company)s
              JOIN stock_picking_type t ON t.id = sp.picking_type_id AND t.code = 'outgoing'
              JOIN sale_order_line sol ON sol.id = sm.sale_line_id
                   AND sol.qty_delivered > sol.qty_invoiced
         LEFT JOIN LATERAL (
                    SELECT SUM(ret.quantity) AS quantity FROM stock_move ret
                     WHERE ret.origin_returned_move_id = sm.id
                       AND ret.state = 'done' AND ret.to_refund) r ON TRUE
        CROSS JOIN LATERAL (SELECT sm.quantity - COALESCE(r.quantity, 0) AS net) n
             WHERE sm.state = 'done' AND n.net > 0
            WINDOW later AS (PARTITION BY sm.sale_line_id
                             ORDER BY sp.date_done DESC, sm.id DESC
                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
            """,
            company=company.id,
        )

    @api.model
    def _returns_rows_sql(self, company):
        """SQL rows (as ``_goods_rows_sql``) of the goods returned to refund (退货) after
        they were invoiced: the order line's quantity invoiced beyond what it delivered
        (returns to refund deducted), allocated to its done returns, the latest first,
        each up to its quantity; negative quantities."""
        return SQL(
            """
            SELECT sol.order_id, ret.sale_line_id, sp.id, ret.id, sp.name::text,
                   sp.date_done,
                   -LEAST(ret.quantity, GREATEST(sol.qty_invoiced - sol.qty_delivered
                                                 - COALESCE(SUM(ret.quantity) OVER later, 0),
                                                 0)),
                   FALSE
              FROM stock_move ret
              JOIN stock_picking sp ON sp.id = ret.picking_id AND sp.state = 'done'
                   AND sp.company_id = %(company)s
              JOIN stock_location src ON src.id = ret.location_id AND src.usage = 'customer'
              JOIN sale_order_line sol ON sol.id = ret.sale_line_id
                   AND sol.qty_invoiced > sol.qty_delivered
             WHERE ret.state = 'done' AND ret.to_refund
               AND ret.origin_returned_move_id IS NOT NULL
            WINDOW later AS (PARTITION BY ret.sale_line_id
                             ORDER BY sp.date_done DESC, ret.id DESC
                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
            """,
            company=company.id,
        )

    @api.model
    def _other_rows_sql(self, company):
        """SQL rows (as ``_goods_rows_sql``) of the confirmed order lines billed without
        goods, Odoo's quantity to invoice of them (by their invoice policy): freight
        added with *Add shipping*, services (delivered quantity set by hand, timesheets,
        expenses), down payments to deduct (negative). A service is dated with its order;
        freight and down payments (``accessory``) with the order's first delivery."""
        return SQL(
            """
            SELECT so.id, sol.id, NULL::integer, NULL::integer,
                   split_part(sol.name, E'\\n', 1),
                   CASE WHEN sol.is_delivery OR sol.is_downpayment THEN f.date_done
                        ELSE so.date_order END,
                   sol.qty_to_invoice,
                   COALESCE(sol.is_delivery OR sol.is_downpayment, FALSE)
              FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id AND so.state = 'sale'
                   AND so.company_id = %(company)s
         LEFT JOIN LATERAL (
                    SELECT MIN(p.date_done) AS date_done
                      FROM stock_picking p
                      JOIN stock_picking_type t ON t.id = p.picking_type_id
                           AND t.code = 'outgoing'
                     WHERE p.sale_id = so.id AND p.state = 'done') f
                   ON sol.is_delivery OR sol.is_downpayment
             WHERE sol.display_type IS NULL AND sol.qty_to_invoice != 0
               AND sol.qty_delivered_method IS DISTINCT FROM 'stock_move'
            """,
            company=company.id,
        )

    # ------------------------------------------------------------------ entries
    @api.model
    def _entry_rows_sql(self, company, date_lo, date_to):
        """SQL rows of the posted entries on the customers' receivable of ``company``
        dated from ``date_lo`` to ``date_to`` (accounting date): one row per entry and
        customer, its effect in company currency and in the entry's currency."""
        return SQL(
            """
            SELECT rp.commercial_partner_id AS partner_id, aml.date AS day,
                   am.name AS name, am.id AS move_id,
                   CASE WHEN am.move_type IN ('out_invoice', 'out_receipt') THEN 'invoice'
                        WHEN am.move_type = 'out_refund' THEN 'refund'
                        ELSE 'payment' END AS line_type,
                   aml.currency_id AS currency_id,
                   SUM(aml.amount_currency) AS amount_currency,
                   SUM(aml.balance) AS amount
              FROM account_move_line aml
              JOIN account_account aa ON aa.id = aml.account_id
                   AND aa.account_type = 'asset_receivable'
              JOIN account_move am ON am.id = aml.move_id
              JOIN res_partner rp ON rp.id = aml.partner_id
             WHERE aml.parent_state = 'posted' AND aml.company_id = %(company)s
               AND aml.date >= %(date_lo)s AND aml.date <= %(date_to)s
          GROUP BY rp.commercial_partner_id, aml.date, am.name, am.id, am.move_type,
                   aml.currency_id
            """,
            company=company.id,
            date_lo=date_lo,
            date_to=date_to,
        )

    # ------------------------------------------------------------------ statement lines
    @api.model
    def _statements_sql(self, statements):
        """The ``statements`` as an SQL relation ``s(id, partner_id, company_id,
        date_from, date_to)`` of their values (the planner knows how many: a table just
        filled has no statistics yet)."""
        return SQL(
            """unnest(%s::int[], %s::int[], %s::int[], %s::date[], %s::date[])
                   AS s(id, partner_id, company_id, date_from, date_to)""",
            statements.ids,
            [st.partner_id.id for st in statements],
            [st.company_id.id for st in statements],
            [st.date_from for st in statements],
            [st.date_to for st in statements],
        )

    @api.model
    def _rows_sql(self, statements, company):
        """SQL rows (in ``LINE_COLUMNS`` order, then ``move_id``) of the ``statements`` of
        ``company``: their deliveries not invoiced yet done up to their end (those of
        earlier periods carried forward, at their delivery day) and their receivable
        entries, as of now."""
        date_lo = min(statements.mapped("date_from"))
        date_hi = max(statements.mapped("date_to"))
        return SQL(
            """
            SELECT s.id, s.company_id, 'delivery', d.name, d.day, d.stock_move_id,
                   d.sale_line_id, d.quantity, d.price_unit, d.currency_id,
                   d.amount_currency, d.amount, NULL::integer
              FROM (%(deliveries)s) d
              JOIN %(statements)s ON s.partner_id = d.partner_id AND d.day <= s.date_to
             UNION ALL
            SELECT s.id, s.company_id, e.line_type, e.name, e.day, NULL, NULL, NULL,
                   NULL, e.currency_id, e.amount_currency, e.amount, e.move_id
              FROM (%(entries)s) e
              JOIN %(statements)s ON s.partner_id = e.partner_id
                   AND e.day BETWEEN s.date_from AND s.date_to
            """,
            deliveries=self._delivery_rows_sql(company, None, date_hi),
            entries=self._entry_rows_sql(company, date_lo, date_hi),
            statements=self._statements_sql(statements),
        )

    @api.model
    def _fill_lines(self, statements):
        """(Re)write the lines and the balances of the ``statements`` from the deliveries
        and the entries as they are now: three queries per company."""
        self.env.flush_all()
        for company in statements.company_id:
            company_statements = statements.filtered(lambda s, c=company: s.company_id == c)
            self.env.cr.execute(
                SQL(
                    "DELETE FROM business_customer_statement_line WHERE statement_id = ANY(%s)",
                    company_statements.ids,
                )
            )
            self.env.cr.execute(self._insert_lines_sql(company_statements, company))
            self.env.cr.execute(self._update_balances_sql(company_statements, company))
        statements.invalidate_recordset(["line_ids", "opening_balance", "closing_balance"])
        self.env["business.customer.statement.line"].invalidate_model()

    @api.model
    def _insert_lines_sql(self, statements, company):
        columns = SQL(", ").join(SQL.identifier(c) for c in LINE_COLUMNS + ("move_id",))
        return SQL(
            """
            INSERT INTO business_customer_statement_line
                   (%(columns)s, create_uid, write_uid, create_date, write_date)
            SELECT r.*, %(uid)s, %(uid)s, NOW() AT TIME ZONE 'UTC',
                   NOW() AT TIME ZONE 'UTC'
              FROM (%(rows)s) r
            """,
            columns=columns,
            uid=self.env.uid,
            rows=self._rows_sql(statements, company),
        )

    @api.model
    def _update_balances_sql(self, statements, company):
        """The opening and closing balances of the ``statements``: the customer's posted
        receivable before the period and at its end, company currency."""
        return SQL(
            """
            UPDATE business_customer_statement st
               SET opening_balance = b.opening, closing_balance = b.closing
              FROM (SELECT s.id,
                           COALESCE(SUM(r.balance) FILTER (WHERE r.date < s.date_from),
                                    0) AS opening,
                           COALESCE(SUM(r.balance), 0) AS closing
                      FROM %(statements)s
                 LEFT JOIN (SELECT rp.commercial_partner_id AS partner_id, aml.date,
                                   aml.balance
                              FROM account_move_line aml
                              JOIN account_account aa ON aa.id = aml.account_id
                                   AND aa.account_type = 'asset_receivable'
                              JOIN res_partner rp ON rp.id = aml.partner_id
                             WHERE aml.parent_state = 'posted'
                               AND aml.company_id = %(company)s
                               AND aml.date <= %(date_hi)s) r
                        ON r.partner_id = s.partner_id AND r.date <= s.date_to
                  GROUP BY s.id) b
             WHERE b.id = st.id
            """,
            statements=self._statements_sql(statements),
            company=company.id,
            date_hi=max(statements.mapped("date_to")),
        )
