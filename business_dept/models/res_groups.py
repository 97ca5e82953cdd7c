from odoo import models


class ResGroups(models.Model):
    """Approvals follow the people: users added to or removed from a reviewer group (or a
    group implying one) take or leave the open reviews of the department at once."""

    _inherit = "res.groups"

    def write(self, vals):
        result = super().write(vals)
        if {"users", "implied_ids"} & set(vals):
            reviewer_groups = self.env["tier.definition"].sudo().search([]).reviewer_group_id
            if (self | self.trans_implied_ids) & reviewer_groups:
                self.env["business.tier.validation"]._business_tier_follow_people()
        return result
