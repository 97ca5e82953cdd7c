from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from . import test_tours
from .common import BusinessDeptCase


@tagged("post_install", "-at_install")
class TestHomeTours(BusinessDeptCase, HttpCase):
    """Each role opens its home in zh_CN in a real browser; the screen is saved with the
    other tours' screenshots (home_<role>_zh_CN.png)."""

    browser_size = "1920x1080"
    review_by_departments = True

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

    def _quotation(self, customer_name):
        """A quotation of the manager's new customer, waiting for the sign-off."""
        customer = self.env["res.partner"].create(
            {"name": customer_name, "is_company": True, "user_id": self.manager.id}
        )
        product = self.env["product.product"].create({"name": "精密轴承", "list_price": 80.0})
        return (
            self.env["sale.order"]
            .with_user(self.manager)
            .create(
                {
                    "partner_id": customer.id,
                    "order_line": [Command.create({"product_id": product.id, "price_unit": 80})],
                }
            )
        )

    def test_quotation_signoff_zh_cn(self):
        """The General Manager, in zh_CN, signs a quotation off from his Reviews inbox."""
        self.company.quote_signoff_required = True
        order = self._quotation("上海测试客户有限公司")
        self.assertEqual(order.signoff_state, "to_sign")
        self._tour("business_dept_quotation_signoff_zh_cn", self.gm, "quotation_signoff_zh_CN")
        self.assertEqual(order.signoff_user_id, self.gm)
        self.assertEqual(order.signoff_state, "signed")

    def test_substitute_zh_cn(self):
        """代理审批 in zh_CN: the General Manager names the director his substitute from the
        Approval menu; the director approves the quotation from 待我审批, for him."""
        self.company.quote_signoff_required = True
        gm_group = self.env.ref("business_dept.group_general_manager")
        gm_group.write({"users": [Command.set(self.gm.ids)]})
        self.director.name = "代理总监"
        order = self._quotation("代理测试客户有限公司")
        self._tour("business_dept_substitute_name_zh_cn", self.gm, "substitute_name_zh_CN")
        substitution = self.env["business.tier.substitute"].search([("user_id", "=", self.gm.id)])
        self.assertEqual(substitution.substitute_id, self.director)
        self._tour("business_dept_substitute_approve_zh_cn", self.director, "substitute_zh_CN")
        self.assertEqual(order.signoff_user_id, self.director)
        self.assertEqual(order.review_ids.business_on_behalf_id, self.gm)

    def test_order_review_departments_zh_cn(self):
        """订单评审表 in zh_CN: the General Manager signs the business column; the reviewers
        of 技术部 and 品质部 open the order from their activity and answer their column; the
        assistant hands the reviewed form over (接收日期)."""
        departments = self.env["business.review.department"].search(
            [("company_id", "=", self.company.id)]
        )
        reviewers = {}
        for code in ("technical", "quality"):
            reviewers[code] = new_test_user(
                self.env,
                login=f"t_review_{code}",
                groups="base.group_user,business_dept.group_order_reviewer",
                company_id=self.company.id,
                company_ids=[self.company.id],
                tz="Asia/Shanghai",
                lang="zh_CN",
            )
            departments.filtered(lambda d, c=code: d.code == c).user_ids = reviewers[code]
        departments.filtered(
            lambda d: d.code not in ("business", "technical", "quality")
        ).active = False
        self.company.write({"quote_signoff_required": False, "agreement_required": False})
        order = self._quotation("评审测试客户有限公司").sudo()
        order.action_confirm()
        self._tour("business_dept_review_sign_zh_cn", self.gm, "review_sign_zh_CN")
        self.assertTrue(order.review_start_date)
        for code, user in reviewers.items():
            self._tour("business_dept_review_answer_zh_cn", user, f"review_answer_{code}_zh_CN")
            line = order.review_line_ids.filtered(lambda x, c=code: x.department_id.code == c)
            self.assertEqual((line.opinion, line.answer_user_id), ("feasible", user))
        self.assertEqual(order.review_outcome, "complete")
        self._tour("business_dept_review_receive_zh_cn", self.assistant, "review_receive_zh_CN")
        self.assertTrue(order.review_received_date)
