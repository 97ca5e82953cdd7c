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
        self.assertEqual(request.next_level, "director")
        request.with_user(self.director).action_approve(comment="OK")
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.approval_ids.approver_id, self.director)
        self.assertEqual(request.approval_ids.comment, "OK")
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
        self.assertEqual(request.next_level, "general_manager")
        with self.assertRaises(AccessError):
            request.with_user(self.director2).action_approve()
        request.with_user(self.gm).action_approve()
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.approval_ids.mapped("level"), ["director", "general_manager"])

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
        self.assertEqual(request.next_level, "general_manager")
        with self.assertRaises(AccessError):
            request.with_user(self.gm).action_approve()
        request.with_user(self.gm2).action_approve()
        self.assertEqual(request.state, "approved")

    def test_self_approval_refused(self):
        request = self.request(user=self.director)
        with self.assertRaises(AccessError):
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
        self.assertEqual(request.approval_ids.decision, "rejected")
        self.assertEqual(request.approval_ids.comment, "Capacity is full")
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
        quotation = self.make_order()
        with self.assertRaises(UserError):
            self.env["business.insert.order"].with_user(self.manager).create(
                {
                    "sale_order_id": quotation.id,
                    "requested_date": self.now,
                    "reason": "Not confirmed",
                    "previous_date": self.now + timedelta(days=3),
                }
            ).action_submit()

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
