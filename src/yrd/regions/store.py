"""Regions and region groups in the database: seeding from the shipped files, reading, admin edits.

The gazetteer and the groups ship as files; the database holds a copy so that groups can be edited
by an admin and joined with other tables. `seed_regions` is idempotent: it adds what is missing,
updates what the shipped data changed, and never overwrites a group an admin has edited
(``origin="admin"``). Until a database is seeded, the readers answer from the shipped files, so a
fresh database still shows the regions.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from yrd.db import Database
from yrd.db.models import RegionGroupMemberRow, RegionGroupRow, RegionRow
from yrd.errors import InputError, NotFoundError
from yrd.regions.gazetteer import Region, load_gazetteer
from yrd.regions.groups import RegionGroup, load_groups, validate
from yrd.supervise import audit

_REGION_FIELDS = ("name_zh", "short_zh", "name_en", "level", "parent_code", "province_code", "lon", "lat")
_GROUP_FIELDS = ("name_zh", "name_en", "kind", "definition", "source", "source_ref", "partial", "note")


@dataclass
class SeedResult:
    """What a seed changed (all zero when the database was already up to date)."""

    regions_added: int = 0
    regions_updated: int = 0
    regions_removed: int = 0
    groups_added: int = 0
    groups_updated: int = 0
    groups_kept: int = 0  # edited by an admin, left alone

    @property
    def changed(self) -> bool:
        return any((self.regions_added, self.regions_updated, self.regions_removed,
                    self.groups_added, self.groups_updated))  # fmt: skip


def _now() -> datetime:
    return datetime.now(UTC)


def _seed_region_rows(session: Session, result: SeedResult) -> None:
    shipped = {r.code: r for r in load_gazetteer().regions}
    rows = {row.code: row for row in session.scalars(select(RegionRow))}
    for code, region in shipped.items():
        row = rows.get(code)
        if row is None:
            session.add(RegionRow(code=code, **{f: getattr(region, f) for f in _REGION_FIELDS}))
            result.regions_added += 1
        elif any(getattr(row, f) != getattr(region, f) for f in _REGION_FIELDS):
            for f in _REGION_FIELDS:
                setattr(row, f, getattr(region, f))
            result.regions_updated += 1
    for code, row in rows.items():
        if code not in shipped:
            session.delete(row)
            result.regions_removed += 1
    session.flush()


def _members_of(session: Session, code: str) -> dict[str, bool]:
    q = select(RegionGroupMemberRow).where(RegionGroupMemberRow.group_code == code)
    return {m.region_code: m.partial for m in session.scalars(q)}


def _write_group(
    session: Session, group: RegionGroup, row: RegionGroupRow | None, seq: int, origin: str
) -> None:
    if row is None:
        row = RegionGroupRow(code=group.code)
        session.add(row)
    for f in _GROUP_FIELDS:
        setattr(row, f, getattr(group, f))
    row.seq, row.origin, row.updated_at = seq, origin, _now()
    session.flush()
    session.execute(delete(RegionGroupMemberRow).where(RegionGroupMemberRow.group_code == group.code))
    partial = set(group.partial_members)
    session.add_all(
        RegionGroupMemberRow(group_code=group.code, region_code=c, partial=c in partial)
        for c in group.members
    )
    session.flush()


def _differs(session: Session, row: RegionGroupRow, group: RegionGroup, seq: int) -> bool:
    if row.seq != seq or any(getattr(row, f) != getattr(group, f) for f in _GROUP_FIELDS):
        return True
    wanted = {c: c in group.partial_members for c in group.members}
    return _members_of(session, group.code) != wanted


def seed_regions(db: Database) -> SeedResult:
    """Bring the region tables up to date with the shipped gazetteer and groups (idempotent)."""
    result = SeedResult()
    groups = load_groups()
    with db.write() as session:
        _seed_region_rows(session, result)
        rows = {row.code: row for row in session.scalars(select(RegionGroupRow))}
        for seq, group in enumerate(groups):
            row = rows.get(group.code)
            if row is not None and row.origin == "admin":
                result.groups_kept += 1
            elif row is None:
                _write_group(session, group, None, seq, "seed")
                result.groups_added += 1
            elif _differs(session, row, group, seq):
                _write_group(session, group, row, seq, "seed")
                result.groups_updated += 1
        if result.changed:
            audit.record(session, "system", "regions.seed", "regions", None, asdict(result))
    return result


def save_group(db: Database, group: RegionGroup, who: str = "system") -> None:
    """Create or replace a group as an admin edit: later seeds leave it as it is.

    Raises:
        InputError: a member is not a region, or the group has no source.
    """
    problems = validate([group])
    if problems:
        raise InputError("; ".join(problems))
    with db.write() as session:
        if session.scalar(select(func.count()).select_from(RegionRow)) == 0:
            _seed_region_rows(session, SeedResult())
        row = session.get(RegionGroupRow, group.code)
        seq = row.seq if row is not None else (session.scalar(select(func.max(RegionGroupRow.seq))) or 0) + 1
        before = (
            None
            if row is None
            else {"name_zh": row.name_zh, "members": sorted(_members_of(session, row.code))}
        )
        _write_group(session, group, row, seq, "admin")
        after = {"name_zh": group.name_zh, "members": sorted(group.members)}
        audit.record(session, who, "group.save", f"group:{group.code}", before, after)


# ---------------------------------------------------------------------------------------------- reading


def is_seeded(session: Session) -> bool:
    return session.scalar(select(func.count()).select_from(RegionRow)) != 0


def _region(row: RegionRow) -> Region:
    return Region(code=row.code, **{f: getattr(row, f) for f in _REGION_FIELDS})  # type: ignore[arg-type]


def list_regions(session: Session, level: str | None = None, group: str | None = None) -> list[Region]:
    """Regions in code order, optionally of one level and/or inside one group.

    A group's prefecture member stands for its whole area, so asking for the counties of a group of
    cities gives the counties of those cities.

    Raises:
        NotFoundError: no such group.
    """
    if is_seeded(session):
        q = select(RegionRow).order_by(RegionRow.code)
        if level is not None and group is None:  # a group's counties are found through their cities
            q = q.where(RegionRow.level == level)
        regions = [_region(r) for r in session.scalars(q)]
    else:
        regions = list(load_gazetteer().regions)
    if group is not None:
        inside = _covered(regions, get_group(session, group).members)
        regions = [r for r in regions if r.code in inside]
    if level is not None:
        regions = [r for r in regions if r.level == level]
    return regions


def _covered(regions: list[Region], members: tuple[str, ...]) -> set[str]:
    """The members and every region below them."""
    kids: dict[str | None, list[str]] = {}
    for r in regions:
        kids.setdefault(r.parent_code, []).append(r.code)
    out: set[str] = set()
    todo = list(members)
    while todo:
        code = todo.pop()
        if code not in out:
            out.add(code)
            todo.extend(kids.get(code, ()))
    return out


def get_region(session: Session, code: str) -> Region:
    """One region by code.

    Raises:
        NotFoundError: no region has that code.
    """
    if not is_seeded(session):
        return load_gazetteer().by_code(code)
    row = session.get(RegionRow, code)
    if row is None:
        raise NotFoundError(f"no region with code {code!r} in the Yangtze River Delta")
    return _region(row)


def _group(row: RegionGroupRow, members: dict[str, bool]) -> RegionGroup:
    return RegionGroup(
        code=row.code,
        name_zh=row.name_zh,
        name_en=row.name_en,
        members=tuple(sorted(members)),
        kind=row.kind,
        definition=row.definition,  # type: ignore[arg-type]
        source=row.source,
        partial=row.partial,
        partial_members=tuple(sorted(c for c, p in members.items() if p)),
        note=row.note,
        source_ref=row.source_ref,
    )


def list_groups(session: Session) -> list[RegionGroup]:
    """Every group in its shipped order (admin-added groups last)."""
    rows = list(session.scalars(select(RegionGroupRow).order_by(RegionGroupRow.seq, RegionGroupRow.code)))
    if not rows:
        return load_groups()
    members: dict[str, dict[str, bool]] = {}
    for m in session.scalars(select(RegionGroupMemberRow)):
        members.setdefault(m.group_code, {})[m.region_code] = m.partial
    return [_group(row, members.get(row.code, {})) for row in rows]


def get_group(session: Session, code: str) -> RegionGroup:
    """One group by code.

    Raises:
        NotFoundError: no group has that code.
    """
    row = session.get(RegionGroupRow, code)
    if row is not None:
        return _group(row, _members_of(session, code))
    if session.scalar(select(func.count()).select_from(RegionGroupRow)) == 0:
        found = next((g for g in load_groups() if g.code == code), None)
        if found is not None:
            return found
    raise NotFoundError(f"no region group {code!r}")
