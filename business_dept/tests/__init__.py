from . import test_access_rights
from . import test_groups
from . import test_install
from . import test_settings
from . import test_sales_target
from . import test_satisfaction_survey
from . import test_stock_backlog
from . import test_kpi_report
