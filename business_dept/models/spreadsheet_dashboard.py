import json

from dateutil.relativedelta import relativedelta

from odoo import models

MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


class SpreadsheetDashboard(models.Model):
    """The dashboards of the Business Department (业务部) open on the last closed month.

    A spreadsheet's month filter knows "this month" as a default, not "last month": a
    date filter of the shipped JSON (``data/files``, ``scripts/gen_dashboard.py``) whose
    default is ``last_month`` gets, when the dashboard is opened, the previous month of
    the company's local today (a month of last year in January)."""

    _inherit = "spreadsheet.dashboard"

    def get_readonly_dashboard(self):
        result = super().get_readonly_dashboard()
        snapshot = result.get("snapshot") or {}
        filters = [
            item
            for item in snapshot.get("globalFilters", [])
            if item.get("type") == "date"
            and item.get("rangeType") == "month"
            and item.get("defaultValue") == "last_month"
        ]
        if filters:
            value = self._business_last_month_value()
            for item in filters:
                item["defaultValue"] = dict(value)
        return result

    def _business_last_month_value(self):
        """The value of a month filter for the previous month of the company's local
        today: ``{"yearOffset": 0 or -1, "period": month name}``."""
        today = self.env.company._business_local_today()
        last = today.replace(day=1) - relativedelta(months=1)
        return {"yearOffset": last.year - today.year, "period": MONTHS[last.month - 1]}

    def _business_snapshot(self):
        """The dashboard's spreadsheet as a dict (tests, the figures it reads)."""
        self.ensure_one()
        return json.loads(self.spreadsheet_data)
