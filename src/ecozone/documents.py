"""The registry of cited documents (``<data>/shanxi/documents.yaml``): what a person reads in
place of a source file name — official title, issuing body, 文号 and date.

Rules, targets and settings cite a document by the file name of its source text; that id stays
in JSON and technical appendices, while pages and reports show :meth:`Document.reference`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from ecozone.errors import BadInput


@dataclass(frozen=True)
class Document:
    """One cited document as it is officially titled and numbered."""

    file: str
    title: str
    short: str
    issuer: str
    number: str | None
    date: str

    def reference(self, section: str | None = None) -> str:
        """《标题》（文号）section — how a citation reads in a page or report."""
        number = f"（{self.number}）" if self.number else ""
        return f"《{self.title}》{number}{' ' + section if section else ''}"

    def as_dict(self) -> dict:
        return {"file": self.file, "title": self.title, "short": self.short, "issuer": self.issuer,
                "number": self.number, "date": self.date}


@dataclass(frozen=True)
class DocumentRegistry:
    """The documents by source file name; an unknown file still reads as a plain title."""

    documents: dict[str, Document]

    def get(self, file: str | None) -> Document | None:
        return self.documents.get(file or "")

    def reference(self, file: str | None, section: str | None = None, fallback_title: str | None = None) -> str:
        """The person's reference for a citation; without a registry entry, the title it carries."""
        document = self.get(file)
        if document is not None:
            return document.reference(section)
        title = f"《{fallback_title}》" if fallback_title else ""
        return f"{title}{' ' + section if section else ''}".strip()


def registry_path(data_dir: Path) -> Path:
    return Path(data_dir) / "shanxi" / "documents.yaml"


@lru_cache(maxsize=4)
def load_registry(path: Path) -> DocumentRegistry:
    """The registry in ``path``; an absent file is an empty registry (a territory without one)."""
    if not Path(path).exists():
        return DocumentRegistry({})
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    documents = {}
    for file, entry in (data.get("documents") or {}).items():
        try:
            documents[file] = Document(
                file=file, title=entry["title"], short=entry.get("short") or entry["title"], issuer=entry["issuer"],
                number=entry.get("number"), date=str(entry["date"]),
            )
        except (KeyError, TypeError) as exc:
            raise BadInput(f"{path}: document {file!r} lacks {exc}", field=f"documents.{file}", value=file) from exc
    return DocumentRegistry(documents)
