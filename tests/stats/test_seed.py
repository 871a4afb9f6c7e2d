"""The shipped statistics: every real row maps, statuses follow the rule, seeding is idempotent."""

from __future__ import annotations

import csv
import io
from collections import Counter

from yrd.db import Database
from yrd.documents.load import DEFAULT_PLAN, load_default
from yrd.extract.pipeline import extract_plan
from yrd.regions.store import seed_regions
from yrd.stats import store
from yrd.stats.registry import load_registry
from yrd.stats.seed import (
    _known_regions,
    is_publisher,
    map_rows,
    order_vintages,
    read_shipped,
    seed_official_stats,
)


def test_the_shipped_file_has_no_local_paths_and_every_row_has_a_source() -> None:
    rows = list(csv.DictReader(io.StringIO(read_shipped())))
    assert len(rows) == 317
    assert all(r["source"].strip() for r in rows)
    assert not any("shared/" in r["source"] for r in rows)


def test_every_row_maps() -> None:
    mapped, unmapped = map_rows(read_shipped(), load_registry(), _known_regions())
    assert unmapped == [] and len(mapped) == 317
    codes = Counter(r.obs.indicator for r in mapped)
    assert codes["gdp"] == 48 and codes["urbanization_rate"] == 12 and codes["rd_intensity"] == 14
    units = {r.obs.indicator: r.obs.unit for r in mapped}
    assert units["gdp"] == "亿元" and units["resident_population"] == "万人"
    by_key = {(r.obs.region, r.obs.indicator, r.obs.period, r.obs.value) for r in mapped}
    assert ("320000", "gdp", "2023", 128200.0) in by_key  # 12.82 万亿元
    assert ("340000", "gdp", "2022", 45045.0) in by_key  # 4504.5 十亿元
    assert ("central-area", "land_area", "2019", 225000.0) in by_key  # 22.5 万平方公里
    assert ("320000", "base_stations_5g", "2022-04", 140000.0) in by_key  # 截至2022年4月底


def test_statuses_follow_the_source_rule() -> None:
    mapped, _ = map_rows(read_shipped(), load_registry(), _known_regions())
    statuses = Counter(r.obs.status for r in mapped)
    assert statuses == {"secondary": 284, "official": 33}
    bound = next(r.obs for r in mapped if r.obs.region == "yrd" and r.obs.indicator == "base_stations_5g")
    assert bound.status == "secondary" and "lower bound" in bound.note  # 超过37万个: a copy, and a bound
    assert is_publisher("http://zjzd.stats.gov.cn/zwgk/x.html")
    assert not is_publisher("http://big5.www.gov.cn/gate/x.htm (中国政府网 repost of 浙江日报 2016-12-08)")
    assert not is_publisher("https://zh.wikipedia.org/wiki/x (数据来源国家统计局)")
    revised = [r for r in mapped if "修订" in r.obs.note]
    assert len(revised) == 39 and all(r.obs.status == "secondary" for r in revised)


def test_vintage_order_puts_the_most_authoritative_last() -> None:
    mapped, _ = map_rows(read_shipped(), load_registry(), _known_regions())
    obs, corroborating = order_vintages(mapped)
    assert len(obs) + corroborating == 317
    anhui_2016 = [o.value for o in obs if (o.region, o.indicator, o.period) == ("340000", "gdp", "2016")]
    assert anhui_2016 == [24117.89, 26307.7]  # yearbook first, revised current
    zj_pop_2018 = [
        o.value for o in obs if (o.region, o.indicator, o.period) == ("330000", "resident_population", "2018")
    ]
    assert zj_pop_2018 == [5737.0, 6273.0]  # pre-census series, then the revised series
    zj_2023 = [
        o for o in obs if (o.region, o.indicator, o.period) == ("330000", "resident_population", "2023")
    ]
    # two sources, one value: one vintage, the statistics bureau's own page, the repost named in the note
    assert len(zj_2023) == 1 and zj_2023[0].status == "official" and "cdslxx.cn" in zj_2023[0].note


def test_seed_writes_through_the_store_and_is_idempotent(db: Database) -> None:
    load_default(db)
    seed_regions(db)
    extract_plan(db, DEFAULT_PLAN)
    report = seed_official_stats(db)
    assert report.unmapped == [] and report.rows == 317
    assert (
        report.written is not None
        and report.written.new + report.written.revised == 317 - report.corroborating
    )
    assert sorted(report.facts_used) == [
        "gdp_share_national@yrd 2019",
        "land_area@central-area 2019",
        "land_area@demo-zone 2019",
        "land_area@yrd 2019",
        "surface_water_good_share@yrd 2019",
    ]
    assert (
        report.facts is not None and report.facts.unchanged == 2
    )  # the Outline's areas are already in the CSV
    reasons = Counter(s.reason.split(" ")[0] for s in report.skipped_facts)
    assert reasons == {"no": 17, "scope": 2, "not": 1}  # no indicator; named places; 超过60% is a bound
    again = seed_official_stats(db)
    assert again.written is not None and again.written.changed is False
    assert again.facts is not None and again.facts.changed is False
    with db.read() as session:
        hist = store.history(session, "gdp", "340000")
        assert [o.value for o in hist if o.period == "2016"] == [24117.89, 26307.7]
        demo = store.observations(session, indicator="land_area", region="demo-zone")
        assert (
            demo[0].value == 2300 and demo[0].status == "estimate" and demo[0].source.startswith("《纲要》")
        )
