"""Upgrade from earlier releases of business_dept to the current code.

A release is the last commit (first parent) whose manifest has its version. It is
exported with ``git archive``, installed without demo data in a fresh database, given
data through an Odoo shell, then upgraded (``-u business_dept``) with the addons path
pointing at this repository. The data is checked in SQL afterwards.
"""

import ast
import os
import subprocess
import sys
import tarfile
import tempfile

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MANIFEST = "business_dept/__manifest__.py"
sys.path.insert(0, os.path.join(REPO, "scripts"))

import odoo_env  # noqa: E402

# the main company's id as jsonb key (company-dependent fields, 18.0.2.3.0)
MAIN_COMPANY = (
    "(SELECT res_id FROM ir_model_data WHERE module = 'base' AND name = 'main_company')::text"
)

SETUP = """
from datetime import datetime
company = env.company
company.write({"review_working_days": 5, "backlog_months": 4, "target_threshold": 85.0,
               "quote_signoff_required": True, "quote_signoff_min_amount": 0.0,
               "agreement_required": False})
partner = env["res.partner"].create({"name": "Upgrade Customer", "is_company": True,
                                     "closing_day": 25})
product = env["product.product"].create({"name": "Upgrade Valve", "list_price": 100.0})
gm = env["res.users"].create({"name": "Upgrade GM", "login": "upgrade_gm",
    "email": "gm@example.com",
    "groups_id": [(4, env.ref("business_dept.group_general_manager").id)]})
clerk = env["res.users"].create({"name": "Upgrade Clerk", "login": "upgrade_clerk",
    "groups_id": [(4, env.ref("sales_team.group_sale_salesman").id)]})
def order(name):
    return env["sale.order"].create({"partner_id": partner.id, "client_order_ref": name,
        "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 2})]})
reviewed = order("reviewed")
reviewed.with_user(gm).action_signoff()
reviewed.action_confirm()
reviewed.write({"review_start_date": datetime(2026, 3, 2, 2, 0),
                "review_received_date": datetime(2026, 3, 4, 2, 0)})
plain = order("plain")
plain.with_user(gm).action_signoff()
plain.action_confirm()
order("genuine").with_user(gm).action_signoff()
order("pending")
order("forged").write({"signoff_user_id": clerk.id, "signoff_date": datetime(2026, 3, 1)})
env.cr.commit()
"""

CHECKS = {
    "closing day": (
        f"SELECT closing_day->>{MAIN_COMPANY} FROM res_partner WHERE name = 'Upgrade Customer'",
        [(25,)],
    ),
    "settings": (
        "SELECT review_working_days, backlog_months, target_threshold::int FROM res_company "
        "ORDER BY id LIMIT 1",
        [(5, 4, 85)],
    ),
    "review dates": (
        "SELECT review_start_date::text, review_received_date::text, review_on_time, "
        "review_deadline IS NOT NULL FROM sale_order WHERE client_order_ref = 'reviewed'",
        [("2026-03-02 02:00:00", "2026-03-04 02:00:00", True, True)],
    ),
    "no fake review dates": (
        "SELECT review_start_date, review_received_date, signoff_date IS NOT NULL, state "
        "FROM sale_order WHERE client_order_ref = 'plain'",
        [(None, None, True, "sale")],
    ),
    "sign-offs": (
        "SELECT client_order_ref, signoff_date IS NOT NULL FROM sale_order "
        "WHERE client_order_ref IN ('genuine', 'forged') ORDER BY 1",
        [("forged", False), ("genuine", True)],
    ),
    "voided sign-off noted": (
        "SELECT count(*) FROM mail_message m JOIN sale_order so ON so.id = m.res_id "
        "AND m.model = 'sale.order' WHERE so.client_order_ref = 'forged' "
        "AND m.body::text LIKE '%must sign the quotation off again%'",
        [(1,)],
    ),
    "orders kept": ("SELECT count(*) FROM sale_order", [(5,)]),
    "sign-offs as tier reviews": (
        "SELECT so.client_order_ref, tr.status, tr.done_by = u.id FROM tier_review tr "
        "JOIN sale_order so ON so.id = tr.res_id AND tr.model = 'sale.order' "
        "LEFT JOIN res_users u ON u.login = 'upgrade_gm' ORDER BY 1",
        [
            ("forged", "pending", None),
            ("genuine", "approved", True),
            ("pending", "pending", None),
            ("plain", "approved", True),
            ("reviewed", "approved", True),
        ],
    ),
    "validation status": (
        "SELECT client_order_ref, validation_status FROM sale_order ORDER BY 1",
        [
            ("forged", "pending"),
            ("genuine", "validated"),
            ("pending", "pending"),
            ("plain", "validated"),
            ("reviewed", "validated"),
        ],
    ),
}

