"""The addon installs with pip, as OCA 17+ addons do: ``business_dept/pyproject.toml`` builds
a wheel with whool that puts ``odoo/addons/business_dept`` in site-packages and declares the
Python and OCA dependencies of the manifest."""

import ast
import importlib.util
import os
import shutil
import subprocess
import uuid
import venv
import zipfile
from email.parser import Parser

import pytest
from conftest import ADDON, build_wheel


def manifest():
    with open(os.path.join(ADDON, "__manifest__.py"), encoding="utf-8") as fh:
        return ast.literal_eval(fh.read())


def odoo_core_addons():
    """Names of the addons shipped with Odoo itself (found without importing Odoo)."""
    spec = importlib.util.find_spec("odoo")
    if not spec or not spec.submodule_search_locations:
        return None
    root = list(spec.submodule_search_locations)[0]
    names = set()
    for folder in (os.path.join(root, "addons"), os.path.join(root, "..", "addons")):
        if os.path.isdir(folder):
            names.update(os.listdir(folder))
    return names


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    return build_wheel(ADDON, tmp_path_factory.mktemp("wheel"))


def wheel_metadata(path):
    with zipfile.ZipFile(path) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        return Parser().parsestr(zf.read(name).decode()), zf.namelist()


def test_wheel_contents(wheel):
    meta, names = wheel_metadata(wheel)
    assert meta["Name"] == "odoo-addon-business_dept"
    assert meta["Version"].startswith(manifest()["version"])
    prefix = "odoo/addons/business_dept/"
    for rel in (
        "__manifest__.py",
        "__init__.py",
        "i18n/zh_CN.po",
        "i18n/zh_TW.po",
        "security/ir.model.access.csv",
        "static/description/icon.png",
    ):
        assert prefix + rel in names, rel
    for rel in manifest()["data"] + manifest()["demo"]:
        assert prefix + rel in names, rel


def test_wheel_requirements(wheel):
    meta, __ = wheel_metadata(wheel)
    requires = {r.split(";")[0].replace(" ", "") for r in meta.get_all("Requires-Dist")}
    names = {
        r.split("=")[0].split(">")[0].split("<")[0].lower().replace("_", "-") for r in requires
    }
    assert any(r.startswith("odoo==18.0") or r.startswith("odoo>=18.0") for r in requires)
    for package in manifest()["external_dependencies"]["python"]:
        assert package.lower().replace("_", "-") in names, package
    core = odoo_core_addons()
    if core is None:
        pytest.skip("Odoo is not importable: which dependencies are OCA addons is unknown")
    for dep in manifest()["depends"]:
        if dep not in core:
            assert f"odoo-addon-{dep}".replace("_", "-") in names, dep


def test_odoo_installs_the_addon_from_the_wheel(wheel, tmp_path):
    """A virtual environment that has Odoo (the system's), the wheel installed into it, and
    Odoo installing business_dept from there (the repository is not in the addons path)."""
    if odoo_core_addons() is None:
        pytest.skip("Odoo is not importable")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=True, with_pip=True)
    python = str(env_dir / "bin" / "python")
    subprocess.run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--disable-pip-version-check",
            str(wheel),
        ],
        check=True,
    )
    located = subprocess.run(
        [
            python,
            "-c",
            "import odoo, odoo.addons, importlib.util as u; "
            "print(u.find_spec('odoo.addons.business_dept').origin)",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert located.startswith(str(env_dir)), located
    db = f"business_dept_wheel_{uuid.uuid4().hex[:8]}"
    try:
        subprocess.run(
            [
                python,
                "-m",
                "odoo",
                "-d",
                db,
                "-i",
                "business_dept",
                "--stop-after-init",
                "--without-demo=all",
                "--log-level=warn",
                "--max-cron-threads=0",
            ],
            check=True,
            cwd=str(tmp_path),
        )
        state = subprocess.run(
            [
                "psql",
                "-Atqc",
                "SELECT state FROM ir_module_module WHERE name = 'business_dept'",
                db,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        assert state == "installed"
    finally:
        subprocess.run(["dropdb", "--if-exists", db], check=False)
        shutil.rmtree(env_dir, ignore_errors=True)
