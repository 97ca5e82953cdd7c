from datetime import date

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .test_customer_statement import CustomerStatementCase

MAY_31 = date(2026, 5, 31)
JUNE_30 = date(2026, 6, 30)


@tagged("post_install", "-at_install")
class TestCustomerStatementBilling(CustomerStatementCase):
    """Everything the customer is billed, and everything he sends back (客户对账单): the
    statement covers every billable line of the order (freight added with *Add shipping*,
    services, down payments deducted), goods returned are negative lines, and the
    invoices made from the statement bill exactly that. A customer closing his books at
    the month end, May and June 2026."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer = cls.env["res.partner"].create(
            {
                "name": "Month End Buyer Co.",
                "is_company": True,
                "user_id": cls.manager.id,
                "email": "buyer@month-end.example.com",
            }
        )
        cls.freight = cls.env["product.product"].create(
            {
                "name": "Freight",
                "type": "service",
                "invoice_policy": "order",
                "taxes_id": [Command.clear()],
            }
        )
        cls.carrier = cls.env["delivery.carrier"].create(
            {
                "name": "Test Express",
                "delivery_type": "fixed",
                "fixed_price": 50.0,
                "product_id": cls.freight.id,
            }
        )

    # ------------------------------------------------------------------ helpers
    def order(self, qty=10, price=100.0, product=None):
        order = self.make_order(qty=qty, price=price, partner=self.buyer)
        if product:
            order.order_line.product_id = product
            order.order_line.price_unit = price
        order.action_confirm()
        return order

    def buyer_statement(self, day):
        self.Statement.with_user(self.assistant)._generate_statements(day)
        return self.Statement.search([("partner_id", "=", self.buyer.id), ("date_to", "=", day)])

    def invoice_through(self, statement, reply=True):
        """The statement sent, confirmed with the customer's reply, approved by finance
        and invoiced: its invoices."""
        statement.with_user(self.assistant).action_send()
        if reply:
            self.attach_reply(statement)
        statement.with_user(self.assistant).action_confirm()
        statement.with_user(self.finance).action_finance_approve()
        statement.with_user(self.assistant).action_create_invoices()
        return statement.invoice_ids

    def add_shipping(self, order):
        """*Add shipping* on the order, by its salesperson, through the carrier wizard."""
        wizard = Form(
            self.env["choose.delivery.carrier"]
            .with_user(self.manager)
            .with_context(default_order_id=order.id, default_carrier_id=self.carrier.id)
        ).save()
        wizard.button_confirm()
        return order.order_line.filtered("is_delivery")

    def return_goods(self, picking, qty, when):
        wizard = Form(
            self.env["stock.return.picking"].with_context(
                active_id=picking.id, active_model="stock.picking"
            )
        ).save()
        wizard.product_return_moves.quantity = qty
        returned = wizard._create_return()
        returned.move_ids.quantity = qty
        returned.move_ids.picked = True
        returned._action_done()
        returned.date_done = when
        return returned

    # ------------------------------------------------------------------ tests
    def test_freight_added_with_add_shipping_is_billed(self):
        """10 x 100 delivered, freight of 50 added with *Add shipping*: 1,050 to
        invoice, and the invoice made from the statement bills 1,050."""
        order = self.order()
        self.deliver(order, self.local(2026, 5, 10, 9, 0))
        freight = self.add_shipping(order)
        self.assertEqual(freight.price_unit, 50.0)
        statement = self.buyer_statement(MAY_31)
        self.assertEqual(statement.amount_to_invoice, 1050.0)
        line = statement.delivery_line_ids.filtered(lambda line: not line.stock_move_id)
        self.assertEqual(line.sale_line_id, freight)
        self.assertEqual(line.sale_order_id, order)
        self.assertEqual(line.product_id, self.freight)
        self.assertEqual((line.quantity, line.price_unit, line.amount), (1, 50, 50))
        self.assertEqual(line.date, date(2026, 5, 10))  # with the goods it carries
        invoices = self.invoice_through(statement)
        self.assertEqual(invoices.amount_total, 1050.0)
        self.assertEqual(freight.qty_invoiced, 1)
        # invoiced: nothing left for June
        self.assertFalse(self.buyer_statement(JUNE_30).delivery_line_ids)

    def test_freight_changed_after_sending(self):
        """The freight's price changed after the statement was sent: the confirmation is
        refused naming it."""
        order = self.order()
        self.deliver(order, self.local(2026, 5, 10, 9, 0))
        freight = self.add_shipping(order)
        statement = self.buyer_statement(MAY_31)
        statement.with_user(self.assistant).action_send()
        self.attach_reply(statement)
        freight.price_unit = 80.0
        with self.assertRaisesRegex(UserError, "unit price 50.0, now 80.0"):
            statement.with_user(self.assistant).action_confirm()

    def test_return_after_invoice_is_a_negative_line(self):
        """10 delivered and invoiced in May, 3 returned in June: June's statement lists
        -3 (-300), the customer owes 700, and the statement's invoicing is a credit note
        of 300."""
        order = self.order()
        picking = self.deliver(order, self.local(2026, 5, 10, 9, 0))
        invoice = order._create_invoices()
        invoice.invoice_date = date(2026, 5, 20)
        invoice.action_post()
        may = self.buyer_statement(MAY_31)
        self.assertFalse(may.delivery_line_ids)
        self.assertEqual(may.closing_balance, 1000.0)
        returned = self.return_goods(picking, 3, self.local(2026, 6, 5, 10, 0))
        june = self.buyer_statement(JUNE_30)
        line = june.delivery_line_ids
        self.assertEqual(line.picking_id, returned)
        self.assertEqual(line.sale_order_id, order)
        self.assertEqual((line.quantity, line.price_unit, line.amount), (-3, 100, -300))
        self.assertEqual(line.date, date(2026, 6, 5))
        self.assertEqual(june.amount_to_invoice, -300.0)
        self.assertEqual(june.closing_balance, 1000.0)
        self.assertEqual(june.amount_due, 700.0)
        refund = self.invoice_through(june)
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.amount_total, 300.0)
        self.assertEqual(order.order_line.qty_invoiced, 7)
        refund.action_post()
        self.assertEqual(self.buyer.credit, 700.0)

    def test_return_credited_by_hand_counts_once(self):
        """3 returned in June and credited by hand (a credit note of the order line):
        the credit note is June's negative line, the return is not deducted again."""
        order = self.order()
        picking = self.deliver(order, self.local(2026, 5, 10, 9, 0))
        invoice = order._create_invoices()
        invoice.invoice_date = date(2026, 5, 20)
        invoice.action_post()
        self.return_goods(picking, 3, self.local(2026, 6, 5, 10, 0))
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.buyer.id,
                "invoice_date": date(2026, 6, 8),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "quantity": 3,
                            "price_unit": 100.0,
                            "sale_line_ids": [Command.link(order.order_line.id)],
                        }
                    )
                ],
            }
        )
        refund.action_post()
        june = self.buyer_statement(JUNE_30)
        self.assertFalse(june.delivery_line_ids)
        self.assertEqual(june.account_line_ids.move_id, refund)
        self.assertEqual(june.account_line_ids.amount, -300.0)
        self.assertEqual((june.closing_balance, june.amount_due), (700.0, 700.0))

    def test_return_before_invoice_nets_its_delivery(self):
        """3 of 10 returned before any invoice: the delivery is listed for the 7 kept;
        a return that is not to be refunded (an exchange) takes nothing off."""
        order = self.order()
        picking = self.deliver(order, self.local(2026, 5, 10, 9, 0))
        self.return_goods(picking, 3, self.local(2026, 5, 12, 9, 0))
        exchange = Form(
            self.env["stock.return.picking"].with_context(
                active_id=picking.id, active_model="stock.picking"
            )
        ).save()
        exchange.product_return_moves.write({"quantity": 1, "to_refund": False})
        kept = exchange._create_return()
        kept.move_ids.write({"quantity": 1, "picked": True})
        kept._action_done()
        self.assertEqual(order.order_line.qty_delivered, 7)
        statement = self.buyer_statement(MAY_31)
        self.assertEqual(statement.delivery_line_ids.picking_id, picking)
        self.assertEqual(statement.delivery_line_ids.quantity, 7)
        self.assertEqual(statement.amount_to_invoice, 700.0)

    def test_service_delivered_by_hand(self):
        """A service whose delivered quantity is set by hand: what is delivered and not
        invoiced is on the statement, and invoiced from it."""
        service = self.env["product.product"].create(
            {
                "name": "Installation",
                "type": "service",
                "invoice_policy": "delivery",
                "taxes_id": [Command.clear()],
            }
        )
        order = self.order(qty=5, price=80.0, product=service)
        order.sudo().date_order = self.local(2026, 5, 4, 10, 0)
        order.order_line.with_user(self.manager).qty_delivered = 2
        statement = self.buyer_statement(MAY_31)
        line = statement.delivery_line_ids
        self.assertEqual(line.product_id, service)
        self.assertEqual((line.quantity, line.price_unit, line.amount), (2, 80, 160))
        self.assertEqual(line.date, date(2026, 5, 4))
        invoices = self.invoice_through(statement)
        self.assertEqual(invoices.invoice_line_ids.quantity, 2)
        self.assertEqual(invoices.amount_total, 160.0)

    def test_down_payment_deducted(self):
        """A down payment of 300 invoiced before the delivery of 10 x 100: the
        statement deducts it (-300, 700 to invoice) and so does its invoice."""
        order = self.order()
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "fixed", "fixed_amount": 300.0})
        )
        down_payment = wizard._create_invoices(order)
        down_payment.invoice_date = date(2026, 5, 3)
        down_payment.action_post()
        self.deliver(order, self.local(2026, 5, 10, 9, 0))
        statement = self.buyer_statement(MAY_31)
        deducted = statement.delivery_line_ids.filtered(lambda line: line.amount < 0)
        self.assertTrue(deducted.sale_line_id.is_downpayment)
        self.assertEqual((deducted.quantity, deducted.amount), (-1, -300))
        self.assertEqual(deducted.date, date(2026, 5, 10))
        self.assertEqual(statement.amount_to_invoice, 700.0)
        invoices = self.invoice_through(statement)
        self.assertEqual(invoices.move_type, "out_invoice")
        self.assertEqual(invoices.amount_total, 700.0)
        down_payment_line = order.order_line.filtered(
            lambda line: line.is_downpayment and not line.display_type
        )
        self.assertEqual(down_payment_line.qty_invoiced, 0)

    def test_down_payment_waits_for_the_goods(self):
        """Nothing delivered yet: the down payment is not deducted (no credit note of
        the customer's advance)."""
        order = self.order()
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "fixed", "fixed_amount": 300.0})
        )
        down_payment = wizard._create_invoices(order)
        down_payment.invoice_date = date(2026, 5, 3)
        down_payment.action_post()
        statement = self.buyer_statement(MAY_31)
        self.assertFalse(statement.delivery_line_ids)
        self.assertEqual(statement.amount_invoiced, 300.0)


