from . import mrp_production
from . import sale_order
from . import sale_order_line
