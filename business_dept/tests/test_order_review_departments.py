from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common_sales import SalesRulesCase


class ReviewDepartmentsCase(SalesRulesCase):
    """Fixture of the order review by department (订单评审表): the shipped six departments
    of the company, a named reviewer for technical, PMC, purchasing and quality; finance
    answered by the Finance Reviewer group, the business column by the GM's signature."""

    review_by_departments = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Department = cls.env["business.review.department"]
        cls.departments = Department.search([("company_id", "=", cls.company.id)])
        cls.dept = {d.code: d for d in cls.departments}

        def reviewer(login):
            return new_test_user(
                cls.env,
                login=login,
                groups="base.group_user,business_dept.group_order_reviewer",
                company_id=cls.company.id,
                company_ids=[cls.company.id],
                tz="Asia/Shanghai",
            )

        cls.reviewers = {}
        for code in ("technical", "production", "purchase", "quality"):
            cls.reviewers[code] = reviewer(f"t_rev_{code}")
            cls.dept[code].user_ids = cls.reviewers[code]
        cls.reviewers["finance"] = cls.finance
        cls.head = reviewer("t_rev_head")
        cls.dept["purchase"].head_id = cls.head
        # Friday 21 November 2025, 10:00 in Shanghai
        cls.friday = cls.local(2025, 11, 21, 10, 0)

    def signed_order(self, when=None, **values):
        order = self.make_order(**values)
        order.action_confirm()
        with freeze_time(when or self.friday):
            order.with_user(self.gm).action_review_sign()
        return order

    def line(self, order, code):
        return order.review_line_ids.filtered(lambda rl: rl.department_id.code == code)

    def answer_rest(self, order, when):
        """Every department still waiting answers 可行 (before the hand-over)."""
        for line in order.review_line_ids.filtered(lambda rl: rl.state == "waiting"):
            self.answer(order, line.department_id.code, when, day=date(2025, 12, 31))

    def answer(self, order, code, when, opinion="feasible", day=None, comment=False):
        line = self.line(order, code)
        with freeze_time(when):
            line.with_user(self.reviewers[code])._business_answer(opinion, day, comment)
        return line


