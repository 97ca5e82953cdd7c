from odoo import api, models
from odoo.tools import SQL


class BusinessKpiReportProgress(models.AbstractModel):
    """What a KPI row is read against: the threshold of the sales target (目标完成率
    考核线) and, for the month in progress, how much of it has gone.

    A month in progress is not a failure: on the 7th, 7 % of the month's target
    is where a salesperson stands after a few working days. The row of the
    company's current local month says so: ``month_state`` is *in progress*,
    ``days_elapsed`` of its ``working_days`` (working days of the company's
    calendar, holidays and make-up workdays (调休) counted as the calendar counts
    them, ``resource.calendar._business_working_day_sql``), and ``target_to_date``
    is the target pro rata of those days. A later month (a target set ahead) is
    *not started*, its target to date 0; an earlier one is *closed*.

    - ``threshold_amount``: the output that reaches the company's target threshold
      (target × ``target_threshold`` %), the line a bar of output is read against.
    - ``achievement_threshold``: the threshold itself, in % (the same on every row
      of a company).

    The fields are declared on the report (a monetary field needs its currency).
    The columns are put around the rows of ``_kpi_query`` (``_kpi_progress_query``),
    so the store (``business.kpi.snapshot``) does not keep them: a stored month is
    closed and its threshold is the company's of today.
    """

    _name = "business.kpi.report.progress"
    _description = "Business Department KPI Report Progress"

    @api.model
    def _kpi_today_sql(self):
        """Relation (company_id, today): each company's local today, decided in Python
        (the company's time zone)."""
        rows = [
            SQL("(%s, %s::date)", company.id, company._business_local_today())
            for company in self.env["res.company"].sudo().search([])
        ]
        return SQL("(SELECT * FROM (VALUES %s) AS v(company_id, today))", SQL(", ").join(rows))

    @api.model
    def _kpi_month_days_sql(self):
        """Relation (company_id, month, working_days, days_elapsed) of each company's
        current local month: one row per company, its days judged once."""
        working = self.env["resource.calendar"]._business_working_day_sql(
            SQL("bd_pr_cal"), SQL("g.day")
        )
        return SQL(
            """(SELECT t.company_id, date_trunc('month', t.today)::date AS month,
                       count(*) FILTER (WHERE bd_pr_day.working) AS working_days,
                       count(*) FILTER (WHERE bd_pr_day.working
                                          AND bd_pr_day.day <= t.today) AS days_elapsed
                  FROM %(today)s t
                  JOIN res_company bd_pr_c ON bd_pr_c.id = t.company_id
                  JOIN resource_calendar bd_pr_cal ON bd_pr_cal.id = bd_pr_c.resource_calendar_id
                 CROSS JOIN LATERAL (
                       SELECT g.day, %(working)s AS working
                         FROM (SELECT date_trunc('month', t.today)::date + n AS day
                                 FROM generate_series(0, %(last)s) n) g
                        WHERE g.day < date_trunc('month', t.today)::date + interval '1 month'
                 ) bd_pr_day
                 GROUP BY t.company_id, t.today)""",
            today=self._kpi_today_sql(),
            working=working,
            last=30,
        )

    @api.model
    def _kpi_progress_query(self, rows):
        """The report's rows (SQL ``rows``) with the threshold and the progress of the
        month in progress."""
        return SQL(
            """SELECT r.*,
                      (CASE WHEN p.month IS NOT NULL THEN 'in_progress'
                            WHEN r.month > t.today THEN 'future'
                            ELSE 'closed' END)::varchar AS month_state,
                      p.working_days::int AS working_days,
                      p.days_elapsed::int AS days_elapsed,
                      CASE WHEN p.month IS NOT NULL
                           THEN r.target_amount * p.days_elapsed / NULLIF(p.working_days, 0)
                           WHEN r.month > t.today THEN 0
                           ELSE r.target_amount END AS target_to_date,
                      r.target_amount * pc.target_threshold / 100.0 AS threshold_amount,
                      pc.target_threshold::float AS achievement_threshold
                 FROM (%(rows)s) r
                 JOIN res_company pc ON pc.id = r.company_id
            LEFT JOIN %(today)s t ON t.company_id = r.company_id
            LEFT JOIN %(days)s p ON p.company_id = r.company_id AND p.month = r.month""",
            rows=rows,
            today=self._kpi_today_sql(),
            days=self._kpi_month_days_sql(),
        )
