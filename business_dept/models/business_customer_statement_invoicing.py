from collections import defaultdict

from odoo import api, models
from odoo.exceptions import UserError

from .business_customer_statement import GROUP_ASSISTANT, GROUP_FINANCE


class BusinessCustomerStatement(models.Model):
    """Invoicing from the customer statement (按对账单开票): once finance approved it, the
    invoices are made of exactly the confirmed deliveries, through the sale orders' own
    invoicing; the statement is done when every invoice reached the customer (发票送达,
    before his closing day)."""

    # one rule of the statement per file (issue 23), merged by the registry
    _inherit = "business.customer.statement"  # pylint: disable=consider-merging-classes-inherited

    def action_create_invoices(self):
        """Create the customer invoices of exactly the confirmed deliveries (按对账单开票)
        through the sale orders' own invoicing: quantities limited to the statement's
        delivery lines, one invoice per order or one per statement (company setting).
        Refused a second time."""
        self._check_group(GROUP_ASSISTANT, GROUP_FINANCE)
        self._check_state("approved")
        for statement in self:
            if statement.invoice_ids:
                raise UserError(
                    self.env._(
                        "The invoices of %(name)s were already created.", name=statement.name
                    )
                )
        for statement in self:
            statement._create_invoices()
        return self.action_open_invoices() if len(self) == 1 else True

    def action_open_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("id", "in", self.invoice_ids.ids)]
        action["context"] = {"default_move_type": "out_invoice"}
        if len(self.invoice_ids) == 1:
            action["views"] = [(False, "form")]
            action["res_id"] = self.invoice_ids.id
        return action

    def _create_invoices(self):
        self.ensure_one()
        quantities = defaultdict(float)
        for line in self.delivery_line_ids:
            quantities[line.sale_line_id.id] += line.quantity
        if not quantities:
            raise UserError(self.env._("%(name)s has no delivery to invoice.", name=self.name))
        orders = self.delivery_line_ids.sale_order_id
        grouped = self.company_id.customer_statement_invoicing != "statement"
        # The assistant has no accounting rights: the invoices are made on the
        # department's behalf once role and state are checked.
        invoices = (
            orders.sudo()
            .with_company(self.company_id)
            .with_context(business_statement_quantities=dict(quantities))
            ._create_invoices(grouped=grouped, final=True)
        )
        invoices.write({"ref": self.name, "invoice_user_id": self.user_id.id or False})
        for invoice in invoices:
            invoice.message_post(
                body=self.env._("Created from the customer statement %(name)s.", name=self.name)
            )
        self._workflow_write({"state": "invoiced", "invoice_ids": [(6, 0, invoices.ids)]})

    @api.model
    def _business_invoices_delivered(self, moves):
        """Invoices delivered to the customer (发票送达): their statements whose every
        invoice (cancelled ones aside) is delivered, and at least one, are done."""

        def delivered(statement):
            invoices = statement.invoice_ids.filtered(lambda m: m.state != "cancel")
            return invoices and all(invoices.mapped("invoice_delivered_date"))

        statements = (
            self.sudo()
            .search([("state", "=", "invoiced"), ("invoice_ids", "in", moves.ids)])
            .filtered(delivered)
        )
        statements._workflow_write({"state": "done"})
        return statements
