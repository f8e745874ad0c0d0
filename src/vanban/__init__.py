"""vanban — Vietnamese administrative plans (kế hoạch) as data.

>>> import vanban
>>> record = vanban.parse("corpus/seeds/002_c1c5aafbc76b6be8.txt")
>>> record.header.number
'42'
"""

# The package vanban.parse is loaded first: loaded later, by a reader's lazy import, it would be bound as
# vanban.parse over the function below.
import vanban.parse  # noqa: F401  # isort: skip
from vanban.api import parse, plain_text, read
from vanban.model import SCHEMA_VERSION, PlanRecord

__version__ = "0.1.0"

__all__ = ["SCHEMA_VERSION", "PlanRecord", "__version__", "parse", "plain_text", "read"]
