from odoo import models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"  # pylint: disable=consider-merging-classes-inherited

    def _business_review_component_shortage(self):
        """Components short for each line at the order review (订单评审, 采购部 facts).

        Returns ``{line_id: [{"product": product.product, "short_qty": float,
        "uom": uom.uom}, ...]}`` for the lines with a shortage. Without manufacturing there
        are no components: nothing is short. The bridge addon ``business_dept_mrp``
        overrides it from the bills of materials, set-based.
        """
        return {}
