from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL, format_amount


class BusinessCollectionPlanLine(models.Model):
    """One receivable installment to chase (应收款项跟催) in a collection plan: the open
    amount at plan time, the planned date and method, and what was actually collected."""

    _name = "business.collection.plan.line"
    _description = "Collection Plan Line"
    _inherit = ["business.workflow.guard"]
    _order = "planned_date, id"

    # what a business manager may change on his own draft plan
    _MANAGER_FIELDS = frozenset({"planned_date", "payment_method", "amount", "note"})
    # taken from the installment, never from the values sent
    _INSTALLMENT_FIELDS = ("move_id", "partner_id", "date_maturity")

    _sql_constraints = [
        (
            "plan_move_line_unique",
            "UNIQUE(plan_id, move_line_id)",
            "An installment is in a collection plan once.",
        )
    ]

    plan_id = fields.Many2one(
        "business.collection.plan", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    user_id = fields.Many2one(related="plan_id.user_id", store=True, string="Salesperson")
    month = fields.Date(related="plan_id.month", store=True)
    month_label = fields.Char(
        string="Month", compute="_compute_month_label", help="The month as YYYY-MM."
    )
    state = fields.Selection(related="plan_id.state")
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Installment",
        index="btree_not_null",
        ondelete="set null",
        help="The receivable installment of a posted customer invoice.",
    )
    move_id = fields.Many2one("account.move", string="Invoice", ondelete="set null")
    partner_id = fields.Many2one("res.partner", string="Customer", index=True)
    date_maturity = fields.Date(string="Due Date")
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(
        string="Planned Amount",
        currency_field="currency_id",
        help="Open amount of the installment in company currency when the plan was made.",
    )
    planned_date = fields.Date(required=True)
    payment_method = fields.Selection(
        selection=lambda self: self.env["res.partner"]._fields["payment_method"].selection,
        string="Planned Method",
    )
    collected_by_planned = fields.Monetary(
        string="Collected by Planned Date",
        currency_field="currency_id",
        compute="_compute_collected",
        store=True,
        help="Payments reconciled with the installment from the first of the month up to "
        "the planned date (company currency; credit notes are not collections).",
    )
    collected_by_month_end = fields.Monetary(
        string="Collected by Month End",
        currency_field="currency_id",
        compute="_compute_collected",
        store=True,
        help="Payments reconciled with the installment during the month (company currency).",
    )
    credited_by_month_end = fields.Monetary(
        string="Credited by Month End",
        currency_field="currency_id",
        compute="_compute_collected",
        store=True,
        help="Credit notes reconciled with the installment during the month (company "
        "currency): not a collection, but no longer to collect; the collected share is "
        "measured against the planned amount less this.",
    )
    reminded_date = fields.Date(
        copy=False, help="Planned date already notified to the salesperson (one activity)."
    )
    note = fields.Char()

    @api.depends("month")
    def _compute_month_label(self):
        for record in self:
            record.month_label = record.month and record.month.strftime("%Y-%m") or False

    # ------------------------------------------------------------- collected
    @api.depends("move_line_id", "planned_date", "plan_id.month")
    def _compute_collected(self):
        """Set-based: one grouped read of the partial reconciliations of every line's
        installment, by day. A reconciliation with a credit note or an exchange-difference
        entry is not a collection; the amount is in company currency."""
        lines = self.filtered(lambda line: line.move_line_id and line.month)
        (self - lines).update(
            {
                "collected_by_planned": 0.0,
                "collected_by_month_end": 0.0,
                "credited_by_month_end": 0.0,
            }
        )
        if not lines:
            return
        exchange_journals = lines.company_id.sudo().currency_exchange_journal_id
        groups = (
            self.env["account.partial.reconcile"]
            .sudo()
            ._read_group(
                [
                    ("debit_move_id", "in", lines.move_line_id.ids),
                    ("max_date", ">=", min(lines.mapped("month"))),
                    ("credit_move_id.move_id.move_type", "!=", "out_refund"),
                    ("credit_move_id.journal_id", "not in", exchange_journals.ids),
                ],
                ["debit_move_id", "max_date:day"],
                ["amount:sum"],
            )
        )
        credits = (
            self.env["account.partial.reconcile"]
            .sudo()
            ._read_group(
                [
                    ("debit_move_id", "in", lines.move_line_id.ids),
                    ("max_date", ">=", min(lines.mapped("month"))),
                    ("credit_move_id.move_id.move_type", "=", "out_refund"),
                ],
                ["debit_move_id", "max_date:day"],
                ["amount:sum"],
            )
        )
        by_line = defaultdict(list)
        for move_line, day, amount in groups:
            by_line[move_line.id].append((day.date() if hasattr(day, "date") else day, amount))
        credited = defaultdict(list)
        for move_line, day, amount in credits:
            credited[move_line.id].append((day.date() if hasattr(day, "date") else day, amount))
        for line in lines:
            month_end = line.month + relativedelta(months=1, days=-1)
            paid = [(d, a) for d, a in by_line[line.move_line_id.id] if d >= line.month]
            line.collected_by_planned = sum(a for d, a in paid if d <= line.planned_date)
            line.collected_by_month_end = sum(a for d, a in paid if d <= month_end)
            line.credited_by_month_end = sum(
                a for d, a in credited[line.move_line_id.id] if line.month <= d <= month_end
            )

    @api.onchange("move_line_id")
    def _onchange_move_line_id(self):
        """Show the installment's invoice, customer, due date and open amount, and propose
        the planned date (``_default_planned_date``)."""
        move_line = self.move_line_id
        if move_line:
            self.move_id = move_line.move_id
            self.partner_id = move_line.move_id.commercial_partner_id
            self.date_maturity = move_line.date_maturity
            self.amount = move_line.amount_residual
            self.payment_method = move_line.move_id.commercial_partner_id.with_company(
                move_line.company_id
            ).payment_method
            if self.plan_id.month:
                self.planned_date = self._default_planned_date(move_line, self.plan_id)

    @api.constrains("move_line_id", "plan_id")
    def _check_salesperson(self):
        """A plan line for another salesperson's customer is refused."""
        for line in self.filtered("move_line_id"):
            responsible = line._responsible()
            if responsible != line.plan_id.user_id:
                raise ValidationError(
                    self.env._(
                        "The invoice %(invoice)s of %(customer)s belongs to %(owner)s, not to "
                        "%(user)s: it cannot be in his collection plan.",
                        invoice=line.sudo().move_id.name,
                        customer=line.sudo().partner_id.name,
                        owner=responsible.name or self.env._("no salesperson"),
                        user=line.plan_id.user_id.name,
                    )
                )

    @api.constrains("planned_date", "plan_id")
    def _check_planned_date(self):
        """The planned date is in the plan's month (plan vs actual by month end)."""
        for line in self:
            month_end = line.month + relativedelta(months=1, days=-1)
            if not line.month <= line.planned_date <= month_end:
                raise ValidationError(
                    self.env._(
                        "The planned date of %(invoice)s must be in %(month)s (got %(date)s).",
                        invoice=line.sudo().move_id.name or line.display_name,
                        month=line.month.strftime("%Y-%m"),
                        date=line.planned_date,
                    )
                )

    @api.constrains("amount")
    def _check_amount(self):
        for line in self:
            # open at the start of the month: still open now plus collected in the month
            open_amount = line.sudo().move_line_id.amount_residual + line.collected_by_month_end
            if line.move_line_id and line.currency_id.compare_amounts(line.amount, open_amount) > 0:
                raise ValidationError(
                    self.env._(
                        "The planned amount of %(invoice)s must not exceed the open amount of "
                        "the installment, %(open)s (got %(amount)s).",
                        invoice=line.sudo().move_id.name,
                        open=open_amount,
                        amount=line.amount,
                    )
                )
            if line.amount < 0:
                raise ValidationError(
                    self.env._(
                        "The planned amount of %(invoice)s must not be negative (got %(amount)s).",
                        invoice=line.sudo().move_id.name or line.display_name,
                        amount=line.amount,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("move_line_id"):
                raise ValidationError(
                    self.env._(
                        "A collection plan line needs a receivable installment (got a line "
                        "without one for %(customer)s).",
                        customer=self.env["res.partner"]
                        .sudo()
                        .browse(vals.get("partner_id"))
                        .display_name
                        or self.env._("no customer"),
                    )
                )
        vals_list = [self._installment_values(vals) for vals in vals_list]
        plans = self.env["business.collection.plan"].browse(
            [vals["plan_id"] for vals in vals_list if vals.get("plan_id")]
        )
        plans._check_draft()
        return super().create(vals_list)

    def write(self, vals):
        # the chase results (note) are recorded during the month, even on a frozen plan, and
        # the reminder job marks the lines it reminded of
        during_month = {"note", "reminded_date"} if self.env.su else {"note"}
        if set(vals) - during_month:
            self.plan_id._check_draft()
        if not self.env.su and {"move_line_id", *self._INSTALLMENT_FIELDS} & set(vals):
            raise AccessError(
                self.env._(
                    "The installment of a collection plan line cannot be changed: remove the "
                    "line and add another one."
                )
            )
        if (
            not self.env.su
            and not self.env.user.has_group("business_dept.group_business_assistant")
            and set(vals) - self._MANAGER_FIELDS
        ):
            raise AccessError(
                self.env._(
                    "A business manager only changes the planned date, method, amount and "
                    "note of his plan lines."
                )
            )
        return super().write(vals)

    def unlink(self):
        self.plan_id._check_draft()
        return super().unlink()

    @api.model
    def _update_collected(self, line_ids):
        """Recompute the collected amounts of lines written in SQL with zero: only those
        whose installment has a reconciliation dated in the plan's month can differ."""
        if not line_ids:
            return
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT l.id
                  FROM business_collection_plan_line l
                  JOIN account_partial_reconcile apr
                    ON apr.debit_move_id = l.move_line_id AND apr.max_date >= l.month
                 WHERE l.id = ANY(%s)
                """,
                list(line_ids),
            )
        )
        lines = self.browse([row[0] for row in self.env.cr.fetchall()])
        if not lines:
            return
        fnames = ["collected_by_planned", "collected_by_month_end", "credited_by_month_end"]
        for fname in fnames:
            self.env.add_to_compute(self._fields[fname], lines)
        lines.flush_recordset(fnames)

    def _schedule_collection_activities(self, activity_type):
        """The reminder (及时跟催) of each line: an activity on its invoice for the plan's
        salesperson, due on the legal deadline of the planned date (a day off moves it
        to the first working day after it, 民法典 第二百零三条), saying what is still owed."""
        deadlines = {}
        for company in self.company_id:
            lines = self.filtered(lambda ln, c=company: ln.company_id == c)
            for day, deadline in company._business_deadlines(lines.mapped("planned_date")).items():
                deadlines[company.id, day] = deadline
        for line in self:
            # the salesperson reads it in his language (the cron has none)
            env = self.with_context(lang=line.plan_id.user_id.lang).env
            methods = dict(self._fields["payment_method"]._description_selection(env))
            deadline = deadlines[line.company_id.id, line.planned_date]
            values = {
                # what is still owed on the installment, not the planned figure
                "amount": format_amount(env, line.move_line_id.amount_residual, line.currency_id),
                "partner": line.partner_id.name,
                "date": deadline,
            }
            if line.payment_method:
                summary = env._(
                    "Collect %(amount)s from %(partner)s on %(date)s (%(method)s)",
                    method=methods.get(line.payment_method),
                    **values,
                )
            else:
                summary = env._("Collect %(amount)s from %(partner)s on %(date)s", **values)
            line.move_id.activity_schedule(
                activity_type_id=activity_type.id,
                date_deadline=deadline,
                user_id=line.plan_id.user_id.id,
                summary=summary,
            )

    # ---------------------------------------------------------- installment
    def _responsible(self):
        """Salesperson of the line's invoice: the invoice's, else the customer's, the
        first still active; else the company's Business Director (the owner left)."""
        self.ensure_one()
        move = self.sudo().move_id
        return move.company_id._business_owner(
            move.invoice_user_id | move.commercial_partner_id.user_id
        )

    @api.model
    def _default_planned_date(self, move_line, plan):
        """The legal deadline (民法典 第二百零三条: a day off moves to the first working day
        after it) of the installment's due date, or of the month's first day when it is
        already overdue, within the plan's month."""
        month_end = plan.month + relativedelta(months=1, days=-1)
        start = max(move_line.date_maturity, plan.month)
        return min(plan.company_id._business_deadlines([start])[start], month_end)

    @api.model
    def _installment_values(self, vals):
        """Values copied from the installment when the line is made by hand."""
        move_line = self.env["account.move.line"].sudo().browse(vals["move_line_id"])
        move = move_line.move_id
        if (
            move.move_type != "out_invoice"
            or move.state != "posted"
            or move_line.account_type != "asset_receivable"
        ):
            raise ValidationError(
                self.env._(
                    "%(line)s is not a receivable installment of a posted customer invoice.",
                    line=move_line.display_name,
                )
            )
        plan = self.env["business.collection.plan"].browse(vals["plan_id"])
        result = {
            "move_id": move.id,
            "partner_id": move.commercial_partner_id.id,
            "date_maturity": move_line.date_maturity,
            "amount": move_line.amount_residual,
            "payment_method": move.commercial_partner_id.with_company(
                move.company_id
            ).payment_method,
            "planned_date": self._default_planned_date(move_line, plan),
        }
        # the web client sends the read-only columns empty and the amount as 0: the
        # installment's values win, the manager's choices only when given
        for key, value in vals.items():
            if key in self._INSTALLMENT_FIELDS:
                continue
            if key in ("amount", "planned_date", "payment_method") and not value:
                continue
            result[key] = value
        return result
