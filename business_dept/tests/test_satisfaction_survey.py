from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import BusinessDeptCase


@tagged("post_install", "-at_install")
class TestSatisfactionSurvey(BusinessDeptCase):
    def _survey(self, user=None, **scores):
        return (
            self.env["business.satisfaction.survey"]
            .with_user(user or self.manager)
            .create({"partner_id": self.customer.id, "date": "2026-03-10", **scores})
        )

    def test_score_ignores_empty_dimensions(self):
        survey = self._survey(score_quotation=90, score_quality=80)
        self.assertEqual(survey.user_id, self.manager, "the customer's salesperson is responsible")
        self.assertEqual(survey.score, 85.0)
        survey.score_service = 70
        self.assertEqual(survey.score, 80.0)

    def test_done_under_threshold_gives_activity(self):
        good = self._survey(score_quotation=90, score_technical=70)
        good.action_done()
        self.assertEqual(good.state, "done")
        self.assertFalse(good.activity_ids)
        bad = self._survey(score_quotation=60, score_delivery=70)
        bad.action_done()
        self.assertEqual(bad.activity_ids.user_id, self.manager)
        with self.assertRaises(UserError):
            bad.action_done()
        # a finished survey is not reset and rescored by its own manager, only by a director
        with self.assertRaises(AccessError):
            bad.action_draft()
        with self.assertRaises(AccessError):
            bad.write({"score_quotation": 95})
        self.assertEqual(bad.score, 65.0)
        bad.with_user(self.director).action_draft()
        self.assertEqual(bad.state, "draft")

    def test_bad_input_and_roles(self):
        with self.assertRaises(ValidationError):
            self._survey(score_quality=120)
        with self.assertRaises(ValidationError):
            self._survey(score_quality=-1)
        empty = self._survey()
        with self.assertRaises(UserError):
            empty.action_done()
        survey = self._survey(score_quality=90)
        # Another manager neither sees nor finishes it; a plain salesman has no access.
        with self.assertRaises(AccessError):
            survey.with_user(self.manager2).action_done()
        with self.assertRaises(AccessError):
            survey.with_user(self.salesman).action_done()
        with self.assertRaises(AccessError):
            self._survey(user=self.manager2, score_quality=90)
        survey.with_user(self.director).action_done()
        self.assertEqual(survey.state, "done")
