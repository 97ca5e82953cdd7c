from datetime import date

from freezegun import freeze_time
from psycopg2.errors import UniqueViolation

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools import mute_logger

from .common_sales import SalesRulesCase


class CollectionPlanCase(SalesRulesCase):
    """April 2026's receivables of two managers, company in USD and Shanghai time.

    Manager (customer paying by bank draft):
      - ``due``: 1,000 due 15 April (in the month);
      - ``overdue``: 400 due 3 March (overdue: planned on 1 April);
      - ``split``: 1,000 on a 30/70 term, 300 due 16 March, 700 due 15 April;
      - ``eur``: 1,000 EUR (= 2,000 USD at 1 USD = 0.5 EUR) due 20 April;
      - ``future``: due 10 May (not in the plan), ``paid``: paid in March (not either).
    Manager 2: ``other`` (500 due 10 April) for his own customer.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Plan = cls.env["business.collection.plan"]
        cls.customer.payment_method = "bank_draft"
        cls.customer2 = cls.env["res.partner"].create(
            {"name": "Second Customer Co.", "is_company": True, "user_id": cls.manager2.id}
        )
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.env["res.currency.rate"].search([("currency_id", "=", cls.eur.id)]).unlink()
        cls.env["res.currency.rate"].create(
            {
                "name": "2026-01-01",
                "rate": 0.5,
                "currency_id": cls.eur.id,
                "company_id": cls.company.id,
            }
        )
        cls.term_30_70 = cls.env["account.payment.term"].create(
            {
                "name": "30% now, 70% in 30 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 30.0, "nb_days": 0}),
                    Command.create({"value": "percent", "value_amount": 70.0, "nb_days": 30}),
                ],
            }
        )
        cls.due = cls._invoice(1000.0, "2026-03-20", due="2026-04-15")
        cls.overdue = cls._invoice(400.0, "2026-02-01", due="2026-03-03")
        cls.split = cls._invoice(1000.0, "2026-03-16", term=cls.term_30_70)
        cls.eur_invoice = cls._invoice(1000.0, "2026-03-21", due="2026-04-20", currency=cls.eur)
        cls.future = cls._invoice(800.0, "2026-03-25", due="2026-05-10")
        cls.paid = cls._invoice(300.0, "2026-03-10", due="2026-04-10")
        cls._pay(cls.paid, 300.0, "2026-03-25")
        cls.other = cls._invoice(
            500.0, "2026-03-12", due="2026-04-10", partner=cls.customer2, user=cls.manager2
        )

    def setUp(self):
        super().setUp()
        # the plans of April are made in March: 25 March 2026, 10:00 in Shanghai
        freezer = freeze_time(self.local(2026, 3, 25, 10, 0))
        freezer.start()
        self.addCleanup(freezer.stop)

    @classmethod
    def _invoice(cls, amount, invoice_date, due=None, term=None, currency=None, **kw):
        values = {
            "move_type": kw.get("move_type", "out_invoice"),
            "partner_id": (kw.get("partner") or cls.customer).id,
            "invoice_user_id": (kw.get("user") or cls.manager).id,
            "invoice_date": invoice_date,
            "currency_id": (currency or cls.company.currency_id).id,
            "invoice_line_ids": [
                Command.create(
                    {"name": "Bearing", "quantity": 1, "price_unit": amount, "tax_ids": []}
                )
            ],
        }
        if term:
            values["invoice_payment_term_id"] = term.id
        elif due:
            values["invoice_date_due"] = due
        move = cls.env["account.move"].create(values)
        move.action_post()
        return move

    @staticmethod
    def _receivables(move):
        return move.line_ids.filtered(lambda ln: ln.account_type == "asset_receivable").sorted(
            "date_maturity"
        )

    def _plan(self, user, month=date(2026, 4, 1)):
        return self.Plan.search(
            [("user_id", "=", user.id), ("month", "=", month), ("company_id", "=", self.company.id)]
        )

    def _line(self, plan, move_line):
        return plan.line_ids.filtered(lambda ln: ln.move_line_id == move_line)


@tagged("post_install", "-at_install")
class TestCollectionPlan(CollectionPlanCase):
    """应收款项跟催计划: lines, generation, collected amounts, freeze, roles."""

    def test_plan_lines_due_and_overdue(self):
        self.Plan._generate_plans(date(2026, 4, 1), self.company)
        plan = self._plan(self.manager)
        self.assertEqual(plan.state, "draft")
        first, second = self._receivables(self.split)
        self.assertEqual(
            plan.line_ids.move_line_id,
            self._receivables(self.due)
            | self._receivables(self.overdue)
            | first
            | second
            | self._receivables(self.eur_invoice),
            "due in April or overdue; not May's, not the paid one",
        )
        overdue = self._line(plan, self._receivables(self.overdue))
        self.assertEqual(overdue.date_maturity, date(2026, 3, 3))
        self.assertEqual(overdue.planned_date, date(2026, 4, 1))
        self.assertEqual(overdue.amount, 400.0)
        self.assertEqual(overdue.payment_method, "bank_draft")
        self.assertEqual(overdue.partner_id, self.customer)
        self.assertEqual(overdue.move_id, self.overdue)
        self.assertEqual(
            (self._line(plan, first).amount, self._line(plan, second).amount), (300.0, 700.0)
        )
        self.assertEqual(self._line(plan, second).planned_date, date(2026, 4, 15))
        # foreign currency: the open amount in company currency
        eur_line = self._line(plan, self._receivables(self.eur_invoice))
        self.assertEqual(eur_line.amount, 2000.0)
        self.assertEqual(plan.amount, 1000.0 + 400.0 + 1000.0 + 2000.0)
        other = self._plan(self.manager2)
        self.assertEqual(other.line_ids.move_id, self.other)
        # idempotent: no new plan, no duplicate line; a new invoice gets its line
        self.Plan._generate_plans(date(2026, 4, 1), self.company)
        self.assertEqual(len(self._plan(self.manager).line_ids), 5)
        late = self._invoice(50.0, "2026-03-30", due="2026-04-30")
        plans = self.Plan._generate_plans(date(2026, 4, 1), self.company)
        self.assertEqual(
            plans.filtered(lambda p: p.user_id in self.manager | self.manager2), plan | other
        )
        self.assertEqual(len(plan.line_ids), 6)
        self.assertIn(late, plan.line_ids.move_id)

    def test_salesperson_follows_without_assignment_mail(self):
        """Generated every month: the salesperson follows the plan, and is not sent an
        "assigned to you" notification for it."""
        mail = {"tracking_disable": False, "mail_create_nosubscribe": False, "mail_notrack": False}
        self.Plan.with_context(**mail)._generate_plans(date(2026, 4, 1), self.company)
        plan = self._plan(self.manager)
        self.assertIn(self.manager.partner_id, plan.message_partner_ids)
        notified = self.env["mail.message"].search(
            [("model", "=", plan._name), ("res_id", "=", plan.id)]
        )
        self.assertFalse(notified.filtered(lambda m: self.manager.partner_id in m.partner_ids))

    def test_salesperson_is_invoice_else_customer(self):
        """The invoice's salesperson decides; an invoice without one goes to the customer's."""
        self.other.invoice_user_id = False
        self.customer2.user_id = self.manager
        self.Plan._generate_plans(date(2026, 4, 1), self.company)
        self.assertIn(self.other, self._plan(self.manager).line_ids.move_id)
        self.assertFalse(self._plan(self.manager2))

    def test_collected_partial_installment_credit_note(self):
        self.Plan._generate_plans(date(2026, 4, 1), self.company)
        plan = self._plan(self.manager)
        first, second = self._receivables(self.split)
        # 650 on 8 April: 300 closes the first installment (planned 1 April: late), 350 on
        # the second (planned 15 April)
        self._pay(self.split, 650.0, "2026-04-08")
        # a credit note of 200 on the April invoice is not a collection; 800 paid on the 14th
        refund = self._invoice(200.0, "2026-04-05", move_type="out_refund", due="2026-04-05")
        (self._receivables(refund) | self._receivables(self.due)).reconcile()
        self._pay(self.due, 800.0, "2026-04-14")
        # the rest of the split invoice on 20 April (after its planned date, in the month);
        # the overdue invoice paid in May: not collected in April
        self._pay(self.split, 350.0, "2026-04-20")
        self._pay(self.overdue, 400.0, "2026-05-04")
        # foreign currency: 500 EUR on 19 April = 1,000 USD
        self._pay(self.eur_invoice, 500.0, "2026-04-19")
        lines = plan.with_user(self.manager).line_ids
        expected = {
            first: (0.0, 300.0),
            second: (350.0, 700.0),
            self._receivables(self.due): (800.0, 800.0),
            self._receivables(self.overdue): (0.0, 0.0),
            self._receivables(self.eur_invoice): (1000.0, 1000.0),
        }
        for move_line, amounts in expected.items():
            line = lines.filtered(lambda ln, m=move_line: ln.move_line_id == m)
            with self.subTest(line=move_line.display_name):
                self.assertEqual((line.collected_by_planned, line.collected_by_month_end), amounts)
        self.assertEqual(plan.collected_by_planned, 2150.0)
        self.assertEqual(plan.collected_by_month_end, 2800.0)
        # the credit note is shown apart: 200 no longer to collect on the April invoice
        due_line = lines.filtered(lambda ln: ln.move_id == self.due)
        self.assertEqual(due_line.credited_by_month_end, 200.0)
        self.assertEqual(plan.credited_by_month_end, 200.0)
        # a payment unreconciled: the actual follows
        self.due.line_ids.remove_move_reconcile()
        line = lines.filtered(lambda ln: ln.move_id == self.due)
        self.assertEqual(line.collected_by_month_end, 0.0)

    def test_frozen_at_local_month_start(self):
        self.Plan._generate_plans(date(2026, 4, 1), self.company)
        plan = self._plan(self.manager)
        line = plan.line_ids[0]
        with freeze_time(self.local(2026, 3, 31, 23, 30)):
            self.Plan._cron_freeze_plans()
        self.assertEqual(plan.state, "draft")
        line.with_user(self.manager).planned_date = date(2026, 4, 20)
        # 00:30 on 1 April in Shanghai is still 31 March in UTC
        with freeze_time(self.local(2026, 4, 1, 0, 30)):
            self.Plan._cron_freeze_plans()
        self.assertEqual(plan.state, "frozen")
        with self.assertRaisesRegex(UserError, "frozen"):
            line.with_user(self.manager).planned_date = date(2026, 4, 21)
        with self.assertRaisesRegex(UserError, "frozen"):
            line.with_user(self.assistant).unlink()
        with self.assertRaisesRegex(UserError, "frozen"):
            plan.with_user(self.director).user_id = self.manager2
        with self.assertRaisesRegex(UserError, "frozen"):
            self.env["business.collection.plan.line"].with_user(self.assistant).create(
                {"plan_id": plan.id, "move_line_id": self._receivables(self.future).id}
            )
        # the chase results are still recorded on a frozen plan: the note, nothing else
        line.with_user(self.manager).note = "Customer promised the draft on the 12th"
        plan.with_user(self.manager).write(
            {"line_ids": [Command.update(line.id, {"note": "Draft received"})]}
        )
        self.assertEqual(line.note, "Draft received")
        with self.assertRaisesRegex(UserError, "frozen"):
            plan.with_user(self.manager).write(
                {"line_ids": [Command.update(line.id, {"note": "x", "amount": 1.0})]}
            )
        # a new generation leaves the frozen plan alone
        self._invoice(50.0, "2026-03-30", due="2026-04-30")
        self.Plan._generate_plans(date(2026, 4, 1), self.company)
        self.assertEqual(len(plan.line_ids), 5)
        self.assertEqual(line.planned_date, date(2026, 4, 20))
        # the actual still follows the payments (plan vs actual)
        self._pay(line.move_id, line.amount, "2026-04-10")
        self.assertEqual(line.collected_by_month_end, line.amount)

    def test_roles(self):
        self.Plan._generate_plans(date(2026, 4, 1), self.company)
        plan, other = self._plan(self.manager), self._plan(self.manager2)
        line = self._line(plan, self._receivables(self.overdue))
        # the manager edits date, method and amount of his own draft plan
        line.with_user(self.manager).write(
            {"planned_date": date(2026, 4, 9), "payment_method": "transfer", "amount": 350.0}
        )
        self.assertEqual(line.payment_method, "transfer")
        # the same through his plan's form (the lines of the plan)
        plan.with_user(self.manager).write(
            {"line_ids": [Command.update(line.id, {"planned_date": date(2026, 4, 10)})]}
        )
        self.assertEqual(line.planned_date, date(2026, 4, 10))
        with self.assertRaises(AccessError):
            plan.with_user(self.manager).user_id = self.manager2
        # not the installment itself, nor another's plan, which he does not even see
        with self.assertRaises(AccessError):
            line.with_user(self.manager).move_line_id = self._receivables(self.future)
        self.assertFalse(self.Plan.with_user(self.manager).search([("id", "=", other.id)]))
        with self.assertRaises(AccessError):
            other.line_ids.with_user(self.manager).planned_date = date(2026, 4, 20)
        # a line for another salesperson's customer is refused, with the names
        with self.assertRaisesRegex(ValidationError, "belongs to"):
            self.env["business.collection.plan.line"].with_user(self.manager).create(
                {"plan_id": plan.id, "move_line_id": self._receivables(self.other).id}
            )
        with self.assertRaisesRegex(ValidationError, "belongs to"):
            self.env["business.collection.plan.line"].with_user(self.assistant).create(
                {"plan_id": other.id, "move_line_id": self._receivables(self.future).id}
            )
        # a line for his own customer's installment is accepted
        added = (
            self.env["business.collection.plan.line"]
            .with_user(self.manager)
            .create({"plan_id": plan.id, "move_line_id": self._receivables(self.future).id})
        )
        # due in May: planned by the end of April at the latest
        self.assertEqual((added.amount, added.planned_date), (800.0, date(2026, 4, 30)))
        # bad input: a negative amount, a line that is not a receivable installment
        with self.assertRaises(ValidationError):
            line.with_user(self.manager).amount = -1.0
        income = self.future.line_ids.filtered(lambda ln: ln.display_type == "product")
        with self.assertRaisesRegex(ValidationError, "not a receivable installment"):
            self.env["business.collection.plan.line"].with_user(self.assistant).create(
                {"plan_id": plan.id, "move_line_id": income.id}
            )
        # directors and assistants see all, finance reads all and writes nothing
        for user in (self.director, self.assistant, self.finance):
            seen = self.Plan.with_user(user).search([("month", "=", "2026-04-01")])
            self.assertEqual(
                seen.filtered(lambda p: p.user_id in self.manager | self.manager2), plan | other
            )
        with self.assertRaises(AccessError):
            other.line_ids.with_user(self.finance).planned_date = date(2026, 4, 20)
        # generating by hand: an assistant, not a manager
        with self.assertRaises(AccessError):
            self.Plan.with_user(self.manager).action_generate_next_month()
        with freeze_time(self.local(2026, 4, 30, 10, 0)):
            action = self.Plan.with_user(self.assistant).action_generate_next_month()
        may = self.Plan.search(action["domain"])
        self.assertEqual(may.mapped("month"), [date(2026, 5, 1)] * len(may))
        self.assertIn(self.future, may.line_ids.move_id)

    def test_add_line_in_form(self):
        """The manager adds his own installment in the plan's form (what the web client
        sends: read-only columns left out, the amount as shown)."""
        self.Plan._generate_plans(date(2026, 4, 1), self.company)
        plan = self._plan(self.manager)
        installment = self._receivables(self.future)
        with Form(plan.with_user(self.manager)) as form:
            with form.line_ids.new() as row:
                row.move_line_id = installment
                self.assertEqual(row.amount, 800.0)
                row.planned_date = date(2026, 4, 28)
        line = self._line(plan, installment)
        self.assertEqual(
            (line.move_id, line.partner_id, line.date_maturity, line.amount, line.planned_date),
            (self.future, self.customer, date(2026, 5, 10), 800.0, date(2026, 4, 28)),
        )
        self.assertEqual(line.payment_method, "bank_draft")
        # the values sent empty or forged over RPC do not replace the installment's
        Line = self.env["business.collection.plan.line"].with_user(self.manager)
        line.unlink()
        line = Line.create(
            {
                "plan_id": plan.id,
                "move_line_id": installment.id,
                "move_id": False,
                "partner_id": self.customer2.id,
                "date_maturity": False,
                "amount": 0.0,
                "planned_date": date(2026, 4, 28),
            }
        )
        self.assertEqual(
            (line.move_id, line.partner_id, line.date_maturity, line.amount),
            (self.future, self.customer, date(2026, 5, 10), 800.0),
        )
        # the installment is not changed afterwards, by the manager nor the assistant
        for user in (self.manager, self.assistant):
            with self.assertRaisesRegex(AccessError, "installment"):
                line.with_user(user).move_line_id = self._receivables(self.due)
        self.assertEqual(line.move_line_id, installment)

    def test_planned_date_and_amount_bounds(self):
        self.Plan._generate_plans(date(2026, 4, 1), self.company)
        line = self._line(self._plan(self.manager), self._receivables(self.due))
        as_manager = line.with_user(self.manager)
        for day in (date(2027, 3, 1), date(2026, 3, 31), date(2026, 5, 1)):
            with self.assertRaisesRegex(ValidationError, "must be in 2026-04"):
                as_manager.planned_date = day
        as_manager.planned_date = date(2026, 4, 30)
        with self.assertRaisesRegex(ValidationError, "must not exceed the open amount"):
            as_manager.amount = 1000.01
        as_manager.amount = 1000.0
        as_manager.amount = 600.0
        self.assertEqual((line.amount, line.planned_date), (600.0, date(2026, 4, 30)))
        # a payment in the month: still within what was open at the start of the month
        self._pay(self.due, 400.0, "2026-04-10")
        as_manager.amount = 1000.0
        with self.assertRaisesRegex(ValidationError, "must not exceed the open amount"):
            as_manager.amount = 1200.0

    def test_report_views(self):
        """Plan vs Collected: for every reader of the plans, this month by default, the
        month shown as YYYY-MM, the graph on the planned amount with the collected ones."""
        self.Plan._generate_plans(date(2026, 4, 1), self.company)
        menu = self.env.ref("business_dept.menu_business_collection_plan_analysis")
        for user in (self.manager, self.assistant, self.finance, self.director):
            visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
            self.assertIn(menu.id, visible, user.login)
            lines = self.env["business.collection.plan.line"].with_user(user).search([])
            self.assertTrue(lines, user.login)
        action = self.env.ref("business_dept.business_collection_plan_line_action")
        self.assertIn("search_default_this_month", action.context)
        line = self._plan(self.manager).with_user(self.manager).line_ids[:1]
        self.assertEqual(line.month_label, "2026-04")
        self.assertEqual(line.plan_id.month_label, "2026-04")
        Line = self.env["business.collection.plan.line"]
        arch = Line.get_view(view_type="list")["arch"]
        self.assertIn('name="month_label"', arch)
        graph = Line.get_view(view_type="graph")["arch"]
        self.assertLess(graph.index("collected_by_month_end"), graph.index('name="amount"'))

    def test_line_needs_installment_once(self):
        self.Plan._generate_plans(date(2026, 4, 1), self.company)
        plan = self._plan(self.manager)
        Line = self.env["business.collection.plan.line"]
        for user in (self.manager, self.assistant):
            with self.assertRaisesRegex(ValidationError, "needs a receivable installment"):
                Line.with_user(user).create(
                    {
                        "plan_id": plan.id,
                        "partner_id": self.customer2.id,
                        "amount": 99999.0,
                        "planned_date": date(2026, 4, 20),
                    }
                )
        self.assertEqual(len(plan.line_ids), 5)
        # the same installment twice in one plan is refused
        with (
            self.assertRaises(UniqueViolation),
            mute_logger("odoo.sql_db"),
            self.cr.savepoint(),
        ):
            Line.with_user(self.manager).create(
                {"plan_id": plan.id, "move_line_id": self._receivables(self.due).id}
            )
        self.assertEqual(len(plan.line_ids), 5)
        self.assertEqual(plan.planned_move_line_ids, plan.line_ids.move_line_id)

    def test_month_started_refused_without_freeze_job(self):
        self.Plan._generate_plans(date(2026, 4, 1), self.company)
        plan = self._plan(self.manager)
        line = plan.line_ids[0]
        self._plan(self.manager2).unlink()
        # 00:05 on 1 April in Shanghai, the hourly job has not run: the plan is draft
        with freeze_time(self.local(2026, 4, 1, 0, 5)):
            self.assertEqual(plan.state, "draft")
            with self.assertRaisesRegex(UserError, "frozen"):
                line.with_user(self.manager).planned_date = date(2026, 4, 20)
            with self.assertRaisesRegex(UserError, "frozen"):
                line.with_user(self.assistant).unlink()
            with self.assertRaisesRegex(UserError, "frozen"):
                self.env["business.collection.plan.line"].with_user(self.assistant).create(
                    {"plan_id": plan.id, "move_line_id": self._receivables(self.future).id}
                )
            # a plan for a non-salesperson (finance) is refused, whatever the month
            with self.assertRaisesRegex(ValidationError, "not a salesperson"):
                self.Plan.with_user(self.assistant).create(
                    {"user_id": self.finance.id, "month": date(2026, 6, 1)}
                )
            # a plan for a month already started: refused by hand, frozen when generated
            with self.assertRaisesRegex(UserError, "already started"):
                self.Plan.with_user(self.assistant).create(
                    {"user_id": self.manager2.id, "month": date(2026, 4, 1)}
                )
            self.assertFalse(self._plan(self.manager2))
            self.Plan._generate_plans(date(2026, 4, 1), self.company)
            self.assertEqual(self._plan(self.manager2).state, "frozen")
            self.assertEqual(plan.state, "frozen")
            self.assertTrue(self._plan(self.manager2).line_ids)

    def test_generated_on_last_working_day(self):
        """Tuesday 31 March 2026 is the month's last working day (company calendar)."""
        with freeze_time(self.local(2026, 3, 30, 23, 30)):
            self.Plan._cron_generate_plans()
        self.assertFalse(self._plan(self.manager))
        # 00:30 on 31 March in Shanghai (16:30 UTC on the 30th)
        with freeze_time(self.local(2026, 3, 31, 0, 30)):
            self.Plan._cron_generate_plans()
        self.assertEqual(len(self._plan(self.manager).line_ids), 5)
        # a month ending on a weekend: Friday 29 May 2026 is the last working day
        with freeze_time(self.local(2026, 5, 28, 12, 0)):
            self.Plan._cron_generate_plans()
        self.assertFalse(self._plan(self.manager, date(2026, 6, 1)))
        with freeze_time(self.local(2026, 5, 29, 12, 0)):
            self.Plan._cron_generate_plans()
        self.assertTrue(self._plan(self.manager, date(2026, 6, 1)))

    def test_setting_range(self):
        self.assertEqual(self.company.collection_reminder_days, 2)
        with self.assertRaises(ValidationError):
            self.company.collection_reminder_days = -1
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.collection_reminder_days, 2)