VERSION_SQL = "SELECT latest_version FROM ir_module_module WHERE name = 'business_dept'"


def git(*args):
    return subprocess.run(
        ["git", "-C", REPO, *args], capture_output=True, text=True, check=True
    ).stdout


def manifest_version(text):
    return ast.literal_eval(text)["version"]


def current_version():
    with open(os.path.join(REPO, MANIFEST)) as fh:
        return manifest_version(fh.read())


def release_commit(version):
    """The last commit (first parent) whose manifest has ``version``."""
    for rev in git("log", "--first-parent", "--format=%H").split():
        if manifest_version(git("show", f"{rev}:{MANIFEST}")) == version:
            return rev
    return None


def version_key(version):
    return tuple(int(part) for part in version.split("."))


def psql(db, sql):
    out = subprocess.run(
        ["psql", "-AtqF", "\t", "-d", db, "-c", sql], capture_output=True, text=True, check=True
    ).stdout
    return [tuple(line.split("\t")) for line in out.splitlines()]


def as_text(rows):
    def text(value):
        if value is None:
            return ""
        if isinstance(value, bool):
            return "t" if value else "f"
        return str(value)

    return [tuple(text(v) for v in row) for row in rows]


@pytest.fixture(scope="module")
def odoo():
    try:
        return odoo_env.import_odoo()
    except SystemExit:
        pytest.skip("Odoo 18 is not importable")


def shell(odoo, db, script, addons_path=None):
    """Run ``script`` in an Odoo shell on ``db``; its output."""
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            "shell",
            "--addons-path",
            addons_path or odoo_env.addons_path(odoo),
            "-d",
            db,
            "--no-http",
        ],
        input=script,
        text=True,
        capture_output=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    return run.stdout


def upgrade_from(odoo, old_version, setup, checks, after=None):
    """Install ``old_version`` from the git history, run ``setup`` in its shell,
    upgrade to the working tree and check ``checks`` in SQL; then ``after(db)``."""
    current = current_version()
    if version_key(current) <= version_key(old_version):
        pytest.skip(f"{old_version} is not earlier than {current}")
    try:
        rev = release_commit(old_version)
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        pytest.skip(f"git history unavailable: {exc}")
    if not rev:
        pytest.skip(f"{old_version} is not in the git history")
    odoo_env.ensure_postgres()
    db = f"business_dept_upgrade_{os.getpid()}"
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "-C", REPO, "archive", rev, "business_dept"], capture_output=True, check=True
        ).stdout
        archive_path = os.path.join(tmp, "old.tar")
        with open(archive_path, "wb") as fh:
            fh.write(archive)
        with tarfile.open(archive_path) as tar:
            tar.extractall(tmp, filter="data")
        old_path = odoo_env.addons_path(odoo).replace(REPO, tmp)
        common = ["-d", db, "--stop-after-init", "--no-http", "--max-cron-threads", "0"]
        old = [sys.executable, "-m", "odoo", "--addons-path", old_path]
        subprocess.run(["dropdb", "--if-exists", db], check=True)
        try:
            subprocess.run(
                [*old, *common, "-i", "business_dept", "--without-demo", "all"],
                check=True,
                capture_output=True,
            )
            assert psql(db, VERSION_SQL) == [(old_version,)]
            shell(odoo, db, setup, old_path)
            upgrade = subprocess.run(
                [*odoo_env.odoo_cmd(odoo, *common, "-u", "business_dept")],
                capture_output=True,
                text=True,
                check=False,
            )
            assert upgrade.returncode == 0, upgrade.stderr[-3000:]
            assert "Traceback" not in upgrade.stderr, upgrade.stderr[-3000:]
            for name, (sql, expected) in checks.items():
                assert psql(db, sql) == as_text(expected), name
            assert psql(db, VERSION_SQL) == [(current,)]
            if after:
                after(db)
        finally:
            subprocess.run(["dropdb", "--if-exists", db], check=False)


def test_upgrade_from_18_0_1_1_0(odoo):
    """Sign-offs become tier reviews; review dates and settings are kept."""
    upgrade_from(odoo, "18.0.1.1.0", SETUP, CHECKS)


