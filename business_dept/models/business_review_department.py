from odoo import api, fields, models

# The departments of the review form (订单评审表), in the seed's order: business price and
# terms (the General Manager's signature starts the review), technical feasibility,
# production capacity and date (PMC), materials, quality requirements, credit.
DEFAULT_DEPARTMENTS = (
    # code, name, sequence, reviewer group, facts (finance, stock, purchase)
    ("business", "业务部", 10, "business_dept.group_general_manager", ()),
    ("technical", "技术部", 20, "business_dept.group_order_reviewer", ()),
    ("production", "生产部/PMC", 30, "business_dept.group_order_reviewer", ("stock",)),
    ("purchase", "采购部", 40, "business_dept.group_order_reviewer", ("purchase",)),
    ("quality", "品质部", 50, "business_dept.group_order_reviewer", ()),
    ("finance", "财务部", 60, "business_dept.group_business_finance", ("finance",)),
)


class BusinessReviewDepartment(models.Model):
    """A column of the order review form (订单评审表): a department that reviews whether the
    order can be made and delivered as promised, within the review time of the company
    (评审时间共4个工作日, 遇休息日相应延长), in parallel with the others."""

    _name = "business.review.department"
    _description = "Order Review Department"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        help="Shipped department (business, technical, production, purchase, quality, "
        "finance); empty for a department the company adds."
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(
        default=True, help="A company that reviews with fewer departments switches the others off."
    )
    required = fields.Boolean(
        default=True,
        help="The review is complete when every required department answered; an optional "
        "department's answer is recorded but does not hold the review up.",
    )
    is_start = fields.Boolean(
        string="Signature Starts the Review",
        help="The General Manager's signature in this column starts the review "
        "(起始日期按业务部评审一栏总经理签字日期为准): its line is answered by the signature.",
    )
    review_days = fields.Integer(
        string="Working Days",
        help="Working days this department has from the signature, within the company's "
        "review time; 0: the whole review time (all departments in parallel).",
    )
    group_id = fields.Many2one(
        "res.groups",
        string="Reviewer Group",
        help="Members of this group answer for the department (when no reviewers are named).",
    )
    user_ids = fields.Many2many(
        "res.users",
        "business_review_department_user_rel",
        "department_id",
        "user_id",
        string="Reviewers",
        help="When set, only these users answer for the department.",
    )
    head_id = fields.Many2one("res.users", help="Told when the department's answer is late.")
    fact_finance = fields.Boolean(
        string="Credit Facts", help="The customer's overdue receivables and credit limit."
    )
    fact_stock = fields.Boolean(
        string="Stock Facts",
        help="Per line the free quantity, the forecast on the promised date, lead times.",
    )
    fact_purchase = fields.Boolean(
        string="Materials Facts", help="Components short, else the product's vendors."
    )

    _sql_constraints = [
        ("review_days_positive", "CHECK(review_days >= 0)", "Working days cannot be negative."),
    ]

    @api.model
    def _business_create_defaults(self, companies=None):
        """The shipped departments for each company that has none yet (editable)."""
        companies = companies or self.env["res.company"].sudo().search([])
        existing = set(
            self.sudo()
            .with_context(active_test=False)
            .search([("company_id", "in", companies.ids)])
            .mapped("company_id")
            .ids
        )
        vals_list = []
        for company in companies.filtered(lambda c: c.id not in existing):
            for code, name, sequence, group, facts in DEFAULT_DEPARTMENTS:
                vals_list.append(
                    {
                        "name": name,
                        "code": code,
                        "company_id": company.id,
                        "sequence": sequence,
                        "is_start": code == "business",
                        "group_id": self.env.ref(group).id,
                        **{f"fact_{fact}": True for fact in facts},
                    }
                )
        return self.sudo().create(vals_list)

    def _business_reviewers(self, company):
        """Users who answer for the department in ``company`` (at work in it)."""
        self.ensure_one()
        users = self.user_ids or self.group_id.users
        return company._business_at_work(users)

    def _business_is_reviewer(self, user):
        """``user`` answers for this department: named, or in its group when none is."""
        self.ensure_one()
        if self.user_ids:
            return user in self.user_ids
        return bool(self.group_id) and user in self.group_id.sudo().users

    @api.model
    def _business_department_rates(self, domain=None):
        """Per department: answered, answered on time, on-time rate and average working
        days of its answers (one grouped read of the review lines)."""
        groups = self.env["business.order.review.line"]._read_group(
            [("state", "=", "answered"), *(domain or [])],
            ["department_id"],
            ["__count", "on_time_count:sum", "answer_days:avg"],
        )
        return {
            department: {
                "answered": count,
                "on_time": on_time,
                "rate": round(100.0 * on_time / count, 2) if count else 0.0,
                "avg_days": round(days or 0.0, 2),
            }
            for department, count, on_time, days in groups
        }
