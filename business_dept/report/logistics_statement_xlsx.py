from odoo import models


class LogisticsStatementXlsx(models.AbstractModel):
    """XLSX of a logistics statement (物流对账单), sent back to the carrier.

    A statement may hold hundreds of thousands of waybills: the workbook is written in
    ``constant_memory`` mode (each row flushed to disk as it comes, in order), so memory
    does not grow with the lines. Nothing is stored: the file is built per download.
    """

    _name = "report.business_dept.logistics_statement_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Logistics Statement XLSX"

    def get_workbook_options(self):
        return {"constant_memory": True}

    def generate_xlsx_report(self, workbook, data, objs):
        for statement in objs:
            statement._xlsx_fill(workbook)
