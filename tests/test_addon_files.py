"""Odoo-free checks of the addon's files: manifest, XML, CSV, translations, packaging."""

import ast
import csv
import glob
import os
import re
from xml.etree import ElementTree

import polib
import pytest
from conftest import ADDON, REPO

MANIFEST = os.path.join(ADDON, "__manifest__.py")


def manifest():
    with open(MANIFEST, encoding="utf-8") as fh:
        return ast.literal_eval(fh.read())


def addon_files(pattern):
    return sorted(glob.glob(os.path.join(ADDON, "**", pattern), recursive=True))


def test_manifest_keys():
    data = manifest()
    assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", data["version"])
    assert data["license"] == "AGPL-3"
    for key in ("name", "summary", "author", "website", "depends", "data", "category"):
        assert data.get(key), key
    for dep in (
        "sale_management",
        "sale_stock",
        "stock_delivery",
        "account",
        "base_tier_validation",
        "sale_tier_validation",
    ):
        assert dep in data["depends"]
    assert {"xlsxwriter", "openupgradelib"} <= set(data["external_dependencies"]["python"])
    assert data["installable"] is True


def test_manifest_files_exist():
    data = manifest()
    for key in ("data", "demo"):
        for path in data.get(key, []):
            assert os.path.isfile(os.path.join(ADDON, path)), f"{key}: {path} missing"


def test_every_data_file_is_listed():
    data = manifest()
    listed = set(data.get("data", [])) | set(data.get("demo", []))
    for folder in ("views", "security", "data", "demo", "report", "wizard"):
        for path in glob.glob(os.path.join(ADDON, folder, "*.xml")) + glob.glob(
            os.path.join(ADDON, folder, "*.csv")
        ):
            rel = os.path.relpath(path, ADDON)
            assert rel in listed, f"{rel} is not in the manifest"


@pytest.mark.parametrize("path", addon_files("*.xml"), ids=lambda p: os.path.relpath(p, ADDON))
def test_xml_well_formed(path):
    root = ElementTree.parse(path).getroot()
    assert root.tag in ("odoo", "templates", "t")
    # Odoo 18 views: <list>, never <tree>
    assert root.find(".//tree") is None, "use <list>, not <tree>, in Odoo 18"


def test_xml_ids_unique():
    seen = {}
    for path in addon_files("*.xml"):
        for node in ElementTree.parse(path).getroot().iter():
            xmlid = node.get("id") if node.tag in ("record", "menuitem", "template") else None
            if xmlid:
                assert xmlid not in seen, f"{xmlid} in {path} and {seen[xmlid]}"
                seen[xmlid] = path


def _access_rows():
    path = os.path.join(ADDON, "security", "ir.model.access.csv")
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_access_csv_well_formed():
    rows = _access_rows()
    ids = set()
    for row in rows:
        assert set(row) == {
            "id",
            "name",
            "model_id:id",
            "group_id:id",
            "perm_read",
            "perm_write",
            "perm_create",
            "perm_unlink",
        }
        assert row["id"] not in ids, row["id"]
        ids.add(row["id"])
        assert row["id"].startswith("access_"), row["id"]
        for perm in ("perm_read", "perm_write", "perm_create", "perm_unlink"):
            assert row[perm] in ("0", "1"), (row["id"], perm)


def _new_models():
    """Models the addon creates: `_name = "x"` without inheriting the same name."""
    models = set()
    for path in addon_files("*.py"):
        if "/tests/" in path or "/migrations/" in path:
            continue
        with open(path, encoding="utf-8") as fh:
            tree = ast.parse(fh.read())
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            attrs = {}
            for stmt in node.body:
                if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant | ast.List):
                    if isinstance(stmt.value, ast.List) and not all(
                        isinstance(elt, ast.Constant) for elt in stmt.value.elts
                    ):
                        continue
                    for target in stmt.targets:
                        if isinstance(target, ast.Name):
                            attrs[target.id] = ast.literal_eval(stmt.value)
            bases = {getattr(b, "attr", getattr(b, "id", "")) for b in node.bases}
            inherit = attrs.get("_inherit")
            inherit = inherit if isinstance(inherit, list) else [inherit]
            if (
                "_name" in attrs
                and attrs["_name"] not in inherit
                and ("AbstractModel" not in bases)
            ):
                models.add(attrs["_name"])
    return models


def test_every_model_has_access_rights():
    covered = {row["model_id:id"].split(".")[-1] for row in _access_rows()}
    for model in _new_models():
        assert "model_" + model.replace(".", "_") in covered, f"{model} has no access rights"


def test_translations_complete():
    pot = polib.pofile(os.path.join(ADDON, "i18n", "business_dept.pot"))
    po = polib.pofile(os.path.join(ADDON, "i18n", "zh_CN.po"))
    translated = {(e.msgctxt, e.msgid) for e in po if e.msgstr and not e.obsolete}
    missing = [e.msgid for e in pot if (e.msgctxt, e.msgid) not in translated]
    assert not missing, f"{len(missing)} strings without zh_CN: {missing[:10]}"
    assert po.metadata.get("Language") == "zh_CN"


def test_no_en_po():
    assert not os.path.exists(os.path.join(ADDON, "i18n", "en.po"))


def test_layout():
    for folder in (
        "models",
        "views",
        "security",
        "data",
        "demo",
        "report",
        "wizard",
        "i18n",
        "migrations",
        "readme",
        "tests",
        "static/description",
    ):
        assert os.path.isdir(os.path.join(ADDON, folder)), folder
    for fragment in ("DESCRIPTION.md", "CONFIGURE.md", "USAGE.md", "CONTRIBUTORS.md"):
        assert os.path.isfile(os.path.join(ADDON, "readme", fragment)), fragment


def test_readme_names_the_commands():
    with open(os.path.join(REPO, "README.md"), encoding="utf-8") as fh:
        readme = fh.read()
    for command in ("scripts/setup", "scripts/run", "scripts/test", "bench/run"):
        assert command in readme, command


def test_ci_runs_setup_and_test():
    with open(os.path.join(REPO, ".ci", "run"), encoding="utf-8") as fh:
        script = fh.read()
    assert "scripts/setup" in script and "scripts/test" in script
