"""The stages every importer shares: bytes → grid of cells → raw records → checked observations.

A *reader* (one per format: tidy, nbs, wide) turns a `Grid` into `RawRecord`s, each cell still as the
file wrote it and still pointing at its row and column. `Resolver` then turns raw records into
`ObservationIn`s, resolving regions and indicators, parsing periods and numbers, converting units
and checking bounds; every problem becomes an `Issue` that names file, row, column and value.
Nothing is written until every file has been read and checked (see `yrd.stats.importers.run`).
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
import unicodedata
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any, ClassVar, NamedTuple, Protocol

from yrd.documents.readers import decode
from yrd.errors import InputError
from yrd.stats.model import Indicator, ObservationIn, Status

# The plan's range: the Outline's data start with the 2000s and its outlook ends in 2035.
FIRST_PERIOD, LAST_PERIOD = 2000, 2035
# How many issues an error message lists before "… and N more".
MAX_SHOWN = 50
# Cells that mean "no figure": the NBS portal writes —, … or nothing; never zero.
MISSING = frozenset(
    {"", "—", "——", "–", "-", "--", "…", "……", "...", "..", "．．．", "NA", "N/A", "n/a", "#N/A"}
)
STATUSES: dict[str, Status] = {
    "official": "official",
    "正式": "official",
    "provisional": "provisional",
    "初步": "provisional",
    "初步核算": "provisional",
    "revised": "revised",
    "修订": "revised",
    "estimate": "estimate",
    "估计": "estimate",
    "估算": "estimate",
    "secondary": "secondary",
    "转引": "secondary",
}
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"


# ---------------------------------------------------------------------------------------------- issues


@dataclass(frozen=True)
class Issue:
    """One thing wrong with one cell (or one file), said so a user can find it."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    header: str | None = None
    value: Any = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(
                f"row {self.row}" + (f" ({self.header})" if self.header and self.column is None else "")
            )
        if self.column is not None:
            where.append(f"column {self.column}" + (f" ({self.header})" if self.header else ""))
        shown = "" if self.value is None else f": {_show(self.value)}"
        return f"{', '.join(where)}: {self.message}{shown}"


def _show(value: Any) -> str:
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


class ImportFailed(InputError):
    """The files have errors; nothing was written. ``issues`` lists every one of them."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues = list(issues)
        lines = [str(i) for i in self.issues[:MAX_SHOWN]]
        if len(self.issues) > MAX_SHOWN:
            lines.append(f"… and {len(self.issues) - MAX_SHOWN} more errors")
        noun = "error" if len(self.issues) == 1 else "errors"
        super().__init__(f"{len(self.issues)} {noun}, nothing imported:\n" + "\n".join(lines))

    def lines(self, limit: int = MAX_SHOWN) -> list[str]:
        """One line per issue, capped, with a closing count of the rest."""
        shown = [str(i) for i in self.issues[:limit]]
        if len(self.issues) > limit:
            shown.append(f"… and {len(self.issues) - limit} more errors")
        return shown


# ---------------------------------------------------------------------------------------------- grids


Value = str | int | float | None


@dataclass
class Grid:
    """A table as read: rows of cells, numbered as the user's editor or spreadsheet numbers them."""

    name: str
    rows: list[tuple[int, list[Value]]]
    container: str  # csv or xlsx
    encoding: str = ""
    letters: bool = False  # columns shown as spreadsheet letters (A, B …) rather than numbers

    def column_name(self, index: int) -> str:
        """How a user finds the column with this 0-based index."""
        return column_letter(index) if self.letters else str(index + 1)


