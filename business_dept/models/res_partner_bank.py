from odoo import api, models


class ResPartnerBank(models.Model):
    _inherit = "res.partner.bank"

    @api.model_create_multi
    def create(self, vals_list):
        """A bank account may complete the customer's billing data (开票资料)."""
        partners = self.env["res.partner"].browse([vals.get("partner_id") for vals in vals_list])
        customers = partners.exists().commercial_partner_id
        incomplete = customers.filtered(lambda p: not p.billing_complete)
        accounts = super().create(vals_list)
        customers.invalidate_recordset(["bank_ids", "billing_complete"])
        customers._business_notify_billing(set(incomplete.ids))
        return accounts