@tagged("post_install", "-at_install")
class TestCollectionReminders(CollectionPlanCase):
    """及时跟催: an activity for the salesperson N working days before the planned date."""

    mail_enabled = True

    def test_working_days_across_holiday(self):
        # Monday 6 April 2026 is a public holiday (清明) in the company calendar
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Qingming",
                "calendar_id": self.calendar.id,
                "date_from": self.local(2026, 4, 6, 0, 0),
                "date_to": self.local(2026, 4, 6, 23, 59),
            }
        )
        self.Plan._generate_plans(date(2026, 4, 1), self.company)
        plan = self._plan(self.manager)
        line = self._line(plan, self._receivables(self.due))
        line.planned_date = date(2026, 4, 7)  # Tuesday
        (plan.line_ids - line).planned_date = date(2026, 4, 28)
        activity_type = self.env.ref("business_dept.mail_activity_type_collection")

        def activities():
            return self.env["mail.activity"].search(
                [("activity_type_id", "=", activity_type.id), ("res_model", "=", "account.move")]
            )

        # Wednesday 1 April, 23:30: two working days on is Friday 3 April
        with freeze_time(self.local(2026, 4, 1, 23, 30)):
            self.Plan._cron_collection_reminders()
        self.assertFalse(activities())
        # Thursday 2 April, 00:30 (Wednesday in UTC): Friday 3, (holiday), Tuesday 7
        with freeze_time(self.local(2026, 4, 2, 0, 30)):
            self.Plan._cron_collection_reminders()
        activity = activities()
        self.assertEqual(activity.res_id, self.due.id)
        self.assertEqual(activity.user_id, self.manager)
        self.assertEqual(activity.date_deadline, date(2026, 4, 7))
        # the next days: no duplicate
        with freeze_time(self.local(2026, 4, 3, 9, 0)):
            self.Plan._cron_collection_reminders()
        with freeze_time(self.local(2026, 4, 7, 9, 0)):
            self.Plan._cron_collection_reminders()
        self.assertEqual(activities(), activity)

    def test_one_reminder_with_owed_amount(self):
        """Due on 31 March: in March's plan and, overdue, in April's; one activity, saying
        what is still owed (after a credit note and a part payment), no empty method."""
        self.customer.payment_method = False
        invoice = self._invoice(5000.0, "2026-03-01", due="2026-03-31")
        self.Plan._generate_plans(date(2026, 3, 1), self.company)
        self.Plan._generate_plans(date(2026, 4, 1), self.company)
        installment = self._receivables(invoice)
        lines = self.env["business.collection.plan.line"].search(
            [("move_line_id", "=", installment.id)]
        )
        self.assertEqual(lines.mapped("planned_date"), [date(2026, 3, 31), date(2026, 4, 1)])
        refund = self._invoice(1000.0, "2026-03-26", move_type="out_refund", due="2026-03-26")
        (self._receivables(refund) | installment).reconcile()
        self._pay(invoice, 1500.0, "2026-03-26")
        activity_type = self.env.ref("business_dept.mail_activity_type_collection")

        def activities():
            return self.env["mail.activity"].search(
                [
                    ("activity_type_id", "=", activity_type.id),
                    ("res_model", "=", "account.move"),
                    ("res_id", "=", invoice.id),
                ]
            )

        # Monday 30 March: both planned dates (31 March, 1 April) within two working days
        with freeze_time(self.local(2026, 3, 30, 9, 0)):
            self.Plan._cron_collection_reminders()
        activity = activities()
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, date(2026, 3, 31))
        self.assertIn("2,500.00", activity.summary)
        self.assertNotIn("5,000", activity.summary)
        self.assertFalse(activity.summary.endswith(")"), activity.summary)
        with freeze_time(self.local(2026, 4, 1, 9, 0)):
            self.Plan._cron_collection_reminders()
        self.assertEqual(activities(), activity)

    def test_no_reminder_settled_or_cancelled(self):
        """Paid before the month (the 30th of the month before) or cancelled: no reminder;
        the draft plan drops the cancelled invoice at the next generation."""
        self.Plan._generate_plans(date(2026, 4, 1), self.company)
        plan = self._plan(self.manager)
        self._pay(self.due, 1000.0, "2026-03-30")
        self.overdue.button_draft()
        self.overdue.button_cancel()
        (plan.line_ids).planned_date = date(2026, 4, 2)
        activity_type = self.env.ref("business_dept.mail_activity_type_collection")
        with freeze_time(self.local(2026, 3, 31, 9, 0)):
            due = self.Plan._cron_collection_reminders()
        self.assertNotIn(self.due, due.move_id)
        self.assertNotIn(self.overdue, due.move_id)
        self.assertIn(self.eur_invoice, due.move_id)
        reminded = self.env["mail.activity"].search(
            [("activity_type_id", "=", activity_type.id), ("res_model", "=", "account.move")]
        )
        self.assertNotIn(self.due.id, reminded.mapped("res_id"))
        self.Plan._generate_plans(date(2026, 4, 1), self.company)
        self.assertNotIn(self.overdue, plan.line_ids.move_id)
        self.assertIn(self.due, plan.line_ids.move_id, "paid: kept, plan vs actual")


