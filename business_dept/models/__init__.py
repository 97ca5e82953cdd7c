from . import res_company
from . import res_config_settings
from . import res_partner
from . import sale_order
from . import business_logistics_agreement
from . import business_logistics_statement
from . import stock_picking
