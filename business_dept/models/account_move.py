import calendar
from collections import defaultdict
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import format_date, format_datetime


class AccountMove(models.Model):
    """Posting a customer invoice or credit note dated in a month whose KPIs are
    frozen (工作指标月末冻结) does not change the frozen figures: the poster is told
    so by a warning on the draft's form and a note in the chatter once posted
    (nothing is blocked)."""

    _inherit = "account.move"

    business_kpi_frozen_note = fields.Char(
        string="KPI Month Frozen", compute="_compute_business_kpi_frozen_note"
    )

    # ------------------------------------------------------ 发票送达 (delivery)
    invoice_delivered_date = fields.Date(
        string="Invoice Delivered",
        copy=False,
        tracking=True,
        help="Day (company time zone) the invoice reached the customer (发票送达): sent by "
        "email, viewed or downloaded on the portal, or recorded for a paper invoice. The "
        "invoicing timeliness (开票及时率) counts by this day.",
    )
    invoice_delivery_ref = fields.Char(
        string="Delivery Waybill",
        copy=False,
        tracking=True,
        help="Express waybill number of a paper invoice.",
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

    def write(self, vals):
        # recorded by the Invoice Delivered wizard, the e-mail sent or the portal only
        if not self.env.su and {"invoice_delivered_date", "invoice_delivery_ref"} & set(vals):
            raise AccessError(
                self.env._(
                    "The invoice's delivery is recorded with Invoice Delivered (or by sending "
                    "it), not typed."
                )
            )
        result = super().write(vals)
        if vals.get("invoice_delivered_date") or vals.get("state") == "cancel":
            # a customer statement (客户对账单) is done when all its invoices (cancelled
            # ones aside) are delivered
            self.env["business.customer.statement"]._business_invoices_delivered(self)
        return result

    def action_invoice_delivered(self):
        """Record the delivery of paper invoices (发票送达): opens the small wizard."""
        self._business_check_can_record_delivery()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Invoice Delivered"),
            "res_model": "business.invoice.delivery",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_ids": [Command.set(self.ids)]},
        }

    def _business_kpi_frozen_text(self, frozen):
        frozen_date, frozen_by = frozen
        return self.env._(
            "The KPIs of %(month)s were frozen on %(date)s by %(user)s: this document, "
            "dated in that month, is not in the frozen figures the KPI report shows for it.",
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
                    ("kpi_source", "=", "frozen"),
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

    def _business_delivery_applicable(self):
        """Posted customer invoices and credit notes: the documents delivered to customers."""
        return self.filtered(
            lambda m: m.state == "posted" and m.move_type in ("out_invoice", "out_refund")
        )

    def _business_mark_delivered(self):
        """Digital delivery (email, portal): the company's local today, only on the
        documents not delivered yet (a later email or visit does not move the day)."""
        moves = self._business_delivery_applicable().filtered(
            lambda m: not m.invoice_delivered_date
        )
        for company in moves.company_id:
            moves.filtered(lambda m, c=company: m.company_id == c).sudo().write(
                {"invoice_delivered_date": company._business_local_today()}
            )
        return moves

    def _business_check_can_record_delivery(self):
        """Recording a delivery by hand: the assistant, the customer's or the invoice's
        business manager, a director or finance; only on posted customer documents."""
        user = self.env.user
        everyone = (
            user.has_group("business_dept.group_business_assistant")
            or user.has_group("business_dept.group_business_director")
            or user.has_group("business_dept.group_business_finance")
        )
        is_manager = user.has_group("business_dept.group_business_manager")
        for move in self:
            if move.move_type not in ("out_invoice", "out_refund"):
                raise UserError(
                    self.env._(
                        "%(move)s is not a customer invoice: only customer invoices and credit "
                        "notes are delivered to customers.",
                        move=move._business_delivery_label(),
                    )
                )
            if move.state == "cancel":
                raise UserError(
                    self.env._(
                        "%(move)s is cancelled: a cancelled invoice is not delivered.",
                        move=move._business_delivery_label(),
                    )
                )
            if move.state != "posted":
                raise UserError(
                    self.env._(
                        "%(move)s is not posted: only a posted invoice can be delivered.",
                        move=move._business_delivery_label(),
                    )
                )
            own = is_manager and user in (move.invoice_user_id | move.commercial_partner_id.user_id)
            if not (everyone or own):
                raise AccessError(
                    self.env._(
                        "Only the business assistant, the customer's business manager, a "
                        "director or finance may record the delivery of %(move)s.",
                        move=move.display_name,
                    )
                )

    def _business_delivery_label(self):
        """The invoice's number (its id while it has none) and reference, for messages."""
        self.ensure_one()
        if self.name and self.name != "/":
            label = self.name
        else:
            label = self.env._("Invoice #%(id)s", id=self.id)
        if self.ref:
            label = self.env._("%(name)s (%(ref)s)", name=label, ref=self.ref)
        return label

    def _business_check_delivered_date(self, delivered_date):
        """The day an invoice reached the customer (发票送达) is not in the future (company
        local today), not before the invoice date, and recorded once."""
        for move in self:
            label = move._business_delivery_label()
            today = move.company_id._business_local_today()
            if move.invoice_delivered_date:
                raise UserError(
                    self.env._(
                        "%(move)s was already delivered on %(date)s.",
                        move=label,
                        date=format_date(self.env, move.invoice_delivered_date),
                    )
                )
            if delivered_date > today:
                raise UserError(
                    self.env._(
                        "%(move)s: the delivery day %(date)s is in the future (today is "
                        "%(today)s).",
                        move=label,
                        date=format_date(self.env, delivered_date),
                        today=format_date(self.env, today),
                    )
                )
            if move.invoice_date and delivered_date < move.invoice_date:
                raise UserError(
                    self.env._(
                        "%(move)s: the delivery day %(date)s is before the invoice date "
                        "%(invoice_date)s.",
                        move=label,
                        date=format_date(self.env, delivered_date),
                        invoice_date=format_date(self.env, move.invoice_date),
                    )
                )

    def _business_record_delivery(self, delivered_date, ref=False):
        """Write the delivery recorded by hand (checked again: the wizard is a client)."""
        self._business_check_can_record_delivery()
        self._business_check_delivered_date(fields.Date.to_date(delivered_date))
        values = {"invoice_delivered_date": delivered_date}
        if ref:
            values["invoice_delivery_ref"] = ref
        self.sudo().write(values)
        return True

    # ----------------------------------------------- reminder before closing day
    @api.model
    def _business_closing_date(self, day, closing_day):
        """The customer's closing date (关账日) in the month of ``day`` (empty = month end)."""
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=min(closing_day or 31, last))

    @api.model
    def _cron_business_invoice_delivery_reminders(self):
        """Daily: invoices to deliver before a closing day two working days away."""
        for company in self.env["res.company"].search([]):
            self._business_invoice_delivery_reminders(company)

    @api.model
    def _business_closing_window(self, today, horizon):
        """The closing dates from ``today`` to ``horizon``: ({closing day (0 = month end):
        its closing date in the window}, {(previous closing date, closing date): closing
        days}), for one search."""
        deadlines, periods = {}, defaultdict(list)
        for offset in range((horizon - today).days + 1):
            day = today + timedelta(days=offset)
            previous = day.replace(day=1) - timedelta(days=1)
            for closing_day in range(32):
                if closing_day in deadlines or self._business_closing_date(day, closing_day) != day:
                    continue
                deadlines[closing_day] = day
                period = (self._business_closing_date(previous, closing_day), day)
                periods[period].append(closing_day)
        return deadlines, periods

    @api.model
    def _business_invoice_delivery_reminders(self, company, now=None):
        """Posted customer invoices not delivered (发票送达) whose customer's closing day
        (关账日) falls from today to the second working day after today (company calendar
        and local day): the invoice's salesperson (else the customer's) gets an activity
        due on the closing date, once per invoice. An invoice is due by a closing date when
        it is dated after the previous month's closing date and up to it."""
        now = now or fields.Datetime.now()
        work_calendar = company.resource_calendar_id
        if not work_calendar:
            return self.browse()
        today = company._business_local_date(now)
        [horizon] = work_calendar._business_deadlines([now], 2)
        if not horizon:
            return self.browse()
        horizon = company._business_local_date(horizon)
        deadlines, periods = self._business_closing_window(today, horizon)
        if not periods:
            return self.browse()
        period_domains = [
            [
                ("commercial_partner_id.closing_day", "in", days + ([False] if 0 in days else [])),
                ("invoice_date", ">", start),
                ("invoice_date", "<=", stop),
            ]
            for (start, stop), days in periods.items()
        ]
        # the closing days of the company's customer files (a shared customer has one
        # per company): searched, then read, in the company
        moves = self.with_company(company).search(
            expression.AND(
                [
                    [
                        ("company_id", "=", company.id),
                        ("move_type", "=", "out_invoice"),
                        ("state", "=", "posted"),
                        ("invoice_delivered_date", "=", False),
                    ],
                    expression.OR(period_domains),
                ]
            )
        )
        return moves._business_remind_delivery(deadlines)

    def _business_remind_delivery(self, deadlines):
        """An activity to deliver each invoice (once per invoice) for its salesperson still
        at work (离职交接), due on its customer's closing date (``deadlines``: closing day
        -> date). :return: the invoices reminded"""
        activity_type = self.env.ref("business_dept.mail_activity_type_invoice_delivery")
        reminded = set(
            self.env["mail.activity"]
            .search(
                [
                    ("res_model", "=", "account.move"),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
            .mapped("res_id")
        )
        moves = self.filtered(lambda m: m.id not in reminded)
        for move in moves:
            people = move.invoice_user_id | move.commercial_partner_id.user_id
            if not people:
                continue
            user = move.company_id._business_owner(people)
            deadline = deadlines[move.commercial_partner_id.closing_day or 0]
            move.activity_schedule(
                activity_type_id=activity_type.id,
                date_deadline=deadline,
                user_id=user.id,
                summary=self.with_context(lang=user.lang).env._(
                    "Deliver the invoice before the customer's closing day %(date)s",
                    date=deadline,
                ),
            )
        return moves


class AccountMoveSend(models.AbstractModel):
    """An invoice sent by email is delivered (发票送达) on the company's local day."""

    _inherit = "account.move.send"

    @api.model
    def _send_mail(self, move, mail_template, **kwargs):
        result = super()._send_mail(move, mail_template, **kwargs)
        move._business_mark_delivered()
        return result
