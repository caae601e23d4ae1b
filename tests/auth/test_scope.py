"""The role table and jurisdiction reach, hand-computed on Shanxi codes (no database)."""

from __future__ import annotations

import pytest

from ecozone.auth.model import User
from ecozone.auth.roles import Permission, Role
from ecozone.auth.scope import reaches, require_reach, sees_release
from ecozone.errors import Forbidden

# 山西省 140000 → 阳泉市 140300, 长治市 140400 → 屯留区 140405
PARENTS = {"140000": None, "140300": "140000", "140400": "140000", "140405": "140400"}


def user(role: str, jurisdiction: str | None) -> User:
    return User(1, f"{role}-{jurisdiction}", [Role(role)], jurisdiction)


@pytest.mark.parametrize(
    ("role", "jurisdiction", "permission", "release_of", "allowed"),
    [
        ("editor", "140300", Permission.EDIT_DRAFT, "140300", True),
        ("editor", "140300", Permission.EDIT_DRAFT, "140400", False),  # another city
        ("editor", "140000", Permission.EDIT_DRAFT, "140300", False),  # province editor: own releases only
        ("editor", "140300", Permission.PUBLISH, "140300", False),  # wrong role
        ("filer", "140000", Permission.FILE, "140300", True),  # province files city releases
        ("filer", "140000", Permission.FILE, "140000", False),  # not its own
        ("filer", "140000", Permission.FILE, "140405", False),  # two levels below
        ("filer", "140400", Permission.FILE, "140405", True),
        ("publisher", "140300", Permission.PUBLISH, "140300", True),
        ("publisher", "140300", Permission.PUBLISH, "140400", False),
        ("publisher", None, Permission.PUBLISH, "140300", False),  # no jurisdiction, no reach
        ("reviewer", None, Permission.OVERRIDE, "140300", True),
        ("admin", None, Permission.OVERRIDE, "140300", False),  # admin manages users only
    ],
)
def test_reach(role, jurisdiction, permission, release_of, allowed):
    assert reaches(user(role, jurisdiction), permission, release_of, PARENTS) is allowed


def test_forbidden_names_the_jurisdiction():
    with pytest.raises(Forbidden, match="140400") as caught:
        require_reach(user("editor", "140300"), Permission.EDIT_DRAFT, "140400", PARENTS)
    assert caught.value.detail == {"field": "jurisdiction", "value": "140400"}
    with pytest.raises(Forbidden, match="needs the role publisher"):
        require_reach(user("editor", "140300"), Permission.PUBLISH, "140300", PARENTS)


def test_who_sees_unpublished_releases():
    assert sees_release(user("editor", "140300"), "140300", PARENTS)
    assert sees_release(user("filer", "140000"), "140300", PARENTS)
    assert not sees_release(user("editor", "140300"), "140400", PARENTS)
    assert not sees_release(user("reviewer", None), "140300", PARENTS)
