#!/usr/bin/env python3
"""Run Odoo 18 for this repository: check it, serve the demo database, run the tests.

    python3 scripts/odoo_env.py check         # is Odoo 18 importable?
    python3 scripts/odoo_env.py run [--db DB] # demo database with business_dept, on :8069
    python3 scripts/odoo_env.py test          # fresh database, every test, summary line

Odoo is found the way Python finds it (``import odoo``); its addons path is the
one Odoo uses by default plus this repository.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULE = "business_dept"
DEMO_LOGINS = [
    ("admin", "admin", "Administrator (General Manager)"),
    ("bd_gm", "bd_gm", "General Manager / 总经理"),
    ("bd_director", "bd_director", "Business Director / 业务总监"),
    ("bd_manager1", "bd_manager1", "Business Manager / 业务经理"),
    ("bd_manager2", "bd_manager2", "Business Manager / 业务经理"),
    ("bd_assistant", "bd_assistant", "Business Assistant / 业务助理"),
    ("bd_finance", "bd_finance", "Finance reviewer / 财务"),
]


def import_odoo():
    """Return the odoo package, or exit with one clear line when Odoo 18 is missing."""
    try:
        import odoo  # noqa: PLC0415
        import odoo.release  # noqa: PLC0415
    except Exception as exc:  # ImportError, or a broken install
        print(f"Odoo 18 is not importable by {sys.executable}: {exc}. "
              "Install Odoo 18.0 (see README.md, Requirements).", flush=True)
        sys.exit(2)
    if odoo.release.version_info[0] != 18:
        print(f"Odoo {odoo.release.version} found, Odoo 18.0 is required "
              "(see README.md, Requirements).", flush=True)
        sys.exit(2)
    return odoo


def addons_path(odoo):
    """Odoo's own default addons folders, then this repository."""
    root = os.path.dirname(os.path.abspath(odoo.__file__))
    paths = [os.path.join(root, "addons")]
    main_addons = os.path.abspath(os.path.join(root, "..", "addons"))
    if os.path.isdir(main_addons):
        paths.append(main_addons)
    paths.append(REPO)
    return ",".join(paths)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_postgres():
    subprocess.run([os.path.join(REPO, "scripts", "pg_ensure.sh")], check=True)


def odoo_cmd(odoo, *args):
    return [sys.executable, "-m", "odoo", "--addons-path", addons_path(odoo), *args]


def cmd_check(_args):
    odoo = import_odoo()
    print(f"Odoo {odoo.release.version} at {os.path.dirname(odoo.__file__)}")


def cmd_run(args):
    odoo = import_odoo()
    ensure_postgres()
    exists = database_exists(args.db)
    init = [] if exists else ["-i", MODULE]
    print(f"Odoo with {MODULE} and demo data: http://localhost:{args.port}/web "
          f"(database {args.db}{', being created' if init else ''})", flush=True)
    print("Demo logins (login / password):", flush=True)
    for login, password, role in DEMO_LOGINS:
        print(f"  {login:14} / {password:14} {role}", flush=True)
    # Odoo 18 loads demo data into a new database unless told --without-demo.
    os.execv(sys.executable, odoo_cmd(
        odoo, "-d", args.db, "--db-filter", f"^{args.db}$", "--http-port", str(args.port),
        *init, *args.odoo_args))


def run_pytest():
    """The Odoo-free repository checks (tests/): returns (passed, failed)."""
    with tempfile.TemporaryDirectory() as tmp:
        junit = os.path.join(tmp, "junit.xml")
        subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        f"--junitxml={junit}", os.path.join(REPO, "tests")], cwd=REPO, check=False)
        if not os.path.exists(junit):
            return 0, 1
        suite = ET.parse(junit).getroot()
        suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
        total = int(suite.get("tests", 0))
        failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped = int(suite.get("skipped", 0))
        return total - failed - skipped, failed


def database_exists(db):
    return subprocess.run(
        ["psql", "-Atqc", f"select 1 from pg_database where datname = '{db}'", "postgres"],
        capture_output=True, text=True, check=True).stdout.strip() == "1"


