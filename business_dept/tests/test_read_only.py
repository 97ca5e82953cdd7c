import re
from contextlib import contextmanager

from odoo.tests import tagged

from .common import BusinessDeptCase

# the screens people wait on: (window action, role who opens it)
READ_PATHS = [
    ("business_dept.business_kpi_report_action", "director"),
    ("business_dept.business_kpi_report_action", "manager"),
    ("business_dept.business_kpi_snapshot_action", "director"),
    ("business_dept.business_collection_plan_action", "manager"),
    ("business_dept.business_collection_plan_line_action", "assistant"),
    ("business_dept.business_customer_statement_action", "assistant"),
    ("business_dept.business_logistics_statement_action", "finance"),
    ("business_dept.business_agreement_ledger_action", "assistant"),
    ("business_dept.business_stock_backlog_action", "manager"),
    ("business_dept.business_insert_order_action", "director"),
    ("business_dept.business_sales_target_action", "manager"),
    ("business_dept.business_satisfaction_survey_action", "director"),
    ("business_dept.tier_review_action_inbox", "gm"),
    ("business_dept.business_tier_substitute_action", "manager"),
]


@tagged("post_install", "-at_install")
class TestReadOnly(BusinessDeptCase):
    """Every screen people wait on reads in a read-only transaction, as Odoo 18 runs its
    read RPCs (``@api.readonly``: list, pivot, graph), so a PostgreSQL streaming replica
    (``--db_replica_host``) can serve it: no write, no table made, nothing marked."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")

    @contextmanager
    def read_only(self):
        """The transaction read-only from here, as Odoo's read-only cursor is: any write
        (even a flush) raises; everything is rolled back after."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("SAVEPOINT business_read_only")
        cr.execute("SET TRANSACTION READ ONLY")
        try:
            yield
            self.env.flush_all()
        finally:
            cr.execute("ROLLBACK TO SAVEPOINT business_read_only")
            self.env.invalidate_all()

    @staticmethod
    def _fields_of(arch, model):
        names = re.findall(r'<field name="([^"]+)"', arch)
        return [name for name in dict.fromkeys(names) if name in model._fields]

    def _open(self, action, user):
        """Each view of the window action, as the web client loads it."""
        model = (
            self.env[action.res_model]
            .with_user(user)
            .with_context(tz="Asia/Shanghai", lang="zh_CN")
        )
        domain = action._get_eval_domain() if hasattr(action, "_get_eval_domain") else []
        for mode in action.view_mode.split(","):
            arch = model.get_view(view_type=mode)["arch"]
            names = self._fields_of(arch, model)
            if mode == "list":
                spec = {
                    name: {"fields": {"display_name": {}}}
                    if model._fields[name].type in ("many2one", "many2many", "one2many")
                    else {}
                    for name in names
                }
                model.web_search_read(domain, spec, limit=80)
            elif mode in ("pivot", "graph"):
                measures = [
                    f"{name}:{model._fields[name].aggregator or 'sum'}"
                    for name in names
                    if model._fields[name].type in ("integer", "float", "monetary")
                    and model._fields[name].aggregator
                ]
                groupbys = [
                    name for name in names if model._fields[name].type in ("many2one", "date")
                ]
                model.read_group(domain, measures or ["__count"], groupbys[:1], lazy=True)
            elif mode == "form":
                records = model.search(domain, limit=1)
                if records:
                    records.web_read({name: {} for name in names if name != "id"})

    def test_screens_read_only(self):
        for xmlid, role in READ_PATHS:
            action = self.env.ref(xmlid)
            with self.subTest(action=xmlid, role=role), self.read_only():
                self._open(action, getattr(self, role))

    def test_read_only_is_enforced(self):
        """The check is real: a write in it fails."""
        with self.assertRaisesRegex(Exception, "read-only transaction"), self.read_only():
            self.customer.write({"name": "Changed"})
