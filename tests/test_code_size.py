"""Files a maintainer can hold: no Python file of the addon over 600 lines, no function or
method over 60 (an SQL text counts: long queries are built from named parts, as Odoo's
``sale_report`` does with ``_select`` / ``_from`` / ``_where``); no raw write on a table of
Odoo's own and no database trigger."""

import ast
import os
import re

import pytest
from conftest import ADDONS, REPO

MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 60
# Odoo's own tables the addon reads but never writes in SQL (the ORM does)
ODOO_TABLES = (
    "account_move",
    "account_move_line",
    "account_partial_reconcile",
    "sale_order",
    "sale_order_line",
    "stock_move",
    "stock_move_line",
    "stock_picking",
    "res_partner",
    "res_users",
    "res_company",
)


def python_files():
    for addon in ADDONS:
        for root, __, names in os.walk(addon):
            if os.sep + "tests" in root or os.sep + "migrations" in root:
                continue
            for name in sorted(names):
                if name.endswith(".py"):
                    yield os.path.join(root, name)


def relative(path):
    return os.path.relpath(path, REPO)


@pytest.mark.parametrize("path", list(python_files()), ids=relative)
def test_file_and_function_sizes(path):
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    assert text.count("\n") <= MAX_FILE_LINES, f"{relative(path)}: over {MAX_FILE_LINES} lines"
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines, line {node.lineno})"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{relative(path)}: over {MAX_FUNCTION_LINES} lines: {', '.join(long)}"


@pytest.mark.parametrize("path", list(python_files()), ids=relative)
def test_no_trigger_no_raw_write_on_odoo_tables(path):
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    assert not re.search(r"CREATE\s+(OR\s+REPLACE\s+)?TRIGGER|pg_current_xact_id", text, re.I)
    tables = "|".join(ODOO_TABLES)
    raw = re.findall(
        rf"\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?({tables})\"?\s", text, re.IGNORECASE
    )
    assert not raw, f"{relative(path)}: raw SQL writes on Odoo's tables: {raw}"
