"""18.0.2.5.0: the order review by department (订单评审表 columns).

The shipped review departments are created for each company (editable, a company that
reviews with fewer departments switches them off). Orders signed or received before the
upgrade keep their dates and their on-time rate (订单评审表及时率): no department line is
invented for an old review, none is marked as answered.
"""

from openupgradelib import openupgrade


@openupgrade.migrate()
def migrate(env, version):
    env["business.review.department"]._business_create_defaults()
