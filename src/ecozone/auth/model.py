"""Staff users and their sessions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ecozone.auth.roles import Role


@dataclass
class User:
    """A staff account; ``jurisdiction_code`` is the region it works for (GB/T 2260)."""

    id: int | None
    username: str
    roles: list[Role]
    jurisdiction_code: str | None
    display_name: str = ""
    active: bool = True
    created_at: dt.datetime | None = None
    password_hash: str = field(default="", repr=False)

    def has_role(self, *roles: Role | str) -> bool:
        return any(Role(r) in self.roles for r in roles)

    def to_dict(self) -> dict:
        return {
            "username": self.username,
            "display_name": self.display_name,
            "roles": [r.value for r in self.roles],
            "jurisdiction": self.jurisdiction_code,
            "active": self.active,
        }


@dataclass
class Session:
    """A login: the user and when it stops being valid (the token itself is never stored)."""

    token_hash: str
    user_id: int
    created_at: dt.datetime
    expires_at: dt.datetime
