from babel.dates import format_skeleton
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import format_datetime
from odoo.tools.misc import babel_locale_parse, get_lang


class BusinessKpiSummary(models.TransientModel):
    """Monthly summary report (月度总结报告): every KPI of the month against its
    threshold, one sheet for the department and one per manager, in XLSX.

    Read with the user's own rights: a manager only gets his own figures. Only the
    rows of the department's members count (``in_department``). A frozen month
    (``business.kpi.snapshot``) is summarised from its frozen figures and says so.
    A KPI without data is left empty with the status "No data".
    """

    _name = "business.kpi.summary"
    _description = "Monthly Summary Report"

    @api.model
    def _default_month(self):
        today = self.env.company._business_local_today()
        return today.replace(day=1) - relativedelta(months=1)

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    month = fields.Date(required=True, default=_default_month, help="Any day of the month.")
    user_ids = fields.Many2many(
        "res.users", string="Salespeople", help="Empty = every salesperson of the month."
    )

    frozen_note = fields.Char(compute="_compute_frozen_note")
    freeze_label = fields.Char(compute="_compute_freeze_label")

    @api.depends("month")
    @api.depends_context("lang")
    def _compute_freeze_label(self):
        """The freeze button names the month it freezes ("Freeze Oct 2026", "冻结 2026年10月"),
        in the reader's language."""
        locale = babel_locale_parse(get_lang(self.env).code)
        for wizard in self:
            wizard.freeze_label = wizard.month and self.env._(
                "Freeze %(month)s", month=format_skeleton("yMMM", wizard.month, locale=locale)
            )

    @api.depends("company_id", "month")
    def _compute_frozen_note(self):
        for wizard in self:
            frozen = (
                wizard.company_id
                and wizard.month
                and self.env["business.kpi.snapshot"]._frozen(wizard.company_id, wizard.month)
            )
            wizard.frozen_note = frozen and wizard._frozen_text(frozen)

    def action_export(self):
        """Download the XLSX of the month."""
        self._check_summary_access()
        self.ensure_one()
        return self.env.ref("business_dept.kpi_summary_xlsx_report").report_action(self)

    def action_freeze(self):
        """Freeze the month's KPIs (director)."""
        self.ensure_one()
        snapshots = self.env["business.kpi.snapshot"]._freeze(self.month, self.company_id)
        return {
            "type": "ir.actions.act_window",
            "res_model": "business.kpi.snapshot",
            "name": self.env._("KPI Snapshots"),
            "view_mode": "list,pivot",
            "domain": [("id", "in", snapshots.ids)],
        }

    def _frozen_text(self, frozen):
        frozen_date, frozen_by = frozen
        return self.env._(
            "The KPIs of %(month)s were frozen on %(date)s by %(user)s: the summary shows "
            "the frozen figures.",
            month=self.month.strftime("%Y-%m"),
            date=format_datetime(
                self.env, frozen_date, tz=self.company_id._business_tz(), dt_format="short"
            ),
            user=frozen_by.name or "",
        )

    def _kpi_model(self):
        """The frozen snapshots of a frozen month, else the live report."""
        self.ensure_one()
        if self.env["business.kpi.snapshot"]._frozen(self.company_id, self.month):
            return self.env["business.kpi.snapshot"]
        return self.env["business.kpi.report"]

    def _check_summary_access(self):
        if not self.env.user.has_group("business_dept.group_business_manager"):
            raise AccessError(self.env._("Only the business department reads the monthly summary."))

    def _domain(self):
        self.ensure_one()
        domain = [
            ("company_id", "=", self.company_id.id),
            ("month", "=", self.month.replace(day=1)),
            ("in_department", "=", True),
        ]
        if self.user_ids:
            domain.append(("user_id", "in", self.user_ids.ids))
        return domain

    def _rows(self):
        """The month's KPI rows of the department the user may read, by name."""
        rows = self._kpi_model().search(self._domain())
        return rows.sorted(lambda row: (row.user_id.name or "", row.id))

    # ----------------------------------------------------------------- figures
    def _kpi_labels(self):
        report = self.env["business.kpi.report"]
        return {name: field._description_string(self.env) for name, field in report._fields.items()}

    def _row_figures(self, row):
        """A row as a dict; a rate and its flag without data are None (no data)."""
        figures = {
            "target_amount": row.target_amount,
            "output_amount": row.output_amount,
            "new_customers": row.new_customers,
        }
        for rate, flag, __, denominator in row._kpi_columns():
            has_data = bool(row[denominator])
            figures[rate] = row[rate] if has_data else None
            figures[flag] = row[flag] if has_data else None
        return figures

    def _department_figures(self):
        """Department totals: amounts summed, each rate the ratio of the sums of its
        numerator and denominator (the report's ``_read_group_select``)."""
        model = self._kpi_model()
        company = self.company_id
        columns = model._kpi_columns()
        sums = ["target_amount", "output_amount", "new_customers"]
        aggregates = [f"{name}:sum" for name in sums]
        aggregates += [f"{rate}:sum" for rate, *__ in columns]
        aggregates += [f"{denominator}:sum" for *__, denominator in columns]
        [values] = model._read_group(self._domain(), [], aggregates)
        figures = dict(zip(sums, values[: len(sums)], strict=True))
        rates = values[len(sums) : len(sums) + len(columns)]
        bases = values[len(sums) + len(columns) :]
        for (rate, flag, threshold, __), value, base in zip(columns, rates, bases, strict=True):
            # no denominator: no data (the ORM reads a NULL rate as 0)
            figures[rate] = value if base else None
            figures[flag] = None if not base else value >= company[threshold]
        return figures
