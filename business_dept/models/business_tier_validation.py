from odoo import models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

OPEN = ("waiting", "pending")
ACTIVITY_TYPE = "business_dept.mail_activity_type_tier_review"


class BusinessTierValidation(models.AbstractModel):
    """The department's approvals (审批) on OCA tier validation, with the rules tier
    validation does not cover:

    - nobody approves his own request: the requester (and the document's own requester, the
      salesperson of a quotation) is never a reviewer of it, even in the reviewer group, and
      one person approves at most one tier of a document;
    - a rejection gives its reason (a comment is required);
    - the reviewers of the tier now due get an activity, the requester a message on approval
      and on rejection, with the comment;
    - two reviewers validating the same document at the same moment give one transition: the
      document row is locked (``FOR UPDATE NOWAIT``) before a review is written.

    A document inherits this mixin before ``tier.validation`` (earlier in ``_inherit``
    comes first in the method resolution order: this mixin overrides it), defines
    ``_business_tier_requesters`` and reacts in ``_business_tier_validated``
    (a tier approved) and ``_business_tier_rejected`` (a tier rejected).
    """

    _name = "business.tier.validation"
    _description = "Business Tier Validation Rules"

    def write(self, vals):
        # no access right, no word about validation: the access error comes first
        self.check_access("write")
        return super().write(vals)

    # ------------------------------------------------------------ hooks
    def _business_tier_requester(self):
        """The user on whose behalf the review is requested."""
        return self.env.user

    def _business_tier_requesters(self):
        """Users who may never review this document (its requester)."""
        return self.env["res.users"]

    def _business_tier_validated(self, reviews):
        """A tier (``reviews``) was approved; ``validation_status`` tells if it was the last."""

    def _business_tier_rejected(self, reviews, comment):
        """A tier was rejected with ``comment``."""

    def _business_tier_approved_body(self, reviews):
        return self.env._(
            "%(tier)s approved by %(user)s.",
            tier=", ".join(reviews.mapped("name")),
            user=self.env.user.name,
        )

    # ------------------------------------------------------------ reviews
    def _prepare_tier_review_vals(self, definition, sequence):
        vals = super()._prepare_tier_review_vals(definition, sequence)
        vals["requested_by"] = self._business_tier_requester().id
        return vals

    def request_validation(self):
        # need_validation has no dependencies: a value cached earlier in the transaction
        # (before the state or the amount changed) would be stale
        self.invalidate_recordset(["need_validation"])
        reviews = super().request_validation()
        for record in self.filtered("review_ids"):
            record._business_tier_refresh()
        return reviews

    def _business_tier_lock(self):
        """Two reviewers at the same moment: the second one waits for nothing and retries
        (Odoo retries a transaction that meets a lock); he then finds the tier done."""
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id = ANY(%s) FOR UPDATE NOWAIT",
                SQL.identifier(self._table),
                self.ids,
            )
        )
        self.invalidate_recordset()
        self.review_ids.invalidate_recordset()

    def _business_tier_current(self):
        """Open reviews of the lowest sequence: the tier due now."""
        self.ensure_one()
        reviews = self.review_ids.filtered(lambda r: r.status in OPEN)
        if not reviews:
            return reviews
        first = min(reviews.mapped("sequence"))
        return reviews.filtered(lambda r: r.sequence == first)

    def _business_tier_check_reviewer(self):
        """Server side: the current user reviews the tier due now, or a clear refusal."""
        user = self.env.user
        for record in self:
            current = record._business_tier_current()
            if not current:
                raise UserError(
                    self.env._("%(document)s has no review waiting.", document=record.display_name)
                )
            if record.can_review and any(user in r.reviewer_ids for r in current):
                continue
            candidates = current.with_context(business_tier_all_reviewers=True).sudo()
            if any(user in r._get_reviewers() for r in candidates):
                if user in record.review_ids.filtered(lambda r: r.status == "approved").done_by:
                    raise AccessError(
                        self.env._(
                            "You already approved another tier of %(document)s: each tier "
                            "is approved by a different person.",
                            document=record.display_name,
                        )
                    )
                raise AccessError(
                    self.env._(
                        "Nobody approves his own request: another reviewer must review "
                        "%(document)s.",
                        document=record.display_name,
                    )
                )
            raise AccessError(
                self.env._(
                    "%(document)s awaits the review of %(tier)s.",
                    document=record.display_name,
                    tier=", ".join(current.mapped("name")),
                )
            )

    def _business_validate(self, comment=None):
        """Approve the tier due now (the buttons of the department call this)."""
        self._business_tier_check_reviewer()
        for record in self:
            reviews = record._business_tier_current().filtered(
                lambda r: self.env.user in r.reviewer_ids
            )
            if comment:
                reviews.write({"comment": comment})
            record._validate_tier(reviews)
            record._update_counter({"review_deleted": True})
        return True

    def _business_reject(self, comment):
        """Reject the tier due now; the reason is required."""
        if not (comment or "").strip():
            raise UserError(self.env._("Give the reason of the rejection."))
        self._business_tier_check_reviewer()
        for record in self:
            reviews = record._business_tier_current().filtered(
                lambda r: self.env.user in r.reviewer_ids
            )
            reviews.write({"comment": comment.strip()})
            record._rejected_tier(reviews)
            record._update_counter({"review_deleted": True})
        return True

    def validate_tier(self):
        self._business_tier_check_reviewer()
        return super().validate_tier()

    def reject_tier(self):
        """A rejection always asks for its reason."""
        self.ensure_one()
        self._business_tier_check_reviewer()
        reviews = self._business_tier_current().filtered(lambda r: self.env.user in r.reviewer_ids)
        return self._add_comment("reject", reviews)

    def _validate_tier(self, tiers=False):
        self.ensure_one()
        self._business_tier_lock()
        mine = (
            (tiers or self.review_ids)
            .filtered(lambda r: r.status in OPEN and self.env.user in r.reviewer_ids)
            .sorted("sequence")[:1]  # one person, one tier
        )
        if not mine:
            return
        super()._validate_tier(mine)
        done = mine.filtered(lambda r: r.status == "approved")
        if done:
            self._business_tier_refresh()
            self._business_tier_validated(done)
            self._business_tier_tell_requester(done, self._business_tier_approved_body(done))

    def _rejected_tier(self, tiers=False):
        self.ensure_one()
        self._business_tier_lock()
        mine = (tiers or self.review_ids).filtered(
            lambda r: r.status in OPEN and self.env.user in r.reviewer_ids
        )
        if not mine:
            return
        comment = ", ".join(c.strip() for c in mine.mapped("comment") if c and c.strip())
        if not comment:
            raise UserError(self.env._("Give the reason of the rejection."))
        super()._rejected_tier(mine)
        self._business_tier_tell_requester(
            mine,
            self.env._(
                "%(tier)s rejected by %(user)s: %(comment)s",
                tier=", ".join(mine.mapped("name")),
                user=self.env.user.name,
                comment=comment,
            ),
        )
        self.sudo().activity_unlink([ACTIVITY_TYPE])
        self._business_tier_rejected(mine, comment)

    # ------------------------------------------------------------ notifications
    def _business_tier_refresh(self):
        """Reviewers recomputed (one person one tier), the next tier made pending, and an
        activity for each reviewer of the tier due now."""
        self.ensure_one()
        Review = self.env["tier.review"]
        open_reviews = self.review_ids.filtered(lambda r: r.status in OPEN)
        self.env.add_to_compute(Review._fields["reviewer_ids"], open_reviews)
        self.review_ids._compute_can_review()
        record = self.sudo()
        due = record._business_tier_current().reviewer_ids
        for activity in record.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(ACTIVITY_TYPE)
        ):
            if activity.user_id == self.env.user:
                activity.action_feedback()
            elif activity.user_id not in due:
                activity.unlink()
        scheduled = record.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(ACTIVITY_TYPE)
        ).user_id
        for user in due - scheduled:
            record.activity_schedule(
                ACTIVITY_TYPE,
                user_id=user.id,
                summary=self.env._(
                    "Review: %(tier)s",
                    tier=", ".join(record._business_tier_current().mapped("name")),
                ),
            )

    def _business_tier_tell_requester(self, reviews, body):
        partners = reviews.requested_by.partner_id
        self.sudo().message_post(
            body=body,
            partner_ids=partners.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    def _business_tier_restart(self, note=None):
        """Remove the reviews (the validation starts again), with a chatter note."""
        for record in self.filtered("review_ids"):
            record.sudo().activity_unlink([ACTIVITY_TYPE])
            record.sudo().review_ids.unlink()
            if note:
                record.sudo().message_post(body=note)
