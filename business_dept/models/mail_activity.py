from odoo import api, models
from odoo.exceptions import AccessError

from .tier_review import in_tier_engine

# the documents whose to-dos follow their owner when he leaves (离职交接)
HANDED_OVER_MODELS = ("sale.order", "account.move", "res.partner")

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

    # ------------------------------------------------------------ 离职交接
    @api.model
    def _business_hand_over(self, users, gone):
        """Work of a person who left (archived, or no longer allowed in the document's
        company): his open to-dos on the department's documents (orders, invoices,
        customers, the addon's records) go to the document's owner of now, the first still
        at work of its salesperson and its customer's salesperson, else the company's
        Business Director (``gone``: users being archived). Review to-dos follow the
        reviewers of now instead (``business.tier.validation._business_tier_follow_people``)."""
        engine = [self.env.ref(xmlid).id for xmlid in ENGINE_TYPES]
        activities = self.sudo().search(
            [
                ("user_id", "in", users.ids),
                ("activity_type_id", "not in", engine),
                "|",
                ("res_model", "in", HANDED_OVER_MODELS),
                ("res_model", "=like", "business.%"),
            ]
        )
        for activity in activities:
            record = self.env[activity.res_model].sudo().browse(activity.res_id).exists()
            if not record:
                continue
            company = record._fields.get("company_id") and record.company_id
            company = company or activity.user_id.company_id
            if company._business_at_work(activity.user_id, gone):
                continue  # still at work in the document's company
            people = self._business_people_of(record.with_company(company))
            owner = company._business_owner(people, gone)
            if owner:
                activity.write({"user_id": owner.id})

    @api.model
    def _business_people_of(self, record):
        """The people a document belongs to, first first: its salesperson (the invoice's,
        the order's, the record's responsible), then its customer's salesperson."""
        people = self.env["res.users"]
        for fname in ("invoice_user_id", "user_id"):
            field = record._fields.get(fname)
            if field and field.comodel_name == "res.users":
                people |= record[fname]
        if record._name == "res.partner":
            partner = record
        elif "partner_id" in record._fields:
            partner = record.partner_id
        else:
            partner = self.env["res.partner"]
        return people | partner.commercial_partner_id.user_id
