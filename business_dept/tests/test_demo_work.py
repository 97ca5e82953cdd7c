import base64

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_open

TIER_MODELS = (
    "sale.order",
    "business.insert.order",
    "business.logistics.statement",
    "business.stock.backlog",
)


@tagged("post_install", "-at_install")
class TestDemoWork(TransactionCase):
    """The demo's month (demo/business_dept_month_demo.xml): each demo login opens its
    Reviews or its activities and finds work waiting."""

    def setUp(self):
        super().setUp()
        if not self.env.ref("business_dept.sale_order_quote3_demo", raise_if_not_found=False):
            self.skipTest("database without the addon's demo data")

    def _user(self, xmlid):
        return self.env.ref(f"business_dept.{xmlid}")

    def _to_review(self, user):
        """Documents the user may review now, read as that user."""
        result = {}
        for model in TIER_MODELS:
            Model = self.env[model].with_user(user)
            readable = Model.has_access("read")
            result[model] = Model.search([("can_review", "=", True)]) if readable else Model
        return result

    def _activities(self, user):
        return self.env["mail.activity"].search([("user_id", "=", user.id)])

    def test_each_role_finds_work(self):
        for xmlid in (
            "user_general_manager_demo",
            "user_director_demo",
            "user_manager1_demo",
            "user_assistant_demo",
            "user_finance_demo",
        ):
            user = self._user(xmlid)
            with self.subTest(login=user.login):
                reviews = sum(len(records) for records in self._to_review(user).values())
                self.assertTrue(
                    reviews or self._activities(user),
                    f"{user.login} finds nothing to do in the demo",
                )

    def test_general_manager_signs_off_quotations(self):
        gm = self._user("user_general_manager_demo")
        quotes = self.env["sale.order"].browse(
            [
                self.env.ref(f"business_dept.{xmlid}").id
                for xmlid in (
                    "sale_order_quote1_demo",
                    "sale_order_quote2_demo",
                    "sale_order_quote3_demo",
                    "sale_order_quote_usd_demo",
                    "sale_order_quote_eur_demo",
                )
            ]
        )
        for quote in quotes:
            with self.subTest(quote=quote.name):
                self.assertTrue(quote.review_ids, "the sign-off was not requested")
                self.assertEqual(quote.signoff_state, "to_sign")
        self.assertEqual(
            self._to_review(gm)["sale.order"] & quotes, quotes, "not in the GM's Reviews"
        )
        # the quotation's own salesperson never signs it off
        manager = self._user("user_manager1_demo")
        self.assertFalse(self._to_review(manager)["sale.order"])

    def test_director_reviews_insert_order_and_backlog(self):
        director = self._user("user_director_demo")
        to_review = self._to_review(director)
        self.assertIn(
            self.env.ref("business_dept.business_insert_order_demo"),
            to_review["business.insert.order"],
        )
        self.assertIn(
            self.env.ref("business_dept.business_stock_backlog_motor_demo"),
            to_review["business.stock.backlog"],
        )

    def test_finance_approves_the_reconciled_statement(self):
        finance = self._user("user_finance_demo")
        statement = self.env.ref("business_dept.business_logistics_statement_reconciled_demo")
        self.assertEqual(statement.state, "matched")
        self.assertIn(statement, self._to_review(finance)["business.logistics.statement"])
        # not yet the director's turn
        director = self._user("user_director_demo")
        self.assertNotIn(statement, self._to_review(director)["business.logistics.statement"])
        statement.with_user(finance).action_finance_approve()
        self.assertEqual(statement.state, "approved")
        self.assertIn(statement, self._to_review(director)["business.logistics.statement"])

    def test_late_review_reminds_the_assistant(self):
        order = self.env.ref("business_dept.sale_order_order4_demo")
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.late_review)
        self.assertFalse(order.review_received_date)
        assistant = self._user("user_assistant_demo")
        activity = order.activity_ids.filtered(lambda a: a.user_id == assistant)
        self.assertEqual(
            activity.activity_type_id, self.env.ref("business_dept.mail_activity_type_review_due")
        )

    def test_manager_explains_the_backlog(self):
        manager = self._user("user_manager1_demo")
        backlog = self.env.ref("business_dept.business_stock_backlog_bearing_demo")
        self.assertEqual(backlog.state, "to_explain")
        activities = self._activities(manager).filtered(
            lambda a: a.res_model == backlog._name and a.res_id == backlog.id
        )
        self.assertTrue(activities, "no reminder to explain the backlog")

    def test_targets_for_managers_only(self):
        targets = self.env["business.sales.target"].search([])
        self.assertTrue(targets)
        manager_group = self.env.ref("business_dept.group_business_manager")
        self.assertNotIn(self.env.ref("base.user_admin"), targets.user_id)
        for user in targets.user_id:
            self.assertIn(manager_group, user.groups_id)

    def test_carrier_file_imports_and_matches_demo_deliveries(self):
        """The shipped XLSX (title rows, 合计 row) imports into the statement waiting for it:
        the two waybills of the demo's deliveries are found."""
        statement = self.env.ref("business_dept.business_logistics_statement_import_demo")
        assistant = self._user("user_assistant_demo")
        with file_open("business_dept/demo/shunfeng_statement_2026-11.xlsx", "rb") as fh:
            content = fh.read()
        wizard = (
            self.env["business.logistics.statement.import"]
            .with_user(assistant)
            .create(
                {
                    "statement_id": statement.id,
                    "file": base64.b64encode(content),
                    "filename": "shunfeng_statement_2026-11.xlsx",
                }
            )
        )
        wizard.action_import()
        lines = statement.line_ids
        self.assertEqual(
            sorted(lines.mapped("waybill")),
            ["SF1426038755213", "SF1426038755227", "SF1426038759930"],
        )
        self.assertEqual(sum(lines.mapped("amount")), 56.0)  # not the 合计 row
        by_waybill = {line.waybill: line for line in lines}
        self.assertEqual(by_waybill["SF1426038755213"].match_state, "matched")
        self.assertEqual(by_waybill["SF1426038755227"].match_state, "amount_diff")
        self.assertEqual(by_waybill["SF1426038759930"].match_state, "unknown")
        self.assertEqual(
            by_waybill["SF1426038755213"].picking_id.sale_id,
            self.env.ref("business_dept.sale_order_order1_demo"),
        )
