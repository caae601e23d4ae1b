"""Password hashing with Argon2id through pwdlib (a maintained library), and the password policy:
a minimum length and no password from a shipped list of common ones (``data/README.md``)."""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from ecozone.errors import BadInput

MIN_PASSWORD_LENGTH = 8


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(),))


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-cased."""
    raw = resources.files("ecozone.auth").joinpath("data/common-passwords.txt.gz").read_bytes()
    return frozenset(line.strip() for line in gzip.decompress(raw).decode("utf-8").splitlines() if line.strip())


def check_password_strength(password: str) -> None:
    """Refuse passwords too short to resist guessing, or on the list of common passwords
    (which guessers try first, whatever their length)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BadInput(f"password must have at least {MIN_PASSWORD_LENGTH} characters", field="password")
    if password.strip().lower() in common_passwords():
        raise BadInput("password is on the list of common passwords; choose another", field="password")


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password`` (salted; two calls give different strings)."""
    check_password_strength(password)
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    """Whether ``password`` matches ``password_hash``."""
    return _hasher().verify(password, password_hash)


def dummy_verify() -> None:
    """Spend the time of one verification, so unknown user names are not told apart by timing."""
    _hasher().verify("not-a-password", _dummy_hash())


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher().hash("dummy-password")
