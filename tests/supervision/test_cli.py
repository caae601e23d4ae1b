"""The clue commands as a user runs them; the JSON contract of ``clues import``."""

from __future__ import annotations

import json

import pytest

from tests.helpers.cli import run_ecozone


def ecozone(args: list[str], env: dict):
    return run_ecozone(args, timeout=180, **env)


@pytest.fixture
def db_env(shanxi_engine, tmp_path) -> dict:
    return {"ECOZONE_DATABASE_URL": shanxi_engine.url.render_as_string(hide_password=False), "ECOZONE_MEDIA_DIR": str(tmp_path / "media")}


def test_import_json_contract_and_worklist_to_closure(db_env, clue_file, tmp_path):
    result = ecozone(["clues", "import", str(clue_file), "--source", "satellite", "--observed", "2025-07-01", "--format", "json"], db_env)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert isinstance(answer["clues"], list) and len(answer["clues"]) == 3
    verdicts = {"prohibited", "possibly_prohibited", "restricted", "review", "compliant"}
    for clue in answer["clues"]:
        assert isinstance(clue["id"], int) and clue["verdict"] in verdicts
        assert clue["units"] and all(code.startswith("ZH") for code in clue["units"])
        assert clue["findings"] and all(f["rule_id"] and f["citation"]["clause"] for f in clue["findings"])
    clue_id = str(answer["clues"][1]["id"])
    photo = tmp_path / "site.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 32)
    steps = [
        ["clues", "assign", clue_id, "--inspector", "王检查"],
        ["clues", "inspect", clue_id, "--result", "rectified", "--notes", "已拆除", "--photo", str(photo)],
        ["clues", "close", clue_id, "--note", "办结"],
    ]
    for step in steps:
        done = ecozone([*step, "--format", "json"], db_env)
        assert done.returncode == 0, done.stderr
    shown = json.loads(ecozone(["clues", "show", clue_id], db_env).stdout)
    assert shown["status"] == "closed" and shown["inspection_result"] == "rectified"
    assert [e["action"] for e in shown["events"]] == ["imported", "assigned", "inspected", "closed"]
    listed = ecozone(["clues", "list", "--status", "closed"], db_env)
    assert listed.returncode == 0 and clue_id in listed.stdout


def test_bad_source_exits_2_naming_it(db_env, clue_file):
    result = ecozone(["clues", "import", str(clue_file), "--source", "balloon"], db_env)
    assert result.returncode == 2 and "source" in result.stderr
    again = ecozone(["clues", "close", "999999"], db_env)
    assert again.returncode == 2 and "999999" in again.stderr
