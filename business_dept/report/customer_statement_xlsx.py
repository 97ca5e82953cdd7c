from odoo import models


class CustomerStatementXlsx(models.AbstractModel):
    """XLSX of a customer statement of account (客户对账单), sent to the customer with the
    PDF. Built per download or per email: nothing is stored."""

    _name = "report.business_dept.customer_statement_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Customer Statement XLSX"

    def generate_xlsx_report(self, workbook, data, objs):
        for statement in objs:
            statement._xlsx_fill(workbook)
