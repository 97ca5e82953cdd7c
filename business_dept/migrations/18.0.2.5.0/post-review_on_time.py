"""18.0.2.5.0: the order review on-time flag (订单评审表及时率) counts by the receipt date
(接收日期, the company's local day), no longer by the hour: the received reviews are judged
again. Months already frozen keep their figures (``business.kpi.snapshot``)."""

from openupgradelib import openupgrade


@openupgrade.migrate()
def migrate(env, version):
    orders = (
        env["sale.order"]
        .with_context(active_test=False)
        .search([("review_received_date", "!=", False)])
    )
    env.add_to_compute(orders._fields["review_on_time"], orders)
    orders.flush_recordset(["review_on_time"])