@tagged("post_install", "-at_install")
class TestOrderReviewDepartmentsFlow(ReviewDepartmentsCase):
    """Six departments in parallel within the 4 working days; one late, one 不可行; the
    manager decides."""

    def test_shipped_departments(self):
        self.assertEqual(
            self.departments.mapped("code"),
            ["business", "technical", "production", "purchase", "quality", "finance"],
        )
        self.assertEqual(self.departments.filtered("is_start"), self.dept["business"])
        self.assertTrue(all(self.departments.mapped("required")))
        other = self.env["res.company"].create({"name": "Second Review Co."})
        self.assertEqual(
            len(self.env["business.review.department"].search([("company_id", "=", other.id)])), 6
        )

    def test_six_departments_one_late_one_infeasible(self):
        order = self.signed_order()
        self.assertEqual(len(order.review_line_ids), 6)
        business = self.line(order, "business")
        self.assertEqual(business.state, "answered")
        self.assertEqual(business.answer_user_id, self.gm)
        self.assertEqual(order.review_outcome, "open")
        self.assertEqual(len(order.review_waiting_department_ids), 5)
        self.assertNotIn(self.dept["business"], order.review_waiting_department_ids)
        # every department has the whole review: end of Thursday 27 November
        thursday = self.local(2025, 11, 27, 17, 0)
        self.assertEqual(set(order.review_line_ids.mapped("deadline")), {thursday})
        self.assertEqual(order.review_deadline, thursday)
        # each reviewer has an activity on the order
        activity_users = order.activity_ids.mapped("user_id")
        for code in ("technical", "production", "purchase", "quality", "finance"):
            self.assertIn(self.reviewers[code], activity_users)
        # the follow-up finds the orders waiting for a department
        found = self.env["sale.order"].search(
            [("review_waiting_department_ids", "in", self.dept["purchase"].ids)]
        )
        self.assertIn(order, found)

        self.answer(order, "technical", self.local(2025, 11, 24, 9, 0), day=date(2025, 12, 10))
        self.answer(
            order,
            "production",
            self.local(2025, 11, 25, 11, 0),
            "conditional",
            date(2025, 12, 20),
            "Overtime on line 2",
        )
        # the reminder the working day before, then the escalation when late
        Line = self.env["business.order.review.line"]
        with freeze_time(self.local(2025, 11, 27, 9, 0)):
            Line._cron_business_department_reviews()
        purchase = self.line(order, "purchase")
        self.assertTrue(purchase.reminded)
        self.assertFalse(purchase.escalated)
        with freeze_time(self.local(2025, 11, 28, 9, 0)):
            Line._cron_business_department_reviews()
            self.assertTrue(purchase.late)
        self.assertTrue(purchase.escalated)
        escalated = purchase.activity_ids.mapped("user_id")
        self.assertIn(self.head, escalated)
        self.assertIn(self.company._business_director(), escalated)
        # purchasing answers late, quality says 不可行
        self.answer(order, "purchase", self.local(2025, 11, 28, 10, 0), day=date(2025, 12, 15))
        self.assertFalse(purchase.on_time)
        self.assertFalse(purchase.activity_ids.exists(), "its activities are done")
        self.assertGreater(purchase.answer_days, 4.0)
        self.assertTrue(self.line(order, "technical").on_time)
        with self.assertRaises(UserError):  # 不可行 without the reasons
            self.answer(order, "quality", self.local(2025, 11, 28, 11, 0), "infeasible")
        self.answer(
            order,
            "quality",
            self.local(2025, 11, 28, 11, 0),
            "infeasible",
            comment="Tolerance 0.01 mm out of reach",
        )
        # back to the manager with the reasons, before finance answered
        self.assertEqual(order.review_outcome, "refused")
        self.assertEqual(order.review_waiting_department_ids, self.dept["finance"])
        decision = order.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("business_dept.mail_activity_type_review_decision")
            )
        )
        self.assertEqual(decision.user_id, self.manager)
        self.assertIn("Tolerance 0.01 mm", decision.note)
        self.assertTrue(order.message_ids.filtered(lambda m: "Tolerance 0.01 mm" in (m.body or "")))
        self.answer(order, "finance", self.local(2025, 11, 28, 14, 0), day=date(2025, 12, 5))
        self.assertFalse(order.review_waiting_department_ids)
        # the latest date the departments gave
        self.assertEqual(order.review_committed_date, date(2025, 12, 20))
        # the manager's decision: his own order, with what is renegotiated
        with self.assertRaises(UserError):
            order.with_user(self.manager)._business_review_decide("accept")
        with self.assertRaises(UserError):
            order.with_user(self.manager)._business_review_decide("renegotiate")
        with self.assertRaises(AccessError):
            order.with_user(self.manager2)._business_review_decide("renegotiate", "x")
        with self.assertRaises(AccessError):
            order.with_user(self.reviewers["quality"])._business_review_decide("cancel", "x")
        with self.assertRaises(AccessError):
            order.with_user(self.manager).write({"review_decision": "accept"})
        wizard = (
            self.env["business.order.review.decide"]
            .with_user(self.manager)
            .create(
                {
                    "order_id": order.id,
                    "decision": "renegotiate",
                    "note": "Customer accepts 0.02 mm",
                }
            )
        )
        wizard.action_confirm()
        self.assertEqual(order.review_decision, "renegotiate")
        self.assertEqual(order.review_decision_user_id, self.manager)
        self.assertFalse(decision.exists(), "the manager's activity is done")
        with self.assertRaises(UserError):  # decided once
            order.with_user(self.manager)._business_review_decide("cancel", "again")
        # the assistant's hand-over and the on-time rate as before
        with freeze_time(self.local(2025, 11, 28, 16, 0)):
            order.with_user(self.assistant).action_review_receive()
        self.assertFalse(order.review_on_time)

    def test_complete_review_accepted(self):
        order = self.signed_order()
        for code in ("technical", "production", "purchase", "quality", "finance"):
            self.answer(order, code, self.local(2025, 11, 24, 9, 0), day=date(2025, 12, 8))
        self.assertEqual(order.review_outcome, "complete")
        self.assertEqual(order.review_committed_date, date(2025, 12, 8))
        order.with_user(self.director)._business_review_decide("accept")
        self.assertEqual(order.review_decision, "accept")
        self.assertEqual(order.review_decision_user_id, self.director)

    def test_printed_form_has_every_department(self):
        order = self.signed_order()
        self.answer(
            order,
            "quality",
            self.local(2025, 11, 24, 9, 0),
            "infeasible",
            comment="Coating not available",
        )
        html, __ = (
            self.env["ir.actions.report"]
            .with_user(self.assistant)
            ._render_qweb_html("business_dept.order_review_report", order.ids)
        )
        html = html.decode()
        for department in self.departments:
            self.assertIn(department.name, html)
        self.assertIn("Coating not available", html)
        self.assertIn("不可行", html)

    def test_cancelled_order_voids_the_review(self):
        order = self.signed_order()
        self.answer(order, "technical", self.local(2025, 11, 24, 9, 0), day=date(2025, 12, 8))
        order.with_context(disable_cancel_warning=True).action_cancel()
        self.assertFalse(order.review_line_ids)
        self.assertFalse(order.review_outcome)
        self.assertFalse(order.review_start_date)


