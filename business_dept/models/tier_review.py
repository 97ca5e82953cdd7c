from odoo import api, models


class TierReview(models.Model):
    _inherit = "tier.review"

    @api.model
    def _get_reviewer_fields(self):
        return [*super()._get_reviewer_fields(), "requested_by"]

    def _get_reviewers(self):
        """Nobody reviews his own request, nor two tiers of one document."""
        users = super()._get_reviewers()
        if self.env.context.get("business_tier_all_reviewers") or not self.model:
            return users
        Model = self.env.get(self.model)
        if Model is None or not hasattr(Model, "_business_tier_requesters"):
            return users
        record = Model.sudo().browse(self.res_id).exists()
        if not record:
            return users
        others = record.review_ids.filtered(lambda r: r != self and r.status == "approved")
        return users - self.requested_by - record._business_tier_requesters() - others.done_by
