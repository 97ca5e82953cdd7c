from odoo import fields, models
from odoo.exceptions import AccessError

LINE_TYPES = [
    ("delivery", "Delivery to Invoice"),
    ("invoice", "Invoice"),
    ("refund", "Credit Note"),
    ("payment", "Payment Received"),
]


class BusinessCustomerStatementLine(models.Model):
    """One line of a customer statement of account (客户对账单).

    A line to invoice (``delivery``) is a billable order line not invoiced yet: the goods
    of a done delivery (or, negative, those of a return to refund, 退货), or a line without
    goods (freight added with *Add shipping*, a service, a down payment deducted), with
    order, product, quantity, unit price, amount in the order's currency and in company
    currency; an invoice, credit note or payment line is the effect of a posted journal
    entry of the period on the customer's receivable, in company currency (and in the
    document's currency). Lines are written by the statement (set-based SQL), and only the
    dispute note is typed by hand.
    """

    _name = "business.customer.statement.line"
    _description = "Customer Statement Line"
    _inherit = ["business.workflow.guard"]
    _order = "statement_id, date, line_type, id"
    _check_company_auto = True

    statement_id = fields.Many2one(
        "business.customer.statement", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="statement_id.company_id", store=True, index=True, precompute=True
    )
    company_currency_id = fields.Many2one(related="statement_id.currency_id")
    line_type = fields.Selection(selection=LINE_TYPES, string="Type", required=True, readonly=True)
    name = fields.Char(
        string="Reference", readonly=True, help="The delivery's or the journal entry's number."
    )
    date = fields.Date(readonly=True)
    stock_move_id = fields.Many2one(
        "stock.move", string="Delivered Move", readonly=True, index="btree_not_null"
    )
    # read through the move and the order line (not stored: a month's lines are inserted
    # in bulk)
    picking_id = fields.Many2one(related="stock_move_id.picking_id", string="Delivery")
    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Order Line",
        readonly=True,
        index="btree_not_null",
        help="The order line billed: of the delivered or returned goods, or the freight, "
        "service or down payment line.",
    )
    sale_order_id = fields.Many2one(related="sale_line_id.order_id", string="Order")
    product_id = fields.Many2one(related="sale_line_id.product_id")
    quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    price_unit = fields.Float(string="Unit Price", digits="Product Price", readonly=True)
    move_id = fields.Many2one(
        "account.move", string="Journal Entry", readonly=True, index="btree_not_null"
    )
    currency_id = fields.Many2one(
        "res.currency",
        string="Document Currency",
        readonly=True,
        help="The order's or the entry's currency.",
    )
    amount_currency = fields.Monetary(
        string="Amount (Document Currency)", currency_field="currency_id", readonly=True
    )
    amount = fields.Monetary(
        currency_field="company_currency_id",
        readonly=True,
        help="In company currency. Invoices increase the receivable, credit notes and "
        "payments decrease it; deliveries are still to be invoiced.",
    )
    dispute_note = fields.Text(
        help="The customer's objection to this line (对账异议), when the statement is disputed."
    )

    def write(self, vals):
        """Only the customer's note is typed by hand, on a statement sent to the customer:
        the rest is what was sent and confirmed, and what is invoiced."""
        if not self.env.su:
            if set(vals) - {"dispute_note"}:
                raise AccessError(
                    self.env._("The lines of a customer statement are collected, not typed.")
                )
            if any(line.statement_id.state not in ("sent", "disputed") for line in self):
                raise AccessError(
                    self.env._(
                        "The customer's notes are recorded on a statement sent to the customer."
                    )
                )
        return super().write(vals)

    def _label(self):
        """How a line is named in messages: its delivery or entry, and its product."""
        self.ensure_one()
        if self.line_type == "delivery":
            return f"{self.name} {self.product_id.display_name}"
        return self.name or ""
