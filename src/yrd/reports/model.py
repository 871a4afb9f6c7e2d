"""The report's document model: what an assessment says, apart from how it is typeset.

A `Report` is a title page (title, subtitle, `Meta`), main `Section`s and annex `Section`s; a section
holds blocks (`Paragraph`, `BulletList`, `Table`, `Figure`, `Note`). The model carries text in one
language, as written by whoever assembles the report; the renderers add only the fixed strings of
the layout (``labels.json``). Figures are specs (`LineChart`, `BarChart`, `ChoroplethMap`), drawn by
`yrd.reports.figures` once for every format, so HTML, PDF and DOCX show the same picture.

`validate` checks what a typesetter would otherwise trip over (duplicate or unusable ids, ragged
tables, unknown statuses) and says which block is wrong, as an `InputError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import ClassVar, Literal

from yrd.errors import InputError
from yrd.evaluate.status import Status  # one vocabulary for verdicts and their marks

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
Align = Literal["left", "right", "center"]
ALIGNS: tuple[Align, ...] = ("left", "right", "center")
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")


# ---------------------------------------------------------------------------------------------- status


@dataclass(frozen=True, slots=True)
class StatusStyle:
    """A status's ink colour, the light tint behind its table cell, and a mark whose shape differs
    from every other status's, so the table still reads when printed in black and white."""

    colour: str
    tint: str
    mark: str


# The one place status colours and marks are defined (every mark is in Noto Sans CJK SC).
STATUS_STYLES: dict[Status, StatusStyle] = {
    Status.ACHIEVED: StatusStyle("#0b5f8f", "#dbeafe", "★"),
    Status.ON_TRACK: StatusStyle("#15803d", "#dcfce7", "●"),
    Status.MODERATE: StatusStyle("#a16207", "#fef3c7", "◐"),
    Status.STAGNATING: StatusStyle("#c2410c", "#ffedd5", "◆"),
    Status.MOVING_AWAY: StatusStyle("#b91c1c", "#fee2e2", "▼"),
    Status.INSUFFICIENT_DATA: StatusStyle("#6b7280", "#f3f4f6", "○"),
}


# ---------------------------------------------------------------------------------------------- text


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of text, optionally strong (bold) or emphasised (italic in Latin, bold in Chinese)."""

    text: str
    strong: bool = False
    em: bool = False


Inline = str | Run | Sequence[str | Run]


def runs(content: Inline) -> tuple[Run, ...]:
    """Plain text or a mix of strings and runs, as runs."""
    if isinstance(content, str):
        return (Run(content),)
    if isinstance(content, Run):
        return (content,)
    return tuple(Run(c) if isinstance(c, str) else c for c in content)


def plain(content: Inline) -> str:
    """The text without its emphasis (for alt text, captions in lists)."""
    return "".join(r.text for r in runs(content))


# ---------------------------------------------------------------------------------------------- figures


@dataclass(frozen=True, slots=True)
class Series:
    """One line: (x, y) points, x a year (2023.5 for mid-2023)."""

    label: str
    points: Sequence[tuple[float, float]]


@dataclass(frozen=True, slots=True)
class LineChart:
    """Observed series against a target: the target as a point at ``target_x`` (or a line across when
    ``target_x`` is None), the path that would reach it (dashed) and the projection (dotted)."""

    series: Sequence[Series]
    unit: str = ""
    title: str = ""
    target: float | None = None
    target_x: float | None = None
    target_label: str = ""
    required_path: Sequence[tuple[float, float]] = ()
    projection: Sequence[tuple[float, float]] = ()
    y_from_zero: bool = False
    kind: ClassVar[str] = "line"


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of a ranking; ``low``/``high`` draw a whisker (a sensitivity range)."""

    label: str
    value: float | None
    low: float | None = None
    high: float | None = None
    highlight: bool = False


@dataclass(frozen=True, slots=True)
class BarChart:
    """Horizontal bars in the order given (the first at the top): rankings and index values."""

    bars: Sequence[Bar]
    unit: str = ""
    title: str = ""
    reference: float | None = None
    reference_label: str = ""
    kind: ClassVar[str] = "bar"


@dataclass(frozen=True, slots=True)
class ChoroplethMap:
    """Regions of one level (GB/T 2260 code → value, None for no data) shaded in ``classes`` equal
    steps of a sequential scale, with the provinces outlined on top."""

    values: Mapping[str, float | None]
    level: Literal["province", "prefecture", "county"] = "prefecture"
    unit: str = ""
    title: str = ""
    classes: int = 5
    cmap: str = "Blues"
    kind: ClassVar[str] = "map"


FigureSpec = LineChart | BarChart | ChoroplethMap


# ---------------------------------------------------------------------------------------------- blocks


@dataclass(slots=True)
class Paragraph:
    content: Inline
    kind: ClassVar[str] = "paragraph"


@dataclass(slots=True)
class BulletList:
    items: Sequence[Inline]
    ordered: bool = False
    kind: ClassVar[str] = "list"


