"""What every format lays out the same way: the order of sections and annexes (with the sources annex
added last), the annex letters, and the numbers of figures and tables.

The renderers read an `Arrangement` instead of the `Report`, so "Figure 3" and "Annex B" are the
same in the HTML, the PDF and the DOCX.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field

from yrd.reports.labels import format_day, label
from yrd.reports.model import (
    Block,
    BulletList,
    Figure,
    Paragraph,
    Report,
    Run,
    Section,
    Table,
    validate,
)

SOURCES_ID = "sources"


@dataclass(slots=True)
class Placed:
    """A section as typeset: its heading with any annex prefix."""

    section: Section
    heading: str
    annex: bool = False

    @property
    def id(self) -> str:
        return self.section.id

    @property
    def level(self) -> int:
        return self.section.level


@dataclass(slots=True)
class Arrangement:
    report: Report
    lang: str
    sections: list[Placed] = field(default_factory=list)
    numbers: dict[int, int] = field(default_factory=dict)  # id(block) → its figure or table number

    def number(self, block: Block) -> int:
        return self.numbers[id(block)]

    def caption(self, block: Figure | Table) -> str:
        """图1　… / Figure 1. … (just the label when there is no caption)."""
        key = "figure" if isinstance(block, Figure) else "table"
        head = label(key, self.lang, n=self.number(block))
        return head + label("caption_sep", self.lang) + block.caption if block.caption else head

    def source(self, block: Figure | Table) -> str:
        return label("source", self.lang, source=block.source) if block.source else ""

    def meta_line(self) -> list[str]:
        """Period and generation date, as shown under the title."""
        meta = self.report.meta
        out = []
        if meta.period:
            out.append(label("period", self.lang, period=meta.period))
        if meta.generated_at is not None:
            out.append(label("generated_on", self.lang, date=format_day(meta.generated_at, self.lang)))
        return out


def sources_section(report: Report) -> Section | None:
    """The closing annex listing every source in ``meta.sources`` (None when there are none)."""
    if not report.meta.sources:
        return None
    items: list[list[Run | str]] = []
    for s in report.meta.sources:
        item: list[Run | str] = [Run(s.title, strong=True)]
        for extra in (s.publisher, s.note, s.url):
            if extra:
                item.append(" · " + extra)
        items.append(item)
    lang = report.lang
    return Section(
        label("sources_annex", lang),
        SOURCES_ID,
        1,
        [Paragraph(label("sources_intro", lang)), BulletList(items)],
    )


def arrange(report: Report) -> Arrangement:
    """Validate the report and place its parts (raises `InputError` on a bad report)."""
    validate(report)
    out = Arrangement(report, report.lang)
    out.sections = [Placed(s, s.heading) for s in report.sections]
    annexes = list(report.annexes)
    closing = sources_section(report)
    if closing is not None:
        annexes.append(closing)
    letters = iter(string.ascii_uppercase * 2)
    for s in annexes:
        heading = s.heading
        if s.level == 1:
            prefix = label("annex", report.lang, letter=next(letters))
            heading = prefix + label("annex_sep", report.lang) + s.heading
        out.sections.append(Placed(s, heading, annex=True))
    figures = tables = 0
    for placed in out.sections:
        for block in placed.section.blocks:
            if isinstance(block, Figure):
                figures += 1
                out.numbers[id(block)] = figures
            elif isinstance(block, Table):
                tables += 1
                out.numbers[id(block)] = tables
    return out