@tagged("post_install", "-at_install")
class TestOrderReviewDepartmentsTime(ReviewDepartmentsCase):
    """Working days of each department: holidays, a department's own share, one switched
    off, just after local midnight."""

    def test_holiday_inside_the_four_days(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": self.calendar.id,
                "date_from": self.local(2025, 11, 24, 0, 0),
                "date_to": self.local(2025, 11, 24, 23, 59),
            }
        )
        self.dept["technical"].review_days = 2
        order = self.signed_order()
        # the whole review: Friday 28; technical's 2 days: Wednesday 26 (Monday off)
        self.assertEqual(self.line(order, "finance").deadline, self.local(2025, 11, 28, 17, 0))
        self.assertEqual(self.line(order, "technical").deadline, self.local(2025, 11, 26, 17, 0))
        self.assertEqual(
            self.line(order, "technical").reminder_date, self.local(2025, 11, 25, 17, 0)
        )
        # answered on Thursday: late for technical, on time for finance
        self.answer(order, "technical", self.local(2025, 11, 27, 10, 0), day=date(2025, 12, 8))
        self.answer(order, "finance", self.local(2025, 11, 27, 10, 0), day=date(2025, 12, 8))
        self.assertFalse(self.line(order, "technical").on_time)
        self.assertTrue(self.line(order, "finance").on_time)
        # Friday 10:00 → Thursday 10:00 with Monday off: 3 working days
        self.assertAlmostEqual(self.line(order, "finance").answer_days, 3.0, places=1)

    def test_share_longer_than_the_review_is_the_review(self):
        self.dept["quality"].review_days = 9
        order = self.signed_order()
        self.assertEqual(self.line(order, "quality").deadline, order.review_deadline)

    def test_signed_just_after_local_midnight(self):
        # Saturday 00:05 in Shanghai is Friday 16:05 UTC: the review day is Saturday
        order = self.signed_order(self.local(2025, 11, 22, 0, 5))
        self.assertEqual(self.line(order, "technical").review_date, date(2025, 11, 22))
        self.assertEqual(self.line(order, "technical").deadline, self.local(2025, 11, 27, 17, 0))

    def test_department_switched_off_and_optional(self):
        self.dept["quality"].active = False
        self.dept["technical"].required = False
        order = self.signed_order()
        self.assertEqual(len(order.review_line_ids), 5)
        self.assertNotIn(self.dept["quality"], order.review_line_ids.department_id)
        for code in ("production", "purchase", "finance"):
            self.answer(order, code, self.local(2025, 11, 24, 9, 0), day=date(2025, 12, 8))
        # the optional technical column does not hold the review up
        self.assertEqual(order.review_outcome, "complete")
        self.assertFalse(order.review_waiting_department_ids)
        # switched off again later: the shipped departments are not recreated
        self.env["business.review.department"]._business_create_defaults(self.company)
        self.assertFalse(
            self.env["business.review.department"].search(
                [("company_id", "=", self.company.id), ("code", "=", "quality")]
            )
        )


