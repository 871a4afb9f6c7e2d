"""The statistics that ship: real published figures, each with its source, loaded through the store.

Two inputs, both real:

1. ``yrd/data/stats/yrd_official_stats.csv`` — 317 figures for Shanghai, Jiangsu, Zhejiang, Anhui and
   the Delta as published (notes beside it). Labels map to registry codes through the registry's
   aliases; a trailing qualifier in the label says what kind of figure it is:

   ==============================================  =====================================
   qualifier                                       meaning here
   ==============================================  =====================================
   （初步核算） （统计年鉴初步数） （初步统计…）     provisional
   （修订数） （修订序列）                           revised
   （最终核实）                                     final (official)
   （七普） （七普前口径） （常住人口） （规划范围） …  kept in the note
   （截至2022年4月底） （截至2022年5月24日通报）      the period becomes that month (2022-04)
   （超过…）                                        a lower bound: status ``estimate``
   （中心区）                                       the region is the group central-area
   ==============================================  =====================================

   **Status.** ``secondary`` when the row's source is not the publisher: its address is not on a
   government domain (``*.gov.cn``) or its text says it is a repost, copy or mirror (media,
   Wikipedia and its mirrors, aggregators, reposts on unrelated domains). Otherwise the qualifier
   decides (``provisional``/``revised``), else ``official``. Being a copy takes precedence in
   ``status``; the qualifier is always kept in ``note``, so nothing of the label is lost.

   **Vintages.** Rows of one key (region × indicator × period) with different values become
   vintages of that key, ordered so that the current one is the most authoritative: revised after
   final after plain after provisional and pre-census figures, then the publisher's own after a
   copy, then the more precise after the rounded. Rows repeating a value already given by another
   source add their source to that vintage's note ("also: …") instead of a vintage of their own.

2. The Outline's own baseline facts (from extraction): a fact becomes an observation when its
   wording names an indicator, its scope is the whole Delta, the central area or the
   demonstration zone, and it states a level (``eq``; ``approx`` gives status ``estimate``). Bounds
   (超过60%), changes (较2015年下降19%) and figures for named places are listed as skipped.

Rows that cannot be mapped are reported in `SeedReport.unmapped`, never dropped silently.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from urllib.parse import urlparse

from yrd.db import Database
from yrd.errors import InputError, NotFoundError
from yrd.stats.model import ObservationIn, Status
from yrd.stats.registry import Registry, load_registry
from yrd.stats.store import WriteReport, seed_indicators, write_observations

DATA_FILE = "yrd_official_stats.csv"
REGIONS = {"YRD": "yrd", "YRD-CENTRAL": "central-area"}
SCOPE_REGIONS = {"whole": "yrd", "central-area": "central-area", "demo-zone": "demo-zone"}
_PROVISIONAL = ("初步核算", "统计年鉴初步数", "初步统计")
_REVISED = ("修订数", "修订序列")
_FINAL = ("最终核实",)
_PRE_CENSUS = ("七普前口径",)
_AS_AT = re.compile(r"截至(\d{4})年(?:\d{1,2}[-—])?(\d{1,2})月")
_DATE = re.compile(r"(20\d\d)-(\d\d)-(\d\d)")
_COPY = re.compile(r"repost|copy of|mirror|转载", re.IGNORECASE)
_OUTLINE = "《长江三角洲区域一体化发展规划纲要》"


@dataclass
class Unmapped:
    """A row that did not become an observation, and why."""

    line: int
    label: str
    region: str
    reason: str


@dataclass
class SeedReport:
    rows: int = 0
    observations: int = 0  # rows that map (each a vintage, or a confirmation of one)
    corroborating: int = 0  # rows that repeat a value another source gave
    written: WriteReport | None = None
    facts: WriteReport | None = None
    facts_used: list[str] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    skipped_facts: list[Unmapped] = field(default_factory=list)


def is_publisher(source: str) -> bool:
    """Whether a source is the publisher itself: a government domain that does not call itself a
    copy, or the Outline's own text."""
    if source.startswith(_OUTLINE):
        return True
    host = urlparse(source.split()[0]).hostname or ""
    return (host == "gov.cn" or host.endswith(".gov.cn")) and not _COPY.search(source)


