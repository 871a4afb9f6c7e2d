"""The Statistics pages, downloads and the token-protected import, through the app (TestClient).

Pages and downloads read the session's prepared default (`extracted_db`: the Outline, regions,
extracted targets and the shipped official statistics). The import tests write, so they run on a
copy of that database made per test. Every figure a test imports is SYNTHETIC test data.
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.stats.importing import SYNTHETIC, snapshot

from yrd.db import Database
from yrd.settings import Settings
from yrd.stats.exporters import SDMX_COLUMNS
from yrd.supervise import accounts, audit
from yrd.supervise.roles import system
from yrd.web import urls, urls_stats
from yrd.web.app import create_app

TOKEN = "test-token-" + "x" * 24
ALTERNATE = re.compile(r'<link rel="alternate" type="application/json" href="([^"]+)"')


def twin(html: str) -> str:
    m = ALTERNATE.search(html)
    assert m, "the page links no JSON twin"
    return m.group(1).replace("&amp;", "&")


# ---------------------------------------------------------------------------------------------- pages


def test_indicators_index_counts_every_indicator(x_client: TestClient) -> None:
    page = x_client.get(urls_stats.indicators_page())
    assert page.status_code == 200
    api = x_client.get(twin(page.text)).json()
    assert api["count"] == 48
    codes = re.findall(r'<tr id="i-[a-z0-9_]+" data-code="([a-z0-9_]+)"', page.text)
    assert sorted(codes) == sorted(i["code"] for i in api["data"])
    counts = {i["code"]: i["counts"] for i in api["data"]}
    assert counts["gdp"]["observations"] == x_client.get("/api/observations?indicator=gdp").json()["count"]
    assert counts["coverage_5g"]["observations"] == 0
    # the header links the index, by the address its builder gives (the nav list of pages.py)
    assert f'<a href="{urls_stats.indicators_page()}">' in x_client.get("/").text
    assert f'<a href="{urls_stats.indicators_page()}" aria-current="page">' in page.text


def test_indicator_page_has_definition_targets_chart_values_and_sources(x_client: TestClient) -> None:
    page = x_client.get(urls_stats.indicator_page("rd_intensity"))
    assert page.status_code == 200
    html = page.text
    assert "研究与试验发展（R&amp;D）经费支出与地区生产总值之比" in html  # the definition
    assert "《纲要》第二章第四节第3段" in html  # the target's citation, linking into the reader
    assert f'href="{urls.unit_page("yrd-outline-2019", "chp_2__sec_4__para_3")}"' in html
    series = re.findall(r'<g class="series[^"]*" data-region="([^"]+)"', html)
    assert len(series) >= 4 and {"310000", "320000", "330000", "340000", "yrd"} <= set(series)
    assert re.search(r'<g class="target-line" data-value="3(\.0)?">', html)
    values = x_client.get(urls_stats.api_observations(indicator="rd_intensity")).json()["count"]
    assert len(re.findall(r'<tr id="v-[^"]+" data-region="[^"]+" data-kind="reported"', html)) == values
    assert 'data-status="secondary"' in html and ">转载</span>" in html  # secondary sources are marked
    assert html.count("<li>") > 0 and "Sources" not in html  # Chinese interface by default
    api = x_client.get(twin(html)).json()
    assert api["code"] == "rd_intensity" and api["targets"][0]["value"] == 3.0


def test_a_revised_value_shows_its_earlier_vintages(x_client: TestClient) -> None:
    everything = x_client.get(urls_stats.api_observations(vintage="all")).json()["data"]
    revised = next(o for o in everything if o["vintage"] > 1 and o["current"])
    html = x_client.get(urls_stats.indicator_page(revised["indicator"])).text
    anchor = urls_stats.value_anchor(revised["region"], revised["period"])
    row = html[html.index(f'id="{anchor}"') :]
    row = row[: row.index("</tr>")]
    assert 'class="vintages"' in row and "title=" in row  # a details row and a tooltip
    earlier = [o for o in everything if (o["indicator"], o["region"], o["period"], o["current"])
               == (revised["indicator"], revised["region"], revised["period"], False)]  # fmt: skip
    assert earlier and all(f"v{o['vintage']}" in row for o in earlier)


def test_english_interface_names_secondary_sources_in_both_languages(x_client: TestClient) -> None:
    html = x_client.get(urls_stats.indicator_page("gdp") + "?ui=en").text
    assert '<span lang="zh-Hans">转载</span>/secondary' in html
    assert "Every region's series" in html or "Every region&#39;s series" in html


def test_indicator_without_data_says_so(x_client: TestClient) -> None:
    html = x_client.get(urls_stats.indicator_page("hightech_industry_output")).text
    assert "尚未载入数据" in html and "<svg" not in html


def test_every_indicator_page_renders(x_client: TestClient) -> None:
    codes = [i["code"] for i in x_client.get("/api/indicators").json()["data"]]
    for code in codes:
        assert x_client.get(urls_stats.indicator_page(code)).status_code == 200, code
        assert x_client.get(urls_stats.indicator_page(code) + "?ui=en").status_code == 200, code


def test_region_page_lists_the_latest_value_of_each_indicator(x_client: TestClient) -> None:
    page = x_client.get(urls_stats.region_page("310000"))
    assert page.status_code == 200
    data = x_client.get(twin(page.text)).json()["data"]
    with_data = {o["indicator"] for o in data if o["current"]}
    rows = re.findall(r'<tr data-code="([a-z0-9_]+)" data-kind="reported">', page.text)
    assert sorted(rows) == sorted(with_data)
    latest = max((o for o in data if o["indicator"] == "gdp"), key=lambda o: o["period"])
    assert urls_stats.value_anchor("310000", latest["period"]) in page.text
    assert x_client.get(urls_stats.region_page("yrd")).status_code == 200  # a group too


def test_coverage_page_marks_every_target_indicator(x_client: TestClient) -> None:
    page = x_client.get(urls_stats.coverage_page())
    assert page.status_code == 200
    data = x_client.get(twin(page.text)).json()
    targets = x_client.get("/api/plans/yrd-outline-2019/targets").json()
    n_targets = targets["count"] if isinstance(targets, dict) else len(targets)
    # every target of the Outline has an indicator …
    assert data["summary"]["targets"] == n_targets == 18
    assert len(re.findall(r'class="for-target"', page.text)) == data["summary"]["target_indicators"]
    # … and the page shows which have data
    for ind in data["indicators"]:
        assert f'data-code="{ind["code"]}" data-vintages="{ind["vintages"]}"' in page.text
    gdp = next(i for i in data["indicators"] if i["code"] == "gdp")
    years = {
        o["period"][:4]
        for o in x_client.get("/api/observations?indicator=gdp&region=310000&vintage=all").json()["data"]
    }
    assert gdp["cells"]["310000"].keys() == years
    assert f'data-region="310000" data-years="{len(years)}"' in page.text
    assert data["summary"]["target_indicators_with_data"] < data["summary"]["target_indicators"]  # gaps shown
    # the plan's contents page links here
    assert f'href="{urls_stats.coverage_page()}"' in x_client.get("/plans/yrd-outline-2019").text


@pytest.mark.parametrize(
    "url", ["/indicators/no_such_thing", "/regions/999999/statistics", "/indicators/no_such_thing?ui=en"]
)
def test_unknown_indicator_or_region_is_404(x_client: TestClient, url: str) -> None:
    assert x_client.get(url).status_code == 404
    answer = x_client.get(url, headers={"Accept": "application/json"})
    assert answer.status_code == 404 and answer.json()["ok"] is False


def test_stats_pages_links_lead_somewhere(x_client: TestClient) -> None:
    """A crawl of the site-internal links of the statistics pages (anchors and downloads included)."""
    seen: set[str] = set()
    pages = [urls_stats.indicators_page(), urls_stats.coverage_page(), urls_stats.region_page("320000"),
             urls_stats.indicator_page("urbanization_rate")]  # fmt: skip
    for url in pages:
        html = x_client.get(url).text
        for href in re.findall(r'href="(/[^"#]*)', html):
            href = href.replace("&amp;", "&")
            if href in seen or href.startswith("/static/"):
                continue
            seen.add(href)
            assert x_client.get(href).status_code == 200, f"{url} → {href}"
    assert len(seen) > 60


# ---------------------------------------------------------------------------------------------- downloads


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json", "sdmx-csv"])
def test_downloads_in_every_format(x_client: TestClient, fmt: str) -> None:
    expected = x_client.get("/api/observations?indicator=gdp&region=310000").json()["count"]
    for url in (urls_stats.indicator_download(fmt, "gdp", region="310000"),
                urls_stats.download(fmt, indicator="gdp", region="310000")):  # fmt: skip
        answer = x_client.get(url)
        assert answer.status_code == 200, url
        assert answer.headers["content-disposition"].startswith("attachment; filename=")
        assert rows_of(answer.content, fmt) == expected, url


def rows_of(body: bytes, fmt: str) -> int:
    if fmt == "json":
        import json

        return json.loads(body)["count"]
    if fmt == "xlsx":
        import openpyxl

        sheet = openpyxl.load_workbook(io.BytesIO(body)).active
        assert sheet is not None
        return sheet.max_row - 1
    return len(list(csv.reader(io.StringIO(body.decode("utf-8"))))) - 1


def test_sdmx_csv_download_has_the_sdmx_header(x_client: TestClient) -> None:
    answer = x_client.get(urls_stats.indicator_download("sdmx-csv", "rd_intensity"))
    assert answer.headers["content-type"].startswith("application/vnd.sdmx.data+csv; version=1.0.0")
    lines = answer.content.decode("utf-8").splitlines()
    assert lines[0] == ",".join(SDMX_COLUMNS)
    assert lines[0].startswith("DATAFLOW,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE")
    assert all(line.startswith("YRD:YRD_OBS(1.0),") for line in lines[1:]) and len(lines) > 5


def test_downloads_take_the_filters_and_refuse_bad_ones(x_client: TestClient) -> None:
    all_vintages = x_client.get(urls_stats.indicator_download("csv", "gdp", vintage="all"))
    current = x_client.get(urls_stats.indicator_download("csv", "gdp"))
    assert rows_of(all_vintages.content, "csv") > rows_of(current.content, "csv")
    bad = ["/api/observations.csv?indicator=nope", "/api/indicators/nope/observations.xlsx",
           "/api/observations.json?vintage=some", "/api/observations.sdmx.csv?as_of=last-year"]  # fmt: skip
    for url in bad:
        answer = x_client.get(url)
        assert answer.status_code in (400, 404, 422), url
        assert answer.json()["ok"] is False


# ---------------------------------------------------------------------------------------------- import


@pytest.fixture
def write_db(extracted_db: Database, tmp_path: Path) -> Iterator[Database]:
    """A copy of the prepared default, for tests that write."""
    source = sqlite3.connect(extracted_db.url.removeprefix("sqlite:///"))
    target = sqlite3.connect(tmp_path / "copy.sqlite")
    source.backup(target)
    source.close()
    target.close()
    db = Database(f"sqlite:///{tmp_path / 'copy.sqlite'}")
    yield db
    db.dispose()


def data_snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every table but the tokens' (using a token notes when it was last used)."""
    return {name: rows for name, rows in snapshot(db).items() if name != "api_token"}


