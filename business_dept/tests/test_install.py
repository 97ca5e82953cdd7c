from odoo.tests import tagged

from .common import BusinessDeptCase


@tagged("post_install", "-at_install")
class TestInstall(BusinessDeptCase):
    def test_module_installed(self):
        module = self.env["ir.module.module"].search([("name", "=", "business_dept")])
        self.assertEqual(module.state, "installed")
        self.assertEqual(module.latest_version, "18.0.2.5.0")
        for dependency in (
            "sale_management",
            "sale_stock",
            "stock_delivery",
            "account",
            "base_tier_validation",
            "sale_tier_validation",
        ):
            self.assertIn(dependency, module.dependencies_id.mapped("name"))

    def test_category_holds_the_five_roles(self):
        category = self.env.ref("business_dept.module_category_business_dept")
        self.assertEqual(category.name, "Business Department")
        groups = self.env["res.groups"].search([("category_id", "child_of", category.id)])
        self.assertEqual(
            set(groups.get_external_id().values()),
            {
                "business_dept.group_business_manager",
                "business_dept.group_business_assistant",
                "business_dept.group_business_director",
                "business_dept.group_general_manager",
                "business_dept.group_business_finance",
                "business_dept.group_order_reviewer",
            },
        )

    def test_demo_department_at_work(self):
        """The demo shows the department: its people and their orders."""
        if not self.env.ref("base.module_base").demo:
            self.skipTest("database without demo data")
        module = self.env["ir.module.module"].search([("name", "=", "business_dept")])
        self.assertTrue(module.demo, "the demo data failed to load")
        director = self.env.ref("business_dept.user_director_demo")
        self.assertTrue(director.has_group("business_dept.group_business_director"))
        order = self.env.ref("business_dept.sale_order_order1_demo")
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.picking_ids.mapped("state"), ["done"])
        self.assertEqual(order.invoice_ids.mapped("state"), ["posted"])
        quote = self.env.ref("business_dept.sale_order_quote1_demo")
        self.assertEqual(quote.state, "draft")
