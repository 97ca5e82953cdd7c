from odoo import Command
from odoo.tests import tagged

from .common import ProductionCase


@tagged("post_install", "-at_install")
class TestComponentShortage(ProductionCase):
    """The components short at the order review (订单评审, 采购部 facts), exploded from the
    bills of materials."""

    def shortage(self, order):
        return {
            line_id: [(s["product"], s["short_qty"], s["uom"]) for s in shortages]
            for line_id, shortages in order.order_line._business_review_component_shortage().items()
        }

    def test_short_component_of_a_line(self):
        order = self.order_of((self.gearbox, 4), (self.product, 3))
        gearbox_line = order.order_line.filtered(lambda line: line.product_id == self.gearbox)
        # 4 gearboxes: 8 shafts (100 free), 12 gears (5 free): 7 gears short
        self.assertEqual(
            self.shortage(order), {gearbox_line.id: [(self.gear, 7.0, self.gear.uom_id)]}
        )

    def test_needs_summed_over_the_lines(self):
        order = self.order_of((self.gearbox, 1), (self.gearbox, 2))
        first, second = order.order_line.sorted("sequence")
        # 3 + 6 gears needed, 5 free: the first line gets 3, the second the 2 left
        self.assertEqual(
            self.shortage(order),
            {second.id: [(self.gear, 4.0, self.gear.uom_id)]},
        )
        self.assertNotIn(first.id, self.shortage(order))

    def test_needs_summed_over_the_orders(self):
        first = self.order_of((self.gearbox, 1))
        second = self.order_of((self.gearbox, 1))
        lines = (first | second).order_line
        shortages = lines._business_review_component_shortage()
        self.assertEqual(list(shortages), [second.order_line.id])
        self.assertEqual(shortages[second.order_line.id][0]["short_qty"], 1.0)

    def test_line_without_bom_has_nothing(self):
        order = self.order_of((self.product, 50))
        self.assertEqual(order.order_line._business_review_component_shortage(), {})

    def test_quantity_in_another_unit_and_bom_for_two(self):
        """The line's unit converted to the bill's, a bill made for two."""
        dozen = self.env.ref("uom.product_uom_dozen")
        self.bom.product_qty = 2.0
        order = self.order_of((self.gearbox, 1))
        order.order_line.product_uom = dozen
        # 12 gearboxes = 6 times the bill: 18 gears needed, 5 free
        self.assertEqual(
            self.shortage(order), {order.order_line.id: [(self.gear, 13.0, self.gear.uom_id)]}
        )

    def test_component_not_tracked_in_stock_is_never_short(self):
        grease = self.env["product.product"].create({"name": "Grease", "type": "consu"})
        self.bom.bom_line_ids = [Command.create({"product_id": grease.id, "product_qty": 1.0})]
        order = self.order_of((self.gearbox, 1))
        # 2 shafts, 3 gears: in stock; the grease is not tracked (none in stock): not short
        self.assertEqual(self.shortage(order), {})

    def test_bom_of_another_company_is_not_used(self):
        company_b, seller = self.company_with_seller("Production B Co.")
        order = self.order_of((self.gearbox, 4), user=seller)
        self.assertEqual(order.company_id, company_b)
        # the only bill is company A's: company B's line has no components
        self.assertEqual(order.order_line._business_review_component_shortage(), {})
        # a bill of company B, and no stock of B: every component short
        self.bom.copy({"company_id": company_b.id})
        self.assertEqual(
            self.shortage(order),
            {
                order.order_line.id: [
                    (self.shaft, 8.0, self.shaft.uom_id),
                    (self.gear, 12.0, self.gear.uom_id),
                ]
            },
        )
