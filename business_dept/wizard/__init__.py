from . import business_kpi_summary
