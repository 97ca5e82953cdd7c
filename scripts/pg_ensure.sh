#!/usr/bin/env bash
# Make sure a local PostgreSQL cluster is running and that the current OS user
# owns a role that may create databases (Odoo connects through the Unix socket).
set -euo pipefail

if ! command -v pg_lsclusters >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "PostgreSQL is not installed: installing the Debian package" >&2
        apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
    else
        echo "PostgreSQL is not installed; install it (Debian: apt-get install postgresql)" >&2
        exit 1
    fi
fi

cluster=$(pg_lsclusters --no-header | sort -k1,1nr | head -n1)
if [ -z "$cluster" ]; then
    echo "No PostgreSQL cluster found: creating one" >&2
    ver=$(ls /usr/lib/postgresql | sort -n | tail -n1)
    pg_createcluster "$ver" main >/dev/null
    cluster=$(pg_lsclusters --no-header | head -n1)
fi
read -r ver name _port status _rest <<<"$cluster"
if [ "$status" != "online" ]; then
    echo "Starting PostgreSQL cluster $ver/$name" >&2
    pg_ctlcluster "$ver" "$name" start
fi

me=$(id -un)
as_postgres() {
    if [ "$(id -u)" = 0 ]; then su postgres -c "$*"; else sudo -u postgres sh -c "$*"; fi
}
# Wait until the server accepts connections.
for _ in $(seq 1 30); do
    as_postgres "psql -Atqc 'select 1'" >/dev/null 2>&1 && break
    sleep 1
done
if ! as_postgres "psql -Atqc \"select 1 from pg_roles where rolname='$me'\"" | grep -q 1; then
    echo "Creating PostgreSQL role $me" >&2
    as_postgres "createuser --superuser '$me'"
fi
