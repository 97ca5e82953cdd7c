from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common_sales import AgreementCase, SalesRulesCase
from .test_kpi_rules import KpiRulesCase


class InvoiceDeliveryCase(SalesRulesCase):
    """A posted customer invoice of the manager's customer, company in Shanghai time."""

    invoice_date = "2026-03-10"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.email = "buyer@customer.example.com"
        cls.invoice = cls._make_invoice()

    @classmethod
    def _make_invoice(cls, move_type="out_invoice", post=True, partner=None):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": (partner or cls.customer).id,
                "invoice_user_id": cls.manager.id,
                "invoice_date": cls.invoice_date,
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": cls.product.id, "quantity": 1, "price_unit": 100.0}
                    )
                ],
            }
        )
        if post:
            move.action_post()
        return move


@tagged("post_install", "-at_install")
class TestInvoiceDelivery(InvoiceDeliveryCase):
    """发票送达: recorded by hand for paper invoices, set by the email sending."""

    def _record(self, user, moves=None, **values):
        moves = (moves or self.invoice).with_user(user)
        action = moves.action_invoice_delivered()
        wizard = (
            self.env["business.invoice.delivery"]
            .with_user(user)
            .with_context(**action["context"])
            .create(values)
        )
        wizard.action_confirm()
        return wizard

    def test_assistant_records_paper_invoice_just_after_local_midnight(self):
        """At 00:30 on 12 March in Shanghai (16:30 UTC on the 11th) the default day is the
        local 12 March; the waybill is kept and both are tracked."""
        with freeze_time("2026-03-11 16:30:00"):
            wizard = self._record(self.assistant, delivery_ref="SF1234567890")
        self.assertEqual(wizard.delivered_date, date(2026, 3, 12))
        self.assertEqual(self.invoice.invoice_delivered_date, date(2026, 3, 12))
        self.assertEqual(self.invoice.invoice_delivery_ref, "SF1234567890")
        self.assertTrue(self.invoice._fields["invoice_delivered_date"].tracking)
        # recorded once: a second recording is refused, nothing overwritten
        with self.assertRaisesRegex(UserError, "already delivered on"):
            self._record(self.assistant, delivered_date=date(2026, 3, 14))
        self.assertEqual(self.invoice.invoice_delivered_date, date(2026, 3, 12))
        self.assertEqual(self.invoice.invoice_delivery_ref, "SF1234567890")

    def test_delivered_date_checked(self):
        """Not in the future (the company's local today: at 23:30 on 11 March in UTC it is
        12 March in Shanghai), not before the invoice date (10 March); a date given by
        hand (the day the courier delivered) is kept."""
        with freeze_time("2026-03-11 23:30:00"):
            with self.assertRaisesRegex(UserError, "in the future"):
                self._record(self.assistant, delivered_date=date(2026, 3, 13))
            with self.assertRaisesRegex(UserError, "before the invoice date"):
                self._record(self.assistant, delivered_date=date(2026, 3, 9))
            self.assertFalse(self.invoice.invoice_delivered_date)
            self._record(self.assistant, delivered_date=date(2026, 3, 12))
        self.assertEqual(self.invoice.invoice_delivered_date, date(2026, 3, 12))
        # a batch with one already delivered: nothing written
        other = self._make_invoice()
        with self.assertRaisesRegex(UserError, rf"{self.invoice.name}.*already delivered"):
            self._record(
                self.assistant, moves=other | self.invoice, delivered_date=date(2026, 3, 13)
            )
        self.assertFalse(other.invoice_delivered_date)

    def test_roles(self):
        """The customer's manager, a director and finance may record; a manager who sees
        every document but is not the customer's, and a plain salesman, may not, and
        nothing is written."""
        for user in (self.manager, self.director, self.finance):
            with self.subTest(user=user.login):
                self._record(user, delivered_date=date(2026, 3, 15))
                self.assertEqual(self.invoice.invoice_delivered_date, date(2026, 3, 15))
                self.invoice.invoice_delivered_date = False
        # manager2's customer: his own invoice
        customer2 = self.env["res.partner"].create(
            {"name": "Second Customer Co.", "is_company": True, "user_id": self.manager2.id}
        )
        invoice2 = self._make_invoice(partner=customer2)
        invoice2.invoice_user_id = self.manager2
        self._record(self.manager2, moves=invoice2, delivered_date=date(2026, 3, 16))
        self.assertEqual(invoice2.invoice_delivered_date, date(2026, 3, 16))
        # a manager seeing all documents, not the customer's: refused by the check
        manager_all = new_test_user(
            self.env,
            login="t_manager_all",
            groups="base.group_user,business_dept.group_business_manager,"
            "sales_team.group_sale_salesman_all_leads",
            tz="Asia/Shanghai",
        )
        with self.assertRaisesRegex(AccessError, "Only the business assistant"):
            self._record(manager_all, delivered_date=date(2026, 3, 15))
        with self.assertRaises(AccessError):
            self._record(self.salesman, delivered_date=date(2026, 3, 15))
        # the wizard is no way around the check
        wizard = (
            self.env["business.invoice.delivery"]
            .with_user(manager_all)
            .create(
                {"move_ids": [Command.set(self.invoice.ids)], "delivered_date": date(2026, 3, 15)}
            )
        )
        with self.assertRaisesRegex(AccessError, "Only the business assistant"):
            wizard.action_confirm()
        self.assertFalse(self.invoice.invoice_delivered_date)

    def test_wrong_state_refused(self):
        draft = self._make_invoice(post=False)
        cancelled = self._make_invoice()
        cancelled.button_draft()
        cancelled.button_cancel()
        vendor = self.env["res.partner"].create({"name": "Supplier Co.", "is_company": True})
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": vendor.id,
                "invoice_date": "2026-03-10",
                "invoice_line_ids": [
                    Command.create({"name": "Steel", "quantity": 1, "price_unit": 50.0})
                ],
            }
        )
        bill.action_post()
        for move in (draft, cancelled, bill):
            with self.subTest(move=move.state + move.move_type), self.assertRaises(UserError):
                self._record(self.assistant, moves=move, delivered_date=date(2026, 3, 15))
            self.assertFalse(move.invoice_delivered_date)
        # the messages name the document and say what is wrong, in plain words
        cancelled.ref = "CS/2026/0009"
        for move, reason in ((cancelled, "is cancelled"), (draft, "is not posted")):
            with self.assertRaises(UserError) as caught:
                self._record(self.assistant, moves=move, delivered_date=date(2026, 3, 15))
            message = caught.exception.args[0]
            self.assertIn(reason, message)
            self.assertIn(f"#{move.id}" if move.name in (False, "/") else move.name, message)
            self.assertNotIn("  ", message)
            self.assertFalse(message.startswith(" "))
        self.assertIn("(CS/2026/0009) is cancelled", self._refusal(cancelled))
        # one wrong document in a batch: nothing written
        with self.assertRaises(UserError):
            self._record(self.assistant, moves=self.invoice | draft)
        self.assertFalse(self.invoice.invoice_delivered_date)

    def _refusal(self, move):
        with self.assertRaises(UserError) as caught:
            move.with_user(self.assistant)._business_record_delivery(date(2026, 3, 15))
        return caught.exception.args[0]

    def _send(self, moves, **values):
        wizard = (
            self.env["account.move.send.wizard"]
            .with_context(active_model="account.move", active_ids=moves.ids)
            .create(values)
        )
        return wizard.action_send_and_print()

    def test_sent_by_email_on_local_day(self):
        """Sent by email at 01:00 on 20 March in Shanghai (17:00 UTC on the 19th): delivered
        on 20 March; a second email does not move the day."""
        with freeze_time("2026-03-19 17:00:00"):
            self._send(self.invoice)
        self.assertTrue(self.invoice.is_move_sent)
        self.assertEqual(self.invoice.invoice_delivered_date, date(2026, 3, 20))
        with freeze_time("2026-03-23 03:00:00"):
            self._send(self.invoice)
        self.assertEqual(self.invoice.invoice_delivered_date, date(2026, 3, 20))

    def test_download_only_is_not_delivered(self):
        """Printing the PDF (no email) delivers nothing."""
        self._send(self.invoice, sending_methods=["manual"])
        self.assertFalse(self.invoice.invoice_delivered_date)


