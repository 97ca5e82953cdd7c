from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common_sales import SalesRulesCase


@tagged("post_install", "-at_install")
class TestInsertOrder(SalesRulesCase):
    """紧急插单 / 插单申请表: approval chain, effects on the order and its deliveries."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"insert_gm_amount": 1000000.0, "insert_gm_days": 10})
        cls.now = fields.Datetime.now().replace(microsecond=0)
        cls.order = cls.make_order(commitment_date=cls.now + timedelta(days=30))
        cls.order.action_confirm()
        cls.warehouse_user = cls.env["res.users"].create(
            {
                "name": "Warehouse Clerk",
                "login": "t_warehouse",
                "groups_id": [(6, 0, [cls.env.ref("stock.group_stock_user").id])],
            }
        )

    def request(self, days_before=5, user=None, order=None):
        order = order or self.order
        request = (
            self.env["business.insert.order"]
            .with_user(user or self.manager)
            .create(
                {
                    "sale_order_id": order.id,
                    "requested_date": order.commitment_date - timedelta(days=days_before),
                    "reason": "Customer line stop",
                }
            )
        )
        request.action_submit()
        return request

    def test_sequence_and_director_only_chain(self):
        request = self.request(days_before=5)
        self.assertRegex(request.name, r"^IN/\d{4}/\d{4}$")
        self.assertEqual(request.state, "submitted")
        self.assertEqual(request.pull_in_days, 5)
        self.assertFalse(request.gm_required)
        self.assertEqual(
            request.review_ids.definition_id,
            self.env.ref("business_dept.tier_definition_insert_order_director"),
        )
        self.assertIn("Business Director", request.next_review)
        request.with_user(self.director).action_approve(comment="OK")
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.validation_status, "validated")
        self.assertEqual(request.review_ids.done_by, self.director)
        self.assertEqual(request.review_ids.comment, "OK")
        # effects on the order and its open deliveries
        self.assertEqual(self.order.commitment_date, request.requested_date)
        picking = self.order.picking_ids
        self.assertEqual(picking.scheduled_date, request.requested_date)
        self.assertEqual(picking.priority, "1")
        self.assertIn(self.warehouse_user, picking.activity_ids.user_id)
        self.assertEqual(self.order.insert_order_count, 1)
        action = self.order.action_business_insert_orders()
        self.assertEqual(self.env["business.insert.order"].search(action["domain"]), request)

    def test_days_threshold_needs_general_manager(self):
        request = self.request(days_before=10)
        self.assertTrue(request.gm_required)
        request.with_user(self.director).action_approve()
        self.assertEqual(request.state, "submitted")
        self.assertIn("General Manager", request.next_review)
        with self.assertRaises(AccessError):
            request.with_user(self.director2).action_approve()
        request.with_user(self.gm).action_approve()
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.review_ids.sorted("sequence").done_by, self.director | self.gm)

    def test_amount_threshold_needs_general_manager(self):
        self.company.insert_gm_amount = self.order.amount_total
        request = self.request(days_before=1)
        self.assertTrue(request.gm_required)
        self.company.insert_gm_amount = 0.0  # 0 means always
        self.assertTrue(self.request(days_before=1, order=self.make_order_confirmed()).gm_required)

    def make_order_confirmed(self):
        order = self.make_order(commitment_date=self.now + timedelta(days=30))
        order.action_confirm()
        return order

    def test_one_person_one_level(self):
        request = self.request(days_before=15)
        request.with_user(self.gm).action_approve()  # a GM may act at the director level
        self.assertIn("General Manager", request.next_review)
        self.assertNotIn(self.gm, request.reviewer_ids)
        with self.assertRaisesRegex(AccessError, "another tier"):
            request.with_user(self.gm).action_approve()
        request.with_user(self.gm2).action_approve()
        self.assertEqual(request.state, "approved")

    def test_self_approval_refused(self):
        request = self.request(user=self.director)
        self.assertNotIn(self.director, request.reviewer_ids)
        self.assertNotIn(
            request,
            self.env["business.insert.order"]
            .with_user(self.director)
            .search([("can_review", "=", True)]),
        )
        with self.assertRaisesRegex(AccessError, "own request"):
            request.with_user(self.director).action_approve()
        with self.assertRaises(AccessError):
            request.with_user(self.director).action_reject("mine")
        request.with_user(self.director2).action_approve()
        self.assertEqual(request.state, "approved")

    def test_reject_needs_reason(self):
        request = self.request()
        for reason in (None, "", "   "):
            with self.assertRaises(UserError):
                request.with_user(self.director).action_reject(reason)
        wizard = (
            self.env["business.insert.order.reject"]
            .with_user(self.director)
            .create({"insert_order_id": request.id, "reason": "Capacity is full"})
        )
        wizard.action_reject()
        self.assertEqual(request.state, "rejected")
        self.assertEqual(request.review_ids.status, "rejected")
        self.assertEqual(request.review_ids.comment, "Capacity is full")
        told = request.message_ids.filtered(lambda m: "Capacity is full" in (m.body or ""))
        self.assertIn(self.manager.partner_id, told.partner_ids)
        self.assertEqual(self.order.commitment_date, self.now + timedelta(days=30))
        with self.assertRaises(UserError):
            request.with_user(self.director2).action_approve()

    def test_wrong_role_state_and_input(self):
        draft = (
            self.env["business.insert.order"]
            .with_user(self.manager)
            .create(
                {
                    "sale_order_id": self.order.id,
                    "requested_date": self.now + timedelta(days=3),
                    "reason": "Rush",
                }
            )
        )
        with self.assertRaises(UserError):
            draft.with_user(self.director).action_approve()  # not submitted
        with self.assertRaises(AccessError):
            draft.with_user(self.assistant).action_submit()
        draft.action_submit()
        with self.assertRaises(UserError):
            draft.action_submit()
        with self.assertRaises(AccessError):
            draft.with_user(self.manager2).action_approve()
        with self.assertRaises(AccessError):
            draft.with_user(self.assistant).action_cancel()
        draft.action_cancel()
        self.assertEqual(draft.state, "cancelled")
        with self.assertRaises(ValidationError):
            self.env["business.insert.order"].with_user(self.manager).create(
                {
                    "sale_order_id": self.order.id,
                    "requested_date": self.now + timedelta(days=40),
                    "reason": "Later is no rush",
                }
            )
        quotation = self.make_order(commitment_date=self.now + timedelta(days=3))
        with self.assertRaises(UserError):
            self.env["business.insert.order"].with_user(self.manager).create(
                {
                    "sale_order_id": quotation.id,
                    "requested_date": self.now,
                    "reason": "Not confirmed",
                }
            ).action_submit()
        with self.assertRaises(AccessError):  # the current date is computed, never typed
            self.env["business.insert.order"].with_user(self.manager).create(
                {
                    "sale_order_id": self.order.id,
                    "requested_date": self.now,
                    "reason": "Rush",
                    "previous_date": self.now + timedelta(days=90),
                }
            )

    def test_managers_see_their_own_requests(self):
        request = self.request()
        Request = self.env["business.insert.order"]
        self.assertEqual(Request.with_user(self.manager).search([("id", "=", request.id)]), request)
        self.assertFalse(Request.with_user(self.manager2).search([("id", "=", request.id)]))
        for user in (self.assistant, self.director):
            self.assertTrue(Request.with_user(user).search([("id", "=", request.id)]))

    def test_displaced_orders_told(self):
        other = self.make_order(user=self.manager2, commitment_date=self.now + timedelta(days=20))
        other.action_confirm()
        later = self.make_order(user=self.manager2, commitment_date=self.now + timedelta(days=60))
        later.action_confirm()
        request = self.request(days_before=15)
        self.assertEqual(request.displaced_order_ids, other)
        request.with_user(self.director).action_approve()
        request.with_user(self.gm).action_approve()
        self.assertIn(self.manager2, other.activity_ids.user_id)
        self.assertFalse(later.activity_ids)

    def test_reviewer_inbox(self):
        """The director sees the request in his Reviews inbox, the GM only after him."""
        request = self.request(days_before=15)
        Request = self.env["business.insert.order"]
        for user in (self.director, self.director2):
            self.assertIn(request, Request.with_user(user).search([("can_review", "=", True)]))
        for user in (self.manager, self.manager2, self.assistant):
            self.assertNotIn(request, Request.with_user(user).search([("can_review", "=", True)]))
        review_type = self.env.ref("business_dept.mail_activity_type_tier_review")
        activities = request.activity_ids.filtered(lambda a: a.activity_type_id == review_type)
        self.assertTrue(self.director | self.director2 <= activities.user_id)
        self.assertNotIn(self.manager, activities.user_id)
        request.with_user(self.director).action_approve()
        self.assertIn(request, Request.with_user(self.gm).search([("can_review", "=", True)]))
        activities = request.activity_ids.filtered(lambda a: a.activity_type_id == review_type)
        self.assertIn(self.gm, activities.user_id)
        self.assertNotIn(self.director2, activities.user_id)
        told = request.message_ids.filtered(lambda m: "approved by" in (m.body or ""))
        self.assertIn(self.manager.partner_id, told.partner_ids)

    def test_submitted_request_not_edited(self):
        request = self.request(days_before=15)
        for values in (
            {"requested_date": request.requested_date - timedelta(days=1)},
            {"reason": "Another reason"},
            {"sale_order_id": self.make_order_confirmed().id},
        ):
            with self.assertRaises(UserError):
                request.with_user(self.manager).write(values)
        request.with_user(self.director).action_approve()
        # the wanted date changed after the director approved: refused
        with self.assertRaises(UserError):
            request.with_user(self.manager).write(
                {"requested_date": request.requested_date - timedelta(days=2)}
            )
        request.with_user(self.gm).action_approve()
        with self.assertRaises(UserError):
            request.with_user(self.manager).write({"reason": "After the approval"})

    def test_general_manager_amount_in_company_currency(self):
        """Company in USD, GM from 10,000: an order of 8,000 EUR at 1 USD = 0.5 EUR is
        16,000 USD and needs the General Manager."""
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.assertEqual(self.company.currency_id, self.env.ref("base.USD"))
        self.env["res.currency.rate"].search([("currency_id", "=", eur.id)]).unlink()
        self.env["res.currency.rate"].create(
            {
                "currency_id": eur.id,
                "rate": 0.5,
                "name": "2000-01-01",
                "company_id": self.company.id,
            }
        )
        pricelist = self.env["product.pricelist"].create({"name": "EUR", "currency_id": eur.id})
        self.company.write({"insert_gm_amount": 10000.0, "insert_gm_days": 1000})
        order = self.make_order(
            qty=1,
            price=8000.0,
            pricelist_id=pricelist.id,
            commitment_date=self.now + timedelta(days=30),
        )
        order.order_line.tax_id = False
        order.action_confirm()
        self.assertEqual(order.amount_total, 8000.0)
        request = self.request(days_before=1, order=order)
        self.assertTrue(request.gm_required)
        self.assertEqual(len(request.review_ids), 2)

    def test_added_tier_from_settings_is_honoured(self):
        """An administrator adds the planning assistant's check before the director, no
        code."""
        self.env["tier.definition"].create(
            {
                "name": "Insert order: Planning",
                "model_id": self.env.ref("business_dept.model_business_insert_order").id,
                "review_type": "individual",
                "reviewer_id": self.assistant.id,
                "sequence": 30,
                "approve_sequence": True,
                "company_id": False,
            }
        )
        request = self.request(days_before=1)
        self.assertEqual(len(request.review_ids), 2)
        with self.assertRaises(AccessError):
            request.with_user(self.director).action_approve()
        request.with_user(self.assistant).validate_tier()
        self.assertEqual(request.state, "submitted")
        request.with_user(self.director).action_approve()
        self.assertEqual(request.state, "approved")
