"""The plan tree: one work (the plan) with its units, each carrying text per language.

A `Plan` is the *work*; its Chinese and English texts are *expressions* that live side by side on
each `Unit` (``heading``/``lead``/``text`` are keyed by language code). Unit ids follow Akoma Ntoso
eId conventions (``chp_5__sec_1__para_3``) so that the same text always gives the same ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

UnitKind = Literal["front", "preamble", "part", "chapter", "section", "paragraph"]
LANGS: tuple[str, ...] = ("zh", "en")

# eId prefixes as used by Akoma Ntoso (`chp`, `sec`, `para`); `preface` and `intro` stand for the
# preamble and the news lead printed before the table of contents.
EID_PREFIX: dict[str, str] = {
    "front": "intro",
    "preamble": "preface",
    "part": "part",
    "chapter": "chp",
    "section": "sec",
    "paragraph": "para",
}


@dataclass
class Unit:
    """One citable unit of a plan: a chapter, section or paragraph (or the preamble)."""

    kind: UnitKind
    num: int | None = None
    heading: dict[str, str] = field(default_factory=dict)
    lead: dict[str, str] = field(default_factory=dict)
    text: dict[str, str] = field(default_factory=dict)
    children: list[Unit] = field(default_factory=list)
    eid: str = ""
    line: int | None = None
    # Confidence (0..1) of the pairing of this unit's English with its Chinese; None if no English.
    align_score: float | None = None

    def walk(self) -> Iterator[Unit]:
        """Yield this unit and all its descendants in document order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def body(self, lang: str) -> str:
        """Text after the lead phrase (the whole text when there is no lead)."""
        text = self.text.get(lang, "")
        lead = self.lead.get(lang, "")
        i = text.find(lead) if lead else -1
        # the lead may follow a dash ("——坚持创新共建。"), which is part of the text, not the lead
        if lead and 0 <= i <= 2 and not text[:i].strip("—- "):
            return text[i + len(lead) :].lstrip()
        return text


@dataclass
class TocEntry:
    """A line of the table of contents: a chapter or section heading as the contents list it."""

    kind: UnitKind
    num: int | None
    title: str
    line: int | None = None


@dataclass
class Problem:
    """Something a reader or parser noticed: a warning keeps the load going, an error stops it."""

    level: Literal["warning", "error"]
    message: str
    line: int | None = None
    column: int | None = None
    source: str | None = None

    def __str__(self) -> str:
        where = []
        if self.source:
            where.append(self.source)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


@dataclass
class Plan:
    """A plan document (the work) with its tree, its contents list and what loading it found."""

    id: str = ""
    title: dict[str, str] = field(default_factory=dict)
    date: str | None = None
    issuer: dict[str, str] = field(default_factory=dict)
    units: list[Unit] = field(default_factory=list)
    toc: list[TocEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    langs: list[str] = field(default_factory=lambda: ["zh"])

    def walk(self) -> Iterator[Unit]:
        """Every unit of the plan in document order."""
        for unit in self.units:
            yield from unit.walk()

    def find(self, eid: str) -> Unit | None:
        """The unit with this eId, if any."""
        return next((u for u in self.walk() if u.eid == eid), None)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]


def assign_eids(units: list[Unit], prefix: str = "") -> None:
    """Give every unit its eId from its kind and number, as Akoma Ntoso does (stable for a text)."""
    for unit in units:
        part = EID_PREFIX[unit.kind]
        if unit.num is not None:
            part = f"{part}_{unit.num}"
        unit.eid = f"{prefix}__{part}" if prefix else part
        assign_eids(unit.children, unit.eid)
