import os

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDON = os.path.join(REPO, "business_dept")


@pytest.fixture(scope="session")
def addon_dir():
    return ADDON
