from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ProductionCase


@tagged("post_install", "-at_install")
class TestProductionNodes(ProductionCase):
    """The manufacturing orders of a sale order in the order follow-up (订单生产节点), their
    late flags judged on the local days of Shanghai."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.promise = cls.local(2026, 5, 10, 9, 0)

    def production_for(self, order, finish, start=None):
        """A manufacturing order made for the order's first line, confirmed, planned to
        finish at ``finish``."""
        production = self.env["mrp.production"].create(
            {
                "product_id": self.gearbox.id,
                "product_qty": order.order_line[:1].product_uom_qty,
                "bom_id": self.bom.id,
                "sale_line_id": order.order_line[:1].id,
                "date_start": start or self.local(2026, 5, 1, 8, 0),
            }
        )
        production.action_confirm()
        production.date_finished = finish
        return production

    def late_orders(self, orders):
        return self.env["sale.order"].search(
            [("id", "in", orders.ids), ("business_production_late", "=", True)]
        )

    def test_order_confirmed_makes_its_production(self):
        """Manufacture + replenish on order: confirming the order makes a manufacturing order,
        shown on the order with its dates, not late."""
        self.env.ref("stock.route_warehouse0_mto").active = True
        self.gearbox.route_ids = self.env.ref("mrp.route_warehouse0_manufacture") | self.env.ref(
            "stock.route_warehouse0_mto"
        )
        order = self.order_of((self.gearbox, 2), (self.product, 1))
        order.commitment_date = self.local(2026, 6, 30, 17, 0)
        with freeze_time(self.local(2026, 5, 4, 10, 0)):
            order.with_user(self.manager).action_confirm()
            production = order.with_user(self.manager).business_production_ids
            self.assertEqual(len(production), 1)
            self.assertEqual(production.product_id, self.gearbox)
            self.assertEqual(production.product_qty, 2.0)
            self.assertEqual(production.state, "confirmed")
            self.assertEqual(production.business_sale_order_id, order)
            self.assertTrue(production.date_start and production.date_finished)
            self.assertFalse(production.business_actual_finish)
            self.assertFalse(order.business_production_late)
            self.assertFalse(self.late_orders(order))
        self.assertEqual(order.business_production_count, 1)

    def test_finish_after_the_promised_day_just_after_local_midnight(self):
        """Planned to finish at 00:30 in Shanghai the day after the promised day: late, though
        it is still the promised day in UTC; 23:30 on the promised day is on time."""
        order = self.order_of((self.gearbox, 1), commitment_date=self.promise)
        production = self.production_for(order, self.local(2026, 5, 10, 23, 30))
        with freeze_time(self.local(2026, 5, 2, 9, 0)):
            self.assertFalse(production.business_late_promise)
            self.assertFalse(order.business_production_late)
            self.assertFalse(self.late_orders(order))
            production.date_finished = self.local(2026, 5, 11, 0, 30)
            self.assertEqual(production.date_finished.date(), self.promise.date())  # UTC
            production.invalidate_recordset()
            order.invalidate_recordset()
            self.assertTrue(production.business_late_promise)
            self.assertFalse(production.business_overdue)
            self.assertTrue(order.business_production_late)
            self.assertEqual(self.late_orders(order), order)
            self.assertEqual(
                self.env["sale.order"].search(
                    [("id", "=", order.id), ("business_production_late", "=", False)]
                ),
                self.env["sale.order"],
            )

    def test_not_done_past_its_planned_finish_day(self):
        """Not done, planned to finish at 23:00 yesterday (local): overdue ten minutes after
        local midnight, the same UTC day; one planned at 00:30 today is not."""
        order = self.order_of((self.gearbox, 1), commitment_date=self.local(2026, 6, 1, 9, 0))
        other = self.order_of((self.gearbox, 1), commitment_date=self.local(2026, 6, 1, 9, 0))
        past = self.production_for(order, self.local(2026, 5, 10, 23, 0))
        today = self.production_for(other, self.local(2026, 5, 11, 0, 30))
        with freeze_time(self.local(2026, 5, 11, 0, 10)):
            self.assertTrue(past.business_overdue)
            self.assertFalse(past.business_late_promise)
            self.assertFalse(today.business_overdue)
            self.assertEqual(self.late_orders(order | other), order)
            self.assertEqual(
                self.env["sale.order"].search(
                    [("id", "in", (order | other).ids), ("business_production_late", "!=", True)]
                ),
                other,
            )

    def test_done_production_is_not_overdue_and_shows_its_finish(self):
        order = self.order_of((self.gearbox, 1), commitment_date=self.promise)
        production = self.production_for(order, self.local(2026, 5, 8, 17, 0))
        production.qty_producing = 1.0
        production.move_raw_ids.picked = True
        with freeze_time(self.local(2026, 5, 9, 10, 0)):
            production.button_mark_done()
            self.assertEqual(production.state, "done")
            production.invalidate_recordset()
            self.assertEqual(production.business_actual_finish, self.local(2026, 5, 9, 10, 0))
        with freeze_time(self.local(2026, 5, 20, 10, 0)):
            self.assertFalse(production.business_overdue)
            self.assertFalse(production.business_late_promise)
            self.assertFalse(self.late_orders(order))

    def test_cancelled_production_is_left_out(self):
        order = self.order_of((self.gearbox, 1), commitment_date=self.promise)
        production = self.production_for(order, self.local(2026, 5, 12, 9, 0))
        self.assertEqual(self.late_orders(order), order)
        production.action_cancel()
        order.invalidate_recordset()
        self.assertFalse(order.business_production_ids)
        self.assertFalse(self.late_orders(order))

    def test_order_without_production(self):
        order = self.order_of((self.product, 1), commitment_date=self.promise)
        self.assertFalse(order.business_production_ids)
        self.assertEqual(order.business_production_count, 0)
        self.assertFalse(self.late_orders(order))

    def test_records_being_edited(self):
        """A form being edited (onchange, records not saved yet): what is stored."""
        order = self.order_of((self.gearbox, 1), commitment_date=self.promise)
        production = self.production_for(order, self.local(2026, 5, 12, 9, 0))
        self.assertFalse(
            self.env["sale.order"].new({"partner_id": self.customer.id}).business_production_count
        )
        self.assertFalse(
            self.env["mrp.production"].new({"product_id": self.gearbox.id}).business_late_promise
        )
        edited = production.new(origin=production)
        self.assertTrue(edited.business_late_promise)
        self.assertEqual(order.new(origin=order).business_production_ids._origin, production)

    def test_who_reads_the_productions(self):
        """The Business Manager and Assistant read the order's manufacturing orders (the
        salespeople's access of sale_mrp); the filter is refused an unsupported operator."""
        order = self.order_of((self.gearbox, 1), commitment_date=self.promise)
        production = self.production_for(order, self.local(2026, 5, 12, 9, 0))
        for user in (self.manager, self.assistant):
            seen = order.with_user(user).business_production_ids
            self.assertEqual(seen, production)
            self.assertEqual(seen.read(["state", "date_finished"])[0]["state"], "confirmed")
            self.assertTrue(order.with_user(user).business_production_late)
        with self.assertRaises(UserError):
            self.env["sale.order"].search([("business_production_late", "in", [True])])
        self.assertTrue(production.business_late_promise)

    def test_second_company_in_its_time_zone(self):
        """An order of a company in UTC: its day is the UTC day."""
        calendar = self.env["resource.calendar"].create(
            {"name": "UTC calendar", "tz": "UTC", "company_id": False}
        )
        company_b, seller = self.company_with_seller(
            "Production UTC Co.", resource_calendar_id=calendar.id
        )
        order = self.order_of((self.gearbox, 1), commitment_date=self.promise)
        order_b = self.order_of((self.gearbox, 1), user=seller, commitment_date=self.promise)
        self.assertEqual(order_b.company_id, company_b)
        self.production_for(order, self.local(2026, 5, 11, 0, 30))
        bom_b = self.bom.copy({"company_id": company_b.id})
        production_b = (
            self.env["mrp.production"]
            .with_company(company_b)
            .create(
                {
                    "product_id": self.gearbox.id,
                    "product_qty": 1,
                    "bom_id": bom_b.id,
                    "company_id": company_b.id,
                    "sale_line_id": order_b.order_line.id,
                    "date_start": self.local(2026, 5, 1, 8, 0),
                }
            )
        )
        production_b.date_finished = self.local(2026, 5, 11, 0, 30)
        with freeze_time(self.local(2026, 5, 2, 9, 0)):
            self.assertEqual(self.late_orders(order | order_b), order)
            self.assertEqual(order_b.business_production_ids, production_b)

    def test_follow_up_shows_production(self):
        """The order follow-up (订单跟踪) as the Business Manager: the production column and
        filter, the production tab of the order."""
        SaleOrder = self.env["sale.order"].with_user(self.manager)
        views = SaleOrder.get_views(
            [
                (self.env.ref("business_dept.sale_order_view_list_followup").id, "list"),
                (self.env.ref("business_dept.sale_order_view_search_followup").id, "search"),
                (False, "form"),
            ]
        )["views"]
        arch = {
            view_type: view["arch"].decode() if isinstance(view["arch"], bytes) else view["arch"]
            for view_type, view in views.items()
        }
        self.assertIn('name="business_production_late"', arch["list"])
        self.assertIn('name="business_production_late"', arch["search"])
        self.assertIn('name="business_production_ids"', arch["form"])
