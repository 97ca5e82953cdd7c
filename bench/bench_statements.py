"""Bench figure "customer statements" (issue 12): the month's customer statements of
account (客户对账单) for 5,000 customers over 100,000 deliveries and 100,000 invoices.

The bench data (``bench_data.generate``) has the customers, the done deliveries and the
posted invoices and payments, spread over 12 months. Inside a savepoint, rolled back at
the end, they are moved into one month (set-based ``UPDATE``: each keeps its day of the
month, up to the 28th), their order lines are made not invoiced yet and every customer
closes at the month end (the bench customers have closing days 0-28), so that every
delivery and every invoice is in the month's statements; then
``business.customer.statement._generate_statements(month end)`` is timed. Its floor is
the same SQL with the statements inserted by SQL too (no ORM create, no sequence).
"""

import datetime

from dateutil.relativedelta import relativedelta

from odoo.tools import SQL

TARGET_S = 20.0


def measure_customer_statements(env, context, size, repeat, median_of, verdict, with_floor):
    """Time ``_generate_statements`` on the squeezed month; returns the figure."""
    cr = env.cr
    Statement = env["business.customer.statement"]
    company = env.company
    month = context["kpi_month"].replace(day=1)
    date_to = month + relativedelta(months=1) - datetime.timedelta(days=1)
    cr.execute(SQL("SAVEPOINT bench_customer_statements"))
    try:
        cr.execute(
            SQL(
                """UPDATE stock_picking SET date_done = %(month)s::timestamp
                          + mod(EXTRACT(DAY FROM date_done)::int - 1, 28) * interval '1 day'
                          + (date_done - date_trunc('day', date_done))
                    WHERE state = 'done' AND date_done IS NOT NULL""",
                month=month,
            )
        )
        cr.execute(
            SQL(
                """UPDATE account_move_line
                      SET date = %(month)s::date + mod(EXTRACT(DAY FROM date)::int - 1, 28)
                    WHERE parent_state = 'posted'""",
                month=month,
            )
        )
        cr.execute(SQL("UPDATE sale_order_line SET qty_invoiced = 0"))
        # every customer closes at the month end: one call makes all the month's statements
        cr.execute(SQL("UPDATE res_partner SET closing_day = NULL"))
        cr.execute(SQL("ANALYZE stock_picking"))
        cr.execute(SQL("ANALYZE account_move_line"))
        env.invalidate_all()

        def clear():
            cr.execute(SQL("DELETE FROM business_customer_statement"))
            env.invalidate_all()

        created = {}

        def generate():
            created["statements"] = len(Statement._generate_statements(date_to, companies=company))

        median, runs = median_of(repeat, generate, before=clear)
        cr.execute(SQL("SELECT COUNT(*) FROM business_customer_statement_line"))
        lines = cr.fetchone()[0]

        Collector = env["business.customer.statement.collector"]
        closing_days = Collector._closing_days_ending(date_to)
        periods = {day: Collector._period_start(date_to, day) for day in closing_days}

        def floor():
            rows = Collector._statement_candidates(company, date_to, periods)
            cr.execute(
                SQL(
                    """INSERT INTO business_customer_statement
                              (name, partner_id, company_id, date_from, date_to, state)
                       SELECT 'CS/' || p, p, %(company)s, f, %(date_to)s, 'draft'
                         FROM unnest(%(partners)s::int[], %(froms)s::date[]) AS r(p, f)
                    RETURNING id""",
                    company=company.id,
                    date_to=date_to,
                    partners=[r[0] for r in rows],
                    froms=[r[1] for r in rows],
                )
            )
            Statement.browse([r[0] for r in cr.fetchall()])._fill_lines()

        floor_median, floor_runs = median_of(repeat, floor, before=clear)
        figure = {
            "median_s": median,
            "runs": runs,
            "statements": created.get("statements"),
            "lines": lines,
            "customers": size["customers"],
            "deliveries": size["deliveries"],
            "invoices": size["invoices"],
            **verdict(median, TARGET_S),
        }
        return with_floor(
            figure, floor_median, floor_runs, "the same SQL, statements inserted by SQL"
        )
    except Exception as error:  # the figure fails, the bench goes on and says so
        return {"status": "error", "error": f"{type(error).__name__}: {error}"}
    finally:
        cr.execute(SQL("ROLLBACK TO SAVEPOINT bench_customer_statements"))
        env.invalidate_all()
