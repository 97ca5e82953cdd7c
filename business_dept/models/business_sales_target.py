from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import create_unique_index, float_round

# The unique index of the targets: one per salesperson or team, year and company.
TARGET_UNIQUE_INDEX = "business_sales_target_owner_year_uniq"


class BusinessSalesTarget(models.Model):
    """Annual sales target of a salesperson or a sales team (年度销售目标), split
    into twelve monthly targets (每月销售目标).

    The lines are split evenly by default and can be edited, but they must always
    add up to the annual amount. Targets are set by the Business Director; a
    Business Manager only reads his own.

    One target per salesperson (or per team), year and company: a second one would
    double the target in the KPIs. ``_check_owner_unique`` refuses it with a message
    naming the existing target, before anything is written (an ``api.constrains``
    would run after the INSERT, too late to speak before the index); the unique
    index of ``init`` (the empty one of salesperson/team counted as 0, since SQL
    ``UNIQUE`` lets rows with an empty column through) is the last guard.
    """

    _name = "business.sales.target"
    _description = "Sales Target"
    _inherit = ["mail.thread", "business.workflow.guard"]
    _order = "year desc, id desc"
    _check_company_auto = True

    _owner_fields = ("company_id", "year", "user_id", "team_id")

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users", string="Salesperson", index=True, tracking=True, check_company=True
    )
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", index=True, tracking=True, check_company=True
    )
    year = fields.Integer(
        required=True, default=lambda self: fields.Date.context_today(self).year, tracking=True
    )
    amount = fields.Monetary(string="Annual Target", required=True, tracking=True)
    new_customer_target = fields.Integer(string="New Customers Target", tracking=True)
    new_product_target = fields.Integer(string="New Products Target", tracking=True)
    line_ids = fields.One2many(
        "business.sales.target.line", "target_id", string="Monthly Targets", copy=True
    )

    @api.depends("user_id", "team_id", "year")
    def _compute_name(self):
        for target in self:
            owner = target.user_id.name or target.team_id.name or ""
            target.name = f"{owner} {target.year}".strip()

    @api.constrains("user_id", "team_id", "year", "amount")
    def _check_target(self):
        for target in self:
            if bool(target.user_id) == bool(target.team_id):
                raise ValidationError(
                    self.env._("A sales target is set for a salesperson or for a sales team.")
                )
            if not 2000 <= target.year <= 2100:
                raise ValidationError(
                    self.env._("The year %(year)s is not valid.", year=target.year)
                )
            if target.amount < 0:
                raise ValidationError(self.env._("A sales target cannot be negative."))

    @api.constrains("amount", "line_ids")
    def _check_lines(self):
        for target in self:
            if any(line.amount < 0 for line in target.line_ids):
                raise ValidationError(self.env._("A monthly target cannot be negative."))
            months = target.line_ids.mapped("month")
            if sorted(months) != list(range(1, 13)):
                raise ValidationError(
                    self.env._("A sales target has exactly one line for each month, 1 to 12.")
                )
            total = sum(target.line_ids.mapped("amount"))
            if target.currency_id.compare_amounts(total, target.amount):
                raise ValidationError(
                    self.env._(
                        "The monthly targets add up to %(total)s, not to the annual target "
                        "%(amount)s.",
                        total=total,
                        amount=target.amount,
                    )
                )

    def init(self):
        result = super().init()
        create_unique_index(
            self.env.cr,
            TARGET_UNIQUE_INDEX,
            self._table,
            ["company_id", "year", "COALESCE(user_id, 0)", "COALESCE(team_id, 0)"],
        )
        return result

    @api.model_create_multi
    def create(self, vals_list):
        self._check_director()
        defaults = self.default_get(["company_id", "year"])
        self._check_owner_unique([self._owner_key(dict(defaults, **vals)) for vals in vals_list])
        for vals in vals_list:
            if not vals.get("line_ids"):
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                vals["line_ids"] = (
                    self.with_company(company)
                    .new({"company_id": company.id})
                    ._line_commands(vals.get("amount", 0.0))
                )
        return super().create(vals_list)

    def write(self, vals):
        self._check_director()
        if any(fname in vals for fname in self._owner_fields):
            self._check_owner_unique([self._owner_key(vals, target) for target in self])
        if "amount" in vals and "line_ids" not in vals:
            # A new annual amount without new lines: split it evenly again.
            for target in self:
                lines = [Command.clear()] + target._line_commands(vals["amount"])
                super(BusinessSalesTarget, target).write(dict(vals, line_ids=lines))
            return True
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_director(self):
        self._check_director()

    def action_split_evenly(self):
        """Split the annual target evenly over the months again."""
        self._check_director()
        for target in self:
            target.line_ids = [Command.clear()] + target._line_commands(target.amount)
        return True

    def _check_owner_unique(self, keys):
        """Refuse a second target of a salesperson or team for a year and company.

        ``keys``: the (company id, year, user id, team id) of the targets about to be
        written; the targets of ``self`` are the ones being changed. Called before
        the SQL is sent, so that the user reads which target exists rather than the
        unique index's error. One query."""
        seen = {}
        for key in keys:
            if key in seen:
                raise ValidationError(
                    self.env._(
                        "The sales target of %(owner)s for %(year)s is entered twice.",
                        owner=self._owner_name(key),
                        year=key[1],
                    )
                )
            seen[key] = True
        if not keys:
            return
        groups = self.sudo()._read_group(
            [
                ("company_id", "in", list({key[0] for key in keys})),
                ("year", "in", list({key[1] for key in keys})),
                ("id", "not in", self.ids),
            ],
            ["company_id", "year", "user_id", "team_id"],
            ["id:recordset"],
        )
        for company, year, user, team, targets in groups:
            if (company.id, year, user.id or False, team.id or False) in seen:
                raise ValidationError(
                    self.env._(
                        "There is already a sales target for %(owner)s in %(year)s "
                        "(%(company)s): %(target)s. Change that target instead.",
                        owner=user.name or team.name,
                        year=year,
                        company=company.name,
                        target=targets[:1].name,
                    )
                )

    def _owner_name(self, key):
        if key[2]:
            return self.env["res.users"].sudo().browse(key[2]).name
        return self.env["crm.team"].sudo().browse(key[3]).name or ""

    @api.model
    def _owner_key(self, vals, record=None):
        """(company id, year, user id, team id) of ``vals`` over ``record``'s values."""
        key = []
        for fname in self._owner_fields:
            if fname in vals:
                value = vals[fname]
                value = value.id if isinstance(value, models.BaseModel) else value
            elif record is not None:
                value = record[fname].id if fname != "year" else record.year
            else:
                value = False
            key.append(value or False)
        return tuple(key)

    def _check_director(self):
        if not self.env.user.has_group("business_dept.group_business_director") and not (
            self.env.su
        ):
            raise AccessError(self.env._("Only a Business Director sets sales targets."))

    @api.model
    def _split_amount(self, amount, currency):
        """Twelve even monthly amounts; the rounding rest goes to December."""
        digits = currency.decimal_places
        monthly = float_round(amount / 12.0, precision_digits=digits)
        amounts = [monthly] * 11
        amounts.append(float_round(amount - sum(amounts), precision_digits=digits))
        return amounts

    def _line_commands(self, amount):
        currency = self.currency_id or self.env.company.currency_id
        return [
            Command.create({"month": month, "amount": value})
            for month, value in enumerate(self._split_amount(amount, currency), start=1)
        ]
