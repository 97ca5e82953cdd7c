from . import business_insert_order_reject