SETUP_2_0 = """
from datetime import date, timedelta
env.company.write({"quote_signoff_required": False, "agreement_required": False})
partner = env["res.partner"].create({"name": "Upgrade Customer", "is_company": True,
    "closing_day": 25, "payment_method": "bank_draft", "agreement_date": date(2026, 1, 1),
    "agreement_expiry": date(2027, 12, 31)})
product = env["product.product"].create({"name": "Upgrade Valve", "list_price": 100.0,
    "invoice_policy": "order"})
def invoiced_order(ref, due):
    order = env["sale.order"].create({"partner_id": partner.id, "client_order_ref": ref,
        "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 2})]})
    order.action_confirm()
    invoice = order._create_invoices()
    invoice.write({"invoice_date": due - timedelta(days=30), "invoice_date_due": due})
    invoice.action_post()
    return invoice
invoiced_order("unpaid", date(2026, 10, 15))
paid = invoiced_order("paid", date(2026, 10, 20))
env["account.payment.register"].with_context(active_model="account.move",
    active_ids=paid.ids).create({"payment_date": date(2026, 10, 18)})._create_payments()
env["sale.order"].create({"partner_id": partner.id, "client_order_ref": "quotation",
    "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})]})
env.cr.commit()
"""

CHECKS_2_0 = {
    "customer file kept": (
        f"SELECT closing_day->>{MAIN_COMPANY}, payment_method->>{MAIN_COMPANY}, "
        f"agreement_expiry->>{MAIN_COMPANY} FROM res_partner WHERE name = 'Upgrade Customer'",
        [(25, "bank_draft", "2027-12-31")],
    ),
    "unpaid due date filled in SQL": (
        "SELECT client_order_ref, business_unpaid_due_date::text FROM sale_order ORDER BY 1",
        [("paid", None), ("quotation", None), ("unpaid", "2026-10-15")],
    ),
    "new models": (
        "SELECT to_regclass('business_customer_statement') IS NOT NULL, "
        "to_regclass('business_collection_plan') IS NOT NULL, "
        "(SELECT count(*) FROM ir_model WHERE model = 'business.agreement.ledger')",
        [(True, True, 1)],
    ),
}


def test_upgrade_from_18_0_2_0_0(odoo):
    """Unpaid due dates are filled in SQL; customers' files are kept; the statement,
    collection plan and ledger models are created."""
    upgrade_from(odoo, "18.0.2.0.0", SETUP_2_0, CHECKS_2_0)


SETUP_2_1 = """
from datetime import date
env.company.write({"quote_signoff_required": False, "agreement_required": False,
                   "output_basis": "invoiced"})
partner = env["res.partner"].create({"name": "Upgrade Customer", "is_company": True})
manager = env["res.users"].create({"name": "Upgrade Manager", "login": "upgrade_manager",
    "groups_id": [(4, env.ref("business_dept.group_business_manager").id)]})
for day, amount in ((date(2026, 3, 5), 1000.0), (date(2026, 4, 5), 300.0)):
    invoice = env["account.move"].create({"move_type": "out_invoice", "partner_id": partner.id,
        "invoice_user_id": manager.id, "invoice_date": day, "invoice_date_due": day,
        "invoice_line_ids": [(0, 0, {"name": "Valve", "quantity": 1, "price_unit": amount,
                                     "tax_ids": []})]})
    invoice.action_post()
env.cr.commit()
"""

# nothing of the addon on Odoo's tables but indexes (18.0.2.4.0): no trigger, no trigger
# function, no cache table
NO_TRIGGERS = {
    "no trigger on any table": ("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal", []),
    "no trigger function": (
        "SELECT count(*) FROM pg_proc WHERE proname LIKE 'business_kpi_%'",
        [(0,)],
    ),
    "no cache table": (
        "SELECT to_regclass('business_kpi_report_fact') IS NULL, "
        "to_regclass('business_kpi_report_dirty') IS NULL, "
        "to_regclass('business_kpi_report_customer') IS NULL",
        [(True, True, True)],
    ),
    "the nightly job replaces the 10-minute cron": (
        "SELECT name FROM ir_model_data WHERE module = 'business_dept' AND model = 'ir.cron' "
        "AND name LIKE 'ir_cron_business_kpi%'",
        [("ir_cron_business_kpi_store_refresh",)],
    ),
    "nor the 10-minute cron's server action": (
        "SELECT count(*) FROM ir_act_server s JOIN ir_model_data d ON d.res_id = s.id "
        "AND d.model = 'ir.actions.server' AND d.module = 'business_dept' "
        "WHERE d.name = 'ir_cron_business_kpi_refresh_ir_actions_server'",
        [(0,)],
    ),
}

