"""A month of random but valid operations, then the KPI figures computed a second time.

A seeded generator (``random.Random(seed)``) plays a month of a small department through
the ORM, as the roles who do it where practical: managers make quotations for their
customers, a General Manager signs them off, managers confirm (some cancel); deliveries go
out in one or several steps (or the rest is cancelled), some come back
(``stock.return.picking``); invoices are made from what was delivered, some cancelled,
some reset and dated again, some partly credited; installments (payment terms of two
installments) are paid in part or in full, on time or late; the assistant records the day
invoices reached the customer (发票送达); the General Manager signs order reviews and the
assistant receives them, across a public holiday. Times are Shanghai wall-clock times
spread over the month, some just after local midnight.

The oracle (``_oracle_*``, one method per figure) then computes the figures in plain Python
from the ORM records, from the rules' text in SPEC.md §8 (not from the report's SQL), and
the report (``business.kpi.report``) must agree: read as it shows them, live, and
after the nightly job stores the closed months; so must the customer statements (对账单) the
assistant generates for each closing date (balances, invoiced, paid).

开票及时率 counts a delivery on time when an invoice for its own goods (one of the order
lines it shipped, dated on or after it) reached the customer in the window, not an
earlier invoice of the order for other goods (the rule's text: "whose invoice");
订单评审表及时率 judges the receipt date (接收日期, the seed's basis): an order received
on the evening of its deadline day is on time.

Seeds ``SEEDS`` run in CI; ``BUSINESS_DEPT_SIM_SEEDS=1,2,3`` runs others by hand.
"""

import heapq
import logging
import os
import random
from collections import defaultdict
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from pytz import timezone, utc

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools import float_compare

from .common import KpiCase

_logger = logging.getLogger(__name__)

SHANGHAI = timezone("Asia/Shanghai")
SEEDS = (3, 10, 12)
MONTH = date(2026, 3, 1)
# the months compared: a month either side of what the simulation can reach
MONTHS = [MONTH + relativedelta(months=n) for n in range(-1, 5)]
MEASURES = (
    "output_amount",
    "payment_due_count",
    "payment_ontime_count",
    "payment_due_amount",
    "payment_ontime_amount",
    "delivery_count",
    "delivery_ontime_count",
    "new_customers",
    "review_count",
    "review_ontime_count",
)

# what the operation log of the CI seeds must show (each kind of event at least once)
EVENTS = (
    "quotation cancelled",
    "confirmed",
    "order cancelled",
    "partial=True",
    "rest cancelled",
    "return WH/",
    "out_refund",
    "credit note",
    "reset and dated",
    "out_invoice",
    "invoice cancelled",
    "delivered to the customer",
    "paid",
    "review signed",
    "review received",
)


def _env_seeds():
    raw = os.environ.get("BUSINESS_DEPT_SIM_SEEDS") or ""
    return [int(seed) for seed in raw.split(",") if seed.strip()]


def _utc(local):
    """Naive UTC datetime of a naive Shanghai wall-clock time."""
    return SHANGHAI.localize(local).astimezone(utc).replace(tzinfo=None)


def _local(stored):
    """Naive Shanghai wall-clock time of a stored (naive UTC) datetime."""
    return utc.localize(stored).astimezone(SHANGHAI).replace(tzinfo=None)


def _first(day):
    return day.replace(day=1)


