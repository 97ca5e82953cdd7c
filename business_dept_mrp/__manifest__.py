# Copyright 2026 business_dept contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Business Department Rules - Manufacturing",
    "summary": "订单生产节点: the manufacturing orders of each sale order in the order "
    "follow-up, the components short at the order review",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/business-dept/business_dept",
    "author": "business_dept contributors",
    "license": "AGPL-3",
    "application": False,
    "installable": True,
    "auto_install": True,
    # sale_mrp: Odoo's own link of a manufacturing order to its sale order (the
    # procurement group's sale_id, the MO's sale_line_id) and the salespeople's access to
    # manufacturing orders; auto-installed with mrp and sale_stock, so depending on it
    # costs nothing more than mrp does.
    "depends": ["business_dept", "mrp", "sale_mrp"],
    "data": [
        "views/sale_order_views.xml",
    ],
}
