"""Session settings (environment prefix ``ECOZONE_``)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class AuthSettings(BaseSettings):
    """How long a login lasts and how its cookie is sent."""

    model_config = SettingsConfigDict(env_prefix="ECOZONE_", env_file=".env", extra="ignore")

    session_hours: float = Field(default=8.0, gt=0, description="A session (token or cookie) expires this many hours after login")
    session_cookie_secure: bool = Field(
        default=False, description="Send the session cookie over HTTPS only (set True behind TLS)"
    )


@lru_cache(maxsize=1)
def get_auth_settings() -> AuthSettings:
    """The process-wide auth settings (read once)."""
    return AuthSettings()
