import base64
import csv
import io
import zipfile
from datetime import date, datetime, timedelta
from unittest.mock import patch

import openpyxl
import xlsxwriter

from odoo import Command
from odoo.addons.business_dept.wizard import business_logistics_statement_import
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import BusinessDeptCase


class LogisticsCase(BusinessDeptCase):
    """Carriers, an agreement and done deliveries in January 2026."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"quote_signoff_required": False, "agreement_required": False})
        # statement periods are days of the company's calendar
        cls.company.resource_calendar_id.tz = "Asia/Shanghai"
        cls.carrier_partner = cls.env["res.partner"].create(
            {"name": "Test Express Co.", "is_company": True}
        )
        freight = cls.env["product.product"].create({"name": "Test Freight", "type": "service"})
        cls.carrier = cls.env["delivery.carrier"].create(
            {
                "name": "Test Express",
                "product_id": freight.id,
                "delivery_type": "fixed",
                "integration_level": "rate",
            }
        )
        cls.other_carrier = cls.carrier.copy({"name": "Other Express"})
        cls.product = cls.env["product.product"].create(
            {"name": "Crate", "type": "consu", "weight": 2.5, "volume": 0.1}
        )
        cls.out_type = (
            cls.env["stock.warehouse"]
            .search([("company_id", "=", cls.company.id)], limit=1)
            .out_type_id
        )
        cls.agreement = cls.env["business.logistics.agreement"].create(
            {
                "name": "Test Express 2026",
                "partner_id": cls.carrier_partner.id,
                "carrier_ids": [Command.set(cls.carrier.ids)],
                "pricing_mode": "per_shipment",
                "rate": 20.0,
                "date_start": date(2026, 1, 1),
            }
        )
        cls.p1 = cls._delivery("WB001", datetime(2026, 1, 5, 3, 0))
        cls.p2 = cls._delivery("WB002", datetime(2026, 1, 10, 3, 0), qty=4)
        cls.p3 = cls._delivery("WB003", datetime(2026, 1, 20, 3, 0))
        cls.p_feb = cls._delivery("WB004", datetime(2026, 2, 3, 3, 0))
        cls.p_other = cls._delivery("WB005", datetime(2026, 1, 6, 3, 0), carrier=cls.other_carrier)

    @classmethod
    def _delivery(
        cls, ref, when, qty=1, carrier=None, partner=None, out_type=None, dest=None, product=None
    ):
        """A done outgoing picking of ``qty`` crates (or ``product``) with a tracking
        reference."""
        out_type = out_type or cls.out_type
        product = product or cls.product
        src = out_type.default_location_src_id
        dest = dest or cls.env.ref("stock.stock_location_customers")
        pickings = cls.env["stock.picking"].with_company(out_type.company_id)
        picking = pickings.create(
            {
                "picking_type_id": out_type.id,
                "partner_id": (partner or cls.customer).id,
                "carrier_id": (carrier or cls.carrier).id,
                "location_id": src.id,
                "location_dest_id": dest.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "product_uom": product.uom_id.id,
                            "location_id": src.id,
                            "location_dest_id": dest.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.move_ids.write({"quantity": qty, "picked": True})
        picking._action_done()
        picking.write({"date_done": when, "carrier_tracking_ref": ref})
        return picking

    def _statement(self, **vals):
        return (
            self.env["business.logistics.statement"]
            .with_user(self.assistant)
            .create(
                {
                    "partner_id": self.carrier_partner.id,
                    "date_from": date(2026, 1, 1),
                    "date_to": date(2026, 1, 31),
                    **vals,
                }
            )
        )

    def _import(self, statement, content, filename):
        wizard = (
            self.env["business.logistics.statement.import"]
            .with_user(self.assistant)
            .create(
                {
                    "statement_id": statement.id,
                    "file": base64.b64encode(content),
                    "filename": filename,
                }
            )
        )
        return wizard.action_import()

    def _collected_and_imported(self, rows):
        """A January statement with our deliveries collected and the carrier's CSV imported."""
        statement = self._statement()
        statement.action_collect()
        self._import(statement, self._csv(rows), "statement.csv")
        return statement

    @staticmethod
    def _csv(rows, encoding="utf-8"):
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        return buffer.getvalue().encode(encoding)

    @staticmethod
    def _xlsx(rows):
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet()
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, date):
                    sheet.write_datetime(r, c, datetime(value.year, value.month, value.day))
                else:
                    sheet.write(r, c, value)
        workbook.close()
        return output.getvalue()

    def _states(self, statement):
        return {(line.waybill, line.match_state) for line in statement.line_ids}


