from datetime import date, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common_sales import SalesRulesCase

ROLES = ("assistant", "manager", "director", "gm", "finance", "salesman", "portal")
OPERATIONS = {"r": "read", "w": "write", "c": "create", "u": "unlink"}
NONE = "----"
BUSINESS_ONLY = {"director": "rwcu", "gm": "rwcu"}
LOGISTICS = {"assistant": "rwcu", "director": "rwcu", "gm": "rwcu", "finance": "r---"}
KPI = {"manager": "r---", "director": "r---", "gm": "r---"}
CUSTOMER_STATEMENT = {
    "assistant": "rwcu",
    "manager": "rw--",
    "director": "rwcu",
    "gm": "rwcu",
    "finance": "r---",
    "portal": "r---",
}

# Expected model access per role (read / write / create / unlink, "-" = refused).
# Roles not listed for a model have no access at all. Every model of the addon must be here.
MATRIX = {
    "business.sales.target": {"manager": "r---", **BUSINESS_ONLY},
    "business.sales.target.line": {"manager": "r---", **BUSINESS_ONLY},
    "business.satisfaction.survey": {"manager": "rwc-", **BUSINESS_ONLY},
    "business.stock.backlog": {"manager": "rw--", **BUSINESS_ONLY},
    "business.kpi.report": KPI,
    "business.kpi.snapshot": KPI,
    "business.kpi.summary": {"manager": "rwc-", "director": "rwc-", "gm": "rwc-"},
    "business.logistics.agreement": LOGISTICS,
    "business.logistics.zone": LOGISTICS,
    "business.logistics.statement": LOGISTICS,
    "business.logistics.statement.line": LOGISTICS,
    "business.logistics.statement.import": {"assistant": "rwcu", **BUSINESS_ONLY},
    "business.logistics.import.mapping": {
        "assistant": "rwc-",
        "director": "rwcu",
        "gm": "rwcu",
        "finance": "r---",
    },
    "business.calendar.workday": {role: "r---" for role in ROLES if role != "portal"},
    "business.insert.order": {"assistant": "r---", "manager": "rwc-", **BUSINESS_ONLY},
    "business.insert.order.reject": {"director": "rwc-", "gm": "rwc-"},
    "business.invoice.delivery": {
        role: "rwc-" for role in ("assistant", "manager", "director", "gm", "finance")
    },
    "business.collection.plan": {
        "manager": "rw--",
        "assistant": "rwcu",
        "finance": "r---",
        **BUSINESS_ONLY,
    },
    "business.agreement.ledger": {"manager": "r---", "assistant": "r---", **KPI},
    "business.collection.plan.line": {
        "manager": "rwc-",
        "assistant": "rwcu",
        "finance": "r---",
        **BUSINESS_ONLY,
    },
    "business.customer.statement": CUSTOMER_STATEMENT,
    # lines are collected by the statement: nobody creates or deletes them by hand
    "business.customer.statement.line": {
        **CUSTOMER_STATEMENT,
        **{role: "rw--" for role in ("assistant", "director", "gm")},
    },
    "business.customer.statement.generate": {"assistant": "rwc-", "director": "rwc-", "gm": "rwc-"},
    # every internal user names his own substitute (who for whom: checked in Python)
    "business.tier.substitute": {role: "rwcu" for role in ROLES if role != "portal"},
    # the columns of the order review form: read by all, configured by the directors
    "business.review.department": {
        **{role: "r---" for role in ROLES if role != "portal"},
        **BUSINESS_ONLY,
    },
    # answered through the small form only (the department checked in Python)
    "business.order.review.line": {
        role: "r---" for role in ("assistant", "manager", "director", "gm", "finance")
    },
    "business.order.review.answer": {
        role: "rwc-" for role in ("assistant", "manager", "director", "gm", "finance")
    },
    "business.order.review.decide": {role: "rwc-" for role in ("manager", "director", "gm")},
}


