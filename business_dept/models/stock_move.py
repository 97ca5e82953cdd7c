from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _get_new_picking_values(self):
        """A next step of an order brought forward by an approved insert order (紧急插单),
        created when the previous step is done (multi-step delivery), is urgent too."""
        values = super()._get_new_picking_values()
        if self.picking_type_id.code == "incoming":
            return values
        requests = self.group_id.sale_id.sudo().insert_order_ids
        if "approved" in requests.mapped("state"):
            values["priority"] = "1"
        return values
