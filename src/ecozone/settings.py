"""Runtime settings, read from the environment (prefix ``ECOZONE_``) or a ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# In a source checkout (the supported way to run the platform) the shipped data sits beside src/.
_REPO_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    """Every knob of the platform; see README.md for the list."""

    model_config = SettingsConfigDict(env_prefix="ECOZONE_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{_REPO_ROOT / 'var' / 'ecozone.db'}",
        description="SQLAlchemy URL: sqlite:///path (embedded default) or postgresql+psycopg://…",
    )
    data_dir: Path = Field(default=_REPO_ROOT / "data", description="Shipped reference data")
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    log_json: bool = Field(default=True, description="JSON log lines (False: human-readable)")
    territory_code: str = Field(default="140000", description="GB/T 2260 code of the province served")
    locale: str = Field(default="zh", description="Default UI and report language: zh or en")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return Settings()
