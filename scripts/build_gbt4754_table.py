"""Build the full GB/T 4754-2017 table (国民经济行业分类) from the npm package element-china-category-data.

Usage (from the repository root; npm is the only tool needed besides Python)::

    npm pack element-china-category-data@1.0.4        # writes element-china-category-data-1.0.4.tgz
    python scripts/build_gbt4754_table.py element-china-category-data-1.0.4.tgz

Source: ``element-china-category-data`` 1.0.4 on the npm registry, file ``src/data.js``, MIT licence,
copyright (c) 2019 faer (the licence text is kept in ``src/ecozone/zoning/data/LICENSE.gbt4754``).
The package holds names and codes only, not the standard's explanatory notes (说明), so the table
ships names only; plain-language words live in ``industry_synonyms.yaml`` (written for this project).

The package nests codes as ``{"0": {section: name}, section: {division: name}, division: {group:
name}, group: {class: name}}``. A group the standard does not subdivide has no entry of its own: its
single class is the group's code followed by ``0`` with the group's name (GB/T 4754-2017 §4.3).
``CORRECTIONS`` adds what the package omits, each checked against the standard's text.

Writes ``src/ecozone/zoning/data/gbt4754_2017.csv`` (code, level, name, parent), deterministically.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import tarfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src" / "ecozone" / "zoning" / "data" / "gbt4754_2017.csv"
LICENSE_OUT = REPO / "src" / "ecozone" / "zoning" / "data" / "LICENSE.gbt4754"
DATA_MEMBER = "package/src/data.js"
LICENSE_MEMBER = "package/LICENSE"

# Groups (中类) the package leaves out: (division, group code, name). Group 403 钟表与计时仪器制造
# exists in GB/T 4754-2017 division 40 (仪器仪表制造业) and is undivided (class 4030).
CORRECTIONS: tuple[tuple[str, str, str], ...] = (("40", "403", "钟表与计时仪器制造"),)


def read_package(tgz: Path) -> tuple[dict[str, dict[str, str]], str]:
    """The nested code table and the licence text from the npm tarball."""
    with tarfile.open(tgz, "r:gz") as archive:
        source = archive.extractfile(DATA_MEMBER).read().decode("utf-8")  # type: ignore[union-attr]
        licence = archive.extractfile(LICENSE_MEMBER).read().decode("utf-8")  # type: ignore[union-attr]
    body = source[source.index("{") :].rstrip().rstrip(";")
    tree = json.loads(body)
    # A few names carry stray spaces (e.g. "村卫生室 "); the standard's names have none.
    return {key: {code: name.strip() for code, name in level.items()} for key, level in tree.items()}, licence


def apply_corrections(tree: dict[str, dict[str, str]]) -> None:
    for division, group, name in CORRECTIONS:
        tree[division].setdefault(group, name)
        tree[division] = dict(sorted(tree[division].items()))


def flatten(tree: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    """Rows in the standard's order: each section, then its divisions, groups and classes."""
    rows: list[dict[str, str]] = []
    for section, section_name in tree["0"].items():
        rows.append({"code": section, "level": "section", "name": section_name, "parent": ""})
        for division in sorted(tree[section]):
            rows.append({"code": division, "level": "division", "name": tree[section][division], "parent": section})
            for group in sorted(tree[division]):
                group_name = tree[division][group]
                rows.append({"code": group, "level": "group", "name": group_name, "parent": division})
                classes = tree.get(group) or {f"{group}0": group_name}
                for code in sorted(classes):
                    rows.append({"code": code, "level": "class", "name": classes[code], "parent": group})
    return rows


def write_table(rows: list[dict[str, str]], out: Path) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["code", "level", "name", "parent"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    out.write_text(buffer.getvalue(), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tarball", type=Path, help="element-china-category-data-1.0.4.tgz from `npm pack`")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    tree, licence = read_package(args.tarball)
    apply_corrections(tree)
    rows = flatten(tree)
    write_table(rows, args.out)
    LICENSE_OUT.write_text(licence, encoding="utf-8")
    counts = {level: sum(1 for r in rows if r["level"] == level) for level in ("section", "division", "group", "class")}
    print(f"wrote {args.out.relative_to(REPO)}: {counts}")


if __name__ == "__main__":
    main()
