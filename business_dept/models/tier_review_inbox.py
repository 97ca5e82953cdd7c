from pytz import utc

from odoo import api, fields, models
from odoo.exceptions import UserError


class TierReviewInbox(models.Model):
    """待我审批: the reviews waiting for the current user (or for whom he substitutes),
    across the department's documents, with what a reviewer needs to decide (the document,
    its amount in company currency, the requester, the working days it has waited) and
    approve / reject in place, one or many. Each approval runs the document's own checks, as
    from its form: nobody approves his own request, each tier by a different person."""

    _inherit = "tier.review"  # pylint: disable=consider-merging-classes-inherited

    business_document = fields.Char(string="Document", compute="_compute_business_document")
    business_company_id = fields.Many2one(
        "res.company", string="Company", compute="_compute_business_document"
    )
    business_currency_id = fields.Many2one("res.currency", compute="_compute_business_document")
    business_amount = fields.Monetary(
        string="Amount",
        currency_field="business_currency_id",
        compute="_compute_business_document",
        help="The document's total in the company currency, at its date's rate.",
    )
    business_waiting_days = fields.Integer(
        string="Working Days Waiting", compute="_compute_business_document"
    )

    def _business_document_record(self):
        self.ensure_one()
        if not self.model or self.model not in self.env:
            return None
        return self.env[self.model].browse(self.res_id).exists() or None

    @api.depends("model", "res_id", "business_pending_since")
    def _compute_business_document(self):
        now = fields.Datetime.now()
        for review in self:
            document = review.sudo()._business_document_record()
            company = document and "company_id" in document._fields and document.company_id
            company = company or self.env.company
            review.business_document = review._business_document_label(document)
            review.business_company_id = company
            review.business_currency_id = company.currency_id
            review.business_amount = review._business_amount_of(document, company)
            calendar = company.resource_calendar_id
            since = review.business_pending_since
            review.business_waiting_days = (
                int(calendar.get_work_duration_data(utc.localize(since), utc.localize(now))["days"])
                if calendar and since and since < now
                else 0
            )

    @staticmethod
    def _business_document_label(document):
        """The document and its customer or carrier: what the reviewer recognises."""
        if not document:
            return False
        partner = "partner_id" in document._fields and document.partner_id
        if partner and partner.display_name not in document.display_name:
            return f"{document.display_name} – {partner.display_name}"
        return document.display_name

    @staticmethod
    def _business_amount_of(document, company):
        if not document:
            return 0.0
        for fname in ("amount_total", "amount_billed", "amount"):
            if fname in document._fields and document._fields[fname].type == "monetary":
                currency = document[document._fields[fname].get_currency_field(document)]
                date = (
                    "date_order" in document._fields and document.date_order
                ) or fields.Date.today()
                return currency._convert(document[fname], company.currency_id, company, date)
        return 0.0

    # ------------------------------------------------------------ in place
    def action_business_open(self):
        self.ensure_one()
        document = self._business_document_record()
        if not document:
            raise UserError(self.env._("The document of this review no longer exists."))
        # the form opens only what the user may read (an AccessError names the document)
        document.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": document._name,
            "res_id": document.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_business_approve(self):
        """Approve the documents of the selected reviews, each as from its form; those the
        user may not approve are reported with the reason and left as they are."""
        approved, refused = [], []
        for document in self._business_documents():
            try:
                with self.env.cr.savepoint():
                    result = document.validate_tier()
                    if isinstance(result, dict):  # the tier wants a comment
                        raise UserError(self.env._("Open it: its approval needs a comment."))
                approved.append(document.display_name)
            except (UserError, ValueError) as error:
                refused.append(f"{document.display_name}: {error.args[0]}")
        message = self.env._("%(count)s approved.", count=len(approved))
        if refused:
            message += " " + self.env._("Not approved: %(list)s", list="; ".join(refused))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "warning" if refused else "success",
                "sticky": bool(refused),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_business_reject(self):
        """Reject one document: the comment dialog asks for the reason."""
        documents = self._business_documents()
        if len(documents) != 1:
            raise UserError(self.env._("Reject the documents one by one: each needs its reason."))
        return documents[0].reject_tier()

    def _business_documents(self):
        documents = []
        for review in self:
            document = review._business_document_record()
            if document and document not in documents:
                documents.append(document)
        return documents
