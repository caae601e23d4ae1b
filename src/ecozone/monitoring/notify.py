"""Alert channels: a webhook (JSON POST with httpx) and e-mail (SMTP)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import httpx

from ecozone.errors import Unavailable


def alert_payload(alert: dict, station: dict) -> dict:
    """The JSON document both channels describe."""
    return {
        "id": alert["id"], "rule": alert["rule_key"], "kind": alert["kind"], "severity": alert["severity"],
        "station": station, "parameter": alert["parameter"], "value": alert["value"],
        "triggered_at": alert["triggered_at"].isoformat(), "message": alert["message"],
        "unit_code": alert["unit_code"], "grid_cell_id": alert["grid_cell_id"],
    }


def send_webhook(url: str, payload: dict, timeout_s: float) -> None:
    """POST the payload; ``Unavailable`` naming the URL when it fails or answers an error."""
    try:
        response = httpx.post(url, json=payload, timeout=timeout_s)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise Unavailable(f"webhook {url} failed: {exc}", url=url) from exc


def send_email(host: str, port: int, sender: str, recipient: str, payload: dict) -> None:
    """Send the alert as a plain-text mail; ``Unavailable`` naming the server when it fails."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = f"[生态环境预警] {payload['station']['name']} {payload['parameter']} {payload['severity']}"
    message.set_content(
        f"{payload['message']}\n站点：{payload['station']['name']}（{payload['station']['code']}）\n"
        f"时间：{payload['triggered_at']}\n管控单元：{payload['unit_code'] or '—'}\n预警编号：{payload['id']}\n"
    )
    try:
        with smtplib.SMTP(host, port, timeout=10) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise Unavailable(f"SMTP server {host}:{port} failed: {exc}", url=f"smtp://{host}:{port}") from exc
