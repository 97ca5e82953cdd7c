from odoo import Command
from odoo.addons.business_dept.tests.common_sales import SalesRulesCase
from odoo.tests import new_test_user


class ProductionCase(SalesRulesCase):
    """A gearbox made from a bill of materials of two components: 2 shafts (100 in stock)
    and 3 gears (5 in stock) per gearbox."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        Product = cls.env["product.product"]
        cls.shaft = Product.create({"name": "Shaft", "type": "consu", "is_storable": True})
        cls.gear = Product.create({"name": "Gear", "type": "consu", "is_storable": True})
        cls.gearbox = Product.create(
            {"name": "Gearbox", "type": "consu", "is_storable": True, "list_price": 500.0}
        )
        cls.bom = cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.gearbox.product_tmpl_id.id,
                "product_qty": 1.0,
                "company_id": cls.company.id,
                "bom_line_ids": [
                    Command.create({"product_id": cls.shaft.id, "product_qty": 2.0}),
                    Command.create({"product_id": cls.gear.id, "product_qty": 3.0}),
                ],
            }
        )
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(cls.shaft, cls.warehouse.lot_stock_id, 100.0)
        Quant._update_available_quantity(cls.gear, cls.warehouse.lot_stock_id, 5.0)

    @classmethod
    def company_with_seller(cls, name, **values):
        """Another company (no sign-off, no agreement required) and a Business Manager
        working in it only."""
        company = cls.env["res.company"].create(
            {"name": name, "agreement_required": False, "quote_signoff_required": False, **values}
        )
        seller = new_test_user(
            cls.env,
            login=f"t_seller_{company.id}",
            groups="base.group_user,business_dept.group_business_manager",
            company_id=company.id,
            company_ids=[company.id],
            tz="Asia/Shanghai",
        )
        return company, seller

    @classmethod
    def order_of(cls, *lines, user=None, **values):
        """An order of ``(product, quantity)`` lines, as the salesperson ``user``."""
        user = user or cls.manager
        return (
            cls.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": cls.customer.id,
                    "user_id": user.id,
                    "order_line": [
                        Command.create(
                            {"product_id": product.id, "product_uom_qty": qty, "price_unit": 1.0}
                        )
                        for product, qty in lines
                    ],
                    **values,
                }
            )
        )
