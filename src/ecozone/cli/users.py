"""Staff users: add, list."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from ecozone import clock
from ecozone.cli.common import (
    FormatOption,
    OutputFormat,
    app,
    console,
    emit_json,
    engine_from_settings,
    run,
)


users_app = typer.Typer(help="Staff users: add, list", no_args_is_help=True)
app.add_typer(users_app, name="users")


def _read_new_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return typer.prompt("password", hide_input=True, confirmation_prompt=True)


@users_app.command("add")
def users_add(
    username: str,
    role: Annotated[list[str], typer.Option("--role", help="editor | filer | publisher | reviewer | planner | monitor | admin; repeat for several")],
    jurisdiction: Annotated[str | None, typer.Option(help="GB/T 2260 code of the region the user works for")] = None,
    display_name: Annotated[str, typer.Option(help="Name shown in the workspace")] = "",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin")] = False,
) -> None:
    """Create a staff user (the first admin of a fresh install, among others)."""
    from ecozone.auth import accounts

    password = _read_new_password(password_stdin)
    user = run(lambda: accounts.create_user(engine_from_settings(), username, password, role, jurisdiction, display_name, now=clock.utc_now()))
    console.print(f"user {escape(user.username)} created: roles {', '.join(r.value for r in user.roles)}; jurisdiction {user.jurisdiction_code or '-'}")


@users_app.command("list")
def users_list(format: FormatOption = OutputFormat.table) -> None:
    """Every staff user with roles, jurisdiction and whether active."""
    from ecozone.auth import accounts

    users = run(lambda: accounts.list_users(engine_from_settings()))
    if format == OutputFormat.json:
        emit_json([u.to_dict() for u in users])
        return
    table = Table("username", "roles", "jurisdiction", "active")
    for u in users:
        table.add_row(u.username, ", ".join(r.value for r in u.roles), u.jurisdiction_code or "", "yes" if u.active else "no")
    console.print(table)
