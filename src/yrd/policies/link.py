"""Link the units of a follow-up plan or policy to the Outline measures they carry out (the "1+N").

A coordinator confirms links; the engine only proposes them, ranked, each with the reasons a person
can check at a glance. Everything is computed offline from the texts and the extraction records:

* lexical retrieval: BM25 over Chinese character bigrams (plus Latin/digit words such as 5G, G60,
  LNG). Chinese has no spaces and follow-up documents paraphrase, so bigrams match where a word
  segmenter would need a model. The genre's own verbs and slogans (推进, 加强, 一体化, 长三角 …)
  occur everywhere; IDF already weighs them down and a stop list weighs them down further;
* entity overlap: places (region codes, from the place extractor), named projects and the
  indicators of the targets, each adding a bonus weighed by how rare the entity is in the Outline.

The index is built once per Outline (dense numpy matrices: the Outline has ~100 measures and a few
thousand distinct bigrams), so linking a paragraph is one vector product.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from yrd.documents.model import Plan, Unit
from yrd.extract.model import Fact, PlaceMention, Project, Record, Target

LANG = "zh"
ReasonKind = Literal["terms", "places", "projects", "indicators"]

# BM25 parameters (the usual defaults) and the weight of the lead phrase, which names the measure.
K1 = 1.2
B = 0.75
LEAD_WEIGHT = 2
# Genre words of Chinese plans: their bigrams occur everywhere and count for little.
_STOP_TEXT = (
    "推进 加强 建设 发展 推动 一体化 长三角 长江三角洲 "
    "三角洲 提升 加快 完善 健全 建立 促进 支持 鼓励 实施 "
    "深化 强化 积极 全面 进一步 共同 合力 协同 统筹 探索 "
    "构建 打造 形成 开展 提高 优化 创新 机制 体系 水平 "
    "能力 区域 我省 我市 全省 全市 地区 重点 有关 相关 "
    "工作 方面 领域 落实 任务 措施 方案 计划 行动 按照 "
    "围绕 依托 着力 大力 切实 不断 加大 力度 以及 等等 "
    "实现 有效 主要 重要 一批 各类 各级 三省一市"
)
STOP_WORDS: tuple[str, ...] = tuple(_STOP_TEXT.split())
STOP_WEIGHT = 0.25
# Bonus per shared entity, in BM25 units, multiplied by the entity's IDF share (1 for the rarest).
PLACE_BONUS = 1.5
PROJECT_BONUS = 4.0
INDICATOR_BONUS = 3.0
MAX_TERMS = 8

_RUN = re.compile(r"[\u3400-\u9fff]+|[A-Za-z0-9][A-Za-z0-9.+\-]*")
_CJK = re.compile(r"[\u3400-\u9fff]")
_FUNCTION = "和与及等的在为对将并或及其"


@dataclass(frozen=True)
class Reason:
    """Why a unit was suggested: the shared terms, places, projects or indicators, quoted."""

    kind: ReasonKind
    items: list[str]


@dataclass(frozen=True)
class Suggestion:
    """One candidate Outline unit for a policy unit, with its score and reasons."""

    eid: str
    score: float
    reasons: list[Reason] = field(default_factory=list)


@dataclass
class OutlineIndex:
    """The precomputed BM25 weights and entity sets of an Outline's measure units."""

    eids: list[str]
    texts: list[str]
    vocab: dict[str, int]
    idf: np.ndarray
    weights: np.ndarray  # units × terms: the BM25 weight of each term in each unit
    lengths: np.ndarray
    places: list[dict[str, str]]  # per unit: region or group code → the name the Outline uses
    projects: list[set[str]]
    indicators: list[set[str]]
    entity_idf: dict[str, float]  # "place:310000", "project:…", "indicator:…" → IDF share in 0..1


def _stop_bigrams() -> frozenset[str]:
    return frozenset(w[i : i + 2] for w in STOP_WORDS for i in range(len(w) - 1))


_STOP = _stop_bigrams()


def terms(text: str) -> list[str]:
    """The index terms of a text: character bigrams of each Chinese run, Latin/digit words whole."""
    out: list[str] = []
    for m in _RUN.finditer(text):
        run = m.group()
        if _CJK.match(run):
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
        elif len(run) >= 2 or run.isdigit():
            out.append(run.upper())
    return out


