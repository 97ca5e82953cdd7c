import io

import openpyxl

from odoo import Command
from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT
from odoo.tests import TransactionCase, new_test_user


class BusinessDeptCase(TransactionCase):
    """Shared fixture: one user per role of the business department, a customer.

    Mail is off (no tracking, no creation note, no auto-subscription): faster fixtures.
    A test class about followers or notifications sets ``mail_enabled = True``.
    """

    mail_enabled = False
    # the company reviews orders by department (订单评审表's columns); off: the two ends only
    review_by_departments = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        mail_context = {"tracking_disable": True} if cls.mail_enabled else DISABLED_MAIL_CONTEXT
        cls.env = cls.env(context=dict(cls.env.context, **mail_context))
        cls.company = cls.env.company
        if not cls.review_by_departments:
            cls.env["business.review.department"].search(
                [("company_id", "=", cls.company.id), ("is_start", "=", False)]
            ).active = False

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

    def _summary_xlsx(self, user, **vals):
        """The monthly summary downloaded by ``user``: (wizard, workbook read back).
        Built per download through the XLSX report: no attachment is stored."""
        wizard = self.env["business.kpi.summary"].with_user(user).create(vals)
        action = wizard.action_export()
        self.assertEqual(action["report_type"], "xlsx")
        attachments = self.env["ir.attachment"].search_count([])
        content, __ = (
            self.env["ir.actions.report"]
            .with_user(user)
            ._render_xlsx(action["report_name"], wizard.ids, action.get("data") or {})
        )
        # built per download, nothing stored
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments)
        return wizard, openpyxl.load_workbook(io.BytesIO(content))

    @classmethod
    def _pay(cls, invoice, amount, when, **vals):
        """Register a payment of ``amount`` dated ``when`` on ``invoice``, in the
        invoice's currency unless ``vals`` say otherwise."""
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "payment_date": when,
                    "amount": amount,
                    "currency_id": invoice.currency_id.id,
                    "payment_difference_handling": "open",
                    **vals,
                }
            )
            ._create_payments()
        )


class KpiCase(BusinessDeptCase):
    """Fixture of the KPI tests: output counted on invoices, no sign-off nor
    agreement gate, and a product without taxes.

    Nothing is stored (the figures the nightly job stored of the database's own data
    are removed): the report computes every month live until the nightly job
    (``business.kpi.snapshot._kpi_store_refresh``) or a freeze stores a month."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["business.kpi.snapshot"].search([("kpi_source", "=", "stored")]).unlink()
        cls.company.write(
            {
                "quote_signoff_required": False,
                "agreement_required": False,
                "output_basis": "invoiced",
            }
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Pump",
                "is_storable": True,
                "list_price": 100.0,
                "invoice_policy": "order",
                "taxes_id": [Command.clear()],
            }
        )
