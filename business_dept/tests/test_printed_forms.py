import base64
import csv
import io
from datetime import date, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import format_date
from odoo.tools.pdf import PdfFileReader

from .common_sales import SalesRulesCase
from .test_stock_backlog import StockBacklogCase

# a 2 x 1 PNG: the signature image of a test user
SIGNATURE_PNG = base64.b64encode(
    base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAYAAAD0In+KAAAAEUlEQVR4nGP4z8DwHwiBFAMAL+sF+y5/xPAA"
        "AAAASUVORK5CYII="
    )
)


@tagged("post_install", "-at_install")
class TestPrintedForms(SalesRulesCase, HttpCase):
    """The department's printed forms (表单): each renders as a PDF for a record made
    through its workflow, with its title, number, form code and the signature block
    编制/审核/批准 (who, the day in the company's time zone), empty boxes for steps not
    done, the rejection with its comment.

    An HTTP test case: wkhtmltopdf fetches the report's assets from the server, which then
    reads the test's own transaction (a plain test case would wait on its locks)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.now = fields.Datetime.now().replace(microsecond=0)
        cls.Report = cls.env["ir.actions.report"]

    # ------------------------------------------------------------ helpers
    def pdf_text(self, xmlid, records, user):
        """The text of the PDF printed by ``user`` (a real PDF: wkhtmltopdf, not the
        HTML fallback of the test mode), whitespace normalized."""
        content, report_type = (
            self.Report.with_user(user)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(xmlid, records.ids)
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(content.startswith(b"%PDF"))
        reader = PdfFileReader(io.BytesIO(content))
        return " ".join(" ".join(page.extract_text() for page in reader.pages).split())

    def html(self, xmlid, records, user):
        content, __ = self.Report.with_user(user)._render_qweb_html(xmlid, records.ids)
        return content.decode()

    def day(self, value):
        return format_date(self.env, self.company._business_local_date(value))

    def set_code(self, xmlid, code):
        self.env.ref(xmlid).business_form_code = code

    # ------------------------------------------------------------ shared parts
    def test_signature_is_a_preference(self):
        """A user uploads his own signature or seal in his preferences."""
        self.director.with_user(self.director).write({"business_signature": SIGNATURE_PNG})
        self.assertTrue(self.director.business_signature)
        self.assertIn("business_signature", self.director.SELF_WRITEABLE_FIELDS)
        # the company's administrator sets a form code on the report
        self.set_code("business_dept.order_review_report", "QR-BD-102")
        self.assertEqual(
            self.env.ref("business_dept.order_review_report").business_form_code, "QR-BD-102"
        )

    # ------------------------------------------------------------ 订单评审表
    def test_order_review_form(self):
        self.set_code("business_dept.order_review_report", "QR-BD-002")
        order = self.make_order()
        with self.assertRaises(UserError):  # a quotation has no review form
            self.html("business_dept.order_review_report", order, self.manager)
        order.action_confirm()
        # not reviewed yet: the 审核 box is empty
        text = self.pdf_text("business_dept.order_review_report", order, self.manager)
        self.assertIn("Order Review Form", text)
        self.assertIn(order.name, text)
        self.assertIn("QR-BD-002", text)
        self.assertIn("Review not started", text)
        self.assertIn("t_manager", text)
        self.assertNotIn("t_gm", text)
        order.with_user(self.gm).action_review_sign()
        self.assertEqual(order.review_signed_user_id, self.gm)
        order.with_user(self.assistant).action_review_receive()
        text = self.pdf_text("business_dept.order_review_report", order, self.manager)
        self.assertIn("t_gm", text)
        self.assertIn("t_assistant", text)
        self.assertIn(self.day(order.review_start_date), text)
        self.assertIn(self.day(order.review_deadline), text)
        self.assertIn("On time", text)
        self.assertIn("Prepared by / Date", text)
        self.assertIn("Checked by / Date", text)
        self.assertIn("Approved by / Date", text)
        # the workflow field is the button's only
        with self.assertRaises(AccessError):
            order.with_user(self.manager).write({"review_signed_user_id": self.manager.id})

    def test_order_review_signed_before_the_field(self):
        """An order whose review was signed before the signer was recorded: the tracked
        change of its review start tells who signed."""
        order = self.make_order()
        order.action_confirm()
        order.sudo().review_start_date = self.now
        # the change as Odoo tracked it, by the General Manager
        field = self.env["ir.model.fields"]._get("sale.order", "review_start_date")
        self.env["mail.message"].create(
            {
                "model": "sale.order",
                "res_id": order.id,
                "author_id": self.gm.partner_id.id,
                "message_type": "notification",
                "tracking_value_ids": [
                    Command.create({"field_id": field.id, "new_value_datetime": self.now})
                ],
            }
        )
        self.assertFalse(order.review_signed_user_id)
        text = self.pdf_text("business_dept.order_review_report", order, self.manager)
        self.assertIn("t_gm", text)
        self.assertIn(self.day(self.now), text)

    def test_order_review_form_access(self):
        order = self.make_order()
        order.action_confirm()
        outsider = self.env["res.users"].create(
            {"name": "Portal Guy", "login": "t_portal_forms", "groups_id": [(6, 0, [])]}
        )
        with self.assertRaises(AccessError):
            self.html("business_dept.order_review_report", order, outsider)

    # ------------------------------------------------------------ 插单申请表
    def insert_request(self, days_before=10):
        order = self.make_order(commitment_date=self.now + timedelta(days=30))
        order.action_confirm()
        request = (
            self.env["business.insert.order"]
            .with_user(self.manager)
            .create(
                {
                    "sale_order_id": order.id,
                    "requested_date": order.commitment_date - timedelta(days=days_before),
                    "reason": "Customer line stop",
                    "customer_urgency": "Line stops Monday",
                }
            )
        )
        request.action_submit()
        return request

    def test_insert_order_request(self):
        self.company.write({"insert_gm_amount": 0.0, "insert_gm_days": 0})  # GM always
        self.set_code("business_dept.insert_order_report", "QR-BD-003")
        self.director.with_user(self.director).business_signature = SIGNATURE_PNG
        request = self.insert_request()
        self.assertTrue(request.gm_required)
        xmlid = "business_dept.insert_order_report"
        # submitted, not reviewed: empty 审核 and 批准 boxes, no signature image
        text = self.pdf_text(xmlid, request, self.manager)
        self.assertIn("Insert Order Request", text)
        self.assertIn(request.name, text)
        self.assertIn("QR-BD-003", text)
        self.assertIn("Customer line stop", text)
        self.assertIn("Line stops Monday", text)
        self.assertIn(self.day(request.requested_date), text)
        self.assertIn(self.day(request.previous_date), text)
        self.assertNotIn("t_director", text)
        self.assertNotIn("t_gm", text)
        self.assertNotIn(SIGNATURE_PNG.decode()[:40], self.html(xmlid, request, self.manager))
        request.with_user(self.director).action_approve(comment="Capacity found")
        request.with_user(self.gm).action_approve(comment="Go")
        self.assertEqual(request.state, "approved")
        text = self.pdf_text(xmlid, request, self.manager)
        self.assertIn("t_manager", text)
        self.assertIn("t_director", text)
        self.assertIn("t_gm", text)
        self.assertIn("Capacity found", text)
        director_review, gm_review = request.review_ids.sorted("sequence")
        self.assertEqual(director_review.done_by, self.director)
        self.assertIn(self.day(director_review.reviewed_date), text)
        self.assertIn(self.day(gm_review.reviewed_date), text)
        # the director checked (审核), the general manager approved (批准), in order
        self.assertLess(text.index("Checked by / Date"), text.index("Approved by / Date"))
        self.assertLess(text.rindex("t_director"), text.rindex("t_gm"))
        # the director's signature image is printed in his box, now done
        self.assertIn(SIGNATURE_PNG.decode()[:40], self.html(xmlid, request, self.manager))

    def test_insert_order_rejected(self):
        request = self.insert_request(days_before=5)
        request.with_user(self.director).action_reject("No capacity this week")
        self.assertEqual(request.state, "rejected")
        text = self.pdf_text("business_dept.insert_order_report", request, self.manager)
        self.assertIn("Rejected", text)
        self.assertIn("No capacity this week", text)
        self.assertIn("t_director", text)

    def test_insert_order_access(self):
        request = self.insert_request(days_before=5)
        with self.assertRaises(AccessError):
            self.html("business_dept.insert_order_report", request, self.salesman)

    # ------------------------------------------------------------ 物流对账单
    def carrier_statement(self):
        carrier_partner = self.env["res.partner"].create(
            {"name": "Test Express Co.", "is_company": True}
        )
        freight = self.env["product.product"].create({"name": "Freight", "type": "service"})
        carrier = self.env["delivery.carrier"].create(
            {
                "name": "Test Express",
                "product_id": freight.id,
                "delivery_type": "fixed",
                "integration_level": "rate",
            }
        )
        self.env["business.logistics.agreement"].create(
            {
                "name": "Test Express 2026",
                "partner_id": carrier_partner.id,
                "carrier_ids": [Command.set(carrier.ids)],
                "pricing_mode": "per_shipment",
                "rate": 20.0,
                "date_start": date(2026, 1, 1),
            }
        )
        self.customer.write({"city": "Suzhou"})
        out_type = (
            self.env["stock.warehouse"]
            .search([("company_id", "=", self.company.id)], limit=1)
            .out_type_id
        )
        src = out_type.default_location_src_id
        dest = self.env.ref("stock.stock_location_customers")
        for ref, day in (("WB001", 5), ("WB002", 10)):
            picking = self.env["stock.picking"].create(
                {
                    "picking_type_id": out_type.id,
                    "partner_id": self.customer.id,
                    "carrier_id": carrier.id,
                    "location_id": src.id,
                    "location_dest_id": dest.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": self.product.name,
                                "product_id": self.product.id,
                                "product_uom_qty": 1,
                                "product_uom": self.product.uom_id.id,
                                "location_id": src.id,
                                "location_dest_id": dest.id,
                            }
                        )
                    ],
                }
            )
            picking.action_confirm()
            picking.move_ids.write({"quantity": 1, "picked": True})
            picking._action_done()
            picking.write(
                {"date_done": self.local(2026, 1, day, 10, 0), "carrier_tracking_ref": ref}
            )
        statement = (
            self.env["business.logistics.statement"]
            .with_user(self.assistant)
            .create(
                {
                    "partner_id": carrier_partner.id,
                    "date_from": date(2026, 1, 1),
                    "date_to": date(2026, 1, 31),
                }
            )
        )
        statement.action_collect()
        buffer = io.StringIO()
        csv.writer(buffer).writerows([["waybill", "amount"], ["WB001", "20"], ["WB002", "26"]])
        wizard = (
            self.env["business.logistics.statement.import"]
            .with_user(self.assistant)
            .create(
                {
                    "statement_id": statement.id,
                    "file": base64.b64encode(buffer.getvalue().encode()),
                    "filename": "statement.csv",
                }
            )
        )
        wizard.action_import()
        differing = statement.line_ids.filtered(lambda line: line.waybill == "WB002")
        differing.with_user(self.assistant).write({"resolution": "accept_ours", "note": "Tariff"})
        return statement

    def test_carrier_statement(self):
        self.set_code("business_dept.logistics_statement_pdf_report", "QR-BD-005")
        statement = self.carrier_statement()
        self.assertEqual(statement.state, "matched")
        xmlid = "business_dept.logistics_statement_pdf_report"
        text = self.pdf_text(xmlid, statement, self.assistant)
        self.assertIn("Carrier Statement", text)
        self.assertIn(statement.name, text)
        self.assertIn("QR-BD-005", text)
        self.assertIn("WB001", text)
        self.assertIn("WB002", text)
        self.assertIn("Suzhou", text)
        self.assertIn("Accept Our Amount", text)
        self.assertIn("46.00", text)  # billed total
        self.assertIn("40.00", text)  # expected total and agreed total
        self.assertIn("t_assistant", text)
        self.assertNotIn("t_finance", text)
        statement.with_user(self.finance).action_finance_approve()
        statement.with_user(self.director).action_director_sign()
        self.assertEqual(statement.state, "signed")
        text = self.pdf_text(xmlid, statement, self.assistant)
        finance_review, director_review = statement.review_ids.sorted("sequence")
        self.assertEqual(finance_review.done_by, self.finance)
        # 编制 assistant, 审核 finance, 批准 director, each with the day
        self.assertLess(text.index("t_assistant"), text.index("t_finance"))
        self.assertLess(text.index("t_finance"), text.index("t_director"))
        self.assertIn(self.day(finance_review.reviewed_date), text)
        self.assertIn(self.day(director_review.reviewed_date), text)

    # ------------------------------------------------------------ 库存积压原因及处理措施
    def test_backlog_explanation(self):
        cls = type(self)
        cls.warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.company.id)], limit=1
        )
        cls.stock = cls.warehouse.lot_stock_id
        cls.supplier_location = self.env.ref("stock.stock_location_suppliers")
        cls.customer_location = self.env.ref("stock.stock_location_customers")
        cls.supplier = self.env["res.partner"].create({"name": "Valve Supplier"})
        valve = self.env["product.product"].create(
            {"name": "Old Valve", "is_storable": True, "standard_price": 10.0}
        )
        StockBacklogCase.transfer.__func__(cls, "in", valve, "2026-01-10 00:00:00", 5)
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.manager.id,
                "order_line": [Command.create({"product_id": valve.id, "product_uom_qty": 1})],
            }
        )
        order.action_confirm()
        order.date_order = "2026-01-05"
        Backlog = self.env["business.stock.backlog"]
        backlog = Backlog._generate_backlog(self.company, today=date(2026, 5, 15))
        backlog = backlog.filtered(lambda b: b.product_id == valve)
        self.assertEqual(backlog.user_id, self.manager)
        self.set_code("business_dept.stock_backlog_report", "QR-BD-007")
        xmlid = "business_dept.stock_backlog_report"
        text = self.pdf_text(xmlid, backlog, self.manager)
        self.assertIn("Inventory Backlog: Reasons and Actions", text)
        self.assertIn("2026-05 t_manager", text)
        self.assertIn("QR-BD-007", text)
        self.assertIn("Old Valve", text)
        self.assertNotIn("t_director", text)
        as_manager = backlog.with_user(self.manager)
        as_manager.write({"reason": "Customer postponed", "action_plan": "Offer to customer B"})
        as_manager.action_explain()
        backlog.with_user(self.director).action_review()
        self.assertEqual(backlog.state, "reviewed")
        text = self.pdf_text(xmlid, backlog, self.manager)
        self.assertIn("Customer postponed", text)
        self.assertIn("Offer to customer B", text)
        self.assertIn("50.00", text)  # 5 units at 10
        self.assertIn(str(backlog.age_days), text)
        self.assertIn("t_director", text)
        self.assertIn(self.day(backlog.reviewed_date), text)
        self.assertIn(self.day(backlog.explained_date), text)

    # ------------------------------------------------------------ 发货通知单
    def test_delivery_notice(self):
        self.company.write({"insert_gm_amount": 1000000.0, "insert_gm_days": 10})
        self.set_code("business_dept.delivery_notice_report", "QR-BD-004")
        self.customer.write({"city": "Ningbo", "phone": "+86 574 1234 5678"})
        order = self.make_order(commitment_date=self.now + timedelta(days=30))
        order.action_confirm()
        picking = order.picking_ids
        picking.write(
            {"note": "Pack on pallets, call before delivery", "carrier_tracking_ref": "SF1"}
        )
        xmlid = "business_dept.delivery_notice_report"
        text = self.pdf_text(xmlid, picking, self.manager)
        self.assertIn("Delivery Notice", text)
        self.assertIn(picking.name, text)
        self.assertIn(order.name, text)
        self.assertIn("QR-BD-004", text)
        self.assertIn("Ningbo", text)
        self.assertIn("+86 574 1234 5678", text)
        self.assertIn("Test Bearing", text)
        self.assertIn("10.00", text)
        self.assertIn("SF1", text)
        self.assertIn("Pack on pallets, call before delivery", text)
        self.assertIn("t_manager", text)
        self.assertNotIn("t_director", text)  # no insert order: 审核 stays empty
        request = (
            self.env["business.insert.order"]
            .with_user(self.manager)
            .create(
                {
                    "sale_order_id": order.id,
                    "requested_date": order.commitment_date - timedelta(days=3),
                    "reason": "Customer line stop",
                }
            )
        )
        request.action_submit()
        request.with_user(self.director).action_approve()
        self.assertEqual(request.state, "approved")
        text = self.pdf_text(xmlid, picking, self.manager)
        self.assertIn("t_director", text)
        self.assertIn(self.day(request.requested_date), text)
        # printed from the order: its deliveries
        text = self.pdf_text("business_dept.delivery_notice_order_report", order, self.manager)
        self.assertIn(picking.name, text)
        self.assertIn("Delivery Notice", text)
        # a receipt is no delivery notice
        warehouse = picking.picking_type_id.warehouse_id
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.in_type_id.id,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": warehouse.lot_stock_id.id,
            }
        )
        with self.assertRaises(UserError):
            self.html(xmlid, receipt, self.env.user)

    # ------------------------------------------------------------ 客户满意度调查表
    def test_satisfaction_survey(self):
        self.set_code("business_dept.satisfaction_survey_report", "QR-BD-008")
        survey = (
            self.env["business.satisfaction.survey"]
            .with_user(self.manager)
            .create({"partner_id": self.customer.id, "date": "2026-03-10"})
        )
        xmlid = "business_dept.satisfaction_survey_report"
        # blank, to send to the customer
        text = self.pdf_text(xmlid, survey, self.manager)
        self.assertIn("Customer Satisfaction Survey", text)
        self.assertIn("QR-BD-008", text)
        for label in ("Quotation", "Technical Support", "Quality", "Delivery", "Logistics"):
            self.assertIn(label, text)
        self.assertNotIn("95", text)
        survey.write(
            {
                "score_quotation": 95,
                "score_technical": 85,
                "score_quality": 90,
                "score_delivery": 80,
                "score_logistics": 70,
                "score_service": 100,
                "comment": "Faster answers please",
            }
        )
        survey.action_done()
        text = self.pdf_text(xmlid, survey, self.manager)
        for score in ("95", "85", "90", "80", "70", "100"):
            self.assertIn(score, text)
        self.assertIn("86.7", text)  # the average of the six
        self.assertIn("Faster answers please", text)
        self.assertIn("t_manager", text)

    # ------------------------------------------------------------ 产品报价表
    def test_quotation_form(self):
        self.company.write({"quote_signoff_required": True, "quote_signoff_min_amount": 0.0})
        self.set_code("business_dept.quotation_form_report", "QR-BD-001")
        order = self.make_order(qty=3, price=250.0)
        xmlid = "business_dept.quotation_form_report"
        with self.assertRaises(UserError):  # not printable before the sign-off
            self.html(xmlid, order, self.manager)
        order.with_user(self.gm).action_signoff()
        text = self.pdf_text(xmlid, order, self.manager)
        self.assertIn("Product Quotation", text)
        self.assertIn(order.name, text)
        self.assertIn("QR-BD-001", text)
        self.assertIn("750.00", text)
        self.assertIn("t_manager", text)
        self.assertIn("t_gm", text)
        self.assertIn(self.day(order.signoff_date), text)
        # the General Manager's sign-off is in the 批准 box, 审核 stays empty
        self.assertLess(text.index("Approved by / Date"), text.index("t_gm"))

    # ------------------------------------------------------------ 对账单
    def test_customer_statement_signature(self):
        self.product.taxes_id = False
        self.customer.write({"closing_day": 25, "email": "buyer@customer.example.com"})
        self.set_code("business_dept.customer_statement_pdf_report", "QR-BD-006")
        order = self.make_order(qty=4, price=125.0)
        order.action_confirm()
        picking = order.picking_ids
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        picking._action_done()
        picking.date_done = self.local(2026, 2, 10, 9, 0)
        Statement = self.env["business.customer.statement"]
        Statement.with_user(self.assistant)._generate_statements(date(2026, 2, 25))
        statement = Statement.search(
            [("partner_id", "=", self.customer.id), ("date_to", "=", date(2026, 2, 25))]
        )
        self.assertEqual(len(statement), 1)
        xmlid = "business_dept.customer_statement_pdf_report"
        text = self.pdf_text(xmlid, statement, self.assistant)
        self.assertIn("QR-BD-006", text)
        self.assertIn("500.00", text)
        self.assertIn("Customer Confirmation (Signature and Company Seal)", text)
        self.assertNotIn("Confirmed by the customer", text)
        self.assertNotIn("t_finance", text)
        statement.with_user(self.assistant).action_send()
        reply = self.env["ir.attachment"].create(
            {"name": "reply.pdf", "raw": b"%PDF signed", "res_model": statement._name}
        )
        statement.with_user(self.assistant).reply_attachment_ids = reply
        statement.with_user(self.assistant).action_confirm()
        statement.with_user(self.finance).action_finance_approve()
        self.assertEqual(statement.state, "approved")
        text = self.pdf_text(xmlid, statement, self.assistant)
        self.assertIn("Confirmed by the customer", text)
        self.assertIn("t_finance", text)
        self.assertIn(self.day(statement.review_ids.reviewed_date), text)
        self.assertIn(self.day(statement.confirmed_date), text)
        self.assertLess(text.index("Checked by / Date"), text.index("t_finance"))

    # ------------------------------------------------------------ languages
    def test_chinese_form(self):
        """Printed in zh_CN and zh_TW with CJK fonts: Chinese text comes out of the PDF as
        typed, the dates in the language's format."""
        self.customer.name = "上海精密轴承有限公司"
        order = self.make_order()
        order.action_confirm()
        order.with_user(self.gm).action_review_sign()
        for lang in ("zh_CN", "zh_TW"):
            self.env["res.lang"]._activate_lang(lang)
            self.manager.lang = lang
            text = self.pdf_text("business_dept.order_review_report", order, self.manager)
            self.assertIn("上海精密轴承有限公司", text)
            self.assertIn(order.name, text)
            day = order.company_id._business_local_date(order.review_start_date)
            self.assertIn(format_date(self.env(context={"lang": lang}), day), text)

    # ------------------------------------------------------------ 月度总结报告
    def test_monthly_summary(self):
        self.set_code("business_dept.kpi_summary_pdf_report", "QR-BD-009")
        order = self.make_order(qty=2, price=300.0)
        order.action_confirm()
        month = self.company._business_local_today().replace(day=1)
        wizard = self.env["business.kpi.summary"].with_user(self.director).create({"month": month})
        text = self.pdf_text("business_dept.kpi_summary_pdf_report", wizard, self.director)
        self.assertIn("Monthly Summary Report", text)
        self.assertIn("QR-BD-009", text)
        # one page for the department, one per manager, with the figures of the XLSX
        self.assertIn(f"{month:%Y-%m} Department", text)
        self.assertIn(f"{month:%Y-%m} t_manager", text)
        figures = wizard._department_figures()
        self.assertIn(f"{self.company.target_threshold:.1f}%", text)
        self.assertIn(f"{self.company.satisfaction_threshold:.1f}", text)
        for rate in ("achievement", "payment_ontime_rate", "invoice_ontime_rate"):
            if figures[rate] is not None:
                self.assertIn(f"{figures[rate]:.1f}%", text)
        self.assertIn("No data", text)  # the manager has no review this month
        self.assertIn("t_director", text)  # 编制: who printed it
        self.assertIn(self.day(fields.Datetime.now()), text)
        # the XLSX rule: only the business department reads the summary
        outsider = wizard.with_user(self.salesman)
        with self.assertRaises(AccessError):
            outsider._check_summary_access()
