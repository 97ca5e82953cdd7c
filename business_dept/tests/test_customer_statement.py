import io
from datetime import date

import openpyxl

from odoo import Command, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common_sales import SalesRulesCase

FEB_25 = date(2026, 2, 25)


class CustomerStatementCase(SalesRulesCase):
    """The manager's customer closes his books on the 25th (关账日), company in Shanghai
    time. Period 26 January - 25 February 2026:

    - order A, 10 x 100, delivered at 00:10 on 26 January in Shanghai (16:10 on the 25th
      in UTC): in the period;
    - order B, 10 x 100, 6 delivered on 10 February (a backorder of 4 left);
    - order EUR, 5 x 20 EUR, delivered on 20 February;
    - order C, 2 x 100, delivered at 00:30 on 26 February in Shanghai (16:30 on the 25th
      in UTC): the next period;
    - an invoice of 1000 on 10 January (the opening balance), an invoice of 300 on 5
      February, a credit note of 50 on 12 February, a payment of 200 on 15 February.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product.taxes_id = False
        cls.customer.write({"closing_day": 25, "email": "buyer@customer.example.com"})
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        if cls.company.currency_id == cls.eur:
            cls.eur = cls.env.ref("base.USD")
            cls.eur.active = True
        # the company currency at 1, the foreign one at 0.125 (1 unit = 8 of the company's)
        cls.env["res.currency.rate"].search(
            [("currency_id", "in", (cls.eur | cls.company.currency_id).ids)]
        ).unlink()
        cls.env["res.currency.rate"].create(
            {
                "currency_id": cls.eur.id,
                "company_id": cls.company.id,
                "name": "2020-01-01",
                "rate": 0.125,
            }
        )
        cls.eur_pricelist = cls.env["product.pricelist"].create(
            {"name": "Foreign customers", "currency_id": cls.eur.id}
        )
        cls.order_a = cls._confirmed_order(qty=10)
        cls.order_b = cls._confirmed_order(qty=10)
        cls.order_eur = cls._confirmed_order(qty=5, price=20.0, pricelist_id=cls.eur_pricelist.id)
        cls.order_c = cls._confirmed_order(qty=2)
        cls.pick_a = cls.deliver(cls.order_a, cls.local(2026, 1, 26, 0, 10))
        cls.pick_b = cls.deliver(cls.order_b, cls.local(2026, 2, 10, 9, 0), qty=6)
        cls.pick_eur = cls.deliver(cls.order_eur, cls.local(2026, 2, 20, 15, 0))
        cls.pick_c = cls.deliver(cls.order_c, cls.local(2026, 2, 26, 0, 30))
        cls.invoice_jan = cls._invoice("2026-01-10", 1000.0)
        cls.invoice_feb = cls._invoice("2026-02-05", 300.0)
        cls.refund_feb = cls._invoice("2026-02-12", 50.0, move_type="out_refund")
        register = (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=cls.invoice_jan.ids)
            .create({"amount": 200.0, "payment_date": "2026-02-15"})
        )
        cls.payment = register._create_payments()
        cls.Statement = cls.env["business.customer.statement"]

    @classmethod
    def _confirmed_order(cls, qty, price=100.0, partner=None, **values):
        order = cls.make_order(qty=qty, price=price, partner=partner, **values)
        order.action_confirm()
        return order

    @classmethod
    def deliver(cls, order, when, qty=None):
        """Deliver ``qty`` (all by default) of the order's open delivery, done at ``when``
        (naive UTC); the rest stays in a backorder."""
        picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty if qty is None else qty
            move.picked = True
        picking.with_context(cancel_backorder=False)._action_done()
        picking.date_done = when
        return picking

    @classmethod
    def _invoice(cls, day, amount, move_type="out_invoice", partner=None):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": (partner or cls.customer).id,
                "invoice_date": day,
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": cls.product.id, "quantity": 1, "price_unit": amount}
                    )
                ],
            }
        )
        move.action_post()
        return move

    @property
    def today(self):
        """The company's local today: the invoices are dated when posted."""
        return self.company._business_local_today()

    def generate(self, day=FEB_25, user=None):
        return self.Statement.with_user(user or self.assistant)._generate_statements(day)

    def statement(self, day=FEB_25):
        return self.Statement.search([("partner_id", "=", self.customer.id), ("date_to", "=", day)])

    def attach_reply(self, statement):
        reply = self.env["ir.attachment"].create(
            {"name": "reply.pdf", "raw": b"%PDF signed", "res_model": statement._name}
        )
        statement.with_user(self.assistant).reply_attachment_ids = reply

    def sent_statement(self):
        self.generate()
        statement = self.statement()
        statement.with_user(self.assistant).action_send()
        return statement

    def confirmed_statement(self):
        statement = self.sent_statement()
        self.attach_reply(statement)
        statement.with_user(self.assistant).action_confirm()
        return statement