@tagged("post_install", "-at_install")
class TestLogisticsAgreement(LogisticsCase):
    def _cost(self, picking):
        return self.env["business.logistics.agreement"]._expected_costs(picking.ids).get(picking.id)

    def test_per_shipment(self):
        self.assertEqual(self._cost(self.p2), 20.0)
        self.assertEqual(self.p2.logistics_expected_cost, 20.0)

    def test_per_kg(self):
        self.agreement.write({"pricing_mode": "per_kg", "rate": 3.0})
        # 4 crates of 2.5 kg
        self.assertAlmostEqual(self._cost(self.p2), 30.0)

    def test_per_m3(self):
        self.agreement.write({"pricing_mode": "per_m3", "rate": 200.0})
        # 4 crates of 0.1 m³
        self.assertAlmostEqual(self._cost(self.p2), 80.0)

    def test_flat_monthly(self):
        self.agreement.write({"pricing_mode": "flat_monthly", "rate": 900.0})
        # three January deliveries of the carrier share the month's amount
        costs = self.env["business.logistics.agreement"]._expected_costs(
            (self.p1 | self.p2 | self.p3 | self.p_feb).ids
        )
        self.assertEqual(costs[self.p1.id], 300.0)
        self.assertEqual(costs[self.p3.id], 300.0)
        self.assertEqual(costs[self.p_feb.id], 900.0)

    def test_zone(self):
        china = self.env.ref("base.cn")
        shanghai = self.env["res.country.state"].search([("country_id", "=", china.id)], limit=1)
        self.agreement.write(
            {
                "pricing_mode": "zone",
                "zone_ids": [
                    Command.create({"country_id": china.id, "rate": 15.0}),
                    Command.create({"country_id": china.id, "state_id": shanghai.id, "rate": 12.0}),
                ],
            }
        )
        self.customer.write({"country_id": china.id})
        self.assertEqual(self._cost(self.p1), 15.0)
        self.customer.write({"state_id": shanghai.id})
        self.assertEqual(self._cost(self.p1), 12.0)
        self.customer.write({"country_id": self.env.ref("base.fr").id, "state_id": False})
        self.assertEqual(self._cost(self.p1), 0.0)

    def test_validity(self):
        """The agreement valid on the delivery's date prices it; none, no cost."""
        self.agreement.write({"date_end": date(2026, 1, 31)})
        self.env["business.logistics.agreement"].create(
            {
                "name": "Test Express from February",
                "partner_id": self.carrier_partner.id,
                "carrier_ids": [Command.set(self.carrier.ids)],
                "rate": 22.0,
                "date_start": date(2026, 2, 1),
            }
        )
        self.assertEqual(self._cost(self.p1), 20.0)
        self.assertEqual(self._cost(self.p_feb), 22.0)
        self.agreement.write({"date_start": date(2026, 1, 15)})
        self.assertIsNone(self._cost(self.p1))

    def test_forms(self):
        """The assistant fills an agreement with zones and a statement with a line in the forms."""
        with Form(self.env["business.logistics.agreement"].with_user(self.assistant)) as form:
            form.name = "Zone agreement"
            form.partner_id = self.carrier_partner
            form.carrier_ids.add(self.other_carrier)
            form.pricing_mode = "zone"
            with form.zone_ids.new() as zone:
                zone.country_id = self.env.ref("base.cn")
                zone.rate = 9.0
        self.assertEqual(form.record.zone_ids.rate, 9.0)
        with Form(self.env["business.logistics.statement"].with_user(self.assistant)) as form:
            form.partner_id = self.carrier_partner
            form.date_from = date(2026, 1, 1)
            form.date_to = date(2026, 1, 31)
            with form.line_ids.new() as line:
                line.waybill = "WB001"
                line.amount = 21.0
            self.assertEqual(form.amount_carrier, 21.0)
        statement = form.record
        self.assertTrue(statement.name.startswith("LS/"))
        statement.action_match()
        self.assertEqual(statement.line_ids.picking_id, self.p1)

    def test_bad_agreement(self):
        with self.assertRaises(ValidationError):
            self.agreement.write({"date_end": date(2025, 12, 1)})
        with self.assertRaises(ValidationError):
            self.agreement.write({"statement_day": 32})
        with self.assertRaises(ValidationError):
            self.agreement.write({"rate": -1})

    def test_access(self):
        Agreement = self.env["business.logistics.agreement"]
        self.assertTrue(Agreement.with_user(self.finance).search([]))
        with self.assertRaises(AccessError):
            self.agreement.with_user(self.finance).write({"rate": 1.0})
        with self.assertRaises(AccessError):
            Agreement.with_user(self.manager).search([])


@tagged("post_install", "-at_install")
class TestLogisticsMatching(LogisticsCase):
    def test_collect(self):
        statement = self._statement()
        statement.action_collect()
        self.assertEqual(statement.line_ids.picking_id, self.p1 | self.p2 | self.p3)
        self.assertEqual(set(statement.line_ids.mapped("expected_amount")), {20.0})
        self.assertEqual(set(statement.line_ids.mapped("match_state")), {"missing_carrier"})
        self.assertRegex(statement.name, r"^LS/\d{4}/\d{4}$")
        # collecting again adds nothing; another statement does not take them again
        statement.action_collect()
        self.assertEqual(len(statement.line_ids), 3)
        other = self._statement()
        other.action_collect()
        self.assertFalse(other.line_ids)

    def test_collect_in_company_time_zone(self):
        """Done at 04:00 on 1 February in Shanghai (31 January in UTC): a February delivery."""
        late = self._delivery("WB010", datetime(2026, 1, 31, 20, 0))
        january = self._statement()
        january.action_collect()
        self.assertNotIn(late, january.line_ids.picking_id)
        february = self._statement(date_from=date(2026, 2, 1), date_to=date(2026, 2, 28))
        february.action_collect()
        self.assertIn(late, february.line_ids.picking_id)
        self.assertEqual(
            february.line_ids.filtered(lambda line: line.picking_id == late).date,
            date(2026, 2, 1),
        )

    def test_every_match_state_and_tolerance(self):
        self.company.logistics_tolerance = 1.0
        statement = self._statement()
        statement.action_collect()
        content = self._csv(
            [
                ["Waybill", "Date", "Amount"],
                ["WB001", "2026-01-05", "20.00"],  # matched
                ["WB002", "2026-01-10", "20.80"],  # within the tolerance
                ["WB999", "2026-01-11", "20"],  # not ours
                ["WB001", "2026-01-05", "20"],  # listed twice
                ["WB005", "2026-01-06", "25"],  # another carrier's waybill
            ]
        )
        self._import(statement, content, "statement.csv")
        # WB003 is ours and not on the carrier's statement
        self.assertEqual(
            self._states(statement),
            {
                ("WB001", "matched"),
                ("WB002", "matched"),
                ("WB003", "missing_carrier"),
                ("WB999", "unknown"),
                ("WB001", "duplicate"),
                ("WB005", "unknown"),
            },
        )
        self.company.logistics_tolerance = 0.5
        statement.action_match()
        line = statement.line_ids.filtered(lambda line: line.waybill == "WB002")
        self.assertEqual(line.match_state, "amount_diff")
        self.assertAlmostEqual(line.difference, 0.8)
        self.assertEqual(statement.state, "draft")
        self.assertEqual(statement.unsettled_count, 5)
        # idempotent
        before = [
            (line.id, line.match_state, line.expected_amount, line.picking_id)
            for line in statement.line_ids
        ]
        statement.action_match()
        after = [
            (line.id, line.match_state, line.expected_amount, line.picking_id)
            for line in statement.line_ids
        ]
        self.assertEqual(before, after)
        duplicate = statement.line_ids.filtered(lambda line: line.match_state == "duplicate")
        self.assertEqual(duplicate.expected_amount, 0.0)

    def test_links_carrier_lines_to_deliveries(self):
        """Lines imported without collecting are linked to the delivery by waybill."""
        statement = self._statement()
        self._import(statement, self._csv([["运单号", "运费"], ["WB003", "20"]]), "s.csv")
        self.assertEqual(statement.line_ids.picking_id, self.p3)
        self.assertEqual(statement.line_ids.match_state, "matched")
        self.assertEqual(statement.state, "matched")
        self.assertEqual(statement.amount_agreed, 20.0)

    def test_resolutions(self):
        statement = self._collected_and_imported(
            [["waybill", "amount"], ["WB001", "26"], ["WB002", "20"], ["WB777", "9"]]
        )
        self.assertEqual(statement.state, "draft")
        lines = {line.waybill: line for line in statement.line_ids}
        lines["WB001"].with_user(self.assistant).resolution = "accept_ours"
        lines["WB003"].with_user(self.assistant).resolution = "accept_ours"
        lines["WB777"].with_user(self.assistant).resolution = "disputed"
        statement.action_match()
        self.assertEqual(statement.state, "matched")
        self.assertEqual(lines["WB001"].agreed_amount, 20.0)
        self.assertEqual(statement.amount_agreed, 60.0)
        lines["WB001"].with_user(self.assistant).resolution = "accept_carrier"
        self.assertEqual(statement.amount_agreed, 66.0)

    def test_matching_refusals(self):
        statement = self._statement()
        with self.assertRaises(AccessError):
            statement.with_user(self.finance).action_match()
        with self.assertRaises(AccessError):
            statement.with_user(self.manager).read(["name"])
        with self.assertRaises(AccessError):
            statement.with_user(self.finance).action_collect()
        lonely = self._statement(partner_id=self.customer.id)
        with self.assertRaises(UserError):
            lonely.action_collect()