def _unit_text(unit: Unit) -> str:
    return unit.text.get(LANG, "")


def _target_units(outline: Plan, records: Sequence[Record]) -> list[Unit]:
    """The Outline's measure paragraphs (the task records' units), else every paragraph with text."""
    by_eid = {u.eid: u for u in outline.walk()}
    eids = list(dict.fromkeys(r.eid for r in records if r.kind == "task" and r.eid in by_eid))
    if eids:
        return [by_eid[e] for e in eids]
    return [u for u in outline.walk() if u.kind == "paragraph" and _unit_text(u)]


def _entity_idf(sets: Sequence[Iterable[str]]) -> dict[str, float]:
    """Each entity's IDF over the units, scaled so the rarest entity gets 1."""
    n = len(sets)
    df: Counter[str] = Counter(e for s in sets for e in set(s))
    top = math.log(1 + n) or 1.0
    return {e: math.log(1 + n / c) / top for e, c in df.items()}


def build_index(outline: Plan, records: Sequence[Record] | None = None) -> OutlineIndex:
    """Index an Outline's measure units; ``records`` default to running every extractor on it."""
    if records is None:
        from yrd.extract.pipeline import run_extractors

        records = run_extractors(outline)
    units = _target_units(outline, records)
    texts = [_unit_text(u) for u in units]
    counts: list[Counter[str]] = []
    for unit, text in zip(units, texts, strict=True):
        c = Counter(terms(text))
        lead = unit.lead.get(LANG) or unit.heading.get(LANG) or ""
        for t in terms(lead):
            c[t] += LEAD_WEIGHT - 1
        counts.append(c)
    vocab = {t: i for i, t in enumerate(sorted({t for c in counts for t in c}))}
    tf = np.zeros((len(units), len(vocab)), dtype=np.float64)
    for row, c in enumerate(counts):
        for t, n in c.items():
            tf[row, vocab[t]] = n
    n_docs = max(len(units), 1)
    df = (tf > 0).sum(axis=0)
    idf = np.log(1 + (n_docs - df + 0.5) / (df + 0.5))
    stop = np.array([t in _STOP for t in vocab], dtype=bool)
    idf[stop] *= STOP_WEIGHT
    lengths = tf.sum(axis=1)
    avg = float(lengths.mean()) if len(units) else 1.0
    norm = K1 * (1 - B + B * lengths / (avg or 1.0))
    weights = idf * tf * (K1 + 1) / (tf + norm[:, None])

    pos = {u.eid: i for i, u in enumerate(units)}
    places: list[dict[str, str]] = [{} for _ in units]
    projects: list[set[str]] = [set() for _ in units]
    indicators: list[set[str]] = [set() for _ in units]
    for r in records:
        i = pos.get(r.eid)
        if i is None:
            continue
        if isinstance(r, PlaceMention):
            code = r.region_code or r.group_code
            if code and r.status == "resolved":
                places[i].setdefault(code, r.name)
        elif isinstance(r, Project) and len(r.name) >= 3:
            projects[i].add(r.name)
        elif isinstance(r, Target | Fact) and len(r.indicator) >= 3:
            indicators[i].add(r.indicator)
    entity_idf = _entity_idf(
        [
            [f"place:{c}" for c in p] + [f"project:{x}" for x in j] + [f"indicator:{x}" for x in d]
            for p, j, d in zip(places, projects, indicators, strict=True)
        ]
    )
    return OutlineIndex(
        eids=[u.eid for u in units], texts=texts, vocab=vocab, idf=idf, weights=weights, lengths=lengths,
        places=places, projects=projects, indicators=indicators, entity_idf=entity_idf,
    )  # fmt: skip


def query_places(text: str) -> dict[str, str]:
    """The resolved places a policy text names (region or group code → name), by the place scanner."""
    from yrd.extract.places import index_for, scan

    out: dict[str, str] = {}
    for hit in scan(text, index_for()):
        if hit.is_place and hit.code and hit.status == "resolved":
            out.setdefault(hit.code, hit.name)
    return out


