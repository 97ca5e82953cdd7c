"""The floors of the benchmark: for each figure, the least work that gives the same answer
(hand-written SQL, plain Python), timed in the same run on the same data."""

import bisect
import csv
import datetime
import io
import os

import openpyxl
import pytz
import xlsxwriter
from common import CARRIER_RATE
from dateutil.relativedelta import relativedelta

from odoo.tools import SQL

HERE = os.path.dirname(os.path.abspath(__file__))


def kpi_floor(env, month, fields):
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


def floor_read_xlsx(content):
    """The import floor's parse: openpyxl read-only into tuples."""
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    return rows


def floor_read_csv(content):
    """The import floor's parse: the csv module into tuples."""
    return [tuple(row) for row in csv.reader(io.StringIO(content.decode("utf-8")))]


def floor_match(env, statement, carrier_ids, tolerance):
    """Floor of the matching: one plain SQL statement links each line to the carrier's
    done delivery with its tracking reference (compared by their stored keys) and
    classifies it (no ORM)."""
    env.cr.execute(
        SQL(
            """
            WITH m AS (
                SELECT l.id, d.picking_id,
                       ROW_NUMBER() OVER (PARTITION BY l.waybill_key ORDER BY l.id) AS rank
                  FROM business_logistics_statement_line l
             LEFT JOIN LATERAL (
                       SELECT p.id AS picking_id
                         FROM stock_picking p
                         JOIN stock_picking_type t ON t.id = p.picking_type_id
                        WHERE p.carrier_tracking_key = l.waybill_key AND p.state = 'done'
                          AND t.code = 'outgoing' AND p.carrier_id = ANY(%(carriers)s)
                     ORDER BY p.id LIMIT 1) d ON TRUE
                 WHERE l.statement_id = %(statement)s
            )
            UPDATE business_logistics_statement_line l
               SET picking_id = m.picking_id,
                   expected_amount = CASE WHEN m.rank = 1 AND m.picking_id IS NOT NULL
                                          THEN %(rate)s ELSE 0 END,
                   match_state = CASE
                       WHEN m.rank > 1 THEN 'duplicate'
                       WHEN m.picking_id IS NULL THEN 'unknown'
                       WHEN l.carrier_listed IS NOT TRUE THEN 'missing_carrier'
                       WHEN ABS(COALESCE(l.amount, 0) - %(rate)s) <= %(tolerance)s THEN 'matched'
                       ELSE 'amount_diff' END
              FROM m
             WHERE l.id = m.id
            """,
            carriers=carrier_ids,
            statement=statement.id,
            rate=CARRIER_RATE,
            tolerance=tolerance,
        )
    )


def working_days(env, calendar, first, last):
    """The calendar's working days from ``first`` to ``last`` (local dates), expanded
    once: {day: end of its work as a naive UTC datetime}. Attendances by weekday (no
    lunch), make-up workdays (调休) with the hours of the first normal weekday, minus
    the public holidays (global leaves)."""
    cr = env.cr
    zone = pytz.timezone(calendar.tz or "UTC")
    cr.execute(
        SQL(
            """
            SELECT dayofweek, hour_from, hour_to FROM resource_calendar_attendance
             WHERE calendar_id = %s AND resource_id IS NULL AND display_type IS NULL
               AND COALESCE(day_period, '') <> 'lunch'
            """,
            calendar.id,
        )
    )
    hours = {}
    for weekday, hour_from, hour_to in cr.fetchall():
        hours.setdefault(int(weekday), []).append((hour_from, hour_to))
    reference = next((hours[d] for d in range(5) if d in hours), [])
    cr.execute(
        SQL(
            """
            SELECT date_from, date_to FROM resource_calendar_leaves
             WHERE (calendar_id = %s OR calendar_id IS NULL) AND resource_id IS NULL
               AND time_type = 'leave'
            """,
            calendar.id,
        )
    )
    leaves = [(pytz.utc.localize(a), pytz.utc.localize(b)) for a, b in cr.fetchall()]
    makeup = set()
    if "business.calendar.workday" in env:
        cr.execute(
            SQL("SELECT date FROM business_calendar_workday WHERE calendar_id = %s", calendar.id)
        )
        makeup = {day for (day,) in cr.fetchall()}
    ends = {}
    day = first
    while day <= last:
        spans = hours.get(day.weekday()) or (reference if day in makeup else [])
        end = None
        for hour_from, hour_to in spans:
            midnight = datetime.datetime.combine(day, datetime.time.min)
            pieces = [
                (
                    zone.localize(midnight + datetime.timedelta(hours=hour_from)),
                    zone.localize(midnight + datetime.timedelta(hours=hour_to)),
                )
            ]
            for leave_from, leave_to in leaves:
                pieces = [
                    piece
                    for a, b in pieces
                    for piece in ((a, min(b, leave_from)), (max(a, leave_to), b))
                    if piece[0] < piece[1]
                ]
            for __, b in pieces:
                end = b if end is None else max(end, b)
        if end is not None:
            ends[day] = end.astimezone(pytz.utc).replace(tzinfo=None)
        day += datetime.timedelta(days=1)
    return ends


