from datetime import date

from odoo.tests import tagged

from . import test_collection_plan


@tagged("post_install", "-at_install")
class TestOwnersWhoLeft(test_collection_plan.CollectionPlanCase):
    """Work that belongs to a person goes to an active member when he left (archived):
    an archived salesperson's installments fall to the customer's salesperson, else to the
    Business Director; nothing is planned for or assigned to an archived user."""

    def test_invoice_salesperson_left(self):
        # the customer's salesperson is manager; the invoice's salesperson (manager2) left
        invoice = self._invoice(700.0, "2026-03-18", due="2026-04-12", user=self.manager2)
        self.manager2.active = False
        self.Plan._generate_plans(date(2026, 4, 1), self.company)
        self.assertFalse(self._plan(self.manager2))
        plan = self._plan(self.manager)
        self.assertTrue(self._line(plan, self._receivables(invoice)))
        # the customer of manager2's other invoice has manager2 too: it goes to the director
        director_plan = self._plan(self.company._business_director())
        self.assertTrue(self._line(director_plan, self._receivables(self.other)))
        self.assertEqual(
            self._line(director_plan, self._receivables(self.other))._responsible(),
            self.company._business_director(),
        )

    def test_both_left_goes_to_the_director(self):
        self.manager.active = False
        self.Plan._generate_plans(date(2026, 4, 1), self.company)
        self.assertFalse(self._plan(self.manager))
        director = self.company._business_director()
        self.assertTrue(director.active)
        self.assertNotIn(director, self.env.ref("business_dept.group_general_manager").users)
        plan = self._plan(director)
        self.assertTrue(self._line(plan, self._receivables(self.due)))
        self.assertFalse(
            self.env["business.collection.plan"].search([("user_id.active", "=", False)])
        )
