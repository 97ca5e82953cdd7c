from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    """Settings › Sales › Business Department: the company's thresholds."""

    _inherit = "res.config.settings"

    quote_signoff_required = fields.Boolean(
        related="company_id.quote_signoff_required", readonly=False
    )
    quote_signoff_min_amount = fields.Monetary(
        related="company_id.quote_signoff_min_amount", readonly=False
    )
    agreement_required = fields.Boolean(related="company_id.agreement_required", readonly=False)
    agreement_expiry_notice_days = fields.Integer(
        related="company_id.agreement_expiry_notice_days", readonly=False
    )
    review_working_days = fields.Integer(related="company_id.review_working_days", readonly=False)
    backlog_months = fields.Integer(related="company_id.backlog_months", readonly=False)
    target_threshold = fields.Float(related="company_id.target_threshold", readonly=False)
    satisfaction_threshold = fields.Float(
        related="company_id.satisfaction_threshold", readonly=False
    )
    output_basis = fields.Selection(related="company_id.output_basis", readonly=False)
    logistics_tolerance = fields.Monetary(related="company_id.logistics_tolerance", readonly=False)
    insert_gm_amount = fields.Monetary(related="company_id.insert_gm_amount", readonly=False)
    insert_gm_days = fields.Integer(related="company_id.insert_gm_days", readonly=False)
    payment_ontime_threshold = fields.Float(
        related="company_id.payment_ontime_threshold", readonly=False
    )
    invoice_ontime_threshold = fields.Float(
        related="company_id.invoice_ontime_threshold", readonly=False
    )
    review_ontime_threshold = fields.Float(
        related="company_id.review_ontime_threshold", readonly=False
    )
    backlog_explained_threshold = fields.Float(
        related="company_id.backlog_explained_threshold", readonly=False
    )
    collection_reminder_days = fields.Integer(
        related="company_id.collection_reminder_days", readonly=False
    )
    legal_deadline_shift = fields.Boolean(related="company_id.legal_deadline_shift", readonly=False)
    customer_statement_invoicing = fields.Selection(
        related="company_id.customer_statement_invoicing", readonly=False
    )

    def action_business_load_holidays(self):
        """Settings button: load this year's and next year's official holidays and make-up
        workdays (调休) into the company's working calendar."""
        self.env["res.company"].check_access("write")
        company = self.company_id
        year = fields.Date.context_today(self).year
        calendars = self.env["resource.calendar"]
        holidays, workdays, skipped = calendars._business_load_official_holidays(
            company, [year, year + 1]
        )
        if skipped:
            message = self.env._(
                "%(company)s is not in China: its working calendar keeps its own public holidays.",
                company=company.name,
            )
        else:
            message = self.env._(
                "%(holidays)s holidays and %(workdays)s make-up workdays loaded into %(calendar)s.",
                holidays=holidays,
                workdays=workdays,
                calendar=company.resource_calendar_id.name,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": "warning" if skipped else "success"},
        }
