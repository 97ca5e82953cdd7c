"""The four measurements of the benchmark, each guarded: a feature the addon does
not have yet is reported as ``{"status": "not available"}``."""

import base64
import io
import os
import resource
import tracemalloc

import xlsxwriter
from dateutil.relativedelta import relativedelta

from bench import (
    BASELINE_FALLBACK_FIELDS,
    CARRIER_RATE,
    KPI_FIELDS,
    TARGETS,
    median_of,
    not_available,
    verdict,
)
from odoo.tools import SQL

HERE = os.path.dirname(os.path.abspath(__file__))


def measure_all(env, context, size, repeat):
    figures = {}
    for name, func in (
        ("kpi_report", measure_kpi),
        ("statement_import_xlsx", measure_import),
        ("statement_match", measure_match),
        ("review_deadlines", measure_review),
        ("xlsx_export", measure_xlsx),
    ):
        try:
            figures[name] = func(env, context, size, repeat)
        except Exception as error:  # a feature present but broken: say so, go on
            env.cr.rollback()
            figures[name] = {"status": "error", "error": f"{type(error).__name__}: {error}"}
        env.invalidate_all()
    return figures


# --------------------------------------------------------------------------- 1. KPI
def _baseline(env, month, fields):
    """The hand-written single query (bench/kpi_baseline.sql): {user_id: {field: value}}."""
    with open(os.path.join(HERE, "kpi_baseline.sql")) as fh:
        query = fh.read()
    env.cr.execute(
        SQL(query, month=month, next_month=month + relativedelta(months=1), company=env.company.id)
    )
    names = [desc[0] for desc in env.cr.description]
    rows = {}
    for row in env.cr.fetchall():
        values = dict(zip(names, row, strict=True))
        rows[values["user_id"]] = {f: values[f] for f in fields}
    return rows


def _same(a, b):
    """Equal to the cent or hundredth of a percent (the ORM reads an empty rate as 0.0)."""
    return abs(float(a or 0) - float(b or 0)) < 0.005


def measure_kpi(env, context, size, repeat):
    month = context["kpi_month"]
    if "business.kpi.report" not in env:
        fields = BASELINE_FALLBACK_FIELDS
        median, runs = median_of(repeat, lambda: _baseline(env, month, fields))
        return {
            **not_available("model business.kpi.report is not in the addon yet"),
            "month": str(month),
            "baseline": {
                "fields": fields,
                "median_s": median,
                "runs": runs,
                "rows": len(_baseline(env, month, fields)),
            },
        }
    Report = env["business.kpi.report"]
    fields = [f for f in KPI_FIELDS if f in Report._fields]
    domain = [("month", "=", month), ("company_id", "=", env.company.id)]
    if "in_department" in Report._fields:
        # the department (as the menu's default filter and the baseline)
        domain.append(("in_department", "=", True))
    report = {}

    def read_report():
        env.invalidate_all()
        report.clear()
        for row in Report.search_read(domain, ["user_id", *fields]):
            report[row["user_id"] and row["user_id"][0]] = {f: row[f] for f in fields}

    grouped = {}

    def read_grouped():
        # one row per salesperson and month: the group's max is the row's figure
        env.invalidate_all()
        grouped.clear()
        for user, *values in Report._read_group(domain, ["user_id"], [f"{f}:max" for f in fields]):
            grouped[user.id] = dict(zip(fields, values, strict=True))

    baseline = {}

    def read_baseline():
        baseline.clear()
        baseline.update(_baseline(env, month, fields))

    median, runs = median_of(repeat, read_report)
    group_median, group_runs = median_of(repeat, read_grouped)
    base_median, base_runs = median_of(repeat, read_baseline)
    differences = [
        {
            "user_id": uid,
            "field": f,
            "how": how,
            "report": rows.get(uid, {}).get(f),
            "baseline": baseline.get(uid, {}).get(f),
        }
        for how, rows in (("search_read", report), ("read_group", grouped))
        for uid in sorted(set(rows) | set(baseline), key=lambda u: u or 0)
        for f in fields
        if not _same(rows.get(uid, {}).get(f), baseline.get(uid, {}).get(f))
    ]

    def ratio(seconds):
        value = round(seconds / base_median, 2) if base_median else None
        return {
            "ratio_to_baseline": value,
            "ratio_target": TARGETS["kpi_ratio"],
            "ratio_met": value is not None and value <= TARGETS["kpi_ratio"],
        }

    return {
        "status": "ok",
        "month": str(month),
        "salespeople": len(report),
        "how": "search_read (as the list view)",
        "median_s": median,
        "runs": runs,
        **verdict(median, TARGETS["kpi_report"]),
        **ratio(median),
        "read_group": {
            "how": "_read_group by salesperson (as the pivot and graph views)",
            "median_s": group_median,
            "runs": group_runs,
            **verdict(group_median, TARGETS["kpi_report"]),
            **ratio(group_median),
        },
        "baseline": {"median_s": base_median, "runs": base_runs, "rows": len(baseline)},
        "fields": fields,
        "equal": not differences,
        "differences": differences[:10],
    }


