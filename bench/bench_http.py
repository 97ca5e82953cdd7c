"""The screens users wait on, timed through Odoo's HTTP JSON-RPC as the web client
calls them: an Odoo server on a free loopback port against the bench database, a
session authenticated by ``/web/session/authenticate``, then ``/web/dataset/call_kw``
with ``web_search_read`` / ``web_read_group`` and the fields of each view's own arch
(fetched once with ``get_views``, as the client caches it).

The floor of every screen is the same call on the standard ``sale.order`` list
(``sale.action_orders`` with ``sale.view_order_tree``), timed in the same run.
"""

import ast
import os
import subprocess
import time

import requests
from common import KPI_FIELDS, TARGETS, median_of, verdict, with_floor
from dateutil.relativedelta import relativedelta
from lxml import etree

HERE = os.path.dirname(os.path.abspath(__file__))
GM_LOGIN = "bench_gm"
GM_PASSWORD = "bench_gm"  # noqa: S105 - a throwaway user of the throwaway bench database
# The quotations' sign-off filter (报价需总经理确认签字), the one place to adapt if the
# tier-validation branch names it differently: either ("filter", search view xmlid,
# filter name) read from the search view, or ("domain", domain) used as is. Today the
# search view has no such filter and ``signoff_state`` is not searchable, so the
# domain says what 'to sign' means on stored fields (a function of the environment).
SIGNOFF_FILTER = (
    "domain",
    lambda env: [
        ("state", "in", ["draft", "sent"]),
        ("signoff_date", "=", False),
        ("amount_total", ">=", env.company.quote_signoff_min_amount),
    ],
)
STANDARD = ("sale.action_orders", "sale.view_order_tree")
PAGE = 80  # the list view's page
COUNT_LIMIT = 10001  # the web client's count limit + 1


def _context(env, user, extra=None):
    return {
        "lang": "en_US",
        "tz": env.company.resource_calendar_id.tz or "UTC",
        "uid": user.id,
        "allowed_company_ids": [env.company.id],
        "bin_size": True,
        **(extra or {}),
    }


class Client:
    """A web client's session on the bench server."""

    def __init__(self, url, db):
        self.url = url
        self.db = db
        self.session = requests.Session()
        self.calls = 0

    def post(self, path, params):
        self.calls += 1
        reply = self.session.post(
            self.url + path,
            json={"jsonrpc": "2.0", "method": "call", "id": self.calls, "params": params},
            timeout=300,
        )
        reply.raise_for_status()
        body = reply.json()
        if "error" in body:
            data = body["error"].get("data", {})
            raise RuntimeError(f"{path}: {data.get('name')}: {data.get('message')}")
        return body["result"]

    def authenticate(self, login, password):
        return self.post(
            "/web/session/authenticate", {"db": self.db, "login": login, "password": password}
        )

    def call_kw(self, model, method, args, kwargs):
        return self.post(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
        )


def start_server(odoo, db, port, log, extra=()):
    """An Odoo server (threaded, no cron) on 127.0.0.1:port; returns the process.
    ``extra``: more options (the replica's ``--db_replica_host/--db_replica_port``)."""
    import odoo_env  # noqa: PLC0415

    cmd = odoo_env.odoo_cmd(
        odoo,
        "-d",
        db,
        "--db-filter",
        f"^{db}$",
        "--http-interface",
        "127.0.0.1",
        "--http-port",
        str(port),
        "--workers",
        "0",
        "--max-cron-threads",
        "0",
        "--log-level",
        "warn",
        "--no-database-list",
        *extra,
    )
    with open(log, "w") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 300
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the Odoo server stopped (exit {proc.returncode}), see {log}")
        try:
            if requests.get(url + "/web/health", timeout=5).status_code == 200:
                return proc, url
        except requests.RequestException:
            pass
        time.sleep(1)
    proc.terminate()
    raise RuntimeError(f"the Odoo server did not answer within 300 s, see {log}")


def stop_server(proc):
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _view_fields(client, model, view_id, view_type, context):
    """The fields of a view's arch as the user gets it, and their definitions."""
    views = client.call_kw(
        model, "get_views", [], {"views": [[view_id, view_type]], "context": context}
    )
    arch = etree.fromstring(views["views"][view_type]["arch"])
    names = []
    for node in arch.iterchildren("field"):
        if node.get("name") not in names:
            names.append(node.get("name"))
    return names, views["models"][model]["fields"]


def _specification(names, fields):
    spec = {}
    for name in names:
        ftype = fields.get(name, {}).get("type")
        if ftype in ("many2one", "one2many", "many2many"):
            spec[name] = {"fields": {"display_name": {}}}
        else:
            spec[name] = {}
    return spec


def _action(env, xmlid):
    action = env.ref(xmlid)
    domain = ast.literal_eval(action.domain or "[]")
    context = action.context or "{}"
    return domain, context


def _search_filter(env, xmlid, name):
    view = env.ref(xmlid)
    arch = etree.fromstring(view.get_combined_arch())
    node = arch.find(f".//filter[@name='{name}']")
    return ast.literal_eval(node.get("domain"))


def signoff_domain(env):
    if SIGNOFF_FILTER[0] == "filter":
        return _search_filter(env, SIGNOFF_FILTER[1], SIGNOFF_FILTER[2])
    return SIGNOFF_FILTER[1](env)


