from . import controllers
from . import models
from . import report
from . import wizard


def uninstall_hook(env):
    """Drop the KPI report's indexes on the standard tables."""
    env["business.kpi.report"]._kpi_drop_indexes()
