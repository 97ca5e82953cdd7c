from collections import defaultdict
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

COLLECTOR = "business.customer.statement.collector"
DISPUTE_ACTIVITY = "business_dept.mail_activity_type_statement_dispute"
GROUP_ASSISTANT = "business_dept.group_business_assistant"
GROUP_MANAGER = "business_dept.group_business_manager"
GROUP_FINANCE = "business_dept.group_business_finance"
WORKFLOW_FIELDS = {
    "state",
    "opening_balance",
    "closing_balance",
    "sent_date",
    "sent_fingerprint",
    "sent_message_id",
    "confirmed_date",
    "confirmed_by_partner_id",
    "confirmed_user_id",
    "confirmation_channel",
    "approved_user_id",
    "approved_date",
    "invoice_ids",
}
# the department's fields (not for the customer's portal contacts)
STAFF_GROUPS = (
    "business_dept.group_business_assistant,business_dept.group_business_manager,"
    "business_dept.group_business_finance"
)
# the customer and the period: changed in draft only
DRAFT_FIELDS = ("partner_id", "date_from", "date_to")


class BusinessCustomerStatement(models.Model):
    """Customer statement of account (客户对账单), per customer and period.

    The period ends on the customer's closing day (关账日; the month end when empty) and
    starts the day after the previous period's end. Before invoicing, the product details
    are checked with the customer (开票前须与客户核对开票产品明细) and approved by finance
    (需公司财务核准); the invoices are then made of exactly the confirmed deliveries and must
    reach the customer before his closing day (保证发票能在客户关账日前送到客户手里).
    """

    _name = "business.customer.statement"
    _description = "Customer Statement"
    _inherit = [
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "business.workflow.guard",
        "business.tier.validation",
        "tier.validation",
    ]
    _business_workflow_fields = tuple(sorted(WORKFLOW_FIELDS))
    # tier validation: requested when the customer confirmed, finance approves (财务核准)
    _state_from = ["confirmed"]
    _state_to = ["approved"]
    _cancel_state = "draft"
    _order = "date_to desc, id desc"

    _sql_constraints = [
        ("date_check", "CHECK (date_from <= date_to)", "The period must end after it starts."),
        (
            "period_unique",
            "UNIQUE (company_id, partner_id, date_to)",
            "A customer has one statement per period.",
        ),
    ]

    name = fields.Char(
        string="Reference", required=True, copy=False, readonly=True, default="/", index=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_company', '=', True)]",
        help="The customer (commercial partner) whose statement this is.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    user_id = fields.Many2one(
        related="partner_id.user_id",
        store=True,
        string="Salesperson",
        help="The customer's salesperson: the business manager who follows the statement.",
    )
    payment_method = fields.Selection(
        selection=lambda self: self.env["res.partner"]._fields["payment_method"].selection,
        compute="_compute_customer_file",
        help="The customer's payment method (付款方式) with the statement's company.",
    )
    closing_day = fields.Integer(
        compute="_compute_customer_file",
        help="The customer's closing day (关账日) with the statement's company.",
    )
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True, index=True)
    state = fields.Selection(
        selection=[
            ("draft", "Draft"),
            ("sent", "Sent to Customer"),
            ("confirmed", "Confirmed by Customer"),
            ("disputed", "Disputed"),
            ("approved", "Finance Approved"),
            ("invoiced", "Invoiced"),
            ("done", "Invoices Delivered"),
        ],
        default="draft",
        required=True,
        copy=False,
        tracking=True,
        index=True,
    )
    line_ids = fields.One2many("business.customer.statement.line", "statement_id", string="Lines")
    delivery_line_ids = fields.One2many(
        "business.customer.statement.line",
        "statement_id",
        string="Deliveries to Invoice",
        domain=[("line_type", "=", "delivery")],
    )
    account_line_ids = fields.One2many(
        "business.customer.statement.line",
        "statement_id",
        string="Invoices and Payments",
        domain=[("line_type", "!=", "delivery")],
    )
    opening_balance = fields.Monetary(
        readonly=True,
        help="The customer's receivable before the period (company currency, posted entries).",
    )
    closing_balance = fields.Monetary(
        readonly=True,
        help="The customer's receivable at the end of the period (company currency): the "
        "opening balance, plus invoices, less credit notes and payments.",
    )
    amount_to_invoice = fields.Monetary(
        string="Deliveries to Invoice", compute="_compute_amounts", help="In company currency."
    )
    amount_invoiced = fields.Monetary(
        string="Invoiced (Net)",
        compute="_compute_amounts",
        help="Invoices less credit notes of the period, in company currency.",
    )
    amount_due = fields.Monetary(
        string="Owed after Invoicing",
        compute="_compute_amounts",
        help="The closing balance plus the lines to invoice (goods returned to refund "
        "deducted): what the customer owes once the statement is invoiced, in company "
        "currency.",
    )
    amount_paid = fields.Monetary(
        string="Payments Received",
        compute="_compute_amounts",
        help="Payments of the period (a positive figure), in company currency.",
    )
    sent_date = fields.Date(readonly=True, copy=False)
    sent_fingerprint = fields.Char(
        readonly=True,
        copy=False,
        groups=STAFF_GROUPS,
        help="Fingerprint of the lines as they were sent: a confirmation of other lines "
        "is refused.",
    )
    sent_message_id = fields.Many2one(
        "mail.message",
        string="Sending Message",
        readonly=True,
        copy=False,
        groups=STAFF_GROUPS,
        help="The message that sent the statement to the customer: what is attached in the "
        "chatter after it is the customer's reply.",
    )
    reply_attachment_ids = fields.Many2many(
        "ir.attachment",
        string="Customer's Reply",
        copy=False,
        groups=STAFF_GROUPS,
        help="The customer's signed statement or reply: required when the confirmation is "
        "recorded by the department.",
    )
    confirmation_channel = fields.Selection(
        selection=[("portal", "Customer Portal"), ("recorded", "Recorded by the Department")],
        readonly=True,
        copy=False,
    )
    confirmed_date = fields.Date(readonly=True, copy=False)
    confirmed_by_partner_id = fields.Many2one(
        "res.partner", string="Confirmed By", readonly=True, copy=False
    )
    confirmed_user_id = fields.Many2one(
        "res.users",
        string="Confirmation Recorded By",
        readonly=True,
        copy=False,
        groups=STAFF_GROUPS,
    )
    approved_user_id = fields.Many2one("res.users", string="Approved By", readonly=True, copy=False)
    approved_date = fields.Date(readonly=True, copy=False)
    invoice_ids = fields.Many2many(
        "account.move",
        "business_customer_statement_invoice_rel",
        "statement_id",
        "move_id",
        string="Invoices",
        readonly=True,
        copy=False,
    )
    invoice_count = fields.Integer(compute="_compute_invoice_count")
    note = fields.Text(groups=STAFF_GROUPS)

    # ------------------------------------------------------------------ computes
    @api.depends("partner_id", "company_id")
    def _compute_customer_file(self):
        """The customer file of the statement's company (a shared customer has one per
        company of the group). Read in sudo: a portal user of the customer, or a user
        working in another of his companies, may not switch to the statement's company."""
        for statement in self:
            customer = statement.partner_id.sudo().with_company(statement.company_id)
            statement.payment_method = customer.payment_method
            statement.closing_day = customer.closing_day

    def _compute_amounts(self):
        sums = defaultdict(float)
        for statement, line_type, amount in self.env[
            "business.customer.statement.line"
        ]._read_group(
            [("statement_id", "in", self.ids)], ["statement_id", "line_type"], ["amount:sum"]
        ):
            sums[statement.id, line_type] = amount
        for statement in self:
            sid = statement.id
            statement.amount_to_invoice = sums[sid, "delivery"]
            statement.amount_invoiced = sums[sid, "invoice"] + sums[sid, "refund"]
            statement.amount_paid = -sums[sid, "payment"]
            statement.amount_due = statement.closing_balance + statement.amount_to_invoice

    def _compute_invoice_count(self):
        for statement in self:
            statement.invoice_count = len(statement.invoice_ids)

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for statement in self:
            statement.access_url = f"/my/statements/{statement.id}"
        return result

    # ------------------------------------------------------------------ constraints
    @api.constrains("partner_id", "company_id", "date_from", "date_to")
    def _check_period_overlap(self):
        """A customer's periods do not overlap (one statement per customer and period):
        checked in one query for all the statements written."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT a.name, b.name, rp.name
                  FROM business_customer_statement a
                  JOIN business_customer_statement b
                       ON b.company_id = a.company_id AND b.partner_id = a.partner_id
                      AND b.id != a.id
                      AND b.date_from <= a.date_to AND a.date_from <= b.date_to
                  JOIN res_partner rp ON rp.id = a.partner_id
                 WHERE a.id = ANY(%s)
              ORDER BY a.id, b.id
                 LIMIT 1
                """,
                self.ids,
            )
        )
        overlap = self.env.cr.fetchone()
        if overlap:
            raise ValidationError(
                self.env._(
                    "The period of statement %(name)s overlaps the one of statement "
                    "%(other)s of the same customer %(customer)s.",
                    name=overlap[0],
                    other=overlap[1],
                    customer=overlap[2],
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        unnamed = defaultdict(list)
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                unnamed[vals.get("company_id") or self.env.company.id].append(vals)
        for company_id, company_vals in unnamed.items():
            # the sequence of the statement's company (else the shared one), looked up
            # once per company for the thousands of a month's generation
            sequence = (
                self.env["ir.sequence"]
                .sudo()
                .search(
                    [
                        ("code", "=", "business.customer.statement"),
                        ("company_id", "in", [company_id, False]),
                    ],
                    order="company_id",
                    limit=1,
                )
            )
            for vals in company_vals:
                vals["name"] = sequence._next() if sequence else "/"
        return super().create(vals_list)

    def write(self, vals):
        """The customer and the period are set in draft only (the statement sent is the
        customer's); the note is closed once every invoice is delivered."""
        if not self.env.su:
            self._check_draft_fields(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_draft(self):
        if any(statement.state != "draft" for statement in self):
            raise UserError(self.env._("Only draft customer statements can be deleted."))

    # ------------------------------------------------------------------ actions
    def action_refresh(self):
        """Collect the lines again (a draft or disputed statement)."""
        self._check_group(GROUP_ASSISTANT, GROUP_MANAGER)
        self._check_own()
        self._check_state("draft", "disputed")
        self._fill_lines()
        return True

    def action_send(self):
        """Send the statement to the customer (发送对账单): the lines are collected again,
        their fingerprint kept, and an email goes to the customer with the statement as
        PDF and XLSX; the customer may confirm or dispute it on the portal. A disputed
        statement is sent again the same way: the customer's earlier reply no longer
        counts (it stays in the chatter)."""
        self._check_group(GROUP_ASSISTANT, GROUP_MANAGER)
        self._check_own()
        self._check_state("draft", "sent", "disputed")
        recipients = {statement: statement._statement_recipients() for statement in self}
        self._fill_lines()
        today = self.company_id[:1]._business_local_today()
        self._close_dispute_activities()
        for statement in self:
            statement._archive_reply()
            statement._workflow_write(
                {
                    "state": "sent",
                    "sent_date": today,
                    "sent_fingerprint": statement._lines_fingerprint(),
                }
            )
            message = statement._send_email(recipients[statement])
            statement._workflow_write({"sent_message_id": message.id})
        return True

    def action_confirm(self):
        """Record the customer's confirmation (客户确认对账单) received by mail or on paper:
        the customer's reply is attached, to the field or in the chatter (paper clip, a
        note, his email) since the statement was sent. Refused when the data changed
        since sending."""
        self._check_group(GROUP_ASSISTANT, GROUP_MANAGER)
        self._check_own()
        self._check_state("sent")
        replies = {statement: statement._reply_attachments() for statement in self}
        for statement in self:
            if not replies[statement]:
                raise UserError(
                    self.env._(
                        "Attach the customer's reply to %(name)s before recording its "
                        "confirmation.",
                        name=statement.name,
                    )
                )
        self._check_unchanged()
        for statement in self:
            statement.sudo().reply_attachment_ids = [Command.set(replies[statement].ids)]
        self._confirm("recorded", self.partner_id.browse())
        return True

    def action_dispute(self, notes=None):
        """The customer disputes the statement (对账异议), line by line: ``notes`` maps
        line ids to the customer's note (else the notes typed on the lines). The
        department corrects what must be and sends the statement again."""
        self._check_group(GROUP_ASSISTANT, GROUP_MANAGER)
        self._check_own()
        return self._dispute(notes)

    def action_finance_approve(self):
        """Finance approves the confirmed statement (公司财务核准): the finance tier."""
        self._check_state("confirmed")
        return self._business_validate()

    def action_reject(self, reason=None):
        """Finance sends the statement back with a reason (its tier rejected)."""
        self._check_state("confirmed")
        if reason is None:
            return self.reject_tier()
        return self._business_reject(reason)

    def action_export_xlsx(self):
        return self.env.ref("business_dept.customer_statement_xlsx_report").report_action(self)

    # ------------------------------------------------------------------ checks
    def _check_group(self, *groups):
        if self.env.su or any(self.env.user.has_group(group) for group in groups):
            return
        # the group names read in sudo: a portal user may not read groups
        names = ", ".join(self.env.ref(group).sudo().name for group in groups)
        raise AccessError(
            self.env._(
                "Only these roles may do this on a customer statement: %(groups)s.",
                groups=names,
            )
        )

    def _check_own(self):
        """A business manager acts only on his own customers' statements; the assistants
        (and the directors) on all."""
        user = self.env.user
        if self.env.su or user.has_group(GROUP_ASSISTANT):
            return
        for statement in self:
            if statement.partner_id.user_id != user:
                raise AccessError(
                    self.env._(
                        "%(statement)s is the statement of another salesperson's customer.",
                        statement=statement.display_name,
                    )
                )

    def _check_draft_fields(self, vals):
        """Refuse a change of the customer or the period of a statement out of draft, and
        of the note of a statement done."""
        labels = dict(self._fields["state"]._description_selection(self.env))
        for statement in self:
            fnames = set(DRAFT_FIELDS) if statement.state != "draft" else set()
            if statement.state == "done":
                fnames.add("note")
            refused = fnames.intersection(vals)
            if refused:
                raise UserError(
                    self.env._(
                        "%(fields)s of statement %(name)s cannot be changed: it is %(state)s.",
                        fields=", ".join(
                            sorted(self._fields[f]._description_string(self.env) for f in refused)
                        ),
                        name=statement.name,
                        state=labels[statement.state],
                    )
                )

    def _workflow_write(self, vals):
        """Write workflow fields once the action has checked role and state."""
        if vals.get("state") in ("draft", "sent", "disputed"):
            self._business_tier_restart()
        result = self.sudo().with_context(skip_validation_check=True).write(vals)
        if vals.get("state") == "confirmed":
            self.sudo().request_validation()
        return result

    # ------------------------------------------------------------------ generation
    @api.model
    def _generate_statements(self, date_to, companies=None):
        """Generate the statements of every customer with activity whose period ends on
        ``date_to`` (关账日): done deliveries not invoiced, or posted entries on his
        receivable, in the period. Set-based: a few queries per company, whatever the
        number of customers; a customer who already has a statement for the period gets
        no second one. Returns the new statements."""
        self._check_group(GROUP_ASSISTANT)
        date_to = fields.Date.to_date(date_to)
        companies = companies or self.env.companies
        Collector = self.env[COLLECTOR]
        closing_days = Collector._closing_days_ending(date_to)
        periods = {day: Collector._period_start(date_to, day) for day in closing_days}
        self.env.flush_all()
        new = self.browse()
        for company in companies:
            rows = Collector._statement_candidates(company, date_to, periods)
            if not rows:
                continue
            statements = (
                self.sudo()
                .with_context(
                    tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True
                )
                .create(
                    [
                        {
                            "partner_id": partner_id,
                            "company_id": company.id,
                            "date_from": date_from,
                            "date_to": date_to,
                        }
                        for partner_id, date_from in rows
                    ]
                )
            )
            statements._fill_lines()
            new |= statements
        return new.with_env(self.env)

    def _fill_lines(self):
        """(Re)write the lines and the balances of the statements as they are now."""
        self.env[COLLECTOR]._fill_lines(self)

    @api.model
    def _cron_generate_statements(self):
        """Daily scheduled action (每日): for each company, the statements of the customers
        whose closing day (关账日) was yesterday, local day of the company's time zone, so
        that the closing day's own deliveries and entries are in. It runs every day because
        closing days differ per customer (the 25th, the month end...); a run missed is
        caught up by the button with the date."""
        for company in self.env["res.company"].search([]):
            yesterday = company._business_local_today() - timedelta(days=1)
            self.with_company(company)._generate_statements(yesterday, companies=company)

    # Tier validation: the one who recorded the confirmation never approves it.
    def _business_tier_requesters(self):
        return self.confirmed_user_id

    def _business_tier_validated(self, reviews):
        if self.validation_status != "validated":
            return
        nothing_to_invoice = not self.delivery_line_ids
        self._workflow_write(
            {
                "state": "done" if nothing_to_invoice else "approved",
                "approved_user_id": self.env.user.id,
                "approved_date": self.company_id._business_local_today(),
            }
        )

    def _business_tier_rejected(self, reviews, comment):
        """Rejected by finance: back to draft, to be corrected and sent again."""
        self._workflow_write({"state": "draft", "sent_fingerprint": False})