CHECKS_2_1 = {
    **NO_TRIGGERS,
    "nothing stored yet": ("SELECT count(*) FROM business_kpi_snapshot", [(0,)]),
}

STORE_AND_COMPARE = """
Report = env["business.kpi.report"]
print("ROWS", env["business.kpi.snapshot"]._kpi_store_refresh())
env.cr.commit()
fields = ["user_id", "month", "output_amount", "payment_due_count", "payment_ontime_count"]
stored = Report.search_read([], fields, order="month, user_id")
live = Report.with_context(business_kpi_live=True).search_read([], fields, order="month, user_id")
print("SAME", stored == live, len(stored))
env.invalidate_all()
print("SOURCES", sorted(set(Report.search([]).mapped("kpi_source"))))
invoice = env["account.move"].search([("invoice_date", "=", "2026-04-05")])
invoice.button_draft()
env.flush_all()
env.invalidate_all()
april = Report.search([("month", "=", "2026-04-01")])
print("APRIL", april.kpi_source, april.output_amount)
env.cr.commit()
"""

UNINSTALL = """
env["ir.module.module"].search([("name", "=", "business_dept")]).button_immediate_uninstall()
env.cr.commit()
"""


def _store_then_uninstall(odoo):
    def after(db):
        out = shell(odoo, db, STORE_AND_COMPARE)
        assert "ROWS 2" in out and "SAME True 2" in out, out[-2000:]
        assert "SOURCES ['stored']" in out, out[-2000:]
        # a change of a stored month shows after the next night
        assert "APRIL stored 300.0" in out, out[-2000:]
        shell(odoo, db, UNINSTALL)
        assert psql(
            db,
            "SELECT (SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal), "
            "(SELECT count(*) FROM pg_proc WHERE proname LIKE 'business_kpi_%'), "
            "to_regclass('business_kpi_snapshot') IS NULL, "
            "(SELECT count(*) FROM pg_indexes WHERE indexname LIKE '%business_kpi%')",
        ) == as_text([(0, 0, True, 0)])
        # the invoices are still written to without the addon
        psql(db, "UPDATE account_move SET ref = 'after uninstall'")

    return after


def test_upgrade_from_18_0_2_1_0(odoo):
    """The KPI report's store: nothing stored until the first night, which stores the
    live figures of the closed months; a change of a stored month shows after the
    next night; no trigger at any time; uninstalling removes the store and indexes."""
    upgrade_from(odoo, "18.0.2.1.0", SETUP_2_1, CHECKS_2_1, _store_then_uninstall(odoo))


SETUP_2_2 = """
import base64
from datetime import date
company_a = env.company
company_a.write({"name": "Upgrade A", "quote_signoff_required": False,
                 "agreement_required": False})
company_b = env["res.company"].create({"name": "Upgrade B", "quote_signoff_required": False,
                                       "agreement_required": False})
Partner = env["res.partner"]
product = env["product.product"].create({"name": "Upgrade Valve", "list_price": 100.0})
def order(partner, company):
    env["sale.order"].with_company(company).create({"partner_id": partner.id,
        "company_id": company.id,
        "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})]})
# a partner of company B
Partner.create({"name": "Upgrade Own B", "is_company": True, "company_id": company_b.id,
                "closing_day": 10, "payment_method": "cash"})
# shared, used by company B's orders only (its contact too)
used_b = Partner.create({"name": "Upgrade Used B", "is_company": True, "closing_day": 25,
    "customer_grade": "a", "agreement_date": date(2026, 1, 1),
    "agreement_expiry": date(2027, 12, 31), "agreement_filename": "framework_b.pdf",
    "agreement_document": base64.b64encode(b"framework of B")})
contact = Partner.create({"name": "Upgrade Used B Buyer", "parent_id": used_b.id})
order(contact, company_b)
# shared, used by both companies
both = Partner.create({"name": "Upgrade Used AB", "is_company": True,
                       "payment_method": "transfer"})
order(both, company_a)
order(both, company_b)
# shared, never used: the main company's
Partner.create({"name": "Upgrade Unused", "is_company": True, "closing_day": 5})
env.cr.commit()
"""

