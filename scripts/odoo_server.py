"""``scripts/run``: the demo database served by Odoo, made on the first start."""

import argparse
import os
import subprocess
import sys
import time
import urllib.request

from odoo_demo import DISPATCHER, create_demo_database
from odoo_env import (
    DEFAULT_LANG,
    LANGS_CHOICES,
    MODULE,
    database_exists,
    ensure_postgres,
    import_odoo,
    odoo_bin_cmd,
)

DEMO_LOGINS = [
    ("admin", "admin", "Administrator (General Manager / 总经理)"),
    ("bd_gm", "bd_gm", "王建国, General Manager / 总经理"),
    ("bd_director", "bd_director", "李明, Business Director / 业务总监"),
    ("bd_manager1", "bd_manager1", "张伟, Business Manager / 业务经理"),
    ("bd_manager2", "bd_manager2", "陈静, Business Manager / 业务经理"),
    ("bd_assistant", "bd_assistant", "刘芳, Business Assistant / 业务助理"),
    ("bd_finance", "bd_finance", "赵丽, Finance reviewer / 财务"),
]


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
                DISPATCHER,
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
    if args.workers:
        # multi-process: N HTTP workers, one cron worker, the websocket on the gevent port
        extra = ["--workers", str(args.workers), "--max-cron-threads", "1", *extra]
    argv = odoo_bin_cmd(
        odoo, "-d", args.db, "--db-filter", f"^{args.db}$", "--http-port", str(args.port), *extra
    )
    os.execv(sys.executable, argv)


def add_parser(sub):
    run = sub.add_parser("run")
    run.add_argument("--db", default=f"{MODULE}_demo")
    run.add_argument("--port", type=int, default=8069)
    run.add_argument(
        "--lang",
        choices=LANGS_CHOICES,
        help=f"the users' language (default {DEFAULT_LANG} for a new database; "
        "given for an existing one, it is set again)",
    )
    run.add_argument(
        "--workers",
        type=int,
        default=0,
        help="Odoo's multi-process server with N HTTP workers and a cron worker "
        "(default 0: one process with threads)",
    )
    run.add_argument("odoo_args", nargs=argparse.REMAINDER)
    run.set_defaults(func=cmd_run)
