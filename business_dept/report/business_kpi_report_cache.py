import logging

from dateutil.relativedelta import relativedelta

from odoo import api, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# pg_advisory_xact_lock key of the refresh: one at a time
REFRESH_LOCK = 7341128018


class BusinessKpiReport(models.Model):
    """Stored KPI figures (工作指标) of the months nothing has changed in since.

    The facts of every company, salesperson and month (the measures of
    ``_kpi_parts``, before rates, flags and the department, which stay live) are
    kept in the table ``business_kpi_report_fact``. A month is *changed* when a
    row it is computed from is inserted, updated or deleted: database triggers
    (``_kpi_cache_watches``, on the columns of ``_depends``) write the months the
    old and new rows belong to into ``business_kpi_report_dirty``, a day wider on
    each side for the time zones; a change that can move any month (a time zone,
    the output basis, a customer's closing day...) writes ``-infinity``: every
    month. Triggers see every change: the ORM's, stored computed fields flushed
    without ``write()``, and SQL.

    Reading the report takes the stored facts of the months not changed and
    computes the changed months live (``_kpi_facts_query``), so its figures are
    always those of the live query. The cron ``_cron_kpi_cache_refresh`` stores
    the changed months again (``_kpi_cache_refresh``); installing or updating the
    module marks every month changed (the rules may have changed with the code).
    A search with the context key ``business_kpi_live`` computes everything live.
    """

    _inherit = "business.kpi.report"

    _kpi_fact_table = "business_kpi_report_fact"
    _kpi_dirty_table = "business_kpi_report_dirty"

    # ------------------------------------------------------------------ watches
    @api.model
    def _kpi_cache_days(self):
        """{table: days}: a change of a row of ``table`` changes the months of
        ``days``, a query over the changed rows ``r`` (old and new) giving dates or
        datetimes, ``-infinity`` for every month. Each table the report reads
        (``_depends``) has one, except ``res_users``: who is in the department is
        read live."""
        pickings_of_orders = """
            SELECT p.date_done FROM stock_picking p
             WHERE p.state = 'done' AND p.sale_id IN (%s)"""
        everything = "SELECT '-infinity'::date FROM r WHERE %s"
        return {
            "business_sales_target_line": "SELECT make_date(r.year, r.month, 1) FROM r"
            " WHERE r.year > 0 AND r.month BETWEEN 1 AND 12",
            # output, the installments' due months, the deliveries of the orders
            # invoiced (invoicing on time)
            "account_move": "SELECT r.invoice_date FROM r"
            " WHERE r.move_type IN ('out_invoice', 'out_refund')"
            " UNION ALL SELECT aml.date_maturity FROM account_move_line aml"
            "  WHERE aml.display_type = 'payment_term'"
            "    AND aml.move_id IN (SELECT r.id FROM r WHERE r.move_type = 'out_invoice')"
            " UNION ALL" + pickings_of_orders % "SELECT sol.order_id FROM account_move_line aml"
            "  JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = aml.id"
            "  JOIN sale_order_line sol ON sol.id = rel.order_line_id"
            " WHERE aml.move_id IN (SELECT r.id FROM r WHERE r.move_type = 'out_invoice')",
            "account_move_line": "SELECT r.date_maturity FROM r"
            " WHERE r.display_type = 'payment_term'",
            "account_partial_reconcile": "SELECT aml.date_maturity FROM account_move_line aml"
            " WHERE aml.display_type = 'payment_term'"
            "   AND aml.id IN (SELECT r.debit_move_id FROM r"
            "                  UNION ALL SELECT r.credit_move_id FROM r)",
            "stock_move": "SELECT r.date FROM r WHERE r.sale_line_id IS NOT NULL",
            "stock_picking": "SELECT r.date_done FROM r WHERE r.sale_id IS NOT NULL",
            "sale_order_line_invoice_rel": pickings_of_orders
            % "SELECT sol.order_id FROM sale_order_line sol"
            " WHERE sol.id IN (SELECT r.order_line_id FROM r)",
            "sale_order_line": "SELECT sm.date FROM stock_move sm"
            " WHERE sm.sale_line_id IN (SELECT r.id FROM r)",
            # the order's own months (new customer, review), its deliveries...
            "sale_order": "SELECT r.date_order FROM r"
            " UNION ALL SELECT r.review_received_date FROM r"
            " UNION ALL SELECT sm.date FROM sale_order_line sol"
            "  JOIN stock_move sm ON sm.sale_line_id = sol.id"
            " WHERE sol.order_id IN (SELECT r.id FROM r)"
            " UNION ALL" + pickings_of_orders % "SELECT r.id FROM r" +
            # ... and of the customer's first confirmed order now and before the
            # change (the first of the orders not changed), where a new customer
            # is counted
            " UNION ALL SELECT f.date_order"
            "  FROM (SELECT DISTINCT rp.commercial_partner_id, r.company_id"
            "          FROM r JOIN res_partner rp ON rp.id = r.partner_id) k"
            " CROSS JOIN LATERAL ("
            "   (SELECT so.date_order FROM sale_order so"
            "      JOIN res_partner p ON p.id = so.partner_id"
            "     WHERE p.commercial_partner_id = k.commercial_partner_id"
            "       AND so.company_id = k.company_id AND so.state = 'sale'"
            "  ORDER BY so.date_order, so.id LIMIT 1)"
            "   UNION ALL"
            "   (SELECT so.date_order FROM sale_order so"
            "      JOIN res_partner p ON p.id = so.partner_id"
            "     WHERE p.commercial_partner_id = k.commercial_partner_id"
            "       AND so.company_id = k.company_id AND so.state = 'sale'"
            "       AND so.id NOT IN (SELECT r.id FROM r)"
            "  ORDER BY so.date_order, so.id LIMIT 1)) f",
            # who the customer is (new customers) and its closing day (invoicing)
            "res_partner": everything
            % "EXISTS (SELECT 1 FROM sale_order so WHERE so.partner_id = r.id)"
            " OR EXISTS (SELECT 1 FROM res_partner c JOIN sale_order so"
            " ON so.partner_id = c.id WHERE c.commercial_partner_id = r.id)",
            "business_satisfaction_survey": "SELECT r.date FROM r",
            "business_stock_backlog": "SELECT r.month FROM r",
            # the output basis, the calendar (time zone); a threshold changes no
            # stored figure but is rare enough not to be told apart
            "res_company": everything % "TRUE",
            "resource_calendar": everything
            % "EXISTS (SELECT 1 FROM res_company c WHERE c.resource_calendar_id = r.id)",
            "stock_location": everything
            % "EXISTS (SELECT 1 FROM stock_move sm WHERE sm.location_id = r.id)"
            " OR EXISTS (SELECT 1 FROM stock_move sm WHERE sm.location_dest_id = r.id)",
        }

    @api.model
    def _kpi_cache_watches(self):
        """[(table, columns, days)]: the tables the report reads (``_depends``),
        the columns of them it reads (None: any change, for a many2many's table)
        and their ``_kpi_cache_days``."""
        columns = {}
        for model_name, fnames in self._depends.items():
            model = self.env[model_name]
            for fname in fnames:
                field = model._fields[fname]
                if field.type == "many2many":
                    columns[field.relation] = None
                elif field.store and field.column_type:
                    columns.setdefault(model._table, []).append(fname)
        days = self._kpi_cache_days()
        return [(table, columns[table], days[table]) for table in columns if table in days]

    @api.model
    def _kpi_cache_function(self, table, columns, days):
        """SQL creating the trigger function of ``table`` (see ``_kpi_cache_watches``)."""
        mark = f"""
            INSERT INTO {self._kpi_dirty_table} (month)
            SELECT DISTINCT date_trunc('month', d.day::timestamp + s.shift)::date
              FROM ({days}) d(day)
             CROSS JOIN (VALUES (interval '-1 day'), (interval '0'), (interval '1 day')) s(shift)
             WHERE d.day IS NOT NULL"""
        if columns:
            differs = "ROW({}) IS DISTINCT FROM ROW({})".format(
                ", ".join(f"n.{c}" for c in columns), ", ".join(f"o.{c}" for c in columns)
            )
            updated = (
                f"SELECT n.* FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {differs}"
                f" UNION ALL SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id"
                f" WHERE {differs}"
            )
        else:
            updated = "SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows"
        return f"""
            CREATE OR REPLACE FUNCTION business_kpi_mark_{table}() RETURNS trigger
            LANGUAGE plpgsql AS $body$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    WITH r AS (SELECT * FROM new_rows) {mark};
                ELSIF TG_OP = 'DELETE' THEN
                    WITH r AS (SELECT * FROM old_rows) {mark};
                ELSE
                    WITH r AS ({updated}) {mark};
                END IF;
                RETURN NULL;
            END
            $body$"""

    @api.model
    def _kpi_cache_triggers(self, table):
        """[(trigger name, event, transition tables)] of ``table``."""
        return [
            (f"business_kpi_mark_{table}_ins", "INSERT", "NEW TABLE AS new_rows"),
            (
                f"business_kpi_mark_{table}_upd",
                "UPDATE",
                "NEW TABLE AS new_rows OLD TABLE AS old_rows",
            ),
            (f"business_kpi_mark_{table}_del", "DELETE", "OLD TABLE AS old_rows"),
        ]

    # ------------------------------------------------------------------ schema
    def init(self):
        """Create the stored facts, the changed months and the triggers; mark every
        month changed (the report's rules may have changed with the code)."""
        super().init()
        cr = self.env.cr
        live = self.with_context(business_kpi_live=True, business_kpi_range=None)
        measures = live._kpi_measures()
        cr.execute(
            SQL(
                "SELECT array_agg(column_name::text ORDER BY ordinal_position)"
                " FROM information_schema.columns WHERE table_name = %s",
                self._kpi_fact_table,
            )
        )
        if (cr.fetchone()[0] or []) != ["company_id", "user_id", "month", *measures]:
            # new or its measures changed (a KPI added by a module): created again
            cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(self._kpi_fact_table)))
            cr.execute(
                SQL(
                    "CREATE TABLE %s AS SELECT * FROM (%s) facts WITH NO DATA",
                    SQL.identifier(self._kpi_fact_table),
                    live._kpi_facts_query(),
                )
            )
            cr.execute(
                SQL(
                    "CREATE UNIQUE INDEX %s ON %s (month, company_id, COALESCE(user_id, 0))",
                    SQL.identifier(f"{self._kpi_fact_table}_month_index"),
                    SQL.identifier(self._kpi_fact_table),
                )
            )
        cr.execute(
            SQL(
                "CREATE TABLE IF NOT EXISTS %s (month date NOT NULL);"
                "CREATE INDEX IF NOT EXISTS %s ON %s (month)",
                SQL.identifier(self._kpi_dirty_table),
                SQL.identifier(f"{self._kpi_dirty_table}_month_index"),
                SQL.identifier(self._kpi_dirty_table),
            )
        )
        self._kpi_cache_drop_triggers()
        for table, columns, days in self._kpi_cache_watches():
            cr.execute(SQL(self._kpi_cache_function(table, columns, days)))
            for name, event, transitions in self._kpi_cache_triggers(table):
                cr.execute(
                    SQL(
                        "CREATE TRIGGER %(name)s AFTER %(event)s ON %(table)s"
                        " REFERENCING %(transitions)s FOR EACH STATEMENT"
                        " EXECUTE FUNCTION %(function)s()",
                        name=SQL.identifier(name),
                        table=SQL.identifier(table),
                        event=SQL(event),
                        transitions=SQL(transitions),
                        function=SQL.identifier(f"business_kpi_mark_{table}"),
                    )
                )
        cr.execute(
            SQL(
                "INSERT INTO %s (month) VALUES ('-infinity')", SQL.identifier(self._kpi_dirty_table)
            )
        )

    @api.model
    def _kpi_cache_drop_triggers(self):
        """Drop every trigger and trigger function of the stored figures, those of
        tables no longer watched included."""
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE %s",
                "business_kpi_mark_%",
            )
        )
        for name, table in cr.fetchall():
            cr.execute(
                SQL("DROP TRIGGER IF EXISTS %s ON %s", SQL.identifier(name), SQL.identifier(table))
            )
        cr.execute(SQL("SELECT proname FROM pg_proc WHERE proname LIKE %s", "business_kpi_mark_%"))
        for (name,) in cr.fetchall():
            cr.execute(SQL("DROP FUNCTION IF EXISTS %s()", SQL.identifier(name)))

    @api.model
    def _kpi_cache_drop(self):
        """Drop the triggers, their functions and the tables (uninstall)."""
        self._kpi_cache_drop_triggers()
        for table in (self._kpi_fact_table, self._kpi_dirty_table):
            self.env.cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(table)))

    # ------------------------------------------------------------------ reading
    @api.model
    def _kpi_cache_changed(self):
        """(every month changed, [first days of the months changed])."""
        self.env.cr.execute(
            SQL(
                "SELECT COALESCE(bool_or(month = '-infinity'), FALSE),"
                " COALESCE(array_agg(DISTINCT month) FILTER (WHERE month <> '-infinity'), '{}')"
                " FROM %s",
                SQL.identifier(self._kpi_dirty_table),
            )
        )
        everything, months = self.env.cr.fetchone()
        return everything, sorted(months)

    @api.model
    def _kpi_live_months(self, months):
        """The live facts of ``months`` (first days) only, their rows bounded to them."""
        live = self.with_context(
            business_kpi_live=True,
            business_kpi_range=(
                min(months) - relativedelta(days=1),
                max(months) + relativedelta(months=1, days=1),
            ),
        )
        return SQL(
            "SELECT * FROM (%s) live WHERE live.month = ANY(%s)",
            live._kpi_facts_query(),
            list(months),
        )

    @api.model
    def _kpi_facts_query(self):
        """The stored facts of the months not changed, the changed ones computed live."""
        if self.env.context.get("business_kpi_live"):
            return super()._kpi_facts_query()
        everything, changed = self._kpi_cache_changed()
        if everything:
            return super()._kpi_facts_query()
        start, end = self.env.context.get("business_kpi_range") or (None, None)
        changed = [m for m in changed if (not start or m >= start) and (not end or m < end)]
        stored = SQL(
            "SELECT company_id, user_id, month, %s FROM %s WHERE %s",
            SQL(", ").join(SQL.identifier(m) for m in self._kpi_measures()),
            SQL.identifier(self._kpi_fact_table),
            self._kpi_rows_in(SQL("month")),
        )
        if not changed:
            return stored
        return SQL(
            "%s AND month <> ALL(%s) UNION ALL %s",
            stored,
            changed,
            self._kpi_live_months(changed),
        )

    # ------------------------------------------------------------------ refresh
    @api.model
    def _kpi_cache_refresh(self):
        """Store the facts of the changed months again (all of them when every month
        changed); return the number of months stored, None when a refresh is already
        running. Only the changes this transaction sees are consumed: a change
        committed meanwhile keeps its month changed."""
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s)", REFRESH_LOCK))
        if not cr.fetchone()[0]:
            return None
        everything, months = self._kpi_cache_changed()
        fact = SQL.identifier(self._kpi_fact_table)
        dirty = SQL.identifier(self._kpi_dirty_table)
        columns = SQL(", ").join(
            SQL.identifier(c) for c in ["company_id", "user_id", "month", *self._kpi_measures()]
        )
        if everything:
            cr.execute(SQL("DELETE FROM %s", fact))
            cr.execute(
                SQL(
                    "INSERT INTO %s (%s) SELECT %s FROM (%s) f WHERE f.month IS NOT NULL",
                    fact,
                    columns,
                    columns,
                    self.with_context(
                        business_kpi_live=True, business_kpi_range=None
                    )._kpi_facts_query(),
                )
            )
            cr.execute(SQL("SELECT count(DISTINCT month) FROM %s", fact))
            count = cr.fetchone()[0]
            cr.execute(SQL("DELETE FROM %s", dirty))
            return count
        for run in self._kpi_month_runs(months):
            cr.execute(SQL("DELETE FROM %s WHERE month = ANY(%s)", fact, run))
            cr.execute(
                SQL(
                    "INSERT INTO %s (%s) SELECT %s FROM (%s) f",
                    fact,
                    columns,
                    columns,
                    self._kpi_live_months(run),
                )
            )
        if months:
            cr.execute(SQL("DELETE FROM %s WHERE month = ANY(%s)", dirty, months))
        return len(months)

    @api.model
    def _kpi_month_runs(self, months):
        """The sorted ``months`` cut into runs of consecutive months (each run is
        computed with its rows bounded to it)."""
        runs = []
        for month in sorted(months):
            if runs and runs[-1][-1] + relativedelta(months=1) == month:
                runs[-1].append(month)
            else:
                runs.append([month])
        return runs

    @api.model
    def _cron_kpi_cache_refresh(self):
        count = self._kpi_cache_refresh()
        _logger.info("KPI report: %s months stored again", count)