def run_odoo_tests(odoo, tags, keep_db, quick=False):
    """Install the module with its tests in a fresh database: returns (passed, failed).

    ``quick``: reuse the database ``business_dept_quick`` (installed once, kept) and only
    update the module there (``-u``): seconds instead of minutes for a changed test.
    """
    db = f"{MODULE}_quick" if quick else f"{MODULE}_test_{os.getpid()}"
    if quick:
        keep_db = True
        if not database_exists(db):
            subprocess.run(odoo_cmd(odoo, "-d", db, "-i", MODULE, "--stop-after-init",
                                    "--log-level", "warn", "--max-cron-threads", "0"),
                           check=True)
    result_file = tempfile.mktemp(suffix=".json")
    env = dict(os.environ, BUSINESS_DEPT_RESULT=result_file)
    code = (
        "import json, os, sys\n"
        "import odoo\n"
        "from odoo.cli.command import main\n"
        "from odoo.modules.registry import Registry\n"
        "rc = 0\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    rc = exc.code or 0\n"
        f"reg = Registry.registries.get({db!r})\n"
        "rep = reg and reg._assertion_report\n"
        "json.dump({'rc': rc, 'run': rep.testsRun if rep else 0,\n"
        "           'failed': (rep.failures_count + rep.errors_count) if rep else 0,\n"
        "           'skipped': len(rep.skipped) if rep and isinstance(rep.skipped, list)\n"
        "                      else (rep.skipped if rep else 0)},\n"
        "          open(os.environ['BUSINESS_DEPT_RESULT'], 'w'))\n"
        "sys.exit(rc)\n"
    )
    argv = odoo_cmd(odoo, "-d", db, "-u" if quick else "-i", MODULE,
                    "--test-enable", "--test-tags", tags,
                    "--stop-after-init", "--http-port", str(free_port()),
                    "--log-level", "test", "--max-cron-threads", "0")
    argv[1:3] = ["-c", code]  # same interpreter, Odoo's own command line parser
    if not quick:
        subprocess.run(["dropdb", "--if-exists", db], check=True)
    try:
        proc = subprocess.run(argv, env=env, check=False)
        if not os.path.exists(result_file):
            print(f"Odoo stopped before reporting (exit {proc.returncode})", flush=True)
            return 0, 1
        with open(result_file) as fh:
            res = json.load(fh)
    finally:
        if os.path.exists(result_file):
            os.unlink(result_file)
        if not keep_db:
            subprocess.run(["dropdb", "--if-exists", db], check=False)
    failed = res["failed"]
    passed = res["run"] - failed - res["skipped"]
    if res["rc"] and not failed:
        failed = 1  # the install itself failed (a broken view, data file, ...)
        print(f"Odoo exited with {res['rc']}: the module did not install cleanly", flush=True)
    if res["run"] == 0 and not failed:
        print("Odoo ran no test", flush=True)
        failed = 1
    return passed, failed


def cmd_test(args):
    odoo = import_odoo()
    ensure_postgres()
    passed = failed = 0
    if not args.odoo_only:
        p, f = run_pytest()
        passed, failed = passed + p, failed + f
    p, f = run_odoo_tests(odoo, args.tags, args.keep_db, quick=args.quick)
    passed, failed = passed + p, failed + f
    print(f"{passed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check").set_defaults(func=cmd_check)
    run = sub.add_parser("run")
    run.add_argument("--db", default=f"{MODULE}_demo")
    run.add_argument("--port", type=int, default=8069)
    run.add_argument("odoo_args", nargs=argparse.REMAINDER)
    run.set_defaults(func=cmd_run)
    test = sub.add_parser("test")
    test.add_argument("--tags", default=f"/{MODULE}",
                      help="Odoo --test-tags (default: every test of the module)")
    test.add_argument("--odoo-only", action="store_true", help="skip the Odoo-free checks")
    test.add_argument("--keep-db", action="store_true", help="keep the test database")
    test.add_argument("--quick", action="store_true",
                      help="reuse the kept database business_dept_quick (-u instead of a fresh "
                      "install): for a changed test; CI runs the full, fresh test")
    test.set_defaults(func=cmd_test)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
