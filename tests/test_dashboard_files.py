"""The dashboards' JSON (business_dept/data/files) is what scripts/gen_dashboard.py writes."""

import importlib.util
import json
import os

from conftest import ADDON, REPO


def _generator():
    spec = importlib.util.spec_from_file_location(
        "gen_dashboard", os.path.join(REPO, "scripts", "gen_dashboard.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dashboard_files_are_generated():
    for name, text in _generator().outputs().items():
        path = os.path.join(ADDON, "data", "files", name)
        with open(path, encoding="utf-8") as fh:
            assert fh.read() == text, f"{name}: run scripts/gen_dashboard.py"


def test_dashboard_sources():
    """Every pivot and list names a model and its domain; every cell formula names a
    data source that exists; the month filter defaults to last month."""
    for name, text in _generator().outputs().items():
        data = json.loads(text)
        month = next(f for f in data["globalFilters"] if f["label"] == "Month")
        assert month["defaultValue"] == "last_month", name
        for source in list(data["pivots"].values()) + list(data["lists"].values()):
            assert source["model"] and isinstance(source["domain"], list), name
        for cell in data["sheets"][0]["cells"].values():
            content = cell["content"]
            for formula in ("=PIVOT.VALUE(", "=PIVOT.HEADER("):
                if content.startswith(formula):
                    assert content[len(formula) :].split(",")[0] in data["pivots"]
            if content.startswith("=ODOO.LIST("):
                assert content[len("=ODOO.LIST(") :].split(",")[0] in data["lists"]
    director = json.loads(_generator().outputs()["business_dept_director_dashboard.json"])
    manager = json.loads(_generator().outputs()["business_dept_dashboard.json"])
    models = {p["model"] for p in director["pivots"].values()}
    assert "business.logistics.statement" in models
    assert "business.logistics.statement" not in {p["model"] for p in manager["pivots"].values()}
