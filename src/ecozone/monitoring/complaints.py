"""12369 complaints: intake with location, text and photos; placement, routing, time limits, escalation.

Seed basis: 000_6f036d9dc4af6d6d.txt (一)大力弘扬特色生态文化: "充分发挥“12369”环保举报热线作用,探索微信
“随手拍”等新技术、新媒体应用,畅通生态环境监督渠道"; 002_5a5c62ce385f65a3.txt 第十二章 第四节:
"12369接收举报信息等全部接入监控平台". Time limits are settings (``MonitoringSettings``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import Engine

from ecozone.errors import BadInput, Conflict
from ecozone.monitoring.placement import place_point
from ecozone.monitoring.settings import MonitoringSettings
from ecozone.store.geometry import point_of
from ecozone.monitoring.repositories import complaints as complaint_store
from ecozone.zoning.inforce import SnapshotCache

CHANNELS = ("12369", "wechat", "web", "letter")
CATEGORIES = ("air", "water", "noise", "soil", "solid_waste", "ecology", "other")
PHOTO_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
MAX_TEXT = 4000


@dataclass(frozen=True)
class Photo:
    file_name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class ComplaintInput:
    lon: float
    lat: float
    text: str
    category: str = "other"
    channel: str = "12369"
    reporter_contact: str = ""
    photos: tuple[Photo, ...] = ()


def _check(item: ComplaintInput, settings: MonitoringSettings) -> None:
    if not item.text.strip() or len(item.text) > MAX_TEXT:
        raise BadInput(f"text must hold 1–{MAX_TEXT} characters", field="text")
    if item.channel not in CHANNELS:
        raise BadInput(f"channel {item.channel!r} is not one of {', '.join(CHANNELS)}", field="channel", value=item.channel)
    if item.category not in CATEGORIES:
        raise BadInput(f"category {item.category!r} is not one of {', '.join(CATEGORIES)}", field="category", value=item.category)
    for photo in item.photos:
        if photo.content_type not in PHOTO_TYPES:
            raise BadInput(f"photo {photo.file_name!r}: type {photo.content_type!r} is not JPEG, PNG or WebP", field="photos", value=photo.file_name)
        if not 0 < len(photo.data) <= settings.max_photo_bytes:
            raise BadInput(f"photo {photo.file_name!r} must hold 1–{settings.max_photo_bytes} bytes", field="photos", value=photo.file_name)


def _save_photo(settings: MonitoringSettings, number: str, index: int, photo: Photo) -> dict:
    digest = hashlib.sha256(photo.data).hexdigest()
    relative = f"complaints/{number}/{index:02d}{PHOTO_TYPES[photo.content_type]}"
    target = settings.media_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(photo.data)
    return {"file_name": photo.file_name[:256], "stored_path": relative, "content_type": photo.content_type,
            "size_bytes": len(photo.data), "sha256": digest}


def submit_complaint(engine: Engine, snapshots: SnapshotCache, settings: MonitoringSettings, item: ComplaintInput, now: dt.datetime) -> dict:
    """Record a complaint, place it in county/unit/grid cell, route it to the cell's responsible person."""
    _check(item, settings)
    point = point_of(item.lon, item.lat)
    snapshot = snapshots.get(now.date())
    with engine.begin() as conn:
        where = place_point(conn, snapshot, item.lon, item.lat)
        number = complaint_store.next_complaint_number(conn, now.astimezone(settings.naive_timezone()).date())
        complaint_id = complaint_store.insert_complaint(conn, {
            "number": number, "received_at": now, "channel": item.channel, "category": item.category,
            "text": item.text.strip(), "reporter_contact": item.reporter_contact, "region_code": where.region_code,
            "unit_code": where.unit_code, "grid_cell_id": where.grid_cell_id, "assignee_id": where.responsible_id,
            "status": "assigned" if where.responsible_id else "received",
            "due_at": now + dt.timedelta(days=settings.complaint_time_limit_days), "escalation_level": 0, "geom": point,
        })
        complaint_store.add_complaint_event(conn, complaint_id, "intake", "received", f"{item.channel} {number}", now)
        if where.responsible_id:
            complaint_store.add_complaint_event(conn, complaint_id, "system", "assigned", f"网格 {where.grid_cell_code}", now)
        for index, photo in enumerate(item.photos, start=1):
            complaint_store.add_complaint_photo(conn, complaint_id, _save_photo(settings, number, index, photo))
        return complaint_store.get_complaint(conn, complaint_id)


def record_progress(engine: Engine, complaint_id: int, action: str, actor: str, note: str, now: dt.datetime) -> dict:
    """``progress`` (in hand) or ``closed`` (settled, with the outcome in ``note``)."""
    if action not in ("progress", "closed"):
        raise BadInput(f"action {action!r} is not progress or closed", field="action", value=action)
    with engine.begin() as conn:
        current = complaint_store.get_complaint(conn, complaint_id)
        if current["status"] == "closed":
            raise Conflict(f"complaint {current['number']} is already closed", field="status")
        if action == "closed":
            complaint_store.update_complaint(conn, complaint_id, status="closed", closed_at=now)
        else:
            complaint_store.update_complaint(conn, complaint_id, status="in_progress")
        complaint_store.add_complaint_event(conn, complaint_id, actor, action, note, now)
        return complaint_store.get_complaint(conn, complaint_id)


def escalation_level_due(due_at: dt.datetime, now: dt.datetime, settings: MonitoringSettings) -> int:
    """Level an overdue complaint should be at: 1 when overdue, +1 per interval, capped."""
    if now <= due_at:
        return 0
    intervals = int((now - due_at) / dt.timedelta(hours=settings.complaint_escalation_interval_hours))
    return min(1 + intervals, settings.complaint_max_escalation_level)


def escalate_overdue(engine: Engine, settings: MonitoringSettings, now: dt.datetime) -> list[dict]:
    """Raise the escalation level of overdue complaints; running it again at once changes nothing."""
    changed = []
    with engine.begin() as conn:
        for row in complaint_store.open_complaints_due_before(conn, now):
            level = escalation_level_due(row["due_at"], now, settings)
            if level > row["escalation_level"]:
                complaint_store.update_complaint(conn, row["id"], escalation_level=level)
                complaint_store.add_complaint_event(conn, row["id"], "system", "escalated", f"超期升级至第 {level} 级", now)
                changed.append({"id": row["id"], "number": row["number"], "level": level})
    return changed
