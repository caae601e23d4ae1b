"""Rank GB/T 4754-2017 classes (小类) for a project described in plain words.

Two signals, both offline and built once from the shipped table:

1. **Phrases**: a class's name, its plain words (``industry_synonyms.yaml``) and those of its group
   and division, found whole in the text. A phrase scores by its length and by how few classes
   share it (an IDF over classes), so "电解铝" outweighs "化工".
2. **TF-IDF**: cosine similarity of the text and each class over jieba words and character
   bigrams, so "种植黄芪等中药材" still meets "中草药种植" without an exact phrase.

The score orders candidates; it is no probability. The applicant confirms the code, and a
suggestion never enters a screening by itself.
"""

from __future__ import annotations

import math
import re
import threading
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import jieba

from ecozone.zoning.industries import Industry, IndustryLevel, industry_table

# Weights of where a phrase comes from: the class's own words count most; words inherited from
# its group or division only help to choose among siblings.
_SOURCE_WEIGHT = {"name": 1.0, "synonym": 1.0, "group": 0.5, "group_synonym": 0.5, "division": 0.25, "division_synonym": 0.35}
_SOURCE_LABEL = {
    "name": "名称",
    "synonym": "常用说法",
    "group": "所属中类",
    "group_synonym": "所属中类的常用说法",
    "division": "所属大类",
    "division_synonym": "所属大类的常用说法",
}
_TFIDF_WEIGHT = 2.0  # one full cosine match is worth a four-character phrase of a single class
_NOISE = re.compile(r"[\s\d.,，。;；:：、()（）/×xX*\-—~～%]+")
# Words of the description that say what kind of undertaking it is, not which industry.
_FILLER = ("项目", "建设", "新建", "扩建", "改扩建", "技改", "工程", "公司", "有限", "我要", "一个", "开一个", "拟建")


@dataclass(frozen=True)
class Suggestion:
    """One ranked class with the evidence for it."""

    industry: Industry
    score: float
    why: tuple[str, ...]

    def summary(self) -> dict:
        table = industry_table()
        group = table.by_code[self.industry.parent or ""]
        division = table.by_code[group.parent or ""]
        return {
            "full_code": self.industry.full_code,
            "code": self.industry.code,
            "name": self.industry.name,
            "score": round(self.score, 3),
            "why": list(self.why),
            "path": [division.label(), group.label()],
        }


@dataclass(frozen=True)
class _Phrase:
    text: str
    source: str


class _Index:
    """Phrases and TF-IDF vectors of every class, with inverted lists for both."""

    def __init__(self, classes: list[Industry], tokenizer: jieba.Tokenizer, with_synonyms: bool) -> None:
        self.classes = classes
        self.tokenizer = tokenizer
        self.with_synonyms = with_synonyms
        self.phrases: dict[str, list[tuple[int, str]]] = defaultdict(list)  # phrase → (class, source)
        self.features: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self._build(classes)

    def _build(self, classes: list[Industry]) -> None:
        documents = []
        for index, entry in enumerate(classes):
            phrases = _phrases_of(entry, self.with_synonyms)
            seen: set[str] = set()
            for phrase in phrases:
                if phrase.text not in seen:
                    seen.add(phrase.text)
                    self.phrases[phrase.text].append((index, phrase.source))
            own = [p.text for p in phrases if p.source in ("name", "synonym", "group")]
            documents.append(self.featurize(" ".join(own)))
        count = len(classes)
        frequency: dict[str, int] = defaultdict(int)
        for document in documents:
            for feature in document:
                frequency[feature] += 1
        self.idf = {f: math.log(1 + count / df) for f, df in frequency.items()}
        for index, document in enumerate(documents):
            weights = {f: tf * self.idf[f] for f, tf in document.items()}
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            for feature, weight in weights.items():
                self.features[feature].append((index, weight / norm))
        self.phrase_idf = {p: math.log(1 + count / len({i for i, _ in hits})) for p, hits in self.phrases.items()}

    def featurize(self, text: str) -> dict[str, int]:
        """Word and character-bigram counts of a text (digits and punctuation dropped)."""
        counts: dict[str, int] = defaultdict(int)
        for chunk in _NOISE.split(text):
            if not chunk:
                continue
            for word in self.tokenizer.cut_for_search(chunk):
                if len(word) >= 2:
                    counts["w:" + word] += 1
            for i in range(len(chunk) - 1):
                counts["b:" + chunk[i : i + 2]] += 1
        return counts


