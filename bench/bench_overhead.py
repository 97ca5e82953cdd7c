"""The addon's cost to the company's daily work (issue 23): the standard flows — create,
confirm, deliver, invoice and pay orders through the ORM, as a user does — timed in the
bench database with the addon and in a copy of it without the addon (same size, same other
modules: the addon uninstalled from the copy), rounds interleaved; the ratio of the medians
is the figure (target 1.05)."""

import statistics
import subprocess
import time

from common import odoo_env

TARGET_RATIO = 1.05
ORDERS = 30
LINES = 5
ROUNDS = 3


def make_twin(odoo, db):
    """A copy of ``db`` without the addon: ``createdb -T``, then the addon uninstalled."""
    from odoo.modules.registry import Registry  # noqa: PLC0415

    twin = f"{db}_without_addon"
    Registry.delete(db)
    odoo.sql_db.close_db(db)
    subprocess.run(["dropdb", "--if-exists", twin], check=True)
    subprocess.run(["createdb", "-T", db, twin], check=True)
    with Registry(twin).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env["ir.module.module"].search(
            [("name", "=", odoo_env.MODULE)]
        ).button_immediate_uninstall()
    return twin


def _flows(env):
    """``ORDERS`` orders of ``LINES`` lines made, confirmed, delivered, invoiced and paid."""
    env = env(user=env.ref("base.user_admin").id)
    company = env.company
    if "quote_signoff_required" in company._fields:
        # the addon's own approvals are not daily work of the standard flow
        company.sudo().write({"quote_signoff_required": False, "agreement_required": False})
    partner = env["res.partner"].create({"name": "Overhead Customer", "is_company": True})
    products = env["product.product"].create(
        [
            {"name": f"Overhead Part {n}", "is_storable": True, "list_price": 10.0 + n}
            for n in range(LINES)
        ]
    )
    start = time.perf_counter()
    for __ in range(ORDERS):
        order = env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    (0, 0, {"product_id": p.id, "product_uom_qty": 2.0}) for p in products
                ],
            }
        )
        order.action_confirm()
        for picking in order.picking_ids:
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
            picking.with_context(skip_backorder=True, skip_sms=True).button_validate()
        invoice = order._create_invoices()
        invoice.action_post()
        env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        env.flush_all()
    return time.perf_counter() - start


def _round(odoo, db):
    from odoo.modules.registry import Registry  # noqa: PLC0415

    with Registry(db).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            return round(_flows(env), 4)
        finally:
            cr.rollback()


def measure_overhead(odoo, db, twin, rounds=ROUNDS):
    """Interleaved rounds in the two databases: {with, without, ratio}."""
    with_addon, without = [], []
    for __ in range(rounds):
        with_addon.append(_round(odoo, db))
        without.append(_round(odoo, twin))
    ratio = round(statistics.median(with_addon) / statistics.median(without), 3)
    return {
        "how": f"{ORDERS} orders x {LINES} lines: create, confirm, deliver, invoice, pay "
        f"(ORM, as the administrator); {rounds} rounds interleaved; the same database "
        "without the addon (copied, addon uninstalled)",
        "with_addon_s": with_addon,
        "without_addon_s": without,
        "median_with_s": statistics.median(with_addon),
        "median_without_s": statistics.median(without),
        "ratio": ratio,
        "ratio_target": TARGET_RATIO,
        "met": ratio <= TARGET_RATIO,
    }
