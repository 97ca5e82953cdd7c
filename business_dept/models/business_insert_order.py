from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_datetime

LOCKED_FIELDS = {"sale_order_id", "requested_date", "previous_date", "reason", "customer_urgency"}


class BusinessInsertOrder(models.Model):
    """Insert order request (紧急插单 / 插单申请表): a manager asks to deliver an order earlier;
    the director, and above the thresholds the general manager, approve it tier by tier
    (tier validation: the tier definitions of the addon, in sequence)."""

    _name = "business.insert.order"
    _description = "Insert Order"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "business.workflow.guard",
        "business.tier.validation",
        "tier.validation",
    ]
    _business_workflow_fields = ("state", "requested_by_id", "previous_date")
    _state_from = ["submitted"]
    _state_to = ["approved"]
    _cancel_state = "cancelled"
    _order = "id desc"

    name = fields.Char(string="Reference", required=True, copy=False, readonly=True, default="/")
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Sales Order",
        required=True,
        index=True,
        domain=[("state", "=", "sale")],
        tracking=True,
    )
    company_id = fields.Many2one(related="sale_order_id.company_id", store=True)
    partner_id = fields.Many2one(related="sale_order_id.partner_id", string="Customer")
    currency_id = fields.Many2one(related="sale_order_id.currency_id")
    amount_total = fields.Monetary(related="sale_order_id.amount_total", string="Order Amount")
    requested_by_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, readonly=True, copy=False
    )
    requested_date = fields.Datetime(
        string="Requested Delivery Date",
        required=True,
        tracking=True,
        help="The delivery date the customer needs; becomes the order's commitment date on "
        "approval.",
    )
    previous_date = fields.Datetime(
        string="Current Delivery Date",
        compute="_compute_previous_date",
        store=True,
        help="The order's commitment date (or its expected date) when the request was made; "
        "computed, never typed.",
    )
    pull_in_days = fields.Integer(
        string="Days Pulled In", compute="_compute_pull_in_days", store=True
    )
    reason = fields.Text(required=True)
    customer_urgency = fields.Char()
    state = fields.Selection(
        selection=[
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    gm_required = fields.Boolean(
        string="General Manager Approval",
        compute="_compute_gm_required",
        store=True,
        help="Set when the order amount in company currency or the days pulled in reach the "
        "thresholds of Settings (0 = always); read by the General Manager tier.",
    )
    displaced_order_ids = fields.Many2many(
        "sale.order",
        string="Displaced Orders",
        compute="_compute_displaced_order_ids",
        help="Open orders of the same products, from the same stock, whose deliveries come "
        "later once this order is moved forward.",
    )

    @api.depends("sale_order_id")
    def _compute_previous_date(self):
        for request in self:
            order = request.sale_order_id
            request.previous_date = order.commitment_date or order.expected_date

    @api.depends("previous_date", "requested_date", "company_id")
    def _compute_pull_in_days(self):
        """Days between the local days of the two dates (company's time zone)."""
        for request in self:
            if request.previous_date and request.requested_date:
                local = (request.company_id or self.env.company)._business_local_date
                delta = local(request.previous_date) - local(request.requested_date)
                request.pull_in_days = max(delta.days, 0)
            else:
                request.pull_in_days = 0

    @api.depends(
        "sale_order_id.amount_total",
        "sale_order_id.currency_rate",
        "pull_in_days",
        "company_id.insert_gm_amount",
        "company_id.insert_gm_days",
    )
    def _compute_gm_required(self):
        for request in self:
            company = request.company_id or self.env.company
            order = request.sale_order_id
            amount = order._business_amount_company() if order else 0.0
            request.gm_required = (
                amount >= company.insert_gm_amount or request.pull_in_days >= company.insert_gm_days
            )

    @api.depends("sale_order_id", "requested_date", "previous_date")
    def _compute_displaced_order_ids(self):
        displaced = self._displaced_orders()
        for request in self:
            request.displaced_order_ids = displaced.get(request.id, self.env["sale.order"])

    @api.constrains("requested_date", "previous_date")
    def _check_requested_date(self):
        for request in self:
            if request.previous_date and request.requested_date >= request.previous_date:
                raise ValidationError(
                    self.env._(
                        "An insert order brings the delivery forward: the requested date must "
                        "be before the current delivery date %(date)s.",
                        date=format_datetime(
                            self.env,
                            request.previous_date,
                            tz=(request.company_id or self.env.company)._business_tz(),
                        ),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("business.insert.order")
        return super().create(vals_list)

    def write(self, vals):
        """A submitted request is not edited: date, order, reason, current date."""
        if not self.env.su and LOCKED_FIELDS & set(vals):
            for request in self:
                if request.state != "draft":
                    raise UserError(
                        self.env._(
                            "Insert order %(name)s is submitted: its order, dates and reason "
                            "are no longer changed.",
                            name=request.name,
                        )
                    )
        return super().write(vals)

    def action_submit(self):
        """The Business Manager submits the request (插单申请表)."""
        if not self.env.user.has_group("business_dept.group_business_manager"):
            raise AccessError(self.env._("Only a Business Manager may request an insert order."))
        self._check_state("draft")
        self._check_servable()
        self._business_workflow_write({"state": "submitted", "requested_by_id": self.env.uid})
        self.request_validation()
        return True

    def _check_servable(self):
        """An insert order brings a delivery forward: refused, saying why, for an order that
        is not confirmed (cancelled, locked or back to quotation) or has nothing left to
        deliver."""
        for request in self:
            order = request.sale_order_id
            if order.state != "sale":
                raise UserError(
                    self.env._(
                        "Insert orders are requested for confirmed orders: %(order)s is %(state)s.",
                        order=order.name,
                        state=dict(order._fields["state"]._description_selection(self.env))[
                            order.state
                        ],
                    )
                )
            if not request._open_operations():
                raise UserError(
                    self.env._(
                        "%(order)s has nothing left to deliver: there is no delivery to bring "
                        "forward.",
                        order=order.name,
                    )
                )

    def action_approve(self, comment=None):
        """Approve the tier due now (tier validation); the last tier applies the request."""
        self._check_state("submitted")
        self._check_servable()
        return self._business_validate(comment)

    def action_reject(self, reason=None):
        """Reject the tier due now; a reason is required."""
        self._check_state("submitted")
        return self._business_reject(reason)

    def action_cancel(self):
        for request in self:
            if self.env.user != request.requested_by_id and not self.env.user.has_group(
                "business_dept.group_business_director"
            ):
                raise AccessError(
                    self.env._("Only the requester or a Business Director may cancel it.")
                )
        self._check_state("draft", "submitted")
        self._business_workflow_write({"state": "cancelled"})
        return True

    def _displaced_orders(self):
        """{request id: displaced orders}, with one query on stock moves for all requests:
        open deliveries of the same products from the same location, planned between the
        requested date and the order's current date."""
        Move = self.env["stock.move"].sudo()  # other salespeople's orders count too
        requests = self.filtered(lambda r: r.sale_order_id and r.requested_date)
        moves = Move.search(
            [
                ("sale_line_id.order_id", "in", requests.sale_order_id.ids),
                ("state", "not in", ("done", "cancel")),
                ("picking_code", "=", "outgoing"),
            ]
        )
        if not moves:
            return {}
        domain = [
            ("state", "not in", ("draft", "done", "cancel")),
            ("picking_code", "=", "outgoing"),
            ("sale_line_id", "!=", False),
            ("sale_line_id.order_id", "not in", requests.sale_order_id.ids),
            ("product_id", "in", moves.product_id.ids),
            ("location_id", "in", moves.location_id.ids),
            ("date", ">=", min(requests.mapped("requested_date"))),
        ]
        others = Move.search(domain)
        result = {}
        for request in requests:
            own = moves.filtered(lambda m, r=request: m.sale_line_id.order_id == r.sale_order_id)
            until = request.previous_date or max(own.mapped("date"), default=False)
            if not until:
                continue
            result[request.id] = others.filtered(
                lambda m, r=request, own=own, until=until: (
                    m.product_id in own.product_id
                    and m.location_id in own.location_id
                    and r.requested_date <= m.date <= until
                )
            ).sale_line_id.order_id.with_env(self.env)
        return result

    # Tier validation: the requester never reviews; the final tier applies the request.
    def _business_tier_requester(self):
        return self.requested_by_id or self.env.user

    def _business_tier_requesters(self):
        return self.requested_by_id | self.create_uid

    def _business_tier_validated(self, reviews):
        if self.validation_status == "validated" and self.state == "submitted":
            self._business_workflow_write({"state": "approved"})
            self._apply()

    def _business_tier_rejected(self, reviews, comment):
        self._business_workflow_write({"state": "rejected"})
        self.message_post(body=self.env._("Insert order rejected: %(reason)s", reason=comment))

    def _apply(self):
        """Final approval: the order's commitment date; every open operation serving the
        order (pick, pack and ship of its procurement group) scheduled no later than the
        new date and urgent; one activity naming them all for the warehouse; activities
        for the displaced orders' salespeople."""
        self.ensure_one()
        order = self.sale_order_id
        displaced = self.displaced_order_ids
        order.sudo().commitment_date = self.requested_date
        pickings = self._open_operations()
        pickings.filtered(lambda p: p.scheduled_date > self.requested_date).write(
            {"scheduled_date": self.requested_date}
        )
        pickings.write({"priority": "1"})
        self._notify_warehouse(pickings)
        for other in displaced.sudo():
            user = (
                other.company_id._business_owner(
                    other.user_id | other.partner_id.commercial_partner_id.user_id
                )
                or self.env.user
            )
            other.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=user.id,
                summary=self.with_context(lang=user.lang).env._(
                    "Delivery may come later: insert order %(name)s", name=self.name
                ),
            )
        order.message_post(
            body=self.env._(
                "Insert order %(name)s approved: commitment date moved to %(date)s.",
                name=self.name,
                date=format_datetime(
                    self.env, self.requested_date, tz=order.company_id._business_tz()
                ),
            )
        )

    def _open_operations(self):
        """Open transfers serving the order, every step and type (internal pick and pack
        included): those of its procurement group and its deliveries, in sudo."""
        self.ensure_one()
        order = self.sale_order_id.sudo()
        pickings = order.picking_ids
        if order.procurement_group_id:
            Picking = self.env["stock.picking"].sudo()
            pickings |= Picking.search([("group_id", "=", order.procurement_group_id.id)])
        return pickings.filtered(lambda p: p.state not in ("done", "cancel"))

    def _notify_warehouse(self, pickings):
        """One activity per warehouse user, on the operation to do first, naming every
        moved operation; for the operations' responsible, else the company's stock users."""
        self.ensure_one()
        if not pickings:
            return
        company = self.sale_order_id.company_id
        users = pickings.user_id.filtered(lambda u: not u.share and u.active)
        if not users:
            users = self.env.ref("stock.group_stock_user").users.filtered(
                lambda u: not u.share and u.active and company in u.company_ids
            )
        open_moves = pickings.move_ids
        first = pickings.filtered(lambda p: not (p.move_ids.move_orig_ids & open_moves))
        first = (first or pickings).sorted(lambda p: (p.scheduled_date, p.id))[0]
        names = ", ".join(pickings.sorted(lambda p: (p.scheduled_date, p.id)).mapped("name"))
        deadline = company._business_local_date(self.requested_date)
        for user in users:
            first.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=user.id,
                date_deadline=deadline,
                summary=self.with_context(lang=user.lang).env._(
                    "Insert order %(name)s: deliver first (%(pickings)s)",
                    name=self.name,
                    pickings=names,
                ),
                note=self.env._(
                    "Insert order %(name)s for %(order)s: these operations are urgent and "
                    "scheduled no later than %(date)s: %(pickings)s.",
                    name=self.name,
                    order=self.sale_order_id.name,
                    date=format_datetime(self.env, self.requested_date, tz=company._business_tz()),
                    pickings=names,
                ),
            )