@tagged("post_install", "-at_install")
class TestInvoiceDeliveryPortal(HttpCase):
    """A fully digital invoice opened by the customer on the portal is delivered; an
    internal user's preview is not a delivery."""

    def test_portal_view_and_download(self):
        calendar = self.env["resource.calendar"].create(
            {"name": "Shanghai", "tz": "Asia/Shanghai", "company_id": self.env.company.id}
        )
        self.env.company.resource_calendar_id = calendar
        customer = self.env["res.partner"].create(
            {"name": "Portal Customer Co.", "is_company": True, "email": "p@customer.example.com"}
        )
        invoices = self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date": "2026-03-10",
                    "invoice_line_ids": [
                        Command.create({"name": "Pump", "quantity": 1, "price_unit": 100.0})
                    ],
                }
                for _i in range(2)
            ]
        )
        invoices.action_post()
        viewed, downloaded = invoices
        new_test_user(
            self.env,
            login="t_portal_assistant",
            password="t_portal_assistant",
            groups="base.group_user,business_dept.group_business_assistant",
        )
        # an internal user previewing the customer's link: not delivered
        self.authenticate("t_portal_assistant", "t_portal_assistant")
        url = f"/my/invoices/{viewed.id}?access_token={viewed._portal_ensure_token()}"
        self.assertEqual(self.url_open(url).status_code, 200)
        viewed.invalidate_recordset()
        self.assertFalse(viewed.invoice_delivered_date)
        # the customer (public, with the token) views one and downloads the other
        self.authenticate(None, None)
        self.assertEqual(self.url_open(url).status_code, 200)
        token = downloaded._portal_ensure_token()
        response = self.url_open(
            f"/my/invoices/{downloaded.id}?access_token={token}&report_type=pdf&download=true"
        )
        self.assertEqual(response.status_code, 200)
        today = self.env.company._business_local_today()
        invoices.invalidate_recordset()
        self.assertEqual(viewed.invoice_delivered_date, today)
        self.assertEqual(downloaded.invoice_delivered_date, today)
        # a wrong token opens nothing and delivers nothing
        other = viewed.copy()
        other.invoice_date = "2026-03-10"
        other.action_post()
        self.url_open(f"/my/invoices/{other.id}?access_token=wrong")
        other.invalidate_recordset()
        self.assertFalse(other.invoice_delivered_date)


