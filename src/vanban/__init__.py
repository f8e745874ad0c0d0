"""vanban — Vietnamese administrative plans (kế hoạch) as data."""

from vanban.model import SCHEMA_VERSION, PlanRecord

__version__ = "0.1.0"

__all__ = ["SCHEMA_VERSION", "PlanRecord", "__version__"]
