from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

GROUP_ASSISTANT = "business_dept.group_business_assistant"
GROUP_MANAGER = "business_dept.group_business_manager"

# 新客户档案: the fields of the customer file that only its salesperson, a Business
# Assistant or a Business Director change; the address is billing data (开票资料, the
# invoice address) on the customer and on its invoice addresses only
OWNED_FIELDS = frozenset(
    {
        "user_id",
        "customer_grade",
        "closing_day",
        "payment_method",
        "agreement_date",
        "agreement_expiry",
        "agreement_document",
        "agreement_attachment_id",
        "agreement_filename",
        "vat",
        "bank_ids",
        # who the customer is: moved under another company, made a person, archived
        "parent_id",
        "is_company",
        "active",
    }
)
# the customer file, one per company (company-dependent), shared by the customer's contacts
CUSTOMER_FILE_FIELDS = (
    "customer_grade",
    "agreement_date",
    "agreement_expiry",
    "agreement_attachment_id",
    "agreement_filename",
    "closing_day",
    "payment_method",
)
ADDRESS_FIELDS = frozenset({"street", "street2", "zip", "city", "state_id", "country_id"})


class ResPartner(models.Model):
    """Customer file (新客户档案), held on the commercial entity."""

    _inherit = "res.partner"

    closing_day = fields.Integer(
        company_dependent=True,
        help="Day of the month on which the customer closes his books (关账日): invoices of "
        "the month must reach him before it (开票及时率). Empty = the last day of the month. "
        "Each company of a group agrees its own with a shared customer.",
    )

    customer_grade = fields.Selection(
        selection=[("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")],
        company_dependent=True,
        help="客户分级: by scale, potential and credit, as this company judges the customer.",
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
        company_dependent=True,
        help="付款方式: how the customer pays this company, agreed in the customer file; the "
        "receivables are chased accordingly.",
    )
    agreement_date = fields.Date(
        string="Agreement Signed",
        company_dependent=True,
        help="Signing date of this company's framework agreement (购销框架协议) with the customer.",
    )
    agreement_expiry = fields.Date(company_dependent=True)
    agreement_attachment_id = fields.Many2one(
        "ir.attachment",
        company_dependent=True,
        help="The signed framework agreement of this company.",
    )
    agreement_document = fields.Binary(
        compute="_compute_agreement_document",
        inverse="_inverse_agreement_document",
        help="The signed framework agreement (购销框架协议) of the current company.",
    )
    agreement_filename = fields.Char(string="Agreement File Name", company_dependent=True)
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
        company_dependent=True,
        help="Expiry date already notified to the salesperson (one activity per expiry).",
    )
    billing_complete = fields.Boolean(
        string="Billing Data Complete",
        compute="_compute_billing_complete",
        help="开票资料: tax id, an invoice address and a bank account are all present.",
    )

    @api.depends("agreement_attachment_id")
    @api.depends_context("company")
    def _compute_agreement_document(self):
        for partner in self:
            # the attachment is read with the partner's own read right
            partner.agreement_document = partner.agreement_attachment_id.sudo().datas

    def _inverse_agreement_document(self):
        """The document is an attachment of the customer, kept per company (a Binary field
        cannot be company-dependent)."""
        for partner in self:
            attachment = self.env["ir.attachment"]
            if partner.agreement_document:
                attachment = attachment.create(
                    {
                        "name": partner.agreement_filename or "framework_agreement",
                        "datas": partner.agreement_document,
                        "res_model": "res.partner",
                        "res_id": partner.commercial_partner_id.id or partner.id,
                        "company_id": self.env.company.id,
                    }
                )
            partner.agreement_attachment_id = attachment

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
        # a contact or an address added under a customer is a change of his file
        parents._business_check_owner({"child_ids": True})
        incomplete = parents.commercial_partner_id.filtered(lambda p: not p.billing_complete)
        partners = super().create(vals_list)
        (partners | parents).commercial_partner_id._business_notify_billing(
            set((incomplete | partners).ids)
        )
        return partners

    def write(self, vals):
        self._business_check_owner(vals)
        tracked = self | self.parent_id
        incomplete = tracked.commercial_partner_id.filtered(lambda p: not p.billing_complete)
        result = super().write(vals)
        tracked.exists().commercial_partner_id._business_notify_billing(set(incomplete.ids))
        return result

    def _business_check_owner(self, vals):
        """A customer belongs to his salesperson (新客户档案): his salesperson, framework
        agreement, closing day, payment method, grade and billing data (开票资料) are changed
        by the customer's salesperson, a Business Assistant or a Business Director; another
        Business Manager is refused whatever contact rights he has. A customer without a
        salesperson is anybody's to take."""
        user = self.env.user
        if (
            self.env.su
            or not (OWNED_FIELDS | ADDRESS_FIELDS | {"child_ids"}).intersection(vals)
            or not user.has_group(GROUP_MANAGER)
            or user.has_group(GROUP_ASSISTANT)
        ):
            return
        for partner in self:
            owner = partner.commercial_partner_id.user_id
            if not owner or owner == user:
                continue
            changed = partner._business_changed_fields(vals)
            if changed:
                raise AccessError(
                    self.env._(
                        "%(customer)s belongs to %(salesperson)s: only the customer's "
                        "salesperson, a Business Assistant or a Business Director may change "
                        "its %(fields)s (新客户档案).",
                        customer=partner.commercial_partner_id.display_name,
                        salesperson=owner.name,
                        fields=", ".join(changed),
                    )
                )

    def _business_changed_fields(self, vals):
        """Labels of the owned fields that ``vals`` change on this partner (the address
        only on the customer itself or an invoice address)."""
        self.ensure_one()
        if "child_ids" in vals:
            return [self._fields["child_ids"]._description_string(self.env)]
        names = set(vals) & OWNED_FIELDS
        if self == self.commercial_partner_id or "invoice" in (self.type, vals.get("type")):
            names |= set(vals) & ADDRESS_FIELDS
        changed = []
        for name in sorted(names):
            field = self._fields[name]
            if field.type not in ("one2many", "many2many", "binary"):
                new = field.convert_to_cache(vals[name], self, validate=False)
                if new == field.convert_to_cache(self[name], self, validate=False):
                    continue
            changed.append(field._description_string(self.env))
        return changed

    @api.model
    def _commercial_fields(self):
        """The customer file is held on the commercial entity and shared by its contacts."""
        return super()._commercial_fields() + list(CUSTOMER_FILE_FIELDS)

    def _commercial_sync_from_company(self):
        """A new contact (or one moved to another customer) gets the customer file of every
        company, not only of the current one (company-dependent fields)."""
        result = super()._commercial_sync_from_company()
        commercial = self.commercial_partner_id
        if commercial != self:
            for company in self.env["res.company"].sudo().search([]) - self.env.company:
                values = commercial.with_company(company)._update_fields_values(
                    CUSTOMER_FILE_FIELDS
                )
                self.with_company(company).write(values)
        return result

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

    @api.model
    def _company_value_sql(self, fname, alias, company_id):
        """SQL of the company-dependent field ``fname`` of the partner ``alias`` for the
        company whose id is the SQL ``company_id`` (a customer shared by the companies
        of a group has one value per company, stored as jsonb), cast to its type."""
        field = self._fields[fname]
        return SQL(
            "(%s->>(%s)::text)::%s",
            SQL.identifier(alias, fname),
            company_id,
            SQL(field._column_type[1]),
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
                    summary=self.with_context(lang=user.lang).env._(
                        "File the customer's billing data (开票资料)"
                    ),
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
        days give the customer's salesperson an activity, once per expiry date. Each company
        judges its own agreements (a customer shared by several companies has one per
        company) by its setting and local day."""
        due = self.browse()
        for company in self.env["res.company"].search([]):
            partners = self.with_company(company)
            today, notice_end = partners._agreement_window()
            candidates = partners.search(
                [
                    # customers (commercial partners) of the company or shared
                    "|",
                    ("is_company", "=", True),
                    ("parent_id", "=", False),
                    ("company_id", "in", [False, company.id]),
                    ("user_id", "!=", False),
                    ("agreement_expiry", ">=", today),
                    ("agreement_expiry", "<=", notice_end),
                ]
            )
            for partner in candidates:
                if partner.agreement_expiry_reminded == partner.agreement_expiry:
                    continue
                user = company._business_owner(partner.user_id)
                partner.activity_schedule(
                    "business_dept.mail_activity_type_agreement_expiry",
                    date_deadline=partner.agreement_expiry,
                    user_id=user.id,
                    summary=self.with_context(lang=user.lang).env._(
                        "The framework agreement expires on %(date)s: renew it",
                        date=partner.agreement_expiry,
                    ),
                )
                partner.agreement_expiry_reminded = partner.agreement_expiry
                due |= partner
        self.env["business.agreement.ledger"]._cron_order_contract_expiry()
        return due.with_env(self.env)