@tagged("post_install", "-at_install")
class TestCollectionPlanSummary(CollectionPlanCase):
    """Plan vs actual in the monthly summary XLSX, per salesperson, by the reader's rights."""

    def test_summary_sheet(self):
        self.manager.name = "Li Lei"
        self.manager2.name = "Han Meimei"
        self.Plan._generate_plans(date(2026, 4, 1), self.company)
        self._pay(self.due, 600.0, "2026-04-10")
        self._pay(self.other, 500.0, "2026-04-28")
        # a credit note of 400 in April on the rest of the invoice: no longer to collect
        refund = self._invoice(400.0, "2026-04-12", move_type="out_refund", due="2026-04-12")
        (self._receivables(refund) | self._receivables(self.due)).reconcile()
        users = self.manager | self.manager2
        __, book = self._summary_xlsx(
            self.director, month=date(2026, 4, 1), user_ids=[Command.set(users.ids)]
        )
        self.assertEqual(book.sheetnames[0], "Department")
        self.assertEqual(book.sheetnames[-1], "Collection Plan")
        sheet = book["Collection Plan"]
        self.assertEqual(sheet["A1"].value, "Collection Plan 2026-04")
        self.assertEqual(sheet["C4"].value, "Collected by Planned Date")
        self.assertEqual(sheet["F4"].value, "Credited by Month End")
        rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=5, max_col=6)]
        self.assertEqual(rows[0], ["Han Meimei", 500.0, 0.0, 500.0, 100.0, 0.0])
        self.assertEqual(rows[1][:4], ["Li Lei", 4400.0, 600.0, 600.0])
        # the share against the planned amount less the credit notes of the month
        self.assertAlmostEqual(rows[1][4], 100.0 * 600 / 4000, places=6)
        self.assertEqual(rows[1][5], 400.0)
        self.assertEqual(rows[2][:4], ["Department", 4900.0, 600.0, 1100.0])
        self.assertAlmostEqual(rows[2][4], 100.0 * 1100 / 4500, places=6)
        self.assertEqual(rows[2][5], 400.0)
        # a manager reads his own row only
        __, book = self._summary_xlsx(self.manager, month=date(2026, 4, 1))
        rows = [[c.value for c in row] for row in book["Collection Plan"].iter_rows(min_row=5)]
        self.assertEqual([row[0] for row in rows], ["Li Lei", "Department"])
        # a month without plans: the summary's sheets as before
        __, book = self._summary_xlsx(self.director, month=date(2026, 3, 1))
        self.assertNotIn("Collection Plan", book.sheetnames)


@tagged("post_install", "-at_install")
class TestCollectionPlanDemo(TransactionCase):
    """The demo's plan: Zhang Wei's month, one installment collected in full, one in part."""

    def test_demo_plan(self):
        invoice = self.env.ref(
            "business_dept.account_move_collection1_demo", raise_if_not_found=False
        )
        if not invoice:
            self.skipTest("database without the addon's demo data")
        manager = self.env.ref("business_dept.user_manager1_demo")
        invoices = invoice | self.env.ref("business_dept.account_move_collection2_demo")
        invoices |= self.env.ref("business_dept.account_move_collection3_demo")
        lines = (
            self.env["business.collection.plan.line"]
            .with_user(manager)
            .search([("move_id", "in", invoices.ids)])
        )
        self.assertEqual(lines.move_id, invoices)
        self.assertEqual(lines.plan_id.user_id, manager)
        self.assertEqual(set(lines.mapped("payment_method")), {"bank_draft"})
        collected = {line.move_id: line.collected_by_month_end for line in lines}
        self.assertEqual(collected[invoice], 12000.0)
        self.assertEqual(
            collected[self.env.ref("business_dept.account_move_collection2_demo")], 3000.0
        )
