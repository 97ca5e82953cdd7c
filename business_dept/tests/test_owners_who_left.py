from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.tests import new_test_user, tagged

from . import test_collection_plan
from .common import KpiCase


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


@tagged("post_install", "-at_install")
class TestWorkHandedOver(test_collection_plan.CollectionPlanCase):
    """离职交接: a person archived or moved out of the company hands his open to-dos on the
    department's documents over at once, to the document's salesperson still at work, else to
    the Business Director; a reminder job never assigns a person who left."""

    def _todo(self, record, user, summary="Call the customer"):
        return record.activity_schedule(
            "mail.mail_activity_data_todo", user_id=user.id, summary=summary
        )

    def _open_of(self, user):
        return self.env["mail.activity"].search([("user_id", "=", user.id)])

    def test_archived_salesperson_hands_over(self):
        # manager2 invoices manager's customer: the customer's salesperson takes over
        invoice = self._invoice(700.0, "2026-03-18", due="2026-04-12", user=self.manager2)
        on_invoice = self._todo(invoice, self.manager2)
        # manager2's own customer: nobody else is at work on it, the director takes over
        on_other = self._todo(self.other, self.manager2)
        on_customer = self._todo(self.customer2, self.manager2, "Renew the agreement")
        # a to-do of a person still at work stays his
        kept = self._todo(self.due, self.manager)
        self.manager2.action_archive()
        director = self.company._business_director()
        self.assertEqual(on_invoice.user_id, self.manager)
        self.assertEqual((on_other.user_id, on_customer.user_id), (director, director))
        self.assertEqual(kept.user_id, self.manager)
        self.assertFalse(self._open_of(self.manager2))

    def test_moved_to_another_company_hands_over(self):
        elsewhere = self.env["res.company"].create({"name": "Elsewhere Co."})
        on_invoice = self._todo(self.due, self.manager)
        self.manager.write(
            {"company_ids": [Command.set(elsewhere.ids)], "company_id": elsewhere.id}
        )
        self.assertEqual(on_invoice.user_id, self.company._business_director())
        self.assertTrue(self.manager.active)

    def test_reminder_jobs_skip_who_left(self):
        """The invoice delivery reminder (发票送达) of an archived salesperson's invoice goes
        to the customer's salesperson; a framework agreement expiry reminder of a customer
        whose salesperson left goes to the director."""
        invoice = self._invoice(700.0, "2026-03-18", due="2026-04-12", user=self.manager2)
        self.customer2.agreement_expiry = "2026-04-10"
        self.customer.closing_day = 26  # two working days from 25 March: reminded today
        self.manager2.action_archive()
        self.env["account.move"]._business_invoice_delivery_reminders(self.company)
        reminder = invoice.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("business_dept.mail_activity_type_invoice_delivery")
            )
        )
        self.assertEqual(reminder.user_id, self.manager)
        self.env["res.partner"]._cron_business_agreement_expiry()
        self.assertEqual(self.customer2.activity_ids.user_id, self.company._business_director())
        self.assertFalse(self._open_of(self.manager2))


@tagged("post_install", "-at_install")
class TestKpiOwnersWhoLeft(KpiCase):
    """The KPI rows of the months still open (the current one, and the previous one until
    it is frozen) of an archived salesperson go to the customer's salesperson at work, else
    to the Business Director; a closed month keeps whom it named."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leaver = new_test_user(
            cls.env,
            login="t_kpi_leaver",
            groups="base.group_user,business_dept.group_business_manager",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        # the customer was given to manager2; the other one is still the leaver's
        cls.customer.user_id = cls.manager2
        cls.own = cls.env["res.partner"].create(
            {"name": "Leaver's Own Co.", "is_company": True, "user_id": cls.leaver.id}
        )
        cls.month = cls.company._business_local_today().replace(day=1)
        cls.old_month = cls.month - relativedelta(months=3)
        for partner, amount, day in (
            (cls.customer, 1000.0, cls.month),
            (cls.own, 500.0, cls.month),
            (cls.customer, 200.0, cls.old_month),
        ):
            move = cls.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_user_id": cls.leaver.id,
                    "invoice_date": day,
                    "invoice_line_ids": [
                        Command.create({"name": "Pump", "quantity": 1, "price_unit": amount})
                    ],
                }
            )
            move.line_ids.tax_ids = False
            move.action_post()
        cls.env["business.sales.target"].with_user(cls.director).create(
            {"user_id": cls.leaver.id, "year": cls.month.year, "amount": 12000.0}
        )

    def _invoiced(self, user, month):
        self.env.flush_all()
        self.env.invalidate_all()
        rows = self.env["business.kpi.report"].search(
            [("user_id", "=", user.id), ("month", "=", month)]
        )
        return sum(rows.mapped("output_amount")), sum(rows.mapped("target_amount"))

    def test_figures_of_open_months_go_to_who_is_at_work(self):
        self.assertEqual(self._invoiced(self.leaver, self.month), (1500.0, 1000.0))
        before_m2 = self._invoiced(self.manager2, self.month)[0]
        director = self.company._business_director()
        before_director = self._invoiced(director, self.month)
        self.leaver.action_archive()
        self.assertEqual(self._invoiced(self.leaver, self.month), (0, 0))
        # the customer's salesperson of now takes the customer's figures
        self.assertEqual(self._invoiced(self.manager2, self.month)[0], before_m2 + 1000.0)
        # the leaver's own customer and his target: the Business Director
        self.assertEqual(
            self._invoiced(director, self.month),
            (before_director[0] + 500.0, before_director[1] + 1000.0),
        )
        # a closed month keeps whom it named
        self.assertEqual(self._invoiced(self.leaver, self.old_month)[0], 200.0)

    def test_back_at_work_gets_them_back(self):
        self.leaver.action_archive()
        self.leaver.action_unarchive()
        self.assertEqual(self._invoiced(self.leaver, self.month)[0], 1500.0)
