from odoo import fields, models

from ..models.sale_order_review_departments import DECISIONS


class BusinessOrderReviewDecide(models.TransientModel):
    """The manager's decision on a reviewed order (订单评审): accept the proposed date,
    renegotiate with the customer, or cancel."""

    _name = "business.order.review.decide"
    _description = "Decide on the Order Review"

    order_id = fields.Many2one("sale.order", required=True, ondelete="cascade")
    review_outcome = fields.Selection(related="order_id.review_outcome")
    review_committed_date = fields.Date(related="order_id.review_committed_date")
    decision = fields.Selection(DECISIONS, required=True)
    note = fields.Text()

    def action_confirm(self):
        self.ensure_one()
        self.order_id._business_review_decide(self.decision, self.note)
        return {"type": "ir.actions.act_window_close"}
