from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common_sales import SalesRulesCase


class SignoffCase(SalesRulesCase):
    """Quotations wait for the General Manager's sign-off; the given users are the General
    Managers (``general_managers``: attribute names)."""

    mail_enabled = True
    general_managers = ("gm",)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"quote_signoff_required": True, "quote_signoff_min_amount": 0.0})
        managers = [getattr(cls, name).id for name in cls.general_managers]
        cls.env.ref("business_dept.group_general_manager").write({"users": [Command.set(managers)]})


@tagged("post_install", "-at_install")
class TestSubstitutes(SignoffCase):
    """代理审批: while the General Manager is away, the quotations that wait for his sign-off
    wait for his substitute too, who signs "for" him; never his own request, never before
    or after the period, never a chain."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Substitute = cls.env["business.tier.substitute"]
        cls.review_type = cls.env.ref("business_dept.mail_activity_type_tier_review")
        cls.today = cls.company._business_local_today()

    def _away(self, user, substitute, start=0, days=3, by=None):
        return self.Substitute.with_user(by or user).create(
            {
                "user_id": user.id,
                "substitute_id": substitute.id,
                "date_from": self.today + timedelta(days=start),
                "date_to": self.today + timedelta(days=start + days),
            }
        )

    def _with_activity(self, order):
        return order.activity_ids.filtered(lambda a: a.activity_type_id == self.review_type).user_id

    def test_substitute_signs_for_the_general_manager(self):
        order = self.make_order()
        self.assertEqual(self._with_activity(order), self.gm)
        self._away(self.gm, self.director)
        # the review waits for the substitute too: activity and inbox
        self.assertEqual(self._with_activity(order), self.gm | self.director)
        found = self.env["sale.order"].with_user(self.director).search([("can_review", "=", True)])
        self.assertIn(order, found)
        order.with_user(self.director).action_signoff()
        review = order.review_ids
        self.assertEqual(review.status, "approved")
        self.assertEqual((review.done_by, review.business_on_behalf_id), (self.director, self.gm))
        label = f"{self.director.name} for {self.gm.name}"
        self.assertEqual(review.business_done_by_label, label)
        self.assertTrue(any(label in (m.body or "") for m in order.message_ids))
        self.assertFalse(self._with_activity(order))

    def test_general_manager_himself_signs_while_away(self):
        """The reviewer away may still act: then nobody acted for anybody."""
        order = self.make_order()
        self._away(self.gm, self.director)
        order.with_user(self.gm).action_signoff()
        self.assertEqual(order.review_ids.done_by, self.gm)
        self.assertFalse(order.review_ids.business_on_behalf_id)

    def test_outside_the_period(self):
        order = self.make_order()
        self._away(self.gm, self.director, start=1)
        self.assertEqual(self._with_activity(order), self.gm)
        with self.assertRaises(AccessError):
            order.with_user(self.director).action_signoff()
        # the day it starts, the hourly job gives him the review; after its last day, not
        start = self.today + timedelta(days=1)
        with freeze_time(f"{start} 02:00:00"):
            self.Substitute._cron_business_substitutes()
            self.assertIn(self.director, self._with_activity(order))
        with freeze_time(f"{start + timedelta(days=4)} 02:00:00"):
            self.Substitute._cron_business_substitutes()
            self.assertEqual(self._with_activity(order), self.gm)
            with self.assertRaises(AccessError):
                order.with_user(self.director).action_signoff()

    def test_never_his_own_request(self):
        """The substitute made the quotation himself: he does not sign it off."""
        order = self.make_order(user=self.manager)
        self._away(self.gm, self.manager)
        self.assertEqual(self._with_activity(order), self.gm)
        with self.assertRaises(AccessError):
            order.with_user(self.manager).action_signoff()
        self.assertEqual(order.review_ids.status, "pending")

    def test_rules_of_naming(self):
        # not chained: the substitute is away himself in the period, or the one away stands in
        self._away(self.director, self.director2)
        with self.assertRaises(ValidationError):
            self._away(self.gm, self.director)
        with self.assertRaises(ValidationError):
            self._away(self.director2, self.gm)  # he stands in for the director then
        with self.assertRaises(ValidationError):
            self._away(self.gm, self.gm)
        # never back-dated
        with self.assertRaises(ValidationError):
            self._away(self.gm, self.gm2, start=-1)
        # a manager names no substitute for someone else; a director for his team; the
        # administrator for anyone
        with self.assertRaises(AccessError):
            self._away(self.gm, self.gm2, by=self.manager)
        with self.assertRaises(AccessError):
            self._away(self.gm, self.gm2, by=self.director)
        self.assertTrue(self._away(self.manager, self.manager2, by=self.director))
        admin = self.env.ref("base.user_admin")
        self.assertTrue(self._away(self.gm, self.gm2, by=admin))
        # a running substitution is extended or ended today, never back-dated
        running = self._away(self.salesman, self.gm2)
        with freeze_time(f"{self.today + timedelta(days=1)} 06:00:00"):
            running.with_user(self.salesman).write({"date_to": self.today + timedelta(days=5)})
            with self.assertRaises(ValidationError):
                running.with_user(self.salesman).write({"date_to": self.today})
        # a portal user is no substitute
        portal = self.env["res.users"].create(
            {
                "name": "Portal Buyer",
                "login": "t_portal_substitute",
                "groups_id": [Command.set(self.env.ref("base.group_portal").ids)],
            }
        )
        with self.assertRaises(ValidationError):
            self._away(self.gm, portal)
        # nor changes another's
        substitution = self._away(self.assistant, self.finance)
        with self.assertRaises(AccessError):
            substitution.with_user(self.finance).write({"date_to": self.today})


@tagged("post_install", "-at_install")
class TestReviewEscalation(SignoffCase):
    """催办、升级: a quotation waiting for the General Manager's sign-off reminds him after one
    working day and also waits for the administrators after three, counted on the company
    calendar (a weekend and a holiday do not count); a review already done is left alone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.definition = cls.env.ref("business_dept.tier_definition_quotation_signoff")
        cls.definition.write({"business_remind_days": 1, "business_escalate_days": 3})
        # Friday 2 October 2026 is in the National Day holiday (a day off of the calendar)
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "National Day",
                "calendar_id": cls.calendar.id,
                "date_from": cls.local(2026, 10, 2, 0, 0),
                "date_to": cls.local(2026, 10, 2, 23, 59),
            }
        )
        cls.Review = cls.env["tier.review"]

    def _run(self, *when):
        with freeze_time(self.local(*when)):
            self.Review._cron_business_review_escalation()

    def test_remind_then_escalate_in_working_days(self):
        # pending from Thursday 1 October 2026, 10:00
        with freeze_time(self.local(2026, 10, 1, 10, 0)):
            order = self.make_order()
        review = order.review_ids
        self.assertEqual(review.business_pending_since, self.local(2026, 10, 1, 10, 0))
        self._run(2026, 10, 2, 18, 0)  # the holiday: not a working day
        self.assertFalse(review.business_reminded)
        self._run(2026, 10, 5, 11, 0)  # Monday morning: its first working day not over
        self.assertFalse(review.business_reminded)
        self._run(2026, 10, 5, 18, 0)  # one working day waited
        self.assertTrue(review.business_reminded)
        self.assertFalse(review.business_escalated)
        admin = self.env.ref("base.user_admin")
        self._run(2026, 10, 7, 11, 0)  # the third working day not over
        self.assertFalse(review.business_escalated)
        self._run(2026, 10, 7, 18, 0)  # three working days: escalated
        self.assertTrue(review.business_escalated)
        self.assertIn(admin, review.reviewer_ids)
        self.assertIn(admin, order.activity_ids.user_id)
        self.assertTrue(
            any("also waits" in (m.body or "") for m in order.message_ids),
            "the requester is told",
        )
        order.with_user(admin).action_signoff()
        self.assertEqual(review.status, "approved")

    def test_no_escalation_for_a_review_done(self):
        with freeze_time(self.local(2026, 10, 1, 10, 0)):
            order = self.make_order()
            order.with_user(self.gm).action_signoff()
        self._run(2026, 10, 9, 11, 0)
        self.assertFalse(order.review_ids.business_escalated)
        self.assertFalse(order.review_ids.business_reminded)

    def test_no_reminder_for_a_rejected_or_cancelled_document(self):
        with freeze_time(self.local(2026, 10, 1, 10, 0)):
            rejected = self.make_order()
            rejected.with_user(self.gm)._business_reject("Price too low")
            cancelled = self.make_order()
            cancelled.action_cancel()
        self._run(2026, 10, 9, 11, 0)
        self.assertEqual(rejected.review_ids.status, "rejected")
        self.assertFalse(rejected.review_ids.business_reminded)
        self.assertFalse(rejected.review_ids.business_escalated)
        self.assertFalse(cancelled.review_ids.filtered("business_reminded"))

    def test_the_requester_is_never_an_escalation_reviewer(self):
        """Escalated to a named deputy who made the quotation: not him."""
        self.definition.business_escalate_user_id = self.manager
        with freeze_time(self.local(2026, 10, 1, 10, 0)):
            order = self.make_order(user=self.manager)
        self._run(2026, 10, 9, 11, 0)
        self.assertTrue(order.review_ids.business_escalated)
        self.assertNotIn(self.manager, order.review_ids.reviewer_ids)


