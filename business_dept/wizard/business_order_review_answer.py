from odoo import fields, models

from ..models.business_order_review_line import OPINIONS


class BusinessOrderReviewAnswer(models.TransientModel):
    """The department's answer to the order review (订单评审): one small form."""

    _name = "business.order.review.answer"
    _description = "Answer the Order Review"

    line_id = fields.Many2one("business.order.review.line", required=True, ondelete="cascade")
    order_id = fields.Many2one(related="line_id.order_id")
    department_id = fields.Many2one(related="line_id.department_id")
    facts_html = fields.Html(related="line_id.facts_html")
    opinion = fields.Selection(OPINIONS, required=True, default="feasible")
    commit_date = fields.Date(string="Committed Date (交期)")
    comment = fields.Text(string="Conditions / Comment")

    def action_confirm(self):
        self.ensure_one()
        self.line_id._business_answer(self.opinion, self.commit_date, self.comment)
        return {"type": "ir.actions.act_window_close"}
