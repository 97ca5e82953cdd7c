import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


class BusinessKpiSnapshot(models.Model):
    """The stored KPI figures of the closed months (工作指标), one row per company,
    salesperson and month: what the KPI report (``business.kpi.report``) reads for a
    month that is over.

    - *frozen* rows: the month-end close (``_freeze``, a Business Director) copies the
      month's live figures; later corrections of orders, invoices or surveys do not
      change them.
    - *stored* rows: the nightly job (``_cron_kpi_store_refresh``) stores the live
      figures of every closed month not frozen, with the time it stored them
      (``stored_date``); a change of a closed month shows the next night.

    The open months (the current and the previous one, ``_kpi_open_from``) are never
    stored: the report computes them live. Rows are written through the ORM, in
    batches; a rate without its denominator ("no data") is read back as NULL by the
    report (it reads the denominator).
    """

    _name = "business.kpi.snapshot"
    _inherit = ["business.kpi.mixin", "business.workflow.guard"]
    _description = "Business Department KPI Snapshot"
    _order = "month desc, user_id"

    _sql_constraints = [
        (
            "snapshot_unique",
            "unique(company_id, user_id, month)",
            "This month is already frozen for this salesperson.",
        ),
    ]

    kpi_source = fields.Selection(
        [("stored", "Stored"), ("frozen", "Frozen")],
        string="Figures",
        required=True,
        default="stored",
        readonly=True,
        index=True,
    )
    stored_date = fields.Datetime(string="Stored On", readonly=True)
    frozen_by_id = fields.Many2one("res.users", readonly=True)
    frozen_date = fields.Datetime(string="Frozen On", readonly=True)

    # ------------------------------------------------------------------ months
    @api.model
    def _kpi_open_from(self, company):
        """The first open month of ``company``: the previous month of its local
        today (the current and previous month are computed live, never stored)."""
        return company._business_local_today().replace(day=1) - relativedelta(months=1)

    @api.model
    def _kpi_live_rows(self, condition, bounds=None, facts=None):
        """The live rows of the KPI report kept by ``condition`` (SQL on the row
        ``r``), their parts bounded to ``bounds`` (first day, day after), as dicts;
        computed from ``facts`` (SQL with the columns of the report's
        ``_kpi_facts_query``) when given."""
        report = self.env["business.kpi.report"].with_context(
            business_kpi_live=True, business_kpi_range=bounds
        )
        fnames = report._kpi_copy_fields()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM (%s) r WHERE %s",
                SQL(", ").join(SQL("r.%s", SQL.identifier(f)) for f in fnames),
                report._kpi_live_query(facts),
                condition,
            )
        )
        return self.env.cr.dictfetchall()

    @api.model
    def _kpi_store_values(self, row):
        """The values of a store row for a report row (NULL: no data, 0 or False)."""
        return {fname: False if value is None else value for fname, value in row.items()}

    def _kpi_differs(self, values):
        """Whether this row's figures differ from ``values`` (as the ORM keeps them)."""
        self.ensure_one()
        for fname, value in values.items():
            field = self._fields[fname]
            if field.type == "many2one":
                if self[fname].id != (value or False):
                    return True
            elif field.convert_to_cache(value, self) != field.convert_to_cache(self[fname], self):
                return True
        return False

    # ------------------------------------------------------------------ month-end close
    @api.model
    def _freeze(self, month, company=None):
        """Freeze the KPI figures of ``month`` (any day of it) for ``company``: its
        live figures become frozen rows (the stored ones of the month are replaced)."""
        if not self.env.user.has_group("business_dept.group_business_director"):
            raise AccessError(self.env._("Only a Business Director freezes the KPIs of a month."))
        company = company or self.env.company
        month = month.replace(day=1)
        if month >= company._business_local_today().replace(day=1):
            raise UserError(self.env._("Only a month that is over can be frozen."))
        store = self.sudo()
        domain = [("company_id", "=", company.id), ("month", "=", month)]
        if store.search_count([*domain, ("kpi_source", "=", "frozen")], limit=1):
            raise UserError(
                self.env._(
                    "The KPIs of %(month)s are already frozen.", month=month.strftime("%Y-%m")
                )
            )
        rows = self._kpi_live_rows(
            SQL("r.company_id = %s AND r.month = %s", company.id, month),
            (month - relativedelta(days=1), month + relativedelta(months=1, days=1)),
        )
        now = fields.Datetime.now()
        store.search(domain).unlink()
        frozen = store.create(
            [
                {
                    **self._kpi_store_values(row),
                    "kpi_source": "frozen",
                    "stored_date": now,
                    "frozen_by_id": self.env.uid,
                    "frozen_date": now,
                }
                for row in rows
            ]
        )
        return frozen.sudo(False)

    @api.model
    def _frozen(self, company, day):
        """(frozen date, frozen by) of the month of ``day`` for ``company``, or None."""
        snapshot = self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("month", "=", day.replace(day=1)),
                ("kpi_source", "=", "frozen"),
            ],
            order="frozen_date",
            limit=1,
        )
        return (snapshot.frozen_date, snapshot.frozen_by_id) if snapshot else None

    # ------------------------------------------------------------------ nightly job
    @api.model
    def _kpi_store_refresh(self, facts=None):
        """Store the live figures of every company's closed months not frozen (from
        ``facts``, SQL of the report's facts, when given): new rows created, changed
        ones written, the others' ``stored_date`` renewed, rows no longer in the
        figures removed. Returns the number of rows stored."""
        store = self.sudo()
        companies = self.env["res.company"].sudo().search([])
        open_from = {company.id: self._kpi_open_from(company) for company in companies}
        condition = SQL(
            """r.month < (SELECT o.open_from FROM (VALUES %s) AS o(company_id, open_from)
                           WHERE o.company_id = r.company_id)
               AND NOT EXISTS (SELECT 1 FROM business_kpi_snapshot s
                                WHERE s.kpi_source = 'frozen' AND s.company_id = r.company_id
                                  AND s.month = r.month)""",
            SQL(", ").join(SQL("(%s, %s::date)", *item) for item in open_from.items()),
        )
        end = max(open_from.values()) + relativedelta(days=1)
        rows = self._kpi_live_rows(condition, (None, end), facts)
        now = fields.Datetime.now()
        stored = {
            (rec.company_id.id, rec.user_id.id, rec.month): rec
            for rec in store.search([("kpi_source", "=", "stored")])
        }
        to_create, unchanged = [], store.browse()
        for row in rows:
            values = self._kpi_store_values(row)
            record = stored.pop((row["company_id"], row["user_id"] or False, row["month"]), None)
            if record is None:
                to_create.append({**values, "kpi_source": "stored", "stored_date": now})
            elif record._kpi_differs(values):
                record.write({**values, "stored_date": now})
            else:
                unchanged |= record
        unchanged.write({"stored_date": now})
        store.browse().union(*stored.values()).unlink()
        store.create(to_create)
        return len(rows)

    @api.model
    def _cron_kpi_store_refresh(self):
        count = self._kpi_store_refresh()
        _logger.info("KPI report: %s rows of the closed months stored", count)
