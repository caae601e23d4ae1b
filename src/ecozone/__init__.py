"""ecozone: open platform for ecological-environment zoning control (生态环境分区管控)."""

__version__ = "0.1.0"
