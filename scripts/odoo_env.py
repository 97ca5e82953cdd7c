#!/usr/bin/env python3
"""Run Odoo 18 for this repository: check it, serve the demo database, run the tests.

    python3 scripts/odoo_env.py check         # is Odoo 18 importable?
    python3 scripts/odoo_env.py run [--db DB] [--lang zh_CN|zh_TW|en_US] [-- ODOO OPTIONS]
                                              # demo database of a Chinese company, on :8069
    python3 scripts/odoo_env.py test          # fresh database, every test, summary line

Odoo is found the way Python finds it (``import odoo``); its addons path is the
one Odoo uses by default plus this repository.
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import xml.etree.ElementTree as ET

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULE = "business_dept"
LANGS = "zh_CN,zh_TW"
LANGS_CHOICES = ["zh_CN", "zh_TW", "en_US"]
DEFAULT_LANG = "zh_CN"
TIMEZONE = "Asia/Shanghai"
DEMO_LOGINS = [
    ("admin", "admin", "Administrator (General Manager / 总经理)"),
    ("bd_gm", "bd_gm", "王建国, General Manager / 总经理"),
    ("bd_director", "bd_director", "李明, Business Director / 业务总监"),
    ("bd_manager1", "bd_manager1", "张伟, Business Manager / 业务经理"),
    ("bd_manager2", "bd_manager2", "陈静, Business Manager / 业务经理"),
    ("bd_assistant", "bd_assistant", "刘芳, Business Assistant / 业务助理"),
    ("bd_finance", "bd_finance", "赵丽, Finance reviewer / 财务"),
]


def import_odoo():
    """Return the odoo package, or exit with one clear line when Odoo 18 is missing."""
    try:
        import odoo  # noqa: PLC0415
        import odoo.release  # noqa: PLC0415
    except Exception as exc:  # ImportError, or a broken install
        print(
            f"Odoo 18 is not importable by {sys.executable}: {exc}. "
            "Install Odoo 18.0 (see README.md, Requirements).",
            flush=True,
        )
        sys.exit(2)
    if odoo.release.version_info[0] != 18:
        print(
            f"Odoo {odoo.release.version} found, Odoo 18.0 is required "
            "(see README.md, Requirements).",
            flush=True,
        )
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


def odoo_bin(odoo):
    """A command line Odoo can re-execute when it reloads itself (SIGHUP, or after installing
    a module from the Apps menu): the tree's ``odoo-bin`` next to the ``odoo`` package, or the
    ``odoo`` console script pip installed. Not ``python3 -m odoo``: Odoo re-executes
    ``sys.argv``, which is then ``.../odoo/__main__.py`` and fails with a relative import."""
    tree_bin = os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(odoo.__file__))), "odoo-bin"
    )
    if os.path.isfile(tree_bin):
        return tree_bin
    for script in (os.path.join(os.path.dirname(sys.executable), "odoo"), shutil.which("odoo")):
        if script and os.path.isfile(script):
            return script
    print(
        "Neither odoo-bin next to the odoo package nor an odoo console script was found.",
        flush=True,
    )
    sys.exit(2)


def odoo_bin_cmd(odoo, *args):
    return [sys.executable, odoo_bin(odoo), "--addons-path", addons_path(odoo), *args]


def run_step(title, argv):
    """One install step in its own process; the output goes to the terminal."""
    print(f"... {title}", flush=True)
    subprocess.run(argv, check=True, env=dict(os.environ, TZ="UTC"))


def create_demo_database(odoo, args):
    """The demo database of a Chinese company (see README, Demo):

    1. base with zh_CN and zh_TW loaded;
    2. the company moved to China (name, address, country), before accounting is installed;
    3. l10n_cn: Odoo loads the Chinese chart of accounts and makes CNY the company currency,
       as for a real company in China (the addon does not depend on it);
    4. business_dept with its demo data, in CNY;
    5. time zone Asia/Shanghai, China's official holidays in the working calendar, USD and EUR
       rates, the demo users' language.
    """
    db = args.db
    install = ["-d", db, "--stop-after-init", "--max-cron-threads", "0", "--log-level", "warn"]
    here = os.path.abspath(__file__)
    try:
        run_step(
            "1/5 database and languages (zh_CN, zh_TW)",
            odoo_bin_cmd(odoo, *install, "-i", "base", "--load-language", LANGS),
        )
        run_step(
            "2/5 the company in China",
            [sys.executable, here, "demo-setup", "--db", db, "--stage", "company"],
        )
        run_step(
            "3/5 Chinese chart of accounts and CNY (l10n_cn)",
            odoo_bin_cmd(odoo, *install, "-i", "l10n_cn"),
        )
        run_step(f"4/5 {MODULE} and its demo data", odoo_bin_cmd(odoo, *install, "-i", MODULE))
        run_step(
            "5/5 time zone, holidays, currencies, languages",
            [
                sys.executable,
                here,
                "demo-setup",
                "--db",
                db,
                "--stage",
                "finish",
                "--lang",
                args.lang or DEFAULT_LANG,
            ],
        )
    except (subprocess.CalledProcessError, KeyboardInterrupt) as exc:
        subprocess.run(["dropdb", "--if-exists", db], check=False)
        print(
            f"The demo database was not created ({exc.__class__.__name__}); "
            "it was dropped, the next run starts again.",
            flush=True,
        )
        sys.exit(1)


def announce_when_ready(url, started, db, created):
    """In a detached process: wait for the login page, then print the URL and logins.

    Double fork: the poller is not a child of the server (which replaces this process), so it
    leaves no zombie; it gives up when the server is gone."""
    server_pid = os.getpid()
    if os.fork():
        os.wait()
        return
    if os.fork():
        os._exit(0)
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        try:
            os.kill(server_pid, 0)
        except OSError:
            os._exit(0)
        try:
            with urllib.request.urlopen(url + "/web/login", timeout=5) as resp:
                if resp.status == 200:
                    break
        except OSError:
            pass
        time.sleep(0.5)
    else:
        os._exit(1)
    took = time.monotonic() - started
    what = "created and served" if created else "served"
    print(f"\nReady in {took:.0f} s: database {db} {what} at {url}/web", flush=True)
    print("Demo logins (login / password):", flush=True)
    for login, password, role in DEMO_LOGINS:
        print(f"  {login:14} / {password:14} {role}", flush=True)
    os._exit(0)


def cmd_run(args):
    odoo = import_odoo()
    ensure_postgres()
    started = time.monotonic()
    created = not database_exists(args.db)
    if created:
        print(
            f"Creating the demo database {args.db}: a Chinese company with {MODULE} and its "
            "demo data (a few minutes the first time)",
            flush=True,
        )
        create_demo_database(odoo, args)
    elif args.lang:
        subprocess.run(
            [
                sys.executable,
                os.path.abspath(__file__),
                "demo-setup",
                "--db",
                args.db,
                "--stage",
                "lang",
                "--lang",
                args.lang,
            ],
            check=True,
            env=dict(os.environ, TZ="UTC"),
        )
    url = f"http://localhost:{args.port}"
    print(f"Starting Odoo on {url} (database {args.db}) ...", flush=True)
    announce_when_ready(url, started, args.db, created)
    os.environ["TZ"] = "UTC"
    extra = args.odoo_args[1:] if args.odoo_args[:1] == ["--"] else args.odoo_args
    argv = odoo_bin_cmd(
        odoo, "-d", args.db, "--db-filter", f"^{args.db}$", "--http-port", str(args.port), *extra
    )
    os.execv(sys.executable, argv)


COMPANY = {
    "name": "上海华东精密机械有限公司",
    "street": "浦东新区张江路 1688 号",
    "street2": "华东科技园 3 号楼",
    "city": "上海",
    "zip": "201203",
    "phone": "+86 21 5080 1688",
    "email": "info@huadong-jixie.example.com",
    "website": "https://huadong-jixie.example.com",
}
# Company currency per unit of foreign currency, for the demo's USD and EUR quotations.
DEMO_RATES = {"USD": 7.20, "EUR": 7.80}


def cmd_demo_setup(args):
    """Company-level settings of the demo database, through Odoo's API (scripts/run)."""
    odoo = import_odoo()
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(["--addons-path", addons_path(odoo), "-d", args.db])
    with Registry(args.db).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env.ref("base.main_company")
        if args.stage == "company":
            # Through the partner: res.company.write would install l10n_cn at once, before
            # the next step's install, where Odoo also loads the chart for country CN.
            company.partner_id.write(
                dict(
                    COMPANY,
                    country_id=env.ref("base.cn").id,
                    state_id=env.ref("base.state_cn_SH").id,
                    tz=TIMEZONE,
                )
            )
        elif args.stage == "finish":
            demo_finish(env, company)
        set_users_lang(env, args.lang)


