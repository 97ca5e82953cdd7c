"""``scripts/run`` as a new user runs it: a throwaway demo database, a free port.

The first run installs (a Chinese company: l10n_cn, CNY, Asia/Shanghai, China's holidays,
zh_CN and zh_TW, users in zh_CN), then serves; the URL is printed when /web/login answers.
A SIGHUP makes Odoo re-execute its command line (as it does after a module install from the
Apps menu or a request past its time limit): the server must come back, answering 200.
The database is dropped afterwards.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "scripts"))

import odoo_env  # noqa: E402

RUNNING = "HTTP service (werkzeug) running on"


def sql(db, query):
    return subprocess.run(
        ["psql", "-Atqc", query, db], capture_output=True, text=True, check=True
    ).stdout.strip()


def wait_for(predicate, timeout, what, proc=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"scripts/run exited ({proc.returncode}) while waiting for {what}")
        time.sleep(1)
    pytest.fail(f"timed out waiting for {what}")


def login_page_status(port):
    try:
        with urllib.request.urlopen(f"http://localhost:{port}/web/login", timeout=5) as resp:
            return resp.status
    except OSError:
        return None


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    try:
        odoo_env.import_odoo()
    except SystemExit:
        pytest.skip("Odoo 18 is not importable")
    odoo_env.ensure_postgres()
    db = f"business_dept_run_test_{os.getpid()}"
    port = odoo_env.free_port()
    log = tmp_path_factory.mktemp("run") / "run.log"
    subprocess.run(["dropdb", "--if-exists", db], check=True)
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [
                os.path.join(REPO, "scripts", "run"),
                "--db",
                db,
                "--port",
                str(port),
                "--",
                "--max-cron-threads",
                "0",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield db, port, proc, log
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        subprocess.run(["dropdb", "--if-exists", db], check=False)


def test_first_run_then_reload(served):
    db, port, proc, log = served
    wait_for(lambda: "Ready in" in log.read_text(), 1500, "the ready line", proc)
    text = log.read_text()
    # Printed once the server answers, with the URL and the logins.
    assert f"http://localhost:{port}/web" in text.split("Ready in", 1)[1]
    assert "bd_gm" in text.split("Ready in", 1)[1]
    assert login_page_status(port) == 200
    # Served through a command line Odoo can re-execute.
    assert (
        "-m odoo"
        not in subprocess.run(
            ["ps", "-o", "args=", "-p", str(proc.pid)], capture_output=True, text=True, check=False
        ).stdout
    )

    # The Chinese demo company.
    assert (
        sql(
            db,
            "SELECT cur.name FROM res_company c JOIN res_currency cur "
            "ON cur.id = c.currency_id WHERE c.id = 1",
        )
        == "CNY"
    )
    assert sql(db, "SELECT chart_template FROM res_company WHERE id = 1") == "cn"
    assert (
        sql(
            db,
            "SELECT co.code FROM res_company c JOIN res_partner p ON p.id = c.partner_id "
            "JOIN res_country co ON co.id = p.country_id WHERE c.id = 1",
        )
        == "CN"
    )
    assert (
        sql(
            db,
            "SELECT rc.tz FROM res_company c JOIN resource_calendar rc "
            "ON rc.id = c.resource_calendar_id WHERE c.id = 1",
        )
        == "Asia/Shanghai"
    )
    assert (
        int(
            sql(
                db,
                "SELECT count(*) FROM resource_calendar_leaves l JOIN res_company c "
                "ON c.resource_calendar_id = l.calendar_id "
                "WHERE c.id = 1 AND l.resource_id IS NULL",
            )
        )
        >= 7
    )
    assert (
        sql(
            db,
            "SELECT string_agg(code, ',' ORDER BY code) FROM res_lang "
            "WHERE active AND code LIKE 'zh%'",
        )
        == "zh_CN,zh_TW"
    )
    assert (
        sql(
            db,
            "SELECT DISTINCT lang || ' ' || tz FROM res_users u JOIN res_partner p "
            "ON p.id = u.partner_id WHERE u.login LIKE 'bd\\_%'",
        )
        == "zh_CN Asia/Shanghai"
    )
    # Foreign customers quote in their currency, at the demo's rate.
    assert (
        sql(
            db,
            "SELECT string_agg(DISTINCT cur.name, ',' ORDER BY cur.name) "
            "FROM sale_order so JOIN res_currency cur ON cur.id = so.currency_id",
        )
        == "CNY,EUR,USD"
    )
    assert (
        sql(
            db,
            "SELECT round(1 / rate, 2) FROM res_currency_rate r JOIN res_currency c "
            "ON c.id = r.currency_id WHERE c.name = 'USD' ORDER BY r.name DESC "
            "LIMIT 1",
        )
        == "7.20"
    )

    # A reload: Odoo re-executes its command line and serves again.
    proc.send_signal(signal.SIGHUP)
    wait_for(lambda: log.read_text().count(RUNNING) >= 2, 180, "the reloaded server", proc)
    wait_for(lambda: login_page_status(port) == 200, 180, "the login page after reload", proc)
    assert "ImportError" not in log.read_text()

    # --lang on an existing database sets the users' language again.
    subprocess.run(
        [
            sys.executable,
            os.path.join(REPO, "scripts", "odoo_cli.py"),
            "demo-setup",
            "--db",
            db,
            "--stage",
            "lang",
            "--lang",
            "zh_TW",
        ],
        check=True,
    )
    assert (
        sql(
            db,
            "SELECT DISTINCT lang FROM res_users u JOIN res_partner p "
            "ON p.id = u.partner_id WHERE u.login LIKE 'bd\\_%'",
        )
        == "zh_TW"
    )


def test_workers(served):
    """``--workers N``: Odoo's multi-process server (N HTTP workers and a cron worker) on
    the same demo database, serving the login page."""
    db, __, first, log = served
    wait_for(lambda: "Ready in" in log.read_text(), 1500, "the demo database", first)
    port, gevent_port = odoo_env.free_port(), odoo_env.free_port()
    proc = subprocess.Popen(
        [
            os.path.join(REPO, "scripts", "run"),
            "--db",
            db,
            "--port",
            str(port),
            "--workers",
            "2",
            "--",
            "--gevent-port",
            str(gevent_port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for(lambda: login_page_status(port) == 200, 300, "the multi-process server", proc)
        children = subprocess.run(
            ["ps", "-o", "args=", "--ppid", str(proc.pid)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        # two HTTP workers, the cron worker, the websocket (gevent) process
        assert children.count("\n") >= 3, children
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
