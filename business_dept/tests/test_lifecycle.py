from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_sales import SalesRulesCase


@tagged("post_install", "-at_install")
class TestLifecycle(SalesRulesCase):
    """Right through the life of a document: each row is a document, an event of its life
    and the effect expected on the rules (a document that goes back starts again; a copy
    carries no approval; a request that can no longer be served is refused, saying why).

    - quotation signed, cancelled, reset: sign-off void, asked again, not sent meanwhile;
    - quotation signed, duplicated: the copy waits for its own sign-off;
    - order reviewed (signed, received), cancelled, reset, confirmed: no review date kept;
    - insert order requested on a cancelled order: refused, the order's state named;
    - insert order requested on a fully delivered order: refused, nothing left to deliver;
    - insert order submitted, then its order cancelled: approval refused, order untouched;
    - insert order approved, duplicated: the copy is a draft of whoever copied it, no review;
    - backlog explanation reviewed, duplicated: the copy is to explain, reviewed by nobody.
    """

    mail_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "quote_signoff_required": True,
                "quote_signoff_min_amount": 0.0,
                "insert_gm_amount": 1e9,
                "insert_gm_days": 1000,
            }
        )

    def signed_quotation(self, **values):
        order = self.make_order(**values)
        order.with_user(self.gm).action_signoff()
        self.assertEqual(order.signoff_state, "signed")
        return order

    def confirmed(self):
        order = self.signed_quotation(
            commitment_date=fields.Datetime.now().replace(microsecond=0) + timedelta(days=30)
        )
        order.with_user(self.manager).action_confirm()
        return order

    def insert_request(self, order):
        return (
            self.env["business.insert.order"]
            .with_user(self.manager)
            .create(
                {
                    "sale_order_id": order.id,
                    "requested_date": order.commitment_date - timedelta(days=5),
                    "reason": "Customer line stop",
                }
            )
        )

    # ------------------------------------------------------------------ quotation
    def test_quotation_signed_cancelled_reset_asks_again(self):
        order = self.signed_quotation()
        order.with_user(self.manager)._action_cancel()
        self.assertFalse(order.signoff_date or order.signoff_user_id)
        order.with_user(self.manager).action_draft()
        self.assertEqual(order.signoff_state, "to_sign")
        self.assertEqual(order.validation_status, "pending")
        self.assertTrue(order.message_ids.filtered(lambda m: "void" in (m.body or "")))
        with self.assertRaises(UserError):
            order.with_user(self.manager).action_quotation_send()
        order.with_user(self.gm2).action_signoff()
        self.assertEqual(order.signoff_user_id, self.gm2)

    def test_quotation_duplicated_waits_for_its_own_signoff(self):
        order = self.signed_quotation()
        copy = order.with_user(self.manager).copy()
        self.assertFalse(copy.signoff_date or copy.signoff_user_id)
        self.assertEqual(copy.signoff_state, "to_sign")
        self.assertTrue(copy.review_ids)
        self.assertFalse(copy.review_ids & order.review_ids)
        self.assertEqual(copy.review_ids.status, "pending")
        self.assertEqual(order.signoff_state, "signed")

    # ------------------------------------------------------------------ order review
    def test_order_review_cancelled_reset_confirmed_starts_again(self):
        order = self.confirmed()
        order.with_user(self.gm).action_review_sign()
        order.with_user(self.assistant).action_review_receive()
        self.assertTrue(order.review_start_date and order.review_received_date)
        order.with_user(self.manager)._action_cancel()
        self.assertFalse(order.review_start_date or order.review_received_date)
        order.with_user(self.manager).action_draft()
        order.with_user(self.gm).action_signoff()
        order.with_user(self.manager).action_confirm()
        self.assertFalse(order.review_start_date or order.review_received_date)
        self.assertFalse(order.review_on_time)
        # the review is given again, on the new dates
        order.with_user(self.gm).action_review_sign()
        self.assertTrue(order.review_start_date)

    # ------------------------------------------------------------------ insert order
    def test_insert_order_on_cancelled_order_refused(self):
        order = self.confirmed()
        request = self.insert_request(order)
        order.with_user(self.manager)._action_cancel()
        with self.assertRaisesRegex(UserError, order.name):
            request.action_submit()
        self.assertEqual(request.state, "draft")

    def test_insert_order_on_fully_delivered_order_refused(self):
        order = self.confirmed()
        picking = order.picking_ids
        picking.move_ids.quantity = 10
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        request = self.insert_request(order)
        with self.assertRaisesRegex(UserError, "nothing left to deliver"):
            request.action_submit()

    def test_insert_order_submitted_then_order_cancelled(self):
        order = self.confirmed()
        request = self.insert_request(order)
        request.action_submit()
        commitment = order.commitment_date
        order.with_user(self.manager)._action_cancel()
        with self.assertRaisesRegex(UserError, order.name):
            request.with_user(self.director).action_approve(comment="OK")
        self.assertEqual(request.state, "submitted")
        self.assertEqual(order.commitment_date, commitment)

    def test_insert_order_duplicated_carries_no_approval(self):
        order = self.confirmed()
        request = self.insert_request(order)
        request.action_submit()
        request.with_user(self.director).action_approve(comment="OK")
        self.assertEqual(request.state, "approved")
        copy = request.with_user(self.director).copy(
            {"requested_date": request.requested_date - timedelta(days=2)}
        )
        self.assertEqual(copy.state, "draft")
        self.assertEqual(copy.requested_by_id, self.director)
        self.assertFalse(copy.review_ids)
        self.assertEqual(copy.validation_status, "no")

    def test_backlog_duplicated_carries_no_review(self):
        backlog = self.env["business.stock.backlog"].create(
            {
                "product_id": self.product.id,
                "month": fields.Date.today().replace(day=1),
                "user_id": self.manager.id,
                "reason": "Customer cancelled",
                "action_plan": "Sell to another customer",
            }
        )
        backlog.with_user(self.manager).action_explain()
        backlog.with_user(self.director).action_review()
        self.assertEqual(backlog.state, "reviewed")
        copy = backlog.copy({"month": (backlog.month - timedelta(days=1)).replace(day=1)})
        self.assertEqual(copy.state, "to_explain")
        self.assertFalse(copy.reviewed_by_id or copy.reviewed_date or copy.explained_date)
        self.assertFalse(copy.review_ids)
