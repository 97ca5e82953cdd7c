from odoo import fields, models


class BusinessSalesTargetLine(models.Model):
    """Monthly target (每月销售目标) of an annual target; its company is the target's."""

    _name = "business.sales.target.line"
    _description = "Monthly Sales Target"
    _inherit = ["business.workflow.guard"]
    _order = "target_id, month"
    _check_company_auto = True

    _sql_constraints = [
        ("month_unique", "unique(target_id, month)", "Each month appears once in a target."),
        ("month_range", "CHECK(month BETWEEN 1 AND 12)", "The month is a number from 1 to 12."),
    ]

    target_id = fields.Many2one(
        "business.sales.target",
        string="Sales Target",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="target_id.company_id", store=True, index=True)
    user_id = fields.Many2one(related="target_id.user_id", store=True, index=True)
    team_id = fields.Many2one(related="target_id.team_id", store=True)
    year = fields.Integer(related="target_id.year", store=True)
    currency_id = fields.Many2one(related="target_id.currency_id")
    month = fields.Integer(required=True)
    amount = fields.Monetary(string="Target")
