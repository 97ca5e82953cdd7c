from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import BusinessDeptCase


class StockBacklogCase(BusinessDeptCase):
    """Stock moved for real (receipts, deliveries, returns, internal transfers) at
    given UTC times, in a company working in Asia/Shanghai time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"quote_signoff_required": False, "agreement_required": False, "backlog_months": 3}
        )
        cls.company.resource_calendar_id = cls.env["resource.calendar"].create(
            {"name": "Backlog Calendar", "tz": "Asia/Shanghai", "company_id": cls.company.id}
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.stock = cls.warehouse.lot_stock_id
        cls.shelf = cls.env["stock.location"].create(
            {"name": "Shelf 2", "usage": "internal", "location_id": cls.stock.id}
        )
        cls.supplier_location = cls.env.ref("stock.stock_location_suppliers")
        cls.customer_location = cls.env.ref("stock.stock_location_customers")
        cls.supplier = cls.env["res.partner"].create({"name": "Valve Supplier"})
        cls.Backlog = cls.env["business.stock.backlog"]

    @classmethod
    def product(cls, name, cost=10.0, **vals):
        return cls.env["product.product"].create(
            {"name": name, "is_storable": True, "standard_price": cost, **vals}
        )

    @classmethod
    def transfer(cls, kind, product, when, lines, dest=None):
        """Validate a picking of ``kind`` (in, out, internal) at UTC time ``when``;
        ``lines`` is a quantity or a list of (quantity, lot name or lot)."""
        if not isinstance(lines, list):
            lines = [(lines, None)]
        picking_type, source, destination, partner = {
            "in": (cls.warehouse.in_type_id, cls.supplier_location, cls.stock, cls.supplier),
            "out": (cls.warehouse.out_type_id, cls.stock, cls.customer_location, cls.customer),
            "internal": (cls.warehouse.int_type_id, cls.stock, dest, cls.env["res.partner"]),
        }[kind]
        with freeze_time(when):
            picking = cls.env["stock.picking"].create(
                {
                    "picking_type_id": picking_type.id,
                    "partner_id": partner.id,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                    "move_ids": [
                        (
                            0,
                            0,
                            {
                                "name": product.name,
                                "product_id": product.id,
                                "product_uom": product.uom_id.id,
                                "product_uom_qty": sum(qty for qty, __ in lines),
                                "location_id": source.id,
                                "location_dest_id": destination.id,
                            },
                        )
                    ],
                }
            )
            picking.action_confirm()
            move = picking.move_ids
            move.move_line_ids.unlink()
            line_vals = []
            for qty, lot in lines:
                vals = {
                    "move_id": move.id,
                    "picking_id": picking.id,
                    "product_id": product.id,
                    "product_uom_id": product.uom_id.id,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                    "quantity": qty,
                }
                if isinstance(lot, str):
                    vals["lot_name"] = lot
                elif lot:
                    vals["lot_id"] = lot.id
                line_vals.append(vals)
            cls.env["stock.move.line"].create(line_vals)
            move.picked = True
            picking.button_validate()
        assert picking.state == "done", picking.state
        return picking

    @classmethod
    def customer_return(cls, delivery, qty, when):
        with freeze_time(when):
            wizard = (
                cls.env["stock.return.picking"]
                .with_context(active_id=delivery.id, active_model="stock.picking")
                .create({})
            )
            wizard.product_return_moves.quantity = qty
            picking = cls.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
            picking.move_ids.quantity = qty
            picking.move_ids.picked = True
            picking.button_validate()
        assert picking.state == "done", picking.state
        return picking

    def run_backlog(self, utc_now):
        """The director presses *Find Backlog* at UTC time ``utc_now``."""
        with freeze_time(utc_now):
            self.Backlog.with_user(self.director).action_generate()
        return self.Backlog.search([("company_id", "=", self.company.id)])


@tagged("post_install", "-at_install")
class TestStockBacklogFifo(StockBacklogCase):
    """库存积压 first in, first out: what remains of old receipts once later outgoing
    quantities consumed the oldest units first."""

    def test_fifo_failing_input(self):
        """100 received 2024-01-10, 95 delivered 2024-02-01, 50 received 2024-05-20;
        backlog after 3 months on 2024-05-31, cost 10 -> 5 units, value 50."""
        valve = self.product("FIFO Valve")
        self.transfer("in", valve, "2024-01-10 02:00:00", 100)
        self.transfer("out", valve, "2024-02-01 02:00:00", 95)
        self.transfer("in", valve, "2024-05-20 02:00:00", 50)
        # moving units between internal locations does not make them younger or older
        self.transfer("internal", valve, "2024-05-25 02:00:00", 30, dest=self.shelf)
        self.assertEqual(valve.qty_available, 55.0)
        backlog = self.run_backlog("2024-05-31 04:00:00").filtered(lambda b: b.product_id == valve)
        self.assertEqual(backlog.quantity, 5.0)
        self.assertEqual(backlog.value, 50.0)
        self.assertEqual(backlog.in_date, datetime(2024, 1, 10, 2, 0))
        self.assertEqual(backlog.age_days, 142)
        self.assertEqual(backlog.month, date(2024, 5, 1))
        self.assertEqual(backlog.state, "to_explain")

    def test_fifo_oldest_units_go_first(self):
        """Two old receipts: the delivery empties the first, the backlog is dated from
        the second; once everything old is gone there is no backlog record."""
        valve = self.product("FIFO Valve 2", cost=4.0)
        self.transfer("in", valve, "2024-01-10 02:00:00", 10)
        self.transfer("in", valve, "2024-02-05 02:00:00", 10)
        self.transfer("out", valve, "2024-03-01 02:00:00", 12)
        self.transfer("in", valve, "2024-04-01 02:00:00", 10)
        backlog = self.Backlog._generate_backlog(self.company, today=date(2024, 5, 31))
        backlog = backlog.filtered(lambda b: b.product_id == valve)
        self.assertEqual(backlog.quantity, 8.0)
        self.assertEqual(backlog.value, 32.0)
        self.assertEqual(backlog.in_date, datetime(2024, 2, 5, 2, 0))
        self.assertEqual(backlog.age_days, 116)
        self.transfer("out", valve, "2024-06-03 02:00:00", 8)
        june = self.Backlog._generate_backlog(self.company, today=date(2024, 6, 10))
        self.assertNotIn(valve, june.product_id)

    def test_lot_tracked_product(self):
        """Lots say which units left: FIFO among the receipts of each lot, the
        product's backlog over all its lots, dated from the oldest lot still on hand.

        L1: 30 on 01-10 and 30 more on 03-10 (Odoo keeps the quant's in_date of
        01-10); L2: 40 on 01-20. 35 of L1 and 10 of L2 delivered on 04-01: L1 keeps 25
        units of March (not backlog), L2 keeps 30 units of January (backlog)."""
        valve = self.product("Lot Valve", cost=10.0, tracking="lot")
        self.transfer("in", valve, "2024-01-10 02:00:00", [(30, "L1")])
        self.transfer("in", valve, "2024-01-20 02:00:00", [(40, "L2")])
        lot1 = self.env["stock.lot"].search([("product_id", "=", valve.id), ("name", "=", "L1")])
        lot2 = self.env["stock.lot"].search([("product_id", "=", valve.id), ("name", "=", "L2")])
        self.transfer("in", valve, "2024-03-10 02:00:00", [(30, lot1)])
        self.transfer("out", valve, "2024-04-01 02:00:00", [(35, lot1), (10, lot2)])
        quant = self.env["stock.quant"].search(
            [("lot_id", "=", lot1.id), ("location_id", "=", self.stock.id)]
        )
        self.assertEqual(quant.in_date, datetime(2024, 1, 10, 2, 0), "Odoo keeps the oldest")
        backlog = self.Backlog._generate_backlog(self.company, today=date(2024, 5, 31))
        backlog = backlog.filtered(lambda b: b.product_id == valve)
        self.assertEqual(backlog.quantity, 30.0)
        self.assertEqual(backlog.value, 300.0)
        self.assertEqual(backlog.in_date, datetime(2024, 1, 20, 2, 0))
        self.assertEqual(backlog.age_days, 132)

    def test_customer_return(self):
        """Units a customer sends back are received again: dated from the return."""
        valve = self.product("Returned Valve")
        self.transfer("in", valve, "2024-01-10 02:00:00", 100)
        delivery = self.transfer("out", valve, "2024-02-01 02:00:00", 95)
        self.customer_return(delivery, 10, "2024-03-15 02:00:00")
        self.transfer("out", valve, "2024-04-01 02:00:00", 8)
        # the 8 units take the last 5 of January and 3 returned ones: 7 returned left
        self.assertEqual(valve.qty_available, 7.0)
        may = self.Backlog._generate_backlog(self.company, today=date(2024, 5, 31))
        self.assertNotIn(valve, may.product_id)
        june = self.Backlog._generate_backlog(self.company, today=date(2024, 6, 20))
        june = june.filtered(lambda b: b.product_id == valve)
        self.assertEqual(june.quantity, 7.0)
        self.assertEqual(june.value, 70.0)
        self.assertEqual(june.in_date, datetime(2024, 3, 15, 2, 0))
        self.assertEqual(june.age_days, 97)

    def test_threshold_on_the_local_day(self):
        """Run on 2024-05-31 (Shanghai): received more than 3 months ago = before the
        local day 2024-02-29. 23:30 local on 02-29 (15:30 UTC) and 00:30 local on
        02-29 (16:30 UTC on 02-28) are exactly 3 months old: not backlog."""
        valve = self.product("Boundary Valve")
        self.transfer("in", valve, "2024-02-28 15:30:00", 1)  # 02-28 23:30 local
        self.transfer("in", valve, "2024-02-29 15:30:00", 2)  # 02-29 23:30 local
        self.transfer("in", valve, "2024-02-28 16:30:00", 4)  # 02-29 00:30 local
        backlog = self.run_backlog("2024-05-31 04:00:00").filtered(lambda b: b.product_id == valve)
        self.assertEqual(backlog.quantity, 1.0)
        self.assertEqual(backlog.in_date, datetime(2024, 2, 28, 15, 30))
        self.assertEqual(backlog.age_days, 93)
        self.assertEqual(backlog.month, date(2024, 5, 1))
        # 00:30 on 1 June in Shanghai is still 31 May in UTC: the run is June's, and
        # the three receipts of February are now older than 3 months
        june = self.run_backlog("2024-05-31 16:30:00").filtered(
            lambda b: b.product_id == valve and b.month == date(2024, 6, 1)
        )
        self.assertEqual(june.quantity, 7.0)
        self.assertEqual(june.age_days, 94)

    def test_threshold_in_new_york(self):
        """Another time zone: 2024-02-29 03:00 UTC is 02-28 22:00 in New York, older
        than 3 months on 2024-05-31; 2024-03-01 03:00 UTC is 02-29 local, not."""
        self.company.resource_calendar_id.tz = "America/New_York"
        valve = self.product("New York Valve")
        self.transfer("in", valve, "2024-02-29 03:00:00", 3)
        self.transfer("in", valve, "2024-03-01 03:00:00", 5)
        backlog = self.run_backlog("2024-05-31 16:00:00").filtered(lambda b: b.product_id == valve)
        self.assertEqual(backlog.quantity, 3.0)
        self.assertEqual(backlog.age_days, 93)

    def test_other_company_stock_is_not_counted(self):
        valve = self.product("Shared Valve")
        company_b = self.env["res.company"].create({"name": "Backlog B Co."})
        stock_b = self.env["stock.warehouse"].search([("company_id", "=", company_b.id)])
        self.transfer("in", valve, "2024-01-10 02:00:00", 4)
        with freeze_time("2024-01-11 02:00:00"):
            self.env["stock.quant"].with_company(company_b).with_context(
                inventory_mode=True
            ).create(
                {
                    "product_id": valve.id,
                    "location_id": stock_b.lot_stock_id.id,
                    "inventory_quantity": 6,
                }
            ).action_apply_inventory()
        backlog = self.Backlog._generate_backlog(self.company, today=date(2024, 5, 31))
        self.assertEqual(backlog.filtered(lambda b: b.product_id == valve).quantity, 4.0)
        backlog_b = self.Backlog._generate_backlog(company_b, today=date(2024, 5, 31))
        backlog_b = backlog_b.filtered(lambda b: b.product_id == valve)
        self.assertEqual(backlog_b.quantity, 6.0)
        self.assertEqual(backlog_b.company_id, company_b)


@tagged("post_install", "-at_install")
class TestStockBacklog(StockBacklogCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.old = cls.product("Old Valve", 10.0)
        cls.fresh = cls.product("Fresh Valve", 10.0)
        cls.orphan = cls.product("Orphan Valve", 2.0)
        cls.transfer("in", cls.old, "2026-01-10 00:00:00", 5)
        cls.transfer("in", cls.old, "2026-04-01 00:00:00", 3)
        cls.transfer("internal", cls.old, "2026-04-02 00:00:00", 3, dest=cls.shelf)
        cls.transfer("in", cls.fresh, "2026-04-01 00:00:00", 7)
        cls.transfer("in", cls.orphan, "2025-12-01 00:00:00", 4)
        # The last customer who bought the old valve belongs to manager2.
        for user, when in ((cls.manager, "2026-01-05"), (cls.manager2, "2026-02-05")):
            order = cls.env["sale.order"].create(
                {
                    "partner_id": cls.customer.id,
                    "user_id": user.id,
                    "order_line": [
                        Command.create({"product_id": cls.old.id, "product_uom_qty": 1})
                    ],
                }
            )
            order.action_confirm()
            order.date_order = when

    def _generate(self):
        return self.Backlog._generate_backlog(self.company, today=date(2026, 5, 15))

    def test_generate(self):
        backlog = self._generate()
        self.assertEqual(backlog.product_id, self.old | self.orphan)
        old = backlog.filtered(lambda b: b.product_id == self.old)
        # Only the 5 units received on 10 January are older than 3 months on 15 May.
        self.assertEqual(old.quantity, 5.0)
        self.assertEqual(old.value, 50.0)
        self.assertEqual(old.in_date, datetime(2026, 1, 10))
        self.assertEqual(old.age_days, 125)
        self.assertEqual(old.month, date(2026, 5, 1))
        self.assertEqual(old.deadline, date(2026, 5, 31))
        self.assertEqual(old.user_id, self.manager2)
        self.assertEqual(old.activity_ids.user_id, self.manager2)
        orphan = backlog - old
        self.assertFalse(orphan.user_id)
        # Running again in the same month adds nothing.
        self.assertFalse(self._generate())
        self.assertEqual(self.Backlog.search_count([("product_id", "=", self.old.id)]), 1)

    def test_refresh_in_the_month(self):
        """A later run of the month updates the figures of a record still to explain,
        not those of an explained one."""
        old = self._generate().filtered(lambda b: b.product_id == self.old)
        self.transfer("out", self.old, "2026-05-16 02:00:00", 2)
        self.Backlog._generate_backlog(self.company, today=date(2026, 5, 20))
        self.assertEqual(old.quantity, 3.0)
        self.assertEqual(old.age_days, 130)
        old.with_user(self.manager2).write({"reason": "Slow", "action_plan": "Sell"})
        with freeze_time("2026-05-21"):
            old.with_user(self.manager2).action_explain()
        self.transfer("out", self.old, "2026-05-22 02:00:00", 1)
        self.Backlog._generate_backlog(self.company, today=date(2026, 5, 25))
        self.assertEqual(old.quantity, 3.0)

    def test_manager_no_longer_in_company(self):
        """The last salesperson left the company: the manager is the salesperson of the
        last order sold by someone still in it."""
        elsewhere = self.env["res.company"].create({"name": "Elsewhere"})
        self.manager2.write(
            {"company_ids": [Command.set(elsewhere.ids)], "company_id": elsewhere.id}
        )
        old = self._generate().filtered(lambda b: b.product_id == self.old)
        self.assertEqual(old.user_id, self.manager)

    def test_manager_who_left_hands_over(self):
        """离职交接: the responsible manager is archived, his backlog still to explain and its
        to-do go to the last seller still at work; when every seller left, to the Business
        Director. Nothing is generated for a person who left."""
        old = self._generate().filtered(lambda b: b.product_id == self.old)
        self.assertEqual(old.user_id, self.manager2)
        self.manager2.action_archive()
        self.assertEqual(old.user_id, self.manager)
        self.assertEqual(old.activity_ids.user_id, self.manager)
        self.manager.action_archive()
        director = self.company._business_director()
        self.assertEqual((old.user_id, old.activity_ids.user_id), (director, director))
        # next month's check: nobody who left is made responsible
        june = self.Backlog._generate_backlog(self.company, today=date(2026, 6, 15))
        self.assertEqual(june.filtered(lambda b: b.product_id == self.old).user_id, director)
        self.assertFalse(june.filtered(lambda b: b.product_id == self.orphan).user_id)

    def test_explain_and_review(self):
        old = self._generate().filtered(lambda b: b.product_id == self.old)
        as_manager = old.with_user(self.manager2)
        with self.assertRaises(UserError):
            as_manager.action_explain()
        with self.assertRaises(AccessError):
            old.with_user(self.manager).action_explain()
        as_manager.write({"reason": "Customer postponed", "action_plan": "Offer to customer B"})
        with self.assertRaises(UserError):
            as_manager.action_review()
        with self.assertRaises(UserError):
            old.with_user(self.director).action_send_back("Not explained yet")
        with freeze_time("2026-05-20"):
            as_manager.action_explain()
        self.assertEqual(old.state, "explained")
        self.assertTrue(old.explained_on_time)
        self.assertEqual(old.validation_status, "pending")
        self.assertEqual(old.review_ids.requested_by, self.manager2)
        todo = self.env.ref("mail.mail_activity_data_todo")
        self.assertFalse(old.activity_ids.filtered(lambda a: a.activity_type_id == todo))
        self.assertIn(self.director, old.activity_ids.user_id)
        # the director's Reviews inbox; the manager reviews nothing
        to_review = [("can_review", "=", True)]
        self.assertIn(old, self.Backlog.with_user(self.director).search(to_review))
        with self.assertRaises(AccessError):
            as_manager.action_review()
        with self.assertRaises(UserError):
            as_manager.action_explain()
        with self.assertRaises(UserError):  # under review: the explanation is not rewritten
            as_manager.write({"reason": "Another reason"})
        old.with_user(self.director).action_review()
        self.assertEqual(old.state, "reviewed")
        self.assertEqual(old.reviewed_by_id, self.director)
        with self.assertRaises(UserError):
            old.with_user(self.director).action_review()

    def _explained(self, user):
        old = self._generate().filtered(lambda b: b.product_id == self.old)
        old.user_id = user
        old.with_user(user).write({"reason": "Postponed", "action_plan": "Sell to B"})
        old.with_user(user).action_explain()
        return old

    def test_send_back_needs_a_comment(self):
        old = self._explained(self.manager2)
        action = old.with_user(self.director).action_send_back()
        self.assertEqual(action["res_model"], "comment.wizard")
        for comment in ("", "   "):
            with self.assertRaises(UserError):
                old.with_user(self.director).action_send_back(comment)
        old.with_user(self.director).action_send_back("Which customer B?")
        self.assertEqual(old.state, "to_explain")
        self.assertFalse(old.review_ids)
        told = old.message_ids.filtered(lambda m: "Which customer B?" in (m.body or ""))
        self.assertIn(self.manager2.partner_id, told.partner_ids)
        # explained again, reviewed
        old.with_user(self.manager2).action_explain()
        old.with_user(self.director2).action_review()
        self.assertEqual(old.state, "reviewed")

    def test_director_does_not_review_his_own_explanation(self):
        old = self._explained(self.director)
        with self.assertRaisesRegex(AccessError, "own request"):
            old.with_user(self.director).action_review()
        old.with_user(self.director2).action_review()
        self.assertEqual(old.reviewed_by_id, self.director2)

    def test_manager_does_not_change_the_responsible_manager(self):
        old = self._generate().filtered(lambda b: b.product_id == self.old)
        with self.assertRaises(AccessError):
            old.with_user(self.manager2).write({"user_id": self.manager.id})
        old.with_user(self.director).write({"user_id": self.manager.id})
        self.assertEqual(old.user_id, self.manager)

    def test_visibility_and_button(self):
        backlog = self._generate()
        self.assertEqual(
            self.Backlog.with_user(self.manager2).search([("id", "in", backlog.ids)]).product_id,
            self.old,
        )
        self.assertFalse(self.Backlog.with_user(self.manager).search([("id", "in", backlog.ids)]))
        self.assertEqual(
            self.Backlog.with_user(self.director).search([("id", "in", backlog.ids)]), backlog
        )
        with self.assertRaises(AccessError):
            self.Backlog.with_user(self.manager).action_generate()
        self.Backlog.with_user(self.director).action_generate()