def _places_of(entities: Sequence[Record] | None, text: str) -> dict[str, str]:
    if entities is None:
        return query_places(text)
    out: dict[str, str] = {}
    for r in entities:
        if isinstance(r, PlaceMention) and r.status == "resolved" and (code := r.region_code or r.group_code):
            out.setdefault(code, r.name)
    return out


def shared_runs(query: str, text: str, min_len: int = 2) -> list[str]:
    """Maximal runs of characters the query shares with the text, longest first, without overlaps.

    Runs stay within a Chinese or Latin run (never across punctuation) and lose a dangling function
    character (和, 的 …), so they read as words: 联络线增容 rather than 千伏联 + 络线增容.
    """
    found: list[tuple[int, int, str]] = []
    for m in _RUN.finditer(query):
        run = m.group()
        longest = []
        for i in range(len(run)):
            n = 0
            while i + n < len(run) and run[i : i + n + 1] in text:
                n += 1
            longest.append(n)
        taken = [False] * len(run)
        for i in sorted(range(len(run)), key=lambda j: (-longest[j], j)):
            end = i
            while end < i + longest[i] and not taken[end]:
                end += 1
            piece = run[i:end]
            lead = len(piece) - len(piece.lstrip(_FUNCTION))
            piece = piece.strip(_FUNCTION)
            if len(piece) >= min_len:
                found.append((m.start() + i + lead, -len(piece), piece))
                for j in range(i, end):
                    taken[j] = True
    pieces = list(dict.fromkeys(piece for _, _, piece in sorted(found)))
    # a piece found again inside a longer one (地养老 beside 异地养老) adds nothing
    return [p for p in pieces if not any(p != q and p in q for q in pieces)]


def _term_reason(index: OutlineIndex, query: str, text: str) -> list[str]:
    """The shared runs that carry weight, most informative first."""
    scored = []
    for run in shared_runs(query, text):
        grams = terms(run)
        weight = sum(float(index.idf[index.vocab[g]]) for g in grams if g in index.vocab)
        if any(g not in _STOP for g in grams) and weight > 0:
            scored.append((-weight, run))
    return [run for _, run in sorted(scored)[:MAX_TERMS]]


def _bonuses(
    index: OutlineIndex, row: int, text: str, places: dict[str, str], common: dict[str, float]
) -> tuple[float, list[Reason]]:
    """The entity bonus of one unit for a query, with the reasons behind it."""
    bonus, reasons = 0.0, []
    shared = sorted(c for c in index.places[row] if c in places)
    if shared:
        bonus += PLACE_BONUS * sum(index.entity_idf[f"place:{c}"] * common.get(c, 1.0) for c in shared)
        reasons.append(Reason("places", [index.places[row][c] for c in shared]))
    named: tuple[tuple[ReasonKind, str, set[str], float], ...] = (
        ("projects", "project", index.projects[row], PROJECT_BONUS),
        ("indicators", "indicator", index.indicators[row], INDICATOR_BONUS),
    )
    for kind, key, items, weight in named:
        if hits := sorted(x for x in items if x in text):
            bonus += weight * sum(index.entity_idf[f"{key}:{x}"] for x in hits)
            reasons.append(Reason(kind, hits))
    return bonus, reasons


@dataclass(frozen=True)
class Background:
    """How common each term and place is across the paragraphs of the document being linked.

    A term the document uses in most of its paragraphs (本市, 示范区, the partner provinces' names) is
    its own vocabulary, not evidence of which measure one paragraph carries out, so it weighs less,
    as IDF discounts a term common across a collection. Weights run from ``FLOOR`` to 1.
    """

    terms: dict[str, float]
    places: dict[str, float]

    FLOOR = 0.2
    MIN_PARAGRAPHS = 8  # fewer paragraphs say too little about what is common

    @classmethod
    def of(cls, texts: Sequence[str], places: Sequence[Iterable[str]]) -> Background:
        n = len(texts)
        if n < cls.MIN_PARAGRAPHS:
            return cls({}, {})
        top = math.log(1 + n)

        def weights(df: Counter[str]) -> dict[str, float]:
            return {t: max(cls.FLOOR, math.log(1 + n / c) / top) for t, c in df.items() if c > 1}

        return cls(weights(Counter(t for x in texts for t in set(terms(x)))),
                   weights(Counter(c for p in places for c in set(p))))  # fmt: skip


