from collections import defaultdict

from odoo import models
from odoo.tools import float_compare, float_round


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _business_review_component_shortage(self):
        """Components short for each line at the order review (订单评审, 采购部 facts), from
        the bills of materials.

        Each line's product bill of materials (found for the lines' products in one call per
        company) is exploded for the line's quantity; the needs of a component are summed
        over the lines of a warehouse and compared with its free quantity there
        (``free_qty``: on hand, not reserved). The free quantity goes to the lines in order
        (order, sequence), so what a line lacks is what is left to it, and the shortages of
        the lines add up to the component's shortage. A line without a bill of materials
        has no components: nothing is short for it, nor for a component not tracked in stock
        (not storable)."""
        result = super()._business_review_component_shortage()
        needs = self._business_component_needs()
        by_warehouse = defaultdict(list)
        for line, components in needs:
            by_warehouse[line.order_id.warehouse_id].append((line, components))
        for warehouse, line_needs in by_warehouse.items():
            products = self.env["product.product"].union(
                *(product for __, components in line_needs for product in components)
            )
            free = {
                product.id: product.free_qty
                for product in products.with_context(warehouse_id=warehouse.id)
            }
            for line, components in line_needs:
                for product, qty in components.items():
                    rounding = product.uom_id.rounding
                    short = float_round(
                        qty - max(free[product.id], 0.0), precision_rounding=rounding
                    )
                    free[product.id] -= qty
                    if float_compare(short, 0.0, precision_rounding=rounding) > 0:
                        result.setdefault(line.id, []).append(
                            {"product": product, "short_qty": short, "uom": product.uom_id}
                        )
        return result

    def _business_component_needs(self):
        """``[(line, {component: quantity in its unit})]`` for the lines whose product has a
        bill of materials, in the order of the lines; the bills found in one call per
        company."""
        lines = self.filtered(lambda sol: sol.product_id and not sol.display_type).sorted(
            lambda sol: (sol.order_id.id, sol.sequence, sol.id)
        )
        boms = {}
        for company in lines.company_id:
            company_lines = lines.filtered(lambda sol, c=company: sol.company_id == c)
            found = self.env["mrp.bom"]._bom_find(company_lines.product_id, company_id=company.id)
            boms.update({(company.id, product.id): bom for product, bom in found.items()})
        needs = []
        for line in lines:
            bom = boms.get((line.company_id.id, line.product_id.id))
            if not bom:
                continue
            qty = line.product_uom._compute_quantity(line.product_uom_qty, bom.product_uom_id)
            __, exploded = bom.explode(line.product_id, qty / bom.product_qty)
            components = defaultdict(float)
            for bom_line, data in exploded:
                product = bom_line.product_id
                if not product.is_storable:
                    continue  # a consumable not tracked in stock is never short
                components[product] += bom_line.product_uom_id._compute_quantity(
                    data["qty"], product.uom_id
                )
            needs.append((line, components))
        return needs