@tagged("post_install", "-at_install")
class TestApproverInbox(SignoffCase):
    """待我审批: the reviews waiting for the General Manager, or for the one he stands in
    for, in one list; approved many at once, each checked as one by one."""

    general_managers = ("gm", "gm2")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inbox = cls.env.ref("business_dept.tier_review_action_inbox")

    def _inbox_of(self, user):
        """The action's domain, as the web client evaluates it for ``user``."""
        domain = safe_eval(self.inbox.domain, {"uid": user.id})
        return self.env["tier.review"].with_user(user).search(domain)

    def test_inbox_and_many_at_once(self):
        self.gm.notification_type = "email"
        orders = [self.make_order(price=100.0 + n) for n in range(9)]
        own = self.make_order(user=self.gm)  # the General Manager's own quotation
        inbox = self._inbox_of(self.gm)
        self.assertEqual(
            {r.res_id for r in inbox if r.model == "sale.order"} & {o.id for o in [*orders, own]},
            {o.id for o in orders},
            "his own quotation waits for the other General Manager only",
        )
        row = inbox.filtered(lambda r: r.res_id == orders[0].id)
        self.assertEqual(row.business_document, f"{orders[0].name} – {self.customer.name}")
        self.assertEqual(row.business_amount, orders[0].amount_total)  # company currency
        self.assertEqual(row.requested_by, self.manager)
        # a notification e-mail is queued for the reviewer who receives e-mails
        notified = (
            self.env["mail.notification"]
            .sudo()
            .search(
                [
                    ("res_partner_id", "=", self.gm.partner_id.id),
                    ("notification_type", "=", "email"),
                    ("mail_message_id.model", "=", "sale.order"),
                    ("mail_message_id.res_id", "=", orders[0].id),
                ]
            )
        )
        self.assertTrue(notified, "the pending review's activity is e-mailed")
        # ten selected (his own included, through RPC): nine approved, his own refused
        reviews = self.env["tier.review"].search(
            [("model", "=", "sale.order"), ("res_id", "in", [o.id for o in [*orders, own]])]
        )
        result = reviews.with_user(self.gm).action_business_approve()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn(own.name, result["params"]["message"])
        self.assertTrue(all(o.signoff_user_id == self.gm for o in orders))
        self.assertFalse(own.signoff_user_id)
        self.assertEqual(own.review_ids.status, "pending")

    def test_open_only_a_document_one_may_read(self):
        order = self.make_order()
        review = self.env["tier.review"].search(
            [("model", "=", "sale.order"), ("res_id", "=", order.id)]
        )
        action = review.with_user(self.gm).action_business_open()
        self.assertEqual((action["res_model"], action["res_id"]), ("sale.order", order.id))
        # a salesperson who sees his own orders only reads neither the order nor its review
        # (a clear access error, as for the order)
        with self.assertRaises(AccessError):
            review.with_user(self.salesman).check_access("read")
        with self.assertRaises(AccessError):
            review.with_user(self.salesman).action_business_open()
        self.assertFalse(
            self.env["tier.review"].with_user(self.salesman).search([("id", "=", review.id)])
        )

    def test_substitute_sees_what_waits_for_the_one_away(self):
        order = self.make_order()
        self.assertFalse(self._inbox_of(self.director).filtered(lambda r: r.res_id == order.id))
        self.env["business.tier.substitute"].with_user(self.gm).create(
            {
                "user_id": self.gm.id,
                "substitute_id": self.director.id,
                "date_from": self.company._business_local_today(),
                "date_to": self.company._business_local_today() + timedelta(days=2),
            }
        )
        rows = self._inbox_of(self.director).filtered(lambda r: r.res_id == order.id)
        self.assertEqual(len(rows), 1)
        rows.with_user(self.director).action_business_approve()
        self.assertEqual(order.review_ids.business_on_behalf_id, self.gm)
        # reject one in place: the comment dialog
        other = self.make_order()
        row = self._inbox_of(self.gm).filtered(lambda r: r.res_id == other.id)
        action = row.with_user(self.gm).action_business_reject()
        self.assertEqual(action["res_model"], "comment.wizard")
