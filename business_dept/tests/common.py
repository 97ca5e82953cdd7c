from odoo.tests import TransactionCase, new_test_user


class BusinessDeptCase(TransactionCase):
    """Shared fixture: one user per role of the business department, a customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company

        def user(login, groups):
            return new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=cls.company.id,
                company_ids=[cls.company.id],
                tz="Asia/Shanghai",
            )

        cls.manager = user("t_manager", "base.group_user,business_dept.group_business_manager")
        cls.manager2 = user("t_manager2", "base.group_user,business_dept.group_business_manager")
        cls.assistant = user(
            "t_assistant", "base.group_user,business_dept.group_business_assistant"
        )
        cls.director = user("t_director", "base.group_user,business_dept.group_business_director")
        cls.director2 = user("t_director2", "base.group_user,business_dept.group_business_director")
        cls.gm = user("t_gm", "base.group_user,business_dept.group_general_manager")
        cls.gm2 = user("t_gm2", "base.group_user,business_dept.group_general_manager")
        cls.finance = user("t_finance", "base.group_user,business_dept.group_business_finance")
        cls.salesman = user("t_salesman", "base.group_user,sales_team.group_sale_salesman")
        cls.customer = cls.env["res.partner"].create(
            {"name": "Test Customer Co.", "is_company": True, "user_id": cls.manager.id}
        )
