"""The inspection worklist: clue → assigned inspector → 现场检查 (confirmed / not a problem /
rectified, with photos and notes) → closed; every step is an event in the clue's audit trail."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

from sqlalchemy import Engine

from ecozone.errors import BadInput, Conflict
from ecozone.monitoring.complaints import PHOTO_TYPES, Photo
from ecozone.supervision import repository as store
from ecozone.supervision.clues import clue_summary

RESULTS = ("confirmed", "not_a_problem", "rectified")
RESULT_NAMES_ZH = {"confirmed": "问题属实", "not_a_problem": "不属于问题", "rectified": "已整改"}
STATUSES = ("open", "assigned", "inspected", "closed")
STATUS_NAMES_ZH = {"open": "待分派", "assigned": "待现场检查", "inspected": "已检查待办结", "closed": "已办结"}
MAX_NOTE = 4000


def _text(value: str, field: str, required: bool) -> str:
    value = (value or "").strip()
    if (required and not value) or len(value) > MAX_NOTE:
        raise BadInput(f"{field} must hold {'1' if required else '0'}–{MAX_NOTE} characters", field=field)
    return value


def _expect(clue: dict, allowed: Sequence[str], step: str) -> None:
    if clue["status"] not in allowed:
        raise Conflict(
            f"clue {clue['id']} is {clue['status']}; {step} needs it to be {' or '.join(allowed)}",
            field="status", value=clue["status"],
        )


def assign(engine: Engine, clue_id: int, inspector: str, actor: str, now: dt.datetime) -> dict:
    """Give the clue to an inspector (again, if already assigned and not yet inspected)."""
    inspector = _text(inspector, "inspector", True)[:128]
    with engine.begin() as conn:
        clue = store.lock_clue(conn, clue_id)
        _expect(clue, ("open", "assigned"), "assigning")
        store.update_clue(conn, clue_id, status="assigned", assignee=inspector)
        store.add_event(conn, clue_id, actor, "assigned", inspector, now)
        return clue_summary(store.get_clue(conn, clue_id))


def _save_photo(media_dir, clue_id: int, index: int, photo: Photo, max_bytes: int) -> dict:
    if photo.content_type not in PHOTO_TYPES:
        raise BadInput(f"photo {photo.file_name!r}: type {photo.content_type!r} is not JPEG, PNG or WebP", field="photos", value=photo.file_name)
    if not 0 < len(photo.data) <= max_bytes:
        raise BadInput(f"photo {photo.file_name!r} must hold 1–{max_bytes} bytes", field="photos", value=photo.file_name)
    relative = f"clues/{clue_id}/{index:02d}{PHOTO_TYPES[photo.content_type]}"
    target = media_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(photo.data)
    return {"file_name": photo.file_name[:256], "stored_path": relative, "content_type": photo.content_type,
            "size_bytes": len(photo.data), "sha256": hashlib.sha256(photo.data).hexdigest()}


def record_inspection(
    engine: Engine,
    clue_id: int,
    result: str,
    notes: str,
    actor: str,
    now: dt.datetime,
    photos: Sequence[Photo] = (),
    media_dir=None,
    max_photo_bytes: int = 10 * 1024 * 1024,
) -> dict:
    """The 现场检查 result of an assigned clue, with notes and photos."""
    if result not in RESULTS:
        raise BadInput(f"result {result!r} is not one of {', '.join(RESULTS)}", field="result", value=result)
    notes = _text(notes, "notes", True)
    if photos and media_dir is None:
        raise BadInput("photos need a media folder to be stored in", field="photos")
    with engine.begin() as conn:
        clue = store.lock_clue(conn, clue_id)
        _expect(clue, ("assigned",), "an inspection")
        start = len(store.get_clue(conn, clue_id)["photos"])
        for index, photo in enumerate(photos, start=start + 1):
            store.add_photo(conn, clue_id, _save_photo(media_dir, clue_id, index, photo, max_photo_bytes))
        store.update_clue(conn, clue_id, status="inspected", inspection_result=result, inspection_notes=notes)
        store.add_event(conn, clue_id, actor, "inspected", f"{RESULT_NAMES_ZH[result]}：{notes}", now)
        return clue_summary(store.get_clue(conn, clue_id))


def close(engine: Engine, clue_id: int, actor: str, note: str, now: dt.datetime) -> dict:
    """Close an inspected clue (办结)."""
    note = _text(note, "note", False)
    with engine.begin() as conn:
        clue = store.lock_clue(conn, clue_id)
        _expect(clue, ("inspected",), "closing")
        store.update_clue(conn, clue_id, status="closed", closed_at=now)
        store.add_event(conn, clue_id, actor, "closed", note, now)
        return clue_summary(store.get_clue(conn, clue_id))


def overdue(clue: dict, now: dt.datetime) -> bool:
    """Open past its time limit (``due_at`` as an ISO string or datetime)."""
    due = clue["due_at"]
    due = dt.datetime.fromisoformat(due) if isinstance(due, str) else due
    return clue["status"] != "closed" and now > due


def worklist(engine: Engine, now: dt.datetime, county: str | None = None, status: str | None = None) -> list[dict]:
    """Clues of a county (or all), high priority and earliest due first, each marked overdue or not."""
    if status is not None and status not in STATUSES:
        raise BadInput(f"status {status!r} is not one of {', '.join(STATUSES)}", field="status", value=status)
    with engine.connect() as conn:
        rows = [clue_summary(r) for r in store.list_clues(conn, status=status, county=county)]
    order = {"high": 0, "medium": 1, "low": 2}
    rows.sort(key=lambda c: (c["status"] == "closed", order[c["priority"]], c["due_at"]))
    for row in rows:
        row["overdue"] = overdue(row, now)
        row["status_name"] = STATUS_NAMES_ZH[row["status"]]
    return rows
