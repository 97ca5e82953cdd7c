from odoo import api, fields, models


class TierDefinition(models.Model):
    _inherit = "tier.definition"

    def _business_store_model(self):
        """Definitions loaded from XML data: store their model name (the stored related
        ``model`` is left empty when loaded during the module's installation)."""
        self.env.add_to_compute(self._fields["model"], self)
        self.flush_recordset(["model"])

    @api.model
    def _get_tier_validation_model_names(self):
        return [
            *super()._get_tier_validation_model_names(),
            "business.insert.order",
            "business.logistics.statement",
            "business.stock.backlog",
        ]

    # ------------------------------------------------------------ never stall (催办/升级)
    business_remind_days = fields.Integer(
        string="Remind After (Working Days)",
        default=1,
        help="Working days (company calendar, holidays honoured) a review may wait before "
        "its reviewers are reminded; 0: no reminder.",
    )
    business_escalate_days = fields.Integer(
        string="Escalate After (Working Days)",
        default=3,
        help="Working days a review may wait before it also waits for the next level; "
        "0: never escalated.",
    )
    business_escalate_user_id = fields.Many2one(
        "res.users",
        string="Escalate To",
        domain=[("share", "=", False)],
        help="Who a late review also waits for. Empty: the next level (finance and managers "
        "to the Business Director, the director to the General Manager, the General Manager "
        "to the administrators).",
    )

    def _business_escalation_users(self):
        """The next level of this tier's reviewers."""
        self.ensure_one()
        if self.business_escalate_user_id:
            return self.business_escalate_user_id
        ref = self.env.ref
        levels = [
            ("business_dept.group_general_manager", "base.group_system"),
            ("business_dept.group_business_director", "business_dept.group_general_manager"),
            ("business_dept.group_business_finance", "business_dept.group_business_director"),
            ("business_dept.group_business_manager", "business_dept.group_business_director"),
        ]
        for group, above in levels:
            if self.reviewer_group_id == ref(group):
                return ref(above).users.filtered(lambda u: u.active and not u.share)
        return ref("business_dept.group_business_director").users.filtered("active")
