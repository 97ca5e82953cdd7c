from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from pytz import timezone

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL


class BusinessCollectionPlan(models.Model):
    """Collection plan (应收款项跟催计划, duty 3.3.4: 提前做好当月应收款项跟催计划): per
    salesperson and month, one line per receivable installment due in the month or already
    overdue. Made before the month starts (last working day, or by hand), frozen when the
    month starts so that plan and actual stay auditable."""

    _name = "business.collection.plan"
    _description = "Collection Plan"
    _inherit = ["mail.thread", "mail.activity.mixin", "business.workflow.guard"]
    _business_workflow_fields = ("state",)
    _order = "month desc, user_id"

    _sql_constraints = [
        (
            "user_month_unique",
            "UNIQUE(company_id, user_id, month)",
            "A salesperson has one collection plan per month.",
        )
    ]

    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        required=True,
        domain=lambda self: [
            ("groups_id", "in", self.env.ref("sales_team.group_sale_salesman").ids)
        ],
        index=True,
        tracking=True,
        help="Salesperson of the invoices (the invoice's salesperson, else the customer's).",
    )
    month = fields.Date(required=True, index=True, help="First day of the planned month.")
    month_label = fields.Char(
        string="Month", compute="_compute_month_label", help="The month as YYYY-MM."
    )
    state = fields.Selection(
        selection=[("draft", "Draft"), ("frozen", "Frozen")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
        help="Frozen when the month starts (company time zone): the plan can no longer change.",
    )
    line_ids = fields.One2many("business.collection.plan.line", "plan_id", string="Lines")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(
        string="Planned", compute="_compute_totals", currency_field="currency_id"
    )
    collected_by_planned = fields.Monetary(
        string="Collected by Planned Date", compute="_compute_totals", currency_field="currency_id"
    )
    collected_by_month_end = fields.Monetary(
        string="Collected by Month End", compute="_compute_totals", currency_field="currency_id"
    )
    credited_by_month_end = fields.Monetary(
        string="Credited by Month End", compute="_compute_totals", currency_field="currency_id"
    )

    planned_move_line_ids = fields.Many2many(
        "account.move.line",
        compute="_compute_planned_move_line_ids",
        help="Installments already in the plan (hidden when adding a line).",
    )

    @api.depends("user_id", "month")
    def _compute_display_name(self):
        for plan in self:
            plan.display_name = self.env._(
                "Collection Plan %(month)s %(user)s",
                month=plan.month and plan.month.strftime("%Y-%m") or "",
                user=plan.user_id.name or "",
            )

    @api.depends("month")
    def _compute_month_label(self):
        for record in self:
            record.month_label = record.month and record.month.strftime("%Y-%m") or False

    @api.depends("line_ids.move_line_id")
    def _compute_planned_move_line_ids(self):
        for plan in self:
            plan.planned_move_line_ids = plan.line_ids.move_line_id

    @api.depends(
        "line_ids.amount",
        "line_ids.collected_by_planned",
        "line_ids.collected_by_month_end",
        "line_ids.credited_by_month_end",
    )
    def _compute_totals(self):
        groups = self.env["business.collection.plan.line"]._read_group(
            [("plan_id", "in", self.ids)],
            ["plan_id"],
            [
                "amount:sum",
                "collected_by_planned:sum",
                "collected_by_month_end:sum",
                "credited_by_month_end:sum",
            ],
        )
        totals = {plan.id: rest for plan, *rest in groups}
        for plan in self:
            (
                plan.amount,
                plan.collected_by_planned,
                plan.collected_by_month_end,
                plan.credited_by_month_end,
            ) = totals.get(plan.id, (0.0, 0.0, 0.0, 0.0))

    @api.constrains("user_id")
    def _check_salesperson_user(self):
        """The plan is a salesperson's: a user of the sales groups, when made or changed by
        hand (generation follows the invoices' salesperson, whoever he is)."""
        if self.env.su:
            return
        for plan in self:
            if not plan.user_id.has_group("sales_team.group_sale_salesman"):
                raise ValidationError(
                    self.env._(
                        "%(user)s is not a salesperson (sales group): no collection plan for him.",
                        user=plan.user_id.name,
                    )
                )

    @api.constrains("month")
    def _check_month(self):
        for plan in self:
            if plan.month.day != 1:
                raise ValidationError(
                    self.env._(
                        "The month of %(plan)s must be the first day of a month (got %(day)s).",
                        plan=plan.display_name,
                        day=plan.month,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                month = fields.Date.to_date(vals.get("month"))
                if month and month <= company._business_local_today():
                    raise UserError(
                        self.env._(
                            "%(month)s: the month has already started; a collection plan is "
                            "made before its month.",
                            month=month.strftime("%Y-%m"),
                        )
                    )
        return super().create(vals_list)

    def write(self, vals):
        changed = {f for f in vals if not f.startswith(("message_", "activity_"))}
        notes_only = changed == {"line_ids"} and all(
            command[0] == Command.UPDATE and set(command[2]) == {"note"}
            for command in vals["line_ids"]
        )
        if changed and not notes_only and not (self.env.su and changed == {"state"}):
            self._check_draft()
        if (
            changed - {"line_ids"}
            and not self.env.su
            and not self.env.user.has_group("business_dept.group_business_assistant")
        ):
            raise AccessError(
                self.env._("A business manager only changes the lines of his collection plan.")
            )
        return super().write(vals)

    def unlink(self):
        self._check_draft()
        return super().unlink()

    def action_generate_next_month(self):
        """Button: the plans of the next month (company's local today) for the company."""
        self._check_generate_access()
        company = self.env.company
        month = company._business_local_today() + relativedelta(months=1, day=1)
        plans = self.sudo()._generate_plans(month, company)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Collection Plans"),
            "res_model": self._name,
            "view_mode": "list,form",
            "domain": [("id", "in", plans.ids)],
        }

    # ------------------------------------------------------------------ frozen
    def _month_started(self):
        """The plans whose month has started in their company's time zone (local day),
        whatever the hourly freeze job did."""
        started = self.browse()
        for company in self.company_id:
            today = company._business_local_today()
            started |= self.filtered(
                lambda p, c=company, t=today: p.company_id == c and p.month <= t
            )
        return started

    def _check_draft(self):
        frozen = self.filtered(lambda p: p.state == "frozen") | self._month_started()
        if frozen:
            raise UserError(
                self.env._(
                    "%(plans)s: the plan is frozen since its month started and can no longer "
                    "be changed.",
                    plans=", ".join(frozen.mapped("display_name")),
                )
            )

    @api.model
    def _cron_freeze_plans(self):
        """Hourly: a plan is frozen as soon as its month has started in its company's time
        zone (just after local midnight of the 1st)."""
        frozen = self.browse()
        for company in self.env["res.company"].search([]):
            today = company._business_local_today()
            plans = self.search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "draft"),
                    ("month", "<=", today),
                ]
            )
            plans.sudo().write({"state": "frozen"})
            frozen |= plans
        return frozen

    # -------------------------------------------------------------- generation
    def _check_generate_access(self):
        user = self.env.user
        if not self.env.su and not user.has_group("business_dept.group_business_assistant"):
            raise AccessError(
                self.env._("Only a business assistant or director generates collection plans.")
            )

    @api.model
    def _generate_plans(self, month, companies=None):
        """One plan per salesperson of ``month`` (first day) with one line per open
        receivable installment due in the month or overdue, set-based and idempotent: an
        existing draft plan gets the missing lines only, a frozen plan is left alone.

        A line is planned on the legal deadline of its due date, or of the month's first
        day for an installment already overdue: a day off moves it to the first working
        day after it (民法典 第二百零三条, ``res.company._business_days_off_sql``), within
        the month.

        The salesperson of an installment is the invoice's salesperson, else the
        customer's (commercial partner's) salesperson, the first of them still active: a
        salesperson who left (archived) plans nothing, his installments go to the
        customer's salesperson, else to the company's Business Director
        (``res.company._business_director``); installments with none of them are left out.

        :return: the plans of the month (new and existing) of ``companies``
        """
        month = month.replace(day=1)
        companies = companies or self.env["res.company"].search([])
        self.env.flush_all()
        open_lines = self._open_installments_sql(month, companies)
        self.env.cr.execute(SQL("SELECT DISTINCT company_id, user_id FROM (%s) o", open_lines))
        pairs = set(self.env.cr.fetchall())
        existing = self.search([("company_id", "in", companies.ids), ("month", "=", month)])
        known = {(p.company_id.id, p.user_id.id) for p in existing}
        # the salespeople follow their plan; no "assigned to you" mail each month
        self.with_context(mail_auto_subscribe_no_notify=True).create(
            [
                {"company_id": company_id, "user_id": user_id, "month": month}
                for company_id, user_id in sorted(pairs - known)
            ]
        )
        # the draft plans drop the lines whose invoice is no longer posted (cancelled,
        # reset to draft) or whose installment is gone
        self.env["business.collection.plan.line"].search(
            [
                ("plan_id.state", "=", "draft"),
                ("plan_id.month", "=", month),
                ("plan_id.company_id", "in", companies.ids),
                "|",
                ("move_line_id", "=", False),
                ("move_line_id.parent_state", "!=", "posted"),
            ]
        ).unlink()
        self.env.flush_all()
        line_ids = self._insert_plan_lines(month, companies, open_lines)
        self.env["business.collection.plan.line"]._update_collected(line_ids)
        self.env.invalidate_all()
        plans = self.search([("company_id", "in", companies.ids), ("month", "=", month)])
        # made late (the month has started): frozen at once, with its lines
        plans.filtered(lambda p: p.state == "draft")._month_started().sudo().write(
            {"state": "frozen"}
        )
        return plans

    @api.model
    def _open_installments_sql(self, month, companies):
        """The open receivable installments of ``companies`` due by the end of ``month`` or
        overdue, not yet in a plan of the month, with their salesperson (see
        ``_generate_plans``) and the customer's payment method in the company."""
        return SQL(
            """
            SELECT aml.id AS move_line_id, aml.company_id, am.id AS move_id,
                   am.commercial_partner_id AS partner_id, aml.date_maturity,
                   aml.amount_residual AS amount,
                   %(salesperson)s AS user_id,
                   %(payment_method)s AS payment_method
              FROM account_move_line aml
              JOIN account_move am ON am.id = aml.move_id
              JOIN res_partner cp ON cp.id = am.commercial_partner_id
              JOIN account_account acc ON acc.id = aml.account_id
              LEFT JOIN res_users iu ON iu.id = am.invoice_user_id AND iu.active
              LEFT JOIN res_users cu ON cu.id = cp.user_id AND cu.active
              LEFT JOIN (VALUES %(directors)s) d(company_id, user_id)
                ON d.company_id = aml.company_id
             WHERE aml.company_id IN %(companies)s
               AND aml.parent_state = 'posted'
               AND am.move_type = 'out_invoice'
               AND acc.account_type = 'asset_receivable'
               AND NOT aml.reconciled
               AND aml.amount_residual > 0
               AND aml.date_maturity <= %(month_end)s
               AND %(salesperson)s IS NOT NULL
               AND NOT EXISTS (
                   SELECT 1 FROM business_collection_plan_line l
                     JOIN business_collection_plan p ON p.id = l.plan_id
                    WHERE l.move_line_id = aml.id AND p.month = %(month)s)
            """,
            companies=tuple(companies.ids),
            salesperson=SQL("COALESCE(iu.id, cu.id, d.user_id)"),
            directors=SQL(", ").join(
                SQL("(%s, %s::int)", c.id, c._business_director().id or None) for c in companies
            ),
            month=month,
            month_end=month + relativedelta(months=1, days=-1),
            # the payment method the customer agreed with the installment's company
            payment_method=self.env["res.partner"]._company_value_sql(
                "payment_method", "cp", SQL("aml.company_id")
            ),
        )

    @api.model
    def _insert_plan_lines(self, month, companies, open_lines):
        """The lines of the draft plans, in one statement into the addon's own table (20,000
        installments in a second; the collected amounts follow in ``_update_collected``).
        The installments are read once (materialized), then joined to the plans by hash:
        their computed salesperson defeats the planner's estimate, and a nested loop would
        read them again for every plan.
        :return: the new line ids"""
        self.env.cr.execute(
            SQL(
                """
                WITH o AS MATERIALIZED (%(open)s)
                INSERT INTO business_collection_plan_line
                       (plan_id, company_id, user_id, month, move_line_id, move_id,
                        partner_id, date_maturity, amount, planned_date, payment_method,
                        collected_by_planned, collected_by_month_end, credited_by_month_end,
                        create_uid, write_uid, create_date, write_date)
                SELECT p.id, o.company_id, p.user_id, p.month, o.move_line_id, o.move_id,
                       o.partner_id, o.date_maturity, o.amount,
                       COALESCE(dl.planned, GREATEST(o.date_maturity, %(month)s)),
                       o.payment_method, 0, 0, 0,
                       %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
                  FROM o
                  JOIN business_collection_plan p
                    ON p.company_id = o.company_id AND p.user_id = o.user_id
                   AND p.month = %(month)s AND p.state = 'draft'
             LEFT JOIN (%(planned)s) dl
                    ON dl.company_id = o.company_id
                   AND dl.day = GREATEST(o.date_maturity, %(month)s)
                RETURNING id
                """,
                open=open_lines,
                month=month,
                planned=self._planned_dates_sql(month, companies),
                uid=self.env.uid,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _planned_dates_sql(self, month, companies):
        """SQL relation (company_id, day, planned) of every day of ``month`` and the date
        a line starting on it is planned on: its legal deadline (a day off moves to the
        first working day after it, 民法典 第二百零三条), within the month. One look-up
        per company for the month's days, not one per installment."""
        month_end = month + relativedelta(months=1, days=-1)
        days = [month + timedelta(days=n) for n in range(month_end.day)]
        rows = [
            (company.id, day, min(deadline, month_end))
            for company in companies
            for day, deadline in company._business_deadlines(days).items()
        ]
        return SQL(
            "SELECT * FROM unnest(%s::int[], %s::date[], %s::date[])"
            " AS t(company_id, day, planned)",
            [row[0] for row in rows],
            [row[1] for row in rows],
            [row[2] for row in rows],
        )

    @api.model
    def _business_last_working_day(self, company, day):
        """True when no working day of ``company``'s calendar follows ``day`` in its month
        (the last working day, or a day off after it: the run is idempotent)."""
        calendar = company.resource_calendar_id
        month_end = day + relativedelta(months=1, day=1, days=-1)
        if not calendar or day >= month_end:
            return True
        zone = timezone(company._business_tz())
        start = zone.localize(datetime.combine(day + timedelta(days=1), time.min))
        end = zone.localize(datetime.combine(month_end, time.max))
        intervals = calendar._work_intervals_batch(start, end, tz=zone)[False]
        return not any(True for __ in intervals)

    @api.model
    def _cron_generate_plans(self):
        """Daily: on the last working day of the month (company calendar, local day), the
        plans of the next month."""
        result = self.browse()
        for company in self.env["res.company"].search([]):
            today = company._business_local_today()
            if self._business_last_working_day(company, today):
                month = today + relativedelta(months=1, day=1)
                result |= self._generate_plans(month, company)
        return result

    # --------------------------------------------------------------- reminders
    @api.model
    def _cron_collection_reminders(self):
        """Daily: an activity for the salesperson on the invoice of each plan line whose
        planned date is within the company's ``collection_reminder_days`` working days
        (及时跟催), once per line and planned date; lines fully collected are skipped."""
        Line = self.env["business.collection.plan.line"]
        due = Line.browse()
        for company in self.env["res.company"].search([]):
            due |= self._collection_lines_due(company)
        activity_type = self.env.ref("business_dept.mail_activity_type_collection")
        # one reminder per invoice at a time: an installment in two plans (due on the last
        # day of a month, overdue in the next) or an invoice already having an open
        # collection activity gets no second one
        open_moves = set(
            self.env["mail.activity"]
            .search(
                [
                    ("res_model", "=", "account.move"),
                    ("res_id", "in", due.move_id.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
            .mapped("res_id")
        )
        first = {}
        for line in due.sorted(lambda ln: (ln.planned_date, ln.id)):
            if line.move_id.id not in open_moves:
                first.setdefault(line.move_id.id, line)
        due = Line.browse([line.id for line in first.values()])
        due._schedule_collection_activities(activity_type)
        for planned_date, lines in due.grouped("planned_date").items():
            lines.sudo().write({"reminded_date": planned_date})
        return due

    @api.model
    def _collection_lines_due(self, company):
        """Plan lines of ``company`` planned within its reminder days (working days of its
        calendar from its local today), still owed and not reminded for that date."""
        Line = self.env["business.collection.plan.line"]
        today = company._business_local_today()
        calendar = company.resource_calendar_id
        days = company.collection_reminder_days
        last = today
        if calendar and days:
            deadline = calendar._business_deadlines([company._business_utc_start(today)], days)[0]
            last = company._business_local_date(deadline) if deadline else today
        elif days:
            last = today + timedelta(days=days)
        lines = Line.search(
            [
                ("company_id", "=", company.id),
                ("planned_date", ">=", today),
                ("planned_date", "<=", last),
                ("move_id", "!=", False),
                # not settled, not cancelled: the installment is still owed
                ("move_line_id.parent_state", "=", "posted"),
                ("move_line_id.amount_residual", ">", 0),
            ]
        )
        return lines.filtered(
            lambda line: (
                line.reminded_date != line.planned_date and line.collected_by_planned < line.amount
            )
        )
