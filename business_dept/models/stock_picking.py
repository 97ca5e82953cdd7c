from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    # indexed: the logistics statement matches carrier waybills against it
    carrier_tracking_ref = fields.Char(index="btree_not_null")

    logistics_expected_cost = fields.Monetary(
        string="Expected Logistics Cost",
        compute="_compute_logistics_expected_cost",
        currency_field="company_currency_id",
        help="Cost of this delivery under the carrier's logistics agreement (物流合作协议) "
        "valid on its date.",
    )
    company_currency_id = fields.Many2one(related="company_id.currency_id")

    def _compute_logistics_expected_cost(self):
        done = self.filtered(lambda p: p.state == "done" and p.picking_type_code == "outgoing")
        costs = self.env["business.logistics.agreement"]._expected_costs(done.ids)
        for picking in self:
            picking.logistics_expected_cost = costs.get(picking.id, 0.0)