@tagged("post_install", "-at_install")
class TestKpiInvoiceDelivered(KpiRulesCase):
    """开票及时率 counts a delivery on time when its invoice reached the customer by the
    closing day (local day), not when the invoice is dated."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_tz("Asia/Shanghai")
        cls.customer.closing_day = 25

    @classmethod
    def _deliver(cls, invoice_date, delivered=None):
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "user_id": cls.manager.id,
                "order_line": [
                    Command.create({"product_id": cls.product.id, "product_uom_qty": 1})
                ],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.write({"quantity": 1, "picked": True})
        picking._action_done()
        picking.date_done = cls._utc("Asia/Shanghai", 2024, 3, 10, 9, 0)
        invoice = order._create_invoices()
        invoice.invoice_date = invoice_date
        invoice.action_post()
        if delivered:
            invoice.invoice_delivered_date = delivered
        return invoice

    def test_delivered_after_closing_day_is_late(self):
        """All dated 20 March (before the 25th): delivered on the 25th = on time; on the
        26th = late; never delivered = late; sent by email at 00:30 on the 26th in
        Shanghai (16:30 UTC on the 25th) = late."""
        self._deliver("2024-03-20", "2024-03-25")
        self._deliver("2024-03-20", "2024-03-26")
        self._deliver("2024-03-20")
        emailed = self._deliver("2024-03-20")
        self.customer.email = "buyer@customer.example.com"
        with freeze_time("2024-03-25 16:30:00"):
            self.env["account.move.send.wizard"].with_context(
                active_model="account.move", active_ids=emailed.ids
            ).create({}).action_send_and_print()
        self.assertEqual(emailed.invoice_delivered_date, date(2024, 3, 26))
        row = self._row(self.manager, date(2024, 3, 1))
        self.assertEqual(row.delivery_count, 4)
        self.assertEqual(row.delivery_ontime_count, 1)
        self.assertAlmostEqual(row.invoice_ontime_rate, 25.0)
        self.assertFalse(row.invoice_ontime_ok)
        # recording the missing one's delivery on the closing day puts it on time
        missing = self.env["account.move"].search(
            [
                ("partner_id", "=", self.customer.id),
                ("move_type", "=", "out_invoice"),
                ("invoice_delivered_date", "=", False),
            ]
        )
        self.assertEqual(len(missing), 1)
        missing.with_user(self.director)._business_record_delivery(date(2024, 3, 25))
        row = self._row(self.manager, date(2024, 3, 1))
        self.assertEqual(row.delivery_ontime_count, 2)
        self.assertAlmostEqual(row.invoice_ontime_rate, 50.0)


@tagged("post_install", "-at_install")
class TestInvoiceDeliveryReminder(InvoiceDeliveryCase):
    """Invoices not delivered before a closing day two working days away (Mon–Fri calendar
    in Shanghai): the salesperson gets an activity, once. March 2026: Monday 9 March is
    the customer's closing day; the previous one was 9 February."""

    invoice_date = "2026-03-03"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.closing_day = 9
        cls.activity_type = cls.env.ref("business_dept.mail_activity_type_invoice_delivery")

    def _activities(self, moves):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "account.move"),
                ("res_id", "in", moves.ids),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    def _run(self, *local):
        with freeze_time(self.local(*local)):
            self.env["account.move"]._cron_business_invoice_delivery_reminders()

    def test_two_working_days_over_the_weekend(self):
        delivered = self._make_invoice()
        delivered.invoice_delivered_date = date(2026, 3, 4)
        old = self._make_invoice()
        old.button_draft()
        old.invoice_date = "2026-02-05"  # due by 9 February: not this closing day's
        old.action_post()
        draft = self._make_invoice(post=False)
        other = self.env["res.partner"].create(
            {"name": "Closing 20 Co.", "is_company": True, "closing_day": 20}
        )
        other_invoice = self._make_invoice(partner=other)
        everything = self.invoice | delivered | old | draft | other_invoice
        # Wednesday 4 March, 23:30 in Shanghai: Monday the 9th is three working days away
        self._run(2026, 3, 4, 23, 30)
        self.assertFalse(self._activities(everything))
        # Thursday 5 March, 00:30 in Shanghai (16:30 UTC on Wednesday): Friday 1, Monday 2
        self._run(2026, 3, 5, 0, 30)
        activity = self._activities(everything)
        self.assertEqual(activity.res_id, self.invoice.id)
        self.assertEqual(activity.user_id, self.manager)
        self.assertEqual(activity.date_deadline, date(2026, 3, 9))
        # Friday and Monday again: no duplicate
        self._run(2026, 3, 6, 9, 0)
        self._run(2026, 3, 9, 9, 0)
        self.assertEqual(self._activities(everything), activity)

    def test_month_end_customer_and_customer_salesperson(self):
        """No closing day = month end: Tuesday 31 March is two working days after Friday
        27 March (Monday 30 is the first); an invoice without salesperson goes to the
        customer's."""
        self.customer.closing_day = 0
        self.invoice.invoice_user_id = False
        self._run(2026, 3, 26, 18, 0)
        self.assertFalse(self._activities(self.invoice))
        self._run(2026, 3, 27, 9, 0)
        activity = self._activities(self.invoice)
        self.assertEqual(activity.user_id, self.manager)
        self.assertEqual(activity.date_deadline, date(2026, 3, 31))