CHECKS_2_2 = {
    "each value with the company that made it": (
        "SELECT p.name, c.name, p.closing_day->>c.id::text, p.payment_method->>c.id::text, "
        "p.customer_grade->>c.id::text, p.agreement_date->>c.id::text, "
        "p.agreement_expiry->>c.id::text, p.agreement_filename->>c.id::text "
        "FROM res_partner p CROSS JOIN res_company c WHERE p.name LIKE 'Upgrade %' "
        "AND c.name LIKE 'Upgrade %' "
        "AND NOT EXISTS (SELECT 1 FROM res_company rc WHERE rc.partner_id = p.id) ORDER BY 1, 2",
        [
            ("Upgrade Own B", "Upgrade A", None, None, None, None, None, None),
            ("Upgrade Own B", "Upgrade B", 10, "cash", None, None, None, None),
            ("Upgrade Unused", "Upgrade A", 5, None, None, None, None, None),
            ("Upgrade Unused", "Upgrade B", None, None, None, None, None, None),
            ("Upgrade Used AB", "Upgrade A", None, "transfer", None, None, None, None),
            ("Upgrade Used AB", "Upgrade B", None, "transfer", None, None, None, None),
            ("Upgrade Used B", "Upgrade A", None, None, None, None, None, None),
            (
                "Upgrade Used B",
                "Upgrade B",
                25,
                None,
                "a",
                "2026-01-01",
                "2027-12-31",
                "framework_b.pdf",
            ),
            ("Upgrade Used B Buyer", "Upgrade A", None, None, None, None, None, None),
            (
                "Upgrade Used B Buyer",
                "Upgrade B",
                25,
                None,
                "a",
                "2026-01-01",
                "2027-12-31",
                "framework_b.pdf",
            ),
        ],
    ),
    "the agreement document, an attachment of company B": (
        "SELECT a.name, a.res_field IS NULL, c.name, "
        "(p.agreement_attachment_id->>c.id::text)::int = a.id "
        "FROM res_partner p JOIN ir_attachment a ON a.res_model = 'res.partner' "
        "AND a.res_id = p.id JOIN res_company c ON c.id = a.company_id "
        "WHERE p.name = 'Upgrade Used B'",
        [("framework_b.pdf", True, "Upgrade B", True)],
    ),
    **NO_TRIGGERS,
}

READ_PER_COMPANY = """
partner = env["res.partner"].search([("name", "=", "Upgrade Used B")])
for company in env["res.company"].search([("name", "like", "Upgrade %")], order="name"):
    p = partner.with_company(company)
    print("FILE", company.name, p.closing_day, p.agreement_state, bool(p.agreement_document))
"""


def test_upgrade_from_18_0_2_2_0(odoo):
    """The customer file becomes per company: each closing day, payment method, grade
    and framework agreement goes to the partner's company, else to the companies whose
    documents used it, else to the main company; the agreement document becomes the
    company's attachment."""

    def after(db):
        out = shell(odoo, db, READ_PER_COMPANY)
        assert "FILE Upgrade A 0 none False" in out, out[-2000:]
        assert "FILE Upgrade B 25 valid True" in out, out[-2000:]

    upgrade_from(odoo, "18.0.2.2.0", SETUP_2_2, CHECKS_2_2, after)


SETUP_2_3 = """
from datetime import date
env.company.write({"quote_signoff_required": False, "agreement_required": False,
                   "output_basis": "invoiced"})
partner = env["res.partner"].create({"name": "Upgrade Customer", "is_company": True})
manager = env["res.users"].create({"name": "Upgrade Manager", "login": "upgrade_manager",
    "groups_id": [(4, env.ref("business_dept.group_business_manager").id)]})
director = env["res.users"].create({"name": "Upgrade Director", "login": "upgrade_director",
    "groups_id": [(4, env.ref("business_dept.group_business_director").id)]})
for day, amount in ((date(2026, 3, 5), 1000.0), (date(2026, 4, 5), 300.0)):
    invoice = env["account.move"].create({"move_type": "out_invoice", "partner_id": partner.id,
        "invoice_user_id": manager.id, "invoice_date": day, "invoice_date_due": day,
        "invoice_line_ids": [(0, 0, {"name": "Valve", "quantity": 1, "price_unit": amount,
                                     "tax_ids": []})]})
    invoice.action_post()
env["business.kpi.report"]._kpi_cache_refresh()
# a figure only the stored facts have: moved into the store, not computed again
env.cr.execute("UPDATE business_kpi_report_fact SET review_count = 7"
               " WHERE month = '2026-04-01' AND user_id = %s", (manager.id,))
env["business.kpi.snapshot"].with_user(director)._freeze(date(2026, 3, 1))
env.cr.commit()
"""

