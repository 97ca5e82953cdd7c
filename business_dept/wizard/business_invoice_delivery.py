from odoo import api, fields, models


class BusinessInvoiceDelivery(models.TransientModel):
    """Record that paper invoices reached the customer (发票送达): the day (default the
    company's local today) and the express waybill."""

    _name = "business.invoice.delivery"
    _description = "Record Invoice Delivery"

    @api.model
    def _default_delivered_date(self):
        return self.env.company._business_local_today()

    move_ids = fields.Many2many("account.move", string="Invoices", required=True)
    delivered_date = fields.Date(
        string="Delivered On", required=True, default=lambda self: self._default_delivered_date()
    )
    delivery_ref = fields.Char(string="Express Waybill")

    def action_confirm(self):
        self.ensure_one()
        self.move_ids._business_record_delivery(self.delivered_date, self.delivery_ref)
        return {"type": "ir.actions.act_window_close"}
