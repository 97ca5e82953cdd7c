from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression


class ResPartner(models.Model):
    """Customer file (新客户档案), held on the commercial entity."""

    _inherit = "res.partner"

    closing_day = fields.Integer(
        help="Day of the month on which the customer closes his books (关账日): invoices of "
        "the month must reach him before it (开票及时率). Empty = the last day of the month.",
    )

    customer_grade = fields.Selection(
        selection=[("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")],
        help="客户分级: by scale, potential and credit.",
    )
    payment_method = fields.Selection(
        selection=[
            ("transfer", "Bank Transfer (电汇)"),
            ("bank_draft", "Bank Acceptance Draft (银行承兑汇票)"),
            ("commercial_draft", "Commercial Acceptance Draft (商业承兑汇票)"),
            ("cash", "Cash"),
            ("online", "Online Payment"),
            ("other", "Other"),
        ],
        help="付款方式: how the customer pays, agreed in the customer file; the receivables "
        "are chased accordingly.",
    )
    agreement_date = fields.Date(
        string="Agreement Signed", help="Signing date of the framework agreement (购销框架协议)."
    )
    agreement_expiry = fields.Date()
    agreement_document = fields.Binary(attachment=True)
    agreement_filename = fields.Char(string="Agreement File Name")
    agreement_state = fields.Selection(
        selection=[
            ("none", "No Agreement"),
            ("valid", "Valid"),
            ("expiring", "Expiring"),
            ("expired", "Expired"),
        ],
        string="Agreement Status",
        compute="_compute_agreement_state",
        search="_search_agreement_state",
        help="合同台账: expiring = expires within the company's notice days (local today).",
    )
    agreement_expiry_reminded = fields.Date(
        copy=False,
        help="Expiry date already notified to the salesperson (one activity per expiry).",
    )
    billing_complete = fields.Boolean(
        string="Billing Data Complete",
        compute="_compute_billing_complete",
        help="开票资料: tax id, an invoice address and a bank account are all present.",
    )

    @api.depends("vat", "bank_ids", "child_ids.type", "type", "street", "commercial_partner_id")
    def _compute_billing_complete(self):
        for partner in self:
            company = partner.commercial_partner_id
            invoice_address = company.street or any(
                child.type == "invoice" for child in company.child_ids
            )
            partner.billing_complete = bool(company.vat and company.bank_ids and invoice_address)

    @api.depends("agreement_date", "agreement_expiry")
    @api.depends_context("company")
    def _compute_agreement_state(self):
        today, notice_end = self._agreement_window()
        for partner in self:
            customer = partner.commercial_partner_id
            partner.agreement_state = (
                self._agreement_expiry_state(customer.agreement_expiry, today, notice_end)
                if customer.agreement_date
                else "none"
            )

    def _search_agreement_state(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise NotImplementedError(operator)
        today, notice_end = self._agreement_window()
        domains = {
            "none": [("agreement_date", "=", False)],
            "expired": [("agreement_date", "!=", False), ("agreement_expiry", "<", today)],
            "expiring": [
                ("agreement_date", "!=", False),
                ("agreement_expiry", ">=", today),
                ("agreement_expiry", "<=", notice_end),
            ],
            "valid": [
                ("agreement_date", "!=", False),
                "|",
                ("agreement_expiry", "=", False),
                ("agreement_expiry", ">", notice_end),
            ],
        }
        values = [value] if isinstance(value, str) else list(value)
        domain = expression.OR([domains[v] for v in values if v in domains] or [[(0, "=", 1)]])
        if operator in ("!=", "not in"):
            domain = ["!"] + expression.normalize_domain(domain)
        return domain

    @api.constrains("closing_day")
    def _check_closing_day(self):
        for partner in self:
            if partner.closing_day and not 1 <= partner.closing_day <= 31:
                raise ValidationError(
                    self.env._(
                        "The closing day of %(partner)s must be a day of the month, "
                        "from 1 to 31 (got %(day)s).",
                        partner=partner.display_name,
                        day=partner.closing_day,
                    )
                )

    @api.constrains("agreement_date", "agreement_expiry")
    def _check_agreement_dates(self):
        for partner in self:
            if (
                partner.agreement_date
                and partner.agreement_expiry
                and partner.agreement_expiry < partner.agreement_date
            ):
                raise ValidationError(
                    self.env._(
                        "The framework agreement of %(partner)s expires before it is signed.",
                        partner=partner.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        parents = self.browse([vals["parent_id"] for vals in vals_list if vals.get("parent_id")])
        incomplete = parents.commercial_partner_id.filtered(lambda p: not p.billing_complete)
        partners = super().create(vals_list)
        (partners | parents).commercial_partner_id._business_notify_billing(
            set((incomplete | partners).ids)
        )
        return partners

    def write(self, vals):
        tracked = self | self.parent_id
        incomplete = tracked.commercial_partner_id.filtered(lambda p: not p.billing_complete)
        result = super().write(vals)
        tracked.exists().commercial_partner_id._business_notify_billing(set(incomplete.ids))
        return result

    @api.model
    def _commercial_fields(self):
        """The customer file is held on the commercial entity and shared by its contacts."""
        return super()._commercial_fields() + [
            "customer_grade",
            "agreement_date",
            "agreement_expiry",
            "agreement_document",
            "agreement_filename",
            "closing_day",
            "payment_method",
        ]

    def has_valid_agreement(self, on_date=None):
        """True when the framework agreement (购销框架协议) is signed on or before
        ``on_date`` (default: today in the current company's time zone) and not expired
        on it."""
        self.ensure_one()
        customer = self.commercial_partner_id
        on_date = on_date or self.env.company._business_local_today()
        return bool(
            customer.agreement_date
            and customer.agreement_date <= on_date
            and (not customer.agreement_expiry or customer.agreement_expiry >= on_date)
        )

    def _business_notify_billing(self, incomplete_ids):
        """Billing data (开票资料) just completed: the finance reviewers get an activity to file
        it. ``incomplete_ids``: customers whose billing data was incomplete before."""
        customers = self.filtered(
            lambda p: p.id in incomplete_ids and p.customer_rank and p.billing_complete
        )
        if not customers:
            return
        finance = self.env.ref("business_dept.group_business_finance").users.filtered(
            lambda u: not u.share and u.active
        )
        for customer in customers:
            for user in finance:
                customer.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=user.id,
                    summary=self.env._("File the customer's billing data (开票资料)"),
                )

    # ------------------------------------------------------ 合同台账 (agreement ledger)
    def _agreement_window(self):
        """(local today, last day counted as expiring) of the current company."""
        company = self.env.company
        today = company._business_local_today()
        return today, today + timedelta(days=company.agreement_expiry_notice_days)

    @api.model
    def _agreement_expiry_state(self, expiry, today, notice_end):
        """合同台账: ``expired``, ``expiring`` (within the notice window) or ``valid``."""
        if expiry and expiry < today:
            return "expired"
        if expiry and expiry <= notice_end:
            return "expiring"
        return "valid"

    @api.model
    def _cron_business_agreement_expiry(self):
        """Daily: framework agreements (购销框架协议) expiring within the company's notice
        days give the customer's salesperson an activity, once per expiry date. Each
        customer is judged by its company's setting and local day (customers shared by all
        companies: the cron's company)."""
        today, notice_end = self._agreement_window()
        companies = self.env["res.company"].search([])
        widest = max(companies.mapped("agreement_expiry_notice_days") or [0])
        candidates = self.search(
            [
                # customers (commercial partners), with or without a signed date
                "|",
                ("is_company", "=", True),
                ("parent_id", "=", False),
                ("user_id", "!=", False),
                ("agreement_expiry", ">=", today - timedelta(days=1)),
                ("agreement_expiry", "<=", today + timedelta(days=widest + 1)),
            ]
        )
        due = self.browse()
        for partner in candidates:
            company = partner.company_id or self.env.company
            local_today = company._business_local_today()
            last = local_today + timedelta(days=company.agreement_expiry_notice_days)
            if (
                local_today <= partner.agreement_expiry <= last
                and partner.agreement_expiry_reminded != partner.agreement_expiry
            ):
                due |= partner
        for partner in due:
            partner.activity_schedule(
                "business_dept.mail_activity_type_agreement_expiry",
                date_deadline=partner.agreement_expiry,
                user_id=partner.user_id.id,
                summary=self.env._(
                    "The framework agreement expires on %(date)s: renew it",
                    date=partner.agreement_expiry,
                ),
            )
            partner.agreement_expiry_reminded = partner.agreement_expiry
        self.env["business.agreement.ledger"]._cron_order_contract_expiry()
        return due
