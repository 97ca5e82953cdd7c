"""The measurements of the benchmark, each beside its floor."""

import base64
import csv
import datetime
import io
import os
import resource
import tracemalloc

import xlsxwriter
from baseline import (
    XLSX_HEADER,
    floor_deadlines,
    floor_export,
    floor_match,
    floor_read_csv,
    floor_read_xlsx,
    floor_rows,
    kpi_floor,
)
from common import (
    CARRIER_RATE,
    KPI_FIELDS,
    TARGETS,
    median_of,
    verdict,
    with_floor,
)
from dateutil.relativedelta import relativedelta

from odoo.tools import SQL

HERE = os.path.dirname(os.path.abspath(__file__))


def measure_all(env, context, size, repeat):
    figures = {}
    for name, func in (
        ("kpi_report", measure_kpi),
        ("statement_import_xlsx", measure_import),
        ("statement_import_csv", measure_import_csv),
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


def _same(a, b):
    """Equal to the cent or hundredth of a percent (the ORM reads an empty rate as 0.0)."""
    return abs(float(a or 0) - float(b or 0)) < 0.005


def measure_kpi(env, context, size, repeat):
    month = context["kpi_month"]
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

    live = {}

    def read_live():
        # what an open month costs: computed from the records
        env.invalidate_all()
        live.clear()
        rows = Report.with_context(business_kpi_live=True).search_read(domain, ["user_id", *fields])
        for row in rows:
            live[row["user_id"] and row["user_id"][0]] = {f: row[f] for f in fields}

    stored = {}
    Store = env["business.kpi.snapshot"]

    def refresh_month():
        # what the nightly job does: every closed month computed live and stored again
        Store._kpi_store_refresh()
        env.invalidate_all()
        stored.clear()
        for row in Report.search_read(domain, ["user_id", *fields]):
            stored[row["user_id"] and row["user_id"][0]] = {f: row[f] for f in fields}

    baseline = {}

    def read_baseline():
        baseline.clear()
        baseline.update(kpi_floor(env, month, fields))

    Store._kpi_store_refresh()
    median, runs = median_of(repeat, read_report)
    group_median, group_runs = median_of(repeat, read_grouped)
    live_median, live_runs = median_of(repeat, read_live)
    refresh_median, refresh_runs = median_of(repeat, refresh_month)
    base_median, base_runs = median_of(repeat, read_baseline)
    differences = [
        {
            "user_id": uid,
            "field": f,
            "how": how,
            "report": rows.get(uid, {}).get(f),
            "baseline": baseline.get(uid, {}).get(f),
        }
        for how, rows in (
            ("search_read", report),
            ("read_group", grouped),
            ("live", live),
            ("refresh_month", stored),
        )
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

    figure = {
        "status": "ok",
        "month": str(month),
        "salespeople": len(report),
        "how": "search_read (as the list view) of the month's stored figures"
        " (business.kpi.snapshot)",
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
        "live": {
            "how": "search_read of the month computed from the records (business_kpi_live:"
            " as an open month is read)",
            "median_s": live_median,
            "runs": live_runs,
            **verdict(live_median, TARGETS["kpi_report"]),
            **ratio(live_median),
        },
        "refresh_month": {
            "how": "_kpi_store_refresh of every closed month (the nightly job's work), then"
            " the month's search_read",
            "median_s": refresh_median,
            "runs": refresh_runs,
            **verdict(refresh_median, TARGETS["kpi_report"]),
            **ratio(refresh_median),
        },
        "baseline": {"median_s": base_median, "runs": base_runs, "rows": len(baseline)},
        "fields": fields,
        "equal": not differences,
        "differences": differences[:10],
    }
    with_floor(figure, base_median, base_runs, "bench/kpi_baseline.sql (one hand-written query)")
    for key in ("read_group", "live", "refresh_month"):
        with_floor(figure[key], base_median, base_runs, "bench/kpi_baseline.sql")
    if context.get("explain"):
        figure["explain_month_query"] = _explain(env, Report, domain, fields)
        figure["live"]["explain_month_query"] = _explain(
            env, Report.with_context(business_kpi_live=True), domain, fields
        )
    return figure


def _explain(env, Report, domain, fields):
    """EXPLAIN (ANALYZE, BUFFERS) of the report's query for the month, as the ORM runs it."""
    query = Report._search(domain)
    env.cr.execute(
        SQL(
            "EXPLAIN (ANALYZE, BUFFERS) %s",
            query.select(*(SQL.identifier(Report._table, f) for f in ["id", "user_id", *fields])),
        )
    )
    return [line for (line,) in env.cr.fetchall()]


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


# The addon's entry points for a carrier statement, kept here only: if a merge renames
# them, this is the one place to adapt.
IMPORT_WIZARD = "business.logistics.statement.import"


def _addon_import_wizard(env, statement, content, filename):
    return env[IMPORT_WIZARD].create(
        {"statement_id": statement.id, "file": base64.b64encode(content), "filename": filename}
    )


def _addon_import(wizard):
    wizard.action_import()


def _addon_match(statement):
    statement.action_match()


def _statement_csv(rows):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["Waybill", "Date", "Amount"])
    for waybill, day, amount in rows:
        writer.writerow([waybill, day.isoformat(), amount])
    return text.getvalue().encode("utf-8")


def _reference_insert(env, statement, parsed):
    """The import floor's write: the parsed rows stored with one bulk INSERT (no
    check); the floor then matches them with ``floor_match``."""
    # the addon's path is set once Odoo is configured, after this module is imported
    from odoo.addons.business_dept.tools.waybill import normalize_waybill  # noqa: PLC0415

    waybills, keys, days, amounts = [], [], [], []
    for row in parsed[1:]:
        waybills.append(row[0])
        keys.append(normalize_waybill(row[0]))
        day = row[1]
        days.append(day if isinstance(day, datetime.date) or day is None else str(day))
        amounts.append(float(row[2]))
    env.cr.execute(
        SQL(
            """
            INSERT INTO business_logistics_statement_line
                   (statement_id, company_id, source, carrier_file, waybill, waybill_key,
                    date, amount, expected_amount, agreed_amount, carrier_listed, create_uid,
                    write_uid, create_date, write_date)
            SELECT %(statement)s, %(company)s, 'import', 'reference', u.waybill, u.key,
                   u.date::date, u.amount, 0, 0, TRUE, %(uid)s, %(uid)s,
                   NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC'
              FROM unnest(%(waybill)s::varchar[], %(key)s::varchar[], %(date)s::varchar[],
                          %(amount)s::numeric[])
                   AS u(waybill, key, date, amount)
            """,
            statement=statement.id,
            company=statement.company_id.id,
            uid=env.uid,
            waybill=waybills,
            key=keys,
            date=[str(d) if d is not None else None for d in days],
            amount=amounts,
        )
    )


def _measure_one_import(env, context, rows, content, *, filename, floor, floor_how, repeat):
    """The import wizard (read, check every row, write the lines, match them) against
    its floor: the least work that gives the same answer, i.e. the file parsed
    (``floor``), its rows written with one bulk INSERT and matched with the one SQL
    UPDATE of the matching's floor. Parsing alone is reported beside it."""
    target = TARGETS["statement_import_" + filename.rsplit(".", 1)[1]]
    wizards = []

    def prepare():
        statement = _carrier_setup(env, context)
        env.flush_all()
        wizards.append(_addon_import_wizard(env, statement, content, filename))

    median, runs = median_of(
        repeat, lambda: (_addon_import(wizards[-1]), env.flush_all()), before=prepare
    )
    statement = wizards[-1].statement_id
    carrier_ids = statement._carrier_ids()
    tolerance = statement.company_id.logistics_tolerance or 0.0
    parsed = []
    parse_median, parse_runs = median_of(repeat, lambda: parsed.append(floor(content)))
    targets = []

    def new_statement():
        targets.append(_carrier_setup(env, context))
        env.flush_all()

    def floor_import():
        _reference_insert(env, targets[-1], floor(content))
        floor_match(env, targets[-1], carrier_ids, tolerance)

    floor_median, floor_runs = median_of(repeat, floor_import, before=new_statement)
    env.invalidate_all()
    states = _match_states(env, statement)
    floor_states = _match_states(env, targets[-1])
    figure = {
        "status": "ok",
        "how": "the import wizard (read, check every row, write the lines, match them)",
        "lines": len(rows),
        "file_kb": round(len(content) / 1024),
        "imported_lines": len(statement.line_ids),
        "floor_rows": len(parsed[-1]) - 1,
        "match_states": states,
        "floor_match_states": floor_states,
        "equal": states == floor_states,
        "median_s": median,
        "runs": runs,
        **verdict(median, target),
        # not the floor (it stores and matches nothing): what parsing alone costs
        "reference_parse_only": {
            "how": floor_how,
            "median_s": parse_median,
            "runs": parse_runs,
            "ratio": round(median / parse_median, 2) if parse_median else None,
        },
    }
    how = f"{floor_how}, one bulk INSERT of the rows, the matching's one SQL UPDATE"
    return with_floor(figure, floor_median, floor_runs, how), statement


def measure_import(env, context, size, repeat):
    rows = _statement_rows(env, context, size)
    figure, context["statement"] = _measure_one_import(
        env,
        context,
        rows,
        _statement_xlsx(rows),
        filename="carrier_statement.xlsx",
        floor=floor_read_xlsx,
        floor_how="openpyxl read-only into tuples",
        repeat=repeat,
    )
    return figure


def measure_import_csv(env, context, size, repeat):
    rows = _statement_rows(env, context, size)
    figure, __ = _measure_one_import(
        env,
        context,
        rows,
        _statement_csv(rows),
        filename="carrier_statement.csv",
        floor=floor_read_csv,
        floor_how="csv module into tuples",
        repeat=repeat,
    )
    return figure


def _match_states(env, statement):
    env.flush_all()
    env.cr.execute(
        SQL(
            "SELECT COALESCE(match_state, 'none'), count(*)"
            " FROM business_logistics_statement_line WHERE statement_id = %s GROUP BY 1",
            statement.id,
        )
    )
    return dict(sorted(env.cr.fetchall()))


def measure_match(env, context, size, repeat):
    statement = context.get("statement")
    if not statement:
        statement = _carrier_setup(env, context)
        env["business.logistics.statement.line"].create(
            [
                {
                    "statement_id": statement.id,
                    "waybill": w,
                    "date": d,
                    "amount": a,
                    "carrier_listed": True,
                }
                for w, d, a in _statement_rows(env, context, size)
            ]
        )

    def unmatch():
        # start each run from unlinked, unclassified lines, as the carrier's file arrives
        env.flush_all()
        env.cr.execute(
            SQL(
                "UPDATE business_logistics_statement_line"
                " SET picking_id = NULL, match_state = NULL, expected_amount = 0"
                " WHERE statement_id = %s",
                statement.id,
            )
        )
        env.invalidate_all()

    median, runs = median_of(
        repeat, lambda: (_addon_match(statement), env.flush_all()), before=unmatch
    )
    states = _match_states(env, statement)
    carrier_ids = statement._carrier_ids()
    tolerance = statement.company_id.logistics_tolerance or 0.0
    floor_median, floor_runs = median_of(
        repeat, lambda: floor_match(env, statement, carrier_ids, tolerance), before=unmatch
    )
    floor_states = _match_states(env, statement)
    figure = {
        "status": "ok",
        "how": "business.logistics.statement.action_match",
        "lines": len(statement.line_ids),
        "deliveries": size["deliveries"],
        "match_states": states,
        "floor_match_states": floor_states,
        "equal": states == floor_states,
        "median_s": median,
        "runs": runs,
        **verdict(median, TARGETS["statement_match"]),
    }
    return with_floor(figure, floor_median, floor_runs, "one SQL UPDATE (join by tracking ref)")


# --------------------------------------------------------------------------- 3. review


def _deadlines(env, order_ids):
    env.cr.execute(
        SQL(
            "SELECT id, review_deadline, review_reminder_date FROM sale_order"
            " WHERE id = ANY(%s) ORDER BY id",
            order_ids,
        )
    )
    return env.cr.fetchall()


def measure_review(env, context, size, repeat):
    Order = env["sale.order"]
    field = Order._fields["review_deadline"]
    orders = Order.search([("name", "=like", "SB%")], order="id", limit=size["review_orders"])

    def recompute():
        env.add_to_compute(field, orders)
        orders._recompute_recordset(["review_deadline"])
        env.flush_all()

    def forget():
        # start each run from orders without deadlines, both for the addon and the floor
        env.flush_all()
        env.cr.execute(
            SQL(
                "UPDATE sale_order SET review_deadline = NULL, review_reminder_date = NULL"
                " WHERE id = ANY(%s)",
                orders.ids,
            )
        )
        env.invalidate_all()

    median, runs = median_of(repeat, recompute, before=forget)
    addon = _deadlines(env, orders.ids)
    calendar = env.company.resource_calendar_id
    days = env.company.review_working_days
    floor_median, floor_runs = median_of(
        repeat, lambda: floor_deadlines(env, calendar, orders.ids, days), before=forget
    )
    floor = _deadlines(env, orders.ids)
    differences = [(a, b) for a, b in zip(addon, floor, strict=True) if a != b]
    figure = {
        "status": "ok",
        "how": "recompute of sale.order.review_deadline and review_reminder_date, flushed",
        "orders": len(orders),
        "calendar": calendar.name,
        "tz": calendar.tz,
        "review_working_days": days,
        "public_holidays": len(calendar.global_leave_ids),
        "makeup_workdays": len(calendar.business_workday_ids)
        if "business_workday_ids" in calendar._fields
        else 0,
        "deadlines_set": sum(1 for row in addon if row[1]),
        "equal": not differences,
        "differences": [[str(v) for v in a + b] for a, b in differences[:5]],
        "median_s": median,
        "runs": runs,
        **verdict(median, TARGETS["review_deadlines"]),
    }
    return with_floor(
        figure,
        floor_median,
        floor_runs,
        "plain loop over working days expanded once, one UPDATE of the stored values",
    )


# --------------------------------------------------------------------------- 4. XLSX


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
    rows = size["xlsx_rows"]
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    median, runs = median_of(repeat, lambda: _export(env, rows))
    maxrss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - maxrss
    tenth_peak, tenth_file = _peak_mb(env, rows // 10)
    peak, file_mb = _peak_mb(env, rows)
    # the finished file is held in memory once; the working memory beyond it must
    # not grow with the rows (constant_memory writes each row to disk as it comes)
    work, tenth_work = peak - file_mb, tenth_peak - tenth_file
    data = floor_rows(env, rows)
    floor_median, floor_runs = median_of(repeat, lambda: floor_export(data))
    figure = {
        "status": "ok",
        "how": "business.xlsx.report, rows read from the database in pages of 1,000",
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
    return with_floor(
        figure, floor_median, floor_runs, "xlsxwriter constant_memory from a Python list"
    )
