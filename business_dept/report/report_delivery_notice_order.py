from odoo import api, models
from odoo.exceptions import UserError


class ReportDeliveryNoticeOrder(models.AbstractModel):
    """《发货通知单》 printed from the order: one notice per delivery of the order not
    cancelled."""

    _name = "report.business_dept.report_delivery_notice_order"
    _description = "Delivery Notice (from the Order)"

    @api.model
    def _get_report_values(self, docids, data=None):
        orders = self.env["sale.order"].browse(docids)
        self.env["report.business_dept.printed_form"]._check_printable(orders)
        pickings = orders.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state != "cancel"
        )
        if not pickings:
            raise UserError(
                self.env._(
                    "%(orders)s has no delivery to notify.",
                    orders=", ".join(orders.mapped("name")),
                )
            )
        return {
            "doc_ids": pickings.ids,
            "doc_model": "stock.picking",
            "docs": self.env["report.business_dept.report_delivery_notice"]._business_outgoing(
                pickings
            ),
            "data": data,
        }
