"""18.0.2.4.0: the KPI figures the trigger cache stored move into the one store
(``business.kpi.snapshot``), then its tables are dropped.

The facts of ``business_kpi_report_fact`` are exact when no change is marked in
``business_kpi_report_dirty`` (the cache was refreshed since the last change): the
closed months not frozen become *stored* rows computed from them (rates, flags and the
department as the report computes them). With changes marked (or facts of other
columns), the facts are not trusted: the closed months are stored from the live
figures, as the nightly job does. Without the cache tables (an upgrade from before
18.0.2.2.0) nothing is stored: the report reads every month live until the first night.
"""

from openupgradelib import openupgrade

from odoo.tools import SQL

FACTS = "business_kpi_report_fact"
CACHE_TABLES = (FACTS, "business_kpi_report_dirty", "business_kpi_report_customer")


def _facts_exact(env):
    """Whether the stored facts are those of the live figures, with the columns of the
    report's facts."""
    cr = env.cr
    if not openupgrade.table_exists(cr, "business_kpi_report_dirty"):
        return False
    cr.execute("SELECT count(*) FROM business_kpi_report_dirty")
    if cr.fetchone()[0]:
        return False
    cr.execute(
        "SELECT array_agg(column_name::text ORDER BY ordinal_position)"
        " FROM information_schema.columns WHERE table_name = %s",
        (FACTS,),
    )
    columns = cr.fetchone()[0] or []
    # read before the report builds its parts (they query the users and companies)
    measures = env["business.kpi.report"]._kpi_measures()
    return columns == ["company_id", "user_id", "month", *measures]


@openupgrade.migrate()
def migrate(env, version):
    cr = env.cr
    if not openupgrade.table_exists(cr, FACTS):
        return
    Store = env["business.kpi.snapshot"]
    if _facts_exact(env):
        count = Store._kpi_store_refresh(SQL("SELECT * FROM %s", SQL.identifier(FACTS)))
        openupgrade.logger.info("KPI figures: %s rows moved from the stored facts", count)
    else:
        count = Store._kpi_store_refresh()
        openupgrade.logger.info("KPI figures: %s rows stored from the live figures", count)
    for table in CACHE_TABLES:
        openupgrade.logged_query(cr, SQL("DROP TABLE IF EXISTS %s", SQL.identifier(table)).code)
