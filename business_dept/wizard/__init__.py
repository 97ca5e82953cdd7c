from . import business_kpi_summary
from . import business_logistics_statement_import
from . import business_insert_order_reject
from . import business_invoice_delivery
from . import business_customer_statement_generate
from . import comment_wizard
from . import business_order_review_answer
from . import business_order_review_decide
