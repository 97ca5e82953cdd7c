from odoo import api, fields, models

# a change of these moves the reviews of the department to the reviewers of now
REVIEWER_FIELDS = ("groups_id", "active", "company_ids", "company_id", "in_group_", "sel_groups_")
# a change of these hands a person's work over when he leaves (离职交接)
LEAVING_FIELDS = ("active", "company_ids", "company_id")


class ResUsers(models.Model):
    """Approvals follow the people (审批随人): a user who joins or leaves a reviewer group,
    is archived or changes company takes or leaves the open reviews at once."""

    _inherit = "res.users"

    # A signature image or personal seal (签名/印章), printed in the boxes of the signature
    # block (编制/审核/批准) of the department's forms where the user's step is done.
    business_signature = fields.Image(
        string="Signature or Seal",
        max_width=600,
        max_height=300,
        help="Image of your signature or personal seal (签名/印章), printed in the signature "
        "block of the forms you prepared, checked or approved.",
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return [*super().SELF_READABLE_FIELDS, "business_signature"]

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return [*super().SELF_WRITEABLE_FIELDS, "business_signature"]

    @api.model
    def review_user_count(self):
        """The systray's reviews, each kind of document named as Odoo lists it (``ir.model``'s
        name, translated), not by its ``_description`` (always English)."""
        groups = super().review_user_count()
        IrModel = self.env["ir.model"]
        for group in groups:
            group["name"] = IrModel._get(group["model"]).name or group["name"]
        return groups

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        if users._business_reviewers():
            self.env["business.tier.validation"]._business_tier_follow_people()
        return users

    def write(self, vals):
        if not any(fname.startswith(REVIEWER_FIELDS) for fname in vals):
            return super().write(vals)
        reviewers = self._business_reviewers()
        result = super().write(vals)
        if reviewers or self._business_reviewers():
            self.env["business.tier.validation"]._business_tier_follow_people()
        if any(fname in LEAVING_FIELDS for fname in vals):
            self._business_hand_over()
        return result

    def action_archive(self):
        # Odoo deletes an archived user's to-dos: the department's are handed over first
        self._business_hand_over(leaving=True)
        return super().action_archive()

    def _business_hand_over(self, leaving=False):
        """Users archived or moved out of a company (``leaving``: being archived): what they
        were to do there (backlog explanations, to-dos on the department's documents) goes
        to who is at work now. Collection plans are made for active people only
        (``business.collection.plan``)."""
        users = self.with_context(active_test=False)
        gone = users if leaving else users.browse()
        self.env["business.stock.backlog"]._business_hand_over(users, gone)
        self.env["mail.activity"]._business_hand_over(users, gone)

    def _business_reviewers(self):
        """Those of the users a tier definition names (as its user or by its group)."""
        definitions = self.env["tier.definition"].sudo().search([])
        return self.with_context(active_test=False).filtered(
            lambda u: u in definitions.reviewer_id or u.groups_id & definitions.reviewer_group_id
        )
