import re

from babel.dates import format_skeleton
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import format_datetime
from odoo.tools.misc import babel_locale_parse, get_lang

from ..report.xlsx_formats import xlsx_formats


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

    # ----------------------------------------------------------------- XLSX
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

    @staticmethod
    def _sheet_name(name, used):
        name = re.sub(r"[\[\]:*?/\\]", " ", name or "-")[:28].strip() or "-"
        candidate, index = name, 2
        while candidate.lower() in used:
            candidate, index = f"{name[:25]} {index}", index + 1
        used.add(candidate.lower())
        return candidate

    def _fill_workbook(self, workbook):
        self.ensure_one()
        self._check_summary_access()
        report = self._kpi_model()
        company = self.company_id
        formats = xlsx_formats(workbook)
        labels = self._kpi_labels()
        columns = report._kpi_columns()
        rows = self._rows()
        month = self.month.strftime("%Y-%m")
        used = set()

        def mark(value, ok):
            if value is None:
                return formats["text"]
            return formats["ok"] if ok else formats["bad"]

        # Department sheet: one line per salesperson, the thresholds, the total.
        sheet = workbook.add_worksheet(self._sheet_name(self.env._("Department"), used))
        sheet.set_column(0, 0, 24)
        sheet.set_column(1, 3 + len(columns), 16)
        sheet.write(0, 0, self.env._("Monthly Summary %(month)s", month=month), formats["title"])
        sheet.write(1, 0, company.name)
        frozen = self.env["business.kpi.snapshot"]._frozen(company, self.month)
        if frozen:
            sheet.write(2, 0, self._frozen_text(frozen))
        headers = [self.env._("Salesperson"), labels["target_amount"], labels["output_amount"]]
        headers += [labels[rate] for rate, *__ in columns] + [labels["new_customers"]]
        for col, header in enumerate(headers):
            sheet.write(3, col, header, formats["header"])
        sheet.write(4, 0, self.env._("Threshold"), formats["header"])
        for col, (__, __, threshold, __) in enumerate(columns, start=3):
            sheet.write(4, col, company[threshold], formats["percent"])
        line = 5
        for row in rows:
            name = row.user_id.name or self.env._("(none)")
            self._write_line(sheet, line, name, self._row_figures(row), formats, mark)
            line += 1
        self._write_line(
            sheet, line, self.env._("Department"), self._department_figures(), formats, mark
        )

        # One sheet per manager: each KPI with its threshold and mark.
        for row in rows:
            sheet = workbook.add_worksheet(self._sheet_name(row.user_id.name, used))
            sheet.set_column(0, 0, 30)
            sheet.set_column(1, 3, 16)
            sheet.write(0, 0, f"{row.user_id.name or ''} {month}", formats["title"])
            sheet.write_row(
                2,
                0,
                [
                    self.env._("KPI"),
                    self.env._("Value"),
                    self.env._("Threshold"),
                    self.env._("Status"),
                ],
                formats["header"],
            )
            sheet.write(3, 0, labels["target_amount"], formats["text"])
            sheet.write(3, 1, row.target_amount, formats["amount"])
            sheet.write(4, 0, labels["output_amount"], formats["text"])
            sheet.write(4, 1, row.output_amount, formats["amount"])
            figures = self._row_figures(row)
            line = 5
            for rate, flag, threshold, __ in columns:
                sheet.write(line, 0, labels[rate], formats["text"])
                if figures[rate] is None:
                    sheet.write_blank(line, 1, None, formats["text"])
                else:
                    sheet.write(line, 1, figures[rate], mark(figures[rate], figures[flag]))
                sheet.write(line, 2, company[threshold], formats["percent"])
                if figures[flag] is None:
                    status = self.env._("No data")
                else:
                    status = self.env._("OK") if figures[flag] else self.env._("Below")
                sheet.write(line, 3, status, mark(figures[rate], figures[flag]))
                line += 1
            sheet.write(line, 0, labels["new_customers"], formats["text"])
            sheet.write(line, 1, row.new_customers, formats["text"])

    def _write_line(self, sheet, line, name, figures, formats, mark):
        sheet.write(line, 0, name, formats["text"])
        sheet.write(line, 1, figures["target_amount"], formats["amount"])
        sheet.write(line, 2, figures["output_amount"], formats["amount"])
        col = 3
        for rate, flag, __, __ in self.env["business.kpi.mixin"]._kpi_columns():
            if figures[rate] is None:
                sheet.write_blank(line, col, None, formats["text"])
            else:
                sheet.write(line, col, figures[rate], mark(figures[rate], figures[flag]))
            col += 1
        sheet.write(line, col, figures["new_customers"], formats["text"])
