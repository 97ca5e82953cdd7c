from datetime import timedelta

from odoo import fields, models


class BusinessCustomerStatementGenerate(models.TransientModel):
    """Generate Statements (生成客户对账单): the statements of the customers whose
    closing day (关账日) falls on the chosen date."""

    _name = "business.customer.statement.generate"
    _description = "Generate Customer Statements"

    date_to = fields.Date(
        string="Closing Date",
        required=True,
        default=lambda self: self.env.company._business_local_today() - timedelta(days=1),
        help="Statements are generated for the customers whose period ends on this day: "
        "their closing day (关账日), or the month end when they have none.",
    )

    def action_generate(self):
        self.ensure_one()
        statements = self.env["business.customer.statement"]._generate_statements(
            self.date_to, companies=self.env.company
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "business_dept.business_customer_statement_action"
        )
        action["domain"] = [("date_to", "=", self.date_to)]
        action["context"] = {}
        if not statements:
            action["help"] = self.env._(
                "<p>No new statement: no customer with activity closes on this day, or "
                "their statements exist already.</p>"
            )
        return action
