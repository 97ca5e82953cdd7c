from datetime import date, datetime

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name
from odoo.tools import SQL

from .test_kpi_report import MARCH, KpiMarchCase

APRIL = date(2026, 4, 1)


@tagged("post_install", "-at_install")
class TestKpiStoredFigures(KpiMarchCase):
    """The KPI report reads the stored figures of the months nothing changed in and
    computes the others live: after each kind of change real data sees, the report
    gives the live figures, and so does the next refresh."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Report = cls.env["business.kpi.report"].with_user(cls.director)
        cls.fields = [
            name
            for name, field in cls.Report._fields.items()
            if field.store and name not in ("id", "display_name", "currency_id")
        ]

    def _figures(self, live=False, domain=()):
        report = self.Report.with_context(business_kpi_live=True) if live else self.Report
        self.env.flush_all()
        self.env.invalidate_all()
        return report.search_read(list(domain), self.fields, order="month, user_id, company_id")

    def _changed(self):
        self.env.flush_all()
        return self.Report._kpi_cache_changed()

    def assertChangeSeen(self, change, *months, moves=True):
        """``change`` marks ``months`` (March by default) and moves the figures
        (unless ``moves`` is False); they are read live until the next refresh
        stores them again."""
        before = self._figures()
        change()
        everything, changed = self._changed()
        for month in months or (MARCH,):
            self.assertTrue(everything or month in changed, f"{month} not marked: {changed}")
        after = self._figures()
        if moves:
            self.assertNotEqual(after, before, "the change moves the figures")
        self.assertEqual(after, self._figures(live=True))
        self.assertEqual(
            self._figures(domain=[("month", "=", MARCH)]),
            self._figures(live=True, domain=[("month", "=", MARCH)]),
        )
        self.assertTrue(self.Report._kpi_cache_refresh())
        self.assertEqual(self._changed(), (False, []))
        self.assertEqual(self._figures(), after)
        return after

    def _march(self, user):
        return next(
            row
            for row in self._figures(domain=[("month", "=", MARCH)])
            if row["user_id"] and row["user_id"][0] == user.id
        )

    def test_stored_figures_read_until_a_change(self):
        """After a refresh nothing is marked and the report reads the stored rows
        (a row altered in SQL shows); a change of March reads March live again."""
        self.assertEqual(self._changed(), (False, []))
        self.assertEqual(self._figures(), self._figures(live=True))
        self.env.cr.execute(
            SQL(
                "UPDATE business_kpi_report_fact SET review_count = 99"
                " WHERE month = %s AND user_id = %s",
                MARCH,
                self.manager.id,
            )
        )
        self.assertEqual(self._march(self.manager)["review_count"], 99)
        survey = self.env["business.satisfaction.survey"].search(
            [("state", "=", "draft"), ("date", "=", "2026-03-12")], limit=1
        )
        survey.score_quality = 20
        self.assertEqual(self._march(self.manager)["review_count"], 2)

    def test_read_before_the_change_is_flushed(self):
        """A change still in the ORM's cache when the report is read is flushed
        before the marks are read (the report searched in the same transaction)."""
        order = self.env["sale.order"].search([("partner_id", "=", self.customer2.id)], limit=1)
        order.user_id = self.manager
        self.Report.invalidate_model()
        rows = self.Report.search_read([], self.fields, order="month, user_id, company_id")
        self.Report.invalidate_model()
        self.assertEqual(rows, self._figures(live=True))

    def test_backlog_dated_mid_month(self):
        """A backlog record whose month is not a 1st (an import, an RPC call)
        counts in its month."""
        product = self.env["product.product"].create({"name": "Valve C", "is_storable": True})
        self.assertChangeSeen(
            lambda: self.env["business.stock.backlog"].create(
                {
                    "product_id": product.id,
                    "month": "2026-03-15",
                    "user_id": self.manager.id,
                    "quantity": 1.0,
                }
            )
        )
        self.assertEqual(self._march(self.manager)["backlog_count"], 3)

    def test_payment_unreconciled_and_credit_note(self):
        """A payment taken off an invoice, then the invoice reversed in full by a
        credit note: March's installments."""
        terms = self.inv1.line_ids.filtered(lambda line: line.display_type == "payment_term")
        self.assertChangeSeen(terms.remove_move_reconcile)
        self.assertChangeSeen(lambda: self.inv1._reverse_moves(cancel=True))

    def test_second_installment_paid_on_time(self):
        """The second half of an invoice (EUR, due 25 March) paid again on time."""
        terms = self.inv2.line_ids.filtered(lambda line: line.display_type == "payment_term")
        self.assertChangeSeen(terms.remove_move_reconcile)
        self.assertChangeSeen(lambda: self._pay(self.inv2, 1000.0, "2026-03-24"))
        self.assertEqual(self._march(self.manager)["payment_ontime_count"], 2)

    def test_invoice_reset_to_draft(self):
        self.assertChangeSeen(self.inv1.button_draft)
        self.assertChangeSeen(self.inv1.action_post)

    def test_invoice_delivered_later_and_closing_day(self):
        """The invoice of the first delivery reaches the customer after the 25th;
        then the customer closes his books at the month's end."""
        invoice = self.env["account.move"].search(
            [("partner_id", "=", self.customer2.id), ("invoice_date", "=", "2026-03-20")]
        )
        self.assertChangeSeen(lambda: invoice.write({"invoice_delivered_date": "2026-03-27"}))
        self.assertChangeSeen(lambda: self.customer2.write({"closing_day": 31}))

    def test_salesperson_changed(self):
        orders = self.env["sale.order"].search([("partner_id", "=", self.customer2.id)])
        self.assertChangeSeen(lambda: orders[:1].write({"user_id": self.manager.id}))

    def test_delivery_just_after_local_midnight(self):
        """Shanghai: done at 00:10 on 1 April local (16:10 UTC on 31 March): April."""
        calendar = self.env["resource.calendar"].create(
            {"name": "Shanghai", "tz": "Asia/Shanghai", "company_id": self.company.id}
        )
        self.company.resource_calendar_id = calendar
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer2.id,
                "user_id": self.manager2.id,
                "order_line": [Command.create({"product_id": self.product.id})],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.write({"quantity": 1, "picked": True})
        picking._action_done()
        self.assertTrue(self.Report._kpi_cache_refresh())
        done = datetime(2026, 3, 31, 16, 10)

        def deliver():
            picking.date_done = done
            picking.move_ids.date = done

        self.assertChangeSeen(deliver, APRIL)
        april = self._figures(domain=[("month", "=", APRIL), ("user_id", "=", self.manager2.id)])
        self.assertEqual(april[0]["delivery_count"], 1)

    def test_first_orders_change_the_new_customer(self):
        """A customer's first order confirmed in April; two earlier quotations
        dated in March in one write take the new customer to March; the first of
        them cancelled leaves it in March with the second."""
        customer = self.env["res.partner"].create({"name": "Newcomer Ltd", "is_company": True})

        def order(day):
            so = self.env["sale.order"].create(
                {
                    "partner_id": customer.id,
                    "user_id": self.manager.id,
                    "order_line": [Command.create({"product_id": self.product.id})],
                }
            )
            so.action_confirm()
            so.date_order = day
            return so

        first = order("2026-04-10 02:00:00")
        earlier = order("2026-11-02 02:00:00") | order("2026-11-03 02:00:00")
        self.assertTrue(self.Report._kpi_cache_refresh())
        april = [("month", "=", APRIL), ("user_id", "=", self.manager.id)]
        self.assertEqual(self._figures(domain=april)[0]["new_customers"], 1)
        self.assertChangeSeen(
            lambda: (earlier[0] | earlier[1]).write({"date_order": "2026-03-20 02:00:00"}),
            MARCH,
            APRIL,
        )
        self.assertEqual(self._figures(domain=april)[0]["new_customers"], 0)
        self.assertEqual(self._march(self.manager)["new_customers"], 1)
        self.assertChangeSeen(earlier[0]._action_cancel, MARCH, moves=False)
        self.assertEqual(self._march(self.manager)["new_customers"], 1)
        self.assertChangeSeen(earlier[1]._action_cancel, MARCH, APRIL)
        self.assertEqual(self._figures(domain=april)[0]["new_customers"], 1)
        self.assertEqual(first.state, "sale")

    def test_survey_backlog_and_target(self):
        survey = self.env["business.satisfaction.survey"].search(
            [("state", "=", "draft"), ("date", "=", "2026-03-12")], limit=1
        )
        self.assertChangeSeen(survey.action_done)
        backlog = self.env["business.stock.backlog"].search(
            [("month", "=", MARCH), ("explained_on_time", "=", False)]
        )
        self.assertChangeSeen(lambda: backlog.write({"explained_date": "2026-03-21"}))
        line = self.env["business.sales.target.line"].search(
            [("user_id", "=", self.manager.id), ("month", "=", 3), ("year", "=", 2026)]
        )
        self.assertChangeSeen(lambda: line.write({"amount": line.amount + 1000.0}))

    def test_output_basis_and_time_zone_mark_every_month(self):
        self.assertChangeSeen(lambda: self.company.write({"output_basis": "delivered"}))
        self.assertEqual(self._changed(), (False, []))
        self.company.resource_calendar_id.tz = "America/New_York"
        self.assertTrue(self._changed()[0])

    def test_cron_and_module_update(self):
        """The cron stores the changed months; updating the module marks every
        month (the rules may have changed with the code)."""
        self.inv1.button_draft()
        self.assertIn(MARCH, self._changed()[1])
        self.env.ref("business_dept.ir_cron_business_kpi_refresh").method_direct_trigger()
        self.assertEqual(self._changed(), (False, []))
        self.env["business.kpi.report"].init()
        self.assertTrue(self._changed()[0])
        self.assertEqual(self._figures(), self._figures(live=True))


