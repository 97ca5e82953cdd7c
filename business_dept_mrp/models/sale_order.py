from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class SaleOrder(models.Model):
    _inherit = "sale.order"

    business_production_ids = fields.Many2many(
        "mrp.production",
        string="Manufacturing Orders",
        compute="_compute_business_production",
        help="The manufacturing orders made for the order (订单生产节点), cancelled ones left out.",
    )
    business_production_count = fields.Integer(
        string="Manufacturing Order Count", compute="_compute_business_production"
    )
    business_production_late = fields.Boolean(
        string="Production Late",
        compute="_compute_business_production",
        search="_search_business_production_late",
        help="A manufacturing order of the order finishes on a later day than the "
        "commitment date, or is not done and its planned finish day is past (days of the "
        "company's time zone).",
    )

    @api.depends(
        "commitment_date",
        "order_line.product_uom_qty",
        "procurement_group_id.stock_move_ids.created_production_id.procurement_group_id"
        ".mrp_production_ids.state",
        "procurement_group_id.stock_move_ids.created_production_id.procurement_group_id"
        ".mrp_production_ids.date_finished",
    )
    def _compute_business_production(self):
        productions = defaultdict(list)
        late = set()
        rows = self.env["mrp.production"]._business_production_facts(
            SQL("so.id = ANY(%s)", self._origin.ids)
        )
        for row in rows:
            productions[row["order_id"]].append(row["production_id"])
            if row["late_promise"] or row["overdue"]:
                late.add(row["order_id"])
        for order in self:
            ids = productions.get(order._origin.id, [])
            order.business_production_ids = [fields.Command.set(ids)]
            order.business_production_count = len(ids)
            order.business_production_late = order._origin.id in late

    def _search_business_production_late(self, operator, value):
        """Orders with a late manufacturing order, read in one query."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on a late-step flag."))
        query = SQL(
            "SELECT f.order_id FROM (%s) f WHERE f.late_promise OR f.overdue",
            self.env["mrp.production"]._business_facts_query(SQL("TRUE")),
        )
        self.env.cr.execute(query)
        order_ids = [row[0] for row in self.env.cr.fetchall()]
        in_late = (operator == "=") == value
        return [("id", "in" if in_late else "not in", order_ids)]
