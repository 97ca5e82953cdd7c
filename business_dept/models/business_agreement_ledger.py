from datetime import timedelta

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL


class BusinessAgreementLedger(models.Model):
    """Agreement ledger (合同台账): the customers' framework agreements (购销框架协议), one per
    customer and company, and the sale orders' own contracts in one list, with their signed
    and expiry dates. A SQL view: the even ids are customers' agreements, the odd ids
    orders."""

    _name = "business.agreement.ledger"
    _description = "Agreement Ledger"
    _auto = False
    _order = "date_expiry, id"
    _rec_name = "reference"
    _depends = {
        "res.partner": [
            "name",
            "commercial_partner_id",
            "active",
            "user_id",
            "agreement_date",
            "agreement_expiry",
        ],
        "sale.order": [
            "name",
            "partner_id",
            "user_id",
            "company_id",
            "state",
            "contract_ref",
            "contract_date",
            "contract_expiry",
        ],
    }

    kind = fields.Selection(
        selection=[("framework", "Framework Agreement"), ("order", "Order Contract")],
        readonly=True,
    )
    reference = fields.Char(
        string="Reference / Customer",
        readonly=True,
        help="The contract number of an order contract (else the order's number); the "
        "customer's name for a framework agreement, which has no number of its own.",
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date_signed = fields.Date(string="Signed", readonly=True)
    date_expiry = fields.Date(string="Expiry", readonly=True)
    ledger_state = fields.Selection(
        selection=[("valid", "Valid"), ("expiring", "Expiring"), ("expired", "Expired")],
        string="Status",
        compute="_compute_ledger_state",
        search="_search_ledger_state",
        help="Expiring = expires within the company's notice days (local today).",
    )

    @api.depends("date_expiry", "company_id")
    def _compute_ledger_state(self):
        """Each row by its own company's notice days and local day."""
        Partner = self.env["res.partner"]
        for row in self:
            today, notice_end = Partner.sudo().with_company(row.company_id)._agreement_window()
            row.ledger_state = Partner._agreement_expiry_state(row.date_expiry, today, notice_end)

    def _search_ledger_state(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise NotImplementedError(operator)
        values = [value] if isinstance(value, str) else list(value)
        per_company = []
        for company in self.env["res.company"].sudo().search([]):
            today, notice_end = (
                self.env["res.partner"].sudo().with_company(company)._agreement_window()
            )
            domains = {
                "expired": [("date_expiry", "<", today)],
                "expiring": [("date_expiry", ">=", today), ("date_expiry", "<=", notice_end)],
                "valid": ["|", ("date_expiry", "=", False), ("date_expiry", ">", notice_end)],
            }
            states = expression.OR([domains[v] for v in values if v in domains] or [[(0, "=", 1)]])
            per_company.append(expression.AND([[("company_id", "=", company.id)], states]))
        domain = expression.OR(per_company)
        if operator in ("!=", "not in"):
            domain = ["!"] + expression.normalize_domain(domain)
        return domain

    @property
    def _table_query(self):
        """A customer shared by the companies of a group has a framework agreement per
        company (company-dependent fields, one jsonb key per company): one row each, with
        that company. Its id is even: (customer id × 2²⁰ + company id) × 2."""
        return SQL(
            """
            SELECT (p.id::bigint * 1048576 + fc.company_id) * 2 AS id, 'framework' AS kind,
                   p.name AS reference, p.id AS partner_id, NULL::integer AS order_id,
                   p.user_id, fc.company_id, fc.date_signed, fc.date_expiry
              FROM res_partner p
             CROSS JOIN LATERAL (
                   SELECT c.key::integer AS company_id,
                          (p.agreement_date->>c.key)::date AS date_signed,
                          (p.agreement_expiry->>c.key)::date AS date_expiry
                     FROM jsonb_object_keys(COALESCE(p.agreement_date, '{}'::jsonb)
                                            || COALESCE(p.agreement_expiry, '{}'::jsonb)) c(key)
                   ) fc
             WHERE p.id = p.commercial_partner_id AND p.active
               AND (fc.date_signed IS NOT NULL OR fc.date_expiry IS NOT NULL)
            UNION ALL
            SELECT so.id * 2 + 1, 'order', COALESCE(so.contract_ref, so.name),
                   cp.commercial_partner_id, so.id, so.user_id, so.company_id,
                   so.contract_date, so.contract_expiry
              FROM sale_order so
              JOIN res_partner cp ON cp.id = so.partner_id
             WHERE so.state != 'cancel'
               AND (so.contract_date IS NOT NULL OR so.contract_expiry IS NOT NULL)
            """
        )

    def action_open_document(self):
        """Open the customer (framework agreement) or the order (its contract)."""
        self.ensure_one()
        record = self.order_id if self.kind == "order" else self.partner_id
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    @api.model
    def _cron_order_contract_expiry(self):
        """Order contracts expiring within the company's notice days (local day) give the
        order's salesperson an activity, once per expiry date (合同台账)."""
        Order = self.env["sale.order"]
        due = Order.browse()
        for company in self.env["res.company"].search([]):
            today = company._business_local_today()
            last = today + timedelta(days=company.agreement_expiry_notice_days)
            orders = Order.search(
                [
                    ("company_id", "=", company.id),
                    ("state", "!=", "cancel"),
                    ("user_id", "!=", False),
                    ("contract_expiry", ">=", today),
                    ("contract_expiry", "<=", last),
                ]
            )
            due |= orders.filtered(lambda o: o.contract_expiry_reminded != o.contract_expiry)
        for order in due:
            user = order.company_id._business_owner(
                order.user_id | order.partner_id.commercial_partner_id.user_id
            )
            order.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=order.contract_expiry,
                user_id=user.id,
                summary=self.with_context(lang=user.lang).env._(
                    "The contract of %(order)s expires on %(date)s: renew it",
                    order=order.name,
                    date=order.contract_expiry,
                ),
            )
            order.contract_expiry_reminded = order.contract_expiry
        return due
