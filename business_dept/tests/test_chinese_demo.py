import base64
import re

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_open

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


@tagged("post_install", "-at_install")
class TestChineseDemo(TransactionCase):
    """The demo of a Chinese company looks real: Chinese customers with Chinese names who
    read Chinese, quotations in the company's currency, statements with the balances their
    entries imply, the carrier's file attached, the company's logo."""

    def setUp(self):
        super().setUp()
        if not self.env.ref("business_dept.partner_statement_1_demo", raise_if_not_found=False):
            self.skipTest("database without the addon's demo data")
        self.company = self.env.ref("base.main_company")
        self.foreign = self.env.ref("business_dept.partner_customer_us_demo") | self.env.ref(
            "business_dept.partner_customer_de_demo"
        )
        xmlids = [f"partner_customer_{x}_demo" for x in "abcd"] + [
            f"partner_statement_{n}_demo" for n in range(1, 8)
        ]
        self.chinese = self.env["res.partner"].browse(
            [self.env.ref(f"business_dept.{xmlid}").id for xmlid in xmlids]
        )

    def test_chinese_customers_chinese_names_and_language(self):
        for partner in self.chinese:
            with self.subTest(partner=partner.id):
                self.assertFalse(LATIN_WORD.search(partner.name), partner.name)
                self.assertEqual(partner.lang, "zh_CN")
        self.assertEqual(set(self.foreign.mapped("lang")), {"en_US"})

    def test_invoices_of_chinese_customers_name_products_in_chinese(self):
        lines = self.env["account.move.line"].search(
            [
                ("move_id.partner_id", "in", self.chinese.ids),
                ("move_id.move_type", "=", "out_invoice"),
                ("display_type", "=", "product"),
            ]
        )
        self.assertTrue(lines)
        for line in lines:
            with self.subTest(line=line.id):
                # the product's code ([BD-6204]) stays as it is
                name = re.sub(r"^\[[^\]]*\]\s*", "", line.name or "")
                self.assertFalse(LATIN_WORD.search(name), line.name)

    def test_quotations_in_the_company_currency(self):
        """The default price list (a new quotation of a Chinese customer) is in the company's
        currency; USD and EUR for the two foreign customers only."""
        currency = self.company.currency_id
        pricelists = self.env["product.pricelist"].with_company(self.company)
        for partner in self.chinese:
            with self.subTest(partner=partner.id):
                pricelist = partner.with_company(self.company).property_product_pricelist
                self.assertEqual(pricelist.currency_id, currency)
        fallback = pricelists._get_partner_pricelist_multi(
            [self.env["res.partner"].create({"name": "新客户"}).id]
        )
        self.assertEqual(list(fallback.values())[0].currency_id, currency)
        self.assertEqual(
            set(
                self.foreign.with_company(self.company).mapped(
                    "property_product_pricelist.currency_id.name"
                )
            ),
            {"USD", "EUR"},
        )

    def test_statements_carry_their_balances(self):
        statements = self.env["business.customer.statement"].search([])
        self.assertGreaterEqual(len(statements), 8)
        for statement in statements:
            with self.subTest(statement=statement.name):
                self.assertTrue(statement.opening_balance, "no opening balance")
                entries = sum(statement.account_line_ids.mapped("amount"))
                self.assertAlmostEqual(
                    statement.closing_balance, statement.opening_balance + entries, places=2
                )
        self.assertTrue(any(s.closing_balance != s.opening_balance for s in statements))

    def test_carrier_file_attached_to_the_activity(self):
        activity = self.env.ref("business_dept.mail_activity_statement_import_demo")
        self.assertEqual(activity.attachment_ids.name, "shunfeng_statement_2026-11.xlsx")
        self.assertTrue(activity.attachment_ids.raw.startswith(b"PK"))
        self.assertNotIn("business_dept/demo", str(activity.note))

    def test_company_logo(self):
        """The portal and the documents show the company's logo, not Odoo's "Your logo"."""
        with file_open("business_dept/demo/company_logo.png", "rb") as logo:
            self.assertEqual(base64.b64decode(self.company.logo), logo.read())
