from . import test_access_rights
from . import test_groups
from . import test_install
from . import test_settings
from . import test_quotation_signoff
from . import test_framework_agreement
from . import test_order_review
from . import test_insert_order
