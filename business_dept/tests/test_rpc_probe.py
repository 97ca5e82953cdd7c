"""The project's probe: every role calls what a logged-in user can call over JSON-RPC, and
the database is read back in SQL to find any effect the policy does not allow.

The calls go through the real dispatch of ``/web/dataset/call_kw`` (``check_method_name``
then ``odoo.api.call_kw`` with the caller's context). What is probed is discovered from the
registry, so a new model, field or method is probed without editing this file:

- the models: the addon's own (not transient) and the standard models it adds fields to;
- the methods: every public method defined by the addon on them, and tier validation's;
- the fields: every stored field with a column (on a standard model, those the addon adds).

The policy (README, Roles and Security):

1. nobody creates, changes or deletes a review (``tier.review``): only the approval buttons;
2. nobody writes a field the workflow computes or certifies (the read-only computed fields
   of the addon, the workflow fields of ``business.workflow.guard``, the validation status);
3. a portal user and an internal user without a department role change nothing;
4. nobody changes a record of a company he does not work in;
5. a Business Manager changes nothing of another manager's records by their buttons.
"""

import contextlib
import inspect
import logging

from odoo.api import call_kw
from odoo.models import check_method_name
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .common_sales import SalesRulesCase

ROLES = {
    "manager": "business_dept.group_business_manager",
    "assistant": "business_dept.group_business_assistant",
    "director": "business_dept.group_business_director",
    "gm": "business_dept.group_general_manager",
    "finance": "business_dept.group_business_finance",
    "plain": "",
}
# standard methods of the ORM and of the views: probed through the fields, not as buttons
ORM_METHODS = {"create", "write", "unlink", "copy", "read", "init", "default_get"}
TIER_METHODS = ("request_validation", "restart_validation", "validate_tier", "reject_tier")
RECORDS_PER_MODEL = 3


_logger = logging.getLogger(__name__)


class _Rollback(Exception):
    pass


