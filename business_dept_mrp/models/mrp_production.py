from odoo import api, fields, models
from odoo.tools import SQL


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    business_sale_order_id = fields.Many2one(
        "sale.order", string="Sale Order", compute="_compute_business_production_facts"
    )
    business_actual_start = fields.Datetime(
        string="Actual Start",
        compute="_compute_business_production_facts",
        help="When the first work order of the manufacturing order was started (its "
        "earliest time log).",
    )
    business_actual_finish = fields.Datetime(
        string="Actual Finish",
        compute="_compute_business_production_facts",
        help="When the manufacturing order was done.",
    )
    business_late_promise = fields.Boolean(
        string="After Promised Date",
        compute="_compute_business_production_facts",
        help="The manufacturing order finishes (or finished) on a later day than the "
        "order's commitment date, in the company's time zone.",
    )
    business_overdue = fields.Boolean(
        string="Overdue",
        compute="_compute_business_production_facts",
        help="Not done and its planned finish was on a day before today, in the "
        "company's time zone.",
    )

    @api.depends(
        "state",
        "date_finished",
        "procurement_group_id.sale_id.commitment_date",
        "sale_line_id.order_id.commitment_date",
        "workorder_ids.time_ids.date_start",
    )
    def _compute_business_production_facts(self):
        facts = {
            row["production_id"]: row
            for row in self._business_production_facts(SQL("mp.id = ANY(%s)", self._origin.ids))
        }
        for production in self:
            # a manufacturing order being edited (onchange) shows what is stored
            row = facts.get(production._origin.id) or {}
            production.business_sale_order_id = row.get("order_id")
            production.business_actual_start = row.get("actual_start")
            production.business_actual_finish = row.get("actual_finish")
            production.business_late_promise = bool(row.get("late_promise"))
            production.business_overdue = bool(row.get("overdue"))

    def _business_production_facts(self, condition):
        """The production nodes of the sale orders (订单生产节点), one row per manufacturing
        order made for a sale order and not cancelled, for the rows matching ``condition``
        (SQL on ``mp`` the production, ``so`` the order): ``order_id``, ``production_id``,
        ``actual_start``, ``actual_finish``, ``late_promise``, ``overdue``.

        An order's manufacturing orders are those Odoo links to it (sale_mrp): the
        procurement group's ``sale_id`` (every level of a multi-level production), or the
        order line the production was made for. The days are the local days of the
        order's company: a production planned to finish at 00:30 in Shanghai on the day
        after the promised day finishes late, though it is the same day in UTC."""
        self.env.cr.execute(self._business_facts_query(condition))
        return self.env.cr.dictfetchall()

    def _business_facts_query(self, condition):
        """SQL of ``_business_production_facts`` (the ORM's pending writes flushed)."""
        for model, names in (
            ("mrp.production", ["state", "date_finished", "procurement_group_id", "sale_line_id"]),
            ("procurement.group", ["sale_id"]),
            ("sale.order.line", ["order_id"]),
            ("sale.order", ["commitment_date", "company_id"]),
            ("mrp.workcenter.productivity", ["date_start", "workorder_id"]),
            ("mrp.workorder", ["production_id"]),
        ):
            self.env[model].flush_model(names)
        return SQL(
            "%s %s WHERE mp.state != 'cancel' AND %s",
            self._business_facts_select(),
            self._business_facts_from(),
            condition,
        )

    def _business_facts_select(self):
        Company = self.env["res.company"]
        now = fields.Datetime.now()
        finish_day = SQL(
            "%s::date", Company._business_local_sql(SQL("mp.date_finished"), SQL("tz.tz"))
        )
        promise_day = SQL(
            "%s::date", Company._business_local_sql(SQL("so.commitment_date"), SQL("tz.tz"))
        )
        today = SQL(
            "%s::date", Company._business_local_sql(SQL("%s::timestamp", now), SQL("tz.tz"))
        )
        return SQL(
            """SELECT so.id AS order_id, mp.id AS production_id,
                      (SELECT MIN(p.date_start)
                         FROM mrp_workcenter_productivity p
                         JOIN mrp_workorder wo ON wo.id = p.workorder_id
                        WHERE wo.production_id = mp.id) AS actual_start,
                      CASE WHEN mp.state = 'done' THEN mp.date_finished END AS actual_finish,
                      COALESCE(%(finish)s > %(promise)s, FALSE) AS late_promise,
                      COALESCE(mp.state != 'done' AND %(finish)s < %(today)s, FALSE) AS overdue""",
            finish=finish_day,
            promise=promise_day,
            today=today,
        )

    def _business_facts_from(self):
        return SQL(
            """FROM mrp_production mp
          LEFT JOIN procurement_group pg ON pg.id = mp.procurement_group_id
          LEFT JOIN sale_order_line sol ON sol.id = mp.sale_line_id
               JOIN sale_order so ON so.id = COALESCE(pg.sale_id, sol.order_id)
               JOIN %s tz ON tz.company_id = so.company_id""",
            self.env["res.company"]._business_tz_sql(),
        )
