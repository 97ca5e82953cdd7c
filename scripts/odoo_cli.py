#!/usr/bin/env python3
"""Run Odoo 18 for this repository: check it, serve the demo database, run the tests.

    python3 scripts/odoo_cli.py check         # is Odoo 18 importable?
    python3 scripts/odoo_cli.py run [--db DB] [--lang zh_CN|zh_TW|en_US] [--workers N]
                                    [-- ODOO OPTIONS]
                                              # demo database of a Chinese company, on :8069
    python3 scripts/odoo_cli.py test          # fresh database, every test, summary line

``scripts/run``, ``scripts/test`` and ``scripts/setup`` call it.
"""

import argparse
import os

import odoo_demo
import odoo_server
import odoo_tests
from odoo_env import import_odoo


def cmd_check(_args):
    odoo = import_odoo()
    print(f"Odoo {odoo.release.version} at {os.path.dirname(odoo.__file__)}")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check").set_defaults(func=cmd_check)
    odoo_server.add_parser(sub)
    odoo_demo.add_parser(sub)
    odoo_tests.add_parser(sub)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