def _list_call(env, client, user, screen, extra_domain):
    """(timed function, description) of the first page of a list as the client loads it."""
    action, view = screen
    domain, __ = _action(env, action)
    context = _context(env, user)
    view_id = env.ref(view).id
    names, fields = _view_fields(client, "sale.order", view_id, "list", context)
    spec = _specification(names, fields)
    full = domain + extra_domain
    answer = {}

    def call():
        answer.update(
            client.call_kw(
                "sale.order",
                "web_search_read",
                [],
                {
                    "specification": spec,
                    "domain": full,
                    "offset": 0,
                    "limit": PAGE,
                    "order": "",
                    "count_limit": COUNT_LIMIT,
                    "context": context,
                },
            )
        )

    return call, answer, {"domain": str(full), "fields": names}


def _kpi_pivot_call(env, client, user, first, end, groupby):
    """(timed function, answer, description) of the KPI pivot as the client loads it:
    the measures of the pivot view's arch, rows grouped by ``groupby``, from month
    ``first`` to before ``end``."""
    ctx = _context(env, user)
    view_id = env.ref("business_dept.business_kpi_report_view_pivot").id
    names, fields = _view_fields(client, "business.kpi.report", view_id, "pivot", ctx)
    measures = [
        f"{name}:{fields[name]['aggregator']}"
        for name in names
        if fields.get(name, {}).get("aggregator") and name not in ("user_id", "month")
    ]
    domain = [
        ("in_department", "=", True),
        ("month", ">=", str(first)),
        ("month", "<", str(end)),
    ]
    answer = {}

    def call():
        answer.update(
            client.call_kw(
                "business.kpi.report",
                "web_read_group",
                [],
                {
                    "domain": domain,
                    "fields": measures,
                    "groupby": groupby,
                    "lazy": False,
                    "context": ctx,
                },
            )
        )

    return call, answer, {"domain": str(domain), "fields": measures, "groupby": groupby}


def measure_http(env, context, size, repeat, client, only=None):
    """Every screen and the standard list, on the session of the General Manager
    (``only``: the names of the screens to time, the others left out)."""
    gm = context["gm_user"]
    kpi_month = context["kpi_month"]
    # the year of the generated data: its 12 months around the KPI month
    year_first = kpi_month - relativedelta(months=size["months"] // 2)
    floor_call, floor_answer, floor_info = _list_call(env, client, gm, STANDARD, [])
    screens = {}
    targets = {"kpi_pivot_year_by_salesperson_month": TARGETS["http_screen_year"]}

    def kpi_pivot():
        next_month = kpi_month + relativedelta(months=1)
        return _kpi_pivot_call(env, client, gm, kpi_month, next_month, ["user_id"])

    def kpi_pivot_year():
        end = year_first + relativedelta(months=12)
        return _kpi_pivot_call(env, client, gm, year_first, end, ["user_id", "month:month"])

    plans = {
        "kpi_pivot_month_by_salesperson": kpi_pivot,
        "kpi_pivot_year_by_salesperson_month": kpi_pivot_year,
    }
    for flag in ("late_delivery", "late_review", "invoice_overdue"):
        plans[f"followup_{flag}"] = lambda flag=flag: _list_call(
            env,
            client,
            gm,
            (
                "business_dept.sale_order_action_followup",
                "business_dept.sale_order_view_list_followup",
            ),
            [(flag, "=", True)],
        )
    plans["reviews_late"] = lambda: _list_call(
        env,
        client,
        gm,
        ("business_dept.sale_order_action_review", "business_dept.sale_order_view_list_review"),
        [("late_review", "=", True)],
    )
    plans["quotations_gm_signoff"] = lambda: _list_call(
        env,
        client,
        gm,
        ("sale.action_quotations_with_onboarding", "sale.view_quotation_tree_with_onboarding"),
        signoff_domain(env),
    )
    if only:
        plans = {name: plan for name, plan in plans.items() if name in only}
    prepared = {}
    for name, plan in plans.items():
        try:
            prepared[name] = plan()
        except Exception as error:  # a screen broken: say so, go on
            screens[name] = {"status": "error", "error": f"{type(error).__name__}: {error}"}
    # warm the server's caches once (the user has opened the menu before)
    floor_call()
    for call, __, __ in prepared.values():
        call()
    floor_median, floor_runs = median_of(repeat, floor_call)
    for name, (call, answer, info) in prepared.items():
        try:
            median, runs = median_of(repeat, call)
        except Exception as error:
            screens[name] = {"status": "error", "error": f"{type(error).__name__}: {error}"}
            continue
        rows = answer.get("length", len(answer.get("records", answer.get("groups", []))))
        figure = {
            "status": "ok",
            **info,
            "rows": rows,
            "median_s": median,
            "runs": runs,
            **verdict(median, targets.get(name, TARGETS["http_screen"])),
        }
        if name in targets:
            figure["target_scale"] = 10  # SPEC's seconds of the year pivot are at scale 10
        screens[name] = with_floor(
            figure, floor_median, floor_runs, "web_search_read of the standard sale.order list"
        )
    pivot = screens.get("kpi_pivot_month_by_salesperson")
    if pivot and pivot.get("status") == "ok" and not only:
        # not the floor: the least work for the month's figures themselves
        from baseline import kpi_floor  # noqa: PLC0415

        fields = [f for f in KPI_FIELDS if f in env["business.kpi.report"]._fields]
        base_median, base_runs = median_of(repeat, lambda: kpi_floor(env, kpi_month, fields))
        pivot["reference_kpi_baseline"] = {
            "how": "bench/kpi_baseline.sql for the same month, in the bench's cursor",
            "median_s": base_median,
            "runs": base_runs,
            "ratio": round(pivot["median_s"] / base_median, 2) if base_median else None,
        }
    return {
        "status": "ok",
        "user": GM_LOGIN,
        "standard_list": {
            **floor_info,
            "rows": floor_answer.get("length"),
            "median_s": floor_median,
            "runs": floor_runs,
        },
        "screens": screens,
    }
