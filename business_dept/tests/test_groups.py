from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import BusinessDeptCase

SALESMAN = "sales_team.group_sale_salesman"
ALL_LEADS = "sales_team.group_sale_salesman_all_leads"
SALE_ADMIN = "sales_team.group_sale_manager"
INVOICE = "account.group_account_invoice"
MANAGER = "business_dept.group_business_manager"
ASSISTANT = "business_dept.group_business_assistant"
DIRECTOR = "business_dept.group_business_director"
GM = "business_dept.group_general_manager"
FINANCE = "business_dept.group_business_finance"


@tagged("post_install", "-at_install")
class TestGroups(BusinessDeptCase):
    def assertGroups(self, user, present, absent):
        for xmlid in present:
            self.assertTrue(user.has_group(xmlid), f"{user.login} should be in {xmlid}")
        for xmlid in absent:
            self.assertFalse(user.has_group(xmlid), f"{user.login} should not be in {xmlid}")

    def test_manager_gets_own_documents_only(self):
        self.assertGroups(
            self.manager,
            [MANAGER, SALESMAN],
            [ALL_LEADS, SALE_ADMIN, ASSISTANT, DIRECTOR, GM, FINANCE, INVOICE],
        )

    def test_assistant_sees_all_documents(self):
        self.assertGroups(
            self.assistant,
            [ASSISTANT, SALESMAN, ALL_LEADS],
            [SALE_ADMIN, MANAGER, DIRECTOR, GM, FINANCE],
        )

    def test_director_is_manager_and_assistant(self):
        self.assertGroups(
            self.director,
            [DIRECTOR, MANAGER, ASSISTANT, SALESMAN, ALL_LEADS],
            [GM, FINANCE, SALE_ADMIN],
        )

    def test_general_manager_is_director(self):
        self.assertGroups(
            self.gm,
            [GM, DIRECTOR, MANAGER, ASSISTANT, SALESMAN, ALL_LEADS],
            [FINANCE, SALE_ADMIN],
        )

    def test_finance_reviewer_invoices(self):
        self.assertGroups(
            self.finance, [FINANCE, INVOICE], [SALESMAN, MANAGER, ASSISTANT, DIRECTOR, GM]
        )

    def test_admin_is_general_manager(self):
        self.assertTrue(self.env.ref("base.user_admin").has_group(GM))

    def test_manager_reads_only_his_customers_orders(self):
        """The standard 'own documents' rule applies to a business manager."""
        Order = self.env["sale.order"]
        own = Order.create({"partner_id": self.customer.id, "user_id": self.manager.id})
        other = Order.create({"partner_id": self.customer.id, "user_id": self.manager2.id})
        visible = Order.with_user(self.manager).search([("id", "in", (own | other).ids)])
        self.assertEqual(visible, own)
        with self.assertRaises(AccessError):
            other.with_user(self.manager).read(["name"])
        # the assistant sees both
        self.assertEqual(
            Order.with_user(self.assistant).search([("id", "in", (own | other).ids)]),
            own | other,
        )
