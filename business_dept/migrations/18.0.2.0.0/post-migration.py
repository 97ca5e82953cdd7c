"""18.0.2.0.0: every approval runs on OCA tier validation.

Records approved under 18.0.1.1.0 keep their state as validated reviews; records waiting
for an approval get their reviews requested (activities for their reviewers):

- quotations signed off by a General Manager (报价需总经理确认签字): the sign-off tier
  approved by him; a sign-off on an open quotation given by anybody else is void (noted in
  the chatter); open quotations needing a sign-off get it requested for their salesperson;
- insert orders (紧急插单) submitted or approved: their tiers, those the old approval lines
  approved marked approved by their approver, with the comment;
- logistics statements: finance approved, signed, submitted or done ones their finance and
  director tiers approved, reconciled ones requested;
- backlog explanations: reviewed ones approved by their director, explained ones requested.

Idempotent: a record that already has reviews is left alone.
"""

from openupgradelib import openupgrade

APPROVED = "approved"


def _reviews(env, records):
    """Request the reviews of ``records`` (whatever their state); return them by record."""
    result = {}
    for record in records:
        if record.review_ids:
            continue
        record.with_context(skip_check_state_condition=True).request_validation()
        result[record] = record.review_ids.sorted("sequence")
    return result


def _approve(review, user, date, comment=None):
    review.write(
        {
            "status": APPROVED,
            "done_by": user.id if user else False,
            "reviewed_date": date,
            "comment": comment or False,
        }
    )


def _refresh(records):
    for record in records:
        record._business_tier_refresh()


def _quotations(env):
    Order = env["sale.order"]
    signoff = env.ref("business_dept.tier_definition_quotation_signoff")
    gm_group = env.ref("business_dept.group_general_manager")
    forged = Order.search(
        [
            ("state", "in", ("draft", "sent")),
            "|",
            ("signoff_date", "!=", False),
            ("signoff_user_id", "!=", False),
        ]
    ).filtered(lambda o: not o.signoff_date or gm_group not in o.signoff_user_id.groups_id)
    if forged:
        forged.write({"signoff_user_id": False, "signoff_date": False})
        for order in forged:
            order.message_post(
                body=env._(
                    "The sign-off of this quotation was not given by a General Manager: it is "
                    "void and a General Manager must sign the quotation off again."
                )
            )
    signed = Order.search([("signoff_date", "!=", False), ("review_ids", "=", False)])
    for order in signed:
        vals = order._prepare_tier_review_vals(signoff, 1)
        vals.update(
            status=APPROVED,
            done_by=order.signoff_user_id.id,
            reviewed_date=order.signoff_date,
        )
        env["tier.review"].create(vals)
    pending = Order.search([("state", "in", ("draft", "sent")), ("review_ids", "=", False)])
    pending._business_request_signoff()


def _insert_orders(env):
    requests = env["business.insert.order"].search([("state", "in", ("submitted", "approved"))])
    lines = {}
    if openupgrade.table_exists(env.cr, "business_insert_order_approval"):
        env.cr.execute(
            """
            SELECT insert_order_id, level, approver_id, date, comment
              FROM business_insert_order_approval
             WHERE decision = 'approved' AND insert_order_id = ANY(%s)
            """,
            [requests.ids],
        )
        for request_id, level, user_id, date, comment in env.cr.fetchall():
            lines[request_id, level] = (env["res.users"].browse(user_id), date, comment)
    levels = {
        env.ref("business_dept.tier_definition_insert_order_director"): "director",
        env.ref("business_dept.tier_definition_insert_order_gm"): "general_manager",
    }
    for request, reviews in _reviews(env, requests).items():
        for review in reviews:
            line = lines.get((request.id, levels.get(review.definition_id)))
            if line:
                _approve(review, *line)
            elif request.state == "approved":
                _approve(review, None, request.write_date)
    _refresh(requests)


def _statements(env):
    statements = env["business.logistics.statement"].search(
        [("state", "in", ("matched", "approved", "signed", "submitted", "done"))]
    )
    finance = env.ref("business_dept.tier_definition_statement_finance")
    for statement, reviews in _reviews(env, statements).items():
        for review in reviews:
            if statement.state == "matched":
                continue
            if review.definition_id == finance:
                _approve(review, statement.approved_user_id, statement.approved_date)
            elif statement.state != "approved":
                _approve(review, statement.signed_user_id, statement.signed_date)
    _refresh(statements)


def _backlogs(env):
    backlogs = env["business.stock.backlog"].search([("state", "in", ("explained", "reviewed"))])
    for backlog, reviews in _reviews(env, backlogs).items():
        if backlog.state == "reviewed":
            for review in reviews:
                _approve(review, backlog.reviewed_by_id, backlog.reviewed_date)
    _refresh(backlogs)


@openupgrade.migrate()
def migrate(env, version):
    env = env(context=dict(env.context, tracking_disable=True))
    _quotations(env)
    _insert_orders(env)
    _statements(env)
    _backlogs(env)
