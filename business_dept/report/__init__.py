from . import xlsx_report
