from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date

from .tier_review import in_tier_engine

DECISIONS = [
    ("accept", "Date Accepted"),
    ("renegotiate", "Renegotiate with the Customer"),
    ("cancel", "Cancel the Order"),
]
DECISION_FIELDS = (
    "review_decision",
    "review_decision_note",
    "review_decision_user_id",
    "review_decision_date",
    "review_notified_outcome",
)


class SaleOrder(models.Model):
    """The order review (订单评审) as the departments' review form: a line per department,
    the outcome when every required department answered, the manager's decision."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    review_line_ids = fields.One2many(
        "business.order.review.line", "order_id", string="Department Reviews", copy=False
    )
    review_waiting_department_ids = fields.Many2many(
        "business.review.department",
        "sale_order_review_waiting_rel",
        "order_id",
        "department_id",
        string="Review Waits For",
        compute="_compute_review_outcome",
        store=True,
        help="Required departments that have not answered the order review yet.",
    )
    review_outcome = fields.Selection(
        [("open", "In Review"), ("complete", "Feasible"), ("refused", "Not Feasible")],
        compute="_compute_review_outcome",
        store=True,
        index=True,
    )
    review_committed_date = fields.Date(
        string="Proposed Delivery Date",
        compute="_compute_review_outcome",
        store=True,
        help="The latest date the departments committed to (交期).",
    )
    review_decision = fields.Selection(DECISIONS, string="Manager's Decision", copy=False)
    review_decision_note = fields.Text(string="Decision Note", copy=False)
    review_decision_user_id = fields.Many2one("res.users", string="Decided By", copy=False)
    review_decision_date = fields.Datetime(string="Decided On", copy=False)
    review_notified_outcome = fields.Char(copy=False)

    @api.depends(
        "review_line_ids.state",
        "review_line_ids.opinion",
        "review_line_ids.commit_date",
        "review_line_ids.required",
    )
    def _compute_review_outcome(self):
        for order in self:
            lines = order.review_line_ids
            required = lines.filtered("required")
            answered = lines.filtered(lambda line: line.state == "answered")
            order.review_waiting_department_ids = (required - answered).department_id
            dates = [day for day in answered.mapped("commit_date") if day]
            order.review_committed_date = max(dates) if dates else False
            if not lines:
                order.review_outcome = False
            elif (required & answered).filtered(lambda line: line.opinion == "infeasible"):
                order.review_outcome = "refused"
            elif required <= answered:
                order.review_outcome = "complete"
            else:
                order.review_outcome = "open"

    def _business_check_workflow_fields(self, vals_list, creating=False):
        super()._business_check_workflow_fields(vals_list, creating=creating)
        if in_tier_engine(self.env):
            return
        if any(vals.get(fname) for vals in vals_list for fname in DECISION_FIELDS):
            raise AccessError(
                self.env._("The manager's decision on the review is recorded by its button only.")
            )

    def _business_department_days(self, department):
        """Working days of ``department`` within the company's review time (its own share,
        else the whole time: every department in parallel)."""
        self.ensure_one()
        total = self.company_id.review_working_days
        return min(department.review_days or total, total)

    def action_review_sign(self):
        result = super().action_review_sign()
        self.env["business.order.review.line"].sudo()._business_open_reviews(self)
        return result

    def action_review_receive(self):
        """The assistant hands the reviewed form over (接收日期) once the departments have
        reviewed it: every required department answered, or the manager decided on a
        不可行. The departments' open to-dos are closed with it."""
        for order in self.filtered("review_line_ids"):
            if order.review_outcome == "open" or (
                order.review_outcome == "refused" and not order.review_decision
            ):
                waiting = order.review_waiting_department_ids.mapped("name")
                raise UserError(
                    self.env._(
                        "The review of %(order)s is not finished: it waits for %(departments)s.",
                        order=order.name,
                        departments=", ".join(waiting) or self.env._("the manager's decision"),
                    )
                )
        result = super().action_review_receive()
        self.review_line_ids.activity_ids.sudo().unlink()
        return result

    def _business_start_again(self):
        reviewed = self.filtered("review_line_ids")
        result = super()._business_start_again()
        if reviewed:
            reviewed.review_line_ids.activity_ids.sudo().unlink()
            reviewed.review_line_ids.sudo().unlink()
            reviewed._business_workflow_write(dict.fromkeys(DECISION_FIELDS, False))
        return result

    def _business_review_progress(self):
        """Complete, or 不可行 from a required department: back to the manager (the order's
        salesperson) with the proposed date or the reasons (activity + chatter), once per
        outcome."""
        for order in self.filtered(lambda o: o.review_outcome in ("complete", "refused")):
            if order.review_notified_outcome == order.review_outcome:
                continue
            order._business_workflow_write({"review_notified_outcome": order.review_outcome})
            if order.review_outcome == "refused":
                reasons = order.review_line_ids.filtered(lambda line: line.opinion == "infeasible")
                body = self.env._(
                    "Order review: not feasible (不可行) for %(departments)s: %(reasons)s",
                    departments=", ".join(reasons.department_id.mapped("name")),
                    reasons="; ".join(
                        f"{line.department_id.name}: {line.comment}" for line in reasons
                    ),
                )
            else:
                body = self.env._(
                    "Order review complete: the departments commit to %(date)s.",
                    date=format_date(self.env, order.review_committed_date) or "-",
                )
            order.message_post(body=body, subtype_xmlid="mail.mt_note")
            owner = order.company_id._business_owner(order.user_id)
            if owner:
                order.activity_schedule(
                    "business_dept.mail_activity_type_review_decision",
                    user_id=owner.id,
                    summary=self.env._("Order review: decide"),
                    note=body,
                )

    def _business_review_decide(self, decision, note=False):
        """The manager's decision on the reviewed order: accept the proposed date,
        renegotiate with the customer, or cancel (the salesperson of the order or a
        director; the review complete or refused, not decided yet)."""
        self._business_check_group(
            "business_dept.group_business_manager", self.env._("Business Manager")
        )
        user = self.env.user
        for order in self:
            if order.user_id != user and not user.has_group(
                "business_dept.group_business_director"
            ):
                raise AccessError(
                    self.env._("Only the order's salesperson or a director decides on its review.")
                )
            if order.review_decision or order.review_outcome not in ("complete", "refused"):
                raise UserError(
                    self.env._("The review of %(order)s waits for no decision.", order=order.name)
                )
            if decision not in dict(DECISIONS):
                raise UserError(self.env._("Choose a decision."))
            if decision == "accept" and order.review_outcome != "complete":
                raise UserError(self.env._("A review found not feasible has no date to accept."))
            if decision != "accept" and not (note or "").strip():
                raise UserError(
                    self.env._("Say what is renegotiated or why the order is cancelled.")
                )
        self._business_workflow_write(
            {
                "review_decision": decision,
                "review_decision_note": note,
                "review_decision_user_id": user.id,
                "review_decision_date": fields.Datetime.now(),
            }
        )
        for order in self:
            order.message_post(
                body=self.env._(
                    "Manager's decision on the order review: %(decision)s. %(note)s",
                    decision=dict(self._fields["review_decision"]._description_selection(self.env))[
                        decision
                    ],
                    note=note or "",
                ),
                subtype_xmlid="mail.mt_note",
            )
        self.activity_feedback(["business_dept.mail_activity_type_review_decision"])
        return True

    def action_review_decide(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Decide on the Review"),
            "res_model": "business.order.review.decide",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }
