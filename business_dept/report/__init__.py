from . import business_kpi_report
from . import logistics_statement_xlsx
from . import kpi_summary_xlsx
from . import customer_statement_xlsx
from . import business_kpi_report_cache
from . import business_printed_form
from . import report_order_review