@tagged("post_install", "-at_install")
class TestCustomerStatement(CustomerStatementCase):
    """Customer statement of account (客户对账单): period, lines, balances, generation."""

    def test_period_around_closing_days(self):
        Periods = self.env["business.customer.statement.collector"]
        # closing day 25: 26 January - 25 February
        self.assertEqual(Periods._closing_days_ending(FEB_25), [25])
        self.assertEqual(Periods._period_start(FEB_25, 25), date(2026, 1, 26))
        # closing day 31 in February: the last day of February, the period the month
        feb_28 = date(2026, 2, 28)
        self.assertEqual(Periods._period_end(feb_28, 31), feb_28)
        self.assertEqual(Periods._closing_days_ending(feb_28), [0, 28, 29, 30, 31])
        self.assertEqual(Periods._period_start(feb_28, 31), date(2026, 2, 1))
        # the March period of a closing day of 31 or 30 starts on 1 March
        self.assertEqual(Periods._period_start(date(2026, 3, 31), 31), date(2026, 3, 1))
        self.assertEqual(Periods._period_start(date(2026, 3, 30), 30), date(2026, 3, 1))
        # leap year: a closing day of 30 ends on 29 February
        self.assertEqual(Periods._period_end(date(2028, 2, 1), 30), date(2028, 2, 29))
        self.assertEqual(Periods._closing_days_ending(date(2028, 2, 28)), [28])

        # generated: the customer closing on the 31st gets his February statement on the
        # 28th, the one closing on the 25th does not
        month_end = self.env["res.partner"].create(
            {"name": "Month End Co.", "is_company": True, "closing_day": 31}
        )
        order = self._confirmed_order(qty=1, partner=month_end)
        self.deliver(order, self.local(2026, 2, 1, 0, 5))  # 16:05 on 31 January in UTC
        statements = self.generate(feb_28)
        self.assertEqual(statements.partner_id, month_end)
        self.assertEqual((statements.date_from, statements.date_to), (date(2026, 2, 1), feb_28))
        self.assertEqual(statements.delivery_line_ids.picking_id, order.picking_ids)
        self.assertRegex(statements.name, r"^CS/\d{4}/\d{4}$")

    def test_lines_balances_and_currencies(self):
        statement = self.generate()
        self.assertEqual(statement.partner_id, self.customer)
        self.assertEqual((statement.date_from, statement.date_to), (date(2026, 1, 26), FEB_25))
        self.assertEqual(statement.state, "draft")
        self.assertEqual(statement.user_id, self.manager)
        deliveries = {line.picking_id: line for line in statement.delivery_line_ids}
        # the delivery of 00:30 on 26 February (Shanghai) belongs to the next period
        self.assertEqual(set(deliveries), {self.pick_a, self.pick_b, self.pick_eur})
        line_a = deliveries[self.pick_a]
        self.assertEqual(line_a.date, date(2026, 1, 26))
        self.assertEqual(line_a.sale_order_id, self.order_a)
        self.assertEqual((line_a.quantity, line_a.price_unit, line_a.amount), (10, 100, 1000))
        self.assertEqual(deliveries[self.pick_b].quantity, 6)
        self.assertEqual(deliveries[self.pick_b].amount, 600)
        line_eur = deliveries[self.pick_eur]
        self.assertEqual(line_eur.currency_id, self.eur)
        self.assertEqual(line_eur.amount_currency, 100.0)
        self.assertAlmostEqual(self.order_eur.currency_rate, 0.125)
        self.assertEqual(line_eur.amount, 800.0)  # in company currency
        self.assertEqual(statement.amount_to_invoice, 2400.0)

        entries = {line.move_id: line for line in statement.account_line_ids}
        self.assertEqual(set(entries), {self.invoice_feb, self.refund_feb, self.payment.move_id})
        self.assertEqual(entries[self.invoice_feb].line_type, "invoice")
        self.assertEqual(entries[self.invoice_feb].amount, 300.0)
        self.assertEqual(entries[self.refund_feb].line_type, "refund")
        self.assertEqual(entries[self.refund_feb].amount, -50.0)
        self.assertEqual(entries[self.payment.move_id].line_type, "payment")
        self.assertEqual(entries[self.payment.move_id].amount, -200.0)
        self.assertEqual(statement.opening_balance, 1000.0)
        self.assertEqual(statement.closing_balance, 1050.0)
        self.assertEqual(statement.amount_invoiced, 250.0)
        self.assertEqual(statement.amount_paid, 200.0)

    def test_generation_idempotent_and_next_period(self):
        first = self.generate()
        self.assertEqual(len(first), 1)
        self.assertFalse(self.generate())
        self.assertEqual(self.Statement.search_count([("partner_id", "=", self.customer.id)]), 1)
        # the next period starts the day after: the delivery just after midnight is there,
        # and February's deliveries not invoiced yet are carried forward at their day
        march = self.generate(date(2026, 3, 25))
        self.assertEqual(march.date_from, date(2026, 2, 26))
        self.assertEqual(
            march.delivery_line_ids.picking_id,
            self.pick_a | self.pick_b | self.pick_eur | self.pick_c,
        )
        carried = march.delivery_line_ids.filtered(lambda line: line.picking_id == self.pick_a)
        self.assertEqual(carried.date, date(2026, 1, 26))
        self.assertEqual(march.opening_balance, first.closing_balance)
        # the statement's own lines stay as generated
        self.assertEqual(len(first.delivery_line_ids), 3)

    def test_cron_generates_yesterdays_closing(self):
        """The daily scheduled action makes the statements of yesterday's closing day."""
        today = self.company._business_local_today()
        self.customer.closing_day = False
        month_end = self.env["business.customer.statement.collector"]._period_end(today, 0)
        self.Statement._cron_generate_statements()
        self.assertFalse(self.statement(month_end))  # not the month end yet, or no activity

    def test_roles(self):
        # a manager does not generate, another customer's salesperson does not read
        with self.assertRaises(AccessError):
            self.generate(user=self.manager)
        statement = self.generate()
        with self.assertRaises(AccessError):
            statement.with_user(self.manager2).read(["name"])
        with self.assertRaises(AccessError):
            statement.with_user(self.salesman).read(["name"])
        self.assertEqual(statement.with_user(self.manager).name, statement.name)
        self.assertEqual(statement.with_user(self.director).name, statement.name)
        self.assertEqual(statement.with_user(self.finance).name, statement.name)
        # finance reads but does not send; a plain write of the state is refused
        with self.assertRaises(AccessError):
            statement.with_user(self.finance).action_send()
        with self.assertRaises(AccessError):
            statement.with_user(self.manager).write({"state": "approved"})
        # the manager sends his own customer's statement
        statement.with_user(self.manager).action_send()
        self.assertEqual(statement.state, "sent")
        # a line's quantity or price is not typed: only the customer's note
        line = statement.delivery_line_ids[:1].with_user(self.assistant)
        with self.assertRaises(AccessError):
            line.write({"quantity": 1000})
        line.dispute_note = "checked"
        self.assertEqual(line.dispute_note, "checked")

    def test_send_confirm_approve_invoice_done(self):
        statement = self.sent_statement()
        self.assertEqual(statement.state, "sent")
        self.assertTrue(statement.sent_fingerprint)
        message = statement.message_ids.filtered(lambda m: self.customer in m.partner_ids)
        self.assertEqual(len(message), 1)
        # the PDF report (rendered as HTML under tests, and named so) and the XLSX
        self.assertEqual(
            sorted(message.attachment_ids.mapped("name")),
            sorted(f"{statement.name.replace('/', '-')}.{ext}" for ext in ("html", "xlsx")),
        )
        # a confirmation recorded by the department needs the customer's reply
        with self.assertRaises(UserError):
            statement.with_user(self.assistant).action_confirm()
        self.attach_reply(statement)
        statement.with_user(self.assistant).action_confirm()
        self.assertEqual(statement.state, "confirmed")
        self.assertEqual(statement.confirmation_channel, "recorded")
        # nothing is invoiced before finance approves; a manager does not approve
        with self.assertRaises(UserError):
            statement.with_user(self.assistant).action_create_invoices()
        with self.assertRaises(AccessError):
            statement.with_user(self.manager).action_finance_approve()
        statement.with_user(self.finance).action_finance_approve()
        self.assertEqual(statement.state, "approved")
        self.assertEqual(statement.approved_user_id, self.finance)

        statement.with_user(self.assistant).action_create_invoices()
        self.assertEqual(statement.state, "invoiced")
        invoices = statement.invoice_ids
        self.assertEqual(len(invoices), 3)  # one per order (default setting)
        quantities = {
            inv.invoice_line_ids.sale_line_ids.order_id: inv.invoice_line_ids.quantity
            for inv in invoices
        }
        # partial delivery: only the 6 delivered of order B's 10
        self.assertEqual(quantities, {self.order_a: 10, self.order_b: 6, self.order_eur: 5})
        self.assertEqual(self.order_b.order_line.qty_invoiced, 6)
        self.assertFalse(self.order_c.invoice_ids)
        # not twice
        with self.assertRaises(UserError):
            statement.with_user(self.assistant).action_create_invoices()

        invoices.action_post()
        invoices[:2].with_user(self.assistant)._business_record_delivery(self.today)
        self.assertEqual(statement.state, "invoiced")
        invoices[2:].with_user(self.assistant)._business_record_delivery(self.today)
        self.assertEqual(statement.state, "done")

    def _sale_invoice(self, order, qty, move_type="out_invoice", day="2026-02-01"):
        """An invoice (or credit note) of ``qty`` of the order's line, posted."""
        line = order.order_line
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": self.customer.id,
                "invoice_date": day,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "quantity": qty,
                            "price_unit": line.price_unit,
                            "sale_line_ids": [Command.link(line.id)],
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    def test_invoiced_deliveries_only_what_is_not_invoiced(self):
        """A delivery line shows the quantity of its order line not yet invoiced (credit
        notes deducted), allocated to the latest deliveries first; a delivery fully
        invoiced does not appear, and the invoices bill exactly the rest."""
        # order B: the 4 of the backorder delivered on 20 February too (10 in all)
        pick_b2 = self.deliver(self.order_b, self.local(2026, 2, 20, 10, 0))
        # order A invoiced in full; order B: 8 invoiced, 1 credited (7 invoiced, 3 to go)
        self._sale_invoice(self.order_a, 10)
        self._sale_invoice(self.order_b, 8)
        self._sale_invoice(self.order_b, 1, move_type="out_refund", day="2026-02-03")
        self.assertEqual(self.order_b.order_line.qty_invoiced, 7)
        statement = self.generate()
        deliveries = {line.picking_id: line for line in statement.delivery_line_ids}
        # the latest delivery of B (4) holds the 3 not invoiced; the earlier one none
        self.assertEqual(set(deliveries), {pick_b2, self.pick_eur})
        self.assertEqual(deliveries[pick_b2].quantity, 3)
        self.assertEqual(deliveries[pick_b2].amount, 300)
        self.assertEqual(statement.amount_to_invoice, 300.0 + 800.0)
        statement.with_user(self.assistant).action_send()
        self.attach_reply(statement)
        statement.with_user(self.assistant).action_confirm()
        statement.with_user(self.finance).action_finance_approve()
        statement.with_user(self.assistant).action_create_invoices()
        quantities = {
            inv.invoice_line_ids.sale_line_ids.order_id: inv.invoice_line_ids.quantity
            for inv in statement.invoice_ids
        }
        self.assertEqual(quantities, {self.order_b: 3, self.order_eur: 5})
        self.assertEqual(self.order_b.order_line.qty_invoiced, 10)
        # once all is invoiced, the period has no delivery left to invoice
        self.env.flush_all()
        self.env.cr.execute(
            self.env["business.customer.statement.collector"]._delivery_rows_sql(
                self.company, statement.date_from, FEB_25
            )
        )
        self.assertFalse(self.env.cr.fetchall())

    def test_overlapping_periods_refused(self):
        """A statement made by hand for a period overlapping the customer's statement is
        refused, naming both; the next period, or another customer, is fine."""
        statement = self.generate()
        Statement = self.Statement.with_user(self.assistant)
        with self.assertRaisesRegex(ValidationError, rf"overlaps.*{statement.name}"):
            Statement.create(
                {
                    "partner_id": self.customer.id,
                    "date_from": date(2026, 2, 1),
                    "date_to": date(2026, 2, 20),
                }
            )
        other = self.env["res.partner"].create({"name": "Other Co.", "is_company": True})
        Statement.create({"partner_id": other.id, "date_from": date(2026, 2, 1), "date_to": FEB_25})
        march = Statement.create(
            {
                "partner_id": self.customer.id,
                "date_from": date(2026, 2, 26),
                "date_to": date(2026, 3, 25),
            }
        )
        # moved back over the February statement while still a draft: refused too
        with self.assertRaisesRegex(ValidationError, "overlaps"):
            march.date_from = date(2026, 2, 25)
        self.assertEqual(len(self.statement()), 1)

    def test_deliveries_carried_forward_until_invoiced(self):
        """A delivery not invoiced in its period is listed again in the next statements
        (at its delivery day) until invoiced; a customer with nothing else in the period
        still gets a statement for it."""
        feb = self.generate()
        self._sale_invoice(self.order_a, 10)
        self._sale_invoice(self.order_eur, 5)
        self._sale_invoice(self.order_c, 2, day="2026-03-01")
        # March: only order B's 6 (February) left; no entry nor delivery in March itself
        # but for the invoice of order C
        march = self.generate(date(2026, 3, 25))
        self.assertEqual(march.delivery_line_ids.picking_id, self.pick_b)
        self.assertEqual(march.delivery_line_ids.date, date(2026, 2, 10))
        self.assertEqual(march.delivery_line_ids.quantity, 6)
        # April: nothing happened in April, order B still to invoice: a statement
        april = self.generate(date(2026, 4, 25))
        self.assertEqual(april.date_from, date(2026, 3, 26))
        self.assertEqual(april.delivery_line_ids.picking_id, self.pick_b)
        self.assertFalse(april.account_line_ids)
        # invoiced (on 30 April): nothing carried to May, whose statement has the invoice
        self._sale_invoice(self.order_b, 6, day="2026-04-30")
        may = self.generate(date(2026, 5, 25))
        self.assertTrue(may.account_line_ids)
        self.assertFalse(may.delivery_line_ids)
        self.assertEqual(len(feb.delivery_line_ids), 3)

    def test_customer_and_period_fixed_once_sent(self):
        """The customer, the period of a statement are changed in draft only; the note
        no more once the statement is done."""
        other = self.env["res.partner"].create({"name": "Other Customer", "is_company": True})
        statement = self.generate()
        # in draft, the assistant may correct them
        statement.with_user(self.assistant).write({"date_from": date(2026, 1, 27)})
        self.assertEqual(statement.date_from, date(2026, 1, 27))
        statement.with_user(self.assistant).date_from = date(2026, 1, 26)
        statement.with_user(self.manager).action_send()
        for user in (self.manager, self.assistant):
            for vals in (
                {"partner_id": other.id},
                {"date_from": date(2026, 1, 1)},
                {"date_to": date(2026, 2, 28)},
            ):
                with self.assertRaisesRegex(UserError, statement.name):
                    statement.with_user(user).write(vals)
        self.assertEqual(statement.partner_id, self.customer)
        self.assertEqual((statement.date_from, statement.date_to), (date(2026, 1, 26), FEB_25))
        # the note stays open until done
        statement.with_user(self.assistant).note = "called the buyer"
        statement.sudo().state = "done"
        with self.assertRaisesRegex(UserError, statement.name):
            statement.with_user(self.assistant).write({"note": "changed"})
        self.assertEqual(statement.note, "called the buyer")

    def test_one_invoice_per_statement(self):
        self.company.customer_statement_invoicing = "statement"
        statement = self.confirmed_statement()
        statement.with_user(self.finance).action_finance_approve()
        statement.with_user(self.finance).action_create_invoices()
        # one per currency: the company currency and the foreign orders
        self.assertEqual(len(statement.invoice_ids), 2)
        self.assertEqual(
            sorted(statement.invoice_ids.mapped("invoice_line_ids.quantity")), [5, 6, 10]
        )

    def test_wrong_state_refusals(self):
        statement = self.generate()
        with self.assertRaises(UserError):
            statement.with_user(self.finance).action_finance_approve()
        with self.assertRaises(UserError):
            statement.with_user(self.assistant).action_confirm()
        with self.assertRaises(UserError):
            statement.with_user(self.assistant).action_dispute()
        statement.with_user(self.assistant).action_send()
        with self.assertRaises(UserError):
            statement.with_user(self.assistant).action_refresh()
        with self.assertRaises(UserError):
            statement.with_user(self.assistant).unlink()

    def test_changed_since_sent_refused(self):
        statement = self.sent_statement()
        self.attach_reply(statement)
        # a price changed on order A
        self.order_a.order_line.price_unit = 95.0
        with self.assertRaisesRegex(UserError, rf"{self.pick_a.name}.*unit price"):
            statement.with_user(self.assistant).action_confirm()
        self.order_a.order_line.price_unit = 100.0
        # a delivery returned: 2 of order B's 6 come back
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=self.pick_b.id, active_model="stock.picking")
            .create({})
        )
        wizard.product_return_moves.quantity = 2
        returned = wizard._create_return()
        returned.move_ids.quantity = 2
        returned.move_ids.picked = True
        returned._action_done()
        with self.assertRaisesRegex(UserError, rf"{self.pick_b.name}.*quantity 6.0, now 4.0"):
            statement.with_user(self.assistant).action_confirm()
        self.assertEqual(statement.state, "sent")
        # sent again: the lines are collected again, then it can be confirmed with the
        # customer's reply to the statement sent again
        statement.with_user(self.assistant).action_send()
        line_b = statement.delivery_line_ids.filtered(lambda line: line.picking_id == self.pick_b)
        self.assertEqual(line_b.quantity, 4)
        self.attach_reply(statement)
        statement.with_user(self.assistant).action_confirm()
        self.assertEqual(statement.state, "confirmed")

    def test_dispute_and_resend(self):
        statement = self.sent_statement()
        with self.assertRaises(UserError):  # which line, with a note
            statement.with_user(self.manager).action_dispute()
        line_eur = statement.delivery_line_ids.filtered(
            lambda line: line.picking_id == self.pick_eur
        )
        statement.with_user(self.manager).action_dispute({line_eur.id: "We received 4 only"})
        self.assertEqual(statement.state, "disputed")
        self.assertEqual(line_eur.dispute_note, "We received 4 only")
        self.assertIn("We received 4 only", statement.message_ids[0].body)
        with self.assertRaises(UserError):
            statement.with_user(self.assistant).action_confirm()
        # another salesperson's manager cannot send it again
        with self.assertRaises(AccessError):
            statement.with_user(self.manager2).action_send()
        statement.with_user(self.assistant).action_send()
        self.assertEqual(statement.state, "sent")
        self.assertFalse(statement.line_ids.filtered("dispute_note"))
        self.attach_reply(statement)
        statement.with_user(self.manager).action_confirm()
        self.assertEqual(statement.state, "confirmed")

    def test_resend_clears_the_earlier_reply(self):
        """Sent again, the statement needs a new reply of the customer: the earlier one
        goes to the chatter."""
        statement = self.sent_statement()
        self.attach_reply(statement)
        reply = statement.reply_attachment_ids
        statement.with_user(self.manager).action_dispute(
            {statement.delivery_line_ids[:1].id: "Wrong quantity"}
        )
        statement.with_user(self.assistant).action_send()
        self.assertEqual(statement.state, "sent")
        self.assertFalse(statement.reply_attachment_ids)
        self.assertIn(reply, statement.message_ids.attachment_ids)
        with self.assertRaisesRegex(UserError, "Attach the customer's reply"):
            statement.with_user(self.assistant).action_confirm()
        self.attach_reply(statement)
        statement.with_user(self.assistant).action_confirm()
        self.assertEqual(statement.state, "confirmed")

    def test_done_with_a_cancelled_invoice(self):
        """A cancelled invoice does not keep the statement from being done (发票送达)."""
        statement = self.confirmed_statement()
        statement.with_user(self.finance).action_finance_approve()
        statement.with_user(self.assistant).action_create_invoices()
        invoices = statement.invoice_ids
        invoices.action_post()
        invoices[:2].with_user(self.assistant)._business_record_delivery(self.today)
        self.assertEqual(statement.state, "invoiced")
        # the third one cancelled: the two others delivered are all there is
        invoices[2].button_draft()
        invoices[2].button_cancel()
        self.assertEqual(statement.state, "done")

    def test_done_needs_a_delivered_invoice(self):
        """One invoice cancelled before any delivery: not done (nothing delivered yet);
        done when the others are delivered."""
        statement = self.confirmed_statement()
        statement.with_user(self.finance).action_finance_approve()
        statement.with_user(self.assistant).action_create_invoices()
        invoices = statement.invoice_ids
        invoices[2].button_cancel()
        self.assertEqual(statement.state, "invoiced")
        invoices[:2].action_post()
        invoices[0].with_user(self.assistant)._business_record_delivery(self.today)
        self.assertEqual(statement.state, "invoiced")
        invoices[1].with_user(self.assistant)._business_record_delivery(self.today)
        self.assertEqual(statement.state, "done")

    def test_dispute_activity_closed_when_sent_again_or_confirmed(self):
        """The salesperson's to-do 「Statement disputed by the customer」 is done once the
        statement is sent again; a second dispute's one once it is confirmed."""
        statement = self.sent_statement()
        line = statement.delivery_line_ids[:1]

        dispute_type = self.env.ref("business_dept.mail_activity_type_statement_dispute")

        def dispute_todos():
            return statement.activity_ids.filtered(lambda a: a.activity_type_id == dispute_type)

        statement.with_user(self.manager).action_dispute({line.id: "Wrong quantity"})
        self.assertEqual(dispute_todos().user_id, self.manager)
        self.assertEqual(dispute_todos().summary, "Statement disputed by the customer")
        # found by its type, not its words: a to-do of the same text typed by someone
        # is the salesperson's own, left open
        own = statement.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=self.manager.id,
            summary="Statement disputed by the customer",
        )
        statement.with_user(self.assistant).action_send()
        self.assertFalse(dispute_todos())
        self.assertTrue(own.exists())
        # marked done: its trace stays in the chatter
        self.assertTrue(statement.message_ids.filtered("mail_activity_type_id"))
        # the lines are collected again when sent
        line = statement.delivery_line_ids[:1]
        statement.with_user(self.manager).action_dispute({line.id: "Still wrong"})
        self.assertEqual(len(dispute_todos()), 1)
        statement.with_user(self.assistant).action_send()
        self.attach_reply(statement)
        statement.with_user(self.assistant).action_confirm()
        self.assertFalse(dispute_todos())

    def test_dispute_notes_keyed_by_strings(self):
        """Notes arrive from JSON with the line ids as strings; a key that is no id is
        refused by name and nothing is written."""
        statement = self.sent_statement()
        line = statement.delivery_line_ids[:1]
        with self.assertRaisesRegex(UserError, "abc is not a statement line id"):
            statement.with_user(self.manager).action_dispute({"abc": "?"})
        self.assertEqual(statement.state, "sent")
        statement.with_user(self.manager).action_dispute({str(line.id): "Wrong price"})
        self.assertEqual(statement.state, "disputed")
        self.assertEqual(line.dispute_note, "Wrong price")

    def test_finance_rejects(self):
        statement = self.confirmed_statement()
        with self.assertRaises(UserError):
            statement.with_user(self.finance).action_reject("")
        statement.with_user(self.finance).action_reject("Wrong prices on order B")
        self.assertEqual(statement.state, "draft")
        self.assertFalse(statement.review_ids)

    def test_xlsx(self):
        statement = self.generate()
        content, __ = self.env["ir.actions.report"]._render_xlsx(
            "business_dept.customer_statement_xlsx", statement.ids, {}
        )
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        self.assertEqual(sheet.cell(3, 2).value, 1000.0)
        self.assertEqual(sheet.cell(3, 4).value, 1050.0)
        self.assertEqual(sheet.max_row, 5 + len(statement.line_ids))
        # in date order, deliveries and entries mixed; an entry has no quantity nor price
        rows = list(sheet.iter_rows(min_row=6, values_only=True))
        days = [row[1] for row in rows]
        self.assertEqual(days, sorted(days))
        row_a = next(row for row in rows if row[3] == self.pick_a.name)
        self.assertEqual((row_a[5], row_a[6]), (10, 100))
        entry = next(row for row in rows if row[3] == self.invoice_feb.name)
        self.assertEqual((entry[5], entry[6]), (None, None))
        # the lines (form, PDF, portal) in date order too
        self.assertEqual(
            statement.line_ids.mapped("date"), sorted(statement.line_ids.mapped("date"))
        )

    def test_sent_with_the_template_and_its_reports(self):
        """The statement is sent with its e-mail template, in the customer's words; the
        template's reports attach the statement as PDF and as XLSX, read back."""
        template = self.env.ref("business_dept.mail_template_customer_statement")
        self.assertEqual(
            template.report_template_ids,
            self.env.ref("business_dept.customer_statement_pdf_report")
            | self.env.ref("business_dept.customer_statement_xlsx_report"),
        )
        statement = self.sent_statement()
        message = statement.sent_message_id
        self.assertEqual(message.partner_ids, self.customer)
        self.assertEqual(message.author_id, self.assistant.partner_id)
        self.assertEqual(message.email_from, self.assistant.partner_id.email_formatted)
        self.assertEqual(
            message.subject, f"{self.company.name} statement of account {statement.name}"
        )
        self.assertIn("Please find attached our statement of account", str(message.body))
        self.assertIn(statement.get_portal_url(), str(message.body))
        stem = statement.name.replace("/", "-")
        by_name = {attachment.name: attachment for attachment in message.attachment_ids}
        self.assertEqual(set(by_name), {f"{stem}.html", f"{stem}.xlsx"})
        # the PDF report's document (HTML under tests): the statement and its deliveries
        html = by_name[f"{stem}.html"].raw.decode()
        self.assertIn(statement.name, html)
        self.assertIn(self.pick_a.name, html)
        sheet = openpyxl.load_workbook(io.BytesIO(by_name[f"{stem}.xlsx"].raw)).active
        self.assertEqual(sheet.cell(1, 1).value, f"Statement of Account {statement.name}")
        self.assertEqual(sheet.max_row, 5 + len(statement.line_ids))
        # attached to the statement, where the customer's reply is told from them
        self.assertEqual(set(message.attachment_ids.mapped("res_model")), {statement._name})
        self.assertEqual(set(message.attachment_ids.mapped("res_id")), {statement.id})

    def test_send_without_email_address(self):
        """No email on the customer: refused naming it, nothing changed; with an invoice
        address that has one, the statement goes there."""
        self.customer.email = False
        statement = self.generate()
        with self.assertRaisesRegex(UserError, rf"{self.customer.name} has no email address"):
            statement.with_user(self.assistant).action_send()
        self.assertEqual(statement.state, "draft")
        self.assertFalse(statement.sent_date)
        accounting = self.env["res.partner"].create(
            {
                "name": "Accounts Payable",
                "type": "invoice",
                "parent_id": self.customer.id,
                "email": "ap@customer.example.com",
            }
        )
        statement.with_user(self.assistant).action_send()
        self.assertEqual(statement.state, "sent")
        message = statement.message_ids.filtered(lambda m: m.partner_ids)
        self.assertEqual(message.partner_ids, accounting)

    def test_invoices_button_for_assistant_and_director(self):
        """The invoices smart button is shown to the assistant and the directors, and
        opens the statement's invoices."""
        statement = self.confirmed_statement()
        statement.with_user(self.finance).action_finance_approve()
        statement.with_user(self.assistant).action_create_invoices()
        for user in (self.assistant, self.director, self.finance):
            with self.subTest(user=user.login):
                Statement = self.Statement.with_user(user)
                arch = Statement.get_views([(False, "form")])["views"]["form"]["arch"]
                self.assertIn('name="action_open_invoices"', arch)
                action = statement.with_user(user).action_open_invoices()
                invoices = self.env["account.move"].with_user(user).search(action["domain"])
                self.assertEqual(invoices, statement.invoice_ids)


