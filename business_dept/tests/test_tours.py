import base64
import io
import logging
import os
import unittest
from datetime import timedelta
from pathlib import Path
from unittest.mock import patch

import openpyxl
from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import HttpCase, common, tagged
from odoo.tests.common import ChromeBrowser

from .test_logistics_reconciliation import LogisticsCase

_logger = logging.getLogger(__name__)

# The last screen of each tour, for a person to look at: test-output/screenshots/ at the
# repository root (git-ignored), or the folder named by BUSINESS_DEPT_SCREENSHOTS.
SCREENSHOTS = Path(
    os.environ.get("BUSINESS_DEPT_SCREENSHOTS")
    or Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
)


@tagged("post_install", "-at_install")
class TestTours(LogisticsCase, HttpCase):
    """The main flows clicked in a real browser (headless Chromium), each by its role; the
    records are checked in Python after each tour. The logistics fixture (carrier, agreement,
    January deliveries WB001-WB003) is the one of the reconciliation tests."""

    browser_size = "1920x1080"  # wide enough for the chatter beside the form

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"insert_gm_amount": 1000000.0, "insert_gm_days": 30})
        for user, name in (
            (cls.manager, "Tour Manager Li"),
            (cls.director, "Tour Director Liu"),
            (cls.gm, "Tour General Manager Wang"),
            (cls.assistant, "Tour Assistant Zhao"),
        ):
            user.name = name

    def _order(self, customer_name, **values):
        customer = self.env["res.partner"].create(
            {
                "name": customer_name,
                "is_company": True,
                "email": "buyer@example.com",
                "user_id": self.manager.id,
            }
        )
        return self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "user_id": self.manager.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 5, "price_unit": 80}
                    )
                ],
                **values,
            }
        )

    def _tour(self, name, user, screenshot):
        """Run the tour as ``user``; save its last screen as ``<screenshot>.png``."""
        stop = ChromeBrowser.stop
        path = SCREENSHOTS / f"{screenshot}.png"

        def stop_after_screenshot(browser):
            if getattr(browser, "ws", None):
                try:
                    shot = browser._websocket_request("Page.captureScreenshot", timeout=10)
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(base64.b64decode(shot["data"]))
                    _logger.info("Screenshot of tour %s: %s", name, path)
                except (OSError, TimeoutError, KeyError) as error:
                    _logger.warning("No screenshot of tour %s: %s", name, error)
            return stop(browser)

        with patch.object(ChromeBrowser, "stop", stop_after_screenshot):
            self.start_tour("/web", name, login=user.login, timeout=120)
        self.env.invalidate_all()

    def test_browser_available(self):
        """Without Chromium or websocket-client Odoo skips the tours instead of failing them:
        say so here (``scripts/setup`` installs both)."""
        self.assertTrue(common.websocket, "websocket-client is missing: run scripts/setup")
        try:
            common._find_executable()
        except unittest.SkipTest:
            self.fail("Chromium is missing, the browser tours cannot run: run scripts/setup")

    def test_quotation_signoff_tour(self):
        """A General Manager signs off a quotation, then sends it by email."""
        self.company.quote_signoff_required = True
        order = self._order("Tour Quotation Co.")
        self.assertEqual(order.signoff_state, "to_sign")
        self._tour("business_dept_quotation_signoff", self.gm, "1_quotation_signoff")
        self.assertEqual(order.signoff_user_id, self.gm)
        self.assertTrue(order.signoff_date)
        self.assertEqual(order.state, "sent")
        sent = order.message_ids.filtered(lambda m: order.partner_id in m.partner_ids)
        self.assertEqual(sent.author_id, self.gm.partner_id)

    def test_insert_order_tour(self):
        """A manager requests an insert order from his order, a director approves it."""
        promised = fields.Datetime.now().replace(microsecond=0) + timedelta(days=30)
        order = self._order("Tour Insert Co.", commitment_date=promised)
        order.action_confirm()
        self._tour("business_dept_insert_order_request", self.manager, "2a_insert_order_request")
        request = self.env["business.insert.order"].search([("sale_order_id", "=", order.id)])
        self.assertEqual(request.state, "submitted")
        self.assertEqual(request.requested_by_id, self.manager)
        self.assertEqual(request.previous_date, promised)
        self.assertIn(request.pull_in_days, (19, 20, 21))  # ten days from now, at 10:00
        self.assertFalse(request.gm_required)
        self.assertTrue(request.reason)

        self._tour("business_dept_insert_order_approve", self.director, "2b_insert_order_approve")
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.review_ids.done_by, self.director)
        self.assertEqual(order.commitment_date, request.requested_date)
        self.assertEqual(order.picking_ids.scheduled_date, request.requested_date)
        self.assertEqual(order.picking_ids.priority, "1")

    def test_order_review_tour(self):
        """The assistant records the receipt of a review the General Manager signed."""
        order = self._order("Tour Review Co.")
        order.action_confirm()
        order.with_user(self.gm).action_review_sign()
        self._tour("business_dept_order_review", self.assistant, "3_order_review")
        self.assertTrue(order.review_received_date)
        self.assertEqual(order.review_assistant_id, self.assistant)
        self.assertTrue(order.review_on_time)

    def test_logistics_statement_tour(self):
        """The assistant collects, imports the carrier's CSV and settles the difference:
        saved, the statement is reconciled without a second Match."""
        self._tour("business_dept_logistics_statement", self.assistant, "4_logistics_statement")
        statement = self.env["business.logistics.statement"].search(
            [("partner_id", "=", self.carrier_partner.id)]
        )
        self.assertEqual(statement.state, "matched")
        self.assertEqual(statement.user_id, self.assistant)
        lines = {line.waybill: line for line in statement.line_ids}
        self.assertEqual(sorted(lines), ["WB001", "WB002", "WB003"])
        self.assertEqual(lines["WB001"].picking_id, self.p1)
        self.assertEqual(lines["WB002"].match_state, "amount_diff")
        self.assertEqual(lines["WB002"].resolution, "accept_carrier")
        self.assertTrue(all(line.carrier_listed for line in statement.line_ids))
        self.assertAlmostEqual(statement.amount_carrier, 66.5)
        self.assertAlmostEqual(statement.amount_expected, 60.0)
        self.assertAlmostEqual(statement.amount_agreed, 66.5)

    def test_kpi_summary_tour(self):
        """A director opens the KPI pivot and downloads the monthly summary XLSX."""
        # the summary's default month: the last one, in the company's time zone
        today = self.env.company._business_local_today()
        month = today.replace(day=1) - relativedelta(months=1)
        Target = self.env["business.sales.target"].with_user(self.director)
        for year in sorted({today.year, month.year}):
            Target.create({"user_id": self.manager.id, "year": year, "amount": 120000.0})
        self._tour("business_dept_kpi_summary", self.director, "5_kpi_summary")
        # the download was built by the report, not stored
        self.assertFalse(
            self.env["ir.attachment"].search_count([("create_uid", "=", self.director.id)])
        )
        wizard = self.env["business.kpi.summary"].search(
            [("create_uid", "=", self.director.id), ("month", "=", month)]
        )
        self.assertEqual(len(wizard), 1)
        content, __ = (
            self.env["ir.actions.report"]
            .with_user(self.director)
            ._render_xlsx("business_dept.kpi_summary_xlsx", wizard.ids, {})
        )
        book = openpyxl.load_workbook(io.BytesIO(content))
        self.assertIn("Tour Manager Li", book.sheetnames)
        department = book["Department"]
        row = next(r for r in department.iter_rows(min_row=6) if r[0].value == "Tour Manager Li")
        self.assertEqual(row[1].value, 10000.0)
