from datetime import date, timedelta

from odoo import fields
from odoo.api import call_kw
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.models import check_method_name
from odoo.tests import new_test_user, tagged

from .common_sales import SalesRulesCase

REFUSED = (AccessError, UserError, ValidationError)


@tagged("post_install", "-at_install")
class TestForgedApprovals(SalesRulesCase):
    """A sign-off is worth what it costs to fake (审批留痕): what a logged-in user can send
    to ``/web/dataset/call_kw`` never forges an approval nor rewrites a certified figure."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "quote_signoff_required": True,
                "quote_signoff_min_amount": 0.0,
                "insert_gm_amount": 1e9,
                "insert_gm_days": 10,
            }
        )
        cls.portal = new_test_user(
            cls.env, login="t_portal_forge", groups="base.group_portal", company_id=cls.company.id
        )
        cls.plain = new_test_user(
            cls.env, login="t_plain_forge", groups="base.group_user", company_id=cls.company.id
        )
        cls.other_company = cls.env["res.company"].create({"name": "Other Forge Co."})
        cls.stranger = new_test_user(
            cls.env,
            login="t_stranger_forge",
            groups="base.group_user,business_dept.group_business_manager",
            company_id=cls.other_company.id,
            company_ids=[cls.other_company.id],
        )

    # ------------------------------------------------------------------ helpers
    def rpc(self, user, model, method, *args, **kwargs):
        """As ``/web/dataset/call_kw``: the method name checked, the caller's context applied."""
        check_method_name(method)
        return call_kw(self.env[model].with_user(user), method, list(args), kwargs)

    def assertRpcRefused(self, user, model, method, *args, **kwargs):
        try:
            with self.env.cr.savepoint():
                self.rpc(user, model, method, *args, **kwargs)
        except REFUSED:
            return
        self.fail(f"{user.login}: {model}.{method}{args} was not refused")

    def quotation(self, user=None):
        order = self.make_order(user=user or self.manager)
        self.assertEqual(order.validation_status, "pending")
        return order

    def insert_order(self, days_before=12):
        order = self.make_order(
            commitment_date=fields.Datetime.now().replace(microsecond=0) + timedelta(days=30)
        )
        order.with_user(self.gm).action_signoff()
        order.with_user(self.manager).action_confirm()
        request = (
            self.env["business.insert.order"]
            .with_user(self.manager)
            .create(
                {
                    "sale_order_id": order.id,
                    "requested_date": order.commitment_date - timedelta(days=days_before),
                    "reason": "Customer line stop",
                }
            )
        )
        return request

    def review_state(self, record):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT status, done_by FROM tier_review WHERE model = %s AND res_id = %s "
            "ORDER BY sequence",
            (record._name, record.id),
        )
        return self.env.cr.fetchall()

    # ------------------------------------------------------------------ reviews are evidence
    def test_manager_cannot_make_himself_reviewer_of_his_quotation(self):
        order = self.quotation()
        review = order.review_ids
        before = self.review_state(order)
        self.assertRpcRefused(
            self.manager,
            "tier.review",
            "write",
            review.ids,
            {"reviewer_ids": [(4, self.manager.id)]},
        )
        self.assertRpcRefused(self.manager, "sale.order", "action_signoff", order.ids)
        self.assertRpcRefused(self.manager, "sale.order", "validate_tier", order.ids)
        self.assertRpcRefused(self.manager, "sale.order", "action_confirm", order.ids)
        self.assertEqual(self.review_state(order), before)
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.signoff_date)

    def test_manager_cannot_approve_both_tiers_of_his_insert_order(self):
        request = self.insert_order()
        request.with_user(self.manager).action_submit()
        self.assertEqual(len(request.review_ids), 2)
        before = self.review_state(request)
        self.assertRpcRefused(
            self.manager,
            "tier.review",
            "write",
            request.review_ids.ids,
            {"reviewer_ids": [(4, self.manager.id)]},
        )
        self.assertRpcRefused(self.manager, "business.insert.order", "action_approve", request.ids)
        self.assertEqual(self.review_state(request), before)
        self.assertEqual(request.state, "submitted")

    def test_no_user_writes_creates_or_deletes_a_review(self):
        order = self.quotation()
        review = order.review_ids
        definition = review.definition_id
        for user in (
            self.plain,
            self.salesman,
            self.manager,
            self.director,
            self.gm,
            self.stranger,
        ):
            with self.subTest(user=user.login):
                self.assertRpcRefused(
                    user,
                    "tier.review",
                    "write",
                    review.ids,
                    {"status": "approved", "done_by": user.id},
                )
                self.assertRpcRefused(
                    user,
                    "tier.review",
                    "create",
                    {
                        "model": "sale.order",
                        "res_id": order.id,
                        "definition_id": definition.id,
                        "status": "approved",
                        "done_by": user.id,
                    },
                )
                self.assertRpcRefused(user, "tier.review", "unlink", review.ids)
                self.assertRpcRefused(
                    user,
                    "sale.order",
                    "write",
                    order.ids,
                    {"review_ids": [(1, review.id, {"status": "approved"})]},
                )
                self.assertRpcRefused(
                    user, "sale.order", "write", order.ids, {"validation_status": "validated"}
                )
        self.assertEqual(self.review_state(order), [("pending", None)])
        # the engine still works: the General Manager signs off
        self.rpc(self.gm, "sale.order", "action_signoff", order.ids)
        self.assertEqual(self.review_state(order), [("approved", self.gm.id)])

    def test_reviews_read_with_their_document_only(self):
        order = self.quotation()
        other = self.quotation(user=self.manager2)
        # the portal reads no review at all
        self.assertRpcRefused(self.portal, "tier.review", "search_read", [], ["status"])
        # a manager reads the reviews of his quotation, not those of another manager's
        mine = self.rpc(self.manager, "tier.review", "search_read", [], ["res_id"])
        self.assertIn(order.id, [r["res_id"] for r in mine])
        self.assertNotIn(other.id, [r["res_id"] for r in mine])
        self.assertRpcRefused(self.manager, "tier.review", "read", other.review_ids.ids, ["status"])
        # a user of another company reads none of them
        self.assertFalse(self.rpc(self.stranger, "tier.review", "search_read", [], ["res_id"]))
        # the General Manager (all documents) reads both
        seen = self.rpc(self.gm, "tier.review", "search_read", [], ["res_id"])
        self.assertTrue({order.id, other.id} <= {r["res_id"] for r in seen})

    # ------------------------------------------------------------------ the caller's context
    def test_context_keys_loosen_nothing(self):
        # the General Manager's own quotation, with the former internal switch
        own = self.quotation(user=self.gm)
        self.assertRpcRefused(
            self.gm,
            "sale.order",
            "action_signoff",
            own.ids,
            context={"business_tier_all_reviewers": True},
        )
        self.assertFalse(own.signoff_date)
        # OCA's key that allows writing a document under validation
        request = self.insert_order(days_before=5)
        request.with_user(self.manager).action_submit()
        self.assertRpcRefused(
            self.manager,
            "business.insert.order",
            "write",
            request.ids,
            {"requested_date": request.requested_date - timedelta(days=5)},
            context={"skip_validation_check": True},
        )
        self.assertEqual(request.pull_in_days, 5)

    # ------------------------------------------------------------------ certified means frozen
    def test_computed_and_certified_figures_are_not_writable(self):
        order = self.quotation()
        request = self.insert_order(days_before=12)
        self.assertTrue(request.gm_required)
        backlog = self.env["business.stock.backlog"].create(
            {"product_id": self.product.id, "month": date(2026, 1, 1), "user_id": self.manager.id}
        )
        carrier = self.env["res.partner"].create({"name": "Forge Express"})
        statement = self.env["business.logistics.statement"].create(
            {"partner_id": carrier.id, "date_from": date(2026, 1, 1), "date_to": date(2026, 1, 31)}
        )
        plan = self.env["business.collection.plan"].create(
            {
                "user_id": self.manager.id,
                "month": (date.today().replace(day=1) + timedelta(days=40)).replace(day=1),
                "company_id": self.company.id,
            }
        )
        invoice = self.env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": self.customer.id}
        )
        cases = [
            (self.manager, order, {"signoff_required": False}),
            (self.manager, request, {"gm_required": False}),
            (self.manager, request, {"pull_in_days": 1}),
            (self.assistant, statement, {"amount_agreed": 99999.0}),
            (self.director, statement, {"amount_agreed": 99999.0}),
            (self.manager, backlog, {"explained_on_time": True}),
            (self.assistant, plan, {"state": "frozen"}),
            (self.assistant, plan, {"collected_by_month_end": 1000.0}),
            (self.finance, invoice, {"invoice_delivered_date": date.today() - timedelta(40)}),
        ]
        for user, record, vals in cases:
            with self.subTest(model=record._name, vals=vals, user=user.login):
                self.assertRpcRefused(user, record._name, "write", record.ids, vals)
        self.assertTrue(order.signoff_required)
        self.assertTrue(request.gm_required)
        self.assertEqual(request.pull_in_days, 12)
        self.assertEqual(statement.amount_agreed, 0.0)
        self.assertFalse(backlog.explained_on_time)
        self.assertEqual(plan.state, "draft")
        self.assertFalse(invoice.invoice_delivered_date)
        # the GM tier is kept: the insert order waits for both tiers
        request.with_user(self.manager).action_submit()
        self.assertEqual(len(request.review_ids), 2)

    def test_finished_survey_is_frozen_until_the_director_resets_it(self):
        survey = (
            self.env["business.satisfaction.survey"]
            .with_user(self.manager)
            .create({"partner_id": self.customer.id, "score_quality": 65})
        )
        survey.action_done()
        for user in (self.manager, self.director):
            with self.subTest(user=user.login):
                self.assertRpcRefused(
                    user, "business.satisfaction.survey", "write", survey.ids, {"score": 100}
                )
                self.assertRpcRefused(
                    user,
                    "business.satisfaction.survey",
                    "write",
                    survey.ids,
                    {"score_quality": 100},
                )
        self.assertEqual(survey.score, 65)
        self.rpc(self.director, "business.satisfaction.survey", "action_draft", survey.ids)
        self.assertIn("Reset to draft", survey.message_ids[:1].body)
        self.rpc(
            self.director,
            "business.satisfaction.survey",
            "write",
            survey.ids,
            {"score_quality": 90},
        )
        self.assertEqual(survey.score, 90)

    # ------------------------------------------------------------ every public method a button
    def test_restart_validation_only_where_offered(self):
        request = self.insert_order(days_before=12)
        request.with_user(self.manager).action_submit()
        request.with_user(self.director).action_approve(comment="OK")
        before = self.review_state(request)
        for user in (self.manager, self.director, self.gm):
            self.assertRpcRefused(user, "business.insert.order", "restart_validation", request.ids)
        self.assertEqual(self.review_state(request), before)
        # a quotation's restart voids its sign-off and asks again
        order = self.quotation()
        order.with_user(self.gm).action_signoff()
        self.assertTrue(order.signoff_date)
        self.assertRpcRefused(self.plain, "sale.order", "restart_validation", order.ids)
        self.rpc(self.manager, "sale.order", "restart_validation", order.ids)
        self.assertFalse(order.signoff_date)
        self.assertEqual(self.review_state(order), [("pending", None)])

    def test_comment_wizard_keeps_the_tier_sequence(self):
        request = self.insert_order(days_before=12)
        request.with_user(self.manager).action_submit()
        director_tier, gm_tier = request.review_ids.sorted("sequence")
        wizard_id = self.rpc(
            self.gm,
            "comment.wizard",
            "create",
            {
                "res_model": request._name,
                "res_id": request.id,
                "review_ids": [(6, 0, gm_tier.ids)],
                "validate_reject": "validate",
                "comment": "GM first",
            },
        )
        self.assertRpcRefused(self.gm, "comment.wizard", "add_comment", [wizard_id])
        self.assertEqual(self.review_state(request), [("pending", None), ("waiting", None)])
        self.assertEqual(director_tier.status, "pending")
        # in order it works
        request.with_user(self.director).action_approve(comment="OK")
        request.with_user(self.gm).action_approve(comment="OK")
        self.assertEqual(request.state, "approved")

    # ------------------------------------------------------------------ the reviewer's to-do
    def test_review_todo_is_the_reviewers_own(self):
        order = self.quotation()
        review_type = self.env.ref("business_dept.mail_activity_type_tier_review")
        todo = order.activity_ids.filtered(
            lambda a: a.activity_type_id == review_type and a.user_id == self.gm
        )
        self.assertTrue(todo)
        for method, args in (
            ("action_feedback", [todo.ids]),
            ("write", [todo.ids, {"user_id": self.manager.id}]),
            ("unlink", [todo.ids]),
        ):
            with self.subTest(method=method):
                self.assertRpcRefused(self.manager, "mail.activity", method, *args)
        self.assertTrue(todo.exists())
        self.assertFalse(
            order.message_ids.filtered(
                lambda m: m.author_id == self.manager.partner_id and "Review" in (m.body or "")
            )
        )
        # the General Manager's sign-off closes it
        order.with_user(self.gm).action_signoff()
        self.assertFalse(todo.exists())


