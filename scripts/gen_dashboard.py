#!/usr/bin/env python3
"""Write the spreadsheet dashboards of the Business Department (业务部) shipped with the
addon (business_dept/data/files/*.json), in the format of Odoo's own dashboards
(spreadsheet_dashboard_sale/data/files/sales_dashboard.json).

The JSON is data: edit this script and run it again (``python3 scripts/gen_dashboard.py``);
tests/test_dashboard_files.py checks that the files are what it writes.

Two dashboards, one layout:

- ``business_dept_dashboard.json`` for every Business Manager: the KPIs of the month
  against their thresholds (the department, each salesperson: a manager reads only his own
  rows, the KPI report's record rules), the last 12 months, and what waits;
- ``business_dept_director_dashboard.json`` for the Business Director: the same, and the
  carrier statements not reconciled (a manager does not read them).

The month filter ``Month`` is stored with the default ``last_month``, which the server
turns into the previous month when the dashboard is opened
(``spreadsheet.dashboard.get_readonly_dashboard`` in models/spreadsheet_dashboard.py).
"""

import json
import sys
from pathlib import Path

FILES = Path(__file__).resolve().parent.parent / "business_dept" / "data" / "files"

F_MONTH = "b1d0e7a2-0c1f-4d2e-9a51-6f3d2c1b0a01"
F_TREND = "b1d0e7a2-0c1f-4d2e-9a51-6f3d2c1b0a02"
F_USER = "b1d0e7a2-0c1f-4d2e-9a51-6f3d2c1b0a03"
F_COLLECT = "b1d0e7a2-0c1f-4d2e-9a51-6f3d2c1b0a04"

GLOBAL_FILTERS = [
    {
        "id": F_MONTH,
        "type": "date",
        "label": "Month",
        "defaultValue": "last_month",
        "rangeType": "month",
    },
    {
        "id": F_USER,
        "type": "relation",
        "label": "Salesperson",
        "modelName": "res.users",
        "defaultValue": [],
        "defaultValueDisplayNames": [],
    },
    {
        "id": F_TREND,
        "type": "date",
        "label": "Trend Period",
        "defaultValue": "last_year",
        "rangeType": "relative",
    },
    {
        "id": F_COLLECT,
        "type": "date",
        "label": "Collection Month",
        "defaultValue": "this_month",
        "rangeType": "month",
    },
]

# the measures of the KPI pivot; (label, rate field, threshold field on res.company)
KPIS = [
    ("Target Achievement (%)", "achievement", "target_threshold"),
    ("Payment On Time (%)", "payment_ontime_rate", "payment_ontime_threshold"),
    ("Invoicing On Time (%)", "invoice_ontime_rate", "invoice_ontime_threshold"),
    ("Review On Time (%)", "review_ontime_rate", "review_ontime_threshold"),
    ("Satisfaction (points)", "satisfaction", "satisfaction_threshold"),
    ("Backlog Explained (%)", "backlog_explained_rate", "backlog_explained_threshold"),
]
AMOUNTS = ["target_amount", "output_amount", "threshold_amount"]
KPI_DOMAIN = [["in_department", "=", True]]

# what waits: (label, model, domain, measures, salesperson field, month field or None,
#              director only)
WAITING = [
    ("Approvals Pending", "tier.review", [["status", "=", "pending"]], [], None, None, False),
    (
        "Order Reviews Late",
        "sale.order",
        [["late_review", "=", True]],
        ["amount_untaxed"],
        "user_id",
        None,
        False,
    ),
    (
        "Backlog to Explain",
        "business.stock.backlog",
        [["state", "=", "to_explain"]],
        ["value"],
        "user_id",
        None,
        False,
    ),
    (
        "Customer Statements Not Confirmed",
        "business.customer.statement",
        [["state", "in", ["draft", "sent", "disputed"]]],
        ["closing_balance"],
        "user_id",
        None,
        False,
    ),
    (
        "Carrier Statements Not Reconciled",
        "business.logistics.statement",
        [["state", "=", "draft"]],
        ["amount_carrier"],
        "user_id",
        None,
        True,
    ),
]
COLLECTIONS = (
    "business.collection.plan.line",
    [],
    ["amount", "collected_by_planned", "collected_by_month_end"],
)
SALESPEOPLE = 15
# column widths: the labels, the department's figures, the salespeople's KPIs; the charts
# right of the ten columns, inside the sheet (a figure outside its columns is not drawn)
COLUMN_SIZES = {0: 240, 1: 100, 2: 100, 3: 110, **{i: 110 for i in range(4, 10)}}
CHART_X = sum(COLUMN_SIZES.values()) + 16
CHART_WIDTH, CHART_HEIGHT = 520, 300