@tagged("post_install", "-at_install")
class TestKpiRefreshConcurrency(BaseCase):
    """A refresh consumes only the changes its transaction sees: a change committed
    while it runs, or not yet committed when it starts, keeps its month marked.
    Real transactions, committed (cleaned up afterwards)."""

    JUNE = date(2019, 6, 1)

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            gates = ("quote_signoff_required", "agreement_required")
            self.gates = {gate: env.company[gate] for gate in gates}
            env.company.write(dict.fromkeys(gates, False))
            partner = env["res.partner"].create({"name": "Refresh Race Co."})
            survey = env["business.satisfaction.survey"].create(
                {
                    "partner_id": partner.id,
                    "date": "2019-06-15",
                    "score_quality": 80,
                    "state": "done",
                }
            )
            self.partner, self.survey = partner.id, survey.id
            env["business.kpi.report"]._kpi_cache_refresh()
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["business.satisfaction.survey"].browse(self.survey).unlink()
            env["res.partner"].browse(self.partner).unlink()
            env.company.write(self.gates)
            env["business.kpi.report"]._kpi_cache_refresh()

    def _june(self, cr, live=False):
        report = api.Environment(cr, SUPERUSER_ID, {})["business.kpi.report"]
        if live:
            report = report.with_context(business_kpi_live=True)
        return report.search_read(
            [("month", "=", self.JUNE)], ["company_id", "user_id", "survey_count", "survey_score"]
        )

    def _rescore(self, cr, score):
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["business.satisfaction.survey"].browse(self.survey).score_quality = score
        env.flush_all()

    def _refresh(self, cr):
        api.Environment(cr, SUPERUSER_ID, {})["business.kpi.report"]._kpi_cache_refresh()

    def assertJuneLive(self, score):
        with self.registry.cursor() as cr:
            report = api.Environment(cr, SUPERUSER_ID, {})["business.kpi.report"]
            self.assertIn(self.JUNE, report._kpi_cache_changed()[1])
            self.assertEqual(self._june(cr), self._june(cr, live=True))
            self.assertEqual(self._june(cr)[0]["survey_score"], score)

    def test_change_committed_while_refreshing(self):
        with self.registry.cursor() as cr:
            self.assertEqual(self._june(cr)[0]["survey_score"], 80)
            self.assertNotIn(self.JUNE, self._changed(cr))
        with self.registry.cursor() as refresh_cr, self.registry.cursor() as write_cr:
            refresh_cr.execute("SELECT 1")  # the refresh's snapshot is taken here
            self._rescore(write_cr, 30)
            write_cr.commit()
            self._refresh(refresh_cr)
        self.assertJuneLive(30)

    def test_change_committed_after_the_refresh(self):
        with self.registry.cursor() as refresh_cr, self.registry.cursor() as write_cr:
            self._rescore(write_cr, 40)
            self._refresh(refresh_cr)
            refresh_cr.commit()
            write_cr.commit()
        self.assertJuneLive(40)

    def test_invoice_delivered_while_a_delivery_is_redated_and_refreshed(self):
        """An invoice delivered to the customer (T2) while another user corrects
        the done date of its order's delivery into October (T4) and the cron
        refreshes in between (T1): October, which T2 could not see, is read live."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            customer = env["res.partner"].create({"name": "Redated Co.", "closing_day": 25})
            product = env["product.product"].create({"name": "Redated Part", "type": "consu"})
            order = env["sale.order"].create(
                {
                    "partner_id": customer.id,
                    "order_line": [Command.create({"product_id": product.id})],
                }
            )
            order.action_confirm()
            order.picking_ids.move_ids.write({"quantity": 1, "picked": True})
            order.picking_ids._action_done()
            order.picking_ids.date_done = "2019-11-10 08:00:00"
            invoice = order._create_invoices()
            invoice.write({"invoice_date": "2019-11-12", "invoice_date_due": "2019-11-12"})
            invoice.action_post()
            env["business.kpi.report"]._kpi_cache_refresh()
            ids = (customer.id, product.id, order.id, order.picking_ids.id, invoice.id)
        self.addCleanup(self._cleanup_order, *ids)
        with (
            self.registry.cursor() as t1,
            self.registry.cursor() as t2,
            self.registry.cursor() as t4,
        ):
            env2 = api.Environment(t2, SUPERUSER_ID, {})
            env2["account.move"].browse(ids[4]).invoice_delivered_date = "2019-11-20"
            env2.flush_all()
            env4 = api.Environment(t4, SUPERUSER_ID, {})
            env4["stock.picking"].browse(ids[3]).date_done = "2019-10-28 08:00:00"
            env4.flush_all()
            t4.commit()
            self._refresh(t1)
            t1.commit()
            t2.commit()
        stored, live = self._stored_and_live(
            [("month", "=", date(2019, 10, 1))],
            ["company_id", "user_id", "delivery_count", "delivery_ontime_count"],
        )
        self.assertEqual(stored, live)
        self.assertEqual(sum(row["delivery_ontime_count"] for row in stored), 1)

    def _cleanup_order(self, customer, product, order, picking, invoice):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            move = env["account.move"].browse(invoice)
            move.button_draft()
            move.unlink()
            env["stock.picking"].browse(picking).move_ids.sudo().write({"state": "draft"})
            env["stock.picking"].browse(picking).sudo().unlink()
            env["sale.order"].browse(order)._action_cancel()
            env["sale.order"].browse(order).unlink()
            # what delivering it left in stock (valuation, quants)
            for table in ("stock_valuation_layer", "stock_quant"):
                cr.execute(
                    SQL("DELETE FROM %s WHERE product_id = %s", SQL.identifier(table), product)
                )
            env["product.product"].browse(product).unlink()
            env["res.partner"].browse(customer).unlink()
            env["business.kpi.report"]._kpi_cache_refresh()

    def test_two_first_orders_cancelled_at_once(self):
        """A customer's orders of March and April cancelled each in its own
        transaction at the same time: the customer becomes new in June, with the
        third order, which neither transaction saw become the first."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            customer = env["res.partner"].create({"name": "Twice Cancelled Co."})
            product = env["product.product"].create({"name": "Service", "type": "service"})
            orders = self._confirmed_orders(
                env,
                product,
                [(customer, day) for day in ("2019-03-10", "2019-04-10", "2019-06-10")],
            )
            env["business.kpi.report"]._kpi_cache_refresh()
            ids = orders.ids
        self.addCleanup(self._cleanup_orders, customer.id, product.id, ids)
        with self.registry.cursor() as t1, self.registry.cursor() as t2:
            for cr, order_id in ((t1, ids[0]), (t2, ids[1])):
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["sale.order"].browse(order_id)._action_cancel()
                env.flush_all()
        stored, live = self._new_customers(date(2019, 3, 1), date(2019, 6, 1))
        self.assertEqual(stored, live)
        june = [row for row in stored if row["month"] == date(2019, 6, 1)]
        self.assertEqual(sum(row["new_customers"] for row in june), 1)

    def test_two_orders_confirmed_at_once_around_a_refresh(self):
        """A new customer's orders confirmed by two users at once, dated September
        (T2) and October (T4); the cron refreshes after T4 commits and before T2
        does: October, new when stored, is not any more."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            customer = env["res.partner"].create({"name": "Two Users Co."})
            product = env["product.product"].create({"name": "Service", "type": "service"})
            orders = env["sale.order"].create(
                [
                    {
                        "partner_id": customer.id,
                        "order_line": [Command.create({"product_id": product.id})],
                    }
                    for __ in range(2)
                ]
            )
            env["business.kpi.report"]._kpi_cache_refresh()
            ids = orders.ids
        self.addCleanup(self._cleanup_orders, customer.id, product.id, ids)
        with (
            self.registry.cursor() as t1,
            self.registry.cursor() as t2,
            self.registry.cursor() as t4,
        ):
            for cr, order_id, day in ((t2, ids[0], "2019-09-10"), (t4, ids[1], "2019-10-10")):
                env = api.Environment(cr, SUPERUSER_ID, {})
                order = env["sale.order"].browse(order_id)
                order.action_confirm()
                order.date_order = f"{day} 08:00:00"
                env.flush_all()
            t4.commit()
            self._refresh(t1)
            t1.commit()
            t2.commit()
        stored, live = self._new_customers(date(2019, 9, 1), date(2019, 10, 1))
        self.assertEqual(stored, live)
        self.assertEqual([row["new_customers"] for row in stored], [1])

    def test_first_order_deleted_while_its_contact_moves(self):
        """A contact's order, the first of its new company's, deleted (T4) while the
        contact is moved under that company (T2); the cron refreshes after T2 and
        before T4 commit: the company's next order is its first again."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            old, new = env["res.partner"].create(
                [{"name": "Old Co.", "is_company": True}, {"name": "New Co.", "is_company": True}]
            )
            contact = env["res.partner"].create({"name": "Moving Contact", "parent_id": old.id})
            product = env["product.product"].create({"name": "Service", "type": "service"})
            orders = self._confirmed_orders(
                env, product, [(new, "2019-10-10"), (contact, "2019-09-10")]
            )
            env["business.kpi.report"]._kpi_cache_refresh()
            partners, ids = (contact | old | new).ids, orders.ids
        self.addCleanup(self._cleanup_orders, partners, product.id, ids)
        with (
            self.registry.cursor() as t1,
            self.registry.cursor() as t2,
            self.registry.cursor() as t4,
        ):
            env4 = api.Environment(t4, SUPERUSER_ID, {})
            env4["sale.order"].browse(ids[1])._action_cancel()
            env4["sale.order"].browse(ids[1]).unlink()
            env4.flush_all()
            env2 = api.Environment(t2, SUPERUSER_ID, {})
            env2["res.partner"].browse(partners[0]).parent_id = partners[2]
            env2.flush_all()
            t2.commit()
            self._refresh(t1)
            t1.commit()
            t4.commit()
        stored, live = self._new_customers(date(2019, 9, 1), date(2019, 10, 1))
        self.assertEqual(stored, live)
        self.assertEqual(
            [row["month"] for row in stored if row["new_customers"]], [date(2019, 10, 1)]
        )

    def _cleanup_orders(self, customer, product, ids):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["sale.order"].browse(ids).exists()
            orders._action_cancel()
            orders.unlink()
            env["product.product"].browse(product).unlink()
            env["res.partner"].browse(customer).unlink()
            env["business.kpi.report"]._kpi_cache_refresh()

    @staticmethod
    def _confirmed_orders(env, product, dated):
        """Confirmed orders of ``product``, one per (customer, day) of ``dated``,
        dated 08:00 UTC that day."""
        orders = env["sale.order"]
        for partner, day in dated:
            order = env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "order_line": [Command.create({"product_id": product.id})],
                }
            )
            order.action_confirm()
            order.date_order = f"{day} 08:00:00"
            orders |= order
        return orders

    def _new_customers(self, first, last):
        """``_stored_and_live`` of the new customers from month ``first`` to ``last``."""
        return self._stored_and_live(
            [("month", ">=", first), ("month", "<=", last)],
            ["company_id", "user_id", "month", "new_customers"],
        )

    def _stored_and_live(self, domain, fields):
        """The report's rows read in a new transaction: as stored (the months
        marked read live), and all computed live."""
        with self.registry.cursor() as cr:
            report = api.Environment(cr, SUPERUSER_ID, {})["business.kpi.report"]
            stored = report.search_read(domain, fields, order="month, user_id")
            report.invalidate_model()
            live = report.with_context(business_kpi_live=True).search_read(
                domain, fields, order="month, user_id"
            )
        return stored, live

    def _changed(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})["business.kpi.report"]._kpi_cache_changed()[1]
