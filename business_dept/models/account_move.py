from odoo import fields, models


class AccountMove(models.Model):
    """Posting a customer invoice or credit note dated in a month whose KPIs are
    frozen (工作指标月末冻结) does not change the frozen figures: the poster is told
    so by a note in the chatter (nothing is blocked)."""

    _inherit = "account.move"

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
            frozen_date, frozen_by = frozen
            when = fields.Datetime.context_timestamp(move, frozen_date)
            move.message_post(
                body=self.env._(
                    "The KPIs of %(month)s were frozen on %(date)s by %(user)s: this "
                    "document, dated in that month, is not in the frozen figures (the live "
                    "KPI report counts it).",
                    month=move.invoice_date.strftime("%Y-%m"),
                    date=when.strftime("%Y-%m-%d %H:%M"),
                    user=frozen_by.name or "",
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        return posted