@tagged("post_install", "-at_install")
class TestMonthSimulation(KpiCase):
    """A month played at random, checked against a plain re-computation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        calendar = cls.env["resource.calendar"].create(
            {"name": "Shanghai", "tz": "Asia/Shanghai", "company_id": cls.company.id}
        )
        # a public holiday (Friday 20 March): order reviews run over it
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "Sim holiday",
                "calendar_id": calendar.id,
                "date_from": _utc(datetime(2026, 3, 20, 0, 0)),
                "date_to": _utc(datetime(2026, 3, 20, 23, 59)),
            }
        )
        cls.company.write(
            {
                "resource_calendar_id": calendar.id,
                "quote_signoff_required": True,
                "quote_signoff_min_amount": 0.0,
            }
        )
        cls.products = cls.env["product.product"].create(
            [
                {
                    "name": name,
                    "type": "consu",
                    "list_price": 100.0,
                    "invoice_policy": "delivery",
                    "taxes_id": [Command.clear()],
                }
                for name in ("Valve", "Gasket")
            ]
        )
        Partner = cls.env["res.partner"]
        cls.customers = Partner.create(
            [
                {"name": "Sim Alpha", "is_company": True, "user_id": cls.manager.id},
                {
                    "name": "Sim Beta",
                    "is_company": True,
                    "user_id": cls.manager.id,
                    "closing_day": 25,
                },
                {
                    "name": "Sim Gamma",
                    "is_company": True,
                    "user_id": cls.manager2.id,
                    "closing_day": 10,
                },
            ]
        )
        cls.terms = cls._make_terms()
        cls.users = cls.manager | cls.manager2

    @classmethod
    def _make_terms(cls):
        """Payment terms of one installment and of two (percent, days)."""
        return cls.env["account.payment.term"].create(
            [
                {
                    "name": name,
                    "line_ids": [
                        Command.create({"value": "percent", "value_amount": p, "nb_days": d})
                        for p, d in parts
                    ],
                }
                for name, parts in (
                    ("Sim 15 days", [(100, 15)]),
                    ("Sim 30 days", [(100, 30)]),
                    ("Sim 50/50", [(50, 10), (50, 40)]),
                    ("Sim 30/70", [(30, 5), (70, 35)]),
                )
            ]
        )

    # ------------------------------------------------------------------ the runs
    def test_ci_seeds(self):
        """The fixed seeds, each on a clean slate (rolled back after it); together they
        play every kind of event."""
        played = []
        for seed in SEEDS:
            played += self._run_seed(seed)
        log = "\n".join(played)
        missing = [event for event in EVENTS if event not in log]
        self.assertFalse(missing, f"events no seed of {SEEDS} plays")

    def test_env_seeds(self):
        """The seeds of ``BUSINESS_DEPT_SIM_SEEDS``, by hand."""
        seeds = _env_seeds()
        if not seeds:
            self.skipTest("BUSINESS_DEPT_SIM_SEEDS not set")
        for seed in seeds:
            self._run_seed(seed)

    def _run_seed(self, seed):
        with self.subTest(seed=seed):
            savepoint = self.env.cr.savepoint()
            try:
                self._play(seed, orders=8)
                self._compare(seed)
                self._compare_statements(seed)
            finally:
                savepoint.close(rollback=True)
                self.env.invalidate_all()
        return self.log

    # ------------------------------------------------------------------ generator
    def _play(self, seed, orders):
        """Schedule the quotations over the month and play every event in time order;
        an event may schedule the next ones of its document."""
        self.rng = random.Random(seed)
        self.queue = []
        self.log = []
        self.ticket = 0
        for __ in range(orders):
            self._at(self._month_time(), self._op_quotation)
        while self.queue:
            when, __, op, args = heapq.heappop(self.queue)
            op(when, *args)
            # the end of a request: what it changed is written before the next user acts
            self.env.flush_all()
        log = "\n".join(self.log)
        _logger.info(
            "seed %s: %d operations, events missing: %s",
            seed,
            len(self.log),
            [event for event in EVENTS if event not in log],
        )

    def _at(self, when, op, *args):
        self.ticket += 1
        heapq.heappush(self.queue, (when, self.ticket, op, args))

    def _month_time(self):
        """A Shanghai wall-clock time in the month; one in five just after midnight."""
        day = MONTH + timedelta(days=self.rng.randrange(31))
        hour = 0 if self.rng.random() < 0.2 else self.rng.randint(8, 19)
        return datetime(day.year, day.month, day.day, hour, self.rng.randrange(60))

    def _later(self, when, low, high):
        """``when`` plus ``low``..``high`` days, at a working hour or just after midnight."""
        day = (when + timedelta(days=self.rng.randint(low, high))).date()
        hour = 0 if self.rng.random() < 0.2 else self.rng.randint(8, 19)
        return max(when, datetime(day.year, day.month, day.day, hour, self.rng.randrange(60)))

    def _note(self, when, text):
        self.log.append(f"{when:%m-%d %H:%M} {text}")

    def _op_quotation(self, when):
        """A manager's quotation for one of his customers; the GM signs it off, or the
        manager drops it."""
        customer = self.rng.choice(self.customers)
        user = customer.user_id
        lines = self.rng.sample(list(self.products), self.rng.randint(1, 2))
        order = (
            self.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": customer.id,
                    "user_id": user.id,
                    "payment_term_id": self.rng.choice(self.terms).id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": self.rng.randint(2, 9),
                                "price_unit": self.rng.randint(500, 30000) / 100,
                            }
                        )
                        for product in lines
                    ],
                }
            )
        )
        self._note(when, f"{order.name} quotation {customer.name} {order.amount_total}")
        if self.rng.random() < 0.1:
            order.with_user(user).action_cancel()
            self._note(when, f"{order.name} quotation cancelled")
            return
        order.with_user(self.gm).action_signoff()
        self._at(self._later(when, 0, 2), self._op_confirm, order)

    def _op_confirm(self, when, order):
        user = order.user_id
        order.with_user(user).action_confirm()
        order.date_order = _utc(when)
        self._note(when, f"{order.name} confirmed")
        if self.rng.random() < 0.1:
            order.with_user(user).with_context(disable_cancel_warning=True).action_cancel()
            self._note(when, f"{order.name} order cancelled")
            return
        self._at(self._later(when, 0, 6), self._op_deliver, order)
        if self.rng.random() < 0.7:
            self._at(self._later(when, 0, 2), self._op_review_sign, order)

    def _op_review_sign(self, when, order):
        """The General Manager signs the order review (its start), at that time."""
        if order.state != "sale":
            return
        with freeze_time(_utc(when)):
            order.with_user(self.gm).action_review_sign()
        self._note(when, f"{order.name} review signed")
        self._at(self._later(when, 1, 8), self._op_review_receive, order)

    def _op_review_receive(self, when, order):
        """The assistant hands the reviewed order to the manager: the receipt time."""
        if order.state != "sale" or not order.review_start_date:
            return
        with freeze_time(_utc(when)):
            order.with_user(self.assistant).action_review_receive()
        self._note(when, f"{order.name} review received")

    def _op_deliver(self, when, order):
        """Ship what is open, all or part of each line (a backorder keeps the rest)."""
        picking = order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state not in ("done", "cancel")
        )[:1]
        if not picking:
            return
        partial = self.rng.random() < 0.4
        for move in picking.move_ids:
            demand = int(move.product_uom_qty)
            qty = self.rng.randint(1, demand - 1) if partial and demand > 1 else demand
            move.write({"quantity": qty, "picked": True})
        picking._action_done()
        self._date_done(picking, when)
        self._note(when, f"{order.name} delivered {picking.name} partial={partial}")
        if picking.backorder_ids:
            rest = self._op_deliver if self.rng.random() < 0.85 else self._op_drop_rest
            self._at(self._later(when, 1, 8), rest, order)
        if self.rng.random() < 0.25:
            self._at(self._later(when, 1, 5), self._op_return, picking)
        if self.rng.random() < 0.8:
            self._at(self._later(when, 0, 5), self._op_invoice, order)

    def _op_drop_rest(self, when, order):
        """The customer no longer wants the rest: the open backorder is cancelled."""
        rest = order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state not in ("done", "cancel")
        )
        rest.action_cancel()
        self._note(when, f"{order.name} rest cancelled {rest.mapped('name')}")

    def _date_done(self, picking, when):
        """Date the picking and its moves at the simulated time (done now otherwise)."""
        picking.date_done = _utc(when)
        picking.move_ids.filtered(lambda m: m.state == "done").date = _utc(when)

    def _op_return(self, when, picking):
        """The customer sends part of a delivery back (stock.return.picking)."""
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=picking.id, active_model="stock.picking")
            .create({"picking_id": picking.id})
        )
        line = self.rng.choice(wizard.product_return_moves)
        line.write({"quantity": self.rng.randint(1, int(line.move_id.quantity)), "to_refund": True})
        returned = wizard._create_return()
        for move in returned.move_ids:
            move.write({"quantity": move.product_uom_qty, "picked": True})
        returned._action_done()
        self._date_done(returned, when)
        self._note(when, f"{picking.sale_id.name} return {returned.name} of {picking.name}")
        self._at(self._later(when, 0, 4), self._op_invoice, picking.sale_id)

    def _op_invoice(self, when, order):
        """Invoice what is delivered and not invoiced (a credit note for what came back)."""
        if order.invoice_status != "to invoice":
            return
        moves = order._create_invoices(final=True)
        for move in moves:
            move.invoice_date = when.date()
            move.action_post()
            self._note(when, f"{order.name} {move.move_type} {move.name} {move.amount_total}")
            if move.move_type == "out_invoice":
                self._invoice_follow_up(when, move)

    def _invoice_follow_up(self, when, invoice):
        """What happens to a posted invoice: delivered to the customer, cancelled,
        partly credited, its installments paid."""
        if self.rng.random() < 0.7:
            self._at(self._later(when, 0, 20), self._op_invoice_delivered, invoice)
        if self.rng.random() < 0.08:
            self._at(self._later(when, 0, 2), self._op_invoice_cancel, invoice)
            return
        if self.rng.random() < 0.08:
            self._at(self._later(when, 0, 2), self._op_invoice_redate, invoice)
        if self.rng.random() < 0.12:
            self._at(self._later(when, 1, 10), self._op_credit_note, invoice)
        installments = invoice.line_ids.filtered(lambda line: line.display_type == "payment_term")
        for line in installments.sorted("date_maturity"):
            due = datetime.combine(line.date_maturity, datetime.min.time())
            fate = self.rng.random()
            if fate < 0.45:
                pay_on = self._later(max(when, due - timedelta(days=6)), 0, 6)
                pay_on = min(pay_on, due + timedelta(hours=self.rng.randint(0, 23)))
            elif fate < 0.75:
                pay_on = self._later(due, 1, 12)
            else:
                continue
            share = 1.0 if self.rng.random() < 0.7 else 0.5
            self._at(max(pay_on, when), self._op_pay, invoice, round(line.balance * share, 2))

    def _op_invoice_delivered(self, when, invoice):
        """The assistant records the day the invoice reached the customer."""
        if invoice.state != "posted" or invoice.invoice_delivered_date:
            return
        day = max(when.date(), invoice.invoice_date)
        action = invoice.with_user(self.assistant).action_invoice_delivered()
        wizard = (
            self.env["business.invoice.delivery"]
            .with_user(self.assistant)
            .with_context(**action["context"])
            .create({"delivered_date": day, "delivery_ref": f"SF{self.ticket:08d}"})
        )
        wizard.action_confirm()
        self._note(when, f"{invoice.name} delivered to the customer on {day}")

    def _op_invoice_cancel(self, when, invoice):
        """An invoice not paid yet is cancelled; the order is invoiced again later."""
        if invoice.state != "posted" or invoice.amount_residual != invoice.amount_total:
            return
        invoice.button_draft()
        invoice.button_cancel()
        self._note(when, f"{invoice.name} invoice cancelled")
        order = invoice.line_ids.sale_line_ids.order_id[:1]
        self._at(self._later(when, 1, 4), self._op_invoice, order)

    def _op_invoice_redate(self, when, invoice):
        """An invoice not paid yet is reset to draft, dated again (maybe in the next month,
        its installments with it) and posted again."""
        if invoice.state != "posted" or invoice.amount_residual != invoice.amount_total:
            return
        invoice.button_draft()
        invoice.invoice_date = invoice.invoice_date + timedelta(days=self.rng.randint(1, 12))
        invoice.action_post()
        self._note(when, f"{invoice.name} reset and dated {invoice.invoice_date}")

    def _op_credit_note(self, when, invoice):
        """A credit note for one unit of the invoice's first line, set against it."""
        if invoice.state != "posted":
            return
        [refund] = invoice._reverse_moves([{"invoice_date": when.date(), "date": when.date()}])
        first = refund.invoice_line_ids[0]
        refund.write(
            {
                "invoice_line_ids": [Command.update(first.id, {"quantity": 1})]
                + [Command.delete(line.id) for line in refund.invoice_line_ids[1:]]
            }
        )
        refund.action_post()
        if not invoice.currency_id.is_zero(invoice.amount_residual):
            (invoice.line_ids | refund.line_ids).filtered(
                lambda line: line.display_type == "payment_term" and not line.reconciled
            ).reconcile()
        self._note(when, f"{invoice.name} credit note {refund.name} {refund.amount_total}")

    def _op_pay(self, when, invoice, amount):
        """A payment received (account.payment.register), never more than is open."""
        if invoice.state != "posted" or invoice.currency_id.is_zero(invoice.amount_residual):
            return
        amount = min(amount, invoice.amount_residual)
        self._pay(invoice, amount, when.date())
        self._note(when, f"{invoice.name} paid {amount}")

    # ------------------------------------------------------------------ oracle
    def _orders(self):
        return self.env["sale.order"].search([("partner_id", "in", self.customers.ids)])

    def _invoices(self, move_types=("out_invoice", "out_refund")):
        return self.env["account.move"].search(
            [
                ("partner_id", "in", self.customers.ids),
                ("move_type", "in", list(move_types)),
                ("state", "=", "posted"),
            ]
        )

    def _key(self, user, partner, month):
        """(salesperson, month) a figure counts for: in a month still open (the current
        and the previous month of the company's local today), the figures of a salesperson
        who left (archived) go to the customer's salesperson at work in the company, else
        to the Business Director; a closed month keeps whom it named."""
        open_from = _first(_local(fields.Datetime.now()).date()) - relativedelta(months=1)
        if user.active or month < open_from:
            return (user.id, month)
        seller = partner.commercial_partner_id.user_id
        if seller.active and not seller.share and self.company in seller.company_ids:
            return (seller.id, month)
        return (self.company._business_director().id, month)

    def _oracle_output_invoiced(self, figures):
        """产值 (invoiced): untaxed amount of the posted invoices less the credit notes,
        month of the invoice date, salesperson of the invoice."""
        for move in self._invoices():
            sign = -1 if move.move_type == "out_refund" else 1
            amount = sum(move.invoice_line_ids.mapped("price_subtotal"))
            key = self._key(move.invoice_user_id, move.partner_id, _first(move.invoice_date))
            figures[key]["output_amount"] += sign * amount

    def _oracle_output_delivered(self, figures):
        """产值 (delivered): what went to the customer less what came back, at the order
        line's untaxed unit price, the local month of the move, the order's salesperson."""
        for order in self._orders():
            for line in order.order_line:
                unit = line.price_subtotal / line.product_uom_qty
                for move in line.move_ids.filtered(lambda m: m.state == "done"):
                    out = move.location_dest_id.usage == "customer"
                    back = move.location_id.usage == "customer"
                    if out == back:
                        continue
                    key = self._key(
                        order.user_id, order.partner_id, _first(_local(move.date).date())
                    )
                    figures[key]["output_amount"] += (1 if out else -1) * move.quantity * unit

    def _oracle_payment(self, figures):
        """回款及时率: each installment of a posted invoice, in the month it falls due,
        counted on what is owed once credit notes are taken off; paid on time by the
        payments dated on or before its deadline: its due date, or when that is a day off
        of the company's calendar the first working day after it (民法典 第二百零三条)."""
        ends, holidays = self._working_day_ends()

        def deadline(due):
            if not self.company.legal_deadline_shift:
                return due
            while due.weekday() not in ends or due in holidays:
                due += timedelta(days=1)
            return due

        for invoice in self._invoices(("out_invoice",)):
            terms = invoice.line_ids.filtered(lambda line: line.display_type == "payment_term")
            for line in terms:
                credited = paid = 0.0
                for partial in line.matched_credit_ids:
                    counterpart = partial.credit_move_id
                    if counterpart.move_id.move_type == "out_refund":
                        credited += partial.amount
                    elif counterpart.date <= deadline(line.date_maturity):
                        paid += partial.amount
                owed = line.balance - credited
                if float_compare(owed, 0.0, precision_digits=2) <= 0:
                    continue
                key = self._key(
                    invoice.invoice_user_id, invoice.partner_id, _first(line.date_maturity)
                )
                figures[key]["payment_due_count"] += 1
                figures[key]["payment_due_amount"] += owed
                figures[key]["payment_ontime_amount"] += min(paid, owed)
                if float_compare(paid, owed, precision_digits=2) >= 0:
                    figures[key]["payment_ontime_count"] += 1

    @staticmethod
    def _closing_date(month, closing_day):
        """The customer's closing date (关账日) in ``month``: his day, or the last day."""
        last = (month + relativedelta(months=1) - timedelta(days=1)).day
        return month.replace(day=min(closing_day or last, last))

    def _oracle_invoicing(self, figures):
        """开票及时率: each delivery of the month is on time when an invoice for its goods
        (billing one of its order lines, dated on or after it) reached the customer by the
        closing day (a delivery after the month's closing day: by the next month's), and
        not before the month of the delivery."""
        invoices = self._invoices(("out_invoice",))
        for order in self._orders():
            closing_day = order.partner_id.commercial_partner_id.closing_day
            sent = [
                inv
                for inv in invoices
                if inv.invoice_delivered_date
                and order in inv.invoice_line_ids.sale_line_ids.order_id
            ]
            for picking in order.picking_ids.filtered(
                lambda p: p.state == "done" and p.location_dest_id.usage == "customer"
            ):
                day = _local(picking.date_done).date()
                month = _first(day)
                deadline = self._closing_date(month, closing_day)
                if day > deadline:
                    deadline = self._closing_date(month + relativedelta(months=1), closing_day)
                its_own = [
                    i
                    for i in sent
                    if month <= i.invoice_delivered_date <= deadline
                    and i.invoice_date >= day
                    and i.invoice_line_ids.sale_line_ids & picking.move_ids.sale_line_id
                ]
                key = self._key(order.user_id, order.partner_id, month)
                figures[key]["delivery_count"] += 1
                figures[key]["delivery_ontime_count"] += int(bool(its_own))

    def _oracle_new_customers(self, figures):
        """New customers: the month (local) of each customer's first confirmed order,
        counted for that order's salesperson."""
        for customer in self.customers:
            orders = self._orders().filtered(
                lambda o, c=customer: o.partner_id == c and o.state == "sale"
            )
            if orders:
                first = min(orders, key=lambda o: (o.date_order, o.id))
                key = self._key(
                    first.user_id, first.partner_id, _first(_local(first.date_order).date())
                )
                figures[key]["new_customers"] += 1

    def _working_day_ends(self):
        """{weekday: local end of its working hours} and the public holidays (local days)
        of the company's calendar."""
        calendar = self.company.resource_calendar_id
        ends = defaultdict(float)
        for attendance in calendar.attendance_ids:
            day = int(attendance.dayofweek)
            ends[day] = max(ends[day], attendance.hour_to)
        holidays = set()
        for leave in calendar.leave_ids.filtered(lambda x: not x.resource_id):
            day, last = _local(leave.date_from).date(), _local(leave.date_to).date()
            while day <= last:
                holidays.add(day)
                day += timedelta(days=1)
        return ends, holidays

    def _oracle_review(self, figures):
        """订单评审表及时率: reviews received in the month (local); on time when the receipt
        date (接收日期, local) is at the latest the N-th working day after the day the
        General Manager signed (rest days and public holidays do not count)."""
        ends, holidays = self._working_day_ends()
        days = self.company.review_working_days
        for order in self._orders().filtered("review_received_date"):
            day, left = _local(order.review_start_date).date(), days
            while left:
                day += timedelta(days=1)
                left -= day.weekday() in ends and day not in holidays
            received = _local(order.review_received_date)
            key = self._key(order.user_id, order.partner_id, _first(received.date()))
            figures[key]["review_count"] += 1
            figures[key]["review_ontime_count"] += int(received.date() <= day)

    def _oracle(self, basis):
        figures = defaultdict(lambda: dict.fromkeys(MEASURES, 0.0))
        if basis == "invoiced":
            self._oracle_output_invoiced(figures)
        else:
            self._oracle_output_delivered(figures)
        self._oracle_payment(figures)
        self._oracle_invoicing(figures)
        self._oracle_new_customers(figures)
        self._oracle_review(figures)
        return figures

    def _periods(self):
        """(customer, first day, closing date) of each statement period (对账期) ending in the
        months simulated: it ends on the customer's closing day (the month end without
        one) and starts the day after the previous month's closing date."""
        periods = []
        for customer in self.customers:
            for month in MONTHS[1:-1]:
                end = self._closing_date(month, customer.closing_day)
                before = self._closing_date(month - relativedelta(months=1), customer.closing_day)
                periods.append((customer, before + timedelta(days=1), end))
        return periods

    def _oracle_statement(self, customer, date_from, date_to):
        """对账单 amounts from the customer's posted receivable entries: the balance before
        the period and at its end, invoices less credit notes of the period, payments of
        the period (a positive figure)."""
        lines = self.env["account.move.line"].search(
            [
                ("partner_id.commercial_partner_id", "=", customer.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
            ]
        )
        period = lines.filtered(lambda line: date_from <= line.date <= date_to)
        invoices = period.move_id.filtered(lambda m: m.move_type in ("out_invoice", "out_refund"))
        payments = period.filtered(lambda line: line.move_id.origin_payment_id)
        return {
            "opening_balance": sum(lines.filtered(lambda x: x.date < date_from).mapped("balance")),
            "closing_balance": sum(lines.filtered(lambda x: x.date <= date_to).mapped("balance")),
            "amount_invoiced": sum(invoices.mapped("amount_total_signed")),
            "amount_paid": -sum(payments.mapped("balance")),
            "active": bool(period),
        }

    def _compare_statements(self, seed):
        """The statements generated by the assistant for each closing date agree with the
        oracle; a customer with entries in a period has his statement. A period without
        activity has no statement: the next one starts the day after the last statement
        (nothing falls between two statements)."""
        Statement = self.env["business.customer.statement"].with_user(self.assistant)
        periods = sorted(self._periods(), key=lambda p: p[2])
        for date_to in sorted({p[2] for p in periods}):
            Statement._generate_statements(date_to)
        last = {}
        for customer, first_day, date_to in periods:
            date_from = last[customer] + timedelta(days=1) if customer in last else first_day
            expected = self._oracle_statement(customer, date_from, date_to)
            statement = Statement.search(
                [("partner_id", "=", customer.id), ("date_to", "=", date_to)]
            )
            where = f"seed {seed} statement {customer.name} {date_from}..{date_to}"
            if expected.pop("active"):
                self.assertTrue(statement, f"{where}: no statement\n" + "\n".join(self.log))
            if not statement:
                continue
            last[customer] = date_to
            self.assertEqual(statement.date_from, date_from, where)
            for name, value in expected.items():
                self.assertAlmostEqual(
                    statement[name], value, places=2, msg=f"{where} {name}\n" + "\n".join(self.log)
                )

    # ------------------------------------------------------------------ comparison
    def _report(self, users=None, **context):
        """{(salesperson, month): figures} of the report as a Business Director reads it."""
        users = users or self.users
        self.env.invalidate_all()
        rows = (
            self.env["business.kpi.report"]
            .with_user(self.director)
            .with_context(**context)
            .search(
                [
                    ("user_id", "in", users.ids),
                    ("month", ">=", MONTHS[0]),
                    ("month", "<=", MONTHS[-1]),
                ]
            )
        )
        return {(row.user_id.id, row.month): {m: row[m] or 0.0 for m in MEASURES} for row in rows}

    def _compare(self, seed):
        for basis in ("invoiced", "delivered"):
            self.company.output_basis = basis
            expected = self._oracle(basis)
            for how, context in (("report", {}), ("live", {"business_kpi_live": True})):
                self._assert_figures(seed, f"{basis}/{how}", expected, self._report(**context))
            # the closed months as the nightly job stores them
            self.env["business.kpi.snapshot"]._kpi_store_refresh()
            self._assert_figures(seed, f"{basis}/stored", expected, self._report())
            self.env["business.kpi.snapshot"].search([("kpi_source", "=", "stored")]).unlink()
        self._compare_after_leaving(seed)

    def _compare_after_leaving(self, seed):
        """manager2 leaves on 10 April (Shanghai): March and April are still open, his
        figures of these months count for the customers' salespeople at work, else the
        Business Director; February keeps his name (离职交接)."""
        with freeze_time(datetime(2026, 4, 10, 4, 0)):
            self.manager2.action_archive()
            self.log.append("salesperson archived: manager2 on 10 April")
            users = self.users | self.company._business_director()
            for basis in ("invoiced", "delivered"):
                self.company.output_basis = basis
                expected = self._oracle(basis)
                self._assert_figures(seed, f"{basis}/left", expected, self._report(users))

    def _assert_figures(self, seed, how, expected, actual):
        empty = dict.fromkeys(MEASURES, 0.0)
        for key in sorted(set(expected) | set(actual)):
            self.assertIn(key[1], MONTHS, f"seed {seed}: a figure outside the months {key}")
            want, got = expected.get(key, empty), actual.get(key, empty)
            for measure in MEASURES:
                self.assertAlmostEqual(
                    got[measure],
                    want[measure],
                    places=2,
                    msg=f"seed {seed} {how} {measure} user {key[0]} month {key[1]}\n"
                    + "\n".join(self.log),
                )
