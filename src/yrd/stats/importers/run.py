"""`import_files`: read every file, check everything, then write it all in one transaction — or nothing.

Stages: bytes → `Grid` (CSV in UTF-8/BOM/GB18030, or an .xlsx sheet) → the format's `Reader` →
`RawRecord`s → `Resolver` → `ObservationIn`s; duplicates across all files; then one `db.write()`
transaction hands the rows to `yrd.stats.store.write_observations`, which keeps vintages. With
``dry_run`` the same transaction is rolled back, so the counts are the store's own answer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any, Protocol

import pandas as pd

from yrd.db import Database
from yrd.errors import InputError
from yrd.stats.importers import columnar
from yrd.stats.importers.base import (
    Grid,
    ImportFailed,
    Issue,
    RawRecord,
    Reader,
    Regions,
    RegistryLike,
    Resolver,
    duplicates,
    looks_nbs,
    read_grid,
)
from yrd.stats.importers.nbs import NbsReader
from yrd.stats.importers.tidy import TidyReader
from yrd.stats.importers.wide import Mapping, WideReader
from yrd.stats.model import ObservationIn
from yrd.stats.store import ObservationColumns

FORMATS = ("csv", "xlsx", "nbs", "wide")


@dataclass
class Counts:
    """What the store did (or would do) with one indicator's rows."""

    new: int = 0
    revised: int = 0
    unchanged: int = 0

    def add(self, other: Any) -> None:
        self.new += other.new
        self.revised += other.revised
        self.unchanged += other.unchanged


@dataclass
class FileSummary:
    """How one file was read."""

    name: str
    format: str
    encoding: str
    observations: int
    missing: int
    outside: int


@dataclass
class ImportReport:
    """The outcome of one import: per file, per indicator, and in total."""

    batch: str
    dry_run: bool
    files: list[FileSummary] = field(default_factory=list)
    by_indicator: dict[str, Counts] = field(default_factory=dict)

    @property
    def total(self) -> Counts:
        t = Counts()
        for c in self.by_indicator.values():
            t.add(c)
        return t

    def to_dict(self) -> dict[str, Any]:
        t = self.total
        return {
            "batch": self.batch,
            "dry_run": self.dry_run,
            "files": [vars(f) for f in self.files],
            "by_indicator": {k: vars(v) for k, v in sorted(self.by_indicator.items())},
            "new": t.new,
            "revised": t.revised,
            "unchanged": t.unchanged,
        }


class StoreLike(Protocol):
    """What the importers need of `yrd.stats.store`."""

    def write_observations(self, session: Any, batch_meta: Any, rows: Sequence[ObservationIn]) -> Any: ...


class _Rollback(Exception):
    """Raised inside the write transaction of a dry run so that it rolls back."""


@cache
def _default_regions() -> Regions:
    from yrd.regions.gazetteer import load_gazetteer
    from yrd.regions.groups import load_groups

    return Regions(load_gazetteer(), load_groups())


def _default_registry() -> RegistryLike:
    from yrd.stats.registry import load_registry

    return load_registry()  # type: ignore[return-value]


def _reader(fmt: str, grid: Grid, mapping: Mapping | None) -> Reader:
    if fmt == "wide":
        if mapping is None:
            raise InputError(f"{grid.name}: the wide format needs a mapping (--mapping FILE)")
        return WideReader(mapping)
    if fmt == "nbs":
        return NbsReader()
    return TidyReader()


def detect_format(grid: Grid, mapping: Mapping | None) -> str:
    """nbs when it starts like a portal export, wide when a mapping is given, else tidy csv/xlsx."""
    if looks_nbs(grid):
        return "nbs"
    if mapping is not None:
        return "wide"
    return grid.container


