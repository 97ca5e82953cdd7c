"""The KPI pivot served from a PostgreSQL streaming replica (``bench/run --replica``).

Odoo 18 opens a read-only cursor on ``--db_replica_host/--db_replica_port`` for the
routes whose ``readonly`` is true; ``/web/dataset/call_kw`` is read-only for the
methods marked ``@api.readonly`` (``web_read_group``, ``read_group``,
``web_search_read``, ``search_read``, ``read``, ``search_count``...): it falls back
to a read/write cursor on the primary only when the method writes
(``ReadOnlySqlTransaction``, logged as "retrying with a read/write cursor").

The replica is a second cluster of the local PostgreSQL made by
``pg_basebackup -R`` (as the ``postgres`` OS user, through the primary's
``local replication`` line of pg_hba), started with ``pg_ctl`` on a free port and a
socket in its own temporary folder, waited for until it is in recovery and has
replayed the primary's WAL as of its start; then deleted.
"""

import os
import pwd
import shutil
import subprocess
import tempfile
import time

from common import odoo_env

# settings a hot standby needs at least as high as its primary's
STANDBY_MINIMA = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)
# an idle backend publishes its statistics (pg_stat_database) within 10 s
STATS_DELAY = 11
PIVOTS = ("kpi_pivot_month_by_salesperson", "kpi_pivot_year_by_salesperson_month")


class ReplicaError(RuntimeError):
    pass


def _as_postgres(cmd):
    """``cmd`` run as the postgres OS user (as scripts/pg_ensure.sh does)."""
    me = pwd.getpwuid(os.getuid()).pw_name
    if me == "postgres":
        return cmd
    if os.getuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return ["sudo", "-n", "-u", "postgres", *cmd]


