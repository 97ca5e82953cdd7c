from . import res_company
from . import res_config_settings
from . import res_partner
from . import sale_order
from . import resource_calendar
from . import ir_actions_report
from . import res_partner_bank
from . import business_insert_order
