from odoo import api, models
from odoo.exceptions import UserError


class ReportDeliveryNotice(models.AbstractModel):
    """《发货通知单》: printed for deliveries to customers only."""

    _name = "report.business_dept.report_delivery_notice"
    _description = "Delivery Notice"

    @api.model
    def _get_report_values(self, docids, data=None):
        pickings = self.env["stock.picking"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "stock.picking",
            "docs": self._business_outgoing(pickings),
            "data": data,
        }

    @api.model
    def _business_outgoing(self, pickings):
        self.env["report.business_dept.printed_form"]._check_printable(pickings)
        others = pickings.filtered(lambda p: p.picking_type_code != "outgoing")
        if others:
            raise UserError(
                self.env._(
                    "The delivery notice is printed for deliveries to customers only "
                    "(%(pickings)s).",
                    pickings=", ".join(others.mapped("name")),
                )
            )
        return pickings