def _psql(sql, *conn):
    """One value (or row, '|'-separated) of ``sql`` on the database ``postgres``."""
    proc = subprocess.run(
        ["psql", "-X", "-Atq", *conn, "-d", "postgres", "-c", sql],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode:
        raise ReplicaError(f"psql {' '.join(conn)}: {proc.stderr.strip()}")
    return proc.stdout.strip()


class Replica:
    """A streaming replica of the local cluster, as a context manager."""

    def __init__(self, timeout=600):
        self.timeout = timeout
        self.folder = None
        self.port = None
        self.info = {}

    # ------------------------------------------------------------------ primary
    def _primary(self):
        names = (
            "port",
            "unix_socket_directories",
            "wal_level",
            "max_wal_senders",
            "server_version_num",
            *STANDBY_MINIMA,
        )
        quoted = ",".join(f"'{n}'" for n in names)
        rows = _psql(f"SELECT name, setting FROM pg_settings WHERE name IN ({quoted})")
        settings = dict(line.split("|", 1) for line in rows.splitlines())
        if settings["wal_level"] not in ("replica", "logical"):
            raise ReplicaError(f"the primary's wal_level is {settings['wal_level']}: no replica")
        senders = int(_psql("SELECT count(*) FROM pg_stat_replication"))
        if int(settings["max_wal_senders"]) <= senders + 1:
            raise ReplicaError(
                f"max_wal_senders is {settings['max_wal_senders']}, {senders} in use: "
                "pg_basebackup -X stream needs two"
            )
        socket_dir = settings["unix_socket_directories"].split(",")[0].strip()
        major = int(settings["server_version_num"]) // 10000
        return settings, socket_dir, f"/usr/lib/postgresql/{major}/bin"

    # ------------------------------------------------------------------ replica
    def start(self):
        settings, primary_socket, bindir = self._primary()
        self.folder = tempfile.mkdtemp(prefix="bench_replica_")
        postgres = pwd.getpwnam("postgres")
        if os.getuid() == 0:
            os.chown(self.folder, postgres.pw_uid, postgres.pw_gid)
        data = os.path.join(self.folder, "data")
        self.port = odoo_env.free_port()
        self.pg_ctl = os.path.join(bindir, "pg_ctl")
        self.data = data
        self.log = os.path.join(self.folder, "replica.log")
        self.info = {
            "primary": {"socket": primary_socket, "port": int(settings["port"])},
            "replica": {"socket": self.folder, "port": self.port},
            "how": "pg_basebackup -R -X stream (a hot standby streaming from the primary)",
        }
        start = time.perf_counter()
        backup = [
            os.path.join(bindir, "pg_basebackup"),
            "-D",
            data,
            "-h",
            primary_socket,
            "-p",
            settings["port"],
            "-R",
            "-X",
            "stream",
            "--checkpoint=fast",
            "--no-sync",
        ]
        self._run(backup, "pg_basebackup")
        self.info["basebackup_s"] = round(time.perf_counter() - start, 1)
        # a Debian cluster keeps its configuration in /etc: the copy gets its own
        lines = [
            f"port = {self.port}",
            "listen_addresses = ''",
            f"unix_socket_directories = '{self.folder}'",
            "hot_standby = on",
            "fsync = off",  # a throwaway copy
            "synchronous_commit = off",
            "full_page_writes = off",
            *(f"{name} = {settings[name]}" for name in STANDBY_MINIMA),
        ]
        self._write(os.path.join(data, "postgresql.conf"), "\n".join(lines) + "\n")
        self._write(os.path.join(data, "pg_hba.conf"), "local all all peer\n")
        self._write(os.path.join(data, "pg_ident.conf"), "")
        self._run(
            [self.pg_ctl, "-D", data, "-l", self.log, "-w", "-t", "120", "start"], "pg_ctl start"
        )
        self._wait_caught_up()
        self.info["ready_s"] = round(time.perf_counter() - start, 1)
        return self

    def _write(self, path, text):
        with open(path, "w") as fh:
            fh.write(text)
        if os.getuid() == 0:
            postgres = pwd.getpwnam("postgres")
            os.chown(path, postgres.pw_uid, postgres.pw_gid)

    def _run(self, cmd, what):
        proc = subprocess.run(_as_postgres(cmd), capture_output=True, text=True, check=False)
        if proc.returncode:
            tail = ""
            if os.path.exists(getattr(self, "log", "") or ""):
                with open(self.log) as fh:
                    tail = "".join(fh.readlines()[-10:])
            raise ReplicaError(f"{what} failed: {proc.stderr.strip()} {tail}".strip())

    def query(self, sql):
        return _psql(sql, "-h", self.folder, "-p", str(self.port))

    def _wait_caught_up(self):
        """In recovery, and replayed at least the primary's WAL as of now."""
        target = _psql("SELECT pg_current_wal_lsn()")
        deadline = time.time() + self.timeout
        while time.time() < deadline:
            try:
                row = self.query(
                    "SELECT pg_is_in_recovery(), "
                    f"pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '{target}') >= 0"
                )
            except ReplicaError:
                row = ""
            if row == "t|t":
                self.info["in_recovery"] = True
                self.info["caught_up_to_lsn"] = target
                return
            time.sleep(1)
        raise ReplicaError(f"the replica did not catch up with {target} in {self.timeout} s")

    def stop(self):
        if not self.folder:
            return
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            subprocess.run(
                _as_postgres([self.pg_ctl, "-D", self.data, "-m", "immediate", "-w", "stop"]),
                capture_output=True,
                check=False,
            )
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()

    # ------------------------------------------------------------------ proof
    def activity(self, db, app):
        """The transactions the replica ran on ``db`` and Odoo's connections to it."""
        return _activity(self.query, db, app)


def _activity(query, db, app):
    """Transactions run on ``db`` (pg_stat_database), and the Odoo server's connections
    (``application_name`` ``app``) with the last statement of each."""
    row = query(
        "SELECT d.xact_commit + d.xact_rollback, extract(epoch FROM now()), "
        "(SELECT coalesce(max(extract(epoch FROM a.state_change)), 0) FROM pg_stat_activity a "
        f" WHERE a.datname = '{db}' AND a.application_name = '{app}') "
        f"FROM pg_stat_database d WHERE d.datname = '{db}'"
    )
    transactions, clock, last_change = row.split("|")
    last = query(
        "SELECT state || ': ' || left(regexp_replace(query, '\\s+', ' ', 'g'), 120) "
        f"FROM pg_stat_activity WHERE datname = '{db}' AND application_name = '{app}' "
        "ORDER BY backend_start"
    )
    statements = [line for line in last.splitlines() if line]
    return {
        "transactions": int(transactions),
        "odoo_connections": len(statements),
        "last_statements": statements,
        "clock": float(clock),
        "last_change": float(last_change),
    }


def _delta(before, after):
    return {
        # every client of the database (autovacuum, other tools), not only the server
        "transactions": after["transactions"] - before["transactions"],
        "odoo_connections": after["odoo_connections"],
        "last_statements": after["last_statements"],
        # the server ran a statement on this cluster while the screens were timed
        "used_by_odoo_during_calls": after["last_change"] > before["clock"],
    }


def measure_on_replica(odoo, env, context, size, repeat, *, db, primary_screens=None):
    """Start a replica and an Odoo server reading from it, time the KPI pivots."""
    from bench_http import (  # noqa: PLC0415
        GM_LOGIN,
        GM_PASSWORD,
        Client,
        measure_http,
        start_server,
        stop_server,
    )

    result = {"status": "ok"}
    try:
        with Replica() as replica:
            result.update(replica.info)
            log = os.path.join(replica.folder, "odoo_server.log")
            proc, url = start_server(
                odoo,
                db,
                odoo_env.free_port(),
                log,
                extra=("--db_replica_host", replica.folder, "--db_replica_port", str(replica.port)),
            )
            try:
                client = Client(url, db)
                client.authenticate(GM_LOGIN, GM_PASSWORD)
                # the session's first request writes its device log (res.device.log, once an
                # hour) on the primary: done before the timed calls
                client.post("/web/session/get_session_info", {})
                time.sleep(STATS_DELAY)
                app = f"odoo-{proc.pid}"  # Odoo's application_name: odoo-<pid>

                def activity():
                    return {
                        "replica": replica.activity(db, app),
                        "primary": _activity(_psql, db, app),
                    }

                before = activity()
                calls = client.calls
                measured = measure_http(env, context, size, repeat, client, only=PIVOTS)
                calls = client.calls - calls
                time.sleep(STATS_DELAY)
                after = activity()
            finally:
                stop_server(proc)
            with open(log) as fh:
                fallbacks = sum("retrying with a read/write cursor" in line for line in fh)
            result["screens"] = measured["screens"]
            result["standard_list"] = measured["standard_list"]
            result["proof"] = {
                "how": "pg_stat_database xact_commit + xact_rollback on the bench database of "
                "each cluster during the timed calls; the Odoo server's connections "
                "(application_name odoo-<pid>) on each, their last statement and whether one "
                "changed state during the calls (pg_stat_activity.state_change); the server "
                "log's read/write retries",
                "json_rpc_calls": calls,
                "replica": _delta(before["replica"], after["replica"]),
                "primary": _delta(before["primary"], after["primary"]),
                "read_write_retries": fallbacks,
            }
            proof = result["proof"]
            proof["served_by_replica"] = bool(
                proof["replica"]["used_by_odoo_during_calls"]
                and not proof["primary"]["used_by_odoo_during_calls"]
                and not fallbacks
            )
    except Exception as error:
        return {**result, "status": "error", "error": f"{type(error).__name__}: {error}"}
    for name, figure in result["screens"].items():
        on_primary = (primary_screens or {}).get(name, {})
        if figure.get("status") == "ok" and on_primary.get("status") == "ok":
            figure["primary_median_s"] = on_primary["median_s"]
            figure["ratio_to_primary"] = round(figure["median_s"] / on_primary["median_s"], 2)
    return result
