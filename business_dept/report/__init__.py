from . import xlsx_report
from . import business_kpi_report
