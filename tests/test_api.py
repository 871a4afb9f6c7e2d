"""The JSON API on a bare app over a temporary database (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.schemas import assert_valid
from yrd.db import Database
from yrd.documents.load import load_default
from yrd.settings import Settings
from yrd.web.app import create_app


@pytest.fixture
def client(db: Database) -> Iterator[TestClient]:
    load_default(db)
    with TestClient(create_app(Settings(database_url=db.url), db)) as c:
        yield c


def test_plans(client: TestClient) -> None:
    body = client.get("/api/plans").json()
    assert body["count"] == 1
    plan = body["data"][0]
    assert plan["id"] == "yrd-outline-2019"
    assert plan["counts"]["chapters"] == 12
    assert plan["links"]["html"] == "/plans/yrd-outline-2019"
    detail = client.get("/api/plans/yrd-outline-2019").json()
    assert len(detail["toc"]) == 57
    assert detail["sources"][0]["form"] == "plain"


def test_tree_matches_export_schema(client: TestClient) -> None:
    tree = client.get("/api/plans/yrd-outline-2019/tree").json()
    assert_valid(tree, "plan")
    chapters = [u for u in tree["units"] if u["kind"] == "chapter"]
    assert len(chapters) == 12


def test_unit(client: TestClient) -> None:
    body = client.get("/api/plans/yrd-outline-2019/units/chp_5__sec_1__para_1").json()
    assert body["citation"]["zh"] == "《纲要》第五章第一节第1段"
    assert body["citation"]["en"] == "Outline, Ch. V, Sec. 1, para. 1"
    assert body["lead"]["zh"] == "共建轨道上的长三角。"
    assert body["links"]["permalink"] == "/plans/yrd-outline-2019/units/chp_5__sec_1__para_1"


def test_search(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "城际铁路"}).json()
    assert body["total"] == 3
    assert body["data"][0]["citation"].startswith("《纲要》")
    assert "<mark>城际铁路</mark>" in body["data"][0]["snippet_html"]
    page = client.get("/api/search", params={"q": "发展", "limit": 5, "offset": 5}).json()
    assert page["count"] == 5 and page["total"] > 10


def test_downloads(client: TestClient) -> None:
    r = client.get("/api/plans/yrd-outline-2019/export.json")
    assert r.status_code == 200
    assert "attachment" in r.headers["content-disposition"]
    assert r.json()["id"] == "yrd-outline-2019"
    z = client.get("/api/plans/yrd-outline-2019/export.akn.zip")
    assert z.status_code == 200 and z.content[:2] == b"PK"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/plans/nope", 404),
        ("/api/plans/nope/tree", 404),
        ("/api/plans/yrd-outline-2019/units/chp_99", 404),
        ("/api/plans/nope/export.json", 404),
        ("/api/search", 422),
        ("/api/search?q=x&limit=0", 422),
        ("/api/search?q=x&lang=fr", 422),
        ("/api/search?q=%20%20", 400),
        ("/api/nothing-here", 404),
    ],
)
def test_error_shape(client: TestClient, path: str, status: int) -> None:
    r = client.get(path)
    assert r.status_code == status
    body = r.json()
    assert set(body) == {"ok", "error", "errors"}
    assert body["ok"] is False and body["error"]


def test_openapi_complete(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in ["/api/plans", "/api/plans/{plan_id}", "/api/plans/{plan_id}/tree",
                 "/api/plans/{plan_id}/units/{eid}", "/api/search"]:  # fmt: skip
        assert path in paths
        op = paths[path]["get"]
        assert op.get("summary"), path
        assert "404" in op["responses"] or path == "/api/plans", path


def test_api_docs_work_offline(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "https://" not in page.text
    assets = re.findall(r"""['"](/[^'"]+\.(?:js|css))['"]""", page.text)
    assert {a.rsplit("/", 1)[-1] for a in assets} >= {"swagger-ui-bundle.js", "swagger-ui.css"}
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_large_answers_are_compressed(client: TestClient) -> None:
    r = client.get("/api/plans/yrd-outline-2019/tree", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["content-encoding"] == "gzip"
    assert r.json()["id"] == "yrd-outline-2019"