CHECKS_2_3 = {
    **NO_TRIGGERS,
    "frozen and stored figures kept in the one store": (
        "SELECT s.month::text, s.kpi_source, s.output_amount::float, s.review_count, "
        "s.stored_date IS NOT NULL, f.login "
        "FROM business_kpi_snapshot s JOIN res_users u ON u.id = s.user_id "
        "LEFT JOIN res_users f ON f.id = s.frozen_by_id "
        "WHERE u.login = 'upgrade_manager' ORDER BY s.month",
        [
            ("2026-03-01", "frozen", 1000, 0, True, "upgrade_director"),
            ("2026-04-01", "stored", 300, 7, True, None),
        ],
    ),
}

READ_STORED = """
rows = env["business.kpi.report"].search_read([("user_id.login", "=", "upgrade_manager")],
    ["month", "kpi_source", "output_amount", "review_count"], order="month")
for row in rows:
    print("ROW", row["month"], row["kpi_source"], row["output_amount"], row["review_count"])
"""


def test_upgrade_from_18_0_2_3_0(odoo):
    """The trigger cache is removed: no trigger on any table, no trigger function, no
    cache table, the nightly job instead of the 10-minute cron; the stored facts and
    the frozen snapshots are kept in the one store, which the report reads."""

    def after(db):
        out = shell(odoo, db, READ_STORED)
        assert "ROW 2026-03-01 frozen 1000.0 0" in out, out[-2000:]
        assert "ROW 2026-04-01 stored 300.0 7" in out, out[-2000:]

    upgrade_from(odoo, "18.0.2.3.0", SETUP_2_3, CHECKS_2_3, after)


SETUP_2_4 = """
from datetime import datetime
env.company.write({"quote_signoff_required": False, "agreement_required": False})
env.company.resource_calendar_id.tz = "Asia/Shanghai"
second = env["res.company"].create({"name": "Upgrade Second Co."})
partner = env["res.partner"].create({"name": "Upgrade Customer", "is_company": True})
# signed Monday 2 March 2026, 10:00 in Shanghai: 4 working days, due Friday 6 March
for ref, received in (("evening", datetime(2026, 3, 6, 10, 30)),
                      ("saturday", datetime(2026, 3, 7, 1, 0))):
    env["sale.order"].create({"partner_id": partner.id, "client_order_ref": ref,
        "review_start_date": datetime(2026, 3, 2, 2, 0), "review_received_date": received})
product = env["product.product"].create({"name": "Upgrade Valve", "list_price": 100.0})
def order(ref):
    order = env["sale.order"].create({"partner_id": partner.id, "client_order_ref": ref,
        "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 2})]})
    order.action_confirm()
    return order
order("received").write({"review_start_date": datetime(2026, 3, 2, 2, 0),
                         "review_received_date": datetime(2026, 3, 4, 2, 0)})
order("signed").write({"review_start_date": datetime(2026, 3, 9, 2, 0)})
env.cr.commit()
"""

CHECKS_2_4 = {
    "review on time by the receipt date (接收日期)": (
        "SELECT client_order_ref, review_deadline::text, review_on_time FROM sale_order "
        "WHERE client_order_ref IN ('evening', 'saturday') ORDER BY 1",
        [("evening", "2026-03-06 09:00:00", True), ("saturday", "2026-03-06 09:00:00", False)],
    ),
    "shipped departments per company": (
        "SELECT (SELECT count(*) FROM res_company), count(DISTINCT company_id), count(*), "
        "count(*) FILTER (WHERE is_start) FROM business_review_department",
        [(2, 2, 12, 2)],
    ),
    "old reviews keep their dates and rate": (
        "SELECT client_order_ref, review_start_date::text, review_received_date::text, "
        "review_on_time FROM sale_order WHERE client_order_ref IN ('received', 'signed') "
        "ORDER BY 1",
        [
            ("received", "2026-03-02 02:00:00", "2026-03-04 02:00:00", True),
            ("signed", "2026-03-09 02:00:00", None, False),
        ],
    ),
    "no department line invented": ("SELECT count(*) FROM business_order_review_line", [(0,)]),
}


def test_upgrade_from_18_0_2_4_0(odoo):
    """The order review by department: the shipped departments for each company; the
    reviews signed or received before keep their dates, without lines; a review received
    on the evening of its deadline day is on time (the receipt date counts, 接收日期), one
    received the next day stays late."""
    upgrade_from(odoo, "18.0.2.4.0", SETUP_2_4, CHECKS_2_4)
