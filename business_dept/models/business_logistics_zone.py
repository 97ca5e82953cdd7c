from odoo import fields, models


class BusinessLogisticsZone(models.Model):
    """A destination zone of a carrier agreement, priced per shipment."""

    _name = "business.logistics.zone"
    _description = "Logistics Zone Rate"
    _inherit = ["business.workflow.guard"]
    _order = "agreement_id, country_id, state_id"
    _check_company_auto = True

    agreement_id = fields.Many2one(
        "business.logistics.agreement", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="agreement_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="agreement_id.currency_id")
    country_id = fields.Many2one("res.country", required=True)
    state_id = fields.Many2one("res.country.state", domain="[('country_id', '=', country_id)]")
    rate = fields.Monetary(string="Rate per Shipment", required=True)
