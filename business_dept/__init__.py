from . import controllers
from . import models
from . import report
from . import wizard


def uninstall_hook(env):
    """Drop the KPI report's indexes on the standard tables; remove the to-dos of the
    addon's activity types (review, reminders, disputes), which leave with it."""
    env["business.kpi.report"]._kpi_drop_indexes()
    types = env["ir.model.data"].search(
        [("module", "=", "business_dept"), ("model", "=", "mail.activity.type")]
    )
    env["mail.activity"].sudo().with_context(active_test=False).search(
        [("activity_type_id", "in", types.mapped("res_id"))]
    ).unlink()
