from odoo import fields, models
from odoo.tools import format_date

from .xlsx_formats import xlsx_formats


class CustomerStatementXlsx(models.AbstractModel):
    """XLSX of a customer statement of account (客户对账单), sent to the customer with the
    PDF. Built per download or per email: nothing is stored."""

    _name = "report.business_dept.customer_statement_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Customer Statement XLSX"

    def generate_xlsx_report(self, workbook, data, objs):
        formats = xlsx_formats(workbook)
        for statement in objs:
            self._fill_statement(workbook, statement, formats)

    def _fill_statement(self, workbook, statement, formats):
        """One sheet per statement: its customer, period and balances, then its lines."""
        sheet = workbook.add_worksheet(statement.name.replace("/", "-"))
        title = self.env._("Statement of Account %(name)s", name=statement.name)
        sheet.write(0, 0, title, formats["title"])
        sheet.write(
            1,
            0,
            self.env._(
                "%(customer)s, %(date_from)s - %(date_to)s",
                customer=statement.partner_id.display_name,
                date_from=format_date(self.env, statement.date_from),
                date_to=format_date(self.env, statement.date_to),
            ),
        )
        sheet.write(2, 0, self.env._("Opening Balance"), formats["header"])
        sheet.write_number(2, 1, statement.opening_balance, formats["amount"])
        sheet.write(2, 2, self.env._("Closing Balance"), formats["header"])
        sheet.write_number(2, 3, statement.closing_balance, formats["amount"])
        headers = [
            self.env._("Type"),
            self.env._("Date"),
            self.env._("Order"),
            self.env._("Delivery / Entry"),
            self.env._("Product"),
            self.env._("Quantity"),
            self.env._("Unit Price"),
            self.env._("Currency"),
            self.env._("Amount (Document Currency)"),
            self.env._("Amount (Company Currency)"),
        ]
        sheet.write_row(4, 0, headers, formats["header"])
        sheet.set_column(0, 4, 18)
        sheet.set_column(5, 9, 14)
        for row, line in enumerate(statement.line_ids, start=5):
            self._write_line(sheet, row, line, formats)

    def _write_line(self, sheet, row, line, formats):
        Line = self.env["business.customer.statement.line"]
        types = dict(Line._fields["line_type"]._description_selection(self.env))
        sheet.write(row, 0, types[line.line_type], formats["text"])
        sheet.write_datetime(row, 1, fields.Datetime.to_datetime(line.date), formats["date"])
        sheet.write(row, 2, line.sale_order_id.name or "", formats["text"])
        sheet.write(row, 3, line.name or "", formats["text"])
        sheet.write(row, 4, line.product_id.display_name or "", formats["text"])
        if line.line_type == "delivery":  # an entry has no quantity nor unit price
            sheet.write_number(row, 5, line.quantity, formats["amount"])
            sheet.write_number(row, 6, line.price_unit, formats["amount"])
        sheet.write(row, 7, line.currency_id.name or "", formats["text"])
        sheet.write_number(row, 8, line.amount_currency, formats["amount"])
        sheet.write_number(row, 9, line.amount, formats["amount"])
