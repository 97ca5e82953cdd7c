from odoo import Command
from odoo.tests import new_test_user, tagged

from .common_sales import SalesRulesCase


@tagged("post_install", "-at_install")
class TestApprovalsFollowPeople(SalesRulesCase):
    """审批随人: a review waits for whoever holds the reviewer role now; nobody presses a
    button when the General Manager is replaced, archived or moved to another company."""

    mail_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"quote_signoff_required": True, "quote_signoff_min_amount": 0.0})
        cls.gm_group = cls.env.ref("business_dept.group_general_manager")
        cls.review_type = cls.env.ref("business_dept.mail_activity_type_tier_review")
        cls.nobody_type = cls.env.ref("business_dept.mail_activity_type_tier_no_reviewer")
        cls.other_company = cls.env["res.company"].create({"name": "Follow People Other Co."})

    def reviewers_with_activity(self, order):
        return order.activity_ids.filtered(lambda a: a.activity_type_id == self.review_type).user_id

    def in_inbox(self, user, order):
        found = self.env["sale.order"].with_user(user).search([("can_review", "=", True)])
        return order in found

    def test_general_manager_replaced(self):
        order = self.make_order()
        self.assertIn(self.gm, self.reviewers_with_activity(order))
        self.assertTrue(self.in_inbox(self.gm, order))
        # the GM leaves the group (his user form), another user joins it (a new user)
        self.gm.write({"groups_id": [Command.unlink(self.gm_group.id)]})
        new_gm = new_test_user(
            self.env,
            login="t_new_gm",
            groups="base.group_user,business_dept.group_general_manager",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        self.assertIn(new_gm, self.reviewers_with_activity(order))
        self.assertTrue(self.in_inbox(new_gm, order))
        inbox = self.env["res.users"].with_user(new_gm).review_user_count()
        self.assertIn("sale.order", [group["model"] for group in inbox])
        self.assertNotIn(self.gm, self.reviewers_with_activity(order))
        self.assertFalse(self.in_inbox(self.gm, order))
        # the new GM signs off; the former one may not
        order.with_user(new_gm).action_signoff()
        self.assertEqual(order.signoff_user_id, new_gm)

    def test_general_manager_archived_or_moved(self):
        order = self.make_order()
        self.assertTrue(self.gm | self.gm2 <= self.reviewers_with_activity(order))
        self.gm.active = False
        self.assertNotIn(self.gm, self.reviewers_with_activity(order))
        self.assertNotIn(self.gm, order.review_ids.reviewer_ids)
        # moved to another company: no review of a company he cannot open
        self.gm2.write(
            {
                "company_ids": [Command.set(self.other_company.ids)],
                "company_id": self.other_company.id,
            }
        )
        self.assertNotIn(self.gm2, self.reviewers_with_activity(order))
        self.assertNotIn(self.gm2, order.review_ids.reviewer_ids)
        self.assertFalse(self.in_inbox(self.gm2, order))

    def test_nobody_left_tells_the_administrator(self):
        order = self.make_order()
        holders = self.gm_group.users
        self.gm_group.write({"users": [Command.unlink(u.id) for u in holders]})
        self.assertFalse(order.review_ids.reviewer_ids)
        stalled = order.activity_ids.filtered(lambda a: a.activity_type_id == self.nobody_type)
        self.assertTrue(stalled)
        self.assertTrue(all(u.has_group("base.group_system") for u in stalled.user_id))
        self.assertIn("Nobody can review", order.message_ids[:1].body)
        # a General Manager again: the review is his, the administrators' to-do is gone
        self.gm_group.write({"users": [Command.link(self.gm.id)]})
        self.assertEqual(self.reviewers_with_activity(order), self.gm)
        self.assertFalse(
            order.activity_ids.filtered(lambda a: a.activity_type_id == self.nobody_type)
        )
        order.with_user(self.gm).action_signoff()
        self.assertEqual(order.signoff_state, "signed")
