"""The ``ecozone`` command line (Typer), one module per domain. Every command takes ``--format json``
for machines. The entry point is ``ecozone.cli:app``."""

# Importing a module registers its commands; `ecozone --help` lists them in this order.
from ecozone.cli import database  # noqa: F401
from ecozone.cli import zoning  # noqa: F401
from ecozone.cli import releases  # noqa: F401
from ecozone.cli import monitoring  # noqa: F401
from ecozone.cli import indicators  # noqa: F401
from ecozone.cli import screening  # noqa: F401
from ecozone.cli import users  # noqa: F401
from ecozone.cli import supervision  # noqa: F401
from ecozone.cli import ledgers  # noqa: F401
from ecozone.cli.common import app

__all__ = ["app"]
