"""18.0.2.3.0: a customer statement line records the order line it bills (freight,
services and down payments have no stock move); the lines of earlier versions, all of
delivered goods, take the order line of their stock move."""

from openupgradelib import openupgrade


@openupgrade.migrate()
def migrate(env, version):
    openupgrade.logged_query(
        env.cr,
        """
        UPDATE business_customer_statement_line l
           SET sale_line_id = sm.sale_line_id
          FROM stock_move sm
         WHERE sm.id = l.stock_move_id
           AND l.sale_line_id IS NULL
           AND sm.sale_line_id IS NOT NULL
        """,
    )
