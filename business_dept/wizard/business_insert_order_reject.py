from odoo import fields, models


class BusinessInsertOrderReject(models.TransientModel):
    """Rejection of an insert order: a thin wrapper over the tier rejection, whose comment
    (the reason) is required."""

    _name = "business.insert.order.reject"
    _description = "Reject Insert Order"

    insert_order_id = fields.Many2one("business.insert.order", required=True)
    reason = fields.Text(required=True)

    def action_reject(self):
        self.ensure_one()
        return self.insert_order_id.action_reject(self.reason)
