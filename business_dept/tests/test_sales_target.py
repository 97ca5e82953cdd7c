from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import BusinessDeptCase


@tagged("post_install", "-at_install")
class TestSalesTarget(BusinessDeptCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Target = cls.env["business.sales.target"]
        cls.team = cls.env["crm.team"].create({"name": "East Team"})

    def _target(self, user=None, amount=120000.0, **vals):
        return self.Target.with_user(self.director).create(
            {"user_id": (user or self.manager).id, "year": 2026, "amount": amount, **vals}
        )

    def test_even_split(self):
        target = self._target(amount=100000.0)
        self.assertEqual(target.line_ids.mapped("month"), list(range(1, 13)))
        self.assertEqual(target.line_ids[:11].mapped("amount"), [8333.33] * 11)
        self.assertAlmostEqual(target.line_ids[11].amount, 8333.37, places=2)
        self.assertAlmostEqual(sum(target.line_ids.mapped("amount")), 100000.0, places=2)

    def test_edit_months_keeps_total(self):
        target = self._target()
        target.write(
            {
                "line_ids": [
                    (1, target.line_ids[0].id, {"amount": 5000.0}),
                    (1, target.line_ids[1].id, {"amount": 15000.0}),
                ]
            }
        )
        self.assertEqual(target.line_ids[:2].mapped("amount"), [5000.0, 15000.0])
        with self.assertRaises(ValidationError):
            target.write({"line_ids": [(1, target.line_ids[0].id, {"amount": 1.0})]})
        # A new annual amount splits the months again.
        target.amount = 24000.0
        self.assertEqual(target.line_ids.mapped("amount"), [2000.0] * 12)

    def test_bad_input(self):
        with self.assertRaises(ValidationError):
            self._target(team_id=self.team.id)
        with self.assertRaises(ValidationError):
            self.Target.with_user(self.director).create({"year": 2026, "amount": 100.0})
        with self.assertRaises(ValidationError):
            self._target(amount=-5.0)
        with self.assertRaises(ValidationError):
            self._target(year=1900)

    def test_team_target(self):
        target = self.Target.with_user(self.director).create(
            {"team_id": self.team.id, "year": 2026, "amount": 1200.0}
        )
        self.assertEqual(target.line_ids.mapped("amount"), [100.0] * 12)
        # Team targets are the director's: a manager does not see them.
        self.assertFalse(self.Target.with_user(self.manager).search([("id", "=", target.id)]))

    def test_manager_reads_only_own(self):
        own = self._target()
        other = self._target(user=self.manager2)
        visible = self.Target.with_user(self.manager).search([("id", "in", (own | other).ids)])
        self.assertEqual(visible, own)
        lines = (
            self.env["business.sales.target.line"]
            .with_user(self.manager)
            .search([("target_id", "in", (own | other).ids)])
        )
        self.assertEqual(lines, own.line_ids)
        with self.assertRaises(AccessError):
            own.with_user(self.manager).write({"amount": 1.0})
        with self.assertRaises(AccessError):
            self.Target.with_user(self.manager).create(
                {"user_id": self.manager.id, "year": 2027, "amount": 1.0}
            )
        with self.assertRaises(AccessError):
            own.line_ids[0].with_user(self.manager).write({"amount": 1.0})
        with self.assertRaises(AccessError):
            own.with_user(self.manager).action_split_evenly()

    def test_multi_company(self):
        other = self.env["res.company"].create({"name": "Other Co."})
        foreign = self.Target.create(
            {"user_id": self.manager.id, "year": 2026, "amount": 12.0, "company_id": other.id}
        )
        own = self._target()
        for user in (self.manager, self.director):
            visible = self.Target.with_user(user).search([("id", "in", (own | foreign).ids)])
            self.assertEqual(visible, own)