@tagged("post_install", "-at_install")
class TestLogisticsImport(LogisticsCase):
    def test_xlsx_chinese_headers(self):
        statement = self._statement()
        statement.action_collect()
        content = self._xlsx(
            [
                ["序号", "运单号", "发货日期", "金额"],
                [1, "WB001", date(2026, 1, 5), 20],
                [2, "WB002", date(2026, 1, 10), 20.0],
                [3, "WB002", date(2026, 1, 10), 20.0],
            ]
        )
        self._import(statement, content, "对账单.xlsx")
        self.assertEqual(len(statement.line_ids), 4)
        self.assertEqual(
            sorted(statement.line_ids.mapped("match_state")),
            ["duplicate", "matched", "matched", "missing_carrier"],
        )
        line = statement.line_ids.filtered(lambda line: line.waybill == "WB001")
        self.assertEqual(line.date, date(2026, 1, 5))
        self.assertEqual(line.picking_id, self.p1)

    def test_csv_utf8_bom_and_gb18030(self):
        rows = [["快递单号", "日期", "运费金额"], ["WB001", "2026/01/05", "¥20.00"]]
        statement = self._statement()
        self._import(statement, "\ufeff".encode() + self._csv(rows), "s.csv")
        self.assertEqual(statement.line_ids.amount, 20.0)
        other = self._statement(date_from=date(2026, 1, 1), date_to=date(2026, 1, 31))
        self._import(other, self._csv(rows, "gb18030"), "s.csv")
        self.assertEqual(other.line_ids.waybill, "WB001")
        self.assertEqual(other.line_ids.date, date(2026, 1, 5))

    def _assert_refused(self, content, filename, *fragments):
        statement = self._statement()
        statement.action_collect()
        before = statement.line_ids.read(["waybill", "amount", "carrier_listed"])
        with self.assertRaises(UserError) as caught:
            self._import(statement, content, filename)
        for fragment in fragments:
            self.assertIn(fragment, str(caught.exception))
        self.assertEqual(statement.line_ids.read(["waybill", "amount", "carrier_listed"]), before)

    def test_bad_files(self):
        self._assert_refused(b"", "s.csv", "empty")
        self._assert_refused(b"PK\x03\x04 not a workbook", "s.xlsx", "XLSX")
        self._assert_refused(b"\xff\xfe\x00\x00\x81", "s.csv")
        self._assert_refused(self._csv([["waybill", "amount"]]), "s.csv", "no rows")
        with patch.object(business_logistics_statement_import, "MAX_FILE_SIZE", 10):
            self._assert_refused(self._csv([["waybill", "amount"], ["WB1", "1"]]), "s.csv", "MB")

    def test_missing_columns(self):
        self._assert_refused(
            self._csv([["date", "amount"], ["2026-01-05", "1"]]), "s.csv", "Waybill"
        )
        self._assert_refused(
            self._csv([["运单号", "日期"], ["WB001", "2026-01-05"]]), "s.csv", "Amount"
        )

    def test_bad_rows(self):
        header = ["运单号", "日期", "金额"]
        self._assert_refused(
            self._csv([header, ["WB001", "2026-01-05", "20"], ["WB002", "2026-01-05", "abc"]]),
            "s.csv",
            "Row 3",
            "金额",
            "abc",
        )
        self._assert_refused(
            self._csv([header, ["WB001", "2026-01-05", "-5"]]), "s.csv", "Row 2", "negative"
        )
        self._assert_refused(
            self._csv([header, ["WB001", "2026-02-05", "5"]]), "s.csv", "Row 2", "日期", "outside"
        )
        self._assert_refused(
            self._csv([header, ["WB001", "yesterday", "5"]]), "s.csv", "Row 2", "not a date"
        )
        self._assert_refused(
            self._xlsx([header, ["", date(2026, 1, 5), 5]]), "s.xlsx", "Row 2", "运单号"
        )

    def test_import_refusals(self):
        statement = self._statement()
        wizard = self.env["business.logistics.statement.import"].create(
            {"statement_id": statement.id, "file": base64.b64encode(b"waybill,amount\nWB1,1\n")}
        )
        with self.assertRaises(AccessError):
            wizard.with_user(self.finance).action_import()
        with self.assertRaises(AccessError):
            self.env["business.logistics.statement.import"].with_user(self.manager).create(
                {"statement_id": statement.id}
            )


