from odoo import api, fields, models
from odoo.tools import format_datetime


class AccountMove(models.Model):
    """Posting a customer invoice or credit note dated in a month whose KPIs are
    frozen (工作指标月末冻结) does not change the frozen figures: the poster is told
    so by a warning on the draft's form and a note in the chatter once posted
    (nothing is blocked)."""

    _inherit = "account.move"

    business_kpi_frozen_note = fields.Char(
        string="KPI Month Frozen", compute="_compute_business_kpi_frozen_note"
    )

    @api.depends("move_type", "invoice_date", "company_id", "state")
    def _compute_business_kpi_frozen_note(self):
        """Warning of a draft customer invoice or credit note dated in a frozen month."""
        Snapshot = self.env["business.kpi.snapshot"]
        for move in self:
            frozen = (
                move.state == "draft"
                and move.move_type in ("out_invoice", "out_refund")
                and move.invoice_date
                and Snapshot._frozen(move.company_id, move.invoice_date)
            )
            move.business_kpi_frozen_note = frozen and move._business_kpi_frozen_text(frozen)

    def _business_kpi_frozen_text(self, frozen):
        frozen_date, frozen_by = frozen
        return self.env._(
            "The KPIs of %(month)s were frozen on %(date)s by %(user)s: this document, "
            "dated in that month, is not in the frozen figures (the live KPI report "
            "counts it).",
            month=self.invoice_date.strftime("%Y-%m"),
            date=format_datetime(
                self.env, frozen_date, tz=self.company_id._business_tz(), dt_format="short"
            ),
            user=frozen_by.name or "",
        )

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        moves = posted.filtered(
            lambda m: m.move_type in ("out_invoice", "out_refund") and m.invoice_date
        )
        if not moves:
            return posted
        snapshots = (
            self.env["business.kpi.snapshot"]
            .sudo()
            .search(
                [
                    ("company_id", "in", moves.company_id.ids),
                    ("month", "in", list({m.invoice_date.replace(day=1) for m in moves})),
                ],
                order="frozen_date desc",
            )
        )
        # the first freeze of each company and month
        frozen_months = {
            (snapshot.company_id.id, snapshot.month): (snapshot.frozen_date, snapshot.frozen_by_id)
            for snapshot in snapshots
        }
        for move in moves:
            frozen = frozen_months.get((move.company_id.id, move.invoice_date.replace(day=1)))
            if not frozen:
                continue
            move.message_post(
                body=move._business_kpi_frozen_text(frozen),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        return posted