def matching(user=None, month=None, month_type="date", trend=None, collect=None):
    """fieldMatching of a data source for the four filters (empty: not applied)."""
    result = {F_MONTH: {}, F_USER: {}, F_TREND: {}, F_COLLECT: {}}
    if month:
        result[F_MONTH] = {"chain": month, "type": month_type, "offset": 0}
    if user:
        result[F_USER] = {"chain": user, "type": "many2one"}
    if trend:
        result[F_TREND] = {"chain": trend, "type": "date", "offset": 0}
    if collect:
        result[F_COLLECT] = {"chain": collect, "type": "date", "offset": 0}
    return result


def pivot(pid, name, model, domain, measures, rows, field_matching):
    return {
        "type": "ODOO",
        "id": str(pid),
        "formulaId": str(pid),
        "name": name,
        "model": model,
        "domain": domain,
        "context": {},
        "measures": [{"id": m, "fieldName": m} for m in measures or ["__count"]],
        "rows": [{"fieldName": r} for r in rows],
        "columns": [],
        "sortedColumn": None,
        "fieldMatching": field_matching,
    }


def link(label, model, domain, view="list", group_by=None, measures=None):
    """A cell opening the records behind a figure (odoo://view/ as Odoo's dashboards)."""
    context = {"group_by": group_by or []}
    if measures:
        context["pivot_measures"] = measures
    action = {
        "viewType": view,
        "action": {
            "domain": domain,
            "context": context,
            "modelName": model,
            "views": [[False, "list"], [False, "pivot"], [False, "graph"], [False, "form"]],
        },
        "threshold": 0,
        "name": label,
    }
    return f"[{label}](odoo://view/{json.dumps(action, separators=(',', ':'))})"


def status(value, threshold):
    return f'=IF(OR({value}="",{threshold}=""),"",IF({value}>={threshold},"✓","✗"))'


