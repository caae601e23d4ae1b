"""Named settings of monitoring: media folder, time limits, channels and assumed values.

Environment variables ``ECOZONE_MONITORING_<NAME>``; the photo folder is ``ECOZONE_MEDIA_DIR``.
Values no seed fixes are marked "assumed" here and in docs; change them per deployment.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from ecozone.settings import default_var_dir


BEIJING = dt.timezone(dt.timedelta(hours=8), "CST")


class MonitoringSettings(BaseSettings):
    """Every knob of monitoring, early warning, grids and complaints."""

    model_config = SettingsConfigDict(env_prefix="ECOZONE_MONITORING_", frozen=True, populate_by_name=True)

    media_dir: Path = Field(
        default_factory=lambda: default_var_dir() / "media",
        validation_alias=AliasChoices("ECOZONE_MEDIA_DIR", "media_dir"),
        description="Folder that holds complaint photos (one sub-folder per complaint)",
    )
    max_photo_bytes: int = Field(default=10 * 1024 * 1024, ge=1)

    # Assumed: 《环保举报热线工作管理办法》(原环境保护部令第15号, 2010) gives 60 days to settle a report;
    # recalled from that regulation, not from a seed, so a deployment should confirm it.
    complaint_time_limit_days: int = Field(default=60, ge=1)
    # Assumed: an overdue complaint climbs one escalation level per this many hours (no seed says).
    complaint_escalation_interval_hours: int = Field(default=24, ge=1)
    # Assumed: the highest level (1 grid → 2 township → 3 county bureau); no seed says.
    complaint_max_escalation_level: int = Field(default=3, ge=1)

    # Naive timestamps in CSV/JSON are read as Beijing time (HJ 212 data carry local time).
    naive_time_offset_hours: float = 8.0
    ingest_max_batch: int = Field(default=100_000, ge=1, description="Rows per HTTP ingest request")

    webhook_url: str = Field(default="", description="POST alerts here as JSON; empty: channel off")
    webhook_timeout_s: float = 5.0
    smtp_host: str = Field(default="", description="SMTP server for alert e-mail; empty: channel off")
    smtp_port: int = 25
    smtp_sender: str = "ecozone@localhost"
    smtp_fallback_recipient: str = Field(default="", description="Used when the grid has no responsible e-mail")

    def naive_timezone(self) -> dt.timezone:
        """The offset applied to timestamps given without one."""
        return dt.timezone(dt.timedelta(hours=self.naive_time_offset_hours))


def get_monitoring_settings() -> MonitoringSettings:
    """Fresh settings from the environment (cheap; read per command or request)."""
    return MonitoringSettings()
