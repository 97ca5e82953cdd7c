from odoo import models


class KpiSummaryXlsx(models.AbstractModel):
    """XLSX of the monthly summary (月度总结报告): one sheet for the department and one
    per salesperson, written by the wizard that holds the month and the people."""

    _name = "report.business_dept.kpi_summary_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Monthly Summary XLSX"

    def get_workbook_options(self):
        return {"constant_memory": True}

    def generate_xlsx_report(self, workbook, data, objs):
        for wizard in objs:
            wizard._fill_workbook(workbook)
