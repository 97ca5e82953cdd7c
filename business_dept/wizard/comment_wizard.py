from odoo import models
from odoo.exceptions import AccessError

from ..models.tier_review import tier_engine


class CommentWizard(models.TransientModel):
    """Tier validation's comment wizard (a reason to approve or reject): it acts on the
    reviews the current user may act on now, in the order of the tiers, whatever reviews
    the wizard was given."""

    _inherit = "comment.wizard"

    def add_comment(self):
        self.ensure_one()
        if self.res_model not in self.env or "review_ids" not in self.env[self.res_model]:
            raise AccessError(self.env._("This document is not under validation."))
        record = self.env[self.res_model].browse(self.res_id).exists()
        record.check_access("read")
        reviews = record._business_entitled_reviews(self.review_ids)
        if not reviews:
            raise AccessError(
                self.env._("%(document)s has no review due for you.", document=record.display_name)
            )
        with tier_engine():
            reviews.write({"comment": self.comment})
        if self.validate_reject == "validate":
            record._validate_tier(reviews)
        elif self.validate_reject == "reject":
            record._rejected_tier(reviews)
        record._update_counter({"review_deleted": True})
