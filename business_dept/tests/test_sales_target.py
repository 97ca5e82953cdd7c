import importlib.util
import os

import psycopg2

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.business_sales_target import TARGET_UNIQUE_INDEX
from .common import BusinessDeptCase


def load_migration(name):
    """The module of a migration script of 18.0.2.0.0 (its file name has a dash)."""
    path = os.path.join(
        os.path.dirname(os.path.dirname(__file__)), "migrations", "18.0.2.0.0", name
    )
    spec = importlib.util.spec_from_file_location(f"business_dept_{name[:-3]}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
                    Command.update(target.line_ids[0].id, {"amount": 5000.0}),
                    Command.update(target.line_ids[1].id, {"amount": 15000.0}),
                ]
            }
        )
        self.assertEqual(target.line_ids[:2].mapped("amount"), [5000.0, 15000.0])
        with self.assertRaises(ValidationError):
            target.write({"line_ids": [Command.update(target.line_ids[0].id, {"amount": 1.0})]})
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
        # the salesperson works for both companies, each sets its own target; his
        # session is in this company
        self.manager.company_ids = [Command.link(other.id)]
        foreign = self.Target.create(
            {"user_id": self.manager.id, "year": 2026, "amount": 12.0, "company_id": other.id}
        )
        own = self._target()
        for user in (self.manager, self.director):
            visible = (
                self.Target.with_user(user)
                .with_context(allowed_company_ids=[self.company.id])
                .search([("id", "in", (own | foreign).ids)])
            )
            self.assertEqual(visible, own)


@tagged("post_install", "-at_install")
class TestSalesTargetUnique(BusinessDeptCase):
    """One target per salesperson (or team), year and company (today two identical
    rows pass and the KPI counts the target twice)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Target = cls.env["business.sales.target"].with_user(cls.director)
        cls.team = cls.env["crm.team"].create({"name": "East Team"})

    def test_second_salesperson_target_refused(self):
        first = self.Target.create({"user_id": self.manager.id, "year": 2026, "amount": 1200.0})
        with self.assertRaises(ValidationError) as refused:
            self.Target.create({"user_id": self.manager.id, "year": 2026, "amount": 1200.0})
        self.assertIn("There is already a sales target", str(refused.exception))
        self.assertIn(first.name, str(refused.exception))
        # another year, another salesperson, a team: all fine
        self.Target.create({"user_id": self.manager.id, "year": 2027, "amount": 1.0})
        self.Target.create({"user_id": self.manager2.id, "year": 2026, "amount": 1.0})
        self.assertEqual(
            self.Target.search_count([("user_id", "=", self.manager.id), ("year", "=", 2026)]), 1
        )

    def test_second_team_target_refused(self):
        """The salesperson is empty on a team target: still refused."""
        self.Target.create({"team_id": self.team.id, "year": 2026, "amount": 1200.0})
        with self.assertRaisesRegex(ValidationError, "East Team"):
            self.Target.create({"team_id": self.team.id, "year": 2026, "amount": 600.0})

    def test_twice_in_one_batch_refused(self):
        vals = {"user_id": self.manager.id, "year": 2026, "amount": 1200.0}
        with self.assertRaisesRegex(ValidationError, "entered twice"):
            self.Target.create([vals, dict(vals, amount=10.0)])
        self.assertFalse(self.Target.search([("user_id", "=", self.manager.id)]))

    def test_change_into_a_duplicate_refused(self):
        self.Target.create({"user_id": self.manager.id, "year": 2026, "amount": 1200.0})
        other = self.Target.create({"user_id": self.manager.id, "year": 2027, "amount": 10.0})
        with self.assertRaises(ValidationError):
            other.year = 2026
        self.assertEqual(other.year, 2027)
        other.write({"year": 2028, "amount": 20.0})
        self.assertEqual(other.year, 2028)

    def test_other_company_may_have_its_own(self):
        other = self.env["res.company"].create({"name": "Target B Co."})
        self.manager.write({"company_ids": [Command.link(other.id)]})
        self.Target.create({"user_id": self.manager.id, "year": 2026, "amount": 1.0})
        self.env["business.sales.target"].create(
            {"user_id": self.manager.id, "year": 2026, "amount": 2.0, "company_id": other.id}
        )

    def test_index_is_the_last_guard(self):
        """Rows written around the ORM (an import in SQL, two users at the same
        moment) are refused by the database, an empty team or salesperson included."""
        for vals in ({"user_id": self.manager.id}, {"team_id": self.team.id}):
            target = self.Target.create(dict(vals, year=2026, amount=12.0))
            with self.subTest(vals=vals), mute_logger("odoo.sql_db"):
                with self.assertRaises(psycopg2.errors.UniqueViolation), self.env.cr.savepoint():
                    self.env.cr.execute(
                        """INSERT INTO business_sales_target
                                  (company_id, user_id, team_id, year, amount)
                           SELECT company_id, user_id, team_id, year, amount
                             FROM business_sales_target WHERE id = %s""",
                        [target.id],
                    )

    def test_upgrade_merges_duplicates(self):
        """pre-targets: of duplicates made by the previous release, the target changed
        last is kept, the others go with their lines and are noted in its chatter;
        then the unique index can be created."""
        cr = self.env.cr
        cr.execute(f"DROP INDEX {TARGET_UNIQUE_INDEX}")
        old = self.Target.create({"user_id": self.manager.id, "year": 2026, "amount": 100.0})
        team = self.Target.create({"team_id": self.team.id, "year": 2026, "amount": 50.0})
        alone = self.Target.create({"user_id": self.manager2.id, "year": 2026, "amount": 9.0})
        # the previous release let these through
        self.env.flush_all()
        copies = []
        for target, when in ((old, "2026-02-01"), (team, "2026-01-01")):
            cr.execute(
                """INSERT INTO business_sales_target
                          (company_id, user_id, team_id, year, amount, name, write_date)
                   SELECT company_id, user_id, team_id, year, amount * 2, name, %s
                     FROM business_sales_target WHERE id = %s RETURNING id""",
                [when, target.id],
            )
            copies.append(cr.fetchone()[0])
        cr.execute(
            "UPDATE business_sales_target SET write_date = '2026-01-15' WHERE id IN %s",
            [(old.id, team.id)],
        )
        self.env.invalidate_all()
        migration = load_migration("pre-targets.py")
        migration.merge_duplicate_targets(self.env)
        migration.merge_duplicate_targets(self.env)  # idempotent
        self.env.invalidate_all()
        Target = self.env["business.sales.target"]
        remaining = Target.search([("year", "=", 2026), ("id", ">=", old.id)])
        # the salesperson's copy was changed last (1 February): it stays, the old goes;
        # the team's original was changed last (15 January): the copy goes
        self.assertEqual(remaining, Target.browse([copies[0], team.id, alone.id]))
        self.assertFalse(
            self.env["business.sales.target.line"].search([("target_id", "=", old.id)])
        )
        note = Target.browse(copies[0]).message_ids[:1]
        self.assertIn(f"#{old.id}", note.body)
        self.assertIn("100.0", note.body)
        Target.init()
        cr.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [TARGET_UNIQUE_INDEX])
        self.assertTrue(cr.fetchone())
