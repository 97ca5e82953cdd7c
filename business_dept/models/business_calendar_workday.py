from odoo import fields, models


class BusinessCalendarWorkday(models.Model):
    """A make-up workday (调休): a rest day worked with the hours of a normal weekday."""

    _name = "business.calendar.workday"
    _description = "Make-up Workday"
    _order = "date"

    _sql_constraints = [
        (
            "calendar_date_unique",
            "unique(calendar_id, date)",
            "A make-up workday is recorded once per calendar.",
        )
    ]

    calendar_id = fields.Many2one(
        "resource.calendar", string="Working Calendar", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="calendar_id.company_id", store=True)
    date = fields.Date(required=True)
    name = fields.Char(string="Reason", default="调休")
