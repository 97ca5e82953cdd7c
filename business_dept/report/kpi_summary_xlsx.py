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
            wizard._fill_workbook(workbook)
            self._fill_collection_plan(workbook, wizard)

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
        sheet = workbook.add_worksheet(wizard._sheet_name(self.env._("Collection Plan"), used))
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
