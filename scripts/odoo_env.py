"""Odoo 18 for this repository: find it, build its command lines, start PostgreSQL.

The jobs are in their own modules, run through ``odoo_cli.py``: ``odoo_demo`` (the demo
database), ``odoo_server`` (``scripts/run``), ``odoo_tests`` (``scripts/test``). Odoo is
found the way Python finds it (``import odoo``); its addons path is the one Odoo uses by
default plus this repository.
"""

import os
import shutil
import socket
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULE = "business_dept"
# the bridge to manufacturing (订单生产节点), installed and tested in a database of its own
BRIDGE = "business_dept_mrp"
LANGS_CHOICES = ["zh_CN", "zh_TW", "en_US"]
DEFAULT_LANG = "zh_CN"


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


def module_installed(db, module):
    """Is ``module`` installed in the database ``db`` (which exists)?"""
    query = f"select 1 from ir_module_module where name = '{module}' and state = 'installed'"
    out = subprocess.run(["psql", "-Atqc", query, db], capture_output=True, text=True, check=False)
    return out.stdout.strip() == "1"