def demo_finish(env, company):
    if company.currency_id.name != "CNY":
        print(f"Warning: the company currency is {company.currency_id.name}, not CNY", flush=True)
    company.resource_calendar_id.tz = TIMEZONE
    env["res.users"].with_context(active_test=False).search([("share", "=", False)]).tz = TIMEZONE
    year = company._business_local_today().year
    holidays, workdays, _skipped = env["resource.calendar"]._business_load_official_holidays(
        company, [year, year + 1]
    )
    print(
        f"    {holidays} holidays and {workdays} make-up workdays of {year}-{year + 1} loaded",
        flush=True,
    )
    if company.name != COMPANY["name"]:
        # a later demo file of Odoo renames the main company ("My Company (San Francisco)")
        company.name = COMPANY["name"]
    # the company currency is the base: its rates (Odoo's demo rates against USD) would
    # skew every conversion
    env["res.currency.rate"].search(
        [("currency_id", "=", company.currency_id.id), ("company_id", "in", [company.id, False])]
    ).unlink()
    today = company._business_local_today()
    for code, rate in DEMO_RATES.items():
        currency = env["res.currency"].with_context(active_test=False).search([("name", "=", code)])
        currency.active = True
        env["res.currency.rate"].search(
            [("currency_id", "=", currency.id), ("company_id", "in", [company.id, False])]
        ).unlink()
        env["res.currency.rate"].create(
            {"currency_id": currency.id, "company_id": company.id, "name": today, "rate": 1 / rate}
        )


