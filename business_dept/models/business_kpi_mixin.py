from odoo import api, fields, models
from odoo.tools import SQL


class BusinessKpiMixin(models.AbstractModel):
    """The KPI figures (工作指标) of one company, salesperson and month, shared by
    the live report and its frozen snapshots.

    Each rate has its numerator and denominator columns; a total over several rows
    (pivot, graph, department line of the monthly summary) is the ratio of their
    sums (``_read_group_select``), never the average of the rows' rates. A rate
    without a denominator is "no data": NULL rate and NULL ``<kpi>_ok`` flag (the
    ORM reads NULL as 0 / False: read "no data" from the denominator being 0).
    """

    _name = "business.kpi.mixin"
    _description = "Business Department KPI Figures"

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    in_department = fields.Boolean(
        string="Business Department",
        readonly=True,
        help="The salesperson is an internal user of the Business Department groups "
        "(not a bot, the administrator account or an empty salesperson).",
    )
    month = fields.Date(readonly=True)
    target_amount = fields.Monetary(string="Target", readonly=True, aggregator="sum")
    output_amount = fields.Monetary(string="Output Value", readonly=True, aggregator="sum")
    achievement = fields.Float(string="Achievement (%)", readonly=True, aggregator="avg")
    achievement_ok = fields.Boolean(string="Achievement OK", readonly=True)
    payment_due_count = fields.Integer(string="Installments Due", readonly=True, aggregator="sum")
    payment_ontime_count = fields.Integer(
        string="Installments Paid On Time", readonly=True, aggregator="sum"
    )
    payment_due_amount = fields.Monetary(string="Amount Due", readonly=True, aggregator="sum")
    payment_ontime_amount = fields.Monetary(
        string="Amount Paid On Time", readonly=True, aggregator="sum"
    )
    payment_ontime_rate = fields.Float(
        string="Payment On-time (%)", readonly=True, aggregator="avg"
    )
    payment_ontime_ok = fields.Boolean(string="Payment On-time OK", readonly=True)
    payment_ontime_amount_rate = fields.Float(
        string="Payment On-time by Amount (%)", readonly=True, aggregator="avg"
    )
    payment_ontime_amount_ok = fields.Boolean(string="Payment On-time by Amount OK", readonly=True)
    delivery_count = fields.Integer(string="Deliveries", readonly=True, aggregator="sum")
    delivery_ontime_count = fields.Integer(
        string="Deliveries Invoiced On Time", readonly=True, aggregator="sum"
    )
    invoice_ontime_rate = fields.Float(
        string="Invoicing On-time (%)", readonly=True, aggregator="avg"
    )
    invoice_ontime_ok = fields.Boolean(string="Invoicing On-time OK", readonly=True)
    review_count = fields.Integer(string="Reviews Received", readonly=True, aggregator="sum")
    review_ontime_count = fields.Integer(string="Reviews On Time", readonly=True, aggregator="sum")
    review_ontime_rate = fields.Float(string="Review On-time (%)", readonly=True, aggregator="avg")
    review_ontime_ok = fields.Boolean(string="Review On-time OK", readonly=True)
    survey_count = fields.Integer(string="Surveys", readonly=True, aggregator="sum")
    survey_score = fields.Float(string="Survey Points", readonly=True, aggregator="sum")
    satisfaction = fields.Float(readonly=True, aggregator="avg")
    satisfaction_ok = fields.Boolean(string="Satisfaction OK", readonly=True)
    backlog_count = fields.Integer(string="Backlog Products", readonly=True, aggregator="sum")
    backlog_explained_count = fields.Integer(
        string="Backlog Explained", readonly=True, aggregator="sum"
    )
    backlog_explained_rate = fields.Float(
        string="Backlog Explained (%)", readonly=True, aggregator="avg"
    )
    backlog_explained_ok = fields.Boolean(string="Backlog Explained OK", readonly=True)
    new_customers = fields.Integer(readonly=True, aggregator="sum")

    def _read_group_select(self, aggregate_spec, query):
        """A rate summed or averaged over several rows is the ratio of the sums of
        its numerator and denominator (as ``vendor.delay.report``); NULL = no data."""
        fname, __, func = aggregate_spec.partition(":")
        ratio = self._kpi_ratios().get(fname)
        if ratio and func in ("sum", "avg"):
            numerator, denominator, factor = ratio
            num = self._field_to_sql(self._table, numerator, query)
            den = self._field_to_sql(self._table, denominator, query)
            if fname == "achievement":
                num = SQL("CASE WHEN %s <> 0 THEN %s END", den, num)
            return SQL("(%s * SUM(%s) / NULLIF(SUM(%s), 0))::float", factor, num, den)
        return super()._read_group_select(aggregate_spec, query)

    @api.model
    def _kpi_columns(self):
        """(rate field, its ok flag, threshold field on res.company, denominator
        field), in report order. No denominator = no data."""
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
    def _kpi_ratios(self):
        """{rate field: (numerator field, denominator field, factor)}: the rate is
        factor × numerator ÷ denominator, of one row or of the sums of several.
        Achievement counts the output of the rows that have a target."""
        return {
            "achievement": ("output_amount", "target_amount", 100.0),
            "payment_ontime_rate": ("payment_ontime_count", "payment_due_count", 100.0),
            "payment_ontime_amount_rate": ("payment_ontime_amount", "payment_due_amount", 100.0),
            "invoice_ontime_rate": ("delivery_ontime_count", "delivery_count", 100.0),
            "review_ontime_rate": ("review_ontime_count", "review_count", 100.0),
            "satisfaction": ("survey_score", "survey_count", 1.0),
            "backlog_explained_rate": ("backlog_explained_count", "backlog_count", 100.0),
        }

    @api.model
    def _kpi_copy_fields(self):
        """The figures the store (``business.kpi.snapshot``) keeps of a report row: the
        fields of this mixin."""
        return [
            name
            for name, field in self.env["business.kpi.mixin"]._fields.items()
            if field.store and not field.automatic and name not in ("id", "currency_id")
        ]
