#!/usr/bin/env python3
"""Benchmark of business_dept against the numbers of SPEC ("Numbers to reach").

    bench/run [--scale 1.0] [--db NAME] [--repeat 3] [--keep-db] [--output FILE]

Creates its own database with the addon (no demo data), generates synthetic
standard rows with set-based SQL (a few records made through the ORM are cloned
with ``INSERT ... SELECT ... FROM generate_series``), then times, each ``--repeat``
times (median):

1. the monthly KPI report for all salespeople (``business.kpi.report``) against one
   hand-written SQL query (``bench/kpi_baseline.sql``), and checks both give the
   same figures;
2. importing a carrier statement from XLSX (``business.logistics.statement.import``)
   and matching it (``business.logistics.statement.action_match``);
3. recomputing the review deadlines of 10,000 orders (``sale.order.review_deadline``);
4. an XLSX export with the workbook options of the addon's large XLSX report
   (OCA report_xlsx, constant memory), with its peak
   memory at a tenth of the rows and at all of them.

A feature the addon does not have yet is reported as ``"status": "not available"``.
Scale 1.0 = 100,000 orders, invoices (with payments) and done deliveries, 50
salespeople, 12 months, a 20,000-line carrier statement. The JSON result is printed
and written to ``bench/results/latest.json`` (or ``--output``).
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
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
    "review_deadlines": 2.0,
    "xlsx_export": 15.0,
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
# Measurement of the baseline before the KPI report exists: output per salesperson
BASELINE_FALLBACK_FIELDS = ["output_amount"]
CARRIER_RATE = 20.0


def sizes(scale):
    """Row counts at a scale (1.0 = SPEC's volumes)."""
    n = max(100, round(100_000 * scale))
    return {
        "orders": n,
        "invoices": n,
        "deliveries": n,
        "salespeople": 50 if scale >= 0.01 else 10,
        "customers": max(20, n // 20),
        "months": 12,
        "statement_lines": max(40, round(20_000 * scale)),
        "review_orders": min(n, max(100, round(10_000 * min(scale * 10, 1.0)))),
        "xlsx_rows": n,
    }


# --------------------------------------------------------------------------- timing
def median_of(repeat, func, before=None):
    """Run ``func`` ``repeat`` times (``before`` untimed each time): (median, runs)."""
    runs = []
    for __ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        func()
        runs.append(round(time.perf_counter() - start, 4))
    return round(statistics.median(runs), 4), runs


def verdict(seconds, target):
    """The figure against its SPEC target: met, or by how much it is missed."""
    result = {"target_s": target, "met": seconds <= target}
    if not result["met"]:
        result["missed_by_s"] = round(seconds - target, 4)
        result["missed_by_pct"] = round(100.0 * (seconds - target) / target, 1)
    return result


def not_available(reason):
    return {"status": "not available", "reason": reason}


# --------------------------------------------------------------------------- database
def create_database(odoo, db):
    """A fresh database with the addon installed, without demo data."""
    subprocess.run(["dropdb", "--if-exists", db], check=True)
    cmd = odoo_env.odoo_cmd(
        odoo,
        "-d",
        db,
        "-i",
        MODULE,
        "--without-demo",
        "all",
        "--stop-after-init",
        "--http-port",
        str(odoo_env.free_port()),
        "--max-cron-threads",
        "0",
        "--log-level",
        "warn",
    )
    log = os.path.join(HERE, "results", f"{db}_install.log")
    os.makedirs(os.path.dirname(log), exist_ok=True)
    with open(log, "w") as fh:
        proc = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, check=False)
    if proc.returncode:
        with open(log) as fh:
            sys.stderr.write("".join(fh.readlines()[-30:]))
        sys.exit(f"Installing {MODULE} into {db} failed (exit {proc.returncode}), see {log}")
    os.unlink(log)


def open_registry(odoo, db):
    odoo.tools.config.parse_config(
        ["--addons-path", odoo_env.addons_path(odoo), "-d", db, "--log-level", "warn"]
    )
    from odoo.modules.registry import Registry  # noqa: PLC0415

    return Registry(db)


def revision():
    """The commit of the repository measured (and whether it had local changes)."""

    def git(*args):
        return subprocess.run(
            ["git", "-C", REPO, *args], capture_output=True, text=True, check=False
        ).stdout.strip()

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--", MODULE)),
    }


def machine():
    with open("/proc/meminfo") as fh:
        mem_kb = int(fh.readline().split()[1])
    return {
        "nproc": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
    }


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="1.0 = 100,000 orders/invoices/deliveries (default)",
    )
    parser.add_argument("--db", default=f"{MODULE}_bench")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--keep-db", action="store_true", help="keep the database afterwards")
    parser.add_argument("--output", default=os.path.join(HERE, "results", "latest.json"))
    args = parser.parse_args()
    if args.scale <= 0 or args.repeat < 1:
        parser.error("--scale must be > 0 and --repeat >= 1")

    odoo = odoo_env.import_odoo()
    odoo_env.ensure_postgres()
    from bench_data import generate  # noqa: PLC0415
    from bench_measure import measure_all  # noqa: PLC0415

    result = {
        "scale": args.scale,
        "db": args.db,
        "repeat": args.repeat,
        "machine": machine(),
        "revision": revision(),
        "sizes": sizes(args.scale),
    }
    start = time.perf_counter()
    create_database(odoo, args.db)
    result["create_db_s"] = round(time.perf_counter() - start, 1)
    try:
        registry = open_registry(odoo, args.db)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            start = time.perf_counter()
            context = generate(env, result["sizes"])
            cr.commit()
            result["generate_s"] = round(time.perf_counter() - start, 1)
            result["figures"] = measure_all(env, context, result["sizes"], args.repeat)
            cr.rollback()
    finally:
        if not args.keep_db:
            from odoo.modules.registry import Registry  # noqa: PLC0415

            Registry.delete(args.db)
            odoo.sql_db.close_db(args.db)
            subprocess.run(["dropdb", "--if-exists", args.db], check=False)
    result["finished"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = json.dumps(result, indent=2, default=str)
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w") as fh:
        fh.write(text + "\n")
    print(text, flush=True)


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    main()
