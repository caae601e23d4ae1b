"""Runtime settings, read from the environment (prefix ``ECOZONE_``) or a ``.env`` file."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# The platform's dates and hours are Beijing's: a release's effective date, a rule's dates, the
# current year of a plan, quiet hours. Code turns an instant into a date with this offset.
BEIJING = dt.timezone(dt.timedelta(hours=8), "CST")

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parents[1]  # src/ecozone/ -> the repository root, in a source checkout


def _in_checkout() -> bool:
    return (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / "data").is_dir()


def default_data_dir() -> Path:
    """data/ beside src/ in a source checkout (and editable install); else the copy that the
    build ships inside the package (``pip install .``, see setup.py)."""
    return _CHECKOUT / "data" if _in_checkout() else _PACKAGE / "_data"


def default_var_dir() -> Path:
    """Where the embedded database and uploaded photos live: var/ in the checkout; for an
    installed package, var/ under the working directory."""
    return _CHECKOUT / "var" if _in_checkout() else Path.cwd() / "var"


class Settings(BaseSettings):
    """Every knob of the platform; see README.md for the list."""

    model_config = SettingsConfigDict(env_prefix="ECOZONE_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default_factory=lambda: f"sqlite:///{default_var_dir() / 'ecozone.db'}",
        description="SQLAlchemy URL: sqlite:///path (embedded default) or postgresql+psycopg://…",
    )
    data_dir: Path = Field(default_factory=default_data_dir, description="Shipped reference data (data/ of the checkout, or the packaged copy)")
    province: str = Field(
        default="shanxi", description="Folder of data_dir with the province served: regions, rules, rule settings, demo units"
    )
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    log_json: bool = Field(default=True, description="JSON log lines (False: human-readable)")
    territory_code: str = Field(default="140000", description="GB/T 2260 code of the province served")
    locale: str = Field(default="zh", description="Default UI and report language: zh or en")

    @property
    def province_dir(self) -> Path:
        return self.data_dir / self.province


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return Settings()