def _phrases_of(entry: Industry, with_synonyms: bool) -> list[_Phrase]:
    table = industry_table()
    group = table.by_code[entry.parent or ""]
    division = table.by_code[group.parent or ""]
    phrases = [_Phrase(entry.name, "name")]
    if group.name != entry.name:
        phrases.append(_Phrase(group.name, "group"))
    phrases.append(_Phrase(division.name, "division"))
    if with_synonyms:
        phrases += [_Phrase(w, "synonym") for w in entry.aliases]
        phrases += [_Phrase(w, "group_synonym") for w in group.aliases]
        phrases += [_Phrase(w, "division_synonym") for w in division.aliases]
    return phrases


_BUILDING = threading.Lock()  # a server warming up in the background and a first query build once


def _index(with_synonyms: bool = True) -> _Index:
    """The index, built once; ``with_synonyms=False`` (names only) is measured in benchmarks."""
    with _BUILDING:
        return _build_index(with_synonyms)


@lru_cache(maxsize=2)
def _build_index(with_synonyms: bool) -> _Index:
    tokenizer = jieba.Tokenizer()  # its own instance: no global jieba state is touched
    jieba.setLogLevel(60)  # jieba prints its dictionary loading to stderr otherwise
    table = industry_table()
    for entry in table.ordered:
        for word in (*(entry.aliases if with_synonyms else ()), entry.name):
            tokenizer.add_word(word)
    classes = [e for e in table.ordered if e.level is IndustryLevel.CLASS]
    return _Index(classes, tokenizer, with_synonyms)


def warm_up() -> None:
    """Build the index now (a second or more: jieba loads its dictionary) instead of on the first query."""
    _index()


def _clean(text: str) -> str:
    for word in _FILLER:
        text = text.replace(word, " ")
    return text


def rank_classes(text: str, limit: int = 5, with_synonyms: bool = True) -> list[Suggestion]:
    """The ``limit`` best classes for ``text``; empty when nothing in it matches any class."""
    index = _index(with_synonyms)
    query = _clean(text)
    scores: dict[int, float] = defaultdict(float)
    evidence: dict[int, list[str]] = defaultdict(list)
    for phrase, hits in index.phrases.items():
        if phrase not in query:
            continue
        for class_index, source in hits:
            scores[class_index] += _SOURCE_WEIGHT[source] * len(phrase) * index.phrase_idf[phrase]
            evidence[class_index].append(f"{_SOURCE_LABEL[source]}「{phrase}」")
    _add_tfidf(index, query, scores, evidence)
    ranked = sorted(scores, key=lambda i: (-scores[i], index.classes[i].code))[:limit]
    return [Suggestion(index.classes[i], scores[i], tuple(dict.fromkeys(evidence[i]))) for i in ranked]


def _add_tfidf(index: _Index, query: str, scores: dict[int, float], evidence: dict[int, list[str]]) -> None:
    counts = index.featurize(query)
    weights = {f: tf * index.idf[f] for f, tf in counts.items() if f in index.idf}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    shared: dict[int, list[tuple[float, str]]] = defaultdict(list)
    for feature, weight in weights.items():
        for class_index, doc_weight in index.features[feature]:
            contribution = weight / norm * doc_weight
            scores[class_index] += _TFIDF_WEIGHT * contribution
            if feature.startswith("w:"):
                shared[class_index].append((contribution, feature[2:]))
    for class_index, words in shared.items():
        best = [w for _, w in sorted(words, reverse=True)[:3]]
        evidence[class_index].append("相同词语：" + "、".join(best))


def substring_peer(text: str, limit: int = 5) -> list[Industry]:
    """The peer measured in benchmarks: classes whose name occurs in the text or contains it."""
    table = industry_table()
    query = _clean(text).strip()
    classes = [e for e in table.ordered if e.level is IndustryLevel.CLASS]
    hits = [e for e in classes if e.name in query or (query and query in e.name)]
    hits.sort(key=lambda e: -len(e.name))
    return hits[:limit]
