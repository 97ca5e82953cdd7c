from odoo import Command
from odoo.tests import HttpCase, tagged

from . import test_tours
from .common import BusinessDeptCase


@tagged("post_install", "-at_install")
class TestHomeTours(BusinessDeptCase, HttpCase):
    """Each role opens its home in zh_CN in a real browser; the screen is saved with the
    other tours' screenshots (home_<role>_zh_CN.png)."""

    browser_size = "1920x1080"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"].search(
            [("name", "in", ["base", "web", "mail", "sale", "account", "business_dept"])]
        )._update_translations("zh_CN")
        cls.roles = {
            "manager": cls.manager,
            "assistant": cls.assistant,
            "director": cls.director,
            "general_manager": cls.gm,
            "finance": cls.finance,
        }
        for user in cls.roles.values():
            user.lang = "zh_CN"

    _tour = test_tours.TestTours._tour  # the module, not the class: its tours run once

    def test_home_screens_zh_cn(self):
        for role, user in self.roles.items():
            tour = (
                "business_dept_home_invoicing" if role == "finance" else "business_dept_home_sales"
            )
            with self.subTest(role=role):
                self._tour(tour, user, f"home_{role}_zh_CN")
                self.assertEqual(user.lang, "zh_CN")

    def test_quotation_signoff_zh_cn(self):
        """The General Manager, in zh_CN, signs a quotation off from his Reviews inbox."""
        self.company.quote_signoff_required = True
        customer = self.env["res.partner"].create(
            {"name": "上海测试客户有限公司", "is_company": True, "user_id": self.manager.id}
        )
        product = self.env["product.product"].create({"name": "精密轴承", "list_price": 80.0})
        order = (
            self.env["sale.order"]
            .with_user(self.manager)
            .create(
                {
                    "partner_id": customer.id,
                    "order_line": [Command.create({"product_id": product.id, "price_unit": 80})],
                }
            )
        )
        self.assertEqual(order.signoff_state, "to_sign")
        self._tour("business_dept_quotation_signoff_zh_cn", self.gm, "quotation_signoff_zh_CN")
        self.assertEqual(order.signoff_user_id, self.gm)
        self.assertEqual(order.signoff_state, "signed")