# --------------------------------------------------------------------------- 2. statement
def _statement_rows(env, context, size):
    """(waybill, date, amount) rows: 95 % of them our waybills (one in ten with another
    amount), 2 % unknown waybills, the rest waybills listed a second time."""
    count = size["statement_lines"]
    known = round(count * 0.95)
    unknown = round(count * 0.02)
    env.cr.execute(
        SQL(
            """
            SELECT carrier_tracking_ref, date_done::date,
                   CASE WHEN mod(id, 10) = 0 THEN %(rate)s + 5 ELSE %(rate)s END
              FROM stock_picking
             WHERE carrier_tracking_ref LIKE %(prefix)s
             ORDER BY id
             LIMIT %(known)s
            """,
            prefix="BW%",
            rate=CARRIER_RATE,
            known=known,
        )
    )
    rows = env.cr.fetchall()
    day = rows[0][1]
    rows += [(f"XX{i:08d}", day, CARRIER_RATE) for i in range(unknown)]
    rows += rows[: count - len(rows)]
    return rows


def _statement_xlsx(rows):
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
    sheet = workbook.add_worksheet()
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["Waybill", "Date", "Amount"])
    for index, (waybill, day, amount) in enumerate(rows, start=1):
        sheet.write_string(index, 0, waybill)
        sheet.write_datetime(index, 1, day, date_format)
        sheet.write_number(index, 2, amount)
    workbook.close()
    return output.getvalue()


def _carrier_setup(env, context):
    tpl = context["tpl"]
    if "carrier_agreement" not in context:
        context["carrier_agreement"] = env["business.logistics.agreement"].create(
            {
                "name": "Bench agreement",
                "partner_id": tpl["carrier_partner"].id,
                "carrier_ids": [(6, 0, tpl["carrier"].ids)],
                "pricing_mode": "per_shipment",
                "rate": CARRIER_RATE,
                "date_start": context["start"] - relativedelta(months=1),
            }
        )
        # the carrier's deliveries: every bench picking goes with the bench carrier
        env.cr.execute(
            SQL(
                "UPDATE stock_picking SET carrier_id = %s WHERE carrier_id IS NULL"
                " OR carrier_id = %s",
                tpl["carrier"].id,
                tpl["carrier"].id,
            )
        )
    return env["business.logistics.statement"].create(
        {
            "partner_id": tpl["carrier_partner"].id,
            "date_from": context["start"] - relativedelta(months=1),
            "date_to": context["start"] + relativedelta(months=15),
        }
    )


def measure_import(env, context, size, repeat):
    missing = [
        m
        for m in (
            "business.logistics.statement",
            "business.logistics.agreement",
            "business.logistics.statement.import",
        )
        if m not in env
    ]
    if missing:
        return not_available(f"models not in the addon yet: {', '.join(missing)}")
    rows = _statement_rows(env, context, size)
    content = _statement_xlsx(rows)
    wizards = []

    def prepare():
        statement = _carrier_setup(env, context)
        env.flush_all()
        wizards.append(
            env["business.logistics.statement.import"].create(
                {
                    "statement_id": statement.id,
                    "file": base64.b64encode(content),
                    "filename": "carrier_statement.xlsx",
                }
            )
        )

    median, runs = median_of(
        repeat, lambda: (wizards[-1].action_import(), env.flush_all()), before=prepare
    )
    statement = wizards[-1].statement_id
    context["statement"] = statement
    return {
        "status": "ok",
        "lines": len(rows),
        "file_kb": round(len(content) / 1024),
        "imported_lines": len(statement.line_ids),
        "median_s": median,
        "runs": runs,
        **verdict(median, TARGETS["statement_import_xlsx"]),
    }


def _match_states(statement):
    groups = statement.env["business.logistics.statement.line"]._read_group(
        [("statement_id", "=", statement.id)], ["match_state"], ["__count"]
    )
    return {state or "none": count for state, count in groups}


def measure_match(env, context, size, repeat):
    if "business.logistics.statement" not in env or not hasattr(
        env["business.logistics.statement"], "action_match"
    ):
        return not_available("business.logistics.statement.action_match is not in the addon yet")
    statement = context.get("statement")
    if not statement:
        statement = _carrier_setup(env, context)
        env["business.logistics.statement.line"].create(
            [
                {"statement_id": statement.id, "waybill": w, "date": d, "amount": a}
                for w, d, a in _statement_rows(env, context, size)
            ]
        )

    def unmatch():
        # start each run from unlinked lines, as the carrier's file arrives
        env.flush_all()
        env.cr.execute(
            SQL(
                "UPDATE business_logistics_statement_line SET picking_id = NULL"
                " WHERE statement_id = %s",
                statement.id,
            )
        )
        env.invalidate_all()

    median, runs = median_of(
        repeat, lambda: (statement.action_match(), env.flush_all()), before=unmatch
    )
    return {
        "status": "ok",
        "lines": len(statement.line_ids),
        "deliveries": size["deliveries"],
        "match_states": _match_states(statement),
        "median_s": median,
        "runs": runs,
        **verdict(median, TARGETS["statement_match"]),
    }


