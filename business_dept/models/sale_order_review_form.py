from odoo import fields, models
from odoo.exceptions import AccessError

from .tier_review import in_tier_engine


class SaleOrder(models.Model):
    """Who signed the business column of the order review form (订单评审表): printed in
    its 审核 box with the date the review started."""

    _inherit = "sale.order"

    review_signed_user_id = fields.Many2one(
        "res.users", string="Review Signed By", copy=False, readonly=True
    )

    def action_review_sign(self):
        result = super().action_review_sign()
        self._business_workflow_write({"review_signed_user_id": self.env.uid})
        return result

    def _business_check_workflow_fields(self, vals_list, creating=False):
        super()._business_check_workflow_fields(vals_list, creating=creating)
        if in_tier_engine(self.env):
            return
        if any(vals.get("review_signed_user_id") for vals in vals_list):
            raise AccessError(
                self.env._(
                    "%(fields)s of %(model)s are set by the workflow buttons only.",
                    fields=self._fields["review_signed_user_id"]._description_string(self.env),
                    model=self.env["ir.model"]._get(self._name).name,
                )
            )
