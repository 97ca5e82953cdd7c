from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL


class BusinessKpiSnapshot(models.Model):
    """KPI figures frozen at month end (工作指标月末冻结).

    A copy of the rows of ``business.kpi.report`` for one company and month, taken
    by a Business Director: later corrections of orders, invoices or surveys do not
    change it, while the live report stays live. The rows are copied in SQL, after
    a flush, so that "no data" (NULL rates and flags) stays NULL in the snapshot.
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

    frozen_by_id = fields.Many2one("res.users", readonly=True)
    frozen_date = fields.Datetime(string="Frozen On", readonly=True)

    @api.model
    def _freeze(self, month, company=None):
        """Freeze the KPI figures of ``month`` (any day of it) for ``company``."""
        if not self.env.user.has_group("business_dept.group_business_director"):
            raise AccessError(self.env._("Only a Business Director freezes the KPIs of a month."))
        company = company or self.env.company
        month = month.replace(day=1)
        if month >= company._business_local_today().replace(day=1):
            raise UserError(self.env._("Only a month that is over can be frozen."))
        domain = [("company_id", "=", company.id), ("month", "=", month)]
        if self.sudo().search_count(domain, limit=1):
            raise UserError(
                self.env._(
                    "The KPIs of %(month)s are already frozen.", month=month.strftime("%Y-%m")
                )
            )
        report = self.env["business.kpi.report"]
        fnames = report._kpi_copy_fields()
        self.env.flush_all()
        columns = SQL(", ").join(SQL.identifier(name) for name in fnames)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO %(table)s (%(columns)s, frozen_by_id, frozen_date,
                                       create_uid, create_date, write_uid, write_date)
                SELECT %(columns)s, %(uid)s, %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM %(report)s report
                 WHERE company_id = %(company)s AND month = %(month)s
             RETURNING id
                """,
                table=SQL.identifier(self._table),
                report=report._table_sql,
                columns=columns,
                uid=self.env.uid,
                now=fields.Datetime.now(),
                company=company.id,
                month=month,
            )
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _frozen(self, company, day):
        """(frozen date, frozen by) of the month of ``day`` for ``company``, or None."""
        snapshot = self.sudo().search(
            [("company_id", "=", company.id), ("month", "=", day.replace(day=1))],
            order="frozen_date",
            limit=1,
        )
        return (snapshot.frozen_date, snapshot.frozen_by_id) if snapshot else None