def floor_deadlines(env, calendar, orders, days):
    """Floor of the review deadlines: a plain loop over the working days expanded once,
    then one UPDATE of the stored values (deadline and reminder)."""
    cr = env.cr
    zone = pytz.timezone(calendar.tz or "UTC")
    cr.execute(
        SQL(
            "SELECT id, review_start_date, review_received_date FROM sale_order"
            " WHERE id = ANY(%s) AND review_start_date IS NOT NULL",
            orders,
        )
    )
    rows = cr.fetchall()
    local = [pytz.utc.localize(start).astimezone(zone).date() for __, start, __ in rows]
    ends = working_days(
        env, calendar, min(local), max(local) + datetime.timedelta(days=days * 3 + 60)
    )
    working = sorted(ends)
    ids, deadlines, reminders = [], [], []
    for (order_id, start, __), day in zip(rows, local, strict=True):
        index = bisect.bisect_right(working, day) + days - 1
        deadline = ends[working[index]]
        ids.append(order_id)
        deadlines.append(deadline)
        reminders.append(ends[working[index - 1]] if days > 1 else start)
    cr.execute(
        SQL(
            """
            UPDATE sale_order o
               SET review_deadline = u.deadline, review_reminder_date = u.reminder
              FROM unnest(%s::int[], %s::timestamp[], %s::timestamp[])
                   AS u(id, deadline, reminder)
             WHERE o.id = u.id
            """,
            ids,
            deadlines,
            reminders,
        )
    )


def floor_rows(env, rows):
    env.cr.execute(
        SQL(
            """
            SELECT am.name, rp.name, am.invoice_user_id, am.invoice_date, am.invoice_date_due,
                   am.amount_total_signed, am.amount_residual_signed, am.payment_state
              FROM account_move am JOIN res_partner rp ON rp.id = am.partner_id
             WHERE am.move_type IN ('out_invoice', 'out_refund')
             ORDER BY am.id LIMIT %s
            """,
            rows,
        )
    )
    return env.cr.fetchall()


def floor_export(data):
    """Floor of the export: xlsxwriter in constant_memory mode writing the same cells
    from a Python list."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
    text = workbook.add_format()
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    amount = workbook.add_format({"num_format": "#,##0.00"})
    sheet = workbook.add_worksheet("Invoices")
    sheet.write_row(0, 0, XLSX_HEADER, text)
    for index, row in enumerate(data, start=1):
        sheet.write_string(index, 0, row[0], text)
        sheet.write_string(index, 1, row[1], text)
        sheet.write_number(index, 2, row[2] or 0, text)
        sheet.write_datetime(index, 3, row[3], date)
        sheet.write_datetime(index, 4, row[4], date)
        sheet.write_number(index, 5, row[5], amount)
        sheet.write_number(index, 6, row[6], amount)
        sheet.write_string(index, 7, row[7], text)
    workbook.close()
    return output.getvalue()


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
