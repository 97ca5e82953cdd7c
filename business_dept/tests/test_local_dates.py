from datetime import date, datetime

from odoo.tests import tagged

from .common_sales import SalesRulesCase


@tagged("post_install", "-at_install")
class TestLocalDates(SalesRulesCase):
    """Dates written for people (chatter notes, buttons) read in their language and the
    company's time zone, without seconds' fractions."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.company.write({"insert_gm_amount": 1000000.0, "insert_gm_days": 100})
        cls.order = cls.make_order(commitment_date=datetime(2026, 12, 20, 2, 0, 0))
        cls.order.action_confirm()

    def _approve_insert_order(self, lang):
        # 16:30:05.425756 UTC on 6 December = 00:30:05 on 7 December in Shanghai
        requested = datetime(2026, 12, 6, 16, 30, 5, 425756)
        request = (
            self.env["business.insert.order"]
            .with_user(self.manager)
            .create(
                {
                    "sale_order_id": self.order.id,
                    "requested_date": requested,
                    "reason": "Customer line stop",
                }
            )
        )
        request.action_submit()
        self.director.lang = lang
        request.with_user(self.director).with_context(lang=lang).action_approve()
        self.assertEqual(request.state, "approved")
        notes = self.order.message_ids.filtered(lambda m: request.name in (m.body or ""))
        self.assertEqual(len(notes), 1)
        return str(notes.body)

    def test_insert_order_note_local_date_english(self):
        body = self._approve_insert_order("en_US")
        self.assertIn("Dec 7, 2026", body)  # the local day, just after midnight
        self.assertIn("12:30:05", body)
        self.assertNotIn("2026-12-06", body)
        self.assertNotIn("16:30", body)
        self.assertNotIn("425756", body)

    def test_insert_order_note_local_date_chinese(self):
        body = self._approve_insert_order("zh_CN")
        self.assertIn("2026年12月7日", body)
        self.assertIn("00:30:05", body)
        self.assertNotIn("425756", body)

    def test_freeze_button_names_the_month(self):
        wizard = self.env["business.kpi.summary"].create({"month": date(2026, 10, 15)})
        self.assertEqual(wizard.freeze_label, "Freeze Oct 2026")
        chinese = wizard.with_context(lang="zh_CN")
        chinese.invalidate_recordset(["freeze_label"])
        self.assertIn("2026年10月", chinese.freeze_label)
        wizard.month = date(2026, 1, 31)
        self.assertEqual(wizard.freeze_label, "Freeze Jan 2026")

    def test_frozen_note_in_company_time(self):
        """A freeze just after local midnight is told on the local day."""
        wizard = self.env["business.kpi.summary"].create({"month": date(2026, 10, 1)})
        # 16:10 UTC on 31 October = 00:10 on 1 November in Shanghai
        text = wizard._frozen_text((datetime(2026, 10, 31, 16, 10, 30, 123456), self.director))
        self.assertIn("11/1/26", text)
        self.assertIn("12:10", text)
        self.assertNotIn("10/31", text)
        self.assertNotIn("123456", text)
