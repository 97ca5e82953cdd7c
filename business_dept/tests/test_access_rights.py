from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import BusinessDeptCase


@tagged("post_install", "-at_install")
class TestAccessRights(BusinessDeptCase):
    """Every model of the addon (documents, their lines, reports, wizards) has access
    rights, and every stored record stays in its company: a stored ``company_id`` and a
    multi-company record rule on each model, without exception. Wizards (transient
    models) are read only by the user who opened them and vacuumed, so they carry none."""

    def _addon_models(self):
        """Models created by business_dept (not the standard ones it extends)."""
        data = self.env["ir.model.data"].search(
            [("module", "=", "business_dept"), ("model", "=", "ir.model")]
        )
        models = self.env["ir.model"].browse(data.mapped("res_id"))
        models = models.filtered(lambda m: self.env[m.model]._original_module == "business_dept")
        return models.filtered(lambda m: not self.env[m.model]._abstract)

    def test_every_model_has_access_rights(self):
        for model in self._addon_models():
            with self.subTest(model=model.model):
                self.assertTrue(model.access_ids, f"{model.model} has no access rights")

    def _company_models(self):
        return self._addon_models().filtered(lambda m: not self.env[m.model]._transient)

    def test_every_model_has_a_stored_company(self):
        models = self._company_models()
        self.assertIn("business.sales.target.line", models.mapped("model"))
        for model in models:
            field = self.env[model.model]._fields.get("company_id")
            with self.subTest(model=model.model):
                self.assertTrue(field, f"{model.model} has no company_id")
                self.assertTrue(field.store, f"{model.model}: company_id is not stored")
                self.assertEqual(field.comodel_name, "res.company")

    def test_every_model_has_a_company_rule(self):
        for model in self._company_models():
            with self.subTest(model=model.model):
                rules = model.rule_ids.filtered(
                    lambda r: not r.groups and "company_ids" in (r.domain_force or "")
                )
                self.assertTrue(rules, f"{model.model} has no multi-company rule")

    def test_company_b_user_reads_nothing_of_company_a(self):
        """A director of company B only (he may read every target and backlog of his
        company) reads no monthly target and no backlog record of company A."""
        company_b = self.env["res.company"].create({"name": "Access B Co."})
        director_b = new_test_user(
            self.env,
            login="t_director_b",
            groups="base.group_user,business_dept.group_business_director",
            company_id=company_b.id,
            company_ids=[company_b.id],
        )
        manager_b = new_test_user(
            self.env,
            login="t_manager_b",
            groups="base.group_user,business_dept.group_business_manager",
            company_id=company_b.id,
            company_ids=[company_b.id],
        )
        target = self.env["business.sales.target"].create(
            {"user_id": self.manager.id, "year": 2026, "amount": 1200.0}
        )
        product = self.env["product.product"].create({"name": "Access Valve"})
        backlog = self.env["business.stock.backlog"].create(
            {"product_id": product.id, "month": date(2026, 5, 1), "user_id": self.manager.id}
        )
        own_target = (
            self.env["business.sales.target"]
            .with_company(company_b)
            .create({"user_id": manager_b.id, "year": 2026, "amount": 12.0})
        )
        self.assertEqual(own_target.line_ids.company_id, company_b)
        self.assertEqual(target.line_ids.company_id, self.company)
        for model, records in (
            ("business.sales.target.line", target.line_ids),
            ("business.sales.target", target),
            ("business.stock.backlog", backlog),
        ):
            Model = self.env[model].with_user(director_b)
            with self.subTest(model=model):
                self.assertFalse(Model.search([("id", "in", records.ids)]))
                with self.assertRaises(AccessError):
                    records.with_user(director_b).read(["company_id"])
        lines_b = self.env["business.sales.target.line"].with_user(director_b).search([])
        self.assertEqual(lines_b.company_id, company_b)
        self.assertEqual(lines_b, own_target.line_ids)

    def test_relations_stay_in_the_company(self):
        """check_company: a target or a backlog record of company A cannot point to a
        salesperson, team or product of company B."""
        company_b = self.env["res.company"].create({"name": "Relations B Co."})
        user_b = new_test_user(
            self.env,
            login="t_user_b",
            groups="base.group_user,business_dept.group_business_manager",
            company_id=company_b.id,
            company_ids=[company_b.id],
        )
        team_b = self.env["crm.team"].create({"name": "Team B", "company_id": company_b.id})
        product_b = self.env["product.product"].create(
            {"name": "Valve B", "company_id": company_b.id}
        )
        Target = self.env["business.sales.target"].with_user(self.director)
        with self.assertRaises(UserError):
            Target.create({"user_id": user_b.id, "year": 2026, "amount": 1.0})
        with self.assertRaises(UserError):
            Target.create({"team_id": team_b.id, "year": 2026, "amount": 1.0})
        with self.assertRaises(UserError):
            self.env["business.stock.backlog"].create(
                {"product_id": product_b.id, "month": date(2026, 5, 1)}
            )
        with self.assertRaises(UserError):
            self.env["business.stock.backlog"].create(
                {
                    "product_id": self.env["product.product"].create({"name": "V"}).id,
                    "month": date(2026, 5, 1),
                    "user_id": user_b.id,
                }
            )
