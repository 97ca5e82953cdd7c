"""The month's collection plans (应收款项跟催计划) of every salesperson, timed on the bench
database's invoices (issue 12: 50 salespeople under 5 s at scale 1.0)."""

from common import median_of, verdict, with_floor
from dateutil.relativedelta import relativedelta

from odoo.tools import SQL

TARGET_S = 5.0

# the least work for the same lines: one INSERT ... SELECT of the open installments
FLOOR = """
INSERT INTO business_collection_plan_line
       (plan_id, company_id, user_id, month, move_line_id, move_id, partner_id, date_maturity,
        amount, planned_date, payment_method, collected_by_planned, collected_by_month_end)
SELECT p.id, aml.company_id, p.user_id, p.month, aml.id, am.id, am.commercial_partner_id,
       aml.date_maturity, aml.amount_residual, GREATEST(aml.date_maturity, p.month),
       cp.payment_method->>aml.company_id::text, 0, 0
  FROM account_move_line aml
  JOIN account_move am ON am.id = aml.move_id
  JOIN res_partner cp ON cp.id = am.commercial_partner_id
  JOIN account_account acc ON acc.id = aml.account_id
  JOIN business_collection_plan p
    ON p.company_id = aml.company_id AND p.month = %(month)s
   AND p.user_id = COALESCE(am.invoice_user_id, cp.user_id)
 WHERE aml.parent_state = 'posted' AND am.move_type = 'out_invoice'
   AND acc.account_type = 'asset_receivable' AND NOT aml.reconciled
   AND aml.amount_residual > 0 AND aml.date_maturity <= %(month_end)s
"""


def measure_collection_plans(env, context, size, repeat):
    """``business.collection.plan._generate_plans(month)`` for the month after the data
    (every open installment due or overdue), from no plan each run."""
    Plan = env["business.collection.plan"]
    month = context["start"] + relativedelta(months=size["months"] + 1)
    month_end = month + relativedelta(months=1, days=-1)

    # the bench's open invoices belong to a few salespeople (payment kinds and salespeople
    # follow the same modulo): spread them over every salesperson of the invoices
    env.flush_all()
    env.cr.execute(
        SQL(
            """
        WITH u AS (SELECT array_agg(DISTINCT invoice_user_id) AS ids FROM account_move
                    WHERE move_type = 'out_invoice' AND invoice_user_id IS NOT NULL)
        UPDATE account_move m SET invoice_user_id = u.ids[1 + mod(m.id, array_length(u.ids, 1))]
          FROM u
         WHERE m.move_type = 'out_invoice' AND m.payment_state IN ('not_paid', 'partial')
        """
        )
    )
    env.invalidate_all()

    def forget():
        env.flush_all()
        env.cr.execute(SQL("DELETE FROM business_collection_plan WHERE month = %s", month))
        env.invalidate_all()

    def generate():
        Plan._generate_plans(month, env.company)
        env.flush_all()

    median, runs = median_of(repeat, generate, before=forget)
    plans = Plan.search([("month", "=", month), ("company_id", "=", env.company.id)])
    lines = env["business.collection.plan.line"].search_count([("plan_id", "in", plans.ids)])

    def floor():
        env.cr.execute(SQL(FLOOR, month=month, month_end=month_end))

    def floor_before():
        # the plans stay, their lines go: the floor inserts only the lines
        env.flush_all()
        env.cr.execute(
            SQL(
                "DELETE FROM business_collection_plan_line WHERE plan_id = ANY(%s)",
                plans.ids,
            )
        )
        env.invalidate_all()

    floor_median, floor_runs = median_of(repeat, floor, before=floor_before)
    figure = {
        "status": "ok",
        "how": "_generate_plans(month) of one company from no plan, flushed",
        "month": str(month),
        "salespeople": len(plans),
        "lines": lines,
        "median_s": median,
        "runs": runs,
        **verdict(median, TARGET_S),
    }
    forget()
    return with_floor(figure, floor_median, floor_runs, "one INSERT ... SELECT of the lines")
