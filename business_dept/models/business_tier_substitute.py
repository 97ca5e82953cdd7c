from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

DIRECTOR = "business_dept.group_business_director"
# the people of the department a director names substitutes for (his team)
TEAM_GROUPS = (
    "business_dept.group_business_manager",
    "business_dept.group_business_assistant",
    "business_dept.group_business_finance",
)


class BusinessTierSubstitute(models.Model):
    """代理审批: while a reviewer is away (from ``date_from`` to ``date_to``, days of the
    company's calendar), the reviews that wait for him wait for his substitute too; when
    the substitute acts, the review records that he acted for him ("李明 for 王建国").

    A user names his own substitute; a Business Director names one for a person of his team
    (managers, assistants, finance); the administrator for anyone. A substitution starts
    today or later (never back-dated), ends by itself after its last day, and is not
    chained: the substitute is not away himself in that period, and the person away is not
    substituting for someone else. The rules of the review still hold for the substitute:
    nobody approves his own request, nor two tiers of one document.
    """

    _name = "business.tier.substitute"
    _description = "Approval Substitute"
    _inherit = ["mail.thread"]
    _order = "date_from desc, id desc"

    user_id = fields.Many2one(
        "res.users",
        string="Reviewer Away",
        required=True,
        default=lambda self: self.env.user,
        domain=[("share", "=", False)],
        tracking=True,
    )
    substitute_id = fields.Many2one(
        "res.users",
        required=True,
        domain=[("share", "=", False)],
        tracking=True,
        help="Reviews the documents that wait for the reviewer away, in his name.",
    )
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: self.env.company._business_local_today(),
        tracking=True,
    )
    date_to = fields.Date(
        string="To",
        required=True,
        default=lambda self: self.env.company._business_local_today(),
        tracking=True,
        help="The last day away.",
    )
    note = fields.Char(string="Reason")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    running = fields.Boolean(
        compute="_compute_running",
        search="_search_running",
        help="The substitution runs today (company's local day).",
    )

    def _compute_running(self):
        for substitution in self:
            today = substitution.company_id._business_local_today()
            substitution.running = substitution.date_from <= today <= substitution.date_to

    def _search_running(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValidationError(self.env._("Search running substitutions with = or !=."))
        today = self.env.company._business_local_today()
        domain = [("date_from", "<=", today), ("date_to", ">=", today)]
        return domain if (operator == "=") == value else ["!", "&", *domain]

    @api.depends("user_id", "substitute_id", "date_from", "date_to")
    def _compute_display_name(self):
        for substitution in self:
            substitution.display_name = self.env._(
                "%(substitute)s for %(user)s (%(start)s – %(end)s)",
                substitute=substitution.substitute_id.name or "",
                user=substitution.user_id.name or "",
                start=substitution.date_from or "",
                end=substitution.date_to or "",
            )

    # ------------------------------------------------------------ rules
    @api.constrains("user_id", "substitute_id", "date_from", "date_to")
    def _check_substitution(self):
        for substitution in self:
            if substitution.date_to < substitution.date_from:
                raise ValidationError(self.env._("A substitution ends on or after its start."))
            if substitution.substitute_id == substitution.user_id:
                raise ValidationError(self.env._("Name someone else as substitute."))
            if substitution.substitute_id.share:
                raise ValidationError(
                    self.env._("A substitute is an internal user, not a portal user.")
                )
            overlapping = self.sudo().search(
                [
                    ("id", "!=", substitution.id),
                    ("date_from", "<=", substitution.date_to),
                    ("date_to", ">=", substitution.date_from),
                    "|",
                    "|",
                    ("user_id", "=", substitution.substitute_id.id),
                    ("substitute_id", "=", substitution.user_id.id),
                    ("user_id", "=", substitution.user_id.id),
                ]
            )
            if overlapping:
                raise ValidationError(
                    self.env._(
                        "%(new)s overlaps %(other)s: a person away has one substitute at a "
                        "time, and substitutions are not chained.",
                        new=substitution.display_name,
                        other=overlapping[0].display_name,
                    )
                )

    def _check_may_name(self, dates=()):
        """Server side: who names a substitute for whom; the ``dates`` written (``date_from``,
        ``date_to``) are never in the past: a running substitution can still be shortened
        to today or extended."""
        if self.env.su:
            return
        user = self.env.user
        # his team: the department's people under him (not directors, not the GM)
        team = (
            self.env["res.groups"].browse([self.env.ref(x).id for x in TEAM_GROUPS]).users
            - self.env.ref(DIRECTOR).users
        )
        for substitution in self:
            allowed = (
                substitution.user_id == user
                or user._is_admin()
                or (user.has_group(DIRECTOR) and substitution.user_id in team)
            )
            if not allowed:
                raise AccessError(
                    self.env._(
                        "You name a substitute for yourself; a Business Director for a person "
                        "of his team, the administrator for anyone (not for %(user)s).",
                        user=substitution.user_id.name,
                    )
                )
            today = substitution.company_id._business_local_today()
            if any(substitution[fname] < today for fname in dates):
                raise ValidationError(
                    self.env._("A substitution starts today or later; it is not back-dated.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        substitutions = super().create(vals_list)
        substitutions._check_may_name(dates=("date_from", "date_to"))
        self._business_reviews_follow()
        return substitutions

    def write(self, vals):
        self._check_may_name()
        result = super().write(vals)
        self._check_may_name(dates=[f for f in ("date_from", "date_to") if f in vals])
        self._business_reviews_follow()
        return result

    def unlink(self):
        self._check_may_name()
        result = super().unlink()
        self._business_reviews_follow()
        return result

    def _business_reviews_follow(self):
        self.env["business.tier.validation"]._business_tier_follow_people()

    @api.model
    def _cron_business_substitutes(self):
        """Daily: substitutions starting or ending today move the review to-dos."""
        self._business_reviews_follow()

    # ------------------------------------------------------------ who stands in
    @api.model
    def _business_running(self, company):
        return (
            self.sudo()
            .with_company(company)
            .search([("company_id", "=", company.id), ("running", "=", True)])
        )

    @api.model
    def _business_substitutes(self, reviewers, company):
        """The substitutes of ``reviewers`` away today in ``company``."""
        running = self._business_running(company)
        return running.filtered(lambda s: s.user_id in reviewers).substitute_id

    @api.model
    def _business_stood_in_for(self, substitute, reviewers, company):
        """Whom of ``reviewers`` the ``substitute`` stands in for today."""
        running = self._business_running(company)
        return running.filtered(
            lambda s: s.substitute_id == substitute and s.user_id in reviewers
        ).user_id[:1]