CellValue = str | int | float | None


@dataclass(frozen=True, slots=True)
class Cell:
    """A table cell; with a status it shows the status's mark and word before (or instead of) the text."""

    value: CellValue = None
    status: Status | None = None


@dataclass(slots=True)
class Table:
    """Rows under a header; numbers are formatted by the renderers, strings shown as given."""

    header: Sequence[str]
    rows: Sequence[Sequence[Cell | CellValue]]
    caption: str = ""
    id: str = ""
    align: Sequence[Align] | None = None
    source: str = ""
    kind: ClassVar[str] = "table"

    def cells(self) -> list[list[Cell]]:
        return [[c if isinstance(c, Cell) else Cell(c) for c in row] for row in self.rows]

    def alignments(self) -> list[Align]:
        return list(self.align) if self.align is not None else ["left"] * len(self.header)


@dataclass(slots=True)
class Figure:
    """A chart or map with its caption; ``id`` also names its downloads (``<id>.svg``, ``<id>.png``)."""

    spec: FigureSpec
    caption: str
    id: str
    source: str = ""
    alt: str = ""
    kind: ClassVar[str] = "figure"


@dataclass(slots=True)
class Note:
    """A boxed remark: ``note`` (neutral) or ``warning`` (e.g. synthetic or provisional data)."""

    content: Inline
    title: str = ""
    tone: Literal["note", "warning"] = "note"
    kind: ClassVar[str] = "note"


Block = Paragraph | BulletList | Table | Figure | Note
BLOCK_TYPES: tuple[type, ...] = (Paragraph, BulletList, Table, Figure, Note)


# ---------------------------------------------------------------------------------------------- report


@dataclass(slots=True)
class Section:
    """A heading (level 1–3) and its blocks; sections are a flat list, levels give the outline."""

    heading: str
    id: str
    level: int = 1
    blocks: list[Block] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Source:
    """A data source the report used; listed in the closing annex the renderers add."""

    id: str
    title: str
    publisher: str = ""
    url: str = ""
    note: str = ""


@dataclass(slots=True)
class Meta:
    period: str = ""
    generated_at: date | datetime | None = None
    organisation: str = ""
    sources: list[Source] = field(default_factory=list)


@dataclass(slots=True)
class Report:
    title: str
    lang: Lang
    subtitle: str = ""
    meta: Meta = field(default_factory=Meta)
    sections: list[Section] = field(default_factory=list)
    annexes: list[Section] = field(default_factory=list)

    def figures(self) -> list[Figure]:
        """Every figure in document order."""
        return [b for s in [*self.sections, *self.annexes] for b in s.blocks if isinstance(b, Figure)]


# ---------------------------------------------------------------------------------------------- checks

RESERVED_IDS = frozenset({"contents", "sources", "title-page"})


def validate(report: Report) -> None:
    """Raise `InputError` naming the first thing a renderer could not typeset faithfully."""
    if report.lang not in LANGS:
        raise InputError(f"report language must be one of {', '.join(LANGS)}, not {report.lang!r}")
    seen: set[str] = set()

    def check_id(value: str, what: str) -> None:
        if not _ID.match(value):
            raise InputError(f"{what}: id {value!r} must start with a letter and use only A-Z a-z 0-9 _ -")
        if value in seen or value in RESERVED_IDS:
            raise InputError(f"{what}: id {value!r} is used twice (or reserved)")
        seen.add(value)

    for part, sections in (("section", report.sections), ("annex", report.annexes)):
        for s in sections:
            where = f"{part} {s.heading!r}"
            check_id(s.id, where)
            if s.level not in (1, 2, 3):
                raise InputError(f"{where}: level must be 1, 2 or 3, not {s.level!r}")
            for i, block in enumerate(s.blocks, 1):
                _check_block(block, f"{where}, block {i}", check_id)
    for src in report.meta.sources:
        check_id(src.id, f"source {src.title!r}")


def _check_block(block: object, where: str, check_id: Callable[[str, str], None]) -> None:
    if not isinstance(block, BLOCK_TYPES):
        raise InputError(f"{where}: {type(block).__name__} is not a block type")
    if isinstance(block, Table):
        if block.id:
            check_id(block.id, where)
        width = len(block.header)
        for n, row in enumerate(block.rows, 1):
            if len(row) != width:
                raise InputError(f"{where}: table row {n} has {len(row)} cells, the header {width}")
            for c in row:
                if isinstance(c, Cell) and c.status is not None and c.status not in STATUS_STYLES:
                    raise InputError(f"{where}: unknown status {c.status!r}")
        if block.align is not None and (
            len(block.align) != width or any(a not in ALIGNS for a in block.align)
        ):
            raise InputError(f"{where}: align needs one of {', '.join(ALIGNS)} per column")
    elif isinstance(block, Figure):
        check_id(block.id, where)
        if not isinstance(block.spec, LineChart | BarChart | ChoroplethMap):
            raise InputError(f"{where}: {type(block.spec).__name__} is not a figure spec")