_NO_BACKGROUND = Background({}, {})


def suggest(
    index: OutlineIndex,
    text: str,
    entities: Sequence[Record] | None = None,
    k: int = 5,
    background: Background = _NO_BACKGROUND,
    places: dict[str, str] | None = None,
) -> list[Suggestion]:
    """The ``k`` Outline units a policy text most likely carries out, best first, with reasons.

    ``entities`` are the policy unit's extraction records (its places); without them the places are
    scanned from the text (``places``: already found, by code). ``background`` discounts what the
    whole document says everywhere. Ties
    are broken by document order, so the result is deterministic.
    """
    if not index.eids or not text.strip():
        return []
    q = Counter(g for g in terms(text) if g in index.vocab)
    if q:
        cols = np.fromiter((index.vocab[g] for g in q), dtype=np.int64, count=len(q))
        # each query term counts once per occurrence, saturated like a short document's
        qw = np.fromiter(q.values(), dtype=np.float64, count=len(q))
        common = np.fromiter((background.terms.get(g, 1.0) for g in q), dtype=np.float64, count=len(q))
        scores = index.weights[:, cols] @ (common * qw * (K1 + 1) / (qw + K1))
    else:
        scores = np.zeros(len(index.eids))
    if places is None:
        places = _places_of(entities, text)
    extra: dict[int, tuple[float, list[Reason]]] = {}
    for row in range(len(index.eids)):
        if index.places[row].keys() & places.keys() or index.projects[row] or index.indicators[row]:
            bonus, reasons = _bonuses(index, row, text, places, background.places)
            if reasons:
                extra[row] = (bonus, reasons)
                scores[row] += bonus
    order = sorted(range(len(scores)), key=lambda r: (-round(float(scores[r]), 9), r))[:k]
    out = []
    for row in order:
        score = float(scores[row])
        if score <= 0:
            break
        reasons = []
        if shared := _term_reason(index, text, index.texts[row]):
            reasons.append(Reason("terms", shared))
        reasons.extend(extra.get(row, (0.0, []))[1])
        out.append(Suggestion(index.eids[row], round(score, 4), reasons))
    return out


# Below this a suggestion is noise: on the labelled set unrelated text tops out near 4.5 and the weakest
# correct match scores about 11 (tests/policies/test_link.py, bench/bench_link.py).
MIN_SCORE = 8.0


def link_plan(
    index: OutlineIndex,
    policy: Plan,
    k: int = 5,
    records: Sequence[Record] | None = None,
    min_score: float = MIN_SCORE,
) -> dict[str, list[Suggestion]]:
    """Suggestions for every paragraph of a policy document's body, keyed by the paragraph's eId;
    those scoring under ``min_score`` are left out, so a banner or a signature line proposes nothing.

    The preamble (a notice's cover text, the "为贯彻落实《纲要》……制定本方案" opening) is skipped: it
    names the Outline as a whole, so every measure would match it and none is carried out by it.

    ``records`` are the policy's own extraction records, if it has been extracted; otherwise each
    paragraph's places are scanned from its text.
    """
    by_eid: dict[str, list[Record]] = {}
    for r in records or ():
        by_eid.setdefault(r.eid, []).append(r)
    units = [
        u for u in policy.walk()
        if u.kind == "paragraph" and _unit_text(u) and not u.eid.startswith(("preface", "intro"))
    ]  # fmt: skip
    entities = {u.eid: by_eid.get(u.eid) if records is not None else None for u in units}
    places = [_places_of(entities[u.eid], _unit_text(u)) for u in units]
    background = Background.of([_unit_text(u) for u in units], places)
    out: dict[str, list[Suggestion]] = {}
    for unit, found_places in zip(units, places, strict=True):
        found = suggest(index, _unit_text(unit), entities[unit.eid], k, background, found_places)
        out[unit.eid] = [s for s in found if s.score >= min_score]
    return out
