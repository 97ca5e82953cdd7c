"""Quotation sign-off: 「报价发送客户前需经总经理确认签字」 (the department's rules): a
quotation leaves the company (sent, printed, shared, confirmed) only once a General
Manager signed it off.

What is here: the sign-off's fields and computes, the blocks on sending, previewing,
sharing and confirming an unsigned quotation, the General Manager's button, the sign-off
as a tier of OCA's tier validation (requested on the salesperson's behalf, never approved
by him), and its voiding when something the customer sees changes (the quotation is then
signed off again). The order review (订单评审) and the rest of the department's rules on
the order are in ``sale_order.py``."""

from odoo import api, fields, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    # one rule of the order per file (issue 23), merged by the registry
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    # Quotation sign-off (报价需总经理确认签字)
    signoff_state = fields.Selection(
        selection=[
            ("not_required", "Not Required"),
            ("to_sign", "To Sign Off"),
            ("signed", "Signed Off"),
        ],
        string="Sign-off",
        compute="_compute_signoff_state",
    )
    signoff_required = fields.Boolean(
        string="Sign-off Required",
        compute="_compute_signoff_required",
        store=True,
        help="The company requires a sign-off and the total in company currency reaches the "
        "amount of Settings; read by the sign-off tier definition.",
    )
    signoff_user_id = fields.Many2one(
        "res.users", string="Signed Off By", copy=False, readonly=True, tracking=True
    )
    signoff_date = fields.Datetime(string="Signed Off On", copy=False, readonly=True)

    @api.depends(
        "amount_total",
        "currency_rate",
        "company_id.quote_signoff_required",
        "company_id.quote_signoff_min_amount",
    )
    def _compute_signoff_required(self):
        for order in self:
            company = order.company_id
            order.signoff_required = bool(
                company.quote_signoff_required
                and order._business_amount_company() >= company.quote_signoff_min_amount
            )

    @api.depends("state", "signoff_required", "validation_status")
    def _compute_signoff_state(self):
        for order in self:
            if order.signoff_required and order.validation_status == "validated":
                order.signoff_state = "signed"
            elif order.state in ("draft", "sent") and order._business_signoff_pending():
                order.signoff_state = "to_sign"
            else:
                order.signoff_state = "not_required"

    def action_quotation_send(self):
        self._business_check_signoff()
        return super().action_quotation_send()

    def action_quotation_sent(self):
        self._business_check_signoff()
        return super().action_quotation_sent()

    def action_preview_sale_order(self):
        self._business_check_signoff()
        return super().action_preview_sale_order()

    def action_signoff(self):
        """General Manager's sign-off of the quotation (报价需总经理确认签字): he validates
        the tier due now; nobody signs off his own quotation."""
        for order in self:
            if order.state not in ("draft", "sent"):
                raise UserError(
                    self.env._("Only quotations are signed off (%(order)s).", order=order.name)
                )
            if not order.review_ids:
                order._business_request_signoff()
            if not order.review_ids or order.validation_status == "validated":
                raise UserError(
                    self.env._("Quotation %(order)s does not need a sign-off.", order=order.name)
                )
        return self._business_validate()

    def _business_signoff_pending(self):
        """The quotation's validation (sign-off and any tier of Settings) is not given."""
        self.ensure_one()
        if self.review_ids:
            return self.validation_status != "validated"
        self.invalidate_recordset(["need_validation"])
        return bool(self.id) and self.need_validation

    def _business_signoff_error(self):
        """Message when the quotation may not leave the company unsigned, else False."""
        self.ensure_one()
        if self.state in ("draft", "sent") and self._business_signoff_pending():
            return self.env._(
                "Quotation %(order)s must be signed off by a General Manager before it is "
                "sent to the customer or confirmed (报价需总经理确认签字).",
                order=self.name,
            )
        return False

    def _business_check_signoff(self):
        """Refuse to let an unsigned quotation leave the company."""
        for order in self:
            error = order._business_signoff_error()
            if error:
                raise UserError(error)

    def _get_share_url(self, redirect=False, signup_partner=False, pid=None, share_token=True):
        self._business_check_signoff()
        return super()._get_share_url(
            redirect=redirect, signup_partner=signup_partner, pid=pid, share_token=share_token
        )

    def _notify_get_recipients_groups(self, message, model_description, msg_vals=None):
        """No portal button in the notifications of an unsigned quotation."""
        groups = super()._notify_get_recipients_groups(
            message, model_description, msg_vals=msg_vals
        )
        if len(self) == 1 and self._business_signoff_error():
            for group in groups:
                if group[0] in ("portal_customer", "portal", "follower", "customer"):
                    group[2]["has_button_access"] = False
        return groups

    # Tier validation of quotations (报价需总经理确认签字): the review is requested on the
    # salesperson's behalf as soon as a quotation needing it is saved.
    def _business_tier_requester(self):
        return self.user_id or self.env.user

    def _business_tier_requesters(self):
        return self.user_id

    def _business_tier_approved_body(self, reviews):
        signoff = self.env.ref("business_dept.tier_definition_quotation_signoff")
        if signoff in reviews.definition_id:
            return self.env._(
                "Quotation signed off by the General Manager %(user)s.",
                user=self._business_tier_actor(reviews),
            )
        return super()._business_tier_approved_body(reviews)

    def _business_tier_validated(self, reviews):
        signoff = self.env.ref("business_dept.tier_definition_quotation_signoff")
        if signoff in reviews.definition_id:
            self._business_workflow_write(
                {"signoff_user_id": self.env.uid, "signoff_date": fields.Datetime.now()}
            )

    def _business_signoff_fields(self):
        """Changes to these fields of a quotation (what the customer sees) restart its
        validation."""
        return {
            "partner_id",
            "partner_invoice_id",
            "partner_shipping_id",
            "pricelist_id",
            "currency_id",
            "payment_term_id",
            "fiscal_position_id",
            "validity_date",
            "commitment_date",
            "note",
            "client_order_ref",
            "incoterm",
            "incoterm_location",
            "order_line",
            "sale_order_option_ids",
            "company_id",
        }

    def _business_request_signoff(self):
        """Request the validation of the quotations that need it and have none, on the
        salesperson's behalf."""
        self.invalidate_recordset(["need_validation"])
        todo = self.filtered(
            lambda o: o.state in ("draft", "sent") and not o.review_ids and o.need_validation
        )
        for order in todo:
            order.request_validation()
        return todo

    @api.model
    def _business_signoff_refresh(self, companies):
        """The sign-off settings changed: open reviews are requested again on the new
        settings, quotations that now need a sign-off get it requested."""
        quotations = self.search(
            [("company_id", "in", companies.ids), ("state", "in", ("draft", "sent"))]
        )
        quotations.filtered(
            lambda o: o.validation_status in ("waiting", "pending")
        )._business_tier_restart()
        quotations._business_request_signoff()

    def _tier_validation_check_write_allowed(self, vals):
        """A quotation stays editable under validation: a change the customer sees restarts
        its validation instead (``_business_void_signoff``)."""
        return super(
            SaleOrder, self.filtered(lambda o: o.state not in ("draft", "sent"))
        )._tier_validation_check_write_allowed(vals)

    def _get_tier_validation_readonly_domain(self):
        """Quotations stay editable (a change restarts the validation)."""
        return "False"

    def _business_void_signoff(self):
        """Something the customer sees changed: the validation starts again; a sign-off
        already given (or a tier already approved) is void, with a chatter note."""
        quotations = self.filtered(lambda o: o.state in ("draft", "sent") and o.review_ids)
        for order in quotations:
            given = order.review_ids.filtered(lambda r: r.status == "approved")
            note = given and self.env._(
                "The quotation changed after its sign-off: the sign-off is void and a "
                "General Manager must sign it off again."
            )
            order._business_tier_restart(note)
        quotations.filtered("signoff_date")._business_workflow_write(
            {"signoff_user_id": False, "signoff_date": False}
        )
        self._business_request_signoff()

    def restart_validation(self):
        """*Restart Validation* of a quotation: its sign-off starts again, void if given."""
        self.check_access("write")
        if any(order.state not in ("draft", "sent") for order in self):
            raise UserError(self.env._("Only a quotation's sign-off is restarted."))
        self._business_void_signoff()
