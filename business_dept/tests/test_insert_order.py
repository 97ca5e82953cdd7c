from datetime import date, datetime, timedelta

from freezegun import freeze_time

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

    # ------------------------------------------------------ multi-step delivery

    def multi_step_order(self, steps):
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.company.id)], limit=1
        )
        warehouse.delivery_steps = steps
        order = self.make_order(
            commitment_date=self.now + timedelta(days=30), warehouse_id=warehouse.id
        )
        order.with_user(self.manager).action_confirm()
        return order

    def operations(self, order):
        return self.env["stock.picking"].search([("group_id", "=", order.procurement_group_id.id)])

    def approve_ten_days_earlier(self, order):
        request = self.request(days_before=10, order=order)
        self.assertTrue(request.gm_required)
        request.with_user(self.director).action_approve()
        request.with_user(self.gm).action_approve()
        self.assertEqual(request.state, "approved")
        return request

    def do(self, picking, qty=10):
        picking.action_assign()
        picking.move_ids.write({"quantity": qty, "picked": True})
        picking._action_done()
        self.assertEqual(picking.state, "done")

    def warehouse_activity(self, pickings):
        activity = pickings.activity_ids.filtered(lambda a: a.user_id == self.warehouse_user)
        self.assertEqual(len(activity), 1, "one activity per warehouse user, not per picking")
        return activity

    def test_pick_then_ship_moves_the_pick(self):
        """Pick then ship, promised in 30 days, brought 10 days forward: the open pick (an
        internal transfer) is scheduled no later than the new date and urgent; the ship,
        created when the pick is done, is urgent too."""
        order = self.multi_step_order("pick_ship")
        pick = self.operations(order)
        self.assertEqual(pick.picking_type_code, "internal")
        self.assertGreater(pick.scheduled_date, self.now + timedelta(days=25))
        request = self.approve_ten_days_earlier(order)
        self.assertLessEqual(pick.scheduled_date, request.requested_date)
        self.assertEqual(pick.priority, "1")
        activity = self.warehouse_activity(pick)
        self.assertIn(pick.name, activity.summary)
        self.assertEqual(
            activity.date_deadline, self.company._business_local_date(request.requested_date)
        )
        self.do(pick)
        ship = self.operations(order) - pick
        self.assertEqual(ship.picking_type_code, "outgoing")
        self.assertEqual(ship.priority, "1")
        self.assertLessEqual(ship.scheduled_date, request.requested_date)

    def test_pick_pack_ship_moves_every_open_operation(self):
        """Three steps, the pick partly done: the rest of the pick and the pack move, both
        named in one activity; an earlier date stays; the done pick is left alone."""
        order = self.multi_step_order("pick_pack_ship")
        pick = self.operations(order)
        self.assertEqual(len(pick), 1)
        self.do(pick, qty=4)
        rest = pick.backorder_ids
        pack = self.operations(order) - pick - rest
        self.assertEqual((len(rest), len(pack)), (1, 1))
        self.assertEqual(pack.picking_type_code, "internal")
        pick_date = pick.scheduled_date
        early = self.now + timedelta(days=3)
        rest.scheduled_date = early
        request = self.approve_ten_days_earlier(order)
        self.assertEqual(rest.scheduled_date, early, "an earlier date is kept")
        self.assertLessEqual(pack.scheduled_date, request.requested_date)
        self.assertEqual((rest | pack).mapped("priority"), ["1", "1"])
        self.assertEqual(pick.scheduled_date, pick_date, "a done operation is left alone")
        self.assertFalse(pick.activity_ids)
        activity = self.warehouse_activity(rest | pack)
        self.assertIn(rest.name, activity.summary)
        self.assertIn(pack.name, activity.summary)
        self.do(pack, qty=4)
        ship = self.operations(order) - pick - rest - pack
        self.assertEqual(ship.picking_type_code, "outgoing")
        self.assertEqual(ship.priority, "1")

    # ------------------------------------------------------------ local time

    def test_days_pulled_in_are_local_days(self):
        """From 30 June 00:30 to 20 June 23:30 in Shanghai is 10 local days (9 in UTC):
        the General Manager's approval is needed from 10 days."""
        with freeze_time(self.local(2024, 6, 1, 10, 0)):
            order = self.make_order(commitment_date=self.local(2024, 6, 30, 0, 30))
            order.with_user(self.manager).action_confirm()
            request = (
                self.env["business.insert.order"]
                .with_user(self.manager)
                .create(
                    {
                        "sale_order_id": order.id,
                        "requested_date": self.local(2024, 6, 20, 23, 30),
                        "reason": "Customer line stop",
                    }
                )
            )
            self.assertEqual(request.pull_in_days, 10)
            self.assertTrue(request.gm_required)
            request.requested_date = self.local(2024, 6, 21, 0, 30)
            self.assertEqual(request.pull_in_days, 9)
            self.assertFalse(request.gm_required)

    def test_warehouse_deadline_is_the_local_day(self):
        """New date 20 June 00:30 in Shanghai (19 June 16:30 UTC): the warehouse's activity
        is due on 20 June."""
        with freeze_time(self.local(2024, 6, 1, 10, 0)):
            order = self.make_order(commitment_date=self.local(2024, 6, 22, 10, 0))
            order.with_user(self.manager).action_confirm()
            request = (
                self.env["business.insert.order"]
                .with_user(self.manager)
                .create(
                    {
                        "sale_order_id": order.id,
                        "requested_date": self.local(2024, 6, 20, 0, 30),
                        "reason": "Customer line stop",
                    }
                )
            )
            request.action_submit()
            request.with_user(self.director).action_approve()
        self.assertEqual(request.state, "approved")
        picking = order.picking_ids
        self.assertEqual(picking.scheduled_date, datetime(2024, 6, 19, 16, 30))
        activity = picking.activity_ids.filtered(lambda a: a.user_id == self.warehouse_user)
        self.assertEqual(activity.date_deadline, date(2024, 6, 20))
