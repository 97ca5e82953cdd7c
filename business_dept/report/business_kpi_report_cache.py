import logging

from dateutil.relativedelta import relativedelta

from odoo import api, models
from odoo.tools import SQL, sql

_logger = logging.getLogger(__name__)

# pg_advisory_xact_lock key of the refresh: one at a time
REFRESH_LOCK = 7341128018
# the statements a trigger watches unless its marks say otherwise
EVENTS = ("INSERT", "UPDATE", "DELETE")


class BusinessKpiReport(models.Model):
    """Stored KPI figures (工作指标) of the months nothing has changed in since.

    The facts of every company, salesperson and month (the measures of
    ``_kpi_parts``, before rates, flags and the department, which stay live) are
    kept in the table ``business_kpi_report_fact``. A month is *changed* when a
    row it is computed from is inserted, updated or deleted: database triggers
    (``_kpi_cache_watches``, on the columns of ``_depends``) write the months the
    old and new rows belong to into ``business_kpi_report_dirty``, a day wider on
    each side for the time zones, or the orders and customers whose months are
    found when the marks are read (``_kpi_cache_marks``); a change that can move
    any month (a time zone, the output basis, a customer's closing day...) writes
    ``-infinity``: every month. Triggers see every change: the ORM's, stored
    computed fields flushed without ``write()``, and SQL.

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
    # each customer's first confirmed order as the stored figures count it
    _kpi_customer_table = "business_kpi_report_customer"

    # ------------------------------------------------------------------ watches
    @api.model
    def _kpi_cache_marks(self):
        """{table: marks} of each table the report reads (``_depends``), except
        ``res_users`` (who is in the department is read live). The marks are
        queries over the changed rows ``r`` (old and new rows of an update):

        - ``days``: dates or datetimes of the months changed (``-infinity``: all);
        - ``orders``: sale orders whose months (order date, review, deliveries,
          moves) are found when the marks are read (``_kpi_cache_changed``);
        - ``customers``: commercial partners whose first confirmed order (new
          customers) is found when the marks are read, with the customers of the
          orders marked: the month of their first order now and the one stored
          with the figures (``business_kpi_report_customer``) are changed;
        - ``events``: the statements watched (all by default).

        A month found through other rows when the marks are read, not when the
        change is made, is found in a snapshot that holds the change itself and
        every change committed before: a delivery validated by another user while
        an invoice of its order is changed, or two orders of one customer
        cancelled at once, do not leave a month stale."""
        everything = "SELECT '-infinity'::date FROM r WHERE %s"
        return {
            "business_sales_target_line": {
                "days": "SELECT make_date(r.year, r.month, 1) FROM r"
                " WHERE r.year > 0 AND r.month BETWEEN 1 AND 12",
            },
            "account_move": {
                # output, the installments' due months, and those of the installments
                # reconciled with it (a credit note's type decides what is owed)
                "days": "SELECT r.invoice_date FROM r"
                " WHERE r.move_type IN ('out_invoice', 'out_refund')"
                " UNION ALL SELECT aml.date_maturity FROM account_move_line aml"
                "  WHERE aml.display_type = 'payment_term'"
                "    AND aml.move_id IN (SELECT r.id FROM r WHERE r.move_type = 'out_invoice')"
                " UNION ALL SELECT aml.date_maturity FROM account_move_line cl"
                "  JOIN account_partial_reconcile apr ON apr.credit_move_id = cl.id"
                "  JOIN account_move_line aml ON aml.id = apr.debit_move_id"
                " WHERE cl.move_id IN (SELECT r.id FROM r)"
                "   AND aml.display_type = 'payment_term'",
                # the orders invoiced (their deliveries: invoicing on time)
                "orders": "SELECT sol.order_id FROM account_move_line aml"
                "  JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = aml.id"
                "  JOIN sale_order_line sol ON sol.id = rel.order_line_id"
                " WHERE aml.move_id IN (SELECT r.id FROM r WHERE r.move_type = 'out_invoice')",
            },
            "account_move_line": {
                "days": "SELECT r.date_maturity FROM r WHERE r.display_type = 'payment_term'",
            },
            "account_partial_reconcile": {
                # an installment's own change marks its months, old and new
                "days": "SELECT aml.date_maturity FROM account_move_line aml"
                " WHERE aml.display_type = 'payment_term'"
                "   AND aml.id IN (SELECT r.debit_move_id FROM r"
                "                  UNION ALL SELECT r.credit_move_id FROM r)",
            },
            "stock_move": {"days": "SELECT r.date FROM r WHERE r.sale_line_id IS NOT NULL"},
            "stock_picking": {"days": "SELECT r.date_done FROM r WHERE r.sale_id IS NOT NULL"},
            "sale_order_line_invoice_rel": {
                "orders": "SELECT sol.order_id FROM sale_order_line sol"
                " WHERE sol.id IN (SELECT r.order_line_id FROM r)",
            },
            "sale_order_line": {"orders": "SELECT r.order_id FROM r"},
            "sale_order": {
                # the order's own months (a deleted order is not found when read)
                "days": "SELECT r.date_order FROM r UNION ALL SELECT r.review_received_date FROM r",
                "orders": "SELECT r.id FROM r",
                "customers": "SELECT rp.commercial_partner_id FROM r"
                " JOIN res_partner rp ON rp.id = r.partner_id",
            },
            # a customer's closing day (invoicing on time), or a contact moved to
            # another customer (new customers): every month
            "res_partner": {
                "days": "SELECT '-infinity'::date FROM new_rows n JOIN old_rows o ON o.id = n.id"
                " WHERE n.closing_day IS DISTINCT FROM o.closing_day"
                "    OR (o.commercial_partner_id IS NOT NULL"
                "        AND n.commercial_partner_id IS DISTINCT FROM o.commercial_partner_id)",
                "events": ("UPDATE",),
            },
            "business_satisfaction_survey": {"days": "SELECT r.date FROM r"},
            "business_stock_backlog": {"days": "SELECT r.month FROM r"},
            # the output basis, the calendar (time zone); a threshold changes no
            # stored figure but is rare enough not to be told apart
            "res_company": {"days": everything % "TRUE"},
            # any calendar's: the one a company switches to meanwhile too
            "resource_calendar": {"days": everything % "TRUE", "events": ("UPDATE",)},
            "stock_location": {"days": everything % "TRUE", "events": ("UPDATE",)},
            # the working days of a calendar (legal deadlines of the installments, see
            # ``res.company._business_days_off_sql``): the weekly hours of a company's
            # calendar change every month; a public holiday or a make-up workday (调休)
            # changes the deadlines of the days up to a month before it
            "resource_calendar_attendance": {
                "days": everything
                % "r.calendar_id IN (SELECT resource_calendar_id FROM res_company)",
            },
            "resource_calendar_leaves": {
                "days": "SELECT generate_series(date_trunc('month', r.date_from"
                " - interval '32 days'), r.date_to + interval '1 day', interval '1 month')"
                " FROM r WHERE r.resource_id IS NULL",
            },
            "business_calendar_workday": {
                "days": "SELECT generate_series(date_trunc('month', r.date::timestamp"
                " - interval '32 days'), r.date::timestamp, interval '1 month') FROM r",
            },
        }

    @api.model
    def _kpi_cache_watches(self):
        """[(table, columns, marks)]: the tables the report reads (``_depends``),
        the columns of them it reads (None: any change, for a many2many's table)
        and their ``_kpi_cache_marks``."""
        columns = {}
        for model_name, fnames in self._depends.items():
            model = self.env[model_name]
            for fname in fnames:
                field = model._fields[fname]
                if field.type == "many2many":
                    columns[field.relation] = None
                elif field.store and field.column_type:
                    columns.setdefault(model._table, []).append(fname)
        marks = self._kpi_cache_marks()
        return [(table, columns[table], marks[table]) for table in columns if table in marks]

    @api.model
    def _kpi_cache_inserts(self, marks):
        """The INSERTs of a trigger function: months, orders, customers; a mark this
        transaction already wrote is not written again."""
        table = self._kpi_dirty_table
        mine = "x.xmin = pg_current_xact_id()::xid"
        inserts = []
        if marks.get("days"):
            inserts.append(
                f"INSERT INTO {table} (month) SELECT DISTINCT v.month"
                f" FROM (SELECT date_trunc('month', d.day::timestamp + s.shift)::date AS month"
                f"         FROM ({marks['days']}) d(day) CROSS JOIN (VALUES (interval '-1 day'),"
                f"              (interval '0'), (interval '1 day')) s(shift)"
                f"        WHERE d.day IS NOT NULL) v"
                f" WHERE NOT EXISTS (SELECT 1 FROM {table} x WHERE x.month = v.month AND {mine})"
            )
        for kind, column in (("orders", "order_id"), ("customers", "customer_id")):
            if marks.get(kind):
                inserts.append(
                    f"INSERT INTO {table} ({column}) SELECT DISTINCT v.id"
                    f" FROM ({marks[kind]}) v(id) WHERE v.id IS NOT NULL AND NOT EXISTS"
                    f" (SELECT 1 FROM {table} x WHERE x.{column} = v.id AND {mine})"
                )
        return inserts

    @api.model
    def _kpi_cache_function(self, table, columns, marks):
        """SQL creating the trigger function of ``table`` (see ``_kpi_cache_watches``)."""
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

        def branch(rows):
            return "\n".join(
                f"WITH r AS ({rows}) {insert};" for insert in self._kpi_cache_inserts(marks)
            )

        return f"""
            CREATE OR REPLACE FUNCTION business_kpi_mark_{table}() RETURNS trigger
            -- no JIT: compiling these small queries costs a second on a large database
            LANGUAGE plpgsql SET jit = off AS $body$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    {branch("SELECT * FROM new_rows")}
                ELSIF TG_OP = 'DELETE' THEN
                    {branch("SELECT * FROM old_rows")}
                ELSE
                    {branch(updated)}
                END IF;
                RETURN NULL;
            END
            $body$"""

    @api.model
    def _kpi_cache_triggers(self, table, events=EVENTS):
        """[(trigger name, event, transition tables)] of ``table``."""
        transitions = {
            "INSERT": "NEW TABLE AS new_rows",
            "UPDATE": "NEW TABLE AS new_rows OLD TABLE AS old_rows",
            "DELETE": "OLD TABLE AS old_rows",
        }
        return [
            (f"business_kpi_mark_{table}_{event[:3].lower()}", event, transitions[event])
            for event in events
        ]

    # ------------------------------------------------------------------ schema
    def init(self):
        """Create the stored facts, the changed months and the triggers; mark every
        month changed (the report's rules may have changed with the code)."""
        res = super().init()
        cr = self.env.cr
        # a table the report reads may be created by this module after the report (on
        # install, models are set up in the order of their inheritance, not of _depends)
        for model_name in self._depends:
            model = self.env[model_name]
            if model._auto and not sql.table_exists(cr, model._table):
                model._auto_init()
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
                "CREATE TABLE IF NOT EXISTS %(customers)s (company_id integer,"
                " customer_id integer, date_order timestamp, order_id integer);"
                "CREATE INDEX IF NOT EXISTS %(first_index)s ON %(customers)s (customer_id);"
                "CREATE INDEX IF NOT EXISTS %(first_order_index)s ON %(customers)s (order_id);"
                "CREATE TABLE IF NOT EXISTS %(table)s"
                " (month date, order_id integer, customer_id integer);"
                "CREATE INDEX IF NOT EXISTS %(month_index)s ON %(table)s (month);"
                "CREATE INDEX IF NOT EXISTS %(order_index)s ON %(table)s (order_id);"
                "CREATE INDEX IF NOT EXISTS %(customer_index)s ON %(table)s (customer_id)",
                table=SQL.identifier(self._kpi_dirty_table),
                customers=SQL.identifier(self._kpi_customer_table),
                first_index=SQL.identifier(f"{self._kpi_customer_table}_index"),
                first_order_index=SQL.identifier(f"{self._kpi_customer_table}_order_index"),
                month_index=SQL.identifier(f"{self._kpi_dirty_table}_month_index"),
                order_index=SQL.identifier(f"{self._kpi_dirty_table}_order_index"),
                customer_index=SQL.identifier(f"{self._kpi_dirty_table}_customer_index"),
            )
        )
        self._kpi_cache_drop_triggers()
        for table, columns, marks in self._kpi_cache_watches():
            cr.execute(SQL(self._kpi_cache_function(table, columns, marks)))
            events = marks.get("events", EVENTS)
            for name, event, transitions in self._kpi_cache_triggers(table, events):
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
        return res

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
        """Uninstall: drop the triggers, their functions, the tables, and the
        report's indexes on the standard tables."""
        self._kpi_cache_drop_triggers()
        for table in (self._kpi_fact_table, self._kpi_dirty_table, self._kpi_customer_table):
            self.env.cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(table)))
        for name, *__ in self._kpi_month_indexes() + self._kpi_range_indexes():
            self.env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))

    # ------------------------------------------------------------------ reading
    @api.model
    def _kpi_cache_changed(self):
        """(every month changed, [first days of the months changed]); see
        ``_kpi_cache_resolve``."""
        everything, months, __ = self._kpi_cache_resolve()
        return everything, months

    @api.model
    def _kpi_cache_resolve(self):
        """(every month changed, [first days of the months changed], [customers
        marked]): the months marked, and those of the orders and customers marked,
        found now (see ``_kpi_cache_marks``). Pending changes are flushed first, so
        that their marks are there."""
        self.env.flush_all()
        # no JIT for this small query (compiling it would cost a second on a large
        # database); the transaction's setting is restored after it
        self.env.cr.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")
        jit = self.env.cr.fetchone()[0]
        self.env.cr.execute(
            SQL(
                """
                WITH marks AS (SELECT month, order_id, customer_id FROM %(dirty)s),
                     orders AS (SELECT DISTINCT order_id AS id FROM marks
                                 WHERE order_id IS NOT NULL),
                     customers AS (
                    SELECT customer_id AS id FROM marks WHERE customer_id IS NOT NULL
                    -- the customer of an order now, and the one whose stored first
                    -- order it is (deleted or given to another customer since)
                    UNION SELECT rp.commercial_partner_id FROM sale_order so
                      JOIN res_partner rp ON rp.id = so.partner_id
                     WHERE so.id IN (SELECT id FROM orders)
                    UNION SELECT c.customer_id FROM %(first)s c
                     WHERE c.order_id IN (SELECT id FROM orders)),
                     days AS (
                    SELECT so.date_order AS day FROM sale_order so
                     WHERE so.id IN (SELECT id FROM orders)
                    UNION ALL SELECT so.review_received_date FROM sale_order so
                     WHERE so.id IN (SELECT id FROM orders)
                    UNION ALL SELECT p.date_done FROM stock_picking p
                     WHERE p.state = 'done' AND p.sale_id IN (SELECT id FROM orders)
                    UNION ALL SELECT sm.date FROM sale_order_line sol
                      JOIN stock_move sm ON sm.sale_line_id = sol.id
                     WHERE sol.order_id IN (SELECT id FROM orders)
                    -- each customer's first confirmed order as stored, and now
                    UNION ALL SELECT c.date_order FROM %(first)s c
                     WHERE c.customer_id IN (SELECT id FROM customers)
                    UNION ALL SELECT f.date_order FROM customers k
                     CROSS JOIN LATERAL (%(first_orders)s) f),
                     months AS (
                    SELECT month FROM marks WHERE month IS NOT NULL
                    UNION ALL
                    SELECT date_trunc('month', d.day::timestamp + s.shift)::date
                      FROM days d CROSS JOIN (VALUES (interval '-1 day'), (interval '0'),
                                                     (interval '1 day')) s(shift)
                     WHERE d.day IS NOT NULL)
                SELECT COALESCE(bool_or(month = '-infinity'), FALSE),
                       COALESCE(array_agg(DISTINCT month)
                                FILTER (WHERE month <> '-infinity'), '{}'),
                       (SELECT COALESCE(array_agg(id), '{}') FROM customers)
                  FROM months
                """,
                dirty=SQL.identifier(self._kpi_dirty_table),
                first=SQL.identifier(self._kpi_customer_table),
                first_orders=self._kpi_first_orders(SQL("k.id = rp.commercial_partner_id")),
            )
        )
        everything, months, customers = self.env.cr.fetchone()
        self.env.cr.execute(SQL("SELECT set_config('jit', %s, true)", jit))
        return everything, sorted(months), customers

    @api.model
    def _kpi_first_orders(self, condition):
        """SQL: the first confirmed order of each (company, customer) kept by
        ``condition`` on the customer ``rp``: company_id, customer_id, date_order,
        order_id."""
        return SQL(
            """SELECT DISTINCT ON (so.company_id, rp.commercial_partner_id)
                      so.company_id, rp.commercial_partner_id AS customer_id, so.date_order,
                      so.id AS order_id
                 FROM sale_order so JOIN res_partner rp ON rp.id = so.partner_id
                WHERE so.state = 'sale' AND %s
             ORDER BY so.company_id, rp.commercial_partner_id, so.date_order, so.id""",
            condition,
        )

    @api.model
    def _kpi_store_first_orders(self, customers=None):
        """Store each customer's first confirmed order as the figures now count it
        (``customers``: only theirs; None: every customer's)."""
        table = SQL.identifier(self._kpi_customer_table)
        if customers is None:
            self.env.cr.execute(SQL("DELETE FROM %s", table))
            condition = SQL("TRUE")
        else:
            self.env.cr.execute(SQL("DELETE FROM %s WHERE customer_id = ANY(%s)", table, customers))
            condition = SQL("rp.commercial_partner_id = ANY(%s)", customers)
        self.env.cr.execute(
            SQL(
                "INSERT INTO %s (company_id, customer_id, date_order, order_id) %s",
                table,
                self._kpi_first_orders(condition),
            )
        )

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
        everything, months, customers = self._kpi_cache_resolve()
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
            self._kpi_store_first_orders()
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
        if customers:
            self._kpi_store_first_orders(customers)
        # the marks this transaction sees, all resolved above (a change committed
        # since is not seen: its marks stay)
        cr.execute(SQL("DELETE FROM %s", dirty))
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
