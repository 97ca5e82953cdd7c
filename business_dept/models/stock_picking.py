from odoo import api, fields, models

from ..tools.waybill import normalize_waybill
from .business_workflow_guard import refuse_computed


class StockPicking(models.Model):
    _inherit = "stock.picking"

    # indexed: the logistics statement matches carrier waybills against it
    carrier_tracking_ref = fields.Char(index="btree_not_null")
    carrier_tracking_key = fields.Char(
        string="Waybill Key",
        compute="_compute_carrier_tracking_key",
        store=True,
        index="btree_not_null",
        help="The tracking reference as logistics statements compare it: upper case, "
        "full-width characters as ASCII, without spaces or hyphens.",
    )

    logistics_expected_cost = fields.Monetary(
        string="Expected Logistics Cost",
        compute="_compute_logistics_expected_cost",
        currency_field="company_currency_id",
        help="Cost of this delivery under the carrier's logistics agreement (物流合作协议) "
        "valid on its date.",
    )
    company_currency_id = fields.Many2one(related="company_id.currency_id")

    def write(self, vals):
        refuse_computed(self, vals)
        return super().write(vals)

    @api.depends("carrier_tracking_ref")
    def _compute_carrier_tracking_key(self):
        for picking in self:
            picking.carrier_tracking_key = normalize_waybill(picking.carrier_tracking_ref)

    def _compute_logistics_expected_cost(self):
        done = self.filtered(lambda p: p.state == "done" and p.picking_type_code == "outgoing")
        costs = self.env["business.logistics.agreement"]._expected_costs(done.ids)
        for picking in self:
            picking.logistics_expected_cost = costs.get(picking.id, 0.0)
