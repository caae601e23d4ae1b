"""Limits of the HTTP edge: sizes, rates, worker slots, retention (environment prefix
``ECOZONE_EDGE_``).

The defaults are sized for the public tools on a small server: a normal screening is a few
kilobytes of JSON and a project outline a few hundred vertices, so each limit is one to three
orders of magnitude above honest use and well below what stalls the server.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

MIB = 1024 * 1024


class EdgeSettings(BaseSettings):
    """Every limit the API enforces before domain code runs; see README.md (Settings)."""

    model_config = SettingsConfigDict(env_prefix="ECOZONE_EDGE_", env_file=".env", extra="ignore")

    max_body_bytes: int = Field(default=64 * MIB, ge=1024, description="Largest request body (staff imports included); over it: 413")
    max_json_bytes: int = Field(default=4 * MIB, ge=1024, description="Largest JSON request body; over it: 413")
    max_upload_bytes: int = Field(
        default=20 * MIB, ge=1024, description="Largest public upload (outline, batch file), compressed and uncompressed"
    )
    max_import_uncompressed_bytes: int = Field(
        default=1024 * MIB, ge=MIB, description="Largest uncompressed content of a staff import (zip bombs stop here)"
    )
    max_batch_rows: int = Field(default=1000, ge=1, description="Most projects in one batch screening upload")
    max_vertices: int = Field(default=100_000, ge=4, description="Most vertices of one screened or uploaded geometry")
    heavy_workers: int = Field(
        default=2, ge=1, description="Requests doing heavy work (batch, outline, import, PDF) at once; the rest wait their turn"
    )
    rate_limits: bool = Field(default=True, description="Apply the login and anonymous-write rate limits")
    login_per_minute_ip: float = Field(default=20, gt=0, description="Login attempts per minute from one IP address")
    login_per_minute_account: float = Field(default=10, gt=0, description="Failed logins per minute for one user name")
    login_burst: int = Field(default=5, ge=1, description="Logins allowed at once before the per-minute rate applies")
    anonymous_writes_per_minute: float = Field(default=60, gt=0, description="Anonymous POSTs per minute from one IP address")
    anonymous_write_burst: int = Field(default=20, ge=1, description="Anonymous POSTs allowed at once")
    max_anonymous_input_bytes: int = Field(
        default=1 * MIB, ge=1024, description="Largest project (GeoJSON) an anonymous caller may have screened and stored; over it: 413"
    )
    screening_retention_days: int = Field(
        default=90, ge=1, description="Anonymous screenings are kept this long, then removed; a stored id answers until then"
    )
    trusted_origins: list[str] = Field(
        default_factory=list, description="Origins (scheme://host[:port]) besides the server's own that may send cookie-authenticated writes"
    )


@lru_cache(maxsize=1)
def get_edge_settings() -> EdgeSettings:
    """The process-wide edge settings (read once)."""
    return EdgeSettings()
