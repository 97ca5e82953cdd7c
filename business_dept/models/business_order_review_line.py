from pytz import utc

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

OPINIONS = [
    ("feasible", "Feasible (可行)"),
    ("conditional", "Feasible with Conditions (有条件可行)"),
    ("infeasible", "Not Feasible (不可行)"),
]


class BusinessOrderReviewLine(models.Model):
    """A department's column of the order review (订单评审表): its opinion, the delivery date
    it can commit to (交期), its conditions, who answered and when. Answered by the
    department only (``_business_answer``), never typed in the list."""

    _name = "business.order.review.line"
    _description = "Order Review Line"
    _order = "date_start desc, order_id, sequence, id"
    _rec_name = "department_id"
    _check_company_auto = True

    order_id = fields.Many2one(
        "sale.order", required=True, ondelete="cascade", index=True, readonly=True
    )
    department_id = fields.Many2one(
        "business.review.department",
        string="Reviewing Department",
        required=True,
        ondelete="restrict",
        readonly=True,
        check_company=True,
        context={"active_test": False},
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="order_id.partner_id", string="Customer", store=True)
    order_user_id = fields.Many2one(related="order_id.user_id", string="Salesperson", store=True)
    sequence = fields.Integer(readonly=True)
    required = fields.Boolean(readonly=True)
    date_start = fields.Datetime(string="Review Signed", readonly=True)
    review_date = fields.Date(
        string="Review Day", readonly=True, help="Local day of the signature (the month counted)."
    )
    deadline = fields.Datetime(readonly=True, help="End of the department's share of the review.")
    reminder_date = fields.Datetime(readonly=True)
    opinion = fields.Selection(OPINIONS, readonly=True)
    commit_date = fields.Date(string="Committed Date (交期)", readonly=True)
    comment = fields.Text(string="Conditions / Comment", readonly=True)
    answer_user_id = fields.Many2one("res.users", string="Answered By", readonly=True)
    answer_date = fields.Datetime(string="Answered On", readonly=True)
    answer_days = fields.Float(
        string="Working Days to Answer", readonly=True, aggregator="avg", digits=(16, 2)
    )
    state = fields.Selection(
        [("waiting", "Waiting"), ("answered", "Answered")],
        compute="_compute_state",
        store=True,
        index=True,
    )
    on_time = fields.Boolean(compute="_compute_state", store=True)
    on_time_count = fields.Integer(
        string="Answered on Time", compute="_compute_state", store=True, aggregator="sum"
    )
    on_time_rate = fields.Float(
        string="On-time Rate (%)",
        compute="_compute_state",
        store=True,
        aggregator="avg",
        help="In a pivot: answered on time / answered (the ratio of the sums).",
    )
    late = fields.Boolean(compute="_compute_late", search="_search_late")
    is_mine = fields.Boolean(
        string="My Department", compute="_compute_is_mine", search="_search_is_mine"
    )
    reminded = fields.Boolean(readonly=True)
    escalated = fields.Boolean(readonly=True)
    activity_ids = fields.Many2many("mail.activity", string="Activities", readonly=True)
    facts_html = fields.Html(string="Facts", compute="_compute_facts_html", sanitize=False)

    @api.depends("answer_date", "deadline")
    def _compute_state(self):
        for line in self:
            answered = bool(line.answer_date)
            line.state = "answered" if answered else "waiting"
            line.on_time = answered and (not line.deadline or line.answer_date <= line.deadline)
            line.on_time_count = int(line.on_time)
            line.on_time_rate = (100.0 if line.on_time else 0.0) if answered else 0.0

    def _compute_late(self):
        now = fields.Datetime.now()
        for line in self:
            line.late = bool(line.deadline and (line.answer_date or now) > line.deadline)

    def _search_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on a late flag."))
        domain = [
            ("deadline", "!=", False),
            "|",
            "&",
            ("state", "=", "waiting"),
            ("deadline", "<", fields.Datetime.now()),
            "&",
            ("state", "=", "answered"),
            ("on_time", "=", False),
        ]
        return domain if (operator == "=") == value else ["!", *domain]

    def _compute_is_mine(self):
        for line in self:
            line.is_mine = line.department_id._business_is_reviewer(self.env.user)

    def _search_is_mine(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on my department."))
        user = self.env.user
        departments = (
            self.env["business.review.department"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    "|",
                    ("user_ids", "in", user.ids),
                    "&",
                    ("user_ids", "=", False),
                    ("group_id", "in", user.groups_id.ids),
                ]
            )
        )
        domain = [("department_id", "in", departments.ids)]
        return domain if (operator == "=") == value else ["!", *domain]

    @api.depends("order_id", "department_id")
    def _compute_facts_html(self):
        orders = self.order_id.sudo()
        kinds = {
            "finance": orders.filtered(
                lambda o: o in self.filtered("department_id.fact_finance").order_id
            )._business_review_facts_finance(),
            "stock": orders.filtered(
                lambda o: o in self.filtered("department_id.fact_stock").order_id
            )._business_review_facts_stock(),
            "purchase": orders.filtered(
                lambda o: o in self.filtered("department_id.fact_purchase").order_id
            )._business_review_facts_purchase(),
        }
        for line in self:
            line.facts_html = self.env["ir.qweb"]._render(
                "business_dept.order_review_line_facts",
                {
                    "line": line,
                    "finance": kinds["finance"].get(line.order_id.id),
                    "stock": kinds["stock"].get(line.order_id.id, []),
                    "purchase": kinds["purchase"].get(line.order_id.id, []),
                    "format_date": lambda day, company=line.company_id: fields.Date.to_string(
                        company._business_local_date(day)
                    ),
                },
            )

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        """The on-time rate of several lines is the ratio of the sums (answered on time /
        answered), as ``purchase_stock``'s vendor delay report does."""
        if aggregate_spec == "on_time_rate:avg":
            return SQL(
                "SUM(%s) * 100.0 / NULLIF(SUM(CASE WHEN %s = 'answered' THEN 1 ELSE 0 END), 0)",
                self._field_to_sql(self._table, "on_time_count", query),
                self._field_to_sql(self._table, "state", query),
            )
        return super()._read_group_select(aggregate_spec, query)

    # ------------------------------------------------------------------ workflow
    def _business_check_answer(self, opinion, commit_date, comment):
        self.ensure_one()
        user, order = self.env.user, self.order_id.sudo()
        if not self.department_id._business_is_reviewer(user):
            raise AccessError(
                self.env._(
                    "Only a reviewer of %(department)s answers its column of %(order)s.",
                    department=self.department_id.name,
                    order=order.name,
                )
            )
        if self.department_id.is_start:
            raise UserError(
                self.env._("This column is answered by the General Manager's signature.")
            )
        if self.state == "answered":
            raise UserError(
                self.env._(
                    "%(department)s already answered the review of %(order)s.",
                    department=self.department_id.name,
                    order=order.name,
                )
            )
        if order.state != "sale" or not order.review_start_date or order.review_received_date:
            raise UserError(self.env._("The review of %(order)s is not open.", order=order.name))
        if order.review_decision:
            raise UserError(
                self.env._(
                    "The manager already decided on the review of %(order)s.", order=order.name
                )
            )
        if user == order.user_id:
            raise UserError(
                self.env._("Nobody reviews his own order (%(order)s).", order=order.name)
            )
        if opinion not in dict(OPINIONS):
            raise UserError(self.env._("Give the department's opinion."))
        if opinion != "infeasible" and not commit_date:
            raise UserError(self.env._("Give the delivery date the department commits to (交期)."))
        if opinion != "feasible" and not (comment or "").strip():
            raise UserError(self.env._("Give the conditions or the reasons."))
        if commit_date and commit_date < self.company_id._business_local_today():
            raise UserError(self.env._("The committed date cannot be in the past."))

    def _business_answer(self, opinion, commit_date=False, comment=False):
        """The department answers (its reviewer only, while the review is open)."""
        self._business_check_answer(opinion, commit_date, comment)
        now = fields.Datetime.now()
        self.sudo().write(
            {
                "opinion": opinion,
                "commit_date": commit_date if opinion != "infeasible" else False,
                "comment": comment,
                "answer_user_id": self.env.uid,
                "answer_date": now,
                "answer_days": self._business_working_days(self.date_start, now),
            }
        )
        # the opinion as the answering reviewer reads it (his language)
        opinions = dict(self._fields["opinion"]._description_selection(self.env))
        self.sudo().activity_ids.exists().action_feedback(feedback=opinions[opinion])
        self.order_id.sudo()._business_review_progress()
        return True

    def _business_working_days(self, start, end):
        """Working days from ``start`` to ``end`` on the company's calendar (holidays and
        make-up workdays counted), in days of the calendar's length."""
        self.ensure_one()
        calendar = self.company_id.resource_calendar_id
        if not (calendar and start and end) or end <= start:
            return 0.0
        hours = calendar.get_work_hours_count(
            utc.localize(start), utc.localize(end), compute_leaves=True
        )
        return round(hours / (calendar.hours_per_day or 8.0), 2)

    def action_answer(self):
        """The small form to answer (the department's reviewers only)."""
        self.ensure_one()
        self._business_check_answer("feasible", self.company_id._business_local_today(), "-")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Answer the Review"),
            "res_model": "business.order.review.answer",
            "view_mode": "form",
            "target": "new",
            "context": {"default_line_id": self.id},
        }

    def action_open_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.order_id.id,
            "view_mode": "form",
        }
