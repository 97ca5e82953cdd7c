from odoo import api, fields, models


class BusinessKpiMixin(models.AbstractModel):
    """The KPI figures (工作指标) of one company, salesperson and month, shared by
    the live report and its frozen snapshots."""

    _name = "business.kpi.mixin"
    _description = "Business Department KPI Figures"

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    month = fields.Date(readonly=True)
    target_amount = fields.Monetary(string="Target", readonly=True, aggregator="sum")
    output_amount = fields.Monetary(string="Output Value", readonly=True, aggregator="sum")
    achievement = fields.Float(string="Achievement (%)", readonly=True, aggregator="avg")
    achievement_ok = fields.Boolean(string="Achievement OK", readonly=True)
    payment_due_count = fields.Integer(string="Invoices Due", readonly=True, aggregator="sum")
    payment_due_amount = fields.Monetary(string="Amount Due", readonly=True, aggregator="sum")
    payment_ontime_rate = fields.Float(
        string="Payment On-time (%)", readonly=True, aggregator="avg"
    )
    payment_ontime_ok = fields.Boolean(string="Payment On-time OK", readonly=True)
    payment_ontime_amount_rate = fields.Float(
        string="Payment On-time by Amount (%)", readonly=True, aggregator="avg"
    )
    payment_ontime_amount_ok = fields.Boolean(string="Payment On-time by Amount OK", readonly=True)
    delivery_count = fields.Integer(string="Deliveries", readonly=True, aggregator="sum")
    invoice_ontime_rate = fields.Float(
        string="Invoicing On-time (%)", readonly=True, aggregator="avg"
    )
    invoice_ontime_ok = fields.Boolean(string="Invoicing On-time OK", readonly=True)
    review_count = fields.Integer(string="Reviews Received", readonly=True, aggregator="sum")
    review_ontime_rate = fields.Float(string="Review On-time (%)", readonly=True, aggregator="avg")
    review_ontime_ok = fields.Boolean(string="Review On-time OK", readonly=True)
    survey_count = fields.Integer(string="Surveys", readonly=True, aggregator="sum")
    satisfaction = fields.Float(string="Satisfaction", readonly=True, aggregator="avg")
    satisfaction_ok = fields.Boolean(string="Satisfaction OK", readonly=True)
    backlog_count = fields.Integer(string="Backlog Products", readonly=True, aggregator="sum")
    backlog_explained_rate = fields.Float(
        string="Backlog Explained (%)", readonly=True, aggregator="avg"
    )
    backlog_explained_ok = fields.Boolean(string="Backlog Explained OK", readonly=True)
    new_customers = fields.Integer(string="New Customers", readonly=True, aggregator="sum")

    @api.model
    def _kpi_columns(self):
        """(rate field, its ok flag, threshold field on res.company, weight field), in
        report order; the weight makes a department figure out of the rows'."""
        return [
            ("achievement", "achievement_ok", "target_threshold", "target_amount"),
            (
                "payment_ontime_rate",
                "payment_ontime_ok",
                "payment_ontime_threshold",
                "payment_due_count",
            ),
            (
                "payment_ontime_amount_rate",
                "payment_ontime_amount_ok",
                "payment_ontime_threshold",
                "payment_due_amount",
            ),
            (
                "invoice_ontime_rate",
                "invoice_ontime_ok",
                "invoice_ontime_threshold",
                "delivery_count",
            ),
            ("review_ontime_rate", "review_ontime_ok", "review_ontime_threshold", "review_count"),
            ("satisfaction", "satisfaction_ok", "satisfaction_threshold", "survey_count"),
            (
                "backlog_explained_rate",
                "backlog_explained_ok",
                "backlog_explained_threshold",
                "backlog_count",
            ),
        ]

    @api.model
    def _kpi_copy_fields(self):
        """The stored figures a snapshot copies from the report."""
        return [
            name
            for name, field in self._fields.items()
            if field.store and not field.automatic and name not in ("id", "currency_id")
        ]