@tagged("post_install", "-at_install")
class TestLogisticsWorkflow(LogisticsCase):
    def _matched_statement(self):
        statement = self._collected_and_imported(
            [["waybill", "amount"], ["WB001", "20"], ["WB002", "20"], ["WB003", "20"]]
        )
        self.assertEqual(statement.state, "matched")
        return statement

    def test_approval_chain_vendor_bill_and_invoice_chase(self):
        statement = self._matched_statement()
        with self.assertRaises(UserError):
            statement.with_user(self.director).action_director_sign()
        with self.assertRaises(UserError):
            statement.with_user(self.assistant).action_submit()
        statement.with_user(self.finance).action_finance_approve()
        self.assertEqual(statement.state, "approved")
        self.assertEqual(statement.approved_user_id, self.finance)
        with self.assertRaises(UserError):
            statement.with_user(self.assistant).action_match()
        with self.assertRaises(UserError):
            statement.line_ids[0].with_user(self.assistant).write({"amount": 1.0})
        statement.with_user(self.director).action_director_sign()
        self.assertEqual(statement.state, "signed")
        self.assertEqual(statement.signed_user_id, self.director)
        statement.with_user(self.assistant).action_submit()
        self.assertEqual(statement.state, "submitted")
        bill = statement.vendor_bill_id
        self.assertEqual(bill.move_type, "in_invoice")
        self.assertEqual(bill.partner_id, self.carrier_partner)
        self.assertEqual(bill.amount_untaxed, 60.0)
        self.assertEqual(bill.state, "draft")
        self.assertTrue(statement.invoice_expected_date)
        activity = statement.activity_ids
        self.assertEqual(activity.user_id, self.assistant)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("business_dept.mail_activity_type_logistics_invoice"),
        )
        self.assertEqual(activity.date_deadline, statement.invoice_expected_date)
        with self.assertRaises(AccessError):
            statement.with_user(self.manager).action_invoice_received()
        statement.with_user(self.finance).action_invoice_received()
        self.assertEqual(statement.state, "done")
        self.assertTrue(statement.invoice_received_date)
        self.assertFalse(statement.activity_ids)
        with self.assertRaises(UserError):
            statement.with_user(self.finance).action_invoice_received()
        with self.assertRaises(UserError):
            statement.with_user(self.assistant).unlink()

    def test_carrier_bill_keeps_the_signed_amount(self):
        """The bill of a signed statement: reference and date may be set, a tax included
        in the price too; another carrier, currency or total is refused, also at posting."""
        statement = self._matched_statement()
        statement.with_user(self.finance).action_finance_approve()
        statement.with_user(self.director).action_director_sign()
        statement.with_user(self.assistant).action_submit()
        bill = statement.vendor_bill_id
        accountant = new_test_user(
            self.env, "t_carrier_accountant", groups="base.group_user,account.group_account_manager"
        )
        bill = bill.with_user(accountant)
        bill.write({"ref": "SF-INV-0001", "invoice_date": date(2026, 11, 30)})
        line = bill.invoice_line_ids
        with self.assertRaises(UserError) as refused:
            bill.write({"invoice_line_ids": [Command.update(line.id, {"price_unit": 66.0})]})
        self.assertIn("60.0 USD", str(refused.exception))
        with self.assertRaises(UserError):
            bill.write({"partner_id": self.env["res.partner"].create({"name": "Other"}).id})
        tax = self.env["account.tax"].create(
            {
                "name": "VAT 9% included",
                "amount": 9.0,
                "type_tax_use": "purchase",
                "price_include_override": "tax_included",
                "company_id": statement.company_id.id,
            }
        )
        self.env.invalidate_all()  # the refused writes were rolled back
        self.assertEqual(line.price_unit, 60.0)
        bill.write(
            {"invoice_line_ids": [Command.update(line.id, {"tax_ids": [Command.set(tax.ids)]})]}
        )
        self.assertAlmostEqual(bill.amount_total, 60.0)
        # a line written past the bill's form is caught when the bill is posted
        line.sudo().with_context(check_move_validity=False).write({"price_unit": 70.0})
        with self.assertRaises(UserError):
            bill.action_post()
        line.sudo().with_context(check_move_validity=False).write({"price_unit": 60.0})
        bill.action_post()
        self.assertEqual(bill.state, "posted")

    def test_wrong_roles(self):
        statement = self._matched_statement()
        for user in (self.assistant, self.director, self.manager):
            with self.assertRaises(AccessError):
                statement.with_user(user).action_finance_approve()
        statement.with_user(self.finance).action_finance_approve()
        for user in (self.assistant, self.finance, self.manager):
            with self.assertRaises(AccessError):
                statement.with_user(user).action_director_sign()
        statement.with_user(self.director).action_director_sign()
        for user in (self.finance, self.manager):
            with self.assertRaises(AccessError):
                statement.with_user(user).action_submit()
        statement.with_user(self.director).action_submit()
        self.assertEqual(statement.state, "submitted")

    def test_wrong_states(self):
        statement = self._statement()
        statement.action_collect()
        # differences without resolution: the statement stays a draft
        self.assertEqual(statement.state, "draft")
        with self.assertRaises(UserError):
            statement.with_user(self.finance).action_finance_approve()
        empty = self._statement(date_from=date(2025, 1, 1), date_to=date(2025, 1, 31))
        empty.action_match()
        self.assertEqual(empty.state, "draft")
        with self.assertRaises(UserError):
            empty.with_user(self.finance).action_finance_approve()

    def test_state_only_through_buttons(self):
        statement = self._matched_statement()
        with self.assertRaises(AccessError):
            statement.with_user(self.assistant).write({"state": "signed"})
        with self.assertRaises(AccessError):
            statement.with_user(self.finance).write({"note": "x"})

    def test_send_back(self):
        statement = self._matched_statement()
        statement.with_user(self.finance).action_finance_approve()
        with self.assertRaises(AccessError):
            statement.with_user(self.assistant).action_reset_to_draft()
        statement.with_user(self.director).action_reset_to_draft()
        self.assertEqual(statement.state, "draft")
        self.assertFalse(statement.approved_user_id)

    def test_tiers_inbox_and_notifications(self):
        """Reconciled: the finance tier is requested (finance's inbox and activity), then
        the director's; the assistant hears back."""
        statement = self._matched_statement()
        Statement = self.env["business.logistics.statement"]
        self.assertEqual(statement.validation_status, "pending")
        self.assertEqual(statement.review_ids.requested_by, self.assistant)
        to_review = [("can_review", "=", True)]
        self.assertIn(statement, Statement.with_user(self.finance).search(to_review))
        self.assertNotIn(
            statement, Statement.with_user(self.director).search([("can_review", "=", True)])
        )
        review_type = self.env.ref("business_dept.mail_activity_type_tier_review")
        activities = statement.activity_ids.filtered(lambda a: a.activity_type_id == review_type)
        self.assertIn(self.finance, activities.user_id)
        self.assertNotIn(self.director, activities.user_id)
        statement.with_user(self.finance).action_finance_approve()
        activities = statement.activity_ids.filtered(lambda a: a.activity_type_id == review_type)
        self.assertIn(self.director, activities.user_id)
        self.assertNotIn(self.finance, activities.user_id)
        self.assertIn(
            statement, Statement.with_user(self.director).search([("can_review", "=", True)])
        )
        with self.assertRaises(UserError):  # submit only after both tiers
            statement.with_user(self.director).action_submit()
        statement.with_user(self.director).action_director_sign()
        self.assertEqual(statement.validation_status, "validated")
        activities = statement.activity_ids.filtered(lambda a: a.activity_type_id == review_type)
        self.assertFalse(activities)

    def test_one_person_one_tier_and_no_self_approval(self):
        both = new_test_user(
            self.env,
            login="t_finance_director",
            groups="base.group_user,business_dept.group_business_finance,"
            "business_dept.group_business_director",
        )
        statement = self._matched_statement()
        statement.with_user(both).action_finance_approve()
        with self.assertRaisesRegex(AccessError, "another tier"):
            statement.with_user(both).action_director_sign()
        statement.with_user(self.director).action_director_sign()
        self.assertEqual(statement.state, "signed")

    def test_assistant_never_approves_his_statement(self):
        """The assistant who reconciled is refused as reviewer, even in the finance group."""
        self.assistant.groups_id = [
            Command.link(self.env.ref("business_dept.group_business_finance").id)
        ]
        statement = self._matched_statement()
        self.assertNotIn(self.assistant, statement.reviewer_ids)
        with self.assertRaisesRegex(AccessError, "own request"):
            statement.with_user(self.assistant).action_finance_approve()
        statement.with_user(self.finance).action_finance_approve()
        self.assertEqual(statement.state, "approved")

    def test_rejection_sends_back_with_a_comment(self):
        statement = self._matched_statement()
        action = statement.with_user(self.finance).action_reject()
        self.assertEqual(action["res_model"], "comment.wizard")
        with self.assertRaises(UserError):
            statement.with_user(self.finance).action_reject("  ")
        statement.with_user(self.finance).action_reject("WB002 is billed twice")
        self.assertEqual(statement.state, "draft")
        self.assertFalse(statement.review_ids)
        told = statement.message_ids.filtered(lambda m: "billed twice" in (m.body or ""))
        self.assertTrue(told)

    def test_nothing_to_bill(self):
        statement = self._statement()
        self._import(statement, self._csv([["waybill", "amount"], ["WB777", "9"]]), "s.csv")
        statement.line_ids.resolution = "disputed"
        statement.action_match()
        statement.with_user(self.finance).action_finance_approve()
        statement.with_user(self.director).action_director_sign()
        with self.assertRaises(UserError):
            statement.with_user(self.assistant).action_submit()

    def test_xlsx_export(self):
        statement = self._matched_statement()
        action = statement.with_user(self.assistant).action_export_xlsx()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["report_type"], "xlsx")
        attachments = self.env["ir.attachment"].search_count([])
        content, kind = (
            self.env["ir.actions.report"]
            .with_user(self.assistant)
            ._render_xlsx(action["report_name"], statement.ids, action.get("data") or {})
        )
        self.assertEqual(kind, "xlsx")
        # built per download, nothing stored
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments)
        again = statement.with_user(self.assistant)._xlsx_content()
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments)

        def read_rows(data):
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
            return list(workbook.active.iter_rows(values_only=True))

        rows = read_rows(content)
        # the same cells (the files' bytes hold their creation time)
        self.assertEqual(read_rows(again), rows)
        self.assertIn(statement.name, rows[0][0])
        self.assertEqual(rows[3][0], "Waybill")
        self.assertEqual({row[0] for row in rows[4:7]}, {"WB001", "WB002", "WB003"})
        self.assertEqual(rows[7][0], "Total")
        self.assertEqual(rows[7][8], 60.0)


