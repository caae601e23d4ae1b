"""Banking sources and drawing them: a draw is a staff action tied to an approval and to the
stored screening that showed the offset sufficient; each source is drawn once (audited)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from ecozone.errors import BadInput, Conflict
from ecozone.ledgers import repository as store
from ecozone.ledgers.model import RESOURCES, SOURCE_KINDS
from ecozone.zoning.repositories import regions as region_store
from ecozone.screening import repository as screening_store
from ecozone.zoning.repositories.releases import record_audit


def add_source(
    engine: Engine, *, code: str, region_code: str, resource: str, kind: str, amount: float,
    effective_on: dt.date, document: str, actor: str, now: dt.datetime, industry: str | None = None,
    note: str = "", demo: bool = False,
) -> dict:
    """Bank a verified reduction (a closure or a retrofit) with the document that proves it."""
    code = (code or "").strip()
    if not code or len(code) > 64:
        raise BadInput("code must hold 1–64 characters", field="code", value=code)
    if resource not in RESOURCES:
        raise BadInput(f"resource {resource!r} is not one of {', '.join(RESOURCES)}", field="resource", value=resource)
    if kind not in SOURCE_KINDS:
        raise BadInput(f"kind {kind!r} is not one of {', '.join(SOURCE_KINDS)}", field="kind", value=kind)
    if not amount > 0:
        raise BadInput(f"amount must be > 0, got {amount!r}", field="amount", value=amount)
    if not document.strip():
        raise BadInput("a source needs the document that proves the reduction", field="document")
    with engine.begin() as conn:
        if region_code not in {r.code for r in region_store.load_regions(conn)}:
            raise BadInput(f"region {region_code!r} is not a known GB/T 2260 code", field="region", value=region_code)
        store.add_source(conn, {
            "code": code, "region_code": region_code, "resource": resource, "industry": industry, "kind": kind,
            "amount": float(amount), "effective_on": effective_on, "document": document.strip()[:256], "note": note,
            "created_at": now, "created_by": actor, "demo": demo,
        })
        record_audit(conn, actor, "ledger_source", None, now, code=code, resource=resource, amount=float(amount))
        return store.sources_by_code(conn, [code])[code].summary()


def draw_for_screening(engine: Engine, screening_id: str, approval: str, actor: str, now: dt.datetime) -> dict:
    """Draw the sources a stored screening showed sufficient; refuse anything already drawn."""
    if not approval.strip():
        raise BadInput("a draw is tied to an approval: give its document number", field="approval")
    with engine.begin() as conn:
        stored = screening_store.get_screening(conn, screening_id)
        offsets = stored.result.get("offsets") or []
        if not offsets:
            raise BadInput(f"screening {screening_id} asked for no offset", field="screening_id", value=screening_id)
        if stored.verdict != "restricted" or not all(o["sufficient"] for o in offsets):
            missing = "；".join(m["label"] for o in offsets for m in o["missing"]) or stored.verdict
            raise Conflict(f"screening {screening_id} does not show a sufficient offset: {missing}", field="screening_id", value=screening_id)
        draws = []
        for section in offsets:
            for code in section["draw"]:
                source = store.lock_source(conn, code)
                if source.drawn_by is not None:
                    raise Conflict(f"ledger source {code!r} is already drawn (screening {source.drawn_by})", field="source", value=code)
                store.insert_draw(conn, {
                    "source_id": source.id, "screening_id": screening_id, "project_name": stored.project_name,
                    "amount": source.amount, "required": section["required"], "ratio": section["ratio"],
                    "approval": approval.strip()[:256], "drawn_at": now, "drawn_by": actor,
                })
                draws.append({"code": code, "resource": section["resource"], "amount": source.amount})
        record_audit(conn, actor, "ledger_draw", None, now, screening_id=screening_id, approval=approval.strip(), sources=[d["code"] for d in draws])
        return {"screening_id": screening_id, "project_name": stored.project_name, "approval": approval.strip(), "draws": draws}
