import os
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDON = os.path.join(REPO, "business_dept")
# the bridge to manufacturing (订单生产节点), beside the addon
BRIDGE = os.path.join(REPO, "business_dept_mrp")
ADDONS = (ADDON, BRIDGE)


@pytest.fixture(scope="session")
def addon_dir():
    return ADDON


def build_wheel(addon, out):
    """The wheel of ``addon`` (a folder with its pyproject.toml) built into ``out``."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--disable-pip-version-check",
            "-w",
            str(out),
            addon,
        ],
        check=True,
    )
    (path,) = out.glob("*.whl")
    return path
