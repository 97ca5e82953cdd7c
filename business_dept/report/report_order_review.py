from odoo import api, models
from odoo.exceptions import UserError


class ReportOrderReview(models.AbstractModel):
    """《订单评审表》: printed for confirmed orders only."""

    _name = "report.business_dept.report_order_review"
    _description = "Order Review Form"

    @api.model
    def _get_report_values(self, docids, data=None):
        orders = self.env["sale.order"].browse(docids)
        self.env["report.business_dept.printed_form"]._check_printable(orders)
        unconfirmed = orders.filtered(lambda o: o.state != "sale")
        if unconfirmed:
            raise UserError(
                self.env._(
                    "The order review form is printed for confirmed orders only (%(orders)s).",
                    orders=", ".join(unconfirmed.mapped("name")),
                )
            )
        return {"doc_ids": docids, "doc_model": "sale.order", "docs": orders, "data": data}
