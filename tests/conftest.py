import os

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDON = os.path.join(REPO, "business_dept")
# the bridge to manufacturing (订单生产节点), beside the addon
BRIDGE = os.path.join(REPO, "business_dept_mrp")
ADDONS = (ADDON, BRIDGE)


@pytest.fixture(scope="session")
def addon_dir():
    return ADDON