def client_for(db: Database, folder: Path, token: str | None) -> TestClient:
    return TestClient(create_app(Settings(data_dir=folder, api_token=token), db))


GOOD = f"region,indicator,period,value,unit,source\n310000,gdp,2031,1234.5,亿元,{SYNTHETIC}\n".encode()
BAD = (
    "region,indicator,period,value,unit,source\n"
    f"310000,gdp,2031,1234.5,亿元,{SYNTHETIC}\n"
    f"火星,gdp,2031,1,亿元,{SYNTHETIC}\n"
    f"320000,gdp,2031,abc,亿元,{SYNTHETIC}\n"
).encode()


def post(client: TestClient, files: list[tuple[str, bytes]], token: str | None = None, **form: str) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    parts = [("files", (name, data, "text/csv")) for name, data in files]
    return client.post(urls_stats.api_import(), files=parts, data=form, headers=headers)


def test_import_is_refused_without_a_token_of_the_system(write_db: Database, tmp_path: Path) -> None:
    with client_for(write_db, tmp_path, None) as client:
        answer = post(client, [("a.csv", GOOD)], token="anything")
        anonymous = post(client, [("a.csv", GOOD)])
    assert answer.status_code == 401
    body = answer.json()
    assert body["ok"] is False and body["error"] == "unknown API token" and body["errors"] == []
    assert anonymous.status_code == 401 and "stats:import" in anonymous.json()["error"]


