from odoo import api, fields, models

from .tier_review import tier_engine


class TierReviewEscalation(models.Model):
    """Approvals that never stall (催办、升级): a review of the department that waits longer
    than its tier allows, counted in working days of the document's company calendar (China
    holidays and 调休 honoured), reminds its reviewers; later it is escalated: it also waits
    for the next level (``tier.definition._business_escalation_users``) and the requester is
    told. OCA's own reminder counts calendar days and one review per rule per run."""

    _inherit = "tier.review"  # pylint: disable=consider-merging-classes-inherited

    business_pending_since = fields.Datetime(string="Pending Since", readonly=True)
    business_reminded = fields.Boolean(readonly=True)
    business_escalated = fields.Boolean(string="Escalated", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        for vals in vals_list:
            if vals.get("status") == "pending":
                vals.setdefault("business_pending_since", now)
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("status") == "pending":
            becoming = self.filtered(lambda r: r.status != "pending")
            result = super().write(vals)
            if becoming:
                super(TierReviewEscalation, becoming).write(
                    {
                        "business_pending_since": fields.Datetime.now(),
                        "business_reminded": False,
                        "business_escalated": False,
                    }
                )
            return result
        return super().write(vals)

    @api.model
    def _cron_business_review_escalation(self):
        """Hourly: remind, then escalate, the department's reviews waiting too long."""
        models_ = [
            name
            for name, model in self.env.registry.items()
            if not model._abstract and hasattr(model, "_business_tier_requesters")
        ]
        reviews = self.sudo().search(
            [
                ("model", "in", models_),
                ("status", "=", "pending"),
                ("business_escalated", "=", False),
                ("business_pending_since", "!=", False),
            ]
        )
        now = fields.Datetime.now()
        for review in reviews:
            document = self.env[review.model].sudo().browse(review.res_id).exists()
            company_field = document._tier_validation_company_field if document else None
            company = document and company_field in document._fields and document[company_field]
            calendar = company and company.resource_calendar_id
            if not calendar:
                continue
            definition = review.definition_id
            for days, step in (
                (definition.business_remind_days, review._business_remind),
                (definition.business_escalate_days, review._business_escalate),
            ):
                if days > 0:
                    [due] = calendar._business_deadlines([review.business_pending_since], days)
                    if due and due <= now:
                        step(document)

    def _business_remind(self, document):
        if self.business_reminded:
            return
        with tier_engine():
            self.business_reminded = True
        document.message_post(
            body=self.env._(
                "%(tier)s has waited for %(reviewers)s since %(since)s: please review it.",
                tier=self.name,
                reviewers=", ".join(self.reviewer_ids.mapped("name")),
                since=document.company_id._business_local_datetime(self.business_pending_since)
                if "company_id" in document._fields
                else self.business_pending_since,
            ),
            partner_ids=self.reviewer_ids.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    def _business_escalate(self, document):
        with tier_engine():
            self.business_escalated = True
            self.env.add_to_compute(self._fields["reviewer_ids"], self)
            self.flush_recordset(["reviewer_ids"])
        document._business_tier_sync_activities()
        document.message_post(
            body=self.env._(
                "%(tier)s was not reviewed in time: it also waits for %(users)s now.",
                tier=self.name,
                users=", ".join(self.definition_id._business_escalation_users().mapped("name")),
            ),
            partner_ids=(self.requested_by | self.reviewer_ids).partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