def build(director):
    cells, styles, formats, conditional, pivots = {}, {}, {}, [], {}
    bold = 1

    def put(ref, content, style=None, fmt=None):
        """A cell; its style and format ids go in the sheet's maps (format version 21)."""
        cells[ref] = {"content": content}
        if style:
            styles[ref] = style
        if fmt:
            formats[ref] = fmt

    # -- pivot 1: the KPI report of the month, by salesperson (its total = the department)
    pivots["1"] = pivot(
        1,
        "KPIs by Salesperson",
        "business.kpi.report",
        KPI_DOMAIN,
        AMOUNTS + [rate for __, rate, __ in KPIS] + ["achievement_threshold"],
        ["user_id"],
        matching(user="user_id", month="month"),
    )
    lists = {
        "1": {
            "id": "1",
            "name": "Thresholds",
            "model": "res.company",
            "columns": [threshold for __, __, threshold in KPIS],
            "domain": [],
            "context": {},
            "orderBy": [{"name": "id", "asc": True}],
            "fieldMatching": matching(),
        },
        "2": {
            "id": "2",
            "name": "Approvals Waiting Longest",
            "model": "tier.review",
            "columns": ["business_document", "business_waiting_days", "business_pending_since"],
            "domain": [["status", "=", "pending"]],
            "context": {},
            "orderBy": [{"name": "business_pending_since", "asc": True}],
            "fieldMatching": matching(),
        },
    }

    put(
        "A1",
        link(
            "KPIs of the Month",
            "business.kpi.report",
            KPI_DOMAIN,
            "pivot",
            ["user_id"],
            AMOUNTS + ["achievement"],
        ),
        bold,
    )
    for col, title in zip("ABCD", ["KPI", "Department", "Threshold", "Status"], strict=True):
        put(f"{col}2", f'=_t("{title}")', bold)
    for i, (label, rate, threshold) in enumerate(KPIS):
        row = 3 + i
        put(f"A{row}", f'=_t("{label}")')
        put(f"B{row}", f'=PIVOT.VALUE(1,"{rate}")', fmt=1)
        put(f"C{row}", f'=ODOO.LIST(1,1,"{threshold}")', fmt=1)
        put(f"D{row}", status(f"B{row}", f"C{row}"))
    conditional += [
        {
            "id": "cf-ok",
            "ranges": ["D3:D8"],
            "rule": {
                "type": "CellIsRule",
                "operator": "ContainsText",
                "values": ["✓"],
                "style": {"fillColor": "#D9EAD3", "textColor": "#274E13"},
            },
        },
        {
            "id": "cf-below",
            "ranges": ["D3:D8"],
            "rule": {
                "type": "CellIsRule",
                "operator": "ContainsText",
                "values": ["✗"],
                "style": {"fillColor": "#F4CCCC", "textColor": "#990000"},
            },
        },
    ]

    # -- by salesperson: amounts and every KPI, green/red against its threshold
    top = 11
    put(
        f"A{top - 1}",
        link(
            "By Salesperson",
            "business.kpi.report",
            KPI_DOMAIN,
            "pivot",
            ["user_id"],
            AMOUNTS + ["achievement"],
        ),
        bold,
    )
    heads = ["Salesperson", "Target", "Output", "Threshold Output"] + [k[0] for k in KPIS]
    columns = "ABCDEFGHIJ"
    for col, title in zip(columns, heads, strict=True):
        put(f"{col}{top}", f'=_t("{title}")', bold)
    first, last = top + 1, top + SALESPEOPLE
    for i in range(1, SALESPEOPLE + 1):
        row = top + i
        put(f"A{row}", f'=PIVOT.HEADER(1,"#user_id",{i})')
        for col, measure in zip(columns[1:], AMOUNTS + [k[1] for k in KPIS], strict=True):
            put(f"{col}{row}", f'=PIVOT.VALUE(1,"{measure}","#user_id",{i})', fmt=1)
    # no data (an empty cell) is neither reached nor missed: the first rule wins
    conditional.append(
        {
            "id": "cf-no-data",
            "ranges": [f"{columns[4]}{first}:{columns[-1]}{last}"],
            "rule": {
                "type": "CellIsRule",
                "operator": "IsEmpty",
                "values": [],
                "style": {"fillColor": "#FFFFFF"},
            },
        }
    )
    for j, (__, rate, __) in enumerate(KPIS):
        col = columns[4 + j]
        rng = [f"{col}{first}:{col}{last}"]
        conditional += [
            {
                "id": f"cf-{rate}-ok",
                "ranges": rng,
                "rule": {
                    "type": "CellIsRule",
                    "operator": "GreaterThanOrEqual",
                    "values": [f"=$C${3 + j}"],
                    "style": {"fillColor": "#D9EAD3"},
                },
            },
            {
                "id": f"cf-{rate}-below",
                "ranges": rng,
                "rule": {
                    "type": "CellIsRule",
                    "operator": "LessThan",
                    "values": [f"=$C${3 + j}"],
                    "style": {"fillColor": "#F4CCCC"},
                },
            },
        ]

    # -- what waits
    row = last + 3
    put(f"A{row}", '=_t("What Waits")', bold)
    put(f"B{row}", '=_t("Count")', bold)
    put(f"C{row}", '=_t("Amount")', bold)
    pid = 2
    for label, model, domain, measures, user, month, director_only in WAITING:
        if director_only and not director:
            continue
        row += 1
        pivots[str(pid)] = pivot(
            pid, label, model, domain, ["__count"] + measures, [], matching(user=user, month=month)
        )
        put(f"A{row}", link(label, model, domain))
        put(f"B{row}", f'=PIVOT.VALUE({pid},"__count")')
        if measures:
            put(f"C{row}", f'=PIVOT.VALUE({pid},"{measures[0]}")', fmt=1)
        pid += 1
    row += 2
    put(
        f"A{row}",
        link("Approvals Waiting Longest", "tier.review", [["status", "=", "pending"]]),
        bold,
    )
    put(f"B{row}", '=_t("Working Days Waiting")', bold)
    for i in range(1, 6):
        put(f"A{row + i}", f'=ODOO.LIST(2,{i},"business_document")')
        put(f"B{row + i}", f'=ODOO.LIST(2,{i},"business_waiting_days")')
    row += 7
    model, domain, measures = COLLECTIONS
    pivots[str(pid)] = pivot(
        pid, "Collections", model, domain, measures, [], matching(user="user_id", collect="month")
    )
    put(
        f"A{row}",
        link("Collections of the Month", model, domain, "pivot", ["user_id"], measures),
        bold,
    )
    for i, title in enumerate(["Planned", "Collected by Planned Date", "Collected in the Month"]):
        put(f"A{row + 1 + i}", f'=_t("{title}")')
        put(f"B{row + 1 + i}", f'=PIVOT.VALUE({pid},"{measures[i]}")', fmt=1)
    last_row = row + 4

    figures = [
        {
            "id": "fig-target-output",
            "x": CHART_X,
            "y": 0,
            "width": CHART_WIDTH,
            "height": CHART_HEIGHT,
            "tag": "chart",
            "data": {
                "type": "combo",
                "title": {"text": "Target, Output and Threshold"},
                "dataSetsHaveTitle": True,
                "dataSets": [
                    {"dataRange": f"B{top}:B{last}", "type": "bar"},
                    {"dataRange": f"C{top}:C{last}", "type": "bar"},
                    {"dataRange": f"D{top}:D{last}", "type": "line"},
                ],
                "labelRange": f"A{first}:A{last}",
                "legendPosition": "top",
                "aggregated": False,
                "background": "#FFFFFF",
            },
        },
    ]
    for k, (measure, title) in enumerate(
        [
            ("achievement", "Target Achievement (%), Last 12 Months"),
            ("payment_ontime_rate", "Payment On Time (%), Last 12 Months"),
        ]
    ):
        figures.append(
            {
                "id": f"fig-trend-{measure}",
                "x": CHART_X,
                "y": (CHART_HEIGHT + 16) * (k + 1),
                "width": CHART_WIDTH,
                "height": CHART_HEIGHT,
                "tag": "chart",
                "data": {
                    "type": "odoo_line",
                    "title": {"text": title},
                    "background": "#FFFFFF",
                    "legendPosition": "none",
                    "verticalAxisPosition": "left",
                    "stacked": False,
                    "metaData": {
                        "groupBy": ["month:month"],
                        "measure": measure,
                        "order": None,
                        "resModel": "business.kpi.report",
                        "mode": "line",
                    },
                    "searchParams": {
                        "comparison": None,
                        "context": {},
                        "domain": KPI_DOMAIN,
                        "groupBy": ["month:month"],
                        "orderBy": [],
                    },
                    "fieldMatching": matching(user="user_id", trend="month"),
                },
            }
        )

    return {
        "version": 21,
        "sheets": [
            {
                "id": "dashboard",
                "name": "Dashboard",
                "colNumber": 18,
                "rowNumber": last_row + 5,
                "rows": {},
                "cols": {str(col): {"size": size} for col, size in COLUMN_SIZES.items()},
                "merges": [],
                "cells": cells,
                "styles": styles,
                "formats": formats,
                "borders": {},
                "conditionalFormats": conditional,
                "figures": figures,
                "tables": [],
                "areGridLinesVisible": False,
                "isVisible": True,
                "headerGroups": {"ROW": [], "COL": []},
                "dataValidationRules": [],
                "comments": {},
            }
        ],
        "styles": {"1": {"bold": True}},
        "formats": {"1": "#,##0.00"},
        "borders": {},
        "revisionId": "START_REVISION",
        "uniqueFigureIds": True,
        "settings": {},
        "pivots": pivots,
        "pivotNextId": len(pivots) + 1,
        "customTableStyles": {},
        "odooVersion": 12,
        "globalFilters": GLOBAL_FILTERS,
        "lists": lists,
        "listNextId": len(lists) + 1,
        "chartQplexityMenusReferences": {},
    }


def outputs():
    """{file name: JSON text} of the dashboards."""
    return {
        name: json.dumps(build(director), indent=1, ensure_ascii=False) + "\n"
        for name, director in (
            ("business_dept_dashboard.json", False),
            ("business_dept_director_dashboard.json", True),
        )
    }


def main():
    FILES.mkdir(parents=True, exist_ok=True)
    for name, text in outputs().items():
        (FILES / name).write_text(text, encoding="utf-8")
        print(FILES / name, file=sys.stderr)


if __name__ == "__main__":
    main()
