"""The periodic assessment report (issue 5): the plan's targets evaluated on the stored statistics,
as a `Report` the engine renders to HTML, PDF and DOCX.

    report = build_assessment_report(session, period=2024, lang="zh")
    path.write_bytes(render(report, "pdf"))

Every number comes from the database through the library: `yrd.evaluate.targets.assess` (statuses,
scores, rules, evidence, projections, planned paths), `yrd.evaluate.panel` (disparity and
convergence, the composite index and its sensitivity), `yrd.evaluate.assessment.performance_table`
(performance per province) and `yrd.stats.store` (the maps and the sources annex). Every fixed
sentence and heading is in ``assessment_text.json`` in both languages; the sentences of the summary
are filled from the numbers, never written by hand. The text says "SYNTHETIC" only when an
observation the report relies on says it is synthetic (its source or note).

Choices (stated in the report too):

- **Headline status** of a target: the headline rule's status for the area the target speaks of
  (the whole Delta or the central area); the per-province results are counted separately.
- **Charts**: every region's observed series; the required path and the projection of one region —
  the area when it has data, else the province with the longest series.
- **Maps**: the target indicators (then GDP per head, urbanisation, income) with a figure for most
  regions of a level in some year up to the period, the latest such year; cities when at least half
  of the 41 report, else provinces; at most `MAX_MAPS`.
- **Tasks and projects** (`yrd.reports.supervision`): as the supervision records stand on the day
  the report is generated (they keep no published vintages), counting only accepted progress reports.
- **Sources**: every current observation (or as published at ``as_of``) of the indicators used,
  and of the indicators their group values are computed from, up to the period; grouped by source
  text, with status and import batch.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import unquote

from sqlalchemy.orm import Session

from yrd.documents.load import DEFAULT_PLAN
from yrd.errors import InputError
from yrd.evaluate.assessment import performance_table
from yrd.evaluate.status import GOOD, Status
from yrd.evaluate.targets import PROVINCES, Assessment, RegionResult, TargetResult, assess
from yrd.regions.boundaries import load_boundaries
from yrd.regions.store import list_regions
from yrd.reports.labels import format_day
from yrd.reports.model import (
    LANGS,
    Bar,
    BarChart,
    Block,
    BulletList,
    Cell,
    ChoroplethMap,
    Figure,
    LineChart,
    Meta,
    Note,
    Paragraph,
    Report,
    Run,
    Section,
    Series,
    Source,
    Table,
)
from yrd.stats import store
from yrd.stats.aggregate import dependencies
from yrd.stats.model import Observation
from yrd.stats.registry import Registry, load_registry

MAX_MAPS = 4
MAX_DISPARITY = 8
# Indicators worth a map or a disparity row besides the targets' own (when they have data).
CONTEXT_INDICATORS: tuple[str, ...] = ("gdp_per_capita", "urbanization_rate", "disposable_income")
RULE_ORDER: tuple[str, ...] = ("open_sdg", "eurostat", "sdsn", "destatis_weather", "unsd_progress_chart")
RULE_NAMES: dict[str, dict[str, str]] = {
    "open_sdg": {"zh": "Open SDG", "en": "Open SDG"},
    "eurostat": {"zh": "Eurostat", "en": "Eurostat"},
    "sdsn": {"zh": "SDSN", "en": "SDSN"},
    "destatis_weather": {"zh": "德国天气符号", "en": "German weather symbols"},
    "unsd_progress_chart": {"zh": "UNSD进展图", "en": "UNSD Progress Chart"},
}
OFF_TRACK = (Status.MODERATE, Status.STAGNATING, Status.MOVING_AWAY)
_SYNTHETIC = re.compile(r"synthetic|合成数据", re.IGNORECASE)
_YEAR = re.compile(r"^\d{4}")


# ------------------------------------------------------------------------------------------- text


@cache
def texts() -> dict[str, dict[str, str]]:
    """The report's fixed strings: key → {"zh": …, "en": …} (``assessment_text.json``)."""
    raw = resources.files("yrd.reports").joinpath("assessment_text.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(raw)
    return {k: v for k, v in data.items() if not k.startswith("_")}


def tr(key: str, lang: str, **values: object) -> str:
    """One fixed string in ``lang`` with its ``{placeholders}`` filled."""
    return texts()[key][lang].format(**values)


def num(value: float | None, digits: int | None = None) -> str:
    """A number for a sentence or a table cell: 2.08 · 89.3 · 482 · 21,000 · — for none."""
    if value is None or not math.isfinite(value):
        return "—"
    if digits is None:
        a = abs(value)
        digits = 0 if a >= 1000 else 1 if a >= 100 else 2 if a >= 1 else 3
    text = f"{value:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace("-", "−")


def _pct(part: int, whole: int, lang: str) -> str:
    return tr("percent", lang, value=num(100 * part / whole, 0) if whole else "—")


def _join(items: Iterable[str], lang: str) -> str:
    return tr("list_sep", lang).join(items)


def _unit(unit: str, lang: str) -> str:
    key = f"unit_{unit}"
    return tr(key, lang) if key in texts() else unit


# ------------------------------------------------------------------------------------------- context


@dataclass
class _Ctx:
    session: Session
    lang: str
    period: int
    as_of: str | None
    registry: Registry
    assessment: Assessment
    region_names: dict[str, tuple[str, str]]
    used_indicators: set[str]
    n_obs: int = 0  # observations relied on; filled into the source lines at the end (`_set_counts`)

    def t(self, key: str, **values: object) -> str:
        return tr(key, self.lang, **values)

    def region(self, code: str) -> str:
        zh, en = self.region_names.get(code, (code, code))
        return zh if self.lang == "zh" else en

    def indicator(self, code: str) -> str:
        ind = self.registry.get(code)
        if ind is None:
            return code
        return ind.name_zh if self.lang == "zh" else ind.name_en

    def status(self, status: str) -> str:
        from yrd.reports.labels import label

        return label(f"status.{Status(status)}", self.lang)

    def use(self, code: str) -> None:
        self.used_indicators |= dependencies(self.registry, code)[0]


def _target_name(t: TargetResult, lang: str) -> str:
    return t.name_zh if lang == "zh" else t.name_en


def _target_wording(t: TargetResult, lang: str) -> str:
    """What the target asks for: the Outline's words in Chinese, a phrase built from its parts in English."""
    year = tr("target_year", lang, year=t.target_year) if t.target_year else ""
    if lang == "zh":
        return f"{t.value_text}（{year}）" if year else t.value_text
    comparator = tr(f"comparator_{t.comparator}", lang) if f"comparator_{t.comparator}" in texts() else ""
    if t.comparator in ("reduce_by", "increase_by"):
        base = re.search(r"(\d{4})年", t.text)
        value = t.value_text + (" " + tr("comparator_base", lang, year=base.group(1)) if base else "")
        return " ".join(p for p in (comparator, value, year) if p)
    if t.target_value is None:
        return " ".join(p for p in (comparator, t.value_text, year) if p)
    unit = _unit(t.unit, lang)
    value = (
        num(t.target_value) + ("" if unit in ("%", "") else " ") + unit
        if unit != "ratio"
        else num(t.target_value)
    )
    return " ".join(p for p in (comparator, value, year) if p)


def _label(t: TargetResult, lang: str) -> str:
    return tr("target_label", lang, name=_target_name(t, lang), text=_target_wording(t, lang))


def _has_data(r: RegionResult) -> bool:
    return bool(r.years)


def _assessed(r: RegionResult) -> bool:
    return r.status != Status.INSUFFICIENT_DATA


# ------------------------------------------------------------------------------------------- summary


def _summary(ctx: _Ctx, plan_title: str, as_of_text: str, n_obs: int, sources: _SourceStats) -> Section:
    a, lang = ctx.assessment, ctx.lang
    blocks: list[Block] = [
        Paragraph(
            ctx.t(
                "summary_scope",
                plan=plan_title,
                targets=len(a.targets),
                period=a.period,
                as_of=as_of_text,
                observations=n_obs,
                method=RULE_NAMES[a.headline_method][lang],
                others=len(a.methods) - 1,
            )
        )
    ]
    if a.unlinked:
        blocks.append(Paragraph(ctx.t("summary_unlinked", n=len(a.unlinked))))
    heads = Counter(Status(h.status) for t in a.targets if (h := t.headline()) is not None)
    counts = ctx.t("clause_sep").join(
        ctx.t("count_item", status=ctx.status(s), n=heads[s]) for s in Status if heads[s]
    )
    blocks.append(Paragraph(ctx.t("summary_headline", counts=counts or ctx.t("none"))))
    provincial = [r for t in a.targets for r in t.regions if r.region in PROVINCES]
    judged = [r for r in provincial if _assessed(r)]
    good = [r for r in judged if Status(r.status) in GOOD]
    if judged:
        blocks.append(
            Paragraph(
                ctx.t(
                    "summary_regions",
                    total=len(provincial),
                    assessed=len(judged),
                    good=len(good),
                    share=_pct(len(good), len(judged), lang),
                )
            )
        )
    else:
        blocks.append(Paragraph(ctx.t("summary_regions_none", total=len(provincial))))
    lines: list[Any] = []
    for key, wanted in (
        ("class_achieved", (Status.ACHIEVED,)),
        ("class_on_track", (Status.ON_TRACK,)),
        ("class_off_track", OFF_TRACK),
    ):
        items = []
        for t in a.targets:
            regions = [ctx.region(r.region) for r in t.regions if Status(r.status) in wanted]
            if regions:
                items.append(
                    ctx.t("class_item", indicator=_target_name(t, lang), regions=_join(regions, lang))
                )
        lines.append(
            [
                Run(ctx.t("class_line", label=ctx.t(key), items="").rstrip(), strong=True),
                " " + (ctx.t("clause_sep").join(items) if items else ctx.t("none")),
            ]
        )
    blocks += [Paragraph(ctx.t("summary_lists")), BulletList(lines)]
    caveats: list[str] = []
    results = [r for t in a.targets for r in t.regions]
    judged_all = [r for r in results if _assessed(r)]
    weak = [r for r in judged_all if r.evidence == "weak"]
    if weak:
        caveats.append(ctx.t("caveat_weak", weak=len(weak), assessed=len(judged_all)))
    nodata = [t for t in a.targets if not any(_assessed(r) for r in t.regions)]
    if nodata:
        caveats.append(
            ctx.t("caveat_nodata", n=len(nodata), list=_join((_target_name(t, lang) for t in nodata), lang))
        )
    split = [r for r in judged_all if r.agreement in ("majority", "split")]
    if split:
        caveats.append(ctx.t("caveat_disagree", n=len(split)))
    if any(r.computed for r in results):
        caveats.append(ctx.t("caveat_computed"))
    if sources.secondary:
        caveats.append(
            ctx.t(
                "caveat_secondary",
                used=sources.used,
                secondary=sources.secondary,
                share=_pct(sources.secondary, sources.used, lang),
            )
        )
    if caveats:
        blocks += [Paragraph(Run(ctx.t("caveats"), strong=True)), BulletList(caveats)]
    if sources.synthetic:
        blocks.append(
            Note(ctx.t("caveat_synthetic", n=sources.synthetic), title=ctx.t("caveat_title"), tone="warning")
        )
    return Section(ctx.t("summary"), "summary", 1, blocks)


# ------------------------------------------------------------------------------------------- targets


def _area_value(r: RegionResult | None, lang: str) -> str:
    if r is None or r.latest_value is None:
        return "—"
    text = num(r.latest_value)
    return text + "*" if r.computed else text


def _targets_tables(ctx: _Ctx) -> list[Table]:
    """The target table (one row per linked target: wording, citation, the area's value, year, score
    and status) and the provinces' statuses beside it (a second table, so neither overflows A4)."""
    a = ctx.assessment
    source = ctx.t("source_database", observations=ctx.n_obs)
    header = [
        ctx.t("col_target"),
        ctx.t("col_citation"),
        ctx.t("col_area"),
        ctx.t("col_group_value"),
        ctx.t("col_latest_year"),
        ctx.t("col_score"),
        ctx.t("col_status"),
    ]
    rows: list[list[Any]] = []
    by_province: list[list[Any]] = []
    for t in a.targets:
        head = t.headline()
        by_region = {r.region: r for r in t.regions}
        rows.append(
            [
                _label(t, ctx.lang),
                t.citation_zh if ctx.lang == "zh" else t.citation_en,
                ctx.region(head.region) if head else "—",
                _area_value(head, ctx.lang),
                str(head.latest_year) if head and head.latest_year else "—",
                num(head.score, 0) if head and head.score is not None else "—",
                Cell(None, Status(head.status) if head else Status.INSUFFICIENT_DATA),
            ]
        )
        by_province.append(
            [
                _target_name(t, ctx.lang),
                *(
                    Cell(None, Status(by_region[p].status) if p in by_region else Status.INSUFFICIENT_DATA)
                    for p in PROVINCES
                ),
            ]
        )
    return [
        Table(
            header,
            rows,
            caption=ctx.t("targets_caption", period=a.period),
            id="target-table",
            align=["left", "left", "left", "right", "right", "right", "left"],
            source=source,
        ),
        Table(
            [ctx.t("col_target"), *(ctx.region(p) for p in PROVINCES)],
            by_province,
            caption=ctx.t("provinces_caption", period=a.period),
            id="province-status-table",
            source=source,
        ),
    ]


def _reference(t: TargetResult) -> RegionResult | None:
    """The region whose required path and projection the chart draws (see the module doc)."""
    head = t.headline()
    if head is not None and head.planned and len(head.years) >= 2:
        return head
    candidates = [r for r in t.regions if r.planned and r.years]
    if not candidates:
        return None
    # the region the path matters for: one that has not met the target, then the longest series
    return max(candidates, key=lambda r: (r.status != Status.ACHIEVED, len(r.years), r.latest_year or 0))


def _chart(ctx: _Ctx, t: TargetResult, fig_id: str) -> Figure | None:
    series = [
        Series(
            ctx.t("computed_mark", name=ctx.region(r.region)) if r.computed else ctx.region(r.region),
            [(float(y), float(v)) for y, v in zip(r.years, r.values, strict=True)],
        )
        for r in t.regions
        if _has_data(r)
    ]
    if not series:
        return None
    ref = _reference(t)
    name = _target_name(t, ctx.lang)
    unit = _unit(t.unit, ctx.lang)
    projection: list[tuple[float, float]] = []
    required: list[tuple[float, float]] = []
    target = None
    if ref is not None:
        required = [(float(y), float(v)) for y, v in ref.planned]
        horizon = max(t.target_year or 2025, 2025)
        if ref.latest_year is not None and ref.latest_value is not None:
            ahead = [
                (float(m), float(v))
                for m, v in ref.projection.items()
                if v is not None and ref.latest_year < m <= horizon
            ]
            if ahead:
                projection = [(float(ref.latest_year), float(ref.latest_value)), *ahead]
        target = ref.target
    elif t.target_value is not None:
        target = t.target_value
    caption = (
        ctx.t("chart_caption", name=name, region=ctx.region(ref.region))
        if ref is not None
        else ctx.t("chart_caption_plain", name=name)
    )
    spec = LineChart(
        series=series,
        unit=unit,
        target=target,
        target_x=float(t.target_year) if t.target_year else None,
        required_path=required,
        projection=projection,
    )
    alt = "; ".join(f"{s.label}: " + ", ".join(f"{int(x)} {num(y)}" for x, y in s.points) for s in series)
    return Figure(spec, caption, fig_id, source=ctx.t("source_database", observations=ctx.n_obs), alt=alt)


def _reach(r: RegionResult, ctx: _Ctx) -> str:
    if r.reach_outcome == "reached" and r.reach_year is not None:
        return str(r.reach_year)
    return ctx.t(f"reach_{r.reach_outcome}") if f"reach_{r.reach_outcome}" in texts() else "—"


def _region_table(ctx: _Ctx, t: TargetResult, table_id: str) -> Table:
    header = [
        ctx.t("col_region"),
        ctx.t("col_latest"),
        ctx.t("col_latest_year"),
        ctx.t("col_score"),
        ctx.t("col_status"),
        ctx.t("col_agreement"),
        ctx.t("col_evidence"),
        ctx.t("col_projection", year=2025),
        ctx.t("col_projection", year=2035),
        ctx.t("col_reach"),
    ]
    rows: list[list[Any]] = []
    for r in t.regions:
        name = ctx.t("computed_mark", name=ctx.region(r.region)) if r.computed else ctx.region(r.region)
        rows.append(
            [
                name,
                num(r.latest_value),
                str(r.latest_year or "—"),
                num(r.score, 0) if r.score is not None else "—",
                Cell(None, Status(r.status)),
                ctx.t(f"agreement_{r.agreement}"),
                ctx.t(f"evidence_{r.evidence}"),
                num(r.projection.get(2025)),
                num(r.projection.get(2035)),
                _reach(r, ctx),
            ]
        )
    return Table(
        header,
        rows,
        caption=ctx.t("region_table_caption", name=_target_name(t, ctx.lang)),
        id=table_id,
        align=["left", "right", "right", "right", "left", "left", "left", "right", "right", "right"],
    )


def _target_sections(ctx: _Ctx) -> list[Section]:
    a = ctx.assessment
    method = RULE_NAMES[a.headline_method][ctx.lang]
    top = Section(
        ctx.t("targets"),
        "targets",
        1,
        [Paragraph(ctx.t("targets_intro", method=method)), *_targets_tables(ctx)],
    )
    out = [top]
    seen: Counter[str] = Counter()
    for t in a.targets:
        ctx.use(t.indicator)
        seen[t.indicator] += 1
        key = t.indicator if seen[t.indicator] == 1 else f"{t.indicator}-{seen[t.indicator]}"
        cite = t.citation_zh if ctx.lang == "zh" else t.citation_en
        if t.target_value is not None:
            direction = ctx.t(f"direction_{t.direction}")
            detail = ctx.t(
                "target_detail",
                text=t.text,
                citation=cite,
                value=num(t.target_value),
                unit=_unit(t.unit, ctx.lang),
                direction=direction,
            )
        else:
            detail = ctx.t("target_detail_novalue", text=t.text, citation=cite)
        blocks: list[Block] = [Paragraph(detail)]
        fig = _chart(ctx, t, f"fig-{key}")
        if fig is None:
            blocks.append(Paragraph(ctx.t("no_series", period=a.period)))
        else:
            blocks.append(fig)
            sentences = []
            for r in t.regions:
                if not _has_data(r):
                    continue
                reach = ctx.t(f"sentence_reach_{r.reach_outcome}", year=r.reach_year or r.latest_year or "")
                sentences.append(
                    ctx.t(
                        "region_sentence",
                        region=ctx.region(r.region),
                        value=num(r.latest_value),
                        year=r.latest_year,
                        status=ctx.status(r.status),
                        reach=reach,
                    )
                )
            blocks.append(BulletList(sentences))
            blocks.append(_region_table(ctx, t, f"tab-{key}"))
        out.append(Section(_label(t, ctx.lang), f"t-{key}", 2, blocks))
    return out


# ------------------------------------------------------------------------------------------- maps


def _candidates(ctx: _Ctx) -> list[str]:
    codes = [t.indicator for t in ctx.assessment.targets] + list(CONTEXT_INDICATORS)
    return [c for c in dict.fromkeys(codes) if ctx.registry.get(c) is not None]


def _level_values(obs: Sequence[Observation], codes: set[str], period: int) -> dict[int, dict[str, float]]:
    by_year: dict[int, dict[str, float]] = defaultdict(dict)
    for o in obs:
        if o.region in codes and re.fullmatch(r"\d{4}", o.period) and int(o.period) <= period:
            by_year[int(o.period)][o.region] = o.value
    return by_year


def _map_sections(ctx: _Ctx, city_codes: list[str]) -> Section:
    levels = (("prefecture", city_codes, max(1, len(city_codes) // 2)), ("province", list(PROVINCES), 3))
    figures: list[Block] = []
    level_words: list[str] = []
    for code in _candidates(ctx):
        if len([b for b in figures if isinstance(b, Figure)]) >= MAX_MAPS:
            break
        obs = store.observations(ctx.session, indicator=code, as_of=ctx.as_of)
        for level, codes, need in levels:
            by_year = _level_values(obs, set(codes), ctx.period)
            years = [y for y, v in by_year.items() if len(v) >= need]
            if not years:
                continue
            year = max(years)
            values: dict[str, float | None] = {c: by_year[year].get(c) for c in codes}
            unit = _unit(ctx.registry.require(code).unit, ctx.lang)
            name = ctx.indicator(code)
            figures.append(
                Figure(
                    ChoroplethMap(values, level=level, unit=unit),  # type: ignore[arg-type]
                    ctx.t("map_caption", name=name, year=year, unit=unit),
                    f"map-{code}",
                    source=ctx.t("source_database", observations=ctx.n_obs),
                    alt="; ".join(f"{ctx.region(c)} {num(v)}" for c, v in values.items() if v is not None),
                )
            )
            missing = [ctx.region(c) for c, v in values.items() if v is None]
            if missing:
                figures.append(Paragraph(ctx.t("map_missing", year=year, regions=_join(missing, ctx.lang))))
            level_words.append(ctx.t(f"level_{level}"))
            ctx.use(code)
            break
    if not figures:
        return Section(ctx.t("maps"), "maps", 1, [Paragraph(ctx.t("maps_none", period=ctx.period))])
    level = _join(dict.fromkeys(level_words), ctx.lang)
    return Section(
        ctx.t("maps"), "maps", 1, [Paragraph(ctx.t("maps_intro", level=level, period=ctx.period)), *figures]
    )


# ------------------------------------------------------------------------------------------- panel sections


def _trend_word(ctx: _Ctx, sigma: dict[str, Any] | None) -> str:
    if not sigma:
        return "—"
    direction = sigma.get("direction")
    return (
        ctx.t("trend_falling")
        if direction == "falling"
        else ctx.t("trend_rising")
        if direction == "rising"
        else ctx.t("trend_none")
    )


def _disparity_section(ctx: _Ctx, has_cities: set[str]) -> Section:
    from yrd.evaluate.panel import disparity_report

    rows: list[list[Any]] = []
    series: list[Series] = []
    for code in _candidates(ctx):
        if len(rows) >= MAX_DISPARITY:
            break
        level = "city" if code in has_cities else "province"
        rep = disparity_report(ctx.session, code, level=level, as_of=ctx.as_of).to_dict()  # type: ignore[arg-type]
        years = [y for y in rep["years"] if y["year"] <= ctx.period]
        if not years:
            continue
        ctx.use(code)
        last = years[-1]
        sigma = rep["sigma"] if rep["sigma"] and max(rep["sigma"]["years"]) <= ctx.period else None
        beta = rep["beta"] if rep["beta"] and rep["beta"]["end"] <= ctx.period else None
        beta_text = (
            ctx.t("beta_value", beta=num(beta["beta"], 4), t=num(beta["t"], 2))
            if beta and beta.get("beta") is not None
            else "—"
        )
        rows.append(
            [
                ctx.indicator(code),
                ctx.t("level_province" if level == "province" else "level_prefecture"),
                str(last["year"]),
                last["n_regions"],
                num(last["cv"], 3),
                num(last["theil"], 4),
                num(last["gini"], 3),
                num(last["max_min_ratio"], 2),
                _trend_word(ctx, sigma),
                beta_text,
            ]
        )
        need = 3 if level == "province" else 21
        points = [
            (float(y["year"]), float(y["cv"]))
            for y in years
            if y["n_regions"] >= need and y["cv"] is not None
        ]
        if len(points) >= 2:
            series.append(Series(ctx.indicator(code), points))
    if not rows:
        return Section(
            ctx.t("disparity"), "disparity", 1, [Paragraph(ctx.t("disparity_none", period=ctx.period))]
        )
    levels = _join(dict.fromkeys(str(r[1]) for r in rows), ctx.lang)
    header = [
        ctx.t("col_indicator"),
        ctx.t("col_level"),
        ctx.t("col_year"),
        ctx.t("col_regions_n"),
        ctx.t("col_cv"),
        ctx.t("col_theil"),
        ctx.t("col_gini"),
        ctx.t("col_maxmin"),
        ctx.t("col_sigma"),
        ctx.t("col_beta"),
    ]
    blocks: list[Block] = [
        Paragraph(ctx.t("disparity_intro", level=levels)),
        Table(
            header,
            rows,
            caption=ctx.t("disparity_caption"),
            id="disparity-table",
            align=["left", "left", "right", "right", "right", "right", "right", "right", "left", "left"],
            source=ctx.t("source_database", observations=ctx.n_obs),
        ),
    ]
    if series:
        blocks.append(
            Figure(
                LineChart(series=series, unit=ctx.t("col_cv"), y_from_zero=True),
                ctx.t("disparity_chart_caption"),
                "fig-disparity",
                source=ctx.t("source_database", observations=ctx.n_obs),
            )
        )
    return Section(ctx.t("disparity"), "disparity", 1, blocks)


def _index_section(ctx: _Ctx) -> Section:
    from yrd.evaluate.panel import integration_index

    rep = integration_index(ctx.session, None, as_of=ctx.as_of)
    if rep.period is not None and rep.period > ctx.period:
        rep = integration_index(ctx.session, ctx.period, as_of=ctx.as_of)
    data = rep.to_dict()
    if not data["years"] or not data["sensitivity"]:
        return Section(ctx.t("index"), "index", 1, [Paragraph(ctx.t("index_none", period=ctx.period))])
    for u in data["used"]:
        ctx.use(u["indicator"])
    year = data["period"]
    col = data["years"].index(year)
    sens = data["sensitivity"]["regions"]
    order = sorted(data["regions"], key=lambda r: (data["ranks"].get(r) is None, data["ranks"].get(r) or 0))
    bars = [
        Bar(
            ctx.region(r),
            float(data["ranks"][r]) if data["ranks"].get(r) is not None else None,
            float(sens[r]["min_rank"]),
            float(sens[r]["max_rank"]),
        )
        for r in order
    ]
    rows = [
        [
            ctx.region(r),
            num(data["index"][r][col], 3),
            data["ranks"].get(r) or "—",
            f"{sens[r]['min_rank']}–{sens[r]['max_rank']}",
            num(sens[r]["median_rank"], 1),
        ]
        for r in order
    ]
    intro = ctx.t(
        "index_intro",
        normalisation=ctx.t(f"norm_{rep.normalisation}"),
        weighting=ctx.t(f"weight_{rep.weighting}"),
        aggregation=ctx.t(f"agg_{rep.aggregation}"),
        indicators=len(data["used"]),
        year=ctx.t("year", year=year),
    )
    used = _join((ctx.indicator(u["indicator"]) for u in data["used"]), ctx.lang)
    source = ctx.t("source_database", observations=ctx.n_obs)
    return Section(
        ctx.t("index"),
        "index",
        1,
        [
            Paragraph(intro),
            Paragraph(
                [Run(ctx.t("col_indicator") + ("：" if ctx.lang == "zh" else ": "), strong=True), used]
            ),
            Table(
                [
                    ctx.t("col_region"),
                    ctx.t("col_index"),
                    ctx.t("col_rank"),
                    ctx.t("col_rank_range"),
                    ctx.t("col_rank_median"),
                ],
                rows,
                caption=ctx.t("index_caption", year=year),
                id="index-table",
                align=["left", "right", "right", "right", "right"],
                source=source,
            ),
            Figure(
                BarChart(bars, unit=ctx.t("rank_unit")), ctx.t("rank_caption"), "fig-index", source=source
            ),
        ],
    )


def _performance_section(ctx: _Ctx) -> Section:
    a = ctx.assessment
    records = [
        (r.region, t.id, r.status, r.score) for t in a.targets for r in t.regions if r.region in PROVINCES
    ]
    table = performance_table(records).table.to_dict("records")
    rows = []
    for row in table:
        rows.append(
            [
                ctx.region(row["province"]),
                int(row["targets"]),
                int(row["assessed"]),
                num(_f(row["on_track_pct"]), 0),
                num(_f(row["mean_score"]), 0),
            ]
        )
    header = [
        ctx.t("col_province"),
        ctx.t("col_targets"),
        ctx.t("col_assessed"),
        ctx.t("col_good_pct"),
        ctx.t("col_mean_score"),
    ]
    return Section(
        ctx.t("performance"),
        "performance",
        1,
        [
            Paragraph(ctx.t("performance_intro")),
            Table(
                header,
                rows,
                caption=ctx.t("performance_caption", period=a.period),
                id="performance-table",
                align=["left", "right", "right", "right", "right"],
                source=ctx.t("source_database", observations=ctx.n_obs),
            ),
        ],
    )


def _f(value: Any) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


# ------------------------------------------------------------------------------------------- annexes


def _methods_annex(ctx: _Ctx) -> Section:
    keys = (
        "method_open_sdg",
        "method_eurostat",
        "method_sdsn",
        "method_destatis",
        "method_unsd",
        "method_score",
        "method_agreement",
        "method_projection",
        "method_groups",
        "method_disparity",
        "method_convergence",
        "method_index",
        "method_rounding",
    )
    return Section(
        ctx.t("methods"),
        "methods",
        1,
        [Paragraph(ctx.t("methods_intro")), BulletList([ctx.t(k) for k in keys])],
    )


def _verdicts_annex(ctx: _Ctx) -> Section:
    a = ctx.assessment
    rules = [m for m in RULE_ORDER if m in a.methods] + [m for m in a.methods if m not in RULE_ORDER]
    header = [
        ctx.t("col_indicator"),
        ctx.t("col_region"),
        *(ctx.t(f"rule_{m}") if f"rule_{m}" in texts() else m for m in rules),
        ctx.t("col_agreement"),
    ]
    rows: list[list[Any]] = []
    for t in a.targets:
        for r in t.regions:
            if not _has_data(r):
                continue
            by = {v["method"]: v["status"] for v in r.verdicts}
            rows.append(
                [
                    _target_name(t, ctx.lang),
                    ctx.region(r.region),
                    *(Cell(None, Status(by.get(m, Status.INSUFFICIENT_DATA))) for m in rules),
                    ctx.t(f"agreement_{r.agreement}"),
                ]
            )
    return Section(
        ctx.t("verdicts"),
        "verdicts",
        1,
        [
            Paragraph(ctx.t("verdicts_intro")),
            Table(header, rows, caption=ctx.t("verdicts_caption"), id="verdicts-table"),
        ],
    )


@dataclass
class _SourceStats:
    used: int = 0
    secondary: int = 0
    synthetic: int = 0
    sources: list[Source] | None = None


def _sources(ctx: _Ctx) -> _SourceStats:
    """Every observation the report relied on, grouped by source text (see the module doc)."""
    obs = [
        o
        for o in store.observations(ctx.session, indicator=sorted(ctx.used_indicators), as_of=ctx.as_of)
        if _YEAR.match(o.period) and int(o.period[:4]) <= ctx.period
    ]
    groups: dict[tuple[str, str], list[Observation]] = defaultdict(list)
    for o in obs:
        groups[(o.source, o.status)].append(o)
    out: list[Source] = []
    ordered = sorted(groups.items(), key=lambda kv: (kv[0][1] == "secondary", kv[0][0]))
    for i, ((text, status), items) in enumerate(ordered, 1):
        status_word = ctx.t(f"obs_{status}") if f"obs_{status}" in texts() else status
        indicators = _join(sorted({ctx.indicator(o.indicator) for o in items}), ctx.lang)
        batches = ", ".join(sorted({o.batch for o in items}))
        out.append(
            Source(
                f"src-{i:03d}",
                unquote(text),
                publisher=status_word,
                note=ctx.t("source_note", count=len(items), indicators=indicators, batches=batches),
            )
        )
    synthetic = sum(1 for o in obs if _SYNTHETIC.search(o.source or "") or _SYNTHETIC.search(o.note or ""))
    return _SourceStats(len(obs), sum(1 for o in obs if o.status == "secondary"), synthetic, out)


# ------------------------------------------------------------------------------------------- the report


def _plan_title(session: Session, plan: str, lang: str) -> str:
    from yrd.db.models import PlanRow
    from yrd.documents.citation import short_title

    row = session.get(PlanRow, plan)
    if row is None:
        return plan
    title = (row.title_zh if lang == "zh" else row.title_en) or row.title_zh
    full = title.strip("《》")
    return short_title(full, lang) if lang == "en" and not row.title_en else full


def build_assessment_report(
    session: Session,
    period: int | None = None,
    lang: str = "zh",
    plan: str = DEFAULT_PLAN,
    as_of: str | None = None,
    *,
    generated_at: date | datetime | None = None,
    assessment: Assessment | None = None,
) -> Report:
    """The periodic assessment of ``plan``'s targets as of ``period`` (default: the latest year with
    data), in ``lang``, on the figures published by ``as_of`` (default: the current ones).

    ``assessment`` reuses an `assess` result of the same plan, period and ``as_of`` (the slow part),
    e.g. to build both languages; ``generated_at`` fixes the date on the title page.

    Raises:
        InputError: an unknown language, a bad period or ``as_of``.
        NotFoundError: an unknown plan.
    """
    if lang not in LANGS:
        raise InputError(f"report language must be one of {', '.join(LANGS)}, not {lang!r}")
    if period is not None and not (isinstance(period, int) and 1900 <= period <= 2100):
        raise InputError(f"period must be a year such as 2024, not {period!r}")
    as_of_day = store.parse_as_of(as_of) if as_of else None
    today = generated_at or date.today()
    registry = load_registry()
    if assessment is None:
        assessment = assess(session, plan, period, as_of=as_of, registry=registry)
    elif (period is not None and assessment.period != period) or assessment.plan != plan:
        raise InputError("the assessment given is of another period or plan")
    names = {r.code: (r.name_zh, r.name_en) for r in list_regions(session)}
    for t in assessment.targets:
        for r in t.regions:
            names.setdefault(r.region, (r.name_zh, r.name_en))
    ctx = _Ctx(session, lang, assessment.period, as_of, registry, assessment, names, set())
    as_of_text = format_day(as_of_day or today, lang)
    plan_title = _plan_title(session, plan, lang)
    city_codes = sorted(f["id"] for f in load_boundaries("prefecture")["features"])
    # panels first: they decide which indicators the report uses, and so its sources and counts
    for t in assessment.targets:
        ctx.use(t.indicator)
    targets = _target_sections(ctx)
    maps = _map_sections(ctx, city_codes)
    has_cities = {c for c in _candidates(ctx) if _city_count(ctx, c, set(city_codes)) >= 2}
    disparity = _disparity_section(ctx, has_cities)
    index = _index_section(ctx)
    performance = _performance_section(ctx)
    sources = _sources(ctx)
    _set_counts(ctx, sources.used, [*targets, maps, disparity, index, performance])
    summary = _summary(ctx, plan_title, as_of_text, sources.used, sources)
    from yrd.reports.supervision import supervision_sections  # it builds on this module's texts

    today_day = today.date() if isinstance(today, datetime) else today
    supervision = supervision_sections(
        session, plan_id=plan, period=assessment.period, lang=lang, today=today_day
    )
    from yrd.reports.policies import policy_sections  # the 1+N follow-up documents, after supervision

    policies = policy_sections(session, plan_id=plan, lang=lang, today=today_day)
    return Report(
        title=tr("title", lang, period=assessment.period),
        lang=lang,  # type: ignore[arg-type]
        subtitle=tr("subtitle", lang, plan=plan_title, as_of=as_of_text),
        meta=Meta(
            period=str(assessment.period),
            generated_at=today,
            organisation=tr("organisation", lang),
            sources=sources.sources or [],
        ),
        sections=[summary, *targets, maps, disparity, index, performance, *supervision, *policies],
        annexes=[_methods_annex(ctx), _verdicts_annex(ctx)],
    )


def _city_count(ctx: _Ctx, code: str, cities: set[str]) -> int:
    obs = store.observations(ctx.session, indicator=code, as_of=ctx.as_of)
    return len({o.region for o in obs if o.region in cities})


def _set_counts(ctx: _Ctx, n: int, sections: Sequence[Section]) -> None:
    """Fill the observation count into the source lines written before it was known."""
    placeholder = tr("source_database", ctx.lang, observations=0)
    final = tr("source_database", ctx.lang, observations=n)
    for s in sections:
        for b in s.blocks:
            if isinstance(b, Table | Figure) and b.source == placeholder:
                b.source = final
