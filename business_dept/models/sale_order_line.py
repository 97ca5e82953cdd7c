from odoo import api, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id._business_void_signoff()
        return lines

    def write(self, vals):
        watched = sorted(self._business_signoff_fields() & set(vals))
        if not watched:
            return super().write(vals)
        before = {line.id: [line[f] for f in watched] for line in self}
        result = super().write(vals)
        changed = self.filtered(lambda line: before[line.id] != [line[f] for f in watched])
        changed.order_id._business_void_signoff()
        return result

    def unlink(self):
        orders = self.order_id
        result = super().unlink()
        orders.exists()._business_void_signoff()
        return result

    def _business_signoff_fields(self):
        """Changes to these fields (what the customer sees) restart the quotation's
        validation."""
        return {
            "product_id",
            "name",
            "product_uom_qty",
            "product_uom",
            "price_unit",
            "discount",
            "tax_id",
            "display_type",
            "customer_lead",
            "product_packaging_id",
        }

    def _prepare_invoice_line(self, **optional_values):
        """Invoicing from a customer statement (客户对账单): the confirmed quantity of the
        line, as far as it is still to invoice."""
        values = super()._prepare_invoice_line(**optional_values)
        quantities = self.env.context.get("business_statement_quantities")
        if quantities and self.id in quantities:
            values["quantity"] = self._business_statement_quantity()
        return values

    def _business_statement_quantity(self):
        """The quantity of the line invoiced from a customer statement: the statement's
        (negative for goods returned or a down payment deducted), as far as the line is
        still to invoice in the same direction, so that what was invoiced meanwhile is
        not invoiced twice. Goods are judged by what was delivered (the statement bills
        deliveries, 按对账单开票), the other lines by Odoo's quantity to invoice."""
        self.ensure_one()
        quantities = self.env.context.get("business_statement_quantities") or {}
        wanted = quantities.get(self.id, 0.0)
        if self.qty_delivered_method == "stock_move":
            still_open = self.qty_delivered - self.qty_invoiced
        else:
            still_open = self.qty_to_invoice
        if wanted > 0:
            return max(min(wanted, still_open), 0.0)
        return min(max(wanted, still_open), 0.0)
