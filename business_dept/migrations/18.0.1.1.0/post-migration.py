"""18.0.1.1.0: sign-off and approval fields are set by the workflow buttons only.

Release 18.0.1.0.0 let any salesperson write ``signoff_user_id``/``signoff_date`` of a
quotation directly. A quotation still open whose sign-off was not given by a General Manager
(报价需总经理确认签字) loses it and must be signed off again. Confirmed and cancelled orders
are history: their sign-off and review dates stay as they are, none is made up.
"""

from openupgradelib import openupgrade


@openupgrade.migrate()
def migrate(env, version):
    gm_group = env.ref("business_dept.group_general_manager")
    env.cr.execute(
        """
        SELECT so.id
          FROM sale_order so
         WHERE so.state IN ('draft', 'sent')
           AND (so.signoff_date IS NOT NULL OR so.signoff_user_id IS NOT NULL)
           AND (so.signoff_date IS NULL OR so.signoff_user_id IS NULL OR NOT EXISTS (
                    SELECT 1 FROM res_groups_users_rel r
                     WHERE r.gid = %s AND r.uid = so.signoff_user_id))
        """,
        [gm_group.id],
    )
    order_ids = [row[0] for row in env.cr.fetchall()]
    if not order_ids:
        return
    openupgrade.logged_query(
        env.cr,
        "UPDATE sale_order SET signoff_user_id = NULL, signoff_date = NULL WHERE id IN %s",
        [tuple(order_ids)],
    )
    for order in env["sale.order"].browse(order_ids):
        order.message_post(
            body=env._(
                "The sign-off of this quotation was not given by a General Manager: it is "
                "void and a General Manager must sign the quotation off again."
            )
        )
