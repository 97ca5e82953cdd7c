from odoo import Command
from odoo.tests import HttpCase, tagged

from . import test_tours
from .common_sales import SalesRulesCase


@tagged("post_install", "-at_install")
class TestChineseScreens(SalesRulesCase, HttpCase):
    """Each role, in zh_CN, walks its home in the department, its approval inbox and the
    systray's Reviews; the General Manager opens a quotation under review. The tours fail on
    any English word of these screens (static/tests/tours/chinese_screens_tour.js)."""

    browser_size = "1920x1080"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        # every installed module's terms: the screens show Odoo's words next to the addon's
        cls.env["ir.module.module"].search([("state", "=", "installed")])._update_translations(
            "zh_CN"
        )
        cls.company.name = "华东精密机械有限公司"
        cls.roles = {
            "manager": (cls.manager, "张伟"),
            "assistant": (cls.assistant, "刘芳"),
            "director": (cls.director, "李明"),
            "general_manager": (cls.gm, "王建国"),
            "finance": (cls.finance, "赵丽"),
        }
        for user, name in cls.roles.values():
            user.write({"lang": "zh_CN", "name": name})
        cls.product.name = "深沟球轴承 6204"
        cls.customer.name = "华东测试客户有限公司"
        cls.company.quote_signoff_required = True
        # the General Manager of the test only (the demo's and the administrator read
        # their own languages)
        cls.env.ref("business_dept.group_general_manager").users = cls.gm
        cls.order = cls.make_order()
        cls.gm.groups_id = [Command.link(cls.env.ref("sales_team.group_sale_salesman").id)]

    _tour = test_tours.TestTours._tour

    def test_each_role_home_in_chinese(self):
        for role, (user, _name) in self.roles.items():
            tour = (
                "business_dept_chinese_home_invoicing"
                if role == "finance"
                else "business_dept_chinese_home_sales"
            )
            with self.subTest(role=role):
                self._tour(tour, user, f"chinese_home_{role}")

    def test_dashboard_in_chinese(self):
        """The 业务部 dashboards, for a manager and the director, in zh_CN."""
        for role in ("manager", "director"):
            user = self.roles[role][0]
            with self.subTest(role=role):
                self._tour("business_dept_chinese_dashboard", user, f"chinese_dashboard_{role}")

    def test_document_under_review_in_chinese(self):
        self.assertEqual(self.order.signoff_state, "to_sign")
        self._tour("business_dept_chinese_review", self.gm, "chinese_review")
