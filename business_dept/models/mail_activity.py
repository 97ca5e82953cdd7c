from odoo import models
from odoo.exceptions import AccessError

from .tier_review import in_tier_engine

# the approval engine's own to-dos: a reviewer's, the administrators' when nobody reviews
ENGINE_TYPES = (
    "business_dept.mail_activity_type_tier_review",
    "business_dept.mail_activity_type_tier_no_reviewer",
)


class MailActivity(models.Model):
    """A reviewer's to-do is his (审批留痕): only he marks it done, changes or cancels it; the
    approval engine moves it when the reviewers change (an administrator may remove it, as
    archiving a user does). Nobody else can make the chatter say a review was done."""

    _inherit = "mail.activity"

    def write(self, vals):
        self._business_check_engine_activity()
        return super().write(vals)

    def unlink(self):
        self._business_check_engine_activity()
        return super().unlink()

    def action_feedback(self, feedback=False, attachment_ids=None):
        self._business_check_engine_activity()
        return super().action_feedback(feedback=feedback, attachment_ids=attachment_ids)

    def _business_check_engine_activity(self):
        # the engine, or an administrator archiving a user (his activities go)
        if in_tier_engine(self.env) or self.env.user._is_system():
            return
        types = [self.env.ref(xmlid, raise_if_not_found=False) for xmlid in ENGINE_TYPES]
        others = self.filtered(lambda a: a.activity_type_id in types and a.user_id != self.env.user)
        if others:
            raise AccessError(
                self.env._(
                    "%(activity)s is %(user)s's review to-do: only he marks it done or changes "
                    "it; it is done when he approves or rejects.",
                    activity=others[0].summary or others[0].activity_type_id.name,
                    user=others[0].user_id.name,
                )
            )
