from lxml import etree
from markupsafe import Markup

from odoo import api, models
from odoo.exceptions import AccessError, ValidationError

from .tier_review import in_tier_engine, tier_engine

OPEN = ("waiting", "pending")
# context keys of OCA tier validation that loosen its checks: honoured for the server's own
# code (superuser, approval engine) only, never when a caller sends them
LOOSENING_KEYS = ("skip_validation_check",)


class TierValidation(models.AbstractModel):
    """Approvals are evidence (审批留痕), on every document under tier validation in the
    database, the department's and any other (``sale.order``, ``purchase.order``…):

    - the reviews (``review_ids``) and the status they give (``validation_status``) are
      written by the engine's paths only, run in :func:`tier_engine`;
    - the engine acts for the reviewer entitled *now*: the reviewers are computed again
      from the tier definition when he acts, and he approves or rejects only the tier due
      for him, whatever reviews a caller passes (the comment wizard's included);
    - a context key sent by a caller does not loosen a check.
    """

    _inherit = "tier.validation"

    # ------------------------------------------------------------ what a user may write
    @api.model_create_multi
    def create(self, vals_list):
        self._business_refuse_engine_fields(vals_list)
        return super(TierValidation, self._business_caller_context()).create(vals_list)

    def write(self, vals):
        self._business_refuse_engine_fields([vals])
        return super(TierValidation, self._business_caller_context()).write(vals)

    def _business_refuse_engine_fields(self, vals_list):
        if in_tier_engine(self.env):
            return
        for vals in vals_list:
            # a form sends them empty (no review, no validation): that sets nothing
            commands = vals.get("review_ids") or ()
            reviews = [c for c in commands if not (c[0] == 5 or (c[0] == 6 and not c[2]))]
            if reviews or vals.get("validation_status", "no") not in ("no", False):
                raise AccessError(
                    self.env._(
                        "The validations of %(model)s are recorded by the approval buttons only.",
                        model=self.env["ir.model"]._get(self._name).name,
                    )
                )

    def _business_caller_context(self):
        """The records without the context keys that loosen tier validation's checks,
        unless the server's own code runs."""
        if in_tier_engine(self.env) or not any(self.env.context.get(k) for k in LOOSENING_KEYS):
            return self
        return self.with_context(**dict.fromkeys(LOOSENING_KEYS, False))

    # ------------------------------------------------------------ the engine's paths
    def request_validation(self):
        self.check_access("write")
        with tier_engine():
            return super().request_validation()

    def restart_validation(self):
        self.check_access("write")
        with tier_engine():
            return super().restart_validation()

    def unlink(self):
        self.check_access("unlink")
        with tier_engine():
            return super().unlink()

    def _tier_validation_check_write_remove_reviews(self, vals):
        # a document cancelled or sent back to its first state: its reviews go
        with tier_engine():
            return super()._tier_validation_check_write_remove_reviews(vals)

    def _validate_tier(self, tiers=False):
        return self._business_act(super()._validate_tier, tiers)

    def _rejected_tier(self, tiers=False):
        return self._business_act(super()._rejected_tier, tiers)

    def _business_act(self, act, tiers):
        """Validate or reject (``act``) the reviews the current user is entitled to now."""
        self.ensure_one()
        reviews = self._business_entitled_reviews(tiers)
        if not reviews:
            return None
        with tier_engine():
            self._business_record_on_behalf(reviews)
            return act(reviews)

    def _business_record_on_behalf(self, reviews):
        """A substitute acting (代理审批) acts for the reviewer away: the review says for whom."""
        user = self.env.user
        company_field = self._tier_validation_company_field
        company = company_field in self._fields and self[company_field]
        if not company:
            return
        Substitute = self.env["business.tier.substitute"]
        for review in reviews.sudo():
            named = review._business_definition_reviewers()
            if user in named:
                continue
            absent = Substitute._business_stood_in_for(user, named, company)
            if absent:
                review.business_on_behalf_id = absent

    def _update_counter(self, review_counter):
        with tier_engine():
            return super()._update_counter(review_counter)

    def _business_entitled_reviews(self, tiers=False):
        """The open reviews of this document among ``tiers`` (all when none are given) that
        the current user may act on now: reviewers computed again from the tier definitions,
        and only the tiers due for him (the sequence of approval kept)."""
        self.ensure_one()
        open_reviews = self.sudo().review_ids.filtered(lambda r: r.status in OPEN)
        with tier_engine():
            self.env.add_to_compute(open_reviews._fields["reviewer_ids"], open_reviews)
            open_reviews.flush_recordset(["reviewer_ids"])
        candidates = open_reviews & tiers if tiers else open_reviews
        sequences = self._get_sequences_to_approve(self.env.user)
        return candidates.filtered(
            lambda r: (
                self.env.user in r.reviewer_ids
                and (r.sequence in sequences or r.approve_sequence_bypass)
            )
        ).with_env(self.env)

    # ------------------------------------------------------------ what the reviewers read
    # OCA's words are read from base_tier_validation's own po (Odoo 18 translates a code
    # string from its module's i18n only), half of it empty in Chinese: the department's
    # reviewers read them from the addon, translated in its po.
    def _business_model_label(self):
        """The document's kind as Odoo lists it (``ir.model`` name), in the reader's language."""
        return self.env["ir.model"]._get(self._name).name or self._description

    def _add_tier_validation_buttons(self, node, params):
        return etree.fromstring(
            self.env["ir.qweb"]._render("business_dept.tier_validation_buttons", params)
        )

    def _add_tier_validation_label(self, node, params):
        return etree.fromstring(
            self.env["ir.qweb"]._render("business_dept.tier_validation_label", params)
        )

    def _get_to_validate_message(self):
        return Markup('<i class="fa fa-info-circle"></i> %s') % self.env._(
            "This %s needs to be validated", self._business_model_label()
        )

    def _get_validated_message(self):
        if self.validation_status != "validated":
            return ""
        return Markup('<i class="fa fa-thumbs-up"></i> %s') % self.env._(
            "This document has been validated."
        )

    def _get_rejected_message(self):
        if self.validation_status != "rejected":
            return ""
        return Markup('<i class="fa fa-thumbs-down"></i> %s') % self.env._(
            "This document has been rejected."
        )

    def _compute_next_review(self):
        for rec in self:
            review = rec.review_ids.sorted("sequence").filtered(lambda r: r.status == "pending")[:1]
            rec.next_review = review and self.env._("Next: %s", review.name or "")

    def _notify_accepted_reviews_body(self):
        comment = self._business_own_comment()
        if comment:
            return self.env._("A review was accepted. (%s)", comment)
        return self.env._("A review was accepted")

    def _notify_rejected_review_body(self):
        comment = self._business_own_comment()
        if comment:
            return self.env._(
                "A review was rejected by %(user)s. (%(comment)s)",
                user=self.env.user.name,
                comment=comment,
            )
        return self.env._("A review was rejected by %s.", self.env.user.name)

    def _business_own_comment(self):
        commented = self.review_ids.filtered(
            lambda r: self.env.user in r.reviewer_ids and r.comment
        )
        return commented[:1].comment

    def _notify_created_review_body(self):
        return self.env._("A record to be reviewed has been created by %s.", self.env.user.name)

    def _notify_requested_review_body(self):
        return self.env._("A review has been requested by %s.", self.env.user.name)

    def _notify_restarted_review_body(self):
        return self.env._("The review has been reset by %s.", self.env.user.name)

    def _tier_validation_check_state_on_write(self, vals):
        """The refusal of a state change still under review, in the addon's words (its
        translations: the OCA module's zh_CN has none)."""
        try:
            return super()._tier_validation_check_state_on_write(vals)
        except ValidationError:
            pending = self.review_ids.filtered(lambda r: r.status == "pending").mapped("name")
            if pending:
                raise ValidationError(
                    self.env._(
                        "This action needs to be validated for at least one record. Reviews "
                        "pending:\n - %s \nPlease request a validation.",
                        "\n - ".join(pending),
                    )
                ) from None
            raise ValidationError(
                self.env._("A validation process is still open for at least one record.")
            ) from None

    def _add_comment(self, validate_reject, reviews):
        action = super()._add_comment(validate_reject, reviews)
        action["name"] = self.env._("Comment")
        return action