def _label_status(qualifiers: list[str]) -> tuple[int, Status]:
    """The qualifiers' rank among vintages (higher becomes current) and their status."""
    text = " ".join(qualifiers)
    if any(q in text for q in _REVISED):
        return 4, "revised"
    if any(q in text for q in _FINAL):
        return 3, "official"
    if any(q in text for q in _PROVISIONAL):
        return 1, "provisional"
    if any(q in text for q in _PRE_CENSUS):
        return 0, "official"
    return 2, "official"


def _decimals(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


def read_shipped() -> str:
    return (resources.files("yrd") / "data" / "stats" / DATA_FILE).read_text(encoding="utf-8")


@dataclass
class _Row:
    line: int
    obs: ObservationIn
    rank: tuple[int, int, int]


def map_rows(text: str, registry: Registry, known_regions: set[str]) -> tuple[list[_Row], list[Unmapped]]:
    """The CSV's rows as observations in registry codes and units, and the rows that do not map."""
    rows: list[_Row] = []
    unmapped: list[Unmapped] = []
    for line, rec in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        label, raw_region = rec["indicator_zh"], rec["region_code"]
        ind = registry.resolve(label)
        _base, _unit, qualifiers = registry.split_label(label)
        region = REGIONS.get(raw_region, raw_region)
        if "中心区" in qualifiers:
            region = "central-area"
        if ind is None:
            unmapped.append(Unmapped(line, label, raw_region, "no indicator has this name or alias"))
            continue
        if region not in known_regions:
            unmapped.append(Unmapped(line, label, raw_region, f"unknown region {raw_region!r}"))
            continue
        try:
            value = registry.convert(float(rec["value"]), rec["unit"], ind.unit)
        except (InputError, ValueError) as exc:
            unmapped.append(Unmapped(line, label, raw_region, str(exc)))
            continue
        label_rank, status = _label_status(qualifiers)
        publisher = is_publisher(rec["source"])
        note = "；".join(qualifiers)
        if any(q.startswith("超过") for q in qualifiers):
            status, note = "estimate", (note + "；lower bound").lstrip("；")
        if not publisher:
            status = "secondary"
        period = rec["year"]
        m = _AS_AT.search(" ".join(qualifiers))
        if m:
            period = f"{m.group(1)}-{int(m.group(2)):02d}"
        dated = _DATE.search(rec["source"]) or _DATE.search(label)
        published = "-".join(dated.groups()) if dated else None
        obs = ObservationIn(region=region, indicator=ind.code, period=period, value=value, unit=ind.unit,
                            status=status, source=rec["source"], note=note, published=published)  # fmt: skip
        rows.append(_Row(line, obs, (label_rank, int(publisher), _decimals(rec["value"]))))
    return rows, unmapped


def order_vintages(rows: list[_Row]) -> tuple[list[ObservationIn], int]:
    """One observation per distinct value of each key, least authoritative first (so the most
    authoritative becomes current); repeated values name their other sources in the note."""
    by_key: dict[tuple[str, str, str], list[_Row]] = defaultdict(list)
    for r in rows:
        by_key[(r.obs.indicator, r.obs.region, r.obs.period)].append(r)
    out: list[ObservationIn] = []
    corroborating = 0
    for key in sorted(by_key):
        groups: list[list[_Row]] = []
        for r in by_key[key]:
            tol = 1e-9 * abs(r.obs.value)
            same = next((g for g in groups if abs(g[0].obs.value - r.obs.value) <= tol), None)
            if same is None:
                groups.append([r])
            else:
                same.append(r)
        chosen: list[tuple[tuple[int, int, int], int, ObservationIn]] = []
        for g in groups:
            g.sort(key=lambda r: (r.rank[1], r.rank[0], r.rank[2], -r.line), reverse=True)
            best = g[0].obs.model_copy()
            others = [r.obs.source for r in g[1:]]
            corroborating += len(others)
            if others:
                best.note = "；".join(filter(None, [best.note, "also: " + " | ".join(others)]))
            chosen.append((max(r.rank for r in g), -min(r.line for r in g), best))
        out.extend(obs for _rank, _line, obs in sorted(chosen, key=lambda c: (c[0], c[1])))
    return out, corroborating


def _known_regions() -> set[str]:
    from yrd.regions.gazetteer import load_gazetteer
    from yrd.regions.groups import load_groups

    return {r.code for r in load_gazetteer().regions} | {g.code for g in load_groups()}


def seed_official_stats(
    db: Database, text: str | None = None, plan_id: str = "yrd-outline-2019"
) -> SeedReport:
    """Load the shipped figures and the Outline's baseline facts (idempotent: a second run writes nothing).

    The registry is seeded first. The Outline's facts are read from the extraction of ``plan_id``
    when it is in the database; without it only the CSV is loaded.
    """
    registry = load_registry()
    seed_indicators(db, registry)
    text = read_shipped() if text is None else text
    mapped, unmapped = map_rows(text, registry, _known_regions())
    obs, corroborating = order_vintages(mapped)
    report = SeedReport(rows=len(mapped) + len(unmapped), observations=len(mapped),
                        corroborating=corroborating, unmapped=unmapped)  # fmt: skip
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    meta = {"id": f"seed-stats-{digest[:16]}", "files": [DATA_FILE], "sha256": digest, "format": "csv",
            "who": "seed", "note": "shipped official statistics (yrd/data/stats)"}  # fmt: skip
    with db.write() as session:
        report.written = write_observations(session, meta, obs)
    facts, skipped = outline_facts(db, registry, plan_id)
    report.skipped_facts = skipped
    report.facts_used = [f"{o.indicator}@{o.region} {o.period}" for o in facts]
    if facts:
        meta = {"id": f"seed-facts-{plan_id}"[:64], "files": [plan_id], "format": "extraction", "who": "seed",
                "note": f"baseline facts of {plan_id}"}  # fmt: skip
        with db.write() as session:
            report.facts = write_observations(session, meta, facts)
    return report


def outline_facts(
    db: Database, registry: Registry, plan_id: str
) -> tuple[list[ObservationIn], list[Unmapped]]:
    """The plan's baseline facts that state a level of a registry indicator, and the others."""
    from yrd.db.models import PlanRow
    from yrd.documents.citation import cite, short_title
    from yrd.extract.model import Fact
    from yrd.extract.numbers import SCOPES
    from yrd.extract.pipeline import list_records

    with db.read() as session:
        plan = session.get(PlanRow, plan_id)
        if plan is None:
            return [], []
        try:
            records = list_records(session, plan_id, "fact")
        except NotFoundError:
            return [], []
    title = short_title(plan.title_zh, "zh")
    out: list[ObservationIn] = []
    skipped: list[Unmapped] = []
    for f in records:
        assert isinstance(f, Fact)
        where = f"{f.eid}[{f.start}:{f.end}]"
        ind = registry.resolve(f.indicator)
        if ind is None:
            word = next((w for w, _c in SCOPES if f.indicator.startswith(w)), "")
            ind = registry.resolve(f.indicator[len(word) :]) if word else None
        region = SCOPE_REGIONS.get(f.scope)
        reason = ""
        if ind is None:
            reason = "no indicator"
        elif region is None:
            reason = f"scope {f.scope}"
        elif f.comparator not in ("eq", "approx") or f.value is None:
            reason = f"not a level ({f.comparator})"
        elif f.ref_year is None:
            reason = "no reference year"
        if reason or ind is None or region is None:
            skipped.append(Unmapped(0, f"{f.indicator} {f.value_text}", where, reason))
            continue
        try:
            value = registry.convert(float(f.value), f.unit, ind.unit)  # type: ignore[arg-type]
        except InputError as exc:
            skipped.append(Unmapped(0, f"{f.indicator} {f.value_text}", where, str(exc)))
            continue
        note = f"“{f.text}”" + ("" if f.ref_year_stated else "；year not stated: the document's year")
        out.append(ObservationIn(
            region=region, indicator=ind.code, period=str(f.ref_year), value=value, unit=ind.unit,
            status="estimate" if f.comparator == "approx" else "official",
            source=cite(f.eid, "zh", title), note=note, published=plan.date,
        ))  # fmt: skip
    return out, skipped
