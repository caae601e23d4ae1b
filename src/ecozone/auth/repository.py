"""Repository functions for staff users and their sessions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from ecozone.auth.model import Session, User
from ecozone.auth.roles import Role
from ecozone.errors import Conflict, NotFound
from ecozone.store.schema import user_sessions, users
from ecozone.store.timestamps import as_utc


def _user_from_row(row) -> User:
    return User(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        roles=[Role(r) for r in row.roles or []],
        jurisdiction_code=row.jurisdiction_code,
        active=row.active,
        created_at=as_utc(row.created_at),
        password_hash=row.password_hash,
    )


def insert_user(conn: Connection, user: User, now: dt.datetime) -> User:
    """Store a new user, created ``now``; ``Conflict`` when the name is taken."""
    try:
        new_id = conn.execute(
            insert(users)
            .values(
                username=user.username,
                display_name=user.display_name,
                password_hash=user.password_hash,
                roles=[r.value for r in user.roles],
                jurisdiction_code=user.jurisdiction_code,
                active=user.active,
                created_at=now,
            )
            .returning(users.c.id)
        ).scalar_one()
    except IntegrityError as exc:
        raise Conflict(f"user {user.username!r} already exists", field="username", value=user.username) from exc
    return get_user(conn, new_id)


def get_user(conn: Connection, user_id: int) -> User:
    row = conn.execute(select(users).where(users.c.id == user_id)).first()
    if row is None:
        raise NotFound(f"user {user_id} does not exist", field="user", value=user_id)
    return _user_from_row(row)


def find_user(conn: Connection, username: str) -> User | None:
    """The user named ``username``, or None."""
    row = conn.execute(select(users).where(users.c.username == username)).first()
    return _user_from_row(row) if row else None


def list_users(conn: Connection) -> list[User]:
    return [_user_from_row(row) for row in conn.execute(select(users).order_by(users.c.username))]


def update_user(conn: Connection, user_id: int, **fields) -> User:
    """Change stored fields of a user (roles as ``Role`` values, password_hash, active …)."""
    if "roles" in fields:
        fields["roles"] = [Role(r).value for r in fields["roles"]]
    conn.execute(update(users).where(users.c.id == user_id).values(**fields))
    return get_user(conn, user_id)


def insert_session(conn: Connection, session: Session) -> None:
    conn.execute(
        insert(user_sessions).values(
            token_hash=session.token_hash,
            user_id=session.user_id,
            created_at=session.created_at,
            expires_at=session.expires_at,
        )
    )


def find_session(conn: Connection, token_hash: str) -> Session | None:
    row = conn.execute(select(user_sessions).where(user_sessions.c.token_hash == token_hash)).first()
    if row is None:
        return None
    return Session(row.token_hash, row.user_id, as_utc(row.created_at), as_utc(row.expires_at))


def delete_session(conn: Connection, token_hash: str) -> None:
    conn.execute(delete(user_sessions).where(user_sessions.c.token_hash == token_hash))


def delete_sessions_of(conn: Connection, user_id: int) -> None:
    conn.execute(delete(user_sessions).where(user_sessions.c.user_id == user_id))


def delete_expired_sessions(conn: Connection, now: dt.datetime) -> int:
    """Remove sessions past their expiry; returns how many."""
    return conn.execute(delete(user_sessions).where(user_sessions.c.expires_at <= now)).rowcount
