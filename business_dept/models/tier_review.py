"""Approvals are evidence (审批留痕): a review row says who approved what and when.

OCA tier validation gives every internal user full rights on ``tier.review`` and trusts the
rows it finds. Here the rows are written only by the approval engine's own paths (request,
validate, reject, restart, the document's deletion or return to its first state): those
paths run inside :func:`tier_engine`, a Python context variable that no RPC call can set (a
context key could be sent by any caller). Anything else needs the superuser.

A user reads the reviews of the documents he may read; portal and public users read none
(``security/ir.model.access.csv`` takes back the read right OCA gives them).
"""

from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar

from odoo import api, fields, models
from odoo.exceptions import AccessError

_TIER_ENGINE = ContextVar("business_dept_tier_engine", default=False)


@contextmanager
def tier_engine():
    """Run the approval engine's own writes on ``tier.review``."""
    token = _TIER_ENGINE.set(True)
    try:
        yield
    finally:
        _TIER_ENGINE.reset(token)


def in_tier_engine(env):
    return env.su or _TIER_ENGINE.get()


class TierReview(models.Model):
    _inherit = "tier.review"

    business_on_behalf_id = fields.Many2one(
        "res.users",
        string="On Behalf Of",
        readonly=True,
        help="The reviewer away for whom his substitute acted (代理审批).",
    )
    business_done_by_label = fields.Char(
        string="Done By (Substitute)", compute="_compute_business_done_by_label"
    )

    @api.depends("done_by", "business_on_behalf_id")
    def _compute_business_done_by_label(self):
        for review in self:
            if review.done_by and review.business_on_behalf_id:
                review.business_done_by_label = self.env._(
                    "%(substitute)s for %(reviewer)s",
                    substitute=review.done_by.name,
                    reviewer=review.business_on_behalf_id.name,
                )
            else:
                review.business_done_by_label = review.done_by.name or False

    # the status and the reviewers as the review list shows them, in the addon's words
    # (base_tier_validation's Chinese leaves "Waiting" and "Group %s" empty)
    @api.depends("status")
    def _compute_display_status(self):
        labels = {
            "waiting": self.env._("Waiting"),
            "pending": self.env._("Pending"),
            "rejected": self.env._("Rejected"),
            "approved": self.env._("Approved"),
            "cancel": self.env._("Cancelled"),
        }
        for review in self:
            review.display_status = labels.get(review.status, review.status)

    @api.depends("reviewer_ids")
    def _compute_todo_by(self):
        """Stored: a group review written in the language of the one who asked for it."""
        result = super()._compute_todo_by()
        for review in self.filtered("reviewer_group_id"):
            env = review.with_context(lang=review.requested_by.lang or self.env.lang).env
            review.todo_by = env._("Group %s", review.reviewer_group_id.with_env(env).name)
        return result

    def _notify_review_reminder_body(self):
        """The reminder the scheduled job posts, in the reviewer's language."""
        delay = (fields.Datetime.now() - self.create_date).days
        lang = self.reviewer_ids[:1].lang or self.env.lang
        return self.with_context(lang=lang).env._("A review has been requested %s days ago.", delay)

    # ------------------------------------------------------------ written by the engine only
    @api.model_create_multi
    def create(self, vals_list):
        self._business_check_engine()
        return super().create(vals_list)

    def write(self, vals):
        self._business_check_engine()
        return super().write(vals)

    def unlink(self):
        self._business_check_engine()
        return super().unlink()

    def _business_check_engine(self):
        if not in_tier_engine(self.env):
            raise AccessError(
                self.env._(
                    "Reviews are recorded by the approval buttons (Request Validation, "
                    "Validate, Reject) only; they cannot be created, changed or deleted."
                )
            )

    # ------------------------------------------------------------ read with the document
    def _check_access(self, operation):
        """Read: the access rules and read access on the reviewed document."""
        result = super()._check_access(operation)
        if operation != "read" or not self or self.env.su:
            return result
        reviews = self - result[0] if result else self
        forbidden = self.browse(
            review_id
            for review_id in self._business_unreadable(
                [(r.id, r.model, r.res_id) for r in reviews.sudo()]
            )
        )
        if not forbidden:
            return result
        if result:
            return (result[0] + forbidden, result[1])
        return (forbidden, lambda: self.env["ir.rule"]._make_access_error(operation, forbidden))

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        """Only the reviews of documents the user may read (as ``mail.activity`` does)."""
        if self.env.su:
            return super()._search(domain, offset, limit, order)
        query = super()._search(domain, offset, limit, order)
        rows = self.env.execute_query(
            query.select(
                *[self._field_to_sql(self._table, fname) for fname in ("id", "model", "res_id")]
            )
        )
        hidden = self._business_unreadable(rows)
        if not hidden:
            return query
        return self.browse(row[0] for row in rows if row[0] not in hidden)._as_query(order)

    @api.model
    def _business_unreadable(self, rows):
        """The review ids among ``rows`` (id, model, res_id) whose document the user may
        not read: one access check per model."""
        by_model = defaultdict(lambda: defaultdict(list))
        for review_id, model, res_id in rows:
            by_model[model][res_id].append(review_id)
        hidden = set()
        for model, docs in by_model.items():
            if model not in self.env:
                hidden.update(i for ids in docs.values() for i in ids)
                continue
            readable = set(self.env[model].browse(docs)._filtered_access("read")._ids)
            hidden.update(i for res_id, ids in docs.items() if res_id not in readable for i in ids)
        return hidden

    # ------------------------------------------------------------ who reviews
    @api.model
    def _get_reviewer_fields(self):
        return [*super()._get_reviewer_fields(), "requested_by"]

    def _business_definition_reviewers(self):
        """Who the tier definition names (group, user or field), before the rules below."""
        return super()._get_reviewers()

    def _get_reviewers(self):
        """Who may act on this review now: the tier definition's users, active, of the
        document's company; for the department's documents, also the substitutes of those
        away (``business.tier.substitute``), and never the requester (nobody reviews his own
        request) nor who approved another tier of it."""
        users = self._business_definition_reviewers().filtered("active")
        if self.business_escalated:
            # late (``tier_review_escalation``): the next level reviews it too
            users |= self.definition_id._business_escalation_users()
        Model = self.env.get(self.model) if self.model else None
        record = Model.sudo().browse(self.res_id).exists() if Model is not None else None
        if not record:
            return users
        company_field = record._tier_validation_company_field
        company = company_field in record._fields and record[company_field]
        if not hasattr(record, "_business_tier_requesters"):
            return users.filtered(lambda u: company in u.company_ids) if company else users
        if company:
            # 代理审批: the substitutes of the reviewers away stand in for them
            users |= self.env["business.tier.substitute"]._business_substitutes(users, company)
            users = users.filtered(lambda u: u.active and company in u.company_ids)
        others = record.review_ids.filtered(lambda r: r != self and r.status == "approved")
        return users - self.requested_by - record._business_tier_requesters() - others.done_by
