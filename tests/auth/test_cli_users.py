"""`ecozone users add|list` as a user runs it (a subprocess), on both backends."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from ecozone.clock import utc_now
from ecozone.auth import accounts


def ecozone(args: list[str], engine, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "ECOZONE_LOG_JSON": "false", "ECOZONE_DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    return subprocess.run([sys.executable, "-m", "ecozone.cli", *args], check=False, input=stdin, capture_output=True, text=True, env=env, timeout=120)


def test_first_admin_from_the_command_line_can_log_in(loaded_engine):
    added = ecozone(["users", "add", "root", "--role", "admin", "--password-stdin"], loaded_engine, "s3cret-pass\n")
    assert added.returncode == 0, added.stderr
    editor = ecozone(["users", "add", "yq", "--role", "editor", "--role", "filer", "--jurisdiction", "140100", "--password-stdin"], loaded_engine, "s3cret-pass\n")
    assert editor.returncode == 0, editor.stderr
    listed = json.loads(ecozone(["users", "list", "--format", "json"], loaded_engine).stdout)
    assert [(u["username"], u["roles"], u["jurisdiction"]) for u in listed] == [("root", ["admin"], None), ("yq", ["editor", "filer"], "140100")]
    assert accounts.login(loaded_engine, "root", "s3cret-pass", now=utc_now()).user.username == "root"


def test_bad_role_or_short_password_exit_2_naming_it(loaded_engine):
    bad_role = ecozone(["users", "add", "x1", "--role", "boss", "--password-stdin"], loaded_engine, "s3cret-pass\n")
    assert bad_role.returncode == 2 and "boss" in bad_role.stderr
    short = ecozone(["users", "add", "x2", "--role", "admin", "--password-stdin"], loaded_engine, "short\n")
    assert short.returncode == 2 and "at least 8" in short.stderr
