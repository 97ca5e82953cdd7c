from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import BusinessDeptCase


@tagged("post_install", "-at_install")
class TestMenus(BusinessDeptCase):
    """Sales > Business Department (业务部) as each role sees it: no empty menu, no entry
    to records the role cannot read, the finance reviewer's entries in Invoicing."""

    def _addon_menus(self):
        # full list: the menus' children are searched as they are, not as the test's user
        # would see them
        return (
            self.env["ir.ui.menu"]
            .with_context(**{"ir.ui.menu.full_list": True})
            .browse(
                self.env["ir.model.data"]
                .search([("module", "=", "business_dept"), ("model", "=", "ir.ui.menu")])
                .mapped("res_id")
            )
        )

    def _reachable(self, user):
        """The addon's menus ``user`` sees: visible, under visible menus up to the app."""
        visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
        menus = self._addon_menus().filtered(
            lambda m: all(int(i) in visible for i in m.parent_path.strip("/").split("/"))
        )
        return menus, visible

    def _xmlids(self, menus):
        return set(menus.get_external_id().values())

    def test_no_empty_menu_and_readable_actions(self):
        roles = {
            "manager": self.manager,
            "assistant": self.assistant,
            "director": self.director,
            "general manager": self.gm,
            "finance": self.finance,
        }
        for role, user in roles.items():
            menus, visible = self._reachable(user)
            with self.subTest(role=role):
                self.assertTrue(menus, f"the {role} sees no menu of the addon")
                for menu in menus:
                    children = menu.child_id.filtered(lambda m, v=visible: m.id in v)
                    self.assertTrue(
                        menu.action or children,
                        f"{menu.complete_name} is empty for the {role}",
                    )
                    action = menu.action
                    if action and action._name == "ir.actions.act_window":
                        self.assertTrue(
                            self.env[action.res_model].with_user(user).has_access("read"),
                            f"{menu.complete_name}: the {role} cannot read {action.res_model}",
                        )
                # A menu granted to the role under a menu it sees is not hidden by Odoo for
                # being empty or unreadable.
                user_groups = set(user.groups_id.ids)
                for menu in self._addon_menus() - menus:
                    granted = not menu.groups_id or user_groups & set(menu.groups_id.ids)
                    if granted and menu.parent_id in menus:
                        self.fail(f"{menu.complete_name} is granted to the {role} but empty")

    def test_each_role_sees_its_work(self):
        base = "business_dept.menu_business_"
        expected = {
            self.manager: {base + "order_followup", base + "insert_order", base + "kpi_report"},
            self.assistant: {base + "order_review", base + "dept_logistics_statement"},
            self.director: {
                base + "insert_order_approve",
                base + "logistics_statement_sign",
                base + "stock_backlog_review",
                base + "dept_config_target",
            },
            self.finance: {base + "invoicing_logistics", base + "invoicing_logistics_agreement"},
        }
        for user, xmlids in expected.items():
            with self.subTest(user=user.login):
                self.assertLessEqual(xmlids, self._xmlids(self._reachable(user)[0]))
        # And not the others' work.
        manager_sees = self._xmlids(self._reachable(self.manager)[0])
        self.assertNotIn(base + "insert_order_approve", manager_sees)
        self.assertNotIn(base + "dept_logistics", manager_sees)
        self.assertNotIn(base + "dept_config", manager_sees)
        assistant_sees = self._xmlids(self._reachable(self.assistant)[0])
        self.assertNotIn(base + "dept_approval", assistant_sees)
        self.assertNotIn(base + "dept_kpi", assistant_sees)
        # A finance reviewer who also works in Sales finds his approvals there.
        self.finance.groups_id += self.env.ref("sales_team.group_sale_salesman")
        finance_sees = self._xmlids(self._reachable(self.finance)[0])
        self.assertIn(base + "logistics_statement_approve", finance_sees)
        self.assertNotIn(base + "logistics_statement_sign", finance_sees)
        self.assertNotIn(base + "dept_kpi", finance_sees)
        self.assertNotIn(base + "order_followup", finance_sees)

    def test_default_filters(self):
        """Lists open on what waits for the reader."""
        cases = {
            "business_insert_order_action_approve": "search_default_to_approve",
            "business_logistics_statement_action_approve": "search_default_to_approve",
            "business_logistics_statement_action_sign": "search_default_to_sign",
            "business_stock_backlog_action_review": "search_default_explained",
            "sale_order_action_followup": "search_default_my_orders",
            "sale_order_action_review": "search_default_review_open",
            "business_kpi_report_action": "search_default_last_closed_month",
        }
        for xmlid, key in cases.items():
            with self.subTest(action=xmlid):
                action = self.env.ref(f"business_dept.{xmlid}")
                self.assertIn(key, action.context)
                # the filter exists in the action's search view
                search = self.env[action.res_model].get_views(
                    [(action.search_view_id.id, "search")]
                )["views"]["search"]["arch"]
                self.assertIn(f'name="{key.removeprefix("search_default_")}"', search)


@tagged("post_install", "-at_install")
class TestManagerCustomer(BusinessDeptCase):
    """A Business Manager opens a new customer's file (客户档案)."""

    def test_manager_creates_customer(self):
        self.assertTrue(self.manager.has_group("base.group_partner_manager"))
        partner = (
            self.env["res.partner"]
            .with_user(self.manager)
            .create(
                {
                    "name": "苏州新客户精密有限公司",
                    "is_company": True,
                    "user_id": self.manager.id,
                    "child_ids": [Command.create({"name": "采购 王女士", "type": "invoice"})],
                }
            )
        )
        self.assertEqual(partner.user_id, self.manager)
        self.assertEqual(len(partner.child_ids), 1)
        partner.with_user(self.manager).write({"city": "苏州"})
        self.assertEqual(partner.city, "苏州")

    def test_salesman_without_role_cannot(self):
        """The right comes with the role, not with plain Sales access."""
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.salesman).create({"name": "Nope Co."})
