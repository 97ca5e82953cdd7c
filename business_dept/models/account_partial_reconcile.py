from odoo import api, models


class AccountPartialReconcile(models.Model):
    """A payment reconciled or unreconciled: the collection plans' actual amounts
    (应收款项跟催计划, plan vs actual) follow."""

    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._business_recompute_plans(partials._business_plan_lines())
        return partials

    def unlink(self):
        lines = self._business_plan_lines()
        result = super().unlink()
        self._business_recompute_plans(lines.exists())
        return result

    def _business_plan_lines(self):
        move_lines = self.debit_move_id | self.credit_move_id
        return (
            self.env["business.collection.plan.line"]
            .sudo()
            .search([("move_line_id", "in", move_lines.ids)])
        )

    def _business_recompute_plans(self, lines):
        Line = self.env["business.collection.plan.line"]
        for fname in ("collected_by_planned", "collected_by_month_end", "credited_by_month_end"):
            self.env.add_to_compute(Line._fields[fname], lines)