@tagged("post_install", "-at_install")
class TestOrderReviewDepartmentsAccess(ReviewDepartmentsCase):
    """A column is answered by its department only, while the review is open."""

    def test_answered_once_and_received_when_reviewed(self):
        """A column answered is not answered again (nobody overwrites a 不可行); the assistant
        receives the form only once the departments reviewed it, and their to-dos close."""
        order = self.signed_order()
        when = self.local(2025, 11, 24, 9, 0)
        self.answer(order, "quality", when, "infeasible", comment="公差无法保证")
        with freeze_time(when), self.assertRaises(UserError):
            self.line(order, "quality").with_user(self.reviewers["quality"])._business_answer(
                "feasible", date(2025, 12, 8), False
            )
        self.assertEqual(self.line(order, "quality").opinion, "infeasible")
        with freeze_time(when), self.assertRaises(UserError) as refused:
            order.with_user(self.assistant).action_review_receive()
        self.assertIn(self.dept["technical"].name, str(refused.exception))
        self.assertFalse(order.review_received_date)
        for code in ("technical", "production", "purchase", "finance"):
            self.answer(order, code, when, day=date(2025, 12, 8))
        # 不可行 from quality: the manager decides first
        with freeze_time(when), self.assertRaises(UserError):
            order.with_user(self.assistant).action_review_receive()

    def test_reviewer_answering_for_another_department_refused(self):
        order = self.signed_order()
        when = self.local(2025, 11, 24, 9, 0)
        with freeze_time(when):
            with self.assertRaises(AccessError):
                self.line(order, "finance").with_user(self.reviewers["technical"])._business_answer(
                    "feasible", date(2025, 12, 8)
                )
            with self.assertRaises(AccessError):
                self.line(order, "technical").with_user(self.finance)._business_answer(
                    "feasible", date(2025, 12, 8)
                )
            with self.assertRaises(AccessError):  # no plain write on a line
                self.line(order, "technical").with_user(self.reviewers["technical"]).write(
                    {"opinion": "feasible"}
                )
            with self.assertRaises(UserError):  # the business column is the signature
                self.line(order, "business").with_user(self.gm)._business_answer(
                    "feasible", date(2025, 12, 8)
                )
            with self.assertRaises(UserError):  # a date in the past
                self.line(order, "technical").with_user(
                    self.reviewers["technical"]
                )._business_answer("feasible", date(2025, 11, 1))
            with self.assertRaises(UserError):  # feasible without a date
                self.line(order, "technical").with_user(
                    self.reviewers["technical"]
                )._business_answer("feasible")
            with self.assertRaises(UserError):  # conditional without the conditions
                self.line(order, "technical").with_user(
                    self.reviewers["technical"]
                )._business_answer("conditional", date(2025, 12, 8))
        # the reviewer's list: waiting for my department
        mine = (
            self.env["business.order.review.line"]
            .with_user(self.reviewers["technical"])
            .search([("is_mine", "=", True), ("state", "=", "waiting")])
        )
        self.assertEqual(mine, self.line(order, "technical"))
        # he reads the order in review, not the others, and writes none
        self.assertEqual(order.with_user(self.reviewers["technical"]).name, order.name)
        with self.assertRaises(AccessError):
            order.with_user(self.reviewers["technical"]).write({"note": "x"})
        # the small form
        wizard = (
            self.env["business.order.review.answer"]
            .with_user(self.reviewers["technical"])
            .create(
                {
                    "line_id": self.line(order, "technical").id,
                    "opinion": "feasible",
                    "commit_date": date(2025, 12, 8),
                }
            )
        )
        with freeze_time(when):
            wizard.action_confirm()
        self.assertEqual(self.line(order, "technical").answer_user_id, self.reviewers["technical"])
        # after the hand-over nothing is answered any more
        self.answer_rest(order, when)
        with freeze_time(when):
            order.with_user(self.assistant).action_review_receive()
            with self.assertRaises(UserError):
                self.answer(order, "finance", when, day=date(2025, 12, 8))

    def test_reviewer_of_his_own_order_and_other_company(self):
        self.dept["production"].user_ids = self.manager
        order = self.signed_order()
        with self.assertRaises(UserError):
            self.line(order, "production").with_user(self.manager)._business_answer(
                "feasible", date(2026, 12, 8)
            )
        other = self.env["res.company"].create({"name": "Other Review Co."})
        lines = (
            self.env["business.order.review.line"]
            .with_user(self.reviewers["technical"])
            .search([("company_id", "=", other.id)])
        )
        self.assertFalse(lines)