@tagged("post_install", "-at_install")
class TestSecurityMatrix(SalesRulesCase):
    """Who may read, create, change and delete what, and run which step of the rules
    (业务部管理制度), per role; across companies; and through plain RPC writes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"insert_gm_amount": 1e9, "insert_gm_days": 1000})
        cls.portal = new_test_user(
            cls.env, login="t_portal", groups="base.group_portal", company_id=cls.company.id
        )
        cls.users = {role: getattr(cls, role) for role in ROLES}
        cls.order = cls.make_order(commitment_date=fields.Datetime.now() + timedelta(days=30))
        cls.order.action_confirm()
        cls.carrier = cls.env["res.partner"].create({"name": "Matrix Express"})
        cls.statement = cls.env["business.logistics.statement"].create(
            {
                "partner_id": cls.carrier.id,
                "date_from": date(2026, 1, 1),
                "date_to": date(2026, 1, 31),
            }
        )

    # ------------------------------------------------------------------ helpers
    def _addon_models(self):
        data = self.env["ir.model.data"].search(
            [("module", "=", "business_dept"), ("model", "=", "ir.model")]
        )
        models = self.env["ir.model"].browse(data.mapped("res_id"))
        return {
            m.model
            for m in models
            if self.env[m.model]._original_module == "business_dept"
            and not self.env[m.model]._abstract
        }

    def assertRefused(self, call, *args, **kwargs):
        with self.assertRaises(AccessError):
            call(*args, **kwargs)

    # ------------------------------------------------------------------ model access
    def test_matrix_covers_every_model(self):
        self.assertEqual(
            self._addon_models() - set(MATRIX),
            set(),
            "New models of the addon need their row in the security matrix.",
        )
        self.assertEqual(set(MATRIX) - self._addon_models(), set(), "Matrix rows of no model")

    def test_model_access_both_ways(self):
        for model, rights in MATRIX.items():
            for role, user in self.users.items():
                expected = rights.get(role, NONE)
                Model = self.env[model].with_user(user)
                for letter, operation in OPERATIONS.items():
                    allowed = letter in expected
                    with self.subTest(model=model, role=role, operation=operation):
                        self.assertEqual(Model.has_access(operation), allowed)
                        if allowed:
                            Model.check_access(operation)
                        else:
                            self.assertRefused(Model.check_access, operation)
                if "r" in expected:
                    Model.search([], limit=1)
                else:
                    with self.subTest(model=model, role=role, operation="search"):
                        self.assertRefused(Model.search, [])

    def test_real_operations(self):
        """Create, change and delete records for real, as each role."""
        Target = self.env["business.sales.target"]
        vals = {"user_id": self.manager.id, "year": 2031, "amount": 1200.0}
        for role in ("director", "gm"):
            target = Target.with_user(self.users[role]).create(dict(vals, year=2030 + len(role)))
            target.write({"amount": 2400.0})
            target.unlink()
        target = Target.create(vals)
        for role in ("assistant", "manager", "finance", "salesman", "portal"):
            with self.subTest(role=role):
                self.assertRefused(Target.with_user(self.users[role]).create, dict(vals, year=2040))
                self.assertRefused(target.with_user(self.users[role]).write, {"amount": 1.0})
                self.assertRefused(target.with_user(self.users[role]).unlink)
        # logistics: the assistant keeps the statements, finance reads them only
        statement = self.statement.with_user(self.assistant)
        statement.write({"note": "checked"})
        self.assertEqual(self.statement.with_user(self.finance).note, "checked")
        for role in ("manager", "salesman", "portal"):
            with self.subTest(role=role):
                self.assertRefused(self.statement.with_user(self.users[role]).read, ["note"])
        self.assertRefused(self.statement.with_user(self.finance).write, {"note": "x"})
        self.assertRefused(self.statement.with_user(self.finance).unlink)
        statement.unlink()
        # insert orders: managers request, never delete; assistants read
        request = self._request()
        self.assertEqual(request.with_user(self.assistant).reason, "Customer line stop")
        self.assertRefused(request.with_user(self.assistant).write, {"reason": "x"})
        self.assertRefused(request.with_user(self.manager).unlink)
        for role in ("finance", "salesman", "portal"):
            with self.subTest(role=role):
                self.assertRefused(request.with_user(self.users[role]).read, ["reason"])

    # ------------------------------------------------------------------ workflow actions
    def _request(self, user=None):
        return (
            self.env["business.insert.order"]
            .with_user(user or self.manager)
            .create(
                {
                    "sale_order_id": self.order.id,
                    "requested_date": self.order.commitment_date - timedelta(days=3),
                    "reason": "Customer line stop",
                }
            )
        )

    def _run_by_role(self, allowed, make, action):
        """``action`` on a fresh record of ``make()``: succeeds for ``allowed`` roles only."""
        for role, user in self.users.items():
            record = make()
            with self.subTest(action=action, role=role):
                if role in allowed:
                    getattr(record.with_user(user), action)()
                else:
                    self.assertRefused(getattr(record.with_user(user), action))

    def test_sale_order_actions(self):
        self.company.write({"quote_signoff_required": True, "quote_signoff_min_amount": 0.0})
        self._run_by_role({"gm"}, self.make_order, "action_signoff")

        def confirmed():
            order = self.make_order()
            order.with_user(self.gm).action_signoff()
            order.action_confirm()
            return order

        self._run_by_role({"gm"}, confirmed, "action_review_sign")

        def signed():
            order = confirmed()
            order.with_user(self.gm).action_review_sign()
            return order

        self._run_by_role({"assistant", "director", "gm"}, signed, "action_review_receive")
        # wrong state: a confirmed order is not signed off, a review is signed once
        with self.assertRaises(UserError):
            confirmed().with_user(self.gm).action_signoff()
        with self.assertRaises(UserError):
            signed().with_user(self.gm).action_review_sign()

    def test_insert_order_actions(self):
        self._run_by_role({"manager", "director", "gm"}, self._request, "action_submit")

        def submitted():
            request = self._request()
            request.action_submit()
            return request

        # the manager asks, a director (or the GM, who is one) approves
        self._run_by_role({"director", "gm"}, submitted, "action_approve")
        for role, user in self.users.items():
            request = submitted()
            with self.subTest(action="action_reject", role=role):
                if role in ("director", "gm"):
                    request.with_user(user).action_reject("No capacity")
                    self.assertEqual(request.state, "rejected")
                else:
                    self.assertRefused(request.with_user(user).action_reject, "No capacity")
        # the requester never approves his own request
        own = self._request(self.director)
        own.with_user(self.director).action_submit()
        self.assertRefused(own.with_user(self.director).action_approve)

    def _statement(self, state):
        line = {"waybill": "W1", "amount": 10.0, "resolution": "accept_carrier"}
        statement = self.env["business.logistics.statement"].create(
            {
                "partner_id": self.carrier.id,
                "date_from": date(2026, 1, 1),
                "date_to": date(2026, 1, 31),
                "line_ids": [Command.create(line)],
            }
        )
        statement.line_ids.match_state = "matched"
        if state == "draft":
            return statement
        # reconciled: its tiers are requested; the earlier tiers approved by others
        statement._workflow_write({"state": "matched"})
        if state in ("approved", "signed"):
            statement.with_user(self.finance).action_finance_approve()
        if state == "signed":
            statement.with_user(self.director2).action_director_sign()
        return statement

    def test_statement_actions(self):
        self._run_by_role({"finance"}, lambda: self._statement("matched"), "action_finance_approve")
        self._run_by_role(
            {"director", "gm"}, lambda: self._statement("approved"), "action_director_sign"
        )
        self._run_by_role(
            {"assistant", "director", "gm"}, lambda: self._statement("signed"), "action_submit"
        )
        with self.assertRaises(UserError):
            self._statement("draft").with_user(self.finance).action_finance_approve()

    def test_target_backlog_and_kpi_actions(self):
        Target = self.env["business.sales.target"]
        for role, user in self.users.items():
            with self.subTest(action="target create", role=role):
                vals = {
                    "user_id": self.manager.id,
                    "year": 2035 + ROLES.index(role),
                    "amount": 120.0,
                }
                if role in ("director", "gm"):
                    Target.with_user(user).create(vals)
                else:
                    self.assertRefused(Target.with_user(user).create, vals)
        product = self.env["product.product"].create({"name": "Slow Valve"})
        Backlog = self.env["business.stock.backlog"]

        def backlog(state="to_explain"):
            record = Backlog.create(
                {
                    "product_id": product.id,
                    "month": date(2020 + len(Backlog.search([])), 1, 1),
                    "user_id": self.manager.id,
                    "reason": "Project cancelled",
                    "action_plan": "Sell to another customer",
                    "state": state,
                }
            )
            record.request_validation()  # explained: the director's review is requested
            return record

        self._run_by_role({"manager", "director", "gm"}, backlog, "action_explain")
        self.assertRefused(backlog().with_user(self.manager2).action_explain)
        self._run_by_role({"director", "gm"}, lambda: backlog("explained"), "action_review")
        last_month = fields.Date.today().replace(day=1) - timedelta(days=1)
        for role, user in self.users.items():
            with self.subTest(action="KPI freeze", role=role):
                Snapshot = self.env["business.kpi.snapshot"].with_user(user)
                if role in ("director", "gm"):
                    Snapshot._freeze(last_month, self.company)
                    Snapshot.sudo().search([]).unlink()
                else:
                    self.assertRefused(Snapshot._freeze, last_month, self.company)

    # ------------------------------------------------------------------ RPC-style writes
    def test_rpc_writes_of_workflow_fields(self):
        """``write`` on state and approval fields bypasses the buttons: refused to all roles."""
        request = self._request()
        request.action_submit()
        backlog = self.env["business.stock.backlog"].create(
            {"product_id": self.product.id, "month": date(2026, 1, 1), "user_id": self.manager.id}
        )
        survey = self.env["business.satisfaction.survey"].create(
            {"partner_id": self.customer.id, "score_quality": 90}
        )
        now = fields.Datetime.now()
        cases = [
            (self.order, {"signoff_user_id": self.manager.id}, ("manager", "director", "gm")),
            (self.order, {"signoff_date": now}, ("manager", "salesman", "assistant")),
            (self.order, {"review_start_date": now}, ("manager", "assistant", "gm")),
            (self.order, {"review_received_date": now}, ("manager", "assistant", "director")),
            (request, {"state": "approved"}, ("manager", "director", "gm")),
            (request, {"requested_by_id": self.manager2.id}, ("manager", "director")),
            (self.statement, {"state": "done"}, ("assistant", "director")),
            (self.statement, {"approved_user_id": self.finance.id}, ("assistant", "gm")),
            (self.statement, {"signed_user_id": self.director.id}, ("assistant", "director")),
            (backlog, {"state": "reviewed"}, ("manager", "director")),
            (backlog, {"reviewed_by_id": self.director.id}, ("manager", "gm")),
            (backlog, {"explained_date": date(2026, 1, 5)}, ("manager",)),
            (survey, {"state": "done"}, ("manager", "director")),
        ]
        for record, vals, roles in cases:
            for role in roles:
                with self.subTest(model=record._name, vals=vals, role=role):
                    self.assertRefused(record.with_user(self.users[role]).write, vals)
        # RPC-style create with the approval already given, or an approval line forged
        Request = self.env["business.insert.order"].with_user(self.manager)
        self.assertRefused(
            Request.create,
            {
                "sale_order_id": self.order.id,
                "requested_date": self.order.commitment_date - timedelta(days=2),
                "reason": "x",
                "state": "approved",
            },
        )
        # its own defaults are accepted: draft, requested by the user who creates it
        own = Request.create(
            {
                "sale_order_id": self.order.id,
                "requested_date": self.order.commitment_date - timedelta(days=2),
                "reason": "x",
                "state": "draft",
                "requested_by_id": self.manager.id,
            }
        )
        self.assertEqual((own.state, own.requested_by_id), ("draft", self.manager))
        self.assertRefused(
            Request.create,
            {
                "sale_order_id": self.order.id,
                "requested_date": self.order.commitment_date - timedelta(days=2),
                "reason": "x",
                "requested_by_id": self.manager2.id,
            },
        )
        # a review forged: not one of the reviewers, the request stays submitted
        self.assertRefused(request.with_user(self.manager).validate_tier)
        self.assertRefused(request.with_user(self.assistant).validate_tier)
        self.assertRefused(
            self.env["business.logistics.statement"].with_user(self.assistant).create,
            {
                "partner_id": self.carrier.id,
                "date_from": date(2026, 2, 1),
                "date_to": date(2026, 2, 28),
                "state": "done",
            },
        )
        # nothing changed
        self.assertEqual(request.state, "submitted")
        self.assertFalse(self.order.signoff_user_id or self.order.review_start_date)
        self.assertEqual(self.statement.state, "draft")
        self.assertEqual(backlog.state, "to_explain")
        # the buttons still write them
        request.with_user(self.director).action_approve()
        self.assertEqual(request.state, "approved")

    # ------------------------------------------------------------------ multi-company
    def test_other_company_records_are_invisible(self):
        company_b = self.env["res.company"].create({"name": "Business B Co."})
        # the records of company B name the manager, who also works for company B
        # (check_company) but whose session is in company A
        self.manager.company_ids = [Command.link(company_b.id)]
        in_a = {"allowed_company_ids": [self.company.id]}
        records = {
            "business.sales.target": {"user_id": self.manager.id, "year": 2030, "amount": 10.0},
            "business.logistics.statement": {
                "partner_id": self.carrier.id,
                "date_from": date(2026, 1, 1),
                "date_to": date(2026, 1, 31),
            },
            "business.stock.backlog": {
                "product_id": self.product.id,
                "month": date(2026, 1, 1),
                "user_id": self.manager.id,
            },
            "business.satisfaction.survey": {"partner_id": self.customer.id},
            "business.calendar.workday": {"date": date(2026, 9, 27), "calendar_id": False},
        }
        records["business.calendar.workday"]["calendar_id"] = company_b.resource_calendar_id.id
        for model, vals in records.items():
            if (
                "company_id" in self.env[model]._fields
                and not self.env[model]._fields["company_id"].related
            ):
                vals["company_id"] = company_b.id
            record = self.env[model].create(vals)
            for role in ("director", "gm", "assistant", "manager"):
                user = self.users[role]
                Model = self.env[model].with_user(user).with_context(**in_a)
                if not Model.has_access("read"):
                    continue
                with self.subTest(model=model, role=role):
                    self.assertNotIn(record, Model.search([]))
                    self.assertRefused(record.with_user(user).with_context(**in_a).read, ["id"])
        # a user of both companies sees them once company B is allowed
        self.director.write({"company_ids": [Command.link(company_b.id)]})
        target = self.env["business.sales.target"].search([("company_id", "=", company_b.id)])
        allowed = (
            self.env["business.sales.target"]
            .with_user(self.director)
            .with_context(allowed_company_ids=[self.company.id, company_b.id])
        )
        self.assertEqual(allowed.search([("company_id", "=", company_b.id)]), target)
