from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
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
                "groups_id": [Command.set([cls.env.ref("stock.group_stock_user").id])],
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
        with self.assertRaisesRegex(
            UserError, f"{draft.name} is Submitted: this needs it to be Draft"
        ):
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
