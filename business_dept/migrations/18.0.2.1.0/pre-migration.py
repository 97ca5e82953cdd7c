"""18.0.2.1.0: sale orders store the earliest due date of their unpaid posted customer
invoices (``business_unpaid_due_date``), which the Invoice Overdue filter reads.

The column is created and filled here in one UPDATE, so that the update does not
compute it order by order. Idempotent.
"""

from openupgradelib import openupgrade


@openupgrade.migrate()
def migrate(env, version):
    cr = env.cr
    if not openupgrade.table_exists(cr, "sale_order") or openupgrade.column_exists(
        cr, "sale_order", "business_unpaid_due_date"
    ):
        return
    openupgrade.logged_query(cr, "ALTER TABLE sale_order ADD COLUMN business_unpaid_due_date DATE")
    openupgrade.logged_query(
        cr,
        """
        UPDATE sale_order so
           SET business_unpaid_due_date = d.due
          FROM (SELECT sol.order_id, min(am.invoice_date_due) AS due
                  FROM sale_order_line sol
                  JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
                  JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                  JOIN account_move am ON am.id = aml.move_id
                 WHERE am.move_type = 'out_invoice' AND am.state = 'posted'
                   AND am.payment_state IN ('not_paid', 'partial')
                   AND am.invoice_date_due IS NOT NULL
              GROUP BY sol.order_id) d
         WHERE so.id = d.order_id
        """,
    )