def parse_files(
    files: Sequence[tuple[str, bytes]],
    registry: RegistryLike,
    regions: Regions,
    fmt: str | None = None,
    mapping: Mapping | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[ObservationColumns, list[FileSummary]]:
    """Read and check every file; the rows to write (a sequence of `ObservationIn`, held as
    columns), or ImportFailed listing every problem.

    Tidy CSV files go through the columnar path (`columnar`) first; a file it is not sure about —
    and, when the import fails, every file — is read row by row, so the errors are the row-wise
    path's, word for word.

    Raises:
        ImportFailed: any file has any error (each names file, row, column and value).
    """
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if not files:
        raise InputError("no files to import")
    resolver = Resolver(registry, regions)
    issues: list[Issue] = []
    parts: list[ObservationColumns | list[tuple[ObservationIn, RawRecord]]] = []
    summaries = []
    for name, data in files:
        if progress:
            progress(name)
        fast = (
            columnar.read_columns(data, name, fmt, resolver)
            if columnar.eligible(data, fmt, mapping)
            else None
        )
        if fast is not None:
            parts.append(fast.observations)
            summaries.append(FileSummary(name, "csv", fast.encoding, len(fast.observations), fast.missing,
                                         fast.outside))  # fmt: skip
            continue
        found, summary = _rows(name, data, fmt, mapping, resolver, issues)
        parts.append(found)
        if summary is not None:
            summaries.append(summary)
    rows = ObservationColumns.concat([_columns(p) for p in parts])
    alone = len(parts) == 1 and fast is not None  # one file, read column-wise: it checked its own keys
    if issues or (not fast.unique_keys if alone else _has_duplicates(rows)):  # type: ignore[union-attr]
        found = []
        for (name, data), part in zip(files, parts, strict=True):
            again = isinstance(part, ObservationColumns)  # read fast: read again, row by row, for the records
            found.extend(_rows(name, data, fmt, mapping, resolver, [])[0] if again else part)
        issues.extend(duplicates(found))
        raise ImportFailed(list(dict.fromkeys(issues)))
    return rows, summaries


def _rows(
    name: str, data: bytes, fmt: str | None, mapping: Mapping | None, resolver: Resolver, issues: list[Issue]
) -> tuple[list[tuple[ObservationIn, RawRecord]], FileSummary | None]:
    """The row-wise path for one file: its checked rows (with their records), its problems into
    ``issues``, and its summary (None when the file could not be read at all)."""
    try:
        grid = read_grid(data, name, mapping.sheet if mapping is not None and fmt != "nbs" else None)
        chosen = fmt or detect_format(grid, mapping)
        if fmt == "xlsx" and grid.container != "xlsx":
            raise InputError(f"{name}: --format xlsx, but this is not an Excel workbook")
        records, shape = _reader(chosen, grid, mapping).records(grid)
    except ImportFailed as exc:
        issues.extend(exc.issues)
        return [], None
    except InputError as exc:
        issues.append(Issue(name, str(exc).removeprefix(f"{name}: ")))
        return [], None
    issues.extend(shape)
    resolved = resolver.resolve(records)
    issues.extend(resolved.issues)
    summary = FileSummary(name, chosen, grid.encoding or grid.container, len(resolved.observations),
                          resolved.missing, resolved.outside)  # fmt: skip
    return resolved.observations, summary


def _columns(part: ObservationColumns | list[tuple[ObservationIn, RawRecord]]) -> ObservationColumns:
    return part if isinstance(part, ObservationColumns) else ObservationColumns.from_rows(o for o, _ in part)


def _has_duplicates(rows: ObservationColumns) -> bool:
    """Whether a key (region, indicator, period) comes twice, in one file or across the files."""
    if len(rows) < 2:
        return False
    key = pd.MultiIndex.from_arrays([rows.region, rows.indicator, rows.period])
    return bool(key.has_duplicates)


def digest(files: Sequence[tuple[str, bytes]]) -> str:
    """SHA-256 over the files' names and contents, in order."""
    h = hashlib.sha256()
    for name, data in files:
        h.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()


def batch_id(files: Sequence[tuple[str, bytes]]) -> str:
    """The same files give the same id: the batch names its content, not the moment."""
    return "import-" + digest(files)[:16]


def _counts(report: Any, rows: Sequence[ObservationIn]) -> dict[str, Counts]:
    """Per-indicator counts from the store's report."""
    per = getattr(report, "by_indicator", None)
    if per:
        return {
            k: Counts(v.new, v.revised, v.unchanged) if not isinstance(v, dict) else Counts(**v)
            for k, v in per.items()
        }
    codes = {r.indicator for r in rows}
    if len(codes) == 1:
        return {codes.pop(): Counts(report.new, report.revised, report.unchanged)}
    return {"*": Counts(report.new, report.revised, report.unchanged)}


def import_files(
    db: Database,
    files: Sequence[tuple[str, bytes]],
    fmt: str | None = None,
    mapping: Mapping | None = None,
    dry_run: bool = False,
    *,
    registry: RegistryLike | None = None,
    regions: Regions | None = None,
    store: StoreLike | None = None,
    progress: Callable[[str], None] | None = None,
    who: str = "",
) -> ImportReport:
    """Import observation files, all or nothing; with ``dry_run`` report what would change.

    ``who`` (a user name) is kept on the batch and in the audit log.

    Example:
        >>> report = import_files(db, [("gdp.csv", data)])   # doctest: +SKIP
        >>> report.total.new
        41

    Raises:
        ImportFailed: any error in any file (nothing is written).
        InputError: no files, or an unknown format.
    """
    registry = registry or _default_registry()
    regions = regions or _default_regions()
    if store is None:
        from yrd.stats import store as real_store

        store = real_store  # type: ignore[assignment]
    assert store is not None
    rows, summaries = parse_files(files, registry, regions, fmt, mapping, progress)
    report = ImportReport(batch_id(files), dry_run, summaries)
    meta = {
        "id": report.batch,
        "files": [name for name, _ in files],
        "sha256": digest(files),
        "formats": sorted({s.format for s in summaries}),
        "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "who": who,
    }
    try:
        with db.write() as session:
            result = store.write_observations(session, meta, rows)
            report.by_indicator = _counts(result, rows)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return report
