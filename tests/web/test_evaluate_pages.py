"""The Evaluation pages through TestClient on the prepared default (`extracted_db`): the dashboard,
a target, the methods, the map and its data, disparity and the composite index; 404s and 422s."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient

from yrd.db import Database
from yrd.evaluate.targets import assess
from yrd.web import urls_evaluate

RD = "target:chp_2__sec_4__para_3:94-106"  # R&D intensity ≥ 3 %, with figures for the Delta and provinces


@pytest.fixture(scope="module")
def assessment(extracted_db: Database) -> Any:
    with extracted_db.read() as session:
        return assess(session)


def _cells(html: str) -> dict[tuple[str, str], str]:
    """(target id, region) → status, read from the dashboard's cells."""
    out = {}
    for row in re.finditer(r'<tr id="[^"]+" data-target="([^"]+)">(.*?)</tr>', html, re.S):
        for cell in re.finditer(r'data-region="([^"]+)" data-status="([^"]+)"', row.group(2)):
            out[(unescape(row.group(1)), cell.group(1))] = cell.group(2)
    return out


def test_dashboard_lists_every_linked_target_with_its_statuses(x_client: TestClient, assessment: Any) -> None:
    r = x_client.get(urls_evaluate.dashboard())
    assert r.status_code == 200
    html = r.text
    cells = _cells(html)
    for t in assessment.targets:
        assert urls_evaluate.target_page(t.id) in html  # linked to its page
        for res in t.regions:
            assert cells[(t.id, res.region)] == res.status  # the mark matches assess()
    assert len(cells) == sum(len(t.regions) for t in assessment.targets)
    # each status has its sign, and the legend names all six
    assert html.count('class="ev-legend"') == 1
    for sign in ("✓", "▲", "◆", "▬", "▼", "?"):
        assert sign in html
    # the citation links into the reader; the roll-up of the whole plan is there
    assert (
        "/plans/yrd-outline-2019/units/chp_2__sec_4__para_3" in html or "chp_2#chp_2__sec_4__para_3" in html
    )
    assert "ev-whole" in html
    # a weak cell says why in its title
    assert 'class="ev-cell st-' in html and "ev-weak" in html
    weak = re.search(r'ev-weak"[^>]*>\s*<a href="[^"]+" title="([^"]+)"', html)
    assert weak and "证据强度" in unescape(weak.group(1))


def test_dashboard_filters(x_client: TestClient) -> None:
    r = x_client.get(urls_evaluate.dashboard(period=2022, headline="eurostat"))
    assert r.status_code == 200
    assert '<option value="2022" selected>' in r.text
    assert '<option value="eurostat" selected>' in r.text
    assert urls_evaluate.methods_page("eurostat") in r.text


@pytest.mark.parametrize("query", ["period=abc", "period=1200", "headline=bogus"])
def test_bad_query_is_a_422_page(x_client: TestClient, query: str) -> None:
    r = x_client.get(f"{urls_evaluate.dashboard()}?{query}")
    assert r.status_code == 422
    assert "text/html" in r.headers["content-type"] and "Traceback" not in r.text


def test_unknown_target_is_a_404_page(x_client: TestClient) -> None:
    r = x_client.get(urls_evaluate.target_page("target:nowhere:1-2"))
    assert r.status_code == 404
    assert "text/html" in r.headers["content-type"]
    assert x_client.get("/disparity/no_such_indicator").status_code == 404


def test_target_page_has_chart_methods_and_regions(x_client: TestClient, assessment: Any) -> None:
    t = next(t for t in assessment.targets if t.id == RD)
    html = x_client.get(urls_evaluate.target_page(RD), params={"ui": "en"}).text
    assert 'class="planned"' in html and 'class="projection"' in html and 'class="observed"' in html
    assert 'class="target-line"' in html
    for res in t.regions:
        assert f'id="{urls_evaluate.region_anchor(res.region)}"' in html
        for v in res.verdicts:
            assert f'data-method="{v["method"]}" data-status="{v["status"]}"' in html
    assert urls_evaluate.methods_page("open_sdg") in html
    assert "Headline method:" in html


def test_every_target_page_renders_in_both_languages(x_client: TestClient, assessment: Any) -> None:
    for t in assessment.targets:
        for ui in ("zh", "en"):
            assert x_client.get(urls_evaluate.target_page(t.id), params={"ui": ui}).status_code == 200


def test_methods_page_has_an_anchor_per_method(x_client: TestClient) -> None:
    html = x_client.get(urls_evaluate.methods_page()).text
    for m in ("open_sdg", "eurostat", "sdsn", "destatis_weather", "unsd_progress_chart"):
        assert f'id="{m}"' in html


def test_map_data_and_page(x_client: TestClient, assessment: Any) -> None:
    data = x_client.get(urls_evaluate.map_data("indicator:gdp")).json()
    assert data["years"] and len(data["colours"]) == len(data["breaks"]) - 1
    assert set(data["names"]) == {"310000", "320000", "330000", "340000"}
    page = x_client.get(urls_evaluate.map_page())
    assert page.status_code == 200 and 'type="range"' in page.text
    # a target's score in the assessed year is the dashboard's
    t = next(t for t in assessment.targets if t.id == RD)
    scores = x_client.get(urls_evaluate.map_data(f"target:{RD}")).json()["values"]
    for res in t.regions:
        if res.region.isdigit() and res.score is not None:
            assert scores[str(res.latest_year)][res.region] == pytest.approx(res.score, abs=0.06)
    assert x_client.get(urls_evaluate.map_page(level="city")).status_code == 200
    assert x_client.get("/map?level=county").status_code == 422
    assert x_client.get("/map/data?show=indicator:nope").status_code == 404


def test_disparity_and_index_pages(x_client: TestClient) -> None:
    r = x_client.get(urls_evaluate.disparity_page("gdp_per_capita"))
    assert r.status_code == 200
    assert "β" in r.text and 'class="ev-spark"' in r.text and 'data-year="2023"' in r.text
    assert x_client.get(urls_evaluate.disparity_page("gdp_per_capita", "city")).status_code == 200
    r = x_client.get(urls_evaluate.index_page(weighting="entropy"))
    assert r.status_code == 200
    assert r.text.count('class="rank-row"') == 4 and 'class="median"' in r.text
    assert x_client.get(urls_evaluate.index_page(weighting="magic")).status_code == 422


def test_nav_links_evaluation_and_map(x_client: TestClient) -> None:
    html = x_client.get(urls_evaluate.dashboard()).text
    assert '<a href="/evaluation" aria-current="page">评估</a>' in html
    assert '<a href="/map">地图</a>' in html