def column_letter(index: int) -> str:
    """A, B … Z, AA … for a 0-based column index."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def cell_text(value: Value) -> str:
    """A cell as text: numbers from a spreadsheet without a spurious ".0" on whole numbers."""
    if value is None:
        return ""
    if isinstance(value, str):
        if value.isascii():  # ASCII is already NFKC: skip the normalisation (most cells of a big file)
            return value.strip()
        return unicodedata.normalize("NFKC", value).strip()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return unicodedata.normalize("NFKC", str(value)).strip()


def plain_text(value: Value) -> str:
    """Free text (a source, a note) as written: stripped, but not normalised."""
    return "" if value is None else str(value).strip()


def read_grid(data: bytes, name: str, sheet: str | None = None) -> Grid:
    """A CSV (UTF-8, BOM or GB18030/GBK, detected) or an .xlsx sheet as a grid.

    Raises:
        InputError: unreadable, legacy .xls, or not text in a known encoding.
    """
    if data.startswith(_XLS_MAGIC):
        raise InputError(f"{name}: a legacy .xls workbook; open it and save it as .xlsx or CSV first")
    if data.startswith(_XLSX_MAGIC):
        return _read_xlsx(data, name, sheet)
    try:
        text, encoding = decode(data, name)
    except UnicodeDecodeError as exc:  # decode() lets this through after a BOM; said here with its place
        offset = exc.start + 3
        line = data.count(b"\n", 0, offset) + 1
        raise InputError(
            f"{name}: line {line}: bytes not valid UTF-8 after the BOM ({data[offset : offset + 4].hex(' ')})"
        ) from None
    except InputError as exc:
        raise InputError(
            str(exc).replace("a binary file, not plan text", "a binary file, not a table")
        ) from None
    return Grid(name, _csv_rows(text), "csv", encoding)


def _csv_rows(text: str) -> list[tuple[int, list[Value]]]:
    reader = csv.reader(io.StringIO(text.replace("\x00", "")))
    rows: list[tuple[int, list[Value]]] = []
    start = 1
    try:
        for cells in reader:
            rows.append((start, list(cells)))
            start = reader.line_num + 1
    except csv.Error:  # an unclosed quote at the end: what was read is what there is
        pass
    return rows


def _read_xlsx(data: bytes, name: str, sheet: str | None) -> Grid:
    import openpyxl  # imported here: only Excel imports pay for it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError) as exc:
        raise InputError(f"{name}: not a readable Excel workbook ({type(exc).__name__})") from None
    except Exception as exc:  # openpyxl raises many kinds on a damaged file; all mean the same to a user
        raise InputError(f"{name}: not a readable Excel workbook ({type(exc).__name__})") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise InputError(f"{name}: no sheet {sheet!r} (the workbook has {', '.join(book.sheetnames)})")
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        rows: list[tuple[int, list[Value]]] = []
        for no, values in enumerate(ws.iter_rows(values_only=True), start=1):
            rows.append((no, [_xlsx_value(v) for v in values]))
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"{name}: not a readable Excel workbook ({type(exc).__name__})") from None
    finally:
        book.close()
    return Grid(f"{name}" if sheet is None else f"{name}[{sheet}]", rows, "xlsx", "", letters=True)


def _xlsx_value(v: Any) -> Value:
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if v is None or (isinstance(v, (str, int, float)) and not isinstance(v, bool)):
        return v  # type: ignore[no-any-return]
    return str(v)


def looks_nbs(grid: Grid) -> bool:
    """An NBS portal export starts with lines such as 数据库：分省年度数据 and 指标：…."""
    for _, cells in grid.rows[:6]:
        first = cell_text(cells[0]) if cells else ""
        if re.match(r"^(数据库|指标|地区|时间)[:：]", first):
            return True
    return False


# ---------------------------------------------------------------------------------------------- records


class Cell(NamedTuple):
    """A value and where it was: a column of a row, or a header line or the mapping.

    A named tuple rather than a dataclass: an import of a million rows builds nine a row.
    """

    value: Value
    column: str | None = None
    header: str | None = None
    row: int | None = None  # for values from header lines, the line they came from


@dataclass
class RawRecord:
    """One would-be observation, every part still as written."""

    file: str
    row: int
    region: Cell
    indicator: Cell
    period: Cell
    value: Cell
    unit: Cell
    source: Cell
    status: Cell = field(default_factory=lambda: Cell("official"))
    note: Cell = field(default_factory=lambda: Cell(""))
    published: Cell = field(default_factory=lambda: Cell(""))


class Reader(ABC):
    """One input format: a grid in, raw records (and issues about the file's shape) out."""

    format: ClassVar[str] = ""

    @abstractmethod
    def records(self, grid: Grid) -> tuple[list[RawRecord], list[Issue]]:
        """The records of a grid, and what is wrong with its shape."""


# ---------------------------------------------------------------------------------------------- resolving


class RegistryLike(Protocol):
    """What the importers need of the indicator registry (`yrd.stats.registry.Registry`)."""

    def resolve(self, label: str) -> Indicator | None: ...
    def suggest(self, label: str) -> list[str]: ...
    def convert(self, value: float, from_unit: str, to_unit: str) -> float: ...


# GB/T 2260 provincial units outside the Delta, and the national total the portal prints first.
_OUTSIDE_NAMES = (
    "全国 中国 China 北京 北京市 天津 天津市 河北 河北省 山西 山西省 "
    "内蒙古 内蒙古自治区 辽宁 辽宁省 吉林 吉林省 黑龙江 黑龙江省 福建 福建省 "
    "江西 江西省 山东 山东省 河南 河南省 湖北 湖北省 湖南 湖南省 广东 "
    "广东省 广西 广西壮族自治区 海南 海南省 重庆 重庆市 四川 四川省 贵州 "
    "贵州省 云南 云南省 西藏 西藏自治区 陕西 陕西省 甘肃 甘肃省 青海 青海省 "
    "宁夏 宁夏回族自治区 新疆 新疆维吾尔自治区 台湾 台湾省 香港 香港特别行政区 "
    "澳门 澳门特别行政区 Beijing Tianjin Hebei Shanxi "
    "Liaoning Jilin Heilongjiang Fujian "
    "Jiangxi Shandong Henan Hubei Hunan "
    "Guangdong Guangxi Hainan Chongqing "
    "Sichuan Guizhou Yunnan Tibet Shaanxi "
    "Gansu Qinghai Ningxia Xinjiang"
)


class Regions:
    """Region labels → codes: GB/T 2260 codes, Chinese or English names, and region-group codes.

    The 27 other provincial units and the national total are *known but outside the Delta*: an NBS
    分省 export lists all 31 provinces, and those rows are skipped (and counted), not errors.
    """

    OUTSIDE: ClassVar[frozenset[str]] = frozenset(_OUTSIDE_NAMES.split())
    _outside_folded: ClassVar[frozenset[str]] = frozenset(n.casefold() for n in OUTSIDE)

    def __init__(self, gazetteer: Any, groups: Iterable[Any]) -> None:
        self._g = gazetteer
        self._groups = {g.code: g for g in groups}
        self._group_names = {_norm(n): g.code for g in self._groups.values() for n in (g.name_zh, g.name_en)}
        self._choices: list[str] | None = None

    def resolve(self, label: str) -> tuple[str | None, str]:
        """(code, "") or (None, why): unknown, ambiguous or outside the Delta ("outside")."""
        text = _norm(label)
        if text in self._groups:
            return text, ""
        if re.fullmatch(r"\d{6}", text):
            return (text, "") if text in self._g else (None, "unknown region code")
        if text in self._group_names:
            return self._group_names[text], ""
        hits = self._g.lookup(text)
        if hits:
            top = [r for r in hits if r.level == hits[0].level]
            if len(top) == 1:
                return top[0].code, ""
            names = ", ".join(f"{r.code} {r.name_zh}" for r in top)
            return None, f"ambiguous region (could be {names}; give the code)"
        if text.casefold() in self._outside_folded:
            return None, "outside"
        return None, "unknown region"

    def suggest(self, label: str) -> list[str]:
        """The closest names and codes the gazetteer and the groups know."""
        if self._choices is None:
            names = {n for r in self._g for n in (r.name_zh, r.short_zh, r.name_en)}
            names |= {n for g in self._groups.values() for n in (g.name_zh, g.name_en)}
            self._choices = sorted(names | set(self._groups))
        return difflib.get_close_matches(_norm(label), self._choices, n=3, cutoff=0.5)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def same_unit(unit: str, registry_unit: str) -> bool:
    """Whether a unit as written is the registry's own (then the value is taken as it is)."""
    return _norm(unit) == _norm(registry_unit)


_PERIOD = [
    (re.compile(r"^(\d{4})(?:\.0+)?$"), "{y}"),
    (re.compile(r"^(\d{4})\s*年$"), "{y}"),
    (re.compile(r"^(\d{4})-?Q([1-4])$", re.I), "{y}-Q{q}"),
    (re.compile(r"^(\d{4})\s*年\s*第?\s*([1-4一二三四])\s*季度?$"), "{y}-Q{q}"),
    (re.compile(r"^(\d{4})[-/.](\d{1,2})$"), "{y}-{m}"),
    (re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月$"), "{y}-{m}"),
]
_QUARTERS = {"一": "1", "二": "2", "三": "3", "四": "4"}


@lru_cache(maxsize=4096)
def parse_period(text: str) -> tuple[str | None, str]:
    """A period as written ("2023", "2023年", "2023-Q2", "2023年第二季度", "2023-06", "2023年6月").

    Returns (period, "") or (None, why): periods outside FIRST_PERIOD–LAST_PERIOD are refused.
    """
    text = _norm(text)
    for pattern, shape in _PERIOD:
        m = pattern.match(text)
        if not m:
            continue
        year = int(m.group(1))
        if not FIRST_PERIOD <= year <= LAST_PERIOD:
            return None, f"period outside the plan's range {FIRST_PERIOD}–{LAST_PERIOD}"
        if shape == "{y}-Q{q}":
            return f"{year}-Q{_QUARTERS.get(m.group(2), m.group(2))}", ""
        if shape == "{y}-{m}":
            month = int(m.group(2))
            if not 1 <= month <= 12:
                return None, "not a month"
            return f"{year}-{month:02d}", ""
        return str(year), ""
    return None, "not a period (2023, 2023年, 2023-Q2 or 2023-06)"


_PUBLISHED = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_number(value: Value) -> tuple[float | None, str]:
    """A cell as a finite number; (None, "") for a missing marker; (None, why) when not a number."""
    if isinstance(value, bool):
        return None, "not a number"
    if isinstance(value, (int, float)):
        v = float(value)
        return (v, "") if math.isfinite(v) else (None, "not a finite number")
    text = cell_text(value)
    if text in MISSING:
        return None, ""
    compact = text.replace(",", "").replace(" ", "")
    if not _NUMBER.match(compact):
        return None, "not a number"
    try:
        v = float(compact)
    except (ValueError, OverflowError):
        return None, "not a number"
    if not math.isfinite(v):
        return None, "number too large"
    return v, ""


def split_unit(label: str) -> tuple[str, str]:
    """A label's unit: "地区生产总值(亿元)" → ("地区生产总值", "亿元"); no trailing brackets → (label, "")."""
    m = re.match(r"^(.*?)\s*[(（]([^()（）]*)[)）]\s*$", _norm(label))
    return (m.group(1).strip(), m.group(2).strip()) if m else (_norm(label), "")


@dataclass
class Resolved:
    """What the resolver made of a file's records."""

    observations: list[tuple[ObservationIn, RawRecord]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    missing: int = 0  # cells the source marks as having no figure
    outside: int = 0  # rows for regions outside the Delta (other provinces, the national total)


class Resolver:
    """Raw records → observations in registry codes and units, with every problem as an `Issue`."""

    def __init__(self, registry: RegistryLike, regions: Regions) -> None:
        self.registry = registry
        self.regions = regions
        self._region_cache: dict[str, tuple[str | None, str]] = {}
        self._indicator_cache: dict[str, Indicator | None] = {}

    def indicator(self, label: str) -> Indicator | None:
        """By code, name or alias (the registry tolerates a trailing "(unit)")."""
        if label not in self._indicator_cache:
            self._indicator_cache[label] = self.registry.resolve(label)
        return self._indicator_cache[label]

    def region(self, label: str) -> tuple[str | None, str]:
        if label not in self._region_cache:
            self._region_cache[label] = self.regions.resolve(label)
        return self._region_cache[label]

    def resolve(self, records: Iterable[RawRecord]) -> Resolved:
        out = Resolved()
        for rec in records:
            self._one(rec, out)
        return out

    def _issue(self, rec: RawRecord, cell: Cell, message: str, value: Any = None) -> Issue:
        return Issue(
            rec.file,
            message,
            cell.row or rec.row,
            cell.column,
            cell.header,
            cell.value if value is None else value,
        )

    def _one(self, rec: RawRecord, out: Resolved) -> None:
        issues: list[Issue] = []
        region_label = cell_text(rec.region.value)
        code, why = self.region(region_label)
        if why == "outside":
            out.outside += 1
            return
        if code is None:
            hint = self.regions.suggest(region_label) if why == "unknown region" else []
            issues.append(self._issue(rec, rec.region, why + _did_you_mean(hint), region_label))

        label = cell_text(rec.indicator.value)
        ind = self.indicator(label) if label else None
        if ind is None:
            hint = self.registry.suggest(split_unit(label)[0]) if label else []
            issues.append(self._issue(rec, rec.indicator, "unknown indicator" + _did_you_mean(hint), label))

        period, why = parse_period(cell_text(rec.period.value))
        if period is None:
            issues.append(self._issue(rec, rec.period, why))

        value, why = parse_number(rec.value.value)
        if value is None and not why:
            out.missing += 1
            out.issues.extend(issues)  # a missing figure is fine, a wrong region beside it is not
            return
        if value is None:
            issues.append(self._issue(rec, rec.value, why))

        status_text = cell_text(rec.status.value) or "official"
        status = STATUSES.get(status_text.casefold())
        if status is None:
            issues.append(
                self._issue(
                    rec, rec.status, f"unknown status (one of {', '.join(sorted(set(STATUSES.values())))})"
                )
            )

        source = plain_text(rec.source.value)
        if not source:
            issues.append(self._issue(rec, rec.source, "no source given", ""))

        published = cell_text(rec.published.value) or None
        if published is not None and not _PUBLISHED.match(published):
            issues.append(
                self._issue(rec, rec.published, "not a publication date (YYYY, YYYY-MM or YYYY-MM-DD)")
            )

        unit = cell_text(rec.unit.value)
        if ind is not None and value is not None:
            if not unit:
                issues.append(self._issue(rec, rec.unit, f"no unit given ({ind.code} is in {ind.unit})", ""))
            else:
                converted = self._convert(rec, value, unit, ind, issues)
                if converted is not None:
                    value = converted
                    issues.extend(self._bounds(rec, value, unit, ind))
        if issues:
            out.issues.extend(issues)
            return
        assert code is not None and ind is not None and period is not None and value is not None
        assert status is not None
        obs = ObservationIn(
            region=code,
            indicator=ind.code,
            period=period,
            value=value,
            unit=ind.unit,
            status=status,
            source=source,
            note=cell_text(rec.note.value),
            published=published,
        )
        out.observations.append((obs, rec))

    def _convert(
        self, rec: RawRecord, value: float, unit: str, ind: Indicator, issues: list[Issue]
    ) -> float | None:
        if same_unit(unit, ind.unit):
            return value
        try:
            converted = float(self.registry.convert(value, unit, ind.unit))
        except InputError:
            issues.append(
                self._issue(
                    rec,
                    rec.unit,
                    f"unit mismatch: {ind.code} is in {ind.unit}, and {unit} does not convert to it",
                    unit,
                )
            )
            return None
        if not math.isfinite(converted):
            issues.append(self._issue(rec, rec.value, f"number too large in {ind.unit}"))
            return None
        return converted

    def _bounds(self, rec: RawRecord, value: float, unit: str, ind: Indicator) -> list[Issue]:
        given = "" if same_unit(unit, ind.unit) else f" (= {value:g} {ind.unit})"
        if ind.min_value is not None and value < ind.min_value:
            return [
                self._issue(
                    rec,
                    rec.value,
                    f"impossible value{given}: {ind.code} is at least {ind.min_value:g} {ind.unit}",
                )
            ]
        if ind.max_value is not None and value > ind.max_value:
            return [
                self._issue(
                    rec,
                    rec.value,
                    f"impossible value{given}: {ind.code} is at most {ind.max_value:g} {ind.unit}",
                )
            ]
        return []


def _did_you_mean(hints: list[str]) -> str:
    return f" (did you mean {', '.join(hints)}?)" if hints else ""


def duplicates(items: Iterable[tuple[ObservationIn, RawRecord]]) -> list[Issue]:
    """A key (region, indicator, period) given twice, in one file or across the files of one import."""
    seen: dict[tuple[str, str, str], RawRecord] = {}
    issues: list[Issue] = []
    for obs, rec in items:
        key = (obs.region, obs.indicator, obs.period)
        first = seen.setdefault(key, rec)
        if first is not rec:
            where = f"row {first.row}" if first.file == rec.file else f"{first.file} row {first.row}"
            issues.append(
                Issue(
                    rec.file,
                    f"duplicate of {where} ({obs.region} {obs.indicator} {obs.period})",
                    rec.row,
                    rec.value.column,
                    rec.value.header,
                    rec.value.value,
                )
            )
    return issues