def set_users_lang(env, lang):
    if not lang:
        return
    env["res.lang"]._activate_lang(lang)
    users = env["res.users"].with_context(active_test=False).search([("share", "=", False)])
    users.lang = lang
    print(f"    {len(users)} users in {lang}", flush=True)


LINTERS = [
    ("ruff check", ["ruff", "check", "."]),
    ("ruff format", ["ruff", "format", "--check", "."]),
    ("pylint-odoo", ["pylint", "--rcfile=.pylintrc", "business_dept"]),
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


def database_exists(db):
    return (
        subprocess.run(
            ["psql", "-Atqc", f"select 1 from pg_database where datname = '{db}'", "postgres"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        == "1"
    )


def run_odoo_tests(odoo, tags, keep_db, quick=False):
    """Install the module with its tests in a fresh database: returns (passed, failed).

    ``quick``: reuse the database ``business_dept_quick`` (installed once, kept; another name
    with the environment variable ``BUSINESS_DEPT_QUICK_DB``, for two checkouts side by side)
    and only update the module there (``-u``): seconds instead of minutes for a changed test.
    """
    quick_db = os.environ.get("BUSINESS_DEPT_QUICK_DB") or f"{MODULE}_quick"
    db = quick_db if quick else f"{MODULE}_test_{os.getpid()}"
    if quick:
        keep_db = True
        if not database_exists(db):
            subprocess.run(
                odoo_cmd(
                    odoo,
                    "-d",
                    db,
                    "-i",
                    MODULE,
                    "--stop-after-init",
                    "--log-level",
                    "warn",
                    "--max-cron-threads",
                    "0",
                ),
                check=True,
            )
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
    argv = odoo_cmd(
        odoo,
        "-d",
        db,
        "-u" if quick else "-i",
        MODULE,
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


def cmd_test(args):
    odoo = import_odoo()
    ensure_postgres()
    passed = failed = 0
    if not args.odoo_only:
        for p, f in (run_linters(), run_pytest()):
            passed, failed = passed + p, failed + f
    p, f = run_odoo_tests(odoo, args.tags, args.keep_db, quick=args.quick)
    passed, failed = passed + p, failed + f
    print(f"{passed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check").set_defaults(func=cmd_check)
    run = sub.add_parser("run")
    run.add_argument("--db", default=f"{MODULE}_demo")
    run.add_argument("--port", type=int, default=8069)
    run.add_argument(
        "--lang",
        choices=LANGS_CHOICES,
        help=f"the users' language (default {DEFAULT_LANG} for a new database; "
        "given for an existing one, it is set again)",
    )
    run.add_argument("odoo_args", nargs=argparse.REMAINDER)
    run.set_defaults(func=cmd_run)
    setup = sub.add_parser("demo-setup", help="(used by run) company-level demo settings")
    setup.add_argument("--db", required=True)
    setup.add_argument("--stage", choices=["company", "finish", "lang"], required=True)
    setup.add_argument("--lang", choices=LANGS_CHOICES)
    setup.set_defaults(func=cmd_demo_setup)
    test = sub.add_parser("test")
    test.add_argument(
        "--tags", default=f"/{MODULE}", help="Odoo --test-tags (default: every test of the module)"
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
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
