import ast
from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common_sales import SalesRulesCase


@tagged("post_install", "-at_install")
class TestOrderReview(SalesRulesCase):
    """订单评审 / 订单评审表及时率: deadlines on the company's working calendar."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls.make_order()
        cls.order.action_confirm()
        # Friday 21 November 2025, 10:00 in Shanghai
        cls.friday = cls.local(2025, 11, 21, 10, 0)

    def start(self, when, order=None):
        order = order or self.order
        order.sudo().review_start_date = when  # the date field is set by the button only
        return order.review_deadline

    def test_deadline_across_a_weekend(self):
        # signed on a Friday with 4 days: end of Thursday
        self.assertEqual(self.start(self.friday), self.local(2025, 11, 27, 17, 0))
        # signed on a Saturday: the start day is not counted either
        self.assertEqual(
            self.start(self.local(2025, 11, 22, 9, 0)), self.local(2025, 11, 27, 17, 0)
        )
        self.company.review_working_days = 1
        self.order.invalidate_recordset()
        self.order.sudo()._compute_review_deadline()  # as the ORM recomputes it
        self.assertEqual(self.order.review_deadline, self.local(2025, 11, 24, 17, 0))

    def test_deadline_across_a_public_holiday(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": self.calendar.id,
                "date_from": self.local(2025, 11, 24, 0, 0),
                "date_to": self.local(2025, 11, 24, 23, 59),
            }
        )
        self.assertEqual(self.start(self.friday), self.local(2025, 11, 28, 17, 0))

    def test_makeup_workday(self):
        """调休: a worked Saturday counts, in every working-time computation."""
        self.env["business.calendar.workday"].create(
            {"calendar_id": self.calendar.id, "date": date(2025, 11, 22)}
        )
        self.assertEqual(self.start(self.friday), self.local(2025, 11, 26, 17, 0))
        hours = self.calendar.get_work_hours_count(
            self.local(2025, 11, 22, 0, 0), self.local(2025, 11, 23, 0, 0), compute_leaves=True
        )
        self.assertEqual(hours, 8.0)

    def test_china_holidays_loaded(self):
        self.company.country_id = self.env.ref("base.cn")
        Calendar = self.env["resource.calendar"]
        holidays, workdays, skipped = Calendar._business_load_official_holidays(
            self.company, [2025]
        )
        self.assertFalse(skipped)
        self.assertGreater(holidays, 10)
        self.assertIn(date(2025, 9, 28), self.calendar.business_workday_ids.mapped("date"))
        again = Calendar._business_load_official_holidays(self.company, [2025])
        self.assertEqual(again[:2], (0, 0), "loading twice duplicates nothing")
        # Friday 26 September: Sunday 28 (调休), Monday 29, Tuesday 30, National Day
        # holidays 1-8 October, Thursday 9 October is the 4th working day.
        self.assertEqual(self.start(self.local(2025, 9, 26, 10, 0)), self.local(2025, 10, 9, 17, 0))
        # the settings button tells the outcome
        settings = self.env["res.config.settings"].create({})
        action = settings.action_business_load_holidays()
        self.assertEqual(action["params"]["type"], "success")

    def test_other_countries_keep_plain_holidays(self):
        self.company.country_id = self.env.ref("base.fr")
        settings = self.env["res.config.settings"].create({})
        action = settings.action_business_load_holidays()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("not in China", action["params"]["message"])
        self.assertFalse(self.calendar.business_workday_ids)

    def test_many_deadlines_in_batch(self):
        starts = [self.friday + timedelta(hours=7 * i) for i in range(500)]
        deadlines = self.calendar._business_deadlines(starts, 4)
        self.assertEqual(len(deadlines), 500)
        self.assertEqual(deadlines[0], self.local(2025, 11, 27, 17, 0))
        self.assertTrue(all(d and d > s for d, s in zip(deadlines, starts, strict=True)))

    def test_review_sign_and_receive(self):
        with freeze_time(self.friday):
            self.order.with_user(self.gm).action_review_sign()
        self.assertEqual(self.order.review_start_date, self.friday)
        self.assertEqual(self.order.business_stage, "in_review")
        with freeze_time(self.local(2025, 11, 27, 16, 0)):
            self.order.with_user(self.assistant).action_review_receive()
        self.assertTrue(self.order.review_on_time)
        self.assertEqual(self.order.review_assistant_id, self.assistant)
        self.assertEqual(self.order.business_stage, "reviewed")

    def test_late_receipt(self):
        self.start(self.friday)
        with freeze_time(self.local(2025, 11, 28, 9, 0)):
            self.order.with_user(self.assistant).action_review_receive()
        self.assertFalse(self.order.review_on_time)
        self.assertIn(self.order, self.env["sale.order"].search([("late_review", "=", True)]))

    def test_received_on_the_evening_of_the_deadline_day(self):
        """The receipt date counts (接收日期): the deadline is Thursday 17:00; received at
        19:30 that Thursday, on time; still open that evening, not late yet; open on
        Friday morning, late."""
        self.start(self.friday)
        with freeze_time(self.local(2025, 11, 27, 19, 30)):
            self.assertNotIn(
                self.order, self.env["sale.order"].search([("late_review", "=", True)])
            )
        with freeze_time(self.local(2025, 11, 28, 0, 30)):
            self.assertIn(self.order, self.env["sale.order"].search([("late_review", "=", True)]))
        with freeze_time(self.local(2025, 11, 27, 19, 30)):
            self.order.with_user(self.assistant).action_review_receive()
        self.assertTrue(self.order.review_on_time)
        self.assertNotIn(self.order, self.env["sale.order"].search([("late_review", "=", True)]))

    def test_review_wrong_role_state_and_order(self):
        with self.assertRaises(AccessError):
            self.order.with_user(self.manager).action_review_sign()
        with self.assertRaises(AccessError):
            self.order.with_user(self.assistant).action_review_sign()
        with self.assertRaises(UserError):
            self.order.with_user(self.assistant).action_review_receive()  # not signed yet
        quotation = self.make_order()
        with self.assertRaises(UserError):
            quotation.with_user(self.gm).action_review_sign()
        self.order.with_user(self.gm).action_review_sign()
        with self.assertRaises(UserError):
            self.order.with_user(self.gm).action_review_sign()
        with self.assertRaises(AccessError):
            self.order.with_user(self.manager).action_review_receive()
        self.order.with_user(self.assistant).action_review_receive()
        with self.assertRaises(UserError):
            self.order.with_user(self.assistant).action_review_receive()

    def test_reminder_one_working_day_before(self):
        self.order.review_assistant_id = self.assistant
        self.start(self.friday)
        # reminder at the end of Wednesday, the 3rd working day of 4 (not calendar days)
        self.assertEqual(self.order.review_reminder_date, self.local(2025, 11, 26, 17, 0))
        Order = self.env["sale.order"]
        with freeze_time(datetime(2025, 11, 26, 8, 0)):  # 16:00 in Shanghai
            Order._cron_business_review_reminders()
        self.assertFalse(self.order.activity_ids)
        with freeze_time(datetime(2025, 11, 26, 9, 30)):
            Order._cron_business_review_reminders()
            Order._cron_business_review_reminders()
        self.assertEqual(len(self.order.activity_ids), 1)
        self.assertEqual(self.order.activity_ids.user_id, self.assistant)
        self.order.with_user(self.assistant).action_review_receive()
        self.assertFalse(self.order.activity_ids)

    def test_followup_stages_and_late_delivery(self):
        self.assertEqual(self.order.business_stage, "to_review")
        self.order.commitment_date = datetime(2020, 1, 1)
        Order = self.env["sale.order"]
        self.assertIn(self.order, Order.search([("late_delivery", "=", True)]))
        self.assertTrue(self.order.late_delivery)
        self.order.picking_ids.move_ids.write({"quantity": 10, "picked": True})
        self.order.picking_ids._action_done()
        self.assertEqual(self.order.business_stage, "delivered")
        self.assertNotIn(self.order, Order.search([("late_delivery", "=", True)]))
        self.assertNotIn(self.order, Order.search([("invoice_overdue", "=", True)]))

    def test_followup_invoiced_overdue_and_paid(self):
        self.order.picking_ids.move_ids.write({"quantity": 10, "picked": True})
        self.order.picking_ids._action_done()
        invoice = self.order._create_invoices()
        invoice.write({"invoice_date": date(2020, 1, 1), "invoice_date_due": date(2020, 1, 31)})
        invoice.action_post()
        self.assertEqual(self.order.business_stage, "invoiced")
        Order = self.env["sale.order"]
        self.assertIn(self.order, Order.search([("invoice_overdue", "=", True)]))
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(self.order.business_stage, "paid")
        self.assertNotIn(self.order, Order.search([("invoice_overdue", "=", True)]))
        action = self.env.ref("business_dept.sale_order_action_followup")
        self.assertNotIn(self.order, Order.search(ast.literal_eval(action.domain)))

    # ------------------------------------------------------------ local time

    def test_review_signed_just_after_local_midnight(self):
        """Signed on Friday 00:10 in Shanghai (Thursday 16:10 UTC): Friday is the start day,
        not counted; the 4th working day is the next Thursday."""
        with freeze_time(self.local(2025, 11, 21, 0, 10)):
            self.order.with_user(self.gm).action_review_sign()
        self.assertEqual(self.order.review_start_date, datetime(2025, 11, 20, 16, 10))
        self.assertEqual(self.order.review_deadline, self.local(2025, 11, 27, 17, 0))
        self.assertEqual(self.order.review_reminder_date, self.local(2025, 11, 26, 17, 0))

    def test_reminder_deadline_is_the_local_day(self):
        """A company in Los Angeles: the review ends Thursday 17:00 local, Friday 01:00 UTC.
        The assistant's activity is due on Thursday, the local day of the deadline."""
        self.calendar.tz = "America/Los_Angeles"
        self.order.review_assistant_id = self.assistant
        start = datetime(2025, 11, 21, 18, 0)  # Friday 10:00 in Los Angeles
        self.start(start)
        self.assertEqual(self.order.review_deadline, datetime(2025, 11, 28, 1, 0))
        with freeze_time(datetime(2025, 11, 27, 2, 0)):  # Wednesday 18:00 in Los Angeles
            self.env["sale.order"]._cron_business_review_reminders()
        activity = self.order.activity_ids
        self.assertEqual(activity.user_id, self.assistant)
        self.assertEqual(activity.date_deadline, date(2025, 11, 27))

    def overdue_invoice(self, due):
        self.order.picking_ids.move_ids.write({"quantity": 10, "picked": True})
        self.order.picking_ids._action_done()
        invoice = self.order._create_invoices()
        invoice.write({"invoice_date": date(2025, 6, 1), "invoice_date_due": due})
        invoice.action_post()
        return invoice

    def test_invoice_overdue_from_the_local_day_after_the_due_date(self):
        """Due 10 June; at 01:00 on 11 June in Shanghai (10 June 17:00 UTC, 13:00 for a
        manager travelling in New York) the invoice is overdue for the company."""
        self.overdue_invoice(date(2025, 6, 10))
        self.manager.tz = "America/New_York"
        Order = self.env["sale.order"].with_user(self.manager)
        with freeze_time(self.local(2025, 6, 10, 23, 30)):
            self.assertNotIn(self.order, Order.search([("invoice_overdue", "=", True)]))
        with freeze_time(self.local(2025, 6, 11, 1, 0)):
            self.assertIn(self.order, Order.search([("invoice_overdue", "=", True)]))
            self.assertTrue(self.order.with_user(self.manager).invoice_overdue)
            self.assertNotIn(self.order, Order.search([("invoice_overdue", "=", False)]))

    def test_unpaid_due_date_follows_the_invoices(self):
        """The stored earliest unpaid due date the Invoice Overdue filter reads: set when
        the invoice is posted, kept by a partial payment, cleared by the full payment."""
        invoice = self.overdue_invoice(date(2025, 6, 10))
        self.assertEqual(self.order.business_unpaid_due_date, date(2025, 6, 10))
        Order = self.env["sale.order"]
        register = self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        )
        register.create({"amount": invoice.amount_total / 2})._create_payments()
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(self.order.business_unpaid_due_date, date(2025, 6, 10))
        with freeze_time(self.local(2025, 6, 11, 1, 0)):
            self.assertIn(self.order, Order.search([("invoice_overdue", "=", True)]))
        register.create({})._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertFalse(self.order.business_unpaid_due_date)
        with freeze_time(self.local(2025, 6, 11, 1, 0)):
            self.assertNotIn(self.order, Order.search([("invoice_overdue", "=", True)]))

    def test_makeup_workday_stays_in_its_company(self):
        """A make-up workday belongs to its calendar's company; another company's users do
        not see it."""
        other = self.env["res.company"].create({"name": "Other Business Co."})
        other_calendar = self.env["resource.calendar"].create(
            {"name": "Other Calendar", "tz": "Asia/Shanghai", "company_id": other.id}
        )
        Workday = self.env["business.calendar.workday"]
        mine = Workday.create({"calendar_id": self.calendar.id, "date": date(2025, 9, 28)})
        theirs = Workday.create({"calendar_id": other_calendar.id, "date": date(2025, 9, 28)})
        self.assertEqual(mine.company_id, self.company)
        self.assertEqual(theirs.company_id, other)
        visible = Workday.with_user(self.manager).search([("date", "=", date(2025, 9, 28))])
        self.assertEqual(visible, mine)