def test_the_former_single_token_becomes_a_scoped_token(write_db: Database, tmp_path: Path) -> None:
    with client_for(write_db, tmp_path, TOKEN) as client:
        me = client.get("/api/me", headers={"Authorization": f"Bearer {TOKEN}"}).json()
        assert (me["username"], me["role"], me["permissions"]) == ("api-token", "analyst", ["stats:import"])
        imported = post(client, [("a.csv", GOOD)], token=TOKEN)
        assert imported.status_code == 200
    with client_for(write_db, tmp_path, TOKEN) as client:  # a restart adopts it again: still one token
        assert client.get("/api/me", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    with write_db.read() as session:
        assert [t.name for t in accounts.list_tokens(session, system())] == ["YRD_API_TOKEN"]
        entry = audit.entries(session, limit=1)[0]
    assert (entry.actor, entry.action) == ("api-token", "observations.import")


@pytest.mark.parametrize("token", [None, "wrong", TOKEN + "x"])
def test_import_needs_the_right_token(write_db: Database, tmp_path: Path, token: str | None) -> None:
    with client_for(write_db, tmp_path, TOKEN) as client:  # the app adopts the token: a write
        before = data_snapshot(write_db)
        answer = post(client, [("a.csv", GOOD)], token=token)
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"
    assert answer.json()["ok"] is False
    assert data_snapshot(write_db) == before


def test_import_of_a_bad_file_says_where_and_writes_nothing(write_db: Database, tmp_path: Path) -> None:
    with client_for(write_db, tmp_path, TOKEN) as client:
        before = data_snapshot(write_db)
        answer = post(client, [("bad.csv", BAD)], token=TOKEN)
    assert answer.status_code == 400
    body = answer.json()
    assert body["ok"] is False and body["error"].startswith("2 errors, nothing imported")
    assert [set(e) for e in body["errors"]] == [{"file", "row", "column", "value", "message"}] * 2
    by_row = {e["row"]: e for e in body["errors"]}
    assert by_row[3]["file"] == "bad.csv" and by_row[3]["value"] == "火星" and by_row[3]["column"]
    assert by_row[4]["value"] == "abc" and by_row[4]["column"]
    assert data_snapshot(write_db) == before


def test_import_dry_run_counts_and_writes_nothing(write_db: Database, tmp_path: Path) -> None:
    with client_for(write_db, tmp_path, TOKEN) as client:
        before = data_snapshot(write_db)
        answer = post(client, [("a.csv", GOOD)], token=TOKEN, dry_run="true")
    assert answer.status_code == 200
    body = answer.json()
    assert body["ok"] is True and body["dry_run"] is True and body["new"] == 1
    assert data_snapshot(write_db) == before


def test_import_writes_and_a_second_time_changes_nothing(write_db: Database, tmp_path: Path) -> None:
    with client_for(write_db, tmp_path, TOKEN) as client:
        first = post(client, [("a.csv", GOOD), ("b.csv", GOOD.replace(b"310000", b"330000"))], token=TOKEN)
        assert first.status_code == 200
        assert (first.json()["new"], first.json()["dry_run"]) == (2, False)
        stored = client.get("/api/observations?indicator=gdp&period=2031").json()["data"]
        assert sorted(o["region"] for o in stored) == ["310000", "330000"]
        assert stored[0]["value"] == 1234.5 and stored[0]["source"] == SYNTHETIC
        again = post(client, [("a.csv", GOOD), ("b.csv", GOOD.replace(b"310000", b"330000"))], token=TOKEN)
        assert (again.json()["new"], again.json()["unchanged"]) == (0, 2)


def test_import_refuses_a_bad_format_or_mapping_in_the_error_shape(
    write_db: Database, tmp_path: Path
) -> None:
    with client_for(write_db, tmp_path, TOKEN) as client:
        for form in ({"format": "pdf"}, {"mapping": "{not json"}):
            answer = post(client, [("a.csv", GOOD)], token=TOKEN, **form)
            assert answer.status_code == 400, form
            assert answer.json()["ok"] is False and answer.json()["error"]
        assert (
            client.post(urls_stats.api_import(), headers={"Authorization": f"Bearer {TOKEN}"}).status_code
            == 422
        )


def test_openapi_describes_the_token_and_the_downloads(x_client: TestClient) -> None:
    spec = x_client.get("/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["token"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["token"]["description"],
    }
    assert schemes["session"]["in"] == "cookie" and schemes["session"]["name"] == "yrd_session"
    assert "scopes" in schemes["token"]["description"]
    op = spec["paths"]["/api/observations/import"]["post"]
    assert op["security"] == [{"token": []}, {"session": []}]
    assert {"400", "401", "403"} <= set(op["responses"])
    for ext in ("csv", "xlsx", "json", "sdmx.csv"):
        assert f"/api/observations.{ext}" in spec["paths"]
        assert f"/api/indicators/{{code}}/observations.{ext}" in spec["paths"]
    assert "security" not in spec["paths"]["/api/observations"]["get"]  # reading needs no token


# ---------------------------------------------------------------------------------------------- navigation


@pytest.mark.parametrize(
    ("url", "current"),
    [("/", None), (urls_stats.indicators_page(), "page"), (urls_stats.indicator_page("gdp"), "true"),
     (urls_stats.coverage_page(), "true"), (urls_stats.region_page("yrd"), "true")],
)  # fmt: skip
def test_the_header_marks_the_statistics_section(x_client: TestClient, url: str, current: str | None) -> None:
    html = x_client.get(url).text
    nav = html[html.index('<nav class="site-nav"') :]
    nav = nav[: nav.index("</nav>")]
    link = re.search(rf'<a href="{urls_stats.indicators_page()}"( aria-current="(\w+)")?>', nav)
    assert link is not None and link.group(2) == current
    assert nav.count(f'href="{urls_stats.indicators_page()}"') == 1  # once, from the nav list


# ---------------------------------------------------------------------------------------------- as of


def _current_vs_then(x_client: TestClient, as_of: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A GDP key whose current vintage differs from the one published by ``as_of``."""
    now = x_client.get(urls_stats.api_observations(indicator="gdp")).json()["data"]
    then = x_client.get(urls_stats.api_observations(indicator="gdp", as_of=as_of)).json()["data"]
    old = {(o["region"], o["period"]): o for o in then}
    changed = [o for o in now if (o["region"], o["period"]) in old]
    return next((o, old[(o["region"], o["period"])]) for o in changed
                if old[(o["region"], o["period"])]["vintage"] != o["vintage"])  # fmt: skip


def _row(html: str, anchor: str) -> str:
    row = html[html.index(f'<tr id="{anchor}"') :]
    return row[: row.index("</tr>")]


def test_as_of_shows_the_vintage_published_then(x_client: TestClient) -> None:
    current, then = _current_vs_then(x_client, "2024")
    anchor = urls_stats.value_anchor(current["region"], current["period"])
    now_html = x_client.get(urls_stats.indicator_page("gdp")).text
    assert f'data-vintage="{current["vintage"]}"' in _row(now_html, anchor)
    assert 'name="as_of" value=""' in now_html and 'class="as-of-status" data-as-of=""' in now_html
    html = x_client.get(urls_stats.indicator_page("gdp", as_of="2024")).text
    row = _row(html, anchor)
    assert f'data-vintage="{then["vintage"]}"' in row and 'class="later-note"' in row
    assert f"v{current['vintage']}" in row.split('class="later-note"')[1]  # the later revision is named
    assert 'name="as_of" value="2024"' in html and 'data-as-of="2024-12-31"' in html
    assert f'<a href="{urls_stats.indicator_page("gdp")}">' in html  # back to the current figures
    shown = len(re.findall(r'data-kind="reported"', html))
    api = x_client.get(urls_stats.api_observations(indicator="gdp", as_of="2024")).json()["count"]
    assert shown == api


def test_region_page_as_of(x_client: TestClient) -> None:
    html = x_client.get(urls_stats.region_page("310000", as_of="2016")).text
    api = x_client.get(urls_stats.api_observations(region="310000", as_of="2016")).json()["data"]
    assert sorted(re.findall(r'<tr data-code="([a-z0-9_]+)"', html)) == sorted({o["indicator"] for o in api})
    assert 'data-as-of="2016-12-31"' in html
    assert urls_stats.download("csv", region="310000", as_of="2016").replace("&", "&amp;") in html


@pytest.mark.parametrize("url", [urls_stats.indicator_page("gdp", as_of="soon"),
                                 urls_stats.region_page("yrd", as_of="2023-02-30")])  # fmt: skip
def test_a_bad_as_of_is_a_422_saying_so(x_client: TestClient, url: str) -> None:
    page = x_client.get(url)
    assert page.status_code == 422 and "as_of" in page.text and "Traceback" not in page.text
    answer = x_client.get(url, headers={"Accept": "application/json"})
    assert answer.status_code == 422 and answer.json()["ok"] is False and "as_of" in answer.json()["error"]


# ---------------------------------------------------------------------------------------------- group values


def test_shipped_group_values_on_the_indicator_page(x_client: TestClient) -> None:
    """The Delta's GDP where the provinces have every figure and the Delta none: computed and marked."""
    groups = x_client.get(urls_stats.api_groups("gdp", groups="yrd")).json()["data"]
    html = x_client.get(urls_stats.indicator_page("gdp")).text
    computed = [g for g in groups if g["kind"] == "computed"]
    assert computed  # the shipped data has such years (2018, 2019)
    for g in computed:
        row = _row(html, urls_stats.value_anchor("yrd", g["period"]))
        assert (
            'data-kind="computed"' in row and 'data-kind="computed"' in row.split("</td>")[2]
        )  # the status cell: a badge
        provinces = x_client.get(urls_stats.api_observations(indicator="gdp", period=g["period"])).json()[
            "data"
        ]
        total = sum(o["value"] for o in provinces if o["region"] in ("310000", "320000", "330000", "340000"))
        assert g["value"] == pytest.approx(total)
    assert len(re.findall(r'<rect class="dot computed"', html)) == len(computed)


@pytest.fixture
def synthetic_client(write_db: Database, tmp_path: Path) -> Iterator[TestClient]:
    """SYNTHETIC figures for 2031 on a copy of the default: R&D expenditure of the four provinces
    (10, 20, 30, 40 亿元, and 2032 without Anhui), and GDP 1 亿元 for each of the central area's 27
    cities (Shanghai's as the municipality 310000)."""
    from yrd.regions.store import get_group
    from yrd.stats import store
    from yrd.stats.model import ObservationIn

    def obs(indicator: str, region: str, period: str, value: float) -> ObservationIn:
        return ObservationIn(region=region, indicator=indicator, period=period, value=value, unit="亿元",
                             source=SYNTHETIC)  # fmt: skip

    provinces = ("310000", "320000", "330000", "340000")
    with write_db.read() as session:
        central = get_group(session, "central-area").members
    rows = [obs("rd_expenditure", c, "2031", 10.0 * i) for i, c in enumerate(provinces, 1)]
    rows += [obs("rd_expenditure", c, "2032", 5.0) for c in provinces[:3]]
    rows += [obs("gdp", "310000" if c == "310100" else c, "2031", 1.0) for c in central]
    with write_db.write() as session:
        store.write_observations(session, {"id": "synthetic-groups"}, rows)
    with client_for(write_db, tmp_path, None) as client:
        yield client


def test_a_computed_group_row_is_marked_with_what_is_missing(synthetic_client: TestClient) -> None:
    html = synthetic_client.get(urls_stats.indicator_page("rd_expenditure")).text
    row = _row(html, urls_stats.value_anchor("yrd", "2031"))
    assert 'data-kind="computed"' in row and ">100</td>" in row  # 10 + 20 + 30 + 40
    assert "4 个成员中的 4 个" in row
    gap = _row(html, urls_stats.value_anchor("yrd", "2032"))
    assert 'data-kind="none"' in gap and "缺少" in gap and "安徽省" in gap and "上海市" not in gap
    english = synthetic_client.get(urls_stats.indicator_page("rd_expenditure") + "?ui=en").text
    assert "missing:" in _row(english, urls_stats.value_anchor("yrd", "2032"))
    assert "Computed: sum of the members, from 4 of 4 members" in _row(
        english, urls_stats.value_anchor("yrd", "2031")
    )


def test_the_central_area_page_shows_computed_values(synthetic_client: TestClient) -> None:
    html = synthetic_client.get(urls_stats.region_page("central-area")).text
    row = html[html.index('<tr data-code="gdp"') :]
    row = row[: row.index("</tr>")]
    assert 'data-kind="computed"' in row and ">27</a>" in row and "2031" in row  # 27 cities × 1
    assert "27 个成员中的 27 个" in row
    yrd = synthetic_client.get(urls_stats.region_page("yrd")).text
    row = yrd[yrd.index('<tr data-code="rd_expenditure"') :]
    assert 'data-kind="computed"' in row[: row.index("</tr>")] and ">100</a>" in row
    # a province's page shows its own figures only
    shanghai = synthetic_client.get(urls_stats.region_page("310000")).text
    assert 'data-kind="computed"' not in shanghai
