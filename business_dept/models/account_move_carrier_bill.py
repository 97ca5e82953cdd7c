from odoo import models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    """The carrier's bill made from a signed carrier statement (物流对账单, 上报财务部)
    pays what finance approved and the director signed: its carrier, currency and total
    stay those of the statement while it is a draft and when it is posted. Finance may
    still set the carrier's invoice number, date, accounts and a tax included in the
    price; a different amount is agreed by resetting the statement, not by editing
    its bill."""

    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def write(self, vals):
        result = super().write(vals)
        if {"partner_id", "currency_id", "invoice_line_ids", "line_ids"} & set(vals):
            self._business_check_carrier_bill()
        return result

    def _post(self, soft=True):
        self._business_check_carrier_bill()
        return super()._post(soft=soft)

    def _business_check_carrier_bill(self):
        bills = self.filtered(lambda move: move.move_type == "in_invoice")
        if not bills:
            return
        statements = (
            self.env["business.logistics.statement"]
            .sudo()
            .search([("vendor_bill_id", "in", bills.ids)])
        )
        for statement in statements:
            bill = statement.vendor_bill_id
            if bill.state == "cancel":
                continue
            if (
                bill.partner_id.commercial_partner_id != statement.partner_id.commercial_partner_id
                or bill.currency_id != statement.currency_id
                or bill.currency_id.compare_amounts(bill.amount_total, statement.amount_agreed)
            ):
                raise UserError(
                    self.env._(
                        "Bill %(bill)s pays carrier statement %(statement)s: it stays for "
                        "%(carrier)s and totals the signed amount %(amount)s %(currency)s "
                        "as finance approved and the director signed it (a tax must be "
                        "included in the price).",
                        bill=bill.display_name,
                        statement=statement.name,
                        carrier=statement.partner_id.display_name,
                        amount=statement.amount_agreed,
                        currency=statement.currency_id.name,
                    )
                )
