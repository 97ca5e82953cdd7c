from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # Order review (订单评审): start = the General Manager's signature in the
    # business column of the review form (订单评审表起始日期按业务部评审一栏总经理签字日期为准);
    # end = the assistant hands the reviewed order over (在评审表上注明接收日期).
    review_start_date = fields.Datetime(string="Review Signed", copy=False, tracking=True)
    review_deadline = fields.Datetime(string="Review Deadline", copy=False)
    review_received_date = fields.Datetime(string="Review Received", copy=False, tracking=True)
    review_on_time = fields.Boolean(
        string="Review On Time", compute="_compute_review_on_time", store=True
    )

    @api.depends("review_received_date", "review_deadline")
    def _compute_review_on_time(self):
        for order in self:
            order.review_on_time = bool(
                order.review_received_date
                and order.review_deadline
                and order.review_received_date <= order.review_deadline
            )