# --------------------------------------------------------------------------- 3. review
def measure_review(env, context, size, repeat):
    Order = env["sale.order"]
    field = Order._fields.get("review_deadline")
    if not field or not field.compute:
        return not_available("sale.order.review_deadline is not computed by the addon yet")
    orders = Order.search([("name", "=like", "SB%")], order="id", limit=size["review_orders"])

    def recompute():
        env.add_to_compute(field, orders)
        orders._recompute_recordset(["review_deadline"])
        env.flush_all()

    median, runs = median_of(repeat, recompute, before=env.invalidate_all)
    calendar = env.company.resource_calendar_id
    return {
        "status": "ok",
        "orders": len(orders),
        "calendar": calendar.name,
        "public_holidays": len(calendar.global_leave_ids),
        "deadlines_set": Order.search_count(
            [("id", "in", orders.ids), ("review_deadline", "!=", False)]
        ),
        "median_s": median,
        "runs": runs,
        **verdict(median, TARGETS["review_deadlines"]),
    }


# --------------------------------------------------------------------------- 4. XLSX
XLSX_HEADER = [
    "Invoice",
    "Customer",
    "Salesperson",
    "Invoice Date",
    "Due Date",
    "Total",
    "Residual",
    "Payment",
]


def _export(env, rows):
    """An export of ``rows`` invoices read in pages (keyset), written row by row."""
    from odoo.addons.business_dept.report.xlsx_formats import xlsx_formats  # noqa: PLC0415

    # the workbook options of the addon's large XLSX report (OCA report_xlsx)
    Report = env["report.business_dept.logistics_statement_xlsx"]

    def fill(workbook):
        formats = xlsx_formats(workbook)
        sheet = workbook.add_worksheet("Invoices")
        sheet.write_row(0, 0, XLSX_HEADER, formats["header"])
        last_id, written = 0, 0
        while written < rows:
            env.cr.execute(
                SQL(
                    """
                    SELECT am.id, am.name, rp.name, am.invoice_user_id, am.invoice_date,
                           am.invoice_date_due, am.amount_total_signed,
                           am.amount_residual_signed, am.payment_state
                      FROM account_move am JOIN res_partner rp ON rp.id = am.partner_id
                     WHERE am.move_type IN ('out_invoice', 'out_refund') AND am.id > %s
                     ORDER BY am.id LIMIT %s
                    """,
                    last_id,
                    min(1000, rows - written),
                )
            )
            page = env.cr.fetchall()
            if not page:
                break
            for row in page:
                written += 1
                sheet.write_string(written, 0, row[1], formats["text"])
                sheet.write_string(written, 1, row[2], formats["text"])
                sheet.write_number(written, 2, row[3] or 0, formats["text"])
                sheet.write_datetime(written, 3, row[4], formats["date"])
                sheet.write_datetime(written, 4, row[5], formats["date"])
                sheet.write_number(written, 5, row[6], formats["amount"])
                sheet.write_number(written, 6, row[7], formats["amount"])
                sheet.write_string(written, 7, row[8], formats["text"])
            last_id = page[-1][0]
        return written

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, Report.get_workbook_options())
    try:
        fill(workbook)
    finally:
        workbook.close()
    return output.getvalue()


def _peak_mb(env, rows):
    """Peak Python memory (tracemalloc) of one export, and its file size, in MB."""
    tracemalloc.start()
    try:
        content = _export(env, rows)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return round(peak / 1024 / 1024, 2), round(len(content) / 1024 / 1024, 2)


def measure_xlsx(env, context, size, repeat):
    if "report.business_dept.logistics_statement_xlsx" not in env:
        return not_available("the addon has no XLSX report")
    rows = size["xlsx_rows"]
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    median, runs = median_of(repeat, lambda: _export(env, rows))
    maxrss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - maxrss
    tenth_peak, tenth_file = _peak_mb(env, rows // 10)
    peak, file_mb = _peak_mb(env, rows)
    # the finished file is held in memory once; the working memory beyond it must
    # not grow with the rows (constant_memory writes each row to disk as it comes)
    work, tenth_work = peak - file_mb, tenth_peak - tenth_file
    return {
        "status": "ok",
        "rows": rows,
        "columns": len(XLSX_HEADER),
        "median_s": median,
        "runs": runs,
        **verdict(median, TARGETS["xlsx_export"]),
        "file_mb": file_mb,
        "peak_mb": peak,
        "peak_mb_tenth_rows": tenth_peak,
        "working_mb": round(work, 2),
        "working_mb_tenth_rows": round(tenth_work, 2),
        "memory_flat": work <= max(2 * tenth_work, tenth_work + 2.0),
        "process_maxrss_growth_mb": round(maxrss_growth / 1024, 1),
    }
