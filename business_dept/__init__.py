from . import controllers
from . import models
from . import report
from . import wizard


def uninstall_hook(env):
    """Drop what the KPI report keeps in SQL outside the ORM (triggers, stored facts)."""
    env["business.kpi.report"]._kpi_cache_drop()
