from collections import defaultdict

from odoo import fields, models


class SaleOrder(models.Model):
    """Facts put in front of the reviewers of the order review (订单评审), read from Odoo's
    own data at the moment of review, for many orders at once."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    def _business_review_facts_finance(self):
        """财务部: the customer's overdue receivables, open amount and credit limit (Odoo's
        partner credit limit when the company uses it): ``{order_id: {...}}``."""
        result = {}
        for company in self.company_id:
            orders = self.filtered(lambda o, c=company: o.company_id == c)
            partners = orders.partner_id.commercial_partner_id.with_company(company).sudo()
            overdue = dict(
                self.env["account.move.line"]
                .sudo()
                ._read_group(
                    [
                        ("partner_id", "in", partners.ids),
                        ("company_id", "=", company.id),
                        ("account_type", "=", "asset_receivable"),
                        ("parent_state", "=", "posted"),
                        ("reconciled", "=", False),
                        ("date_maturity", "<", company._business_local_today()),
                    ],
                    ["partner_id"],
                    ["amount_residual:sum"],
                )
            )
            use_limit = company.account_use_credit_limit
            for order in orders:
                partner = partners.browse(order.partner_id.commercial_partner_id.id)
                open_amount = partner.credit + (partner.credit_to_invoice if use_limit else 0.0)
                limit = partner.credit_limit if use_limit else 0.0
                result[order.id] = {
                    "overdue": company.currency_id.round(overdue.get(partner, 0.0)),
                    "open_amount": company.currency_id.round(open_amount),
                    "credit_limit": limit,
                    "over_limit": bool(use_limit and limit and open_amount > limit),
                    "currency": company.currency_id,
                }
        return result

    def _business_review_promised_date(self):
        """The date promised to the customer: the commitment date, else Odoo's expected one."""
        self.ensure_one()
        return self.commitment_date or self.expected_date or fields.Datetime.now()

    def _business_review_facts_stock(self):
        """生产部/PMC: per line the free quantity today and the forecast on the promised date
        (Odoo's stock forecast in the order's warehouse) and the product's lead times:
        ``{order_id: [{...} per line]}``. One read of the products per date and warehouse."""
        lines_by_key = defaultdict(lambda: self.env["sale.order.line"])
        for order in self:
            for line in order.order_line.filtered(lambda sol: sol.product_id.is_storable):
                key = (order._business_review_promised_date(), order.warehouse_id.id)
                lines_by_key[key] |= line
        result = defaultdict(list)
        for (day, warehouse), lines in lines_by_key.items():
            products = lines.product_id.sudo().with_context(to_date=day, warehouse_id=warehouse)
            forecast = {p.id: p.virtual_available for p in products}
            free = {p.id: p.free_qty for p in products.with_context(to_date=None)}
            for line in lines:
                product = line.product_id.sudo()
                result[line.order_id.id].append(
                    {
                        "line": line,
                        "product": product,
                        "quantity": line.product_uom_qty,
                        "free_qty": free[product.id],
                        "forecast": forecast[product.id],
                        "short": forecast[product.id] < 0,
                        "date": day,
                        "sale_delay": product.sale_delay,
                        "vendor_delay": product.seller_ids[:1].delay,
                    }
                )
        return result

    def _business_review_facts_purchase(self):
        """采购部: the components short (from the bills of materials with manufacturing,
        ``_business_review_component_shortage``), else each product's vendors and their lead
        time: ``{order_id: [{...} per line]}``."""
        lines = self.order_line.filtered(lambda sol: sol.product_id and not sol.display_type)
        shortage = lines._business_review_component_shortage()
        result = defaultdict(list)
        for line in lines:
            product = line.product_id.sudo()
            result[line.order_id.id].append(
                {
                    "line": line,
                    "product": product,
                    "components_short": shortage.get(line.id, []),
                    "vendors": [
                        {"name": seller.partner_id.display_name, "delay": seller.delay}
                        for seller in product.seller_ids
                    ],
                }
            )
        return result
