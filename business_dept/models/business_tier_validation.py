from odoo import api, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .tier_review import tier_engine

OPEN = ("waiting", "pending")
ACTIVITY_TYPE = "business_dept.mail_activity_type_tier_review"
NOBODY_ACTIVITY_TYPE = "business_dept.mail_activity_type_tier_no_reviewer"


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
            user=self._business_tier_actor(reviews),
        )

    def _business_tier_actor(self, reviews):
        """Who acted: the user, or "substitute for reviewer" (代理审批)."""
        return reviews.sudo()[:1].business_done_by_label or self.env.user.name

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

    def _business_entitled_reviews(self, tiers=False):
        """Only the tier due now: the department's tiers are approved in their order."""
        return super()._business_entitled_reviews(tiers) & self._business_tier_current()

    def _business_tier_check_reviewer(self):
        """Server side: the current user reviews the tier due now, or a clear refusal."""
        user = self.env.user
        for record in self:
            current = record._business_tier_current()
            if not current:
                raise UserError(
                    self.env._("%(document)s has no review waiting.", document=record.display_name)
                )
            if record._business_entitled_reviews(current):
                continue
            if any(user in r.sudo()._business_definition_reviewers() for r in current):
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
            reviews = record._business_entitled_reviews(record._business_tier_current())
            if comment:
                with tier_engine():
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
            reviews = record._business_entitled_reviews(record._business_tier_current())
            with tier_engine():
                reviews.write({"comment": comment.strip()})
            record._rejected_tier(reviews)
            record._update_counter({"review_deleted": True})
        return True

    def restart_validation(self):
        """No *Restart Validation* on the department's documents: a change that voids an
        approval restarts it (``_business_tier_restart``), with a chatter note."""
        raise UserError(
            self.env._(
                "%(model)s has no Restart Validation: its approval starts again when the "
                "document is changed or reset.",
                model=self.env["ir.model"]._get(self._name).name,
            )
        )

    def validate_tier(self):
        self._business_tier_check_reviewer()
        return super().validate_tier()

    def reject_tier(self):
        """A rejection always asks for its reason."""
        self.ensure_one()
        self._business_tier_check_reviewer()
        reviews = self._business_entitled_reviews(self._business_tier_current())
        return self._add_comment("reject", reviews)

    def _validate_tier(self, tiers=False):
        self.ensure_one()
        self._business_tier_lock()
        mine = self._business_entitled_reviews(tiers).sorted("sequence")[:1]  # one tier each
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
        mine = self._business_entitled_reviews(tiers)
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
        """Reviewers recomputed (one person one tier), the next tier made pending, the
        current user's activity done and an activity for each reviewer of the tier due now."""
        self.ensure_one()
        open_reviews = self.review_ids.filtered(lambda r: r.status in OPEN)
        self.env.add_to_compute(open_reviews._fields["reviewer_ids"], open_reviews)
        with tier_engine():
            self.review_ids._compute_can_review()
        self.sudo().activity_ids.filtered(
            lambda a: (
                a.activity_type_id == self.env.ref(ACTIVITY_TYPE) and a.user_id == self.env.user
            )
        ).action_feedback()
        self._business_tier_sync_activities()

    def _business_tier_sync_activities(self):
        """The review activities follow the reviewers of the tier due now: those who left it
        lose theirs, those who joined get one; a tier nobody can review tells the
        administrators (an activity) and the document's chatter."""
        record = self.sudo()
        review_type = self.env.ref(ACTIVITY_TYPE)
        nobody_type = self.env.ref(NOBODY_ACTIVITY_TYPE)
        current = record._business_tier_current()
        due = current.reviewer_ids
        activities = record.activity_ids.filtered(lambda a: a.activity_type_id == review_type)
        gone = activities.filtered(lambda a: a.user_id not in due)
        gone.unlink()
        for user in due - (activities - gone).user_id:
            record.activity_schedule(
                ACTIVITY_TYPE,
                user_id=user.id,
                summary=self.with_context(lang=user.lang).env._(
                    "Review: %(tier)s",
                    tier=", ".join(current.with_context(lang=user.lang).mapped("name")),
                ),
            )
        stalled = record.activity_ids.filtered(lambda a: a.activity_type_id == nobody_type)
        if due or not current:
            stalled.unlink()
            return
        if stalled:
            return
        note = self.env._(
            "Nobody can review %(tier)s of %(document)s: no active user of the company holds "
            "the reviewer role. Give the role to someone (Settings › Users).",
            tier=", ".join(current.mapped("name")),
            document=record.display_name,
        )
        record.message_post(body=note, subtype_xmlid="mail.mt_note")
        for admin in record._business_tier_administrators():
            record.activity_schedule(NOBODY_ACTIVITY_TYPE, user_id=admin.id, note=note)

    def _business_tier_administrators(self):
        admins = self.env.ref("base.group_system").users.filtered(
            lambda u: u.active and not u.share
        )
        company = self._get_company()
        return admins.filtered(lambda u: company in u.company_ids) or admins

    @api.model
    def _business_tier_follow_people(self):
        """Users joined or left a reviewer group, were archived or changed company: every
        open review of the department's documents is given to the reviewers of now."""
        Review = self.env["tier.review"].sudo()
        models_ = [
            name
            for name, model in self.env.registry.items()
            if not model._abstract and hasattr(model, "_business_tier_requesters")
        ]
        reviews = Review.search([("model", "in", models_), ("status", "in", OPEN)])
        if not reviews:
            return
        self.env.add_to_compute(Review._fields["reviewer_ids"], reviews)
        reviews.flush_recordset(["reviewer_ids"])
        for model, res_ids in reviews.grouped("model").items():
            documents = self.env[model].sudo().browse(set(res_ids.mapped("res_id"))).exists()
            for document in documents:
                document._business_tier_sync_activities()

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
