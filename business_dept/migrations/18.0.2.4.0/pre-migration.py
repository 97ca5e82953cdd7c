"""18.0.2.4.0: no trigger on Odoo's tables. The KPI report's trigger cache (18.0.2.2.0) is
gone: its triggers and trigger functions are dropped before the update, so that nothing
of the update writes marks; the cron that refreshed it (every 10 minutes, on the report)
is deleted (the nightly job of the store replaces it, a new record).

The store of monthly figures is ``business.kpi.snapshot``: the snapshots frozen by
earlier versions become its *frozen* rows (``kpi_source``), stored when they were frozen.
The stored facts are moved into the store by ``post-migration.py``.
"""

from openupgradelib import openupgrade

from odoo.tools import SQL


def _query(cr, query):
    """``logged_query`` of an ``odoo.tools.SQL``."""
    openupgrade.logged_query(cr, query.code, query.params)


def drop_triggers(cr):
    """Drop the triggers and trigger functions of the KPI cache, on whatever table."""
    cr.execute(
        """SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
            WHERE NOT t.tgisinternal AND t.tgname LIKE 'business_kpi_mark_%'"""
    )
    for name, table in cr.fetchall():
        _query(
            cr, SQL("DROP TRIGGER IF EXISTS %s ON %s", SQL.identifier(name), SQL.identifier(table))
        )
    cr.execute("SELECT proname FROM pg_proc WHERE proname LIKE 'business_kpi_mark_%'")
    for (name,) in cr.fetchall():
        _query(cr, SQL("DROP FUNCTION IF EXISTS %s()", SQL.identifier(name)))


@openupgrade.migrate()
def migrate(env, version):
    cr = env.cr
    drop_triggers(cr)
    # the cron, then its server action (Odoo keeps it when the cron goes)
    openupgrade.delete_records_safely_by_xml_id(
        env,
        [
            "business_dept.ir_cron_business_kpi_refresh",
            "business_dept.ir_cron_business_kpi_refresh_ir_actions_server",
        ],
    )
    if openupgrade.table_exists(cr, "business_kpi_snapshot"):
        _query(
            cr,
            SQL(
                "ALTER TABLE business_kpi_snapshot ADD COLUMN IF NOT EXISTS kpi_source varchar,"
                " ADD COLUMN IF NOT EXISTS stored_date timestamp"
            ),
        )
        _query(
            cr,
            SQL(
                "UPDATE business_kpi_snapshot SET kpi_source = 'frozen',"
                " stored_date = COALESCE(frozen_date, create_date) WHERE kpi_source IS NULL"
            ),
        )
