"""`ecozone users add|list` as a user runs it (a subprocess), on both backends."""

from __future__ import annotations

import json

from ecozone.clock import utc_now
from ecozone.auth import accounts

from tests.helpers.cli import run_ecozone



def test_first_admin_from_the_command_line_can_log_in(loaded_engine):
    added = run_ecozone(["users", "add", "root", "--role", "admin", "--password-stdin"], loaded_engine, "s3cret-pass\n")
    assert added.returncode == 0, added.stderr
    editor = run_ecozone(["users", "add", "yq", "--role", "editor", "--role", "filer", "--jurisdiction", "140100", "--password-stdin"], loaded_engine, "s3cret-pass\n")
    assert editor.returncode == 0, editor.stderr
    listed = json.loads(run_ecozone(["users", "list", "--format", "json"], loaded_engine).stdout)
    assert [(u["username"], u["roles"], u["jurisdiction"]) for u in listed] == [("root", ["admin"], None), ("yq", ["editor", "filer"], "140100")]
    assert accounts.login(loaded_engine, "root", "s3cret-pass", now=utc_now()).user.username == "root"


def test_bad_role_or_short_password_exit_2_naming_it(loaded_engine):
    bad_role = run_ecozone(["users", "add", "x1", "--role", "boss", "--password-stdin"], loaded_engine, "s3cret-pass\n")
    assert bad_role.returncode == 2 and "boss" in bad_role.stderr
    short = run_ecozone(["users", "add", "x2", "--role", "admin", "--password-stdin"], loaded_engine, "short\n")
    assert short.returncode == 2 and "at least 8" in short.stderr