class CarrierFileCase(LogisticsCase):
    """The carrier's files as carriers send them, and deliveries of May and June 2024."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Agreement = cls.env["business.logistics.agreement"]
        cls.agreement_may = Agreement.create(
            {
                "name": "Test Express to May 2024",
                "partner_id": cls.carrier_partner.id,
                "carrier_ids": [Command.set(cls.carrier.ids)],
                "rate": 20.0,
                "date_start": date(2024, 1, 1),
                "date_end": date(2024, 5, 31),
            }
        )
        cls.agreement_june = Agreement.create(
            {
                "name": "Test Express from June 2024",
                "partner_id": cls.carrier_partner.id,
                "carrier_ids": [Command.set(cls.carrier.ids)],
                "rate": 22.0,
                "date_start": date(2024, 6, 1),
                "date_end": date(2024, 12, 31),
            }
        )
        cls.p_long = cls._delivery("773123456789", datetime(2024, 5, 15, 3, 0))

    def _month(self, month, year=2024):
        first = date(year, month, 1)
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        return self._statement(date_from=first, date_to=last)

    def _xlsx_java(self, rows, number, written):
        """A workbook as a Java exporter (Apache POI) writes it: the number cell
        ``number`` holds ``written`` (``7.73123456789E11``), which reads as a float."""
        content = self._xlsx(rows)
        source = zipfile.ZipFile(io.BytesIO(content))
        output = io.BytesIO()
        with zipfile.ZipFile(output, "w") as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    data = data.replace(f"<v>{number}</v>".encode(), f"<v>{written}</v>".encode())
                target.writestr(item, data)
        return output.getvalue()

    def _assert_refused(self, statement, content, filename, *fragments):
        before = statement.line_ids.read(["waybill", "amount", "carrier_listed", "match_state"])
        with self.assertRaises(UserError) as caught:
            self._import(statement, content, filename)
        for fragment in fragments:
            self.assertIn(fragment, str(caught.exception))
        self.assertEqual(
            statement.line_ids.read(["waybill", "amount", "carrier_listed", "match_state"]),
            before,
        )
        return str(caught.exception)


@tagged("post_install", "-at_install")
class TestLogisticsCarrierFiles(CarrierFileCase):
    def test_scientific_notation_waybill_refuses_the_file(self):
        """Excel showed 773123456789 as 7.73123E+11 and saved it so: refused, row 2."""
        may = self._month(5)
        may.action_collect()
        self.assertEqual(may.line_ids.waybill, "773123456789")
        header = ["运单号", "日期", "金额"]
        self._assert_refused(
            may,
            self._csv([header, ["7.73123E+11", "2024-05-15", "20.00"]]),
            "may.csv",
            "Row 2",
            "运单号",
            "7.73123E+11",
        )
        # a decimal-comma Excel writes 7,73123E+11 in a semicolon file
        content = "运单号;日期;金额\n7,73123E+11;2024-05-15;20,00\n".encode("gb18030")
        self._assert_refused(may, content, "may.csv", "Row 2", "运单号", "7,73123E+11")
        # the same text in a workbook cell, after a good row
        self._assert_refused(
            may,
            self._xlsx([header, ["773123456789", "2024-05-15", 20], ["7.73123E+11", "", 20]]),
            "may.xlsx",
            "Row 3",
            "运单号",
        )
        self.assertFalse(may.line_ids.carrier_listed)
        self.assertEqual(may.line_ids.match_state, "missing_carrier")

    def test_xlsx_waybill_stored_as_number(self):
        """A number cell that is the waybill's digits imports as text; one that lost digits
        (more than Excel's 15) refuses the file."""
        may = self._month(5)
        may.action_collect()
        content = self._xlsx_java(
            [["运单号码", "发货日期", "运费(元)"], [773123456789, "2024-05-15", 20.0]],
            773123456789,
            "7.73123456789E11",
        )
        # the file really holds a float
        cell = openpyxl.load_workbook(io.BytesIO(content)).active["A2"].value
        self.assertIsInstance(cell, float)
        self._import(may, content, "may.xlsx")
        self.assertEqual(may.line_ids.waybill, "773123456789")
        self.assertEqual(may.line_ids.picking_id, self.p_long)
        self.assertEqual(may.line_ids.match_state, "matched")
        self.assertEqual(may.state, "matched")
        # an integer cell too
        other = self._month(5)
        self._import(other, self._xlsx([["运单号", "金额"], [773123456789, 20]]), "o.xlsx")
        self.assertEqual(other.line_ids.waybill, "773123456789")
        # 19 digits stored as a number: Excel kept 15 of them
        self._assert_refused(
            self._month(5),
            self._xlsx([["运单号", "金额"], [7731234567890123456, 20]]),
            "long.xlsx",
            "Row 2",
            "运单号",
            "15",
        )
        # a fraction is no waybill
        self._assert_refused(
            self._month(5),
            self._xlsx([["运单号", "金额"], [7731.5, 20]]),
            "frac.xlsx",
            "Row 2",
        )

    def test_xlsx_with_title_rows_and_total(self):
        """Two title rows, a header with units and a total row: three lines, nothing refused."""
        statement = self._statement()
        content = self._xlsx(
            [
                ["测试快递有限公司 月结对账单"],
                ["对账期间：2026-01-01 至 2026-01-31", None, "客户：测试公司"],
                ["运单号码", "发货日期", "运费(元)"],
                ["WB001", date(2026, 1, 5), 20],
                ["WB002", date(2026, 1, 10), 18],
                ["WB003", date(2026, 1, 20), 20],
                ["合计", None, 58.0],
            ]
        )
        self._import(statement, content, "对账单.xlsx")
        self.assertEqual(sorted(statement.line_ids.mapped("waybill")), ["WB001", "WB002", "WB003"])
        self.assertEqual(statement.amount_carrier, 58.0)
        self.assertEqual(statement.line_ids.picking_id, self.p1 | self.p2 | self.p3)
        self.assertEqual(
            self._states(statement),
            {("WB001", "matched"), ("WB002", "amount_diff"), ("WB003", "matched")},
        )
        self.assertEqual(set(statement.line_ids.mapped("source")), {"import"})
        self.assertEqual(set(statement.line_ids.mapped("carrier_file")), {"对账单.xlsx"})

    def test_header_variants_subtotals_and_footer(self):
        """快递单号 / 计费重量(kg) / 应付金额(元), subtotals per day, a Total row and the
        signatures under the table are all read as a carrier writes them."""
        statement = self._statement()
        content = self._csv(
            [
                ["Test Express Co. statement", "", "", "", ""],
                ["", "", "", "", ""],
                ["序号", "快递单号", "寄件时间", "计费重量(kg)", "应付金额(元)"],
                ["1", "WB001", "2026-01-05 10:12:00", "2.5", "20.00"],
                ["小计", "", "", "2.5", "20.00"],
                ["2", "WB002", "2026/01/10", "10", "1,020.00"],
                ["Sub-total", "", "", "10", "1,020.00"],
                ["", "Total", "", "12.5", "1,040.00"],
                ["制表人：张三", "", "", "", ""],
            ]
        )
        self._import(statement, content, "s.csv")
        lines = {line.waybill: line for line in statement.line_ids}
        self.assertEqual(sorted(lines), ["WB001", "WB002"])
        self.assertEqual(lines["WB001"].date, date(2026, 1, 5))
        self.assertEqual(lines["WB002"].amount, 1020.0)
        # a bad row is named by its row in the file, blank and title rows counted
        message = self._assert_refused(
            self._statement(),
            self._csv([["Statement"], [], ["快递单号", "应付金额(元)"], ["WB001", "x"]]),
            "s.csv",
            "Row 4",
            "应付金额(元)",
        )
        self.assertIn("x", message)

    def test_no_header_among_the_first_rows(self):
        message = self._assert_refused(
            self._statement(),
            self._csv([["Title"], ["发货日期", "运费(元)"], ["2026-01-05", "20"]]),
            "s.csv",
            "Waybill",
        )
        self.assertIn("20", message)  # says how many rows were looked at

    def test_excel_csv_encodings_and_separators(self):
        """GB18030 with semicolons and decimal commas, UTF-8 with BOM and tabs, and Excel's
        'Unicode Text' (UTF-16, tabs), each with a title row."""
        rows = [
            ["测试快递对账单"],
            ["运单号", "日期", "运费(元)"],
            ["WB001", "2026-01-05", "20,50"],
        ]
        gb = "\r\n".join(";".join(row) for row in rows).encode("gb18030")
        tab = "\r\n".join("\t".join(row) for row in rows)
        for content in (gb, "\ufeff".encode() + tab.encode(), tab.encode("utf-16")):
            statement = self._statement()
            self._import(statement, content, "s.csv")
            self.assertEqual(statement.line_ids.waybill, "WB001")
            self.assertEqual(statement.line_ids.amount, 20.5)
            self.assertEqual(statement.line_ids.date, date(2026, 1, 5))
        statement = self._statement()
        self._import(statement, self._csv([["运单号", "运费"], ["WB001", "1,234"]]), "s.csv")
        self.assertEqual(statement.line_ids.amount, 1234.0)

    def test_reimport_replaces_the_previous_import(self):
        """The carrier sends a corrected file: its rows replace the first file's rows, a
        resolution stays on an unchanged row, collected deliveries stay."""
        statement = self._statement()
        statement.action_collect()
        self._import(
            statement,
            self._csv([["运单号", "运费"], ["WB001", "20"], ["WB002", "25"], ["WB999", "9"]]),
            "first.csv",
        )
        self.assertEqual(len(statement.line_ids), 4)
        lines = {line.waybill: line for line in statement.line_ids}
        lines["WB002"].with_user(self.assistant).write(
            {"resolution": "accept_carrier", "note": "agreed by phone"}
        )
        lines["WB999"].with_user(self.assistant).resolution = "disputed"
        corrected = self._csv(
            [["运单号", "运费"], ["WB002", "25"], ["WB003", "20"], ["WB888", "20"]]
        )
        for __ in range(2):  # sending it twice changes nothing
            self._import(statement, corrected, "corrected.csv")
            lines = {line.waybill: line for line in statement.line_ids}
            self.assertEqual(sorted(lines), ["WB001", "WB002", "WB003", "WB888"])
            self.assertEqual(
                self._states(statement),
                {
                    ("WB001", "missing_carrier"),  # the corrected file no longer lists it
                    ("WB002", "amount_diff"),
                    ("WB003", "matched"),
                    ("WB888", "unknown"),
                },
            )
            self.assertEqual(lines["WB001"].amount, 0.0)
            self.assertEqual(lines["WB001"].source, "collected")
            self.assertFalse(lines["WB001"].carrier_file)
            self.assertEqual(lines["WB002"].resolution, "accept_carrier")
            self.assertEqual(lines["WB002"].note, "agreed by phone")
            self.assertEqual(lines["WB002"].carrier_file, "corrected.csv")
            self.assertEqual(statement.amount_carrier, 65.0)
            self.assertEqual(statement.amount_agreed, 45.0)
        # a hand-entered line is not the carrier's file: it stays
        statement.with_user(self.assistant).write(
            {"line_ids": [Command.create({"waybill": "WB777", "amount": 5.0})]}
        )
        self._import(statement, corrected, "corrected.csv")
        self.assertIn("WB777", statement.line_ids.mapped("waybill"))
        self.assertEqual(len(statement.line_ids), 5)

    def test_hand_entered_and_typed_carrier_amounts(self):
        """A carrier line typed in the form with an amount, or a carrier amount typed on a
        collected delivery, is on the carrier's statement."""
        with Form(self.env["business.logistics.statement"].with_user(self.assistant)) as form:
            form.partner_id = self.carrier_partner
            form.date_from = date(2026, 1, 1)
            form.date_to = date(2026, 1, 31)
            with form.line_ids.new() as line:
                line.waybill = "WB001"
                line.amount = 20.0
        statement = form.record
        statement.action_match()
        self.assertEqual(statement.line_ids.source, "manual")
        self.assertTrue(statement.line_ids.carrier_listed)
        self.assertEqual(statement.line_ids.match_state, "matched")
        self.assertEqual(statement.state, "matched")
        self.assertEqual(statement.amount_agreed, 20.0)

        collected = self._statement(date_from=date(2026, 2, 1), date_to=date(2026, 2, 28))
        collected.action_collect()
        line = collected.line_ids
        self.assertEqual((line.source, line.match_state), ("collected", "missing_carrier"))
        with Form(collected.with_user(self.assistant)) as form:
            with form.line_ids.edit(0) as row:
                row.amount = 20.0
        self.assertTrue(line.carrier_listed)
        collected.action_match()
        self.assertEqual(line.match_state, "matched")
        self.assertEqual(collected.state, "matched")


@tagged("post_install", "-at_install")
class TestLogisticsBilledWaybills(CarrierFileCase):
    def test_waybill_billed_on_an_approved_statement(self):
        """Billed at 20.00 on May's statement once finance approved it, the waybill on June's
        statement is a duplicate to settle: June's agreed total is 0."""
        may = self._month(5)
        may.action_collect()
        self._import(may, self._csv([["运单号", "运费"], ["773123456789", "20.00"]]), "may.csv")
        self.assertEqual(may.state, "matched")
        june = self._month(6)
        june_file = self._csv([["运单号", "运费"], ["773123456789", "20.00"]])
        # reconciled but not approved yet: nothing is billed
        self._import(june, june_file, "june.csv")
        self.assertEqual(june.line_ids.match_state, "matched")
        steps = [
            (self.finance, "action_finance_approve", "approved"),
            (self.director, "action_director_sign", "signed"),
            (self.assistant, "action_submit", "submitted"),
            (self.finance, "action_invoice_received", "done"),
        ]
        for user, step, state in steps:
            getattr(may.with_user(user), step)()
            self.assertEqual(may.state, state)
            june.with_user(self.assistant).action_match()
            line = june.line_ids
            self.assertEqual(line.match_state, "duplicate", state)
            self.assertEqual(line.expected_amount, 0.0)
            self.assertEqual(june.amount_agreed, 0.0)
            self.assertEqual(june.state, "draft")
        # settled: the carrier shows it was carried twice
        line.with_user(self.assistant).resolution = "accept_carrier"
        june.with_user(self.assistant).action_match()
        self.assertEqual(june.amount_agreed, 20.0)
        self.assertEqual(june.state, "matched")

    def test_other_carrier_or_disputed_is_not_billed(self):
        """Another carrier's statement, or a disputed (unpaid) line, bills nothing."""
        other_partner = self.env["res.partner"].create({"name": "Other Express Co."})
        self.env["business.logistics.agreement"].create(
            {
                "name": "Other Express 2024",
                "partner_id": other_partner.id,
                "carrier_ids": [Command.set(self.other_carrier.ids)],
                "rate": 20.0,
                "date_start": date(2024, 1, 1),
            }
        )
        other = self._statement(
            partner_id=other_partner.id, date_from=date(2024, 5, 1), date_to=date(2024, 5, 31)
        )
        self._import(other, self._csv([["运单号", "运费"], ["773123456789", "20"]]), "o.csv")
        other.line_ids.with_user(self.assistant).resolution = "accept_carrier"
        other.with_user(self.assistant).action_match()
        other.with_user(self.finance).action_finance_approve()
        disputed = self._month(5)
        self._import(disputed, self._csv([["运单号", "运费"], ["773123456789", "30"]]), "d.csv")
        disputed.line_ids.with_user(self.assistant).resolution = "disputed"
        disputed.with_user(self.assistant).action_match()
        disputed.with_user(self.finance).action_finance_approve()
        june = self._month(6)
        self._import(june, self._csv([["运单号", "运费"], ["773123456789", "20"]]), "j.csv")
        self.assertEqual(june.line_ids.match_state, "matched")
        self.assertEqual(june.amount_agreed, 20.0)


@tagged("post_install", "-at_install")
class TestLogisticsLocalTime(CarrierFileCase):
    def test_delivery_just_after_local_midnight(self):
        """Done 2024-06-01 07:00 in Shanghai (2024-05-31 23:00 UTC) by an assistant whose own
        time zone is Los Angeles: June's delivery, priced by June's agreement."""
        self.assistant.tz = "America/Los_Angeles"
        early = self._delivery("SH-0601", datetime(2024, 5, 31, 23, 0))
        may = self._month(5)
        may.action_collect()
        self.assertNotIn(early, may.line_ids.picking_id)
        june = self._month(6)
        june.action_collect()
        line = june.line_ids.filtered(lambda line: line.picking_id == early)
        self.assertEqual(line.date, date(2024, 6, 1))
        self.assertEqual(line.expected_amount, 22.0)
        self.assertEqual(early.with_user(self.assistant).logistics_expected_cost, 22.0)

    def test_new_york_company(self):
        """A company in New York: done 2024-07-01 02:00 UTC is 30 June there."""
        self.company.resource_calendar_id.tz = "America/New_York"
        late = self._delivery("NY-0630", datetime(2024, 7, 1, 2, 0))
        july = self._month(7)
        july.action_collect()
        self.assertNotIn(late, july.line_ids.picking_id)
        june = self._month(6)
        june.action_collect()
        line = june.line_ids.filtered(lambda line: line.picking_id == late)
        self.assertEqual(line.date, date(2024, 6, 30))
        self.assertEqual(line.expected_amount, 22.0)
        # a flat monthly agreement shares its amount over the local month's deliveries
        self.agreement_june.write({"pricing_mode": "flat_monthly", "rate": 100.0})
        june_early = self._delivery("NY-0601", datetime(2024, 6, 1, 5, 0))  # 1 June 01:00
        costs = self.env["business.logistics.agreement"]._expected_costs((late | june_early).ids)
        self.assertEqual(costs, {late.id: 50.0, june_early.id: 50.0})


@tagged("post_install", "-at_install")
class TestLogisticsFlushAndCompanies(CarrierFileCase):
    def test_pending_writes_are_seen(self):
        """A tracking reference just typed (not yet written to the database) is the one
        collected and matched."""
        statement = self._statement()
        self.p1.carrier_tracking_ref = "WB001-NEW"
        statement.action_collect()
        self.assertIn("WB001-NEW", statement.line_ids.mapped("waybill"))
        other = self._statement()
        self.p2.carrier_tracking_ref = "WB002-NEW"
        self._import(other, self._csv([["运单号", "运费"], ["WB002-NEW", "20"]]), "s.csv")
        self.assertEqual(other.line_ids.picking_id, self.p2)
        self.assertEqual(other.line_ids.match_state, "matched")

    def _second_company(self):
        company_b = self.env["res.company"].create({"name": "Test Company B"})
        company_b.logistics_tolerance = 0.0
        out_type_b = (
            self.env["stock.warehouse"].search([("company_id", "=", company_b.id)]).out_type_id
        )
        self.assistant.write({"company_ids": [Command.link(company_b.id)]})
        agreement_b = self.env["business.logistics.agreement"].create(
            {
                "name": "Test Express for B",
                "partner_id": self.carrier_partner.id,
                "carrier_ids": [Command.set(self.carrier.ids)],
                "rate": 20.0,
                "zone_ids": [Command.create({"country_id": self.env.ref("base.cn").id, "rate": 1})],
                "date_start": date(2026, 1, 1),
                "company_id": company_b.id,
            }
        )
        customers_b = self.env["stock.location"].create(
            {"name": "Customers B", "usage": "customer", "company_id": company_b.id}
        )
        picking_b = self._delivery(
            "WB-B1", datetime(2026, 1, 7, 3, 0), out_type=out_type_b, dest=customers_b
        )
        return company_b, agreement_b, picking_b

    def test_each_statement_its_company_tolerance(self):
        company_b, __, picking_b = self._second_company()
        self.company.logistics_tolerance = 1.0
        statement_a = self._statement()
        statement_b = self._statement(company_id=company_b.id)
        self._import(statement_a, self._csv([["运单号", "运费"], ["WB001", "20.80"]]), "a.csv")
        self._import(statement_b, self._csv([["运单号", "运费"], ["WB-B1", "20.80"]]), "b.csv")
        both = (statement_a | statement_b).with_user(self.assistant)
        for statements in (both, both[::-1]):
            statements.with_context(
                allowed_company_ids=[self.company.id, company_b.id]
            ).action_match()
            self.assertEqual(statement_a.line_ids.match_state, "matched")
            self.assertEqual(statement_b.line_ids.match_state, "amount_diff")
        self.assertEqual(statement_b.line_ids.picking_id, picking_b)
        # company A's statement does not take company B's delivery
        cross = self._statement()
        self._import(cross, self._csv([["运单号", "运费"], ["WB-B1", "20"]]), "c.csv")
        self.assertEqual(cross.line_ids.match_state, "unknown")

    def test_lines_and_zones_stay_in_their_company(self):
        company_b, agreement_b, picking_b = self._second_company()
        statement = self._statement()
        statement.action_collect()
        self.assertEqual(statement.line_ids.company_id, self.company)
        self.assertEqual(agreement_b.zone_ids.company_id, company_b)
        assistant_b = new_test_user(
            self.env,
            login="t_assistant_b",
            groups="base.group_user,business_dept.group_business_assistant",
            company_id=company_b.id,
            company_ids=[company_b.id],
        )
        Line = self.env["business.logistics.statement.line"].with_user(assistant_b)
        self.assertFalse(Line.search([("statement_id", "=", statement.id)]))
        Zone = self.env["business.logistics.zone"].with_user(assistant_b)
        self.assertEqual(Zone.search([]), agreement_b.zone_ids)
        with self.assertRaises(AccessError):
            statement.line_ids[0].with_user(assistant_b).read(["waybill"])
        with self.assertRaises(UserError):
            statement.line_ids[0].with_user(self.assistant).write({"picking_id": picking_b.id})