@tagged("post_install", "-at_install")
class TestOrderReviewDepartmentFacts(ReviewDepartmentsCase):
    """Facts in front of the reviewers: a customer over his credit limit, a product short on
    the promised date."""

    def test_credit_over_the_limit(self):
        self.company.account_use_credit_limit = True
        self.customer.with_company(self.company).credit_limit = 500.0
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": date(2025, 10, 1),
                "invoice_date_due": date(2025, 10, 31),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Pump", "quantity": 1, "price_unit": 800.0, "tax_ids": []}
                    )
                ],
            }
        )
        invoice.action_post()
        order = self.signed_order()
        with freeze_time(self.local(2025, 11, 24, 9, 0)):
            facts = order._business_review_facts_finance()[order.id]
            self.assertEqual(facts["overdue"], 800.0)
            self.assertGreaterEqual(facts["open_amount"], 800.0)
            self.assertEqual(facts["credit_limit"], 500.0)
            self.assertTrue(facts["over_limit"])
            html = str(self.line(order, "finance").with_user(self.finance).facts_html)
        self.assertIn("Over the credit limit", html)
        self.assertNotIn("Over the credit limit", str(self.line(order, "technical").facts_html))
        # without the company's credit limit: no limit
        self.company.account_use_credit_limit = False
        self.assertFalse(order._business_review_facts_finance()[order.id]["over_limit"])

    def test_product_short_on_the_promised_date(self):
        product = self.env["product.product"].create(
            {"name": "Short Valve", "is_storable": True, "sale_delay": 5}
        )
        vendor = self.env["res.partner"].create({"name": "Valve Vendor"})
        product.seller_ids = [Command.create({"partner_id": vendor.id, "delay": 7})]
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.company.id)], limit=1
        )
        self.env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 4.0)
        promised = self.local(2027, 6, 10, 12, 0)
        order = self.make_order(commitment_date=promised, order_line=[])
        order.order_line = [
            Command.create({"product_id": product.id, "product_uom_qty": 10, "price_unit": 50.0})
        ]
        order.action_confirm()
        # a receipt of 20 planned after the promised date does not count on it
        self.env["stock.move"].create(
            {
                "name": "Late receipt",
                "product_id": product.id,
                "product_uom_qty": 20,
                "product_uom": product.uom_id.id,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": warehouse.lot_stock_id.id,
                "date": promised + timedelta(days=10),
            }
        )._action_confirm()
        with freeze_time(self.friday):
            order.with_user(self.gm).action_review_sign()
        row = order._business_review_facts_stock()[order.id][0]
        self.assertEqual(row["forecast"], -6.0)
        self.assertTrue(row["short"])
        self.assertEqual(row["free_qty"], 0.0, "the 4 in stock are reserved for the order")
        self.assertEqual(row["sale_delay"], 5)
        self.assertEqual(row["vendor_delay"], 7)
        self.assertEqual(product.virtual_available, 14.0)
        purchase = order._business_review_facts_purchase()[order.id][0]
        self.assertEqual(purchase["components_short"], [])
        self.assertEqual(purchase["vendors"], [{"name": "Valve Vendor", "delay": 7}])
        html = str(
            self.line(order, "production").with_user(self.reviewers["production"]).facts_html
        )
        self.assertIn("Short Valve", html)
        self.assertIn("Valve Vendor", str(self.line(order, "purchase").facts_html))


@tagged("post_install", "-at_install")
class TestOrderReviewDepartmentRates(ReviewDepartmentsCase):
    """Per department: answered on time / answered and average working days, on a month of
    reviews; the order review on-time rate (订单评审表及时率) keeps its rule."""

    def test_month_of_reviews(self):
        orders = self.env["sale.order"]
        # four reviews signed in November 2025, one in December (not counted)
        for day in (3, 10, 17, 21):
            orders |= self.signed_order(self.local(2025, 11, day, 10, 0))
        december = self.signed_order(self.local(2025, 12, 1, 10, 0))
        for index, order in enumerate(orders):
            start = order.review_start_date
            # technical always the next morning; purchasing late on every second order
            self.answer(
                order,
                "technical",
                start + timedelta(days=3 if index == 3 else 1),
                day=date(2026, 1, 5),
            )
            late = index % 2
            self.answer(
                order,
                "purchase",
                start + timedelta(days=9 if late else 2),
                day=date(2026, 1, 5),
            )
        self.answer(december, "purchase", self.local(2025, 12, 2, 10, 0), day=date(2026, 1, 5))
        rates = self.env["business.review.department"]._business_department_rates(
            [("review_date", ">=", date(2025, 11, 1)), ("review_date", "<", date(2025, 12, 1))]
        )
        self.assertEqual(rates[self.dept["purchase"]]["answered"], 4)
        self.assertEqual(rates[self.dept["purchase"]]["on_time"], 2)
        self.assertEqual(rates[self.dept["purchase"]]["rate"], 50.0)
        self.assertEqual(rates[self.dept["technical"]]["rate"], 100.0)
        self.assertGreater(
            rates[self.dept["purchase"]]["avg_days"], rates[self.dept["technical"]]["avg_days"]
        )
        self.assertNotIn(self.dept["finance"], rates, "nothing answered")
        # the pivot: by department and month, the rate is the ratio of the sums
        groups = self.env["business.order.review.line"]._read_group(
            [("state", "=", "answered"), ("department_id", "=", self.dept["purchase"].id)],
            ["review_date:month"],
            ["on_time_rate:avg"],
        )
        self.assertEqual([round(rate, 2) for __, rate in groups], [50.0, 100.0])
        # the review on-time rate keeps its rule: the receipt against the deadline
        for order in orders[:2]:
            self.answer_rest(order, order.review_start_date + timedelta(hours=1))
            with freeze_time(order.review_start_date + timedelta(days=1)):
                order.with_user(self.assistant).action_review_receive()
        self.assertTrue(all(orders[:2].mapped("review_on_time")))
