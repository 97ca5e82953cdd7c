from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import float_is_zero, format_date
from odoo.tools.sql import create_index


class SaleOrder(models.Model):
    """Sales rules of the business department (业务部管理制度) on the standard order."""

    _name = "sale.order"
    _inherit = [
        "sale.order",
        "business.workflow.guard",
        "business.tier.validation",
        "tier.validation",
    ]
    _business_workflow_fields = (
        "signoff_user_id",
        "signoff_date",
        "review_start_date",
        "review_received_date",
    )

    # Order review (订单评审): start = the General Manager's signature in the
    # business column of the review form (订单评审表起始日期按业务部评审一栏总经理签字日期为准);
    # end = the assistant hands the reviewed order over (在评审表上注明接收日期).
    review_start_date = fields.Datetime(string="Review Signed", copy=False, tracking=True)
    review_deadline = fields.Datetime(
        compute="_compute_review_deadline",
        store=True,
        help="End of the last working day of the review on the company's working calendar "
        "(weekends, public holidays and make-up workdays counted).",
    )
    review_received_date = fields.Datetime(string="Review Received", copy=False, tracking=True)
    review_on_time = fields.Boolean(compute="_compute_review_on_time", store=True)

    # Contract on the order, instead of a framework agreement (购销框架协议)
    contract_ref = fields.Char(string="Contract Reference", copy=False)
    contract_document = fields.Binary(copy=False, attachment=True)
    contract_filename = fields.Char(string="Contract File Name", copy=False)
    contract_date = fields.Date(string="Contract Signed", copy=False)
    contract_expiry = fields.Date(copy=False, help="Expiry of the order's contract (合同台账).")
    contract_expiry_reminded = fields.Date(
        copy=False, help="Expiry date already notified to the salesperson (one activity)."
    )
    review_reminder_date = fields.Datetime(
        string="Review Reminder",
        compute="_compute_review_deadline",
        store=True,
        help="One working day before the review deadline.",
    )
    review_assistant_id = fields.Many2one(
        "res.users",
        copy=False,
        tracking=True,
        help="Business assistant who hands the reviewed order to the responsible manager.",
    )
    review_reminded = fields.Boolean(copy=False)
    insert_order_ids = fields.One2many(
        "business.insert.order", "sale_order_id", string="Insert Orders"
    )
    insert_order_count = fields.Integer(compute="_compute_insert_order_count")
    # Order follow-up (订单跟踪)
    business_stage = fields.Selection(
        selection=[
            ("to_review", "To Review"),
            ("in_review", "In Review"),
            ("reviewed", "Reviewed"),
            ("partly_delivered", "Partly Delivered"),
            ("delivered", "Delivered"),
            ("invoiced", "Invoiced"),
            ("paid", "Paid"),
        ],
        string="Follow-up Stage",
        compute="_compute_business_stage",
        store=True,
    )
    late_delivery = fields.Boolean(
        string="Delivery Late", compute="_compute_late_flags", search="_search_late_delivery"
    )
    late_review = fields.Boolean(
        string="Review Late", compute="_compute_late_flags", search="_search_late_review"
    )
    invoice_overdue = fields.Boolean(
        compute="_compute_late_flags", search="_search_invoice_overdue"
    )
    business_unpaid_due_date = fields.Date(
        string="Earliest Unpaid Due Date",
        compute="_compute_business_unpaid_due_date",
        store=True,
        index="btree_not_null",
        help="Earliest due date of the order's posted customer invoices not paid in full: "
        "the order's invoice is overdue from the day after its legal deadline, the first "
        "working day on or after it (the Invoice Overdue filter).",
    )

    @api.depends("review_received_date", "review_deadline", "company_id")
    def _compute_review_on_time(self):
        """On time when the receipt date (接收日期, the company's local day the assistant
        received the reviewed form) is at the latest the deadline's local day: the seed
        counts by the date written on the form, not the hour."""
        for order in self:
            company = order.company_id
            order.review_on_time = bool(
                order.review_received_date
                and order.review_deadline
                and company._business_local_date(order.review_received_date)
                <= company._business_local_date(order.review_deadline)
            )

    @api.depends("review_start_date", "company_id")
    def _compute_review_deadline(self):
        """Batch: one interval computation per calendar for all the orders (the
        deadline and the reminder a working day earlier from the same days)."""
        # the two columns read, not every column of the orders (10,000 at a time)
        self.sudo().fetch(["review_start_date", "company_id"])
        groups = defaultdict(list)
        for order in self:
            calendar = order.company_id.resource_calendar_id
            if order.review_start_date and calendar:
                groups[calendar, order.company_id.review_working_days].append(order)
            else:
                order.review_deadline = order.review_reminder_date = False
        for (calendar, days), orders in groups.items():
            starts = [order.review_start_date for order in orders]
            ends = calendar._business_deadlines_many(starts, [days, days - 1])
            for order, start, deadline, reminder in zip(
                orders, starts, ends[days], ends[days - 1], strict=True
            ):
                order.review_deadline = deadline
                order.review_reminder_date = reminder or start

    def _compute_insert_order_count(self):
        counts = dict(
            self.env["business.insert.order"]._read_group(
                [("sale_order_id", "in", self.ids)], ["sale_order_id"], ["__count"]
            )
        )
        for order in self:
            order.insert_order_count = counts.get(order, 0)

    @api.depends(
        "state",
        "review_start_date",
        "review_received_date",
        "delivery_status",
        "invoice_status",
        "order_line.invoice_lines.move_id.payment_state",
    )
    def _compute_business_stage(self):
        for order in self:
            invoices = order.invoice_ids.filtered(
                lambda m: m.state == "posted" and m.move_type == "out_invoice"
            )
            if order.state != "sale":
                stage = False
            elif (
                order.invoice_status == "invoiced"
                and invoices
                and all(m.payment_state in ("paid", "in_payment") for m in invoices)
            ):
                stage = "paid"
            elif order.invoice_status == "invoiced":
                stage = "invoiced"
            elif order.delivery_status == "full":
                stage = "delivered"
            elif order.delivery_status in ("partial", "started"):
                stage = "partly_delivered"
            elif order.review_received_date:
                stage = "reviewed"
            elif order.review_start_date:
                stage = "in_review"
            else:
                stage = "to_review"
            order.business_stage = stage

    @api.depends(
        "order_line.invoice_lines.move_id.move_type",
        "order_line.invoice_lines.move_id.state",
        "order_line.invoice_lines.move_id.payment_state",
        "order_line.invoice_lines.move_id.invoice_date_due",
    )
    def _compute_business_unpaid_due_date(self):
        for order in self:
            dues = [
                move.invoice_date_due
                for move in order.order_line.invoice_lines.move_id
                if move.move_type == "out_invoice"
                and move.state == "posted"
                and move.payment_state in ("not_paid", "partial")
                and move.invoice_date_due
            ]
            order.business_unpaid_due_date = min(dues) if dues else False

    def _compute_late_flags(self):
        late_delivery = self.filtered_domain(self._search_late_delivery("=", True))
        late_review = self.filtered_domain(self._search_late_review("=", True))
        overdue = self.filtered_domain(self._search_invoice_overdue("=", True))
        for order in self:
            order.late_delivery = order in late_delivery
            order.late_review = order in late_review
            order.invoice_overdue = order in overdue

    def _search_late_delivery(self, operator, value):
        """Delivery after the commitment date: not fully delivered and the date is past."""
        return self._business_flag_domain(
            operator,
            value,
            [
                ("state", "=", "sale"),
                ("delivery_status", "!=", "full"),
                ("commitment_date", "<", fields.Datetime.now()),
            ],
        )

    def _search_late_review(self, operator, value):
        """Review received after its deadline, or still open after the deadline's day
        (the receipt date counts, 接收日期: the company's local day)."""
        past_deadline_day = expression.OR(
            [
                [
                    ("company_id", "=", company.id),
                    (
                        "review_deadline",
                        "<",
                        company._business_utc_start(company._business_local_today()),
                    ),
                ]
                for company in self.env["res.company"].sudo().search([])
            ]
        )
        return self._business_flag_domain(
            operator,
            value,
            [
                ("review_deadline", "!=", False),
                "|",
                "&",
                ("review_received_date", "!=", False),
                ("review_on_time", "=", False),
                "&",
                ("review_received_date", "=", False),
                *past_deadline_day,
            ],
        )

    def _search_invoice_overdue(self, operator, value):
        """A posted customer invoice of the order unpaid past its due date: overdue from
        the day after the legal deadline of the due date (a day off of the company's
        calendar moves it to the first working day after it, 民法典 第二百零三条), in the
        local time of the invoice's company.

        Read on the stored earliest unpaid due date (``business_unpaid_due_date``,
        indexed), not through ``order_line.invoice_lines.move_id``."""
        companies = self.env["res.company"].sudo().search([])
        by_last = defaultdict(list)
        for company in companies:
            last = company._business_last_overdue_due_date(company._business_local_today())
            by_last[last].append(company.id)
        return self._business_flag_domain(
            operator,
            value,
            expression.OR(
                [
                    [
                        ("company_id", "in", company_ids),
                        ("business_unpaid_due_date", "<=", last),
                    ]
                    for last, company_ids in by_last.items()
                ]
            ),
        )

    @api.constrains("contract_date", "contract_expiry")
    def _check_contract_dates(self):
        for order in self:
            if (
                order.contract_date
                and order.contract_expiry
                and (order.contract_expiry < order.contract_date)
            ):
                raise ValidationError(
                    self.env._(
                        "The contract of %(order)s expires before it is signed.",
                        order=order.name,
                    )
                )

    def init(self):
        """The open orders of the Order Follow-up list (confirmed, not paid) in the list's
        order: its filters and counts read these rows, not every order of the history."""
        result = super().init()
        create_index(
            self.env.cr,
            "sale_order_business_followup_index",
            self._table,
            ["date_order DESC", "id DESC"],
            where="state = 'sale' AND (business_stage <> 'paid' OR business_stage IS NULL)",
        )
        return result

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders._business_request_signoff()
        return orders

    def write(self, vals):
        watched = self._business_signoff_fields() & set(vals)
        before = {}
        if watched:
            before = {o.id: [o[f] for f in sorted(watched)] for o in self}
        result = super().write(vals)
        if watched:
            changed = self.filtered(lambda o: before[o.id] != [o[f] for f in sorted(watched)])
            changed._business_void_signoff()
        if vals.get("state") in ("draft", "cancel"):
            self._business_start_again()
        return result

    def _business_start_again(self):
        """An order cancelled or set back to quotation starts again: the sign-off and the
        order review it had certified are void (a chatter note says so) and the quotation
        asks for its sign-off anew."""
        certified = self.filtered(
            lambda o: o.signoff_date or o.review_start_date or o.review_received_date
        )
        certified._business_workflow_write(
            {
                "signoff_user_id": False,
                "signoff_date": False,
                "review_start_date": False,
                "review_received_date": False,
                "review_reminded": False,
            }
        )
        for order in certified:
            order.message_post(
                body=self.env._(
                    "The order went back (%(state)s): its sign-off and order review are void "
                    "and are given again.",
                    state=dict(order._fields["state"]._description_selection(self.env))[
                        order.state
                    ],
                ),
                subtype_xmlid="mail.mt_note",
            )
        self.filtered(lambda o: o.state == "draft")._business_request_signoff()

    def action_review_sign(self):
        """General Manager's signature in the business column of the review form: the review
        starts (订单评审表起始日期按业务部评审一栏总经理签字日期为准)."""
        self._business_check_group(
            "business_dept.group_general_manager", self.env._("General Manager")
        )
        for order in self:
            if order.state != "sale":
                raise UserError(
                    self.env._("Only confirmed orders are reviewed (%(order)s).", order=order.name)
                )
            if order.review_start_date:
                raise UserError(
                    self.env._("The review of %(order)s is already signed.", order=order.name)
                )
        self._business_workflow_write({"review_start_date": fields.Datetime.now()})
        return True

    def action_review_receive(self):
        """The assistant hands the reviewed order to the responsible manager; the receipt date
        is the basis of the on-time rate (在评审表上注明接收日期作为及时率统计依据)."""
        self._business_check_group(
            "business_dept.group_business_assistant", self.env._("Business Assistant")
        )
        for order in self:
            if not order.review_start_date:
                raise UserError(
                    self.env._(
                        "The review of %(order)s is not signed by a General Manager yet.",
                        order=order.name,
                    )
                )
            if order.review_received_date:
                raise UserError(
                    self.env._("The review of %(order)s is already received.", order=order.name)
                )
        for order in self:
            order._business_workflow_write(
                {
                    "review_received_date": fields.Datetime.now(),
                    "review_assistant_id": order.review_assistant_id.id or self.env.uid,
                }
            )
        self.activity_feedback(["business_dept.mail_activity_type_review_due"])
        return True

    def action_business_insert_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "business_dept.business_insert_order_action"
        )
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = {"default_sale_order_id": self.id}
        return action

    def _business_amount_company(self):
        """Total in company currency at the order's rate (amounts compared with a setting)."""
        self.ensure_one()
        rate = self.currency_rate or 1.0
        return self.company_id.currency_id.round(self.amount_total / rate)

    def _business_flag_domain(self, operator, value, domain):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on a late-step flag."))
        return domain if (operator == "=") == value else ["!", *domain]

    def _business_agreement_error(self):
        """Message when the order may not be confirmed for want of an agreement, else False.

        The agreement is judged on the day of the confirmation: the order date Odoo writes
        when it confirms (``_prepare_confirmation_values``), not the quotation's date, taken
        as the company's local day."""
        self.ensure_one()
        if not self.company_id.agreement_required or (self.contract_ref and self.contract_document):
            return False
        # the agreement of the order's company: a customer shared by the companies of a
        # group has one per company
        customer = self.partner_id.commercial_partner_id.with_company(self.company_id)
        confirmed_on = self._prepare_confirmation_values().get("date_order") or self.date_order
        day = self.company_id._business_local_date(confirmed_on)
        if customer.has_valid_agreement(day):
            return False
        return self.env._(
            "%(customer)s has no framework agreement (购销框架协议) valid on %(date)s: sign one "
            "with the customer, or enter the contract reference and attach the contract "
            "document on order %(order)s.",
            customer=customer.display_name,
            date=format_date(self.env, day),
            order=self.name,
        )

    def _confirmation_error_message(self):
        error = super()._confirmation_error_message()
        if error or self.state not in ("draft", "sent"):
            return error
        return self._business_signoff_error() or self._business_agreement_error()

    def _business_check_group(self, group, role):
        if not self.env.user.has_group(group):
            raise AccessError(self.env._("Only a %(role)s may do this.", role=role))

    @api.model
    def _cron_business_review_reminders(self):
        """Reviews not received one working day before their deadline: the assistant gets an
        activity (counted in working days, not calendar days)."""
        orders = self.search(
            [
                ("state", "=", "sale"),
                ("review_received_date", "=", False),
                ("review_reminded", "=", False),
                ("review_reminder_date", "<=", fields.Datetime.now()),
            ]
        )
        group = self.env.ref("business_dept.group_business_assistant")
        director = self.env.ref("business_dept.group_business_director")
        assistants = group.users.filtered(lambda u: director not in u.groups_id)
        for order in orders:
            people = order.review_assistant_id | assistants | order.user_id
            for user in order.company_id._business_owner(people):
                order.activity_schedule(
                    "business_dept.mail_activity_type_review_due",
                    date_deadline=order.company_id._business_local_date(
                        order.review_deadline or fields.Datetime.now()
                    ),
                    user_id=user.id,
                    summary=self.with_context(lang=user.lang).env._(
                        "Order review due: hand the order over"
                    ),
                )
        orders.write({"review_reminded": True})

    def _get_invoiceable_lines(self, final=False):
        """Invoicing from a customer statement (客户对账单): exactly the order lines of its
        confirmed lines to invoice (goods delivered or returned, freight, services, down
        payments deducted) that are still to invoice; the down payments last, as Odoo
        puts them."""
        quantities = self.env.context.get("business_statement_quantities")
        if quantities is None:
            return super()._get_invoiceable_lines(final)
        lines = self.order_line.filtered(
            lambda line: (
                line.id in quantities
                and not float_is_zero(
                    line._business_statement_quantity(),
                    precision_rounding=line.product_uom.rounding or 0.01,
                )
            )
        )
        return lines.filtered(lambda line: not line.is_downpayment) + lines.filtered(
            "is_downpayment"
        )
