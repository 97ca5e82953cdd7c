"""``scripts/test``: the repository's hooks, its Odoo-free checks and the addon's tests in
Odoo, with one summary line."""

import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

from odoo_env import (
    BRIDGE,
    MODULE,
    REPO,
    database_exists,
    ensure_postgres,
    free_port,
    import_odoo,
    module_installed,
    odoo_cmd,
)

LINTERS = [
    ("ruff check", ["ruff", "check", "."]),
    ("ruff format", ["ruff", "format", "--check", "."]),
    ("pylint-odoo", ["pylint", "--rcfile=.pylintrc", MODULE, BRIDGE]),
]


def run_linters():
    """The hooks of .pre-commit-config.yaml, each counted as one test: returns (passed,
    failed). A finding (non-zero exit) fails it; a missing tool too (scripts/setup installs
    them)."""
    passed = failed = 0
    for title, argv in LINTERS:
        try:
            ok = subprocess.run(argv, cwd=REPO, check=False).returncode == 0
        except FileNotFoundError:
            print(f"{title}: {argv[0]} is not installed (run scripts/setup)", flush=True)
            ok = False
        print(f"lint {title}: {'ok' if ok else 'FAILED'}", flush=True)
        passed, failed = passed + ok, failed + (not ok)
    return passed, failed


def run_pytest():
    """The Odoo-free repository checks (tests/): returns (passed, failed)."""
    with tempfile.TemporaryDirectory() as tmp:
        junit = os.path.join(tmp, "junit.xml")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                f"--junitxml={junit}",
                os.path.join(REPO, "tests"),
            ],
            cwd=REPO,
            check=False,
        )
        if not os.path.exists(junit):
            return 0, 1
        suite = ET.parse(junit).getroot()
        suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
        total = int(suite.get("tests", 0))
        failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped = int(suite.get("skipped", 0))
        return total - failed - skipped, failed


def run_odoo_tests(odoo, tags, keep_db, quick=False, module=MODULE):
    """Install ``module`` with its tests in a fresh database: returns (passed, failed).

    ``quick``: reuse the database ``business_dept_quick`` (installed once, kept; another name
    with the environment variable ``BUSINESS_DEPT_QUICK_DB``, for two checkouts side by side)
    and only update the module there (``-u``): seconds instead of minutes for a changed test.
    The bridge ``business_dept_mrp`` has its own: the same name ending in ``_mrp``.
    """
    quick_db = (os.environ.get("BUSINESS_DEPT_QUICK_DB") or f"{MODULE}_quick") + module[
        len(MODULE) :
    ]
    db = quick_db if quick else f"{module}_test_{os.getpid()}"
    if quick:
        keep_db = True
        if not database_exists(db) or not module_installed(db, module):
            subprocess.run(
                odoo_cmd(
                    odoo,
                    "-d",
                    db,
                    "-i",
                    module,
                    "--stop-after-init",
                    "--log-level",
                    "warn",
                    "--max-cron-threads",
                    "0",
                ),
                check=True,
            )
    handle, result_file = tempfile.mkstemp(suffix=".json")
    os.close(handle)
    os.unlink(result_file)  # Odoo writes it when it reports
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
    argv = odoo_cmd(
        odoo,
        "-d",
        db,
        "-u" if quick else "-i",
        module,
        "--test-enable",
        "--test-tags",
        tags,
        "--stop-after-init",
        "--http-port",
        str(free_port()),
        "--log-level",
        "test",
        "--max-cron-threads",
        "0",
    )
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


def split_tags(tags):
    """``[(module, tags)]``: the passes to run. The main addon is tested in a database
    without manufacturing; the bridge ``business_dept_mrp`` (which pulls ``mrp``) in its
    own. Without ``--tags`` both run; the specs of ``--tags`` naming the bridge go to its
    pass, the others to the main one, and a pass without a spec is left out."""
    if tags is None:
        return [(MODULE, f"/{MODULE}"), (BRIDGE, f"/{BRIDGE}")]
    specs = [spec for spec in tags.split(",") if spec.strip()]
    bridge = [spec for spec in specs if BRIDGE in spec]
    main = [spec for spec in specs if BRIDGE not in spec]
    passes = [(MODULE, ",".join(main))] if main else []
    return passes + ([(BRIDGE, ",".join(bridge))] if bridge else [])


def cmd_test(args):
    odoo = import_odoo()
    ensure_postgres()
    passed = failed = 0
    if not args.odoo_only:
        for p, f in (run_linters(), run_pytest()):
            passed, failed = passed + p, failed + f
    for module, tags in split_tags(args.tags):
        p, f = run_odoo_tests(odoo, tags, args.keep_db, quick=args.quick, module=module)
        passed, failed = passed + p, failed + f
    print(f"{passed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)


def add_parser(sub):
    test = sub.add_parser("test")
    test.add_argument(
        "--tags",
        help=f"Odoo --test-tags (default: every test of {MODULE}, in a database without "
        f"manufacturing, then every test of {BRIDGE} in one with it)",
    )
    test.add_argument("--odoo-only", action="store_true", help="skip the Odoo-free checks")
    test.add_argument("--keep-db", action="store_true", help="keep the test database")
    test.add_argument(
        "--quick",
        action="store_true",
        help="reuse the kept database business_dept_quick (-u instead of a fresh "
        "install): for a changed test; CI runs the full, fresh test",
    )
    test.set_defaults(func=cmd_test)
