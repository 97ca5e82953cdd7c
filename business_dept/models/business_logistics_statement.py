from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date

from ..report.xlsx_formats import xlsx_formats
from ..tools.waybill import normalize_prefixes, normalize_waybill

GROUP_ASSISTANT = "business_dept.group_business_assistant"
GROUP_FINANCE = "business_dept.group_business_finance"
GROUP_DIRECTOR = "business_dept.group_business_director"
TOTAL_FIELDS = ["amount_carrier", "amount_expected", "amount_agreed"]
TOTAL_LINE_FIELDS = ["amount", "expected_amount", "agreed_amount"]
EDITABLE_STATES = ("draft", "matched")
# line states that leave nothing to settle: matched, or another delivery of a shipment
SETTLED_MATCH_STATES = ("matched", "shipment")
# states of a statement whose agreed amounts finance approved: billed to us
BILLED_STATES = ("approved", "signed", "submitted", "done")
WORKFLOW_FIELDS = {
    "state",
    "approved_user_id",
    "approved_date",
    "signed_user_id",
    "signed_date",
    "vendor_bill_id",
    "invoice_received_date",
}


class BusinessLogisticsStatement(models.Model):
    """Month-end statement of a carrier (物流对账单).

    The assistant collects our deliveries of the period, imports the carrier's
    statement and matches it waybill by waybill; finance approves and the
    director signs before it is submitted to finance (经财务核准业务总监签字后上报
    财务部); the carrier's invoice is then chased until it arrives (跟催物流发票).
    """

    _name = "business.logistics.statement"
    _description = "Logistics Statement"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "business.workflow.guard",
        "business.tier.validation",
        "tier.validation",
    ]
    _business_workflow_fields = tuple(sorted(WORKFLOW_FIELDS))
    # tier validation: requested when reconciled, finance then the director
    _state_from = ["matched", "approved"]
    _state_to = ["signed"]
    _cancel_state = "draft"
    _order = "date_from desc, id desc"

    _sql_constraints = [
        ("date_check", "CHECK (date_from <= date_to)", "The period must end after it starts."),
    ]

    name = fields.Char(
        string="Reference", required=True, copy=False, readonly=True, default="/", index=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Carrier", required=True, index=True, tracking=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        string="Assistant",
        default=lambda self: self.env.user,
        tracking=True,
        help="Business assistant who prepares the statement and chases the carrier's invoice.",
    )
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)
    line_ids = fields.One2many(
        "business.logistics.statement.line", "statement_id", string="Waybills"
    )
    state = fields.Selection(
        selection=[
            ("draft", "Draft"),
            ("matched", "Reconciled"),
            ("approved", "Finance Approved"),
            ("signed", "Director Signed"),
            ("submitted", "Submitted to Finance"),
            ("done", "Invoice Received"),
        ],
        default="draft",
        required=True,
        copy=False,
        tracking=True,
    )
    amount_carrier = fields.Monetary(string="Carrier Total", compute="_compute_amounts", store=True)
    amount_expected = fields.Monetary(
        string="Expected Total", compute="_compute_amounts", store=True
    )
    amount_agreed = fields.Monetary(
        string="Agreed Total",
        compute="_compute_amounts",
        store=True,
        help="Total to pay the carrier: matched lines and settled differences.",
    )
    unsettled_count = fields.Integer(string="Open Differences", compute="_compute_unsettled_count")
    approved_user_id = fields.Many2one("res.users", string="Approved By", copy=False)
    approved_date = fields.Date(copy=False)
    signed_user_id = fields.Many2one("res.users", string="Signed By", copy=False)
    signed_date = fields.Date(copy=False)
    vendor_bill_id = fields.Many2one("account.move", copy=False, readonly=True)
    invoice_expected_date = fields.Date(
        string="Invoice Expected On",
        copy=False,
        tracking=True,
        help="When the carrier's invoice (发票) should arrive; the assistant is reminded "
        "until it is received.",
    )
    invoice_received_date = fields.Date(
        string="Invoice Received On", copy=False, readonly=True, tracking=True
    )
    note = fields.Text()
    waybill_search = fields.Char(
        string="Waybill", compute="_compute_waybill_search", search="_search_waybill_search"
    )

    @api.depends("line_ids.amount", "line_ids.expected_amount", "line_ids.agreed_amount")
    def _compute_amounts(self):
        stored = self.filtered(lambda statement: isinstance(statement.id, int))
        sums = {
            statement: values
            for statement, *values in self.env["business.logistics.statement.line"]._read_group(
                [("statement_id", "in", stored.ids)],
                ["statement_id"],
                ["amount:sum", "expected_amount:sum", "agreed_amount:sum"],
            )
        }
        for statement in self:
            if statement in stored:
                values = sums.get(statement, (0.0, 0.0, 0.0))
            else:  # a statement being edited in the form
                lines = statement.line_ids
                values = [sum(lines.mapped(fname)) for fname in TOTAL_LINE_FIELDS]
            for fname, value in zip(TOTAL_FIELDS, values, strict=True):
                statement[fname] = value

    def _compute_unsettled_count(self):
        counts = dict(
            self.env["business.logistics.statement.line"]._read_group(
                self._unsettled_domain() + [("statement_id", "in", self.ids)],
                ["statement_id"],
                ["__count"],
            )
        )
        for statement in self:
            statement.unsettled_count = counts.get(statement, 0)

    def _compute_waybill_search(self):
        self.waybill_search = False

    def _search_waybill_search(self, operator, value):
        """Statements with a waybill however it is typed: compared by key, as matched."""
        if operator not in ("ilike", "=") or not isinstance(value, str):
            return [("line_ids.waybill", operator, value)]
        prefixes = (
            self.env["business.logistics.agreement"]
            .with_context(active_test=False)
            .search([("waybill_prefix", "!=", False)])
            .mapped("waybill_prefix")
        )
        prefixes += (
            self.env["business.logistics.import.mapping"]
            .with_context(active_test=False)
            .search([("partner_id", "!=", False), ("waybill_prefix", "!=", False)])
            .mapped("waybill_prefix")
        )
        key = normalize_waybill(value, normalize_prefixes(prefixes))
        return [("line_ids.waybill_key", operator, key or value)]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("business.logistics.statement") or "/"
                )
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_draft(self):
        if any(statement.state != "draft" for statement in self):
            raise UserError(self.env._("Only draft logistics statements can be deleted."))

    # ------------------------------------------------------------------ actions
    def action_collect(self):
        """Add a line per done delivery of the carrier in the period (收集物流单据).

        The period is made of the company's local days: a delivery done at 07:00 on
        1 June in Shanghai (23:00 on 31 May in UTC) belongs to June's statement.
        """
        self._check_group(GROUP_ASSISTANT)
        self._check_state(*EDITABLE_STATES)
        self.env.flush_all()
        Company = self.env["res.company"]
        vals_list = []
        for statement in self:
            carrier_ids = statement._carrier_ids()
            if not carrier_ids:
                raise UserError(
                    self.env._(
                        "There is no logistics agreement with %(carrier)s naming its delivery "
                        "methods.",
                        carrier=statement.partner_id.display_name,
                    )
                )
            company = statement.company_id
            self.env.cr.execute(
                SQL(
                    """
                    SELECT p.id, COALESCE(p.carrier_tracking_ref, p.name), %(local_done)s::date
                      FROM stock_picking p
                      JOIN stock_picking_type t ON t.id = p.picking_type_id
                      JOIN %(tz_table)s tz ON tz.company_id = p.company_id
                     WHERE p.state = 'done' AND t.code = 'outgoing'
                       AND p.carrier_id = ANY(%(carriers)s) AND p.company_id = %(company)s
                       AND p.date_done >= %(start)s AND p.date_done < %(end)s
                       AND NOT EXISTS (SELECT 1 FROM business_logistics_statement_line l
                                        WHERE l.picking_id = p.id)
                  ORDER BY p.date_done, p.id
                    """,
                    carriers=carrier_ids,
                    tz_table=Company._business_tz_sql(),
                    local_done=Company._business_local_sql(SQL("p.date_done"), SQL("tz.tz")),
                    company=company.id,
                    start=company._business_utc_start(statement.date_from),
                    end=company._business_utc_start(statement.date_to + timedelta(days=1)),
                )
            )
            vals_list += [
                {
                    "statement_id": statement.id,
                    "source": "collected",
                    "picking_id": pid,
                    "waybill": ref,
                    "date": day,
                }
                for pid, ref, day in self.env.cr.fetchall()
            ]
        self.env["business.logistics.statement.line"].create(vals_list)
        self._match_lines()

    def action_match(self):
        """Match the lines by waybill and set each line's state (set-based)."""
        self._check_group(GROUP_ASSISTANT)
        self._check_state(*EDITABLE_STATES)
        self._match_lines()

    def action_finance_approve(self):
        """Finance checks the reconciled statement (经财务核准): the finance tier."""
        self._check_state("matched")
        self._check_settled()
        return self._business_validate()

    def action_director_sign(self):
        """The business director signs the approved statement (业务总监签字): the
        director's tier."""
        self._check_state("approved")
        return self._business_validate()

    def action_reject(self, reason=None):
        """Finance or the director sends the statement back with a reason: its tier is
        rejected. Without a reason, the comment dialog asks for it."""
        self._check_state("matched", "approved")
        if reason is None:
            return self.reject_tier()
        return self._business_reject(reason)

    def action_submit(self):
        """Submit to finance (上报财务部): prepare the carrier's vendor bill and start
        chasing the carrier's invoice (跟催物流发票)."""
        self._check_group(GROUP_ASSISTANT, GROUP_DIRECTOR)
        self._check_state("signed")
        for statement in self:
            if statement.validation_status != "validated":
                raise UserError(
                    self.env._(
                        "Statement %(name)s is not approved by finance and signed by the director.",
                        name=statement.name,
                    )
                )
        today = fields.Date.context_today(self)
        activity_type = self.env.ref("business_dept.mail_activity_type_logistics_invoice")
        for statement in self:
            if statement.currency_id.is_zero(statement.amount_agreed):
                raise UserError(
                    self.env._("Statement %(name)s has nothing to bill.", name=statement.name)
                )
            # The assistant has no accounting rights: the bill is prepared on their behalf
            # once the role and state checks above have passed.
            bill = (
                self.env["account.move"]
                .sudo()
                .with_company(statement.company_id)
                .create(statement._vendor_bill_vals())
            )
            expected = statement.invoice_expected_date or today + timedelta(days=30)
            statement._workflow_write(
                {
                    "state": "submitted",
                    "vendor_bill_id": bill.id,
                    "invoice_expected_date": expected,
                }
            )
            statement.activity_schedule(
                act_type_xmlid="business_dept.mail_activity_type_logistics_invoice",
                date_deadline=expected,
                summary=activity_type.with_context(
                    lang=(statement.user_id or self.env.user).lang
                ).summary,
                user_id=(statement.user_id or self.env.user).id,
            )

    def action_invoice_received(self):
        """The carrier's invoice has arrived: stop chasing it."""
        self._check_group(GROUP_ASSISTANT, GROUP_FINANCE)
        self._check_state("submitted")
        for statement in self:
            statement._workflow_write(
                {
                    "state": "done",
                    "invoice_received_date": statement.company_id._business_local_today(),
                }
            )
        # finance may close the assistant's reminder without write access to the statement
        self.sudo().activity_feedback(["business_dept.mail_activity_type_logistics_invoice"])

    def action_reset_to_draft(self):
        """Send a statement back to the assistant before it is submitted."""
        self._check_group(GROUP_FINANCE, GROUP_DIRECTOR)
        self._check_state("matched", "approved", "signed")
        self._back_to_draft()

    def action_open_vendor_bill(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.vendor_bill_id.id,
            "view_mode": "form",
        }

    def action_open_import(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Import Carrier Statement"),
            "res_model": "business.logistics.statement.import",
            "view_mode": "form",
            "target": "new",
            "context": {"default_statement_id": self.id},
        }

    def action_export_xlsx(self):
        """Download the statement as XLSX to send back to the carrier."""
        self.ensure_one()
        return self.env.ref("business_dept.logistics_statement_xlsx_report").report_action(self)

    @api.model
    def _unsettled_domain(self):
        return [("match_state", "not in", SETTLED_MATCH_STATES), ("resolution", "=", False)]

    # ------------------------------------------------------------------ checks
    def _check_group(self, *groups):
        if not any(self.env.user.has_group(group) for group in groups):
            names = ", ".join(self.env.ref(group).name for group in groups)
            raise AccessError(
                self.env._(
                    "Only these roles may do this on a logistics statement: %(groups)s.",
                    groups=names,
                )
            )

    def _workflow_write(self, vals):
        """Write workflow fields once the action has checked role and state; finance
        and the director have no write access of their own to statements. Reconciled
        (again), the statement's validation is requested (again)."""
        if vals.get("state") in ("draft", "matched"):
            self._business_tier_restart()
        result = self.sudo().with_context(skip_validation_check=True).write(vals)
        if vals.get("state") == "matched":
            self.request_validation()
        return result

    # Tier validation (经财务核准业务总监签字): the requester never reviews.
    def _business_tier_requesters(self):
        return self.user_id

    def _business_tier_validated(self, reviews):
        if self.validation_status == "validated":
            self._workflow_write(
                {
                    "state": "signed",
                    "signed_user_id": self.env.user.id,
                    "signed_date": fields.Date.context_today(self),
                }
            )
        elif self.state == "matched":
            self._workflow_write(
                {
                    "state": "approved",
                    "approved_user_id": self.env.user.id,
                    "approved_date": fields.Date.context_today(self),
                }
            )

    def _business_tier_rejected(self, reviews, comment):
        """Rejected: sent back to the assistant with the comment."""
        self._back_to_draft()

    def _back_to_draft(self):
        """Back to the assistant: draft, the approval and the signature cleared."""
        self._workflow_write(
            {
                "state": "draft",
                "approved_user_id": False,
                "approved_date": False,
                "signed_user_id": False,
                "signed_date": False,
            }
        )

    def _xlsx_content(self):
        """The bytes of the statement's XLSX, as downloaded (nothing stored)."""
        content, __ = self.env["ir.actions.report"]._render_xlsx(
            "business_dept.logistics_statement_xlsx", self.ids, {}
        )
        return content

    # ------------------------------------------------------------------ business
    def _carrier_ids(self):
        """Delivery methods served by the carrier's agreements of the company."""
        self.ensure_one()
        agreements = self.env["business.logistics.agreement"].search(
            [("partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id)]
        )
        return agreements.carrier_ids.ids

    def _check_settled(self):
        for statement in self:
            if not statement.line_ids:
                raise UserError(self.env._("Statement %(name)s has no lines.", name=statement.name))
            if statement.unsettled_count:
                raise UserError(
                    self.env._(
                        "Statement %(name)s still has %(count)s differences without a resolution.",
                        name=statement.name,
                        count=statement.unsettled_count,
                    )
                )

    def _waybill_prefixes(self):
        """The carrier's waybill prefixes (as keys) named on its agreements with the
        company and on its carrier file mappings, archived ones included: a statement's
        waybills keep their keys."""
        self.ensure_one()
        agreements = (
            self.env["business.logistics.agreement"]
            .with_context(active_test=False)
            .search(
                [
                    ("partner_id", "=", self.partner_id.id),
                    ("company_id", "=", self.company_id.id),
                    ("waybill_prefix", "!=", False),
                ]
            )
        )
        mappings = self.env["business.logistics.import.mapping"].sudo()
        prefixes = mappings._prefixes_of(self.partner_id, self.company_id)
        return normalize_prefixes(agreements.mapped("waybill_prefix") + prefixes)

    def _settle_state(self, always=False):
        """Reconciled when the statement has lines and none is an open difference, draft
        otherwise: written by Match and by a changed resolution (resolving the last
        difference settles the statement, without a second Match), and then a reconciled
        statement's validation is requested again. ``always=False`` writes only a
        changed state."""
        Line = self.env["business.logistics.statement.line"]
        self.invalidate_recordset(["unsettled_count"])
        for statement in self:
            # a count, not the 20,000 lines read into the cache
            has_lines = Line.search_count([("statement_id", "=", statement.id)], limit=1)
            state = "matched" if has_lines and not statement.unsettled_count else "draft"
            if always or state != statement.state:
                statement._workflow_write({"state": state})

    def _vendor_bill_vals(self):
        self.ensure_one()
        return {
            "move_type": "in_invoice",
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "ref": self.name,
            "invoice_origin": self.name,
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": self.env._(
                            "Logistics %(name)s: %(date_from)s - %(date_to)s",
                            name=self.name,
                            date_from=format_date(self.env, self.date_from),
                            date_to=format_date(self.env, self.date_to),
                        ),
                        "quantity": 1,
                        "price_unit": self.amount_agreed,
                        "tax_ids": [Command.clear()],
                    }
                )
            ],
        }

    def _xlsx_fill(self, workbook):
        formats = xlsx_formats(workbook)
        sheet = workbook.add_worksheet(self.name.replace("/", "-"))
        sheet.write(
            0, 0, self.env._("Logistics Statement %(name)s", name=self.name), formats["title"]
        )
        sheet.write(
            1,
            0,
            self.env._(
                "%(carrier)s, %(date_from)s - %(date_to)s",
                carrier=self.partner_id.display_name,
                date_from=self.date_from,
                date_to=self.date_to,
            ),
        )
        headers = [
            self.env._("Waybill"),
            self.env._("Date"),
            self.env._("Delivery"),
            self.env._("Carrier Amount"),
            self.env._("Expected Amount"),
            self.env._("Difference"),
            self.env._("Match State"),
            self.env._("Resolution"),
            self.env._("Agreed Amount"),
            self.env._("Note"),
        ]
        sheet.write_row(3, 0, headers, formats["header"])
        sheet.set_column(0, 2, 18)
        sheet.set_column(3, 5, 14)
        sheet.set_column(6, 7, 20)
        sheet.set_column(8, 9, 16)
        Line = self.env["business.logistics.statement.line"]
        states = dict(Line._fields["match_state"]._description_selection(self.env))
        resolutions = dict(Line._fields["resolution"]._description_selection(self.env))
        row = 4
        for line in self.line_ids:
            fmt = formats["ok"] if line.match_state in SETTLED_MATCH_STATES else formats["bad"]
            sheet.write(row, 0, line.waybill, formats["text"])
            if line.date:
                sheet.write_datetime(
                    row, 1, fields.Datetime.to_datetime(line.date), formats["date"]
                )
            else:
                sheet.write_blank(row, 1, None, formats["text"])
            sheet.write(row, 2, line.picking_id.name or "", formats["text"])
            sheet.write_number(row, 3, line.amount, formats["amount"])
            sheet.write_number(row, 4, line.expected_amount, formats["amount"])
            sheet.write_number(row, 5, line.difference, formats["amount"])
            sheet.write(row, 6, states.get(line.match_state, ""), fmt)
            sheet.write(row, 7, resolutions.get(line.resolution, ""), formats["text"])
            sheet.write_number(row, 8, line.agreed_amount, formats["amount"])
            sheet.write(row, 9, line.note or "", formats["text"])
            row += 1
        sheet.write(row, 0, self.env._("Total"), formats["header"])
        sheet.write_number(row, 3, self.amount_carrier, formats["amount"])
        sheet.write_number(row, 4, self.amount_expected, formats["amount"])
        sheet.write_number(row, 5, self.amount_carrier - self.amount_expected, formats["amount"])
        sheet.write_number(row, 8, self.amount_agreed, formats["amount"])
