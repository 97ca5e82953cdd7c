from . import test_production_nodes
from . import test_component_shortage