@tagged("post_install", "-at_install")
class TestCustomerStatementChatterReply(CustomerStatementCase):
    """The customer's reply attached the natural way, in the statement's chatter (paper
    clip, a note, the customer's email), counts as the reply (客户回签); the statement's
    own files sent to the customer do not, nor a reply to an earlier sending."""

    def chatter_upload(self, statement, user, name="signed.pdf"):
        return (
            self.env["ir.attachment"]
            .with_user(user)
            .create(
                {
                    "name": name,
                    "raw": b"%PDF signed",
                    "res_model": statement._name,
                    "res_id": statement.id,
                }
            )
        )

    def test_paper_clip_upload_counts(self):
        statement = self.sent_statement()
        # the PDF and XLSX sent to the customer are on the chatter: not a reply
        self.assertTrue(statement.message_ids.attachment_ids)
        with self.assertRaisesRegex(UserError, "Attach the customer's reply"):
            statement.with_user(self.assistant).action_confirm()
        reply = self.chatter_upload(statement, self.assistant)
        statement.with_user(self.assistant).action_confirm()
        self.assertEqual(statement.state, "confirmed")
        self.assertEqual(statement.reply_attachment_ids, reply)

    def test_customer_email_with_attachment_counts(self):
        statement = self.sent_statement()
        statement.message_post(
            body="Signed, see attached",
            attachments=[("signed_statement.pdf", b"%PDF signed")],
            author_id=self.customer.id,
            message_type="email",
            subtype_xmlid="mail.mt_comment",
        )
        statement.with_user(self.manager).action_confirm()
        self.assertEqual(statement.state, "confirmed")
        self.assertEqual(statement.reply_attachment_ids.name, "signed_statement.pdf")

    def test_reply_to_an_earlier_sending_does_not_count(self):
        statement = self.sent_statement()
        self.chatter_upload(statement, self.assistant, "first_reply.pdf")
        statement.with_user(self.manager).action_dispute(
            {statement.delivery_line_ids[:1].id: "Wrong quantity"}
        )
        statement.with_user(self.assistant).action_send()
        with self.assertRaisesRegex(UserError, "Attach the customer's reply"):
            statement.with_user(self.assistant).action_confirm()
        reply = self.chatter_upload(statement, self.assistant, "second_reply.pdf")
        statement.with_user(self.assistant).action_confirm()
        self.assertEqual(statement.reply_attachment_ids, reply)
