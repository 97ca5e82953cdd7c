from odoo import api, models


class ResPartnerBank(models.Model):
    _inherit = "res.partner.bank"

    @api.model_create_multi
    def create(self, vals_list):
        """A bank account may complete the customer's billing data (开票资料)."""
        partners = self.env["res.partner"].browse([vals.get("partner_id") for vals in vals_list])
        partners.exists()._business_check_owner({"bank_ids": []})
        customers = partners.exists().commercial_partner_id
        incomplete = customers.filtered(lambda p: not p.billing_complete)
        accounts = super().create(vals_list)
        customers.invalidate_recordset(["bank_ids", "billing_complete"])
        customers._business_notify_billing(set(incomplete.ids))
        return accounts

    def write(self, vals):
        """A bank account is billing data (开票资料) of its customer's salesperson."""
        partners = self.partner_id
        if vals.get("partner_id"):
            partners |= self.env["res.partner"].browse(vals["partner_id"])
        partners._business_check_owner({"bank_ids": []})
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_business_owner(self):
        self.partner_id._business_check_owner({"bank_ids": []})
