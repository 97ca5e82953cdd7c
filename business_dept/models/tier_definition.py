from odoo import api, models


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
