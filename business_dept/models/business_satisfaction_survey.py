from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

SCORE_FIELDS = (
    "score_quotation",
    "score_technical",
    "score_quality",
    "score_delivery",
    "score_logistics",
    "score_service",
)


class BusinessSatisfactionSurvey(models.Model):
    """Customer satisfaction survey (客户满意度调查表).

    Six dimensions scored out of 100: quotation (报价), technical support (技术支持),
    quality (质量), delivery (交期), logistics (物流) and service (服务). The survey
    ``score`` is the average of the dimensions that were rated: a dimension left
    empty (0) is not counted. Only finished (done) surveys count in the KPIs; a
    finished score under the company's ``satisfaction_threshold`` (客户满意度 ≥ 80
    points) gives the responsible manager an activity.
    """

    _name = "business.satisfaction.survey"
    _description = "Customer Satisfaction Survey"
    _inherit = ["mail.thread", "mail.activity.mixin", "business.workflow.guard"]
    _business_workflow_fields = ("state",)
    _order = "date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True
    )
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    user_id = fields.Many2one(
        "res.users",
        string="Responsible Manager",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
    )
    score_quotation = fields.Integer(string="Quotation")
    score_technical = fields.Integer(string="Technical Support")
    score_quality = fields.Integer(string="Quality")
    score_delivery = fields.Integer(string="Delivery")
    score_logistics = fields.Integer(string="Logistics")
    score_service = fields.Integer(string="Service")
    score = fields.Float(
        compute="_compute_score", store=True, aggregator="avg", digits=(16, 1), tracking=True
    )
    comment = fields.Text()
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Done")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )

    @api.depends("partner_id", "date")
    def _compute_name(self):
        for survey in self:
            survey.name = f"{survey.partner_id.name or ''} {survey.date or ''}".strip()

    @api.depends("partner_id")
    def _compute_user_id(self):
        for survey in self:
            survey.user_id = survey.partner_id.commercial_partner_id.user_id or survey.user_id

    @api.depends(*SCORE_FIELDS)
    def _compute_score(self):
        for survey in self:
            rated = [survey[fname] for fname in SCORE_FIELDS if survey[fname]]
            survey.score = sum(rated) / len(rated) if rated else 0.0

    @api.constrains(*SCORE_FIELDS)
    def _check_scores(self):
        for survey in self:
            for fname in SCORE_FIELDS:
                if not 0 <= survey[fname] <= 100:
                    raise ValidationError(
                        self.env._(
                            "%(dimension)s: a score lies between 0 and 100 (got %(value)s).",
                            dimension=self._fields[fname]._description_string(self.env),
                            value=survey[fname],
                        )
                    )

    def write(self, vals):
        """A finished survey is frozen: its answers change only after a Business Director
        reset it to draft (a chatter note tells)."""
        locked = set(SCORE_FIELDS) | {"partner_id", "date", "user_id", "comment"}
        if not self.env.su and locked & set(vals) and any(s.state == "done" for s in self):
            raise AccessError(
                self.env._(
                    "A finished survey is not changed: a Business Director resets it to draft "
                    "first."
                )
            )
        return super().write(vals)

    def action_done(self):
        """Finish the survey; a score under the threshold raises an activity."""
        self._check_own_survey()
        if any(survey.state != "draft" for survey in self):
            raise UserError(self.env._("Only a draft survey can be finished."))
        if any(not any(survey[fname] for fname in SCORE_FIELDS) for survey in self):
            raise UserError(self.env._("Rate at least one dimension before finishing."))
        self._business_workflow_write({"state": "done"})
        for survey in self:
            if survey.user_id and survey.score < survey.company_id.satisfaction_threshold:
                owner = survey.company_id._business_owner(
                    survey.user_id | survey.partner_id.commercial_partner_id.user_id
                )
                env = self.with_context(lang=owner.lang).env
                survey.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=owner.id,
                    summary=env._("Customer satisfaction under the threshold"),
                    note=env._(
                        "%(customer)s scored %(score)s points, under %(threshold)s.",
                        customer=survey.partner_id.display_name,
                        score=round(survey.score, 1),
                        threshold=survey.company_id.satisfaction_threshold,
                    ),
                )
        return True

    def action_draft(self):
        """Reset a finished survey: a director only (not its own manager)."""
        if not (self.env.su or self.env.user.has_group("business_dept.group_business_director")):
            raise AccessError(self.env._("Only a Business Director resets a finished survey."))
        if any(survey.state != "done" for survey in self):
            raise UserError(self.env._("Only a finished survey can be reset to draft."))
        self._business_workflow_write({"state": "draft"})
        for survey in self:
            survey.message_post(
                body=self.env._(
                    "Reset to draft by %(user)s: the survey's answers may be changed, then it is "
                    "finished again.",
                    user=self.env.user.name,
                )
            )
        return True

    def _check_own_survey(self):
        if self.env.su or self.env.user.has_group("business_dept.group_business_director"):
            return
        if not self.env.user.has_group("business_dept.group_business_manager") or any(
            survey.user_id != self.env.user for survey in self
        ):
            raise AccessError(
                self.env._("Only the responsible manager or a director may finish a survey.")
            )
