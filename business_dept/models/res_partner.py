from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResPartner(models.Model):
    """Customer file (新客户档案), held on the commercial entity."""

    _inherit = "res.partner"

    closing_day = fields.Integer(
        string="Closing Day",
        help="Day of the month on which the customer closes his books (关账日): invoices of "
        "the month must reach him before it (开票及时率). Empty = the last day of the month.",
    )

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