@tagged("post_install", "-at_install")
class TestPartnerPaymentMethod(InvoiceDeliveryCase):
    """付款方式 in the customer file, held on the commercial entity."""

    def test_payment_method_shared_by_contacts(self):
        contact = self.env["res.partner"].create(
            {"name": "Buyer Wang", "parent_id": self.customer.id}
        )
        self.customer.with_user(self.manager).payment_method = "bank_draft"
        self.assertEqual(contact.payment_method, "bank_draft")
        self.assertEqual(
            dict(self.env["res.partner"]._fields["payment_method"].selection).keys(),
            {"transfer", "bank_draft", "commercial_draft", "cash", "online", "other"},
        )
        view = self.env.ref("business_dept.res_partner_view_form")
        self.assertIn('name="payment_method"', view.arch)


@tagged("post_install", "-at_install")
class TestAgreementLedger(AgreementCase):
    """合同台账: agreements expiring / expired (local today), an activity for the customer's
    salesperson N days before the expiry, once per expiry date."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.activity_type = cls.env.ref("business_dept.mail_activity_type_agreement_expiry")

    def _activities(self):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", self.customer.id),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    def _run(self, *local):
        with freeze_time(self.local(*local)):
            return self.env["res.partner"]._cron_business_agreement_expiry()

    def test_notice_days_before_expiry_local_day(self):
        self.assertEqual(self.company.agreement_expiry_notice_days, 30)
        # 23:30 on 31 March in Shanghai: 30 days on is 30 April, no earlier
        self.company.agreement_expiry_notice_days = 29
        self._run(2026, 3, 31, 23, 30)
        self.assertFalse(self._activities())
        # 00:30 on 1 April in Shanghai (16:30 UTC on 31 March): 29 days on is 30 April
        self._run(2026, 4, 1, 0, 30)
        activity = self._activities()
        self.assertEqual(activity.res_id, self.customer.id)
        self.assertEqual(activity.user_id, self.manager)
        self.assertEqual(activity.date_deadline, date(2026, 4, 30))
        self._run(2026, 4, 2, 9, 0)
        self.assertEqual(self._activities(), activity)
        # once done, no new one for the same expiry; a renewal gets its own in due time
        activity.action_feedback(feedback="Renewal sent to the customer")
        self._run(2026, 4, 3, 9, 0)
        self.assertFalse(self._activities())
        self.customer.agreement_expiry = "2027-04-30"
        self._run(2026, 4, 3, 9, 0)
        self.assertFalse(self._activities())
        self._run(2027, 4, 2, 9, 0)
        self.assertEqual(self._activities().date_deadline, date(2027, 4, 30))

    def test_ledger_filters_as_manager(self):
        action = self.env.ref("business_dept.res_partner_action_agreement_ledger")
        Partner = self.env["res.partner"].with_user(self.manager)
        domain = [("id", "in", (self.customer | self.expired).ids)]
        with freeze_time(self.local(2026, 4, 1, 0, 30)):
            expiring = Partner.search(domain + [("agreement_state", "=", "expiring")])
            self.assertEqual(expiring, self.customer)
            expired = Partner.search(domain + [("agreement_state", "=", "expired")])
            self.assertEqual(expired, self.expired)
            self.assertEqual(self.expired.with_user(self.manager).agreement_state, "expired")
        with freeze_time(self.local(2026, 3, 30, 23, 30)):
            self.env.invalidate_all()  # a new request: computed on the new day
            # still 30 March: the other expires today, ours is valid (29 April is the last
            # day counted as expiring)
            self.assertEqual(self.expired.with_user(self.manager).agreement_state, "expiring")
            self.assertEqual(self.customer.with_user(self.manager).agreement_state, "valid")
            valid = Partner.search(domain + [("agreement_state", "=", "valid")])
            self.assertEqual(valid, self.customer)
        self.assertIn(self.customer, Partner.search(safe_eval(action.domain)))

    def test_setting_refuses_negative_days(self):
        with self.assertRaises(ValidationError):
            self.company.agreement_expiry_notice_days = -1
