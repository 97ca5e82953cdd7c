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