@tagged("post_install", "-at_install")
class TestCustomerTakeover(SalesRulesCase):
    """A customer belongs to his salesperson (新客户档案): another Business Manager neither
    moves him under another company, archives him, nor adds him an address."""

    def test_other_manager_cannot_take_the_customer(self):
        own = self.env["res.partner"].create(
            {
                "name": "Ningbo Trading",
                "is_company": True,
                "user_id": self.manager2.id,
                "street": "Ningbo Road 1",
            }
        )
        customer = self.customer  # the salesperson is self.manager
        Partner = self.env["res.partner"].with_user(self.manager2)
        for vals in (
            {"parent_id": own.id},
            {"is_company": False, "parent_id": own.id},
            {"active": False},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                Partner.browse(customer.id).write(vals)
        with self.assertRaises(AccessError):
            Partner.create(
                {
                    "name": "Fake billing",
                    "type": "invoice",
                    "parent_id": customer.id,
                    "street": "Fake Road 1",
                }
            )
        self.assertFalse(customer.parent_id)
        self.assertTrue(customer.active)
        self.assertFalse(customer.child_ids)
        # his own salesperson and the assistant still do it
        self.env["res.partner"].with_user(self.manager).create(
            {"name": "Billing", "type": "invoice", "parent_id": customer.id}
        )
        self.env["res.partner"].with_user(self.assistant).create(
            {"name": "Warehouse", "type": "delivery", "parent_id": customer.id}
        )
        self.assertEqual(len(customer.child_ids), 2)
