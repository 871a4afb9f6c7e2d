"""Extracted records made ready for pages: text split at record spans, sentences around a span, counts.

The pages of the Extraction capability and the chapter reader both show a record where it stands in
the text. Records point into ``unit.text["zh"]`` by character offsets; here the text is cut at those
offsets into `Segment`s (plain text, or text with its `Mark`), which the templates render escaped.

Overlapping spans (a place inside a project's name, a place inside a target's clause) cannot all be
marked, since a highlight is a link and links do not nest. The rule, `choose_marks`: **the longer
span wins**; on equal length the kind ranked first in `KIND_RANK` (target, fact, project, place),
then the earlier start. A span that overlaps a chosen one is left out, never cut.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from yrd.documents import store
from yrd.documents.model import Unit
from yrd.extract.model import Record
from yrd.extract.pipeline import list_records

# Which kinds the reader highlights, in the order that wins a tie (tasks span whole paragraphs).
KIND_RANK: dict[str, int] = {"target": 0, "fact": 1, "project": 2, "place": 3}
# What ends a sentence for `sentence_of` (a ； ends a clause of a long enumeration, which is enough).
SENTENCE_END = "。！？；"
ELLIPSIS = "…"


@dataclass(frozen=True)
class Mark:
    """A record shown in the text: its kind, the link to its page, and a label for the tooltip."""

    kind: str
    href: str
    record: Record
    label: str = ""


@dataclass(frozen=True)
class Segment:
    """A run of text, marked or plain."""

    text: str
    mark: Mark | None = None


def choose_marks(records: Iterable[Record]) -> list[Record]:
    """The records to highlight in one text: no two overlap; longer spans win (see the module doc)."""
    chosen: list[Record] = []
    ranked = sorted(
        (r for r in records if r.end > r.start and r.kind in KIND_RANK),
        key=lambda r: (-(r.end - r.start), KIND_RANK[r.kind], r.start),
    )
    for r in ranked:
        if all(r.end <= c.start or r.start >= c.end for c in chosen):
            chosen.append(r)
    return sorted(chosen, key=lambda r: r.start)


def segments(text: str, marks: Sequence[Mark], lo: int = 0, hi: int | None = None) -> list[Segment]:
    """``text[lo:hi]`` cut at the marks' spans (which must not overlap); a mark is clipped to the range."""
    hi = len(text) if hi is None else hi
    out: list[Segment] = []
    pos = lo
    for m in sorted(marks, key=lambda m: m.record.start):
        start, end = max(m.record.start, lo), min(m.record.end, hi)
        if end <= start or start < pos:
            continue
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], m))
        pos = end
    if pos < hi:
        out.append(Segment(text[pos:hi]))
    return out


def lead_and_body(unit: Unit, lang: str = "zh") -> tuple[tuple[int, int] | None, tuple[int, int]]:
    """Where a paragraph's lead phrase and body lie in its text, as `Unit.body` cuts them.

    The reader shows the lead in bold and then the body; a dash before the lead is not shown.
    """
    text = unit.text.get(lang, "")
    lead = unit.lead.get(lang, "")
    i = text.find(lead) if lead else -1
    if lead and 0 <= i <= 2 and not text[:i].strip("—- "):
        j = i + len(lead)
        while j < len(text) and text[j].isspace():
            j += 1
        return (i, i + len(lead)), (j, len(text))
    return None, (0, len(text))


def sentence_of(text: str, start: int, end: int, mark: Mark | None = None, limit: int = 110) -> list[Segment]:
    """The sentence around ``text[start:end]`` with that span marked, shortened to about ``limit``
    characters around the span (with an ellipsis where cut)."""
    lo = max((text.rfind(c, 0, start) for c in SENTENCE_END), default=-1) + 1
    ends = [i for i in (text.find(c, end) for c in SENTENCE_END) if i >= 0]
    hi = min(ends) + 1 if ends else len(text)
    while lo < start and text[lo] in "，、 ":
        lo += 1
    room = max(0, limit - (end - start))
    if (start - lo) + (hi - end) > room:
        before = min(start - lo, max(room // 3, room - (hi - end)))
        after = min(hi - end, room - before)
        lo, hi = start - before, end + after
    out = []
    if lo > 0 and text[lo - 1] not in SENTENCE_END:
        out.append(Segment(ELLIPSIS))
    if start > lo:
        out.append(Segment(text[lo:start]))
    out.append(Segment(text[start:end], mark))
    if hi > end:
        out.append(Segment(text[end:hi]))
    if hi < len(text) and text[hi - 1] not in SENTENCE_END:
        out.append(Segment(ELLIPSIS))
    return out


def place_mentions(session: Session) -> tuple[str, Counter[str]] | None:
    """How often the first plan with place records names each region or group: (plan id, counts by
    region code or group code); None when no plan has any. The regions page links its names with it."""
    for row in store.list_plans(session):
        found = list_records(session, row.id, "place")
        if found:
            return row.id, Counter(
                r.region_code or r.group_code for r in found if r.region_code or r.group_code
            )
    return None


def in_top(eid: str, top_eid: str) -> bool:
    """Whether a unit lies in (or is) a top-level unit."""
    return eid == top_eid or eid.startswith(top_eid + "__")


def chapter_marks(
    session: Session,
    plan_id: str,
    top: Unit,
    href: Callable[[Record], str],
    label: Callable[[Record], str],
) -> dict[str, dict[str, list[Segment] | None]]:
    """The Chinese text of each paragraph of a top-level unit, cut at its records' spans.

    Returns ``{eid: {"lead": segments or None, "body": segments}}`` for paragraphs with at least one
    mark; ``href`` and ``label`` give each record its link and tooltip.
    """
    by_eid: dict[str, list[Record]] = {}
    for kind in KIND_RANK:
        for r in list_records(session, plan_id, kind):
            if r.lang == "zh" and in_top(r.eid, top.eid):
                by_eid.setdefault(r.eid, []).append(r)
    out: dict[str, dict[str, list[Segment] | None]] = {}
    for unit in top.walk():
        if unit.kind != "paragraph" or unit.eid not in by_eid:
            continue
        text = unit.text.get("zh", "")
        marks = [Mark(r.kind, href(r), r, label(r)) for r in choose_marks(by_eid[unit.eid])]
        lead, body = lead_and_body(unit, "zh")
        out[unit.eid] = {
            "lead": segments(text, marks, *lead) if lead else None,
            "body": segments(text, marks, *body),
        }
    return out


def kinds_of(highlights: dict[str, dict[str, list[Segment] | None]]) -> list[str]:
    """The kinds of record marked in a chapter's highlights, in `KIND_RANK` order (for its legend)."""
    found = {
        s.mark.kind for parts in highlights.values() for part in parts.values() for s in part or () if s.mark
    }
    return [kind for kind in KIND_RANK if kind in found]


def as_plain(segs: Iterable[Segment]) -> str:
    """The text of some segments, joined (for tests and titles)."""
    return "".join(s.text for s in segs)


def unique(items: Iterable[Any]) -> list[Any]:
    """Items in first-seen order without repeats."""
    return list(dict.fromkeys(items))