@tagged("post_install", "-at_install")
class TestRpcProbe(SalesRulesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Probe Other Co."})
        cls.callers = {}
        for role, group in ROLES.items():
            for where, company in (("own", cls.company), ("other", cls.other_company)):
                groups = ",".join(filter(None, ("base.group_user", group)))
                cls.callers[role, where] = new_test_user(
                    cls.env,
                    login=f"t_probe_{role}_{where}",
                    groups=groups,
                    company_id=company.id,
                    company_ids=[company.id],
                )
        cls.callers["portal", "own"] = new_test_user(
            cls.env, login="t_probe_portal", groups="base.group_portal", company_id=cls.company.id
        )
        kinds = ("models", "methods", "fields", "records", "calls", "refused")
        cls.counts = dict.fromkeys(kinds, 0)

    # ------------------------------------------------------------------ discovery
    def _models(self):
        """The addon's own stored models and the standard models it adds fields to."""
        names = []
        for name, model in sorted(self.env.registry.items()):
            if model._abstract or model._transient or not model._auto:
                continue
            own = model._original_module == "business_dept"
            extends = any("business_dept" in (f._modules or ()) for f in model._fields.values())
            if own or extends:
                names.append(name)
        return names

    def _methods(self, Model):
        """Public methods the addon defines on the model, and tier validation's."""
        names = set()
        for cls in type(Model).__mro__:
            if not cls.__module__.startswith("odoo.addons.business_dept."):
                continue
            for name, func in vars(cls).items():
                if name.startswith("_") or name in ORM_METHODS or not inspect.isfunction(func):
                    continue
                params = list(inspect.signature(func).parameters.values())[1:]
                if all(p.default is not p.empty for p in params):
                    names.add(name)
        if "review_ids" in Model._fields:
            names.update(TIER_METHODS)
        return sorted(names)

    def _records(self, Model):
        """Up to three records of the own company (the other company's users probe them),
        of different states where the model has a state."""
        Model = Model.sudo().with_context(active_test=False)
        domain = []
        if "company_id" in Model._fields and Model._fields["company_id"].store:
            # a record the other company made for itself (its review departments) is its own
            domain = [("company_id", "!=", self.other_company.id)]
        if "state" in Model._fields and Model._fields["state"].store:
            records = Model.browse()
            for state in Model._fields["state"].get_values(self.env):
                records |= Model.search([*domain, ("state", "=", state)], limit=1, order="id desc")
            return records[:RECORDS_PER_MODEL]
        return Model.search(domain, limit=RECORDS_PER_MODEL, order="id desc")

    def _guarded_fields(self, Model):
        guarded = {"validation_status"} & set(Model._fields)
        guarded |= set(getattr(Model, "_business_workflow_fields", ()))
        own = Model._original_module == "business_dept"
        for name, field in Model._fields.items():
            if (
                field.compute
                and field.readonly
                and field.store
                and (own or field._modules == ("business_dept",))
            ):
                guarded.add(name)
        if Model._name == "account.move":
            guarded |= {"invoice_delivered_date", "invoice_delivery_ref"}
        return guarded

    # ------------------------------------------------------------------ calls and effects
    def _snapshot(self, record):
        self.env.flush_all()
        columns = [
            f.name
            for f in record._fields.values()
            if f.store and f.column_type and f.name not in ("write_date", "write_uid")
        ]
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM %s WHERE id = %s",
                SQL(", ").join(SQL.identifier(c) for c in columns),
                SQL.identifier(record._table),
                record.id,
            )
        )
        row = dict(zip(columns, self.env.cr.fetchone() or (), strict=False))
        self.env.cr.execute(
            "SELECT id, status, done_by, reviewed_date, comment FROM tier_review "
            "WHERE model = %s AND res_id = %s ORDER BY id",
            (record._name, record.id),
        )
        row["__reviews__"] = self.env.cr.fetchall()
        return row

    def _probe(self, user, record, method, args, kwargs=None):
        """The changes ``method`` made to ``record`` (and its reviews) when ``user`` called
        it over RPC; everything rolled back after."""
        self.counts["calls"] += 1
        before = self._snapshot(record)
        changed = {}
        with contextlib.suppress(_Rollback), self.env.cr.savepoint():
            try:
                with self.env.cr.savepoint():
                    check_method_name(method)
                    Model = self.env[record._name].with_user(user)
                    call_kw(Model, method, args, kwargs or {})
            except Exception:  # noqa: BLE001 - a refusal is fine, an effect is not
                self.counts["refused"] += 1
            after = self._snapshot(record)
            changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
            raise _Rollback
        self.env.invalidate_all()
        return changed

    def _new_value(self, record, fname):
        field = record._fields[fname]
        value = record.sudo()[fname]
        if field.type == "boolean":
            return not value
        if field.type in ("integer", "float", "monetary"):
            return (value or 0) + 7
        if field.type in ("char", "text", "html"):
            return "probe"
        if field.type == "date":
            return "2020-01-01"
        if field.type == "datetime":
            return "2020-01-01 01:00:00"
        if field.type == "selection":
            keys = [k for k, __ in field._description_selection(self.env) if k != value]
            return keys[0] if keys else None
        if field.type == "many2one":
            other = self.env[field.comodel_name].sudo().search([("id", "!=", value.id)], limit=1)
            return other.id or None
        return None

    # ------------------------------------------------------------------ the probe
    def test_probe(self):
        holes = []
        for name in self._models():
            Model = self.env[name]
            records = self._records(Model)
            if not records:
                continue
            self.counts["models"] += 1
            self.counts["records"] += len(records)
            methods = self._methods(Model)
            self.counts["methods"] += len(methods)
            guarded = self._guarded_fields(Model)
            own = Model._original_module == "business_dept"
            stored = [
                f
                for f, field in Model._fields.items()
                if field.store
                and field.column_type
                and not field.automatic
                and (own or "business_dept" in (field._modules or ()))
            ]
            self.counts["fields"] += len(stored)
            for record in records:
                holes += self._probe_methods(record, methods)
                holes += self._probe_fields(record, stored, guarded)
        holes += self._probe_reviews()
        self.assertFalse(holes, f"{len(holes)} holes:\n" + "\n".join(holes[:400]))
        self.assertGreater(self.counts["calls"], 1000, self.counts)

    def _outsiders(self, record):
        """Policies 3 and 4: the portal, a user without role, and the users of another
        company when the record belongs to a company (a customer shared by the companies
        of a group belongs to each)."""
        callers = [self.callers["portal", "own"], self.callers["plain", "own"]]
        company = "company_id" in record._fields and record.sudo().company_id
        if company:
            callers += [u for (role, where), u in self.callers.items() if where == "other"]
        return callers

    def _other_managers(self, record):
        """Policy 5: the Business Managers who are not the record's owner."""
        owner = self._owner(record)
        managers = [self.callers["manager", "own"], self.callers["manager", "other"]]
        return [m for m in managers if owner and owner != m]

    def _forbidden_callers(self, record):
        """The callers who may change nothing of ``record`` by its buttons (policy 3–5)."""
        return self._outsiders(record) + self._other_managers(record)

    def _owner(self, record):
        for fname in ("user_id", "requested_by_id", "salesperson_id"):
            if fname in record._fields and record._fields[fname].comodel_name == "res.users":
                return record.sudo()[fname]
        return None

    def _probe_methods(self, record, methods):
        holes = []
        for method in methods:
            for user in self._forbidden_callers(record):
                changed = self._probe(user, record, method, [record.ids])
                if changed:
                    holes.append(
                        f"{user.login}: {record._name}.{method}() on {record.id} "
                        f"changed {sorted(changed)}"
                    )
        return holes

    def _probe_fields(self, record, stored, guarded):
        holes = []
        everyone = list(self.callers.values())
        outsiders = self._outsiders(record)
        # a customer's file belongs to his salesperson (policy 5)
        customer_file = record._name == "res.partner"
        for fname in stored:
            value = self._new_value(record, fname)
            if value is None:
                continue
            users = everyone if fname in guarded else outsiders
            if customer_file and fname not in guarded:
                users = users + self._other_managers(record)
            for user in users:
                changed = self._probe(user, record, "write", [record.ids, {fname: value}])
                if changed:
                    holes.append(
                        f"{user.login}: {record._name}.write({fname}) on {record.id} "
                        f"changed {sorted(changed)}"
                    )
        return holes

    def _probe_reviews(self):
        """Policy 1: no user creates, changes or deletes a review."""
        holes = []
        Review = self.env["tier.review"].sudo()
        reviews = Review.search([], limit=5, order="id desc")
        for review in reviews:
            for user in self.callers.values():
                for method, args in (
                    ("write", [review.ids, {"status": "approved", "done_by": user.id}]),
                    ("write", [review.ids, {"reviewer_ids": [(4, user.id)]}]),
                    ("unlink", [review.ids]),
                ):
                    if self._probe(user, review, method, args):
                        holes.append(f"{user.login}: tier.review.{method} on {review.id}")
            for user in self.callers.values():
                if self._probe_create_review(user, review):
                    holes.append(f"{user.login}: tier.review.create for {review.model}")
        return holes

    def _probe_create_review(self, user, review):
        """An approved review created by ``user`` over RPC: True when it was stored."""
        self.counts["calls"] += 1
        Review = self.env["tier.review"].sudo()
        domain = [("model", "=", review.model), ("res_id", "=", review.res_id)]
        before = Review.search_count(domain)
        created = False
        with contextlib.suppress(_Rollback), self.env.cr.savepoint():
            try:
                with self.env.cr.savepoint():
                    check_method_name("create")
                    vals = {
                        "model": review.model,
                        "res_id": review.res_id,
                        "definition_id": review.definition_id.id,
                        "status": "approved",
                        "done_by": user.id,
                    }
                    Caller = self.env["tier.review"].with_user(user)
                    call_kw(Caller, "create", [vals], {})
            except Exception:  # noqa: BLE001 - a refusal is the expected answer
                self.counts["refused"] += 1
            self.env.flush_all()
            created = Review.search_count(domain) != before
            raise _Rollback
        self.env.invalidate_all()
        return created

    @classmethod
    def tearDownClass(cls):
        # the counts of the note: callers, models, methods, fields, records and calls
        _logger.info("RPC probe: %s callers, %s", len(cls.callers), cls.counts)
        super().tearDownClass()
