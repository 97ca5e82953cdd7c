"""18.0.2.0.0: logistics statement lines know their source and company; zones their company.

``source`` tells a line of our deliveries from a line of the carrier's file and from a
line typed by hand; ``carrier_file`` marks the rows of the last import (replaced by the
next one); ``carrier_listed`` becomes computed from them. Lines and
zone rates get the stored company of their statement / agreement, for the multi-company
record rules. The columns are filled here so that the update neither gives every existing
line the default source nor computes them one by one. Idempotent.
"""

from openupgradelib import openupgrade

LINE = "business_logistics_statement_line"
ZONE = "business_logistics_zone"


@openupgrade.migrate()
def migrate(env, version):
    cr = env.cr
    if not openupgrade.table_exists(cr, LINE):
        return
    if not openupgrade.column_exists(cr, LINE, "source"):
        # a line linked to a delivery is ours (the previous import put the carrier's row
        # on the collected line); an unlinked carrier line came from the file; the rest
        # was typed by hand
        openupgrade.logged_query(
            cr,
            """
            ALTER TABLE business_logistics_statement_line
                ADD COLUMN source VARCHAR,
                ADD COLUMN carrier_file VARCHAR
            """,
        )
        openupgrade.logged_query(
            cr,
            """
            UPDATE business_logistics_statement_line
               SET source = CASE WHEN picking_id IS NOT NULL THEN 'collected'
                                 WHEN carrier_listed THEN 'import'
                                 ELSE 'manual' END,
                   carrier_file = CASE WHEN carrier_listed THEN 'carrier file' END
            """,
        )
        # ``carrier_listed`` is now computed: typed by hand, or a carrier amount typed
        # on a collected delivery, is on the carrier's statement
        openupgrade.logged_query(
            cr,
            """
            UPDATE business_logistics_statement_line
               SET carrier_listed = TRUE
             WHERE NOT COALESCE(carrier_listed, FALSE)
               AND (source != 'collected' OR COALESCE(amount, 0) != 0)
            """,
        )
    if not openupgrade.column_exists(cr, LINE, "company_id"):
        openupgrade.logged_query(
            cr, "ALTER TABLE business_logistics_statement_line ADD COLUMN company_id INTEGER"
        )
        openupgrade.logged_query(
            cr,
            """
            UPDATE business_logistics_statement_line l
               SET company_id = s.company_id
              FROM business_logistics_statement s
             WHERE s.id = l.statement_id
            """,
        )
    if openupgrade.table_exists(cr, ZONE) and not openupgrade.column_exists(cr, ZONE, "company_id"):
        openupgrade.logged_query(
            cr, "ALTER TABLE business_logistics_zone ADD COLUMN company_id INTEGER"
        )
        openupgrade.logged_query(
            cr,
            """
            UPDATE business_logistics_zone z
               SET company_id = a.company_id
              FROM business_logistics_agreement a
             WHERE a.id = z.agreement_id
            """,
        )
