"""18.0.2.0.0: logistics statement lines know their source and company; zones their company.

``source`` tells a line collected from our deliveries (not listed by the carrier) from a
line of the carrier's statement; ``carrier_listed`` becomes computed from it. Lines and
zone rates get the stored company of their statement / agreement, for the multi-company
record rules. The columns are filled here so that the update does not give every
existing line the default source or compute them one by one. Idempotent.
"""

from openupgradelib import openupgrade


@openupgrade.migrate()
def migrate(env, version):
    cr = env.cr
    line = "business_logistics_statement_line"  # the tables' names, for the checks
    if not openupgrade.table_exists(cr, line):
        return
    if not openupgrade.column_exists(cr, line, "source"):
        openupgrade.logged_query(cr, "ALTER TABLE business_logistics_statement_line ADD COLUMN source VARCHAR")
        openupgrade.logged_query(
            cr,
            """UPDATE business_logistics_statement_line
                   SET source = CASE WHEN COALESCE(carrier_listed, FALSE) THEN 'import'
                                     ELSE 'collected' END""",
        )
    if not openupgrade.column_exists(cr, line, "carrier_file"):
        openupgrade.logged_query(cr, "ALTER TABLE business_logistics_statement_line ADD COLUMN carrier_file VARCHAR")
        openupgrade.logged_query(
            cr, "UPDATE business_logistics_statement_line SET carrier_file = 'carrier file' WHERE source = 'import'"
        )
    if not openupgrade.column_exists(cr, line, "company_id"):
        openupgrade.logged_query(cr, "ALTER TABLE business_logistics_statement_line ADD COLUMN company_id INTEGER")
        openupgrade.logged_query(
            cr,
            """UPDATE business_logistics_statement_line l SET company_id = s.company_id
                  FROM business_logistics_statement s WHERE s.id = l.statement_id""",
        )
    zone = "business_logistics_zone"
    if openupgrade.table_exists(cr, zone) and not openupgrade.column_exists(
        cr, zone, "company_id"
    ):
        openupgrade.logged_query(cr, "ALTER TABLE business_logistics_zone ADD COLUMN company_id INTEGER")
        openupgrade.logged_query(
            cr,
            """UPDATE business_logistics_zone z SET company_id = a.company_id
                  FROM business_logistics_agreement a WHERE a.id = z.agreement_id""",
        )