@tagged("post_install", "-at_install")
class TestCustomerStatementPortal(CustomerStatementCase, HttpCase):
    """The customer's contact confirms or disputes on the portal; another customer's
    contact gets a 404."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        contact = cls.env["res.partner"].create(
            {"name": "Buyer Wang", "parent_id": cls.customer.id, "email": "wang@example.com"}
        )
        cls.contact_user = new_test_user(
            cls.env, login="t_buyer", groups="base.group_portal", partner_id=contact.id
        )
        other = cls.env["res.partner"].create({"name": "Other Customer Co.", "is_company": True})
        other_contact = cls.env["res.partner"].create(
            {"name": "Other Buyer", "parent_id": other.id, "email": "other@example.com"}
        )
        cls.other_user = new_test_user(
            cls.env, login="t_other_buyer", groups="base.group_portal", partner_id=other_contact.id
        )

    def post(self, url, **data):
        return self.url_open(url, data=dict(data, csrf_token=http.Request.csrf_token(self)))

    def test_portal_confirm_and_refusal(self):
        statement = self.sent_statement()
        url = f"/my/statements/{statement.id}"
        self.authenticate("t_other_buyer", "t_other_buyer")
        self.assertEqual(self.url_open(url).status_code, 404)
        self.assertEqual(self.post(f"{url}/confirm").status_code, 404)
        self.assertNotIn(statement.name, self.url_open("/my/statements").text)
        self.assertEqual(statement.state, "sent")

        self.authenticate("t_buyer", "t_buyer")
        listing = self.url_open("/my/statements")
        self.assertEqual(listing.status_code, 200)
        self.assertIn(statement.name, listing.text)
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_statement_confirm", page.text)
        response = self.post(f"{url}/confirm")
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        self.assertEqual(statement.state, "confirmed")
        self.assertEqual(statement.confirmation_channel, "portal")
        self.assertEqual(statement.confirmed_by_partner_id, self.contact_user.partner_id)
        self.assertTrue(statement.review_ids)  # finance's review is requested

    def test_portal_contact_does_not_read_internal_fields(self):
        """The department's fields are not read by the customer's contact over RPC; the
        statement's own figures are."""
        statement = self.sent_statement()
        statement.with_user(self.assistant).note = "customer pays late"
        self.attach_reply(statement)
        as_contact = statement.with_user(self.contact_user)
        values = as_contact.read(["name", "state", "date_to", "closing_balance"])[0]
        self.assertEqual(values["name"], statement.name)
        for fname in ("note", "sent_fingerprint", "confirmed_user_id", "reply_attachment_ids"):
            with self.assertRaises(AccessError):
                as_contact.read([fname])
        # the department still reads them
        self.assertEqual(statement.with_user(self.manager).note, "customer pays late")
        self.assertTrue(statement.with_user(self.finance).sent_fingerprint)
        # and the portal page still shows the statement
        self.authenticate("t_buyer", "t_buyer")
        page = self.url_open(f"/my/statements/{statement.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(statement.name, page.text)
        self.assertNotIn("customer pays late", page.text)

    def test_portal_dispute(self):
        statement = self.sent_statement()
        line = statement.delivery_line_ids[:1]
        self.authenticate("t_buyer", "t_buyer")
        response = self.post(
            f"/my/statements/{statement.id}/dispute", **{f"note_{line.id}": "Wrong price"}
        )
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        self.assertEqual(statement.state, "disputed")
        self.assertEqual(line.dispute_note, "Wrong price")
        # nothing to confirm any more
        self.post(f"/my/statements/{statement.id}/confirm")
        self.env.invalidate_all()
        self.assertEqual(statement.state, "disputed")
        # posted in the contact's name
        message = statement.message_ids.filtered(lambda m: "Wrong price" in (m.body or ""))
        self.assertEqual(message.author_id, self.contact_user.partner_id)

    def test_portal_confirm_of_a_changed_statement(self):
        """The customer is told the statement changed and an updated one will come; the
        salesperson gets a to-do naming the lines; nothing is confirmed."""
        statement = self.sent_statement()
        self.order_a.order_line.price_unit = 95.0
        self.authenticate("t_buyer", "t_buyer")
        response = self.post(f"/my/statements/{statement.id}/confirm")
        self.assertEqual(response.status_code, 200)
        self.assertIn("the sales department will send you an updated one", response.text)
        self.assertNotIn("send it again before", response.text)
        self.env.invalidate_all()
        self.assertEqual(statement.state, "sent")
        todo = statement.activity_ids.filtered(
            lambda a: a.summary == "Customer tried to confirm a changed statement"
        )
        self.assertEqual(todo.user_id, self.manager)
        self.assertIn(self.pick_a.name, str(todo.note))
        self.assertIn(self.contact_user.partner_id.name, str(todo.note))

    def test_portal_user_refused_with_the_role_message(self):
        """A portal contact calling a department button over RPC is told which roles may
        do it (not an access error on the groups)."""
        statement = self.sent_statement()
        self.attach_reply(statement)
        with self.assertRaisesRegex(AccessError, "Only these roles"):
            statement.with_user(self.contact_user).action_confirm()
        self.assertEqual(statement.state, "sent")

    def test_dispute_over_json_rpc(self):
        """The manager's client sends the notes as JSON: the line ids as strings."""
        statement = self.sent_statement()
        line = statement.delivery_line_ids[:1]
        self.authenticate("t_manager", "t_manager")
        self.make_jsonrpc_request(
            "/web/dataset/call_kw/business.customer.statement/action_dispute",
            {
                "model": "business.customer.statement",
                "method": "action_dispute",
                "args": [statement.ids, {str(line.id): "Wrong price"}],
                "kwargs": {},
            },
        )
        self.env.invalidate_all()
        self.assertEqual(statement.state, "disputed")
        self.assertEqual(line.dispute_note, "Wrong price")

    def test_draft_not_shown_by_the_emailed_link(self):
        """Sent back by finance, the statement is a draft again: the emailed link (with
        its access token) shows nothing, logged in or not."""
        statement = self.confirmed_statement()
        token = statement._portal_ensure_token()
        url = f"/my/statements/{statement.id}?access_token={token}"
        self.assertEqual(self.url_open(url).status_code, 200)
        statement.with_user(self.finance).action_reject("Wrong prices on order B")
        self.assertEqual(statement.state, "draft")
        self.assertEqual(statement.access_token, token)
        self.assertEqual(self.url_open(url).status_code, 404)
        self.authenticate("t_buyer", "t_buyer")
        self.assertEqual(self.url_open(url).status_code, 404)
        self.assertEqual(self.url_open(f"/my/statements/{statement.id}").status_code, 404)


@tagged("post_install", "-at_install")
class TestCustomerStatementTour(CustomerStatementCase, HttpCase):
    """In the browser: the assistant generates, sends and records the confirmation;
    finance approves and creates the invoices."""

    def test_customer_statement_tour(self):
        self.start_tour("/web", "business_dept_customer_statement", login="t_assistant")
        self.env.invalidate_all()
        statement = self.statement()
        self.assertEqual(statement.state, "confirmed")
        self.assertEqual(statement.confirmed_user_id, self.assistant)
        self.assertEqual(statement.reply_attachment_ids.name, "signed_statement.pdf")
        self.assertTrue(statement.sent_fingerprint)

        self.start_tour("/web", "business_dept_customer_statement_approve", login="t_finance")
        self.env.invalidate_all()
        self.assertEqual(statement.state, "invoiced")
        self.assertEqual(statement.approved_user_id, self.finance)
        self.assertEqual(
            sorted(statement.invoice_ids.invoice_line_ids.mapped("quantity")), [5, 6, 10]
        )
