"""The bridge ``business_dept_mrp`` (订单生产节点): an addon of its own beside business_dept,
installed by itself with it and ``mrp``, held to the same files and packaging."""

import ast
import glob
import os
import zipfile
from email.parser import Parser
from xml.etree import ElementTree

import polib
import pytest
from conftest import ADDON, BRIDGE, build_wheel


def manifest(addon):
    with open(os.path.join(addon, "__manifest__.py"), encoding="utf-8") as fh:
        return ast.literal_eval(fh.read())


def test_manifest():
    data, main = manifest(BRIDGE), manifest(ADDON)
    assert data["version"].startswith("18.0.") and len(data["version"].split(".")) == 5
    for key in ("license", "author", "website"):
        assert data[key] == main[key], key
    assert {"business_dept", "mrp"} <= set(data["depends"])
    assert data["auto_install"] is True and data["installable"] is True
    for path in data.get("data", []):
        assert os.path.isfile(os.path.join(BRIDGE, path)), path


def test_files():
    for rel in (
        "__init__.py",
        "README.rst",
        "pyproject.toml",
        "static/description/icon.png",
        "i18n/business_dept_mrp.pot",
        "tests/__init__.py",
    ):
        assert os.path.isfile(os.path.join(BRIDGE, rel)), rel
    listed = set(manifest(BRIDGE).get("data", []))
    for path in glob.glob(os.path.join(BRIDGE, "*", "*.xml")):
        rel = os.path.relpath(path, BRIDGE)
        if not rel.startswith("tests"):
            assert rel in listed, f"{rel} is not in the manifest"
        root = ElementTree.parse(path).getroot()
        assert root.tag == "odoo" and root.find(".//tree") is None, rel


@pytest.mark.parametrize("lang", ["zh_CN", "zh_TW"])
def test_translations_complete(lang):
    pot = polib.pofile(os.path.join(BRIDGE, "i18n", "business_dept_mrp.pot"))
    po = polib.pofile(os.path.join(BRIDGE, "i18n", f"{lang}.po"))
    translated = {(e.msgctxt, e.msgid) for e in po if e.msgstr and not e.obsolete}
    missing = [e.msgid for e in pot if (e.msgctxt, e.msgid) not in translated]
    assert not missing, f"{len(missing)} strings without {lang}: {missing[:10]}"
    assert po.metadata.get("Language") == lang


def test_wheel(tmp_path):
    path = build_wheel(BRIDGE, tmp_path)
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        meta = Parser().parsestr(
            zf.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
        )
    assert meta["Name"] == "odoo-addon-business_dept_mrp"
    assert meta["Version"].startswith(manifest(BRIDGE)["version"])
    requires = {
        r.split(";")[0].replace(" ", "").replace("_", "-") for r in meta.get_all("Requires-Dist")
    }
    assert any(r.startswith("odoo-addon-business-dept") for r in requires), requires
    prefix = "odoo/addons/business_dept_mrp/"
    for rel in ("__manifest__.py", "i18n/zh_CN.po", "i18n/zh_TW.po", *manifest(BRIDGE)["data"]):
        assert prefix + rel in names, rel
