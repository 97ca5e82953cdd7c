"""What every part of the benchmark shares: paths, SPEC's targets, the sizes of a scale and
the timing of a figure beside its floor."""

import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "scripts"))
import odoo_env  # noqa: E402

MODULE = odoo_env.MODULE
# SPEC, "Numbers to reach" (seconds; the KPI report also within 2x of the baseline)
TARGETS = {
    "kpi_report": 1.0,
    "kpi_ratio": 2.0,
    "statement_match": 3.0,
    "statement_import_xlsx": 10.0,
    "statement_import_csv": 10.0,
    "review_deadlines": 2.0,
    "xlsx_export": 15.0,
    # every figure within this ratio of its floor (issue 14), the HTTP screens also
    # within it of the standard sale.order list and under http_screen seconds
    "floor_ratio": 2.0,
    "http_screen": 1.0,
    # the KPI pivot of a year by salesperson and month, through HTTP at scale 10
    "http_screen_year": 2.0,
}


# KPI figures compared between the report and the baseline (those the report has)
KPI_FIELDS = [
    "output_amount",
    "payment_ontime_rate",
    "payment_ontime_amount_rate",
    "invoice_ontime_rate",
    "review_ontime_rate",
    "new_customers",
]


CARRIER_RATE = 20.0


def sizes(scale):
    """Row counts at a scale (1.0 = SPEC's volumes)."""
    n = max(100, round(100_000 * scale))
    return {
        "orders": n,
        "invoices": n,
        "deliveries": n,
        # 50 at scale 1.0, 200 at scale 10 (1,000,000 orders)
        "salespeople": max(50, round(20 * scale)) if scale >= 0.01 else 10,
        "customers": max(20, n // 20),
        "months": 12,
        "statement_lines": max(40, round(20_000 * scale)),
        "review_orders": min(n, max(100, round(10_000 * min(scale * 10, 1.0)))),
        "xlsx_rows": n,
        "quotations": max(10, n // 10),
    }


def median_of(repeat, func, before=None):
    """Run ``func`` ``repeat`` times (``before`` untimed each time): (median, runs)."""
    runs = []
    for __ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        func()
        runs.append(round(time.perf_counter() - start, 6))
    return round(statistics.median(runs), 6), runs


def verdict(seconds, target):
    """The figure against its SPEC target: met, or by how much it is missed."""
    result = {"target_s": target, "met": seconds <= target}
    if not result["met"]:
        result["missed_by_s"] = round(seconds - target, 4)
        result["missed_by_pct"] = round(100.0 * (seconds - target) / target, 1)
    return result


def with_floor(figure, floor_median, floor_runs, how, target=None):
    """Add the floor of a figure (the least work for the same answer, timed in the
    same run on the same data) and the ratio of the figure to it."""
    target = target or TARGETS["floor_ratio"]
    ratio = round(figure["median_s"] / floor_median, 2) if floor_median else None
    figure["floor"] = {"how": how, "median_s": floor_median, "runs": floor_runs}
    figure["ratio_to_floor"] = ratio
    figure["ratio_target"] = target
    figure["ratio_met"] = ratio is not None and ratio <= target
    return figure
