from odoo.tests import tagged

from .common import BusinessDeptCase


@tagged("post_install", "-at_install")
class TestAccessRights(BusinessDeptCase):
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

    def test_every_company_model_has_a_company_rule(self):
        for model in self._addon_models():
            Model = self.env[model.model]
            if Model._transient or "company_id" not in Model._fields:
                continue
            with self.subTest(model=model.model):
                rules = model.rule_ids.filtered(lambda r: "company_ids" in (r.domain_force or ""))
                self.assertTrue(rules, f"{model.model} has no multi-company rule")
