from . import test_access_rights
from . import test_groups
from . import test_install
from . import test_settings
from . import test_logistics_reconciliation
