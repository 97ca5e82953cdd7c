from . import business_kpi_report_parts
from . import business_kpi_report
from . import logistics_statement_xlsx
from . import kpi_summary_xlsx
from . import customer_statement_xlsx
