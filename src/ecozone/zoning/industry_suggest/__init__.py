"""Plain-language industry suggestions: GB/T 4754-2017 classes and screening details from a description.

``suggest_industries("新建独立焦化项目，焦炭产能100万吨/年")`` ranks classes (C2521 炼焦 first, with
the words that matched) and reads the nature (new), the kinds (standalone_coking) and the numbers
(100 万吨/年). It is a help for filling in the form: the applicant confirms the code and every
value, and a suggestion never decides a verdict by itself.
"""

from __future__ import annotations

from ecozone.errors import BadInput
from ecozone.zoning.industry_suggest.ranker import Suggestion, rank_classes, substring_peer, warm_up
from ecozone.zoning.industry_suggest.reading import Quantity, Reading, read_project_text

MAX_TEXT_LENGTH = 500  # a description, not a report: longer texts are cut by the caller's form
NOTE_ZH = "以上为根据描述自动推荐的行业代码和项目信息，仅供参考；请申请人核对确认后再提交研判。"

__all__ = [
    "MAX_TEXT_LENGTH",
    "NOTE_ZH",
    "Quantity",
    "Reading",
    "Suggestion",
    "rank_classes",
    "read_project_text",
    "substring_peer",
    "suggest_industries",
    "warm_up",
]


def suggest_industries(text: str, limit: int = 5) -> dict:
    """Ranked candidate classes and what else the text says, as one JSON-ready answer.

    Raises ``BadInput`` (field ``text``) when the text is empty or longer than ``MAX_TEXT_LENGTH``.
    """
    cleaned = str(text or "").strip()
    if not cleaned:
        raise BadInput("describe the project in a few words, e.g. 新建生猪养殖场", field="text", value=text)
    if len(cleaned) > MAX_TEXT_LENGTH:
        raise BadInput(
            f"the description has {len(cleaned)} characters; at most {MAX_TEXT_LENGTH}",
            field="text",
            value=cleaned[:40] + "…",
        )
    if not 1 <= limit <= 20:
        raise BadInput("limit must be between 1 and 20", field="limit", value=limit)
    reading = read_project_text(cleaned)
    return {
        "text": cleaned,
        "candidates": [s.summary() for s in rank_classes(cleaned, limit)],
        **reading.summary(),
        "confirmed": False,
        "note": NOTE_ZH,
    }
