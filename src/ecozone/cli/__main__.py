"""``python -m ecozone.cli``."""

from ecozone.cli import app

app()
