from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class BusinessKpiSnapshot(models.Model):
    """KPI figures frozen at month end (工作指标月末冻结).

    A copy of the rows of ``business.kpi.report`` for one company and month, taken
    by a Business Director: later corrections of orders, invoices or surveys do not
    change it, while the live report stays live.
    """

    _name = "business.kpi.snapshot"
    _inherit = ["business.kpi.mixin"]
    _description = "Business Department KPI Snapshot"
    _order = "month desc, user_id"

    frozen_by_id = fields.Many2one("res.users", string="Frozen By", readonly=True)
    frozen_date = fields.Datetime(string="Frozen On", readonly=True)

    _sql_constraints = [
        (
            "snapshot_unique",
            "unique(company_id, user_id, month)",
            "This month is already frozen for this salesperson.",
        ),
    ]

    @api.model
    def _freeze(self, month, company=None):
        """Freeze the KPI figures of ``month`` (any day of it) for ``company``."""
        if not self.env.user.has_group("business_dept.group_business_director"):
            raise AccessError(self.env._("Only a Business Director freezes the KPIs of a month."))
        company = company or self.env.company
        month = month.replace(day=1)
        if month >= fields.Date.context_today(self).replace(day=1):
            raise UserError(self.env._("Only a month that is over can be frozen."))
        domain = [("company_id", "=", company.id), ("month", "=", month)]
        if self.sudo().search_count(domain, limit=1):
            raise UserError(
                self.env._(
                    "The KPIs of %(month)s are already frozen.", month=month.strftime("%Y-%m")
                )
            )
        report = self.env["business.kpi.report"].sudo()
        fnames = report._kpi_copy_fields()
        rows = report.search_read(domain, fnames, load=None)
        now = fields.Datetime.now()
        vals_list = [
            {
                **{name: row[name] for name in fnames},
                "frozen_by_id": self.env.user.id,
                "frozen_date": now,
            }
            for row in rows
        ]
        return self.sudo().create(vals_list)
