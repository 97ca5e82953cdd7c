from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common_sales import SalesRulesCase


@tagged("post_install", "-at_install")
class TestSubstitutes(SalesRulesCase):
    """代理审批: while the General Manager is away, the quotations that wait for his sign-off
    wait for his substitute too, who signs "for" him; never his own request, never before
    or after the period, never a chain."""

    mail_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"quote_signoff_required": True, "quote_signoff_min_amount": 0.0})
        gm_group = cls.env.ref("business_dept.group_general_manager")
        # one General Manager: the one away
        gm_group.write({"users": [Command.set(cls.gm.ids)]})
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
        # nor changes another's
        substitution = self._away(self.assistant, self.finance)
        with self.assertRaises(AccessError):
            substitution.with_user(self.finance).write({"date_to": self.today})
