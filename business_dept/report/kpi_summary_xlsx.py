import re

from odoo import models

from .xlsx_formats import xlsx_formats


class KpiSummaryXlsx(models.AbstractModel):
    """XLSX of the monthly summary (月度总结报告): one sheet for the department and one
    per salesperson, written by the wizard that holds the month and the people; a sheet of
    the collection plans (应收款项跟催计划, plan vs actual) when the month has some."""

    _name = "report.business_dept.kpi_summary_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Monthly Summary XLSX"

    def get_workbook_options(self):
        return {"constant_memory": True}

    def generate_xlsx_report(self, workbook, data, objs):
        for wizard in objs:
            wizard._check_summary_access()
            used = set()
            formats = xlsx_formats(workbook)
            rows = wizard._rows()
            self._fill_department(workbook, wizard, rows, formats, used)
            for row in rows:
                self._fill_salesperson(workbook, wizard, row, formats, used)
            self._fill_collection_plan(workbook, wizard)

    @staticmethod
    def _sheet_name(name, used):
        name = re.sub(r"[\[\]:*?/\\]", " ", name or "-")[:28].strip() or "-"
        candidate, index = name, 2
        while candidate.lower() in used:
            candidate, index = f"{name[:25]} {index}", index + 1
        used.add(candidate.lower())
        return candidate

    @staticmethod
    def _mark(formats, value, ok):
        if value is None:
            return formats["text"]
        return formats["ok"] if ok else formats["bad"]

    def _fill_department(self, workbook, wizard, rows, formats, used):
        """Department sheet: one line per salesperson, the thresholds, the total."""
        company = wizard.company_id
        labels = wizard._kpi_labels()
        columns = wizard._kpi_model()._kpi_columns()
        month = wizard.month.strftime("%Y-%m")
        sheet = workbook.add_worksheet(self._sheet_name(self.env._("Department"), used))
        sheet.set_column(0, 0, 24)
        sheet.set_column(1, 3 + len(columns), 16)
        sheet.write(0, 0, self.env._("Monthly Summary %(month)s", month=month), formats["title"])
        sheet.write(1, 0, company.name)
        frozen = self.env["business.kpi.snapshot"]._frozen(company, wizard.month)
        if frozen:
            sheet.write(2, 0, wizard._frozen_text(frozen))
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
            self._write_line(sheet, line, name, wizard._row_figures(row), formats)
            line += 1
        self._write_line(
            sheet, line, self.env._("Department"), wizard._department_figures(), formats
        )

    def _fill_salesperson(self, workbook, wizard, row, formats, used):
        """One sheet per manager: each KPI with its threshold and mark."""
        company = wizard.company_id
        labels = wizard._kpi_labels()
        month = wizard.month.strftime("%Y-%m")
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
        figures = wizard._row_figures(row)
        line = 5
        for rate, flag, threshold, __ in wizard._kpi_model()._kpi_columns():
            mark = self._mark(formats, figures[rate], figures[flag])
            sheet.write(line, 0, labels[rate], formats["text"])
            if figures[rate] is None:
                sheet.write_blank(line, 1, None, formats["text"])
            else:
                sheet.write(line, 1, figures[rate], mark)
            sheet.write(line, 2, company[threshold], formats["percent"])
            if figures[flag] is None:
                status = self.env._("No data")
            else:
                status = self.env._("OK") if figures[flag] else self.env._("Below")
            sheet.write(line, 3, status, mark)
            line += 1
        sheet.write(line, 0, labels["new_customers"], formats["text"])
        sheet.write(line, 1, row.new_customers, formats["text"])

    def _write_line(self, sheet, line, name, figures, formats):
        sheet.write(line, 0, name, formats["text"])
        sheet.write(line, 1, figures["target_amount"], formats["amount"])
        sheet.write(line, 2, figures["output_amount"], formats["amount"])
        col = 3
        for rate, flag, __, __ in self.env["business.kpi.mixin"]._kpi_columns():
            if figures[rate] is None:
                sheet.write_blank(line, col, None, formats["text"])
            else:
                mark = self._mark(formats, figures[rate], figures[flag])
                sheet.write(line, col, figures[rate], mark)
            col += 1
        sheet.write(line, col, figures["new_customers"], formats["text"])

    def _fill_collection_plan(self, workbook, wizard):
        """One row per salesperson: planned, collected by the planned dates, collected by
        month end (company currency), read in one grouped query with the reader's rights."""
        domain = [
            ("company_id", "=", wizard.company_id.id),
            ("month", "=", wizard.month.replace(day=1)),
        ]
        if wizard.user_ids:
            domain.append(("user_id", "in", wizard.user_ids.ids))
        groups = self.env["business.collection.plan.line"]._read_group(
            domain,
            ["user_id"],
            [
                "amount:sum",
                "collected_by_planned:sum",
                "collected_by_month_end:sum",
                "credited_by_month_end:sum",
            ],
        )
        if not groups:
            return
        groups.sort(key=lambda group: (group[0].name or "", group[0].id))
        formats = xlsx_formats(workbook)
        used = {name.lower() for name in workbook.sheetnames}
        sheet = workbook.add_worksheet(self._sheet_name(self.env._("Collection Plan"), used))
        sheet.set_column(0, 0, 24)
        sheet.set_column(1, 5, 18)
        sheet.write(
            0,
            0,
            self.env._("Collection Plan %(month)s", month=wizard.month.strftime("%Y-%m")),
            formats["title"],
        )
        sheet.write(1, 0, wizard.company_id.name)
        headers = [
            self.env._("Salesperson"),
            self.env._("Planned"),
            self.env._("Collected by Planned Date"),
            self.env._("Collected by Month End"),
            self.env._("Collected by Month End (%)"),
            self.env._("Credited by Month End"),
        ]
        sheet.write_row(3, 0, headers, formats["header"])
        line = 4
        totals = [0.0, 0.0, 0.0, 0.0]
        for user, *amounts in groups:
            self._write_collection_row(sheet, line, user.name, amounts, formats)
            totals = [total + amount for total, amount in zip(totals, amounts, strict=True)]
            line += 1
        self._write_collection_row(sheet, line, self.env._("Department"), totals, formats)

    def _write_collection_row(self, sheet, line, name, amounts, formats):
        """The share collected is measured against the planned amount less the credit
        notes of the month (no longer to collect), shown in the last column."""
        planned, by_planned, by_month_end, credited = amounts
        sheet.write(line, 0, name, formats["text"])
        sheet.write(line, 1, planned, formats["amount"])
        sheet.write(line, 2, by_planned, formats["amount"])
        sheet.write(line, 3, by_month_end, formats["amount"])
        to_collect = planned - credited
        if to_collect > 0:
            sheet.write(line, 4, 100.0 * by_month_end / to_collect, formats["percent"])
        else:
            sheet.write_blank(line, 4, None, formats["text"])
        sheet.write(line, 5, credited, formats["amount"])
