"""The 1+N JSON API and pages over HTTP: the library with its filters, loading a document, the review
queue, decisions with optimistic locking, coverage (also per province and as CSV or Excel).

The app runs on a copy of the prepared default, which holds the shipped real follow-up document (a
Shanghai regulation); the documents loaded here from tests/data/policy_docs are SYNTHETIC test
material, as are the accounts.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.web.logins import login
from tests.web.test_supervise_api import app, as_user, db  # noqa: F401  (fixtures)

from yrd.policies.seed import shipped

DOCS = Path(__file__).parents[1] / "data" / "policy_docs"
SHIPPED_TITLE = "上海市促进长三角生态绿色一体化发展示范区高质量发展条例"


def upload(client: TestClient, name: str, content: bytes | None = None, **fields: str):  # type: ignore[no-untyped-def]
    data = {"relation": "implementation_plan"} | fields
    body = content if content is not None else (DOCS / name).read_bytes()
    return client.post("/api/policies", data=data, files=[("files", (name, io.BytesIO(body), "text/plain"))])


def shipped_id(client: TestClient) -> str:
    [doc] = [d for d in client.get("/api/policies").json()["data"] if d["title"] == SHIPPED_TITLE]
    return doc["plan_id"]


def test_the_shipped_document_is_there_with_suggestions(app: FastAPI) -> None:  # noqa: F811
    client = as_user(app, None)
    library = client.get("/api/policies").json()
    assert library["count"] == len(shipped()) >= 1
    doc = library["data"][0]
    assert doc["title"] == SHIPPED_TITLE and doc["relation"] == "supporting_policy"
    assert doc["date"] == "2024-03-27" and doc["paragraphs"] > 60
    assert doc["links"]["suggested"] > 60 and doc["links"]["confirmed"] == 0  # nobody confirmed anything
    assert client.get(doc["href"]["html"]).status_code == 200
    links = client.get(f"/api/policies/{doc['plan_id']}/links").json()
    assert links["count"] == doc["links"]["suggested"]
    first = [x for x in links["data"] if x["rank"] == 1]  # its quality: tests/policies/test_real_labels.py
    assert len(first) > 50 and len({x["outline_eid"] for x in first}) > 10
    assert all(x["reasons"] and x["score"] >= 8 for x in links["data"])


def test_library_filters(app: FastAPI) -> None:  # noqa: F811
    coordinator = as_user(app, "coordinator")
    assert (
        upload(coordinator, "notice.txt", relation="special_plan", number="示发〔2026〕9号").status_code
        == 201
    )
    client = as_user(app, None)

    def titles(**params: str) -> list[str]:
        answer = client.get("/api/policies", params=params)
        assert answer.status_code == 200, answer.text
        return [d["title"] for d in answer.json()["data"]]

    assert len(titles()) == 2
    assert titles(relation="special_plan") == ["示例市长三角一体化公共服务便利共享行动方案"]
    assert titles(q="示发 9号") == titles(relation="special_plan")  # every word must match
    assert titles(issuer="上海市人民代表大会") == [SHIPPED_TITLE]
    assert titles(date_from="2025-01-01") == titles(relation="special_plan")  # 2026-04-10
    assert titles(date_to="2024-12-31") == [SHIPPED_TITLE]
    assert titles(status="superseded") == []
    # words in the text: the regulation's article on the 水乡客厅, and a phrase only the notice has
    assert titles(q="水乡客厅") == [SHIPPED_TITLE]
    found = client.get("/api/policies", params={"q": "检查检验 结果互认"}).json()["data"]
    assert [(d["title"], d["text_hits"] > 0) for d in found] == [
        ("示例市长三角一体化公共服务便利共享行动方案", True)
    ]
    assert titles(q="水乡客厅 检查检验") == []  # every word in one paragraph (or in the description)
    page = client.get("/policies", params={"q": "水乡客厅"}, headers={"accept-language": "en"}).text
    assert "/search?q=%E6%B0%B4%E4%B9%A1%E5%AE%A2%E5%8E%85&amp;plan=" in page and "paragraph" in page
    bad = client.get("/api/policies", params={"date_from": "2024-02-30"})
    assert bad.status_code == 400 and "date_from" in bad.json()["error"]
    assert client.get("/api/policies", params={"relation": "law"}).status_code == 422


def test_load_suggest_decide_and_cover(app: FastAPI) -> None:  # noqa: F811
    coordinator = as_user(app, "coordinator")
    loaded = upload(coordinator, "implementation_plan.txt", number="示发〔2026〕1号")
    assert loaded.status_code == 201, loaded.text
    body = loaded.json()
    assert body["changed"] and body["counts"]["paragraphs"] == 18 and body["links"]["added"] > 0
    pid = body["plan_id"]
    again = upload(coordinator, "implementation_plan.txt", number="示发〔2026〕1号").json()
    assert again["plan_id"] == pid and not again["changed"]

    queue = coordinator.get("/api/policy-links/queue", params={"policy": pid, "limit": 5}).json()
    assert queue["count"] == 5 and queue["total"] >= 5
    item = queue["data"][0]
    best = item["candidates"][0]
    assert best["state"] == "suggested" and best["rank"] == 1

    before = coordinator.get("/api/coverage").json()
    decided = coordinator.post(f"/api/policy-links/{best['id']}/decision",
                               json={"state": "confirmed", "version": best["version"]})  # fmt: skip
    assert decided.status_code == 200 and decided.json()["state"] == "confirmed"
    assert decided.json()["decided_by"] == "coordinator" and decided.json()["version"] == best["version"] + 1
    stale = coordinator.post(f"/api/policy-links/{best['id']}/decision",
                             json={"state": "rejected", "version": best["version"]})  # fmt: skip
    assert stale.status_code == 409 and "coordinator" in stale.json()["error"]

    after = coordinator.get("/api/coverage").json()
    assert after["covered"] == before["covered"] + 1 and after["total"] == before["total"]
    [row] = [m for m in after["data"] if m["eid"] == best["outline_eid"]]
    assert row["covered"] and row["links"][0]["policy_eid"] == item["policy_eid"]
    assert row["citation"].startswith("《纲要》第")
    missing = coordinator.get("/api/coverage", params={"missing": "true"}).json()
    assert missing["count"] == after["total"] - after["covered"]
    assert best["outline_eid"] not in {m["eid"] for m in missing["data"]}

    # a new round of suggestions keeps the decision
    again_linked = coordinator.post(f"/api/policies/{pid}/suggestions", json={"k": 3})
    assert again_linked.status_code == 200 and again_linked.json()["counts"]["kept_decided"] == 1
    confirmed = coordinator.get(f"/api/policies/{pid}/links", params={"state": "confirmed"}).json()
    assert [x["id"] for x in confirmed["data"]] == [best["id"]]

    # a confirmed paragraph that sets a target: the coverage row shows it beside the Outline measure
    with_target = next(x for x in coordinator.get(f"/api/policies/{pid}/links").json()["data"]
                   if "布局3个省级分中心" in x["policy_text"])  # fmt: skip
    confirm = {"state": "confirmed", "version": with_target["version"]}
    assert (
        coordinator.post(f"/api/policy-links/{with_target['id']}/decision", json=confirm).status_code == 200
    )
    [target_row] = [m for m in coordinator.get("/api/coverage").json()["data"]
                    if m["eid"] == with_target["outline_eid"]]  # fmt: skip
    assert any("3个" in t for t in target_row["follow_up_targets"]), target_row
    csv_text = coordinator.get("/api/coverage.csv").content.decode("utf-8")
    assert "后续文件目标" in csv_text.splitlines()[0] and "省级分中心 3个" in csv_text

    provinces = coordinator.get("/api/coverage/provinces").json()
    assert {p["code"] for p in provinces["data"]} == {"310000", "320000", "330000", "340000"}
    assert all(p["covered_count"] + len(p["missing"]) == p["total"] for p in provinces["data"])
    assert coordinator.get("/api/coverage/targets").status_code == 200


def test_coverage_downloads(app: FastAPI) -> None:  # noqa: F811
    client = as_user(app, None)
    total = client.get("/api/coverage").json()["total"]
    csv = client.get("/api/coverage.csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    text = csv.content.decode("utf-8")
    assert text.startswith("\ufeff单元,出处,章,举措")
    assert len(text.strip().splitlines()) == total + 1
    english = client.get("/api/coverage.csv", params={"lang": "en", "missing": "true"}).content.decode()
    assert english.lstrip("\ufeff").startswith("unit,citation,chapter,measure,covered")
    xlsx = client.get("/api/coverage.xlsx")
    assert xlsx.status_code == 200 and "coverage.xlsx" in xlsx.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    sheet = book["覆盖"]
    assert sheet.max_row == total + 1 and sheet["A2"].value.startswith("chp_")
    assert book["About"]["B4"].value == total
    assert client.get("/api/coverage.pdf").status_code == 422


def test_writes_need_the_coordinator(app: FastAPI) -> None:  # noqa: F811
    pid = shipped_id(as_user(app, None))
    link = as_user(app, None).get(f"/api/policies/{pid}/links").json()["data"][0]
    decision = {"state": "confirmed", "version": link["version"]}
    assert (
        as_user(app, None).post(f"/api/policy-links/{link['id']}/decision", json=decision).status_code == 401
    )
    for role in ("public", "reporter", "analyst"):
        client = as_user(app, role)
        assert client.post(f"/api/policy-links/{link['id']}/decision", json=decision).status_code == 403
        assert upload(client, "notice.txt").status_code == 403
        assert client.post(f"/api/policies/{pid}/suggestions").status_code == 403
    admin = as_user(app, "admin")
    assert admin.post(f"/api/policy-links/{link['id']}/decision", json=decision).status_code == 200


def test_bad_input_is_named(app: FastAPI) -> None:  # noqa: F811
    coordinator = as_user(app, "coordinator")
    chapters = "第一章 总则\n第一节 目标\n推进一体化发展。\n".encode()
    refused = upload(coordinator, "outline.txt", chapters)
    assert refused.status_code == 400 and "outline.txt" in refused.json()["error"]
    empty = coordinator.post("/api/policies", data={"relation": "special_plan"},
                             files=[("files", ("empty.txt", io.BytesIO(b""), "text/plain"))])  # fmt: skip
    assert empty.status_code == 400 and empty.json()["error"] == "empty.txt: the file is empty"
    binary = upload(coordinator, "x.txt", b"\x00\x01\x02" * 100)
    assert binary.status_code == 400 and "x.txt" in binary.json()["error"]
    assert upload(coordinator, "notice.txt", relation="law").status_code == 422
    bad_date = upload(coordinator, "notice.txt", date="2026-02-30")
    assert bad_date.status_code == 400 and "date" in bad_date.json()["error"]
    assert coordinator.post("/api/policy-links/999999/decision",
                            json={"state": "confirmed", "version": 1}).status_code == 404  # fmt: skip
    assert coordinator.get("/api/policies/nope").status_code == 404
    assert coordinator.get("/api/policy-links/queue", params={"policy": "nope"}).status_code == 404
    assert coordinator.get("/api/coverage", params={"plan": "nope"}).status_code == 404
    # nothing was half-loaded by the refusals
    assert len(coordinator.get("/api/policies").json()["data"]) == 1


def test_pages_and_the_session_form(app: FastAPI) -> None:  # noqa: F811
    client = TestClient(app)
    pid = shipped_id(client)
    for path in (
        "/policies",
        f"/policies/{pid}",
        "/policies/review",
        "/policies/coverage",
        "/policies/coverage?missing=1",
        f"/policies/{pid}?state=confirmed",
        "/policies?relation=x",
    ):
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.text[:300])
    assert "Confirm link" not in client.get("/policies/review", headers={"accept-language": "en"}).text
    assert client.get("/policies/nope").status_code == 404
    assert client.get("/policies/review?policy=nope").status_code == 404

    token = login(client, "coordinator")
    page = client.get(f"/policies/{pid}")
    assert 'name="state" value="confirmed"' in page.text
    link = client.get(f"/api/policies/{pid}/links").json()["data"][0]
    done = client.post(f"/policies/links/{link['id']}",
                       data={"state": "confirmed", "version": link["version"], "csrf_token": token,
                             "next": f"/policies/{pid}"}, follow_redirects=False)  # fmt: skip
    assert done.status_code == 303 and done.headers["location"].startswith(f"/policies/{pid}?done=confirmed")
    stale_form = {"state": "rejected", "version": link["version"], "csrf_token": token}
    stale = client.post(f"/policies/links/{link['id']}", data=stale_form)
    assert stale.status_code == 409 and "changed" in stale.text
    away = client.post(f"/policies/links/{link['id']}",
                       data={"state": "rejected", "version": link["version"] + 1, "csrf_token": token,
                             "next": "https://evil.example/"}, follow_redirects=False)  # fmt: skip
    assert away.status_code == 303 and away.headers["location"].startswith("/policies/review")
    forged = client.post(f"/policies/links/{link['id']}", data={"state": "confirmed", "version": 3})
    assert forged.status_code == 403

    loaded = client.post("/policies", data={"relation": "implementation_plan", "csrf_token": token},
                         files=[("files", ("plan.txt", (DOCS / "implementation_plan.txt").read_bytes(),
                                           "text/plain"))], follow_redirects=False)  # fmt: skip
    assert loaded.status_code == 303 and "done=loaded" in loaded.headers["location"]
    refused = client.post("/policies", data={"relation": "implementation_plan", "csrf_token": token,
                                             "number": "KEEP-ME"},
                          files=[("files", ("bad.txt", b"\x00" * 50, "text/plain"))])  # fmt: skip
    assert refused.status_code == 400 and "bad.txt" in refused.text and "KEEP-ME" in refused.text


def test_script_in_a_document_and_its_fields_is_shown_as_text(app: FastAPI) -> None:  # noqa: F811
    script, tag = "<script>alert('xss')</script>", '"><img src=x onerror=alert(1)>'
    text = (DOCS / "notice.txt").read_text("utf-8").replace("实现", f"实现{script}")
    coordinator = as_user(app, "coordinator")
    loaded = upload(coordinator, "notice.txt", text.encode(), issuer=script, number=tag)
    assert loaded.status_code == 201, loaded.text
    pid = loaded.json()["plan_id"]
    link = coordinator.get(f"/api/policies/{pid}/links").json()["data"][0]
    decision = {"state": "confirmed", "version": link["version"]}
    assert coordinator.post(f"/api/policy-links/{link['id']}/decision", json=decision).status_code == 200
    client = TestClient(app)
    pages = ["/policies", f"/policies/{pid}", "/policies/review", "/policies/coverage",
             f"/policies?q={tag}&issuer={script}", f"/policies/review?policy={pid}"]  # fmt: skip
    shown = 0
    for path in pages:
        page = client.get(path)
        assert page.status_code == 200, path
        assert "<script>alert(" not in page.text and "<img src=x" not in page.text, path
        shown += "&lt;script&gt;alert(" in page.text
    assert shown == len(pages) - 1  # the payload is there, as text, on all but coverage (titles only)


def test_correcting_a_description(app: FastAPI) -> None:  # noqa: F811
    coordinator = as_user(app, "coordinator")
    doc = coordinator.get(f"/api/policies/{shipped_id(coordinator)}").json()
    pid, version = doc["plan_id"], doc["version"]
    edited = coordinator.patch(f"/api/policies/{pid}", json={"version": version, "status": "superseded",
                                                              "number": "沪人大常〔2024〕1号"})  # fmt: skip
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert (body["status"], body["number"], body["version"]) == (
        "superseded",
        "沪人大常〔2024〕1号",
        version + 1,
    )
    assert body["issuer"] == doc["issuer"] and body["date"] == doc["date"]  # left out: kept
    assert [d["plan_id"] for d in coordinator.get("/api/policies?status=superseded").json()["data"]] == [pid]
    stale = coordinator.patch(f"/api/policies/{pid}", json={"version": version, "status": "in_force"})
    assert stale.status_code == 409 and "coordinator" in stale.json()["error"]
    cleared = coordinator.patch(f"/api/policies/{pid}", json={"version": version + 1, "date": None})
    assert cleared.status_code == 200 and cleared.json()["date"] is None
    for bad, field in (({"date": "2024-02-30"}, "date"), ({"status": None}, "status"), ({}, "nothing")):
        answer = coordinator.patch(f"/api/policies/{pid}", json={"version": version + 2, **bad})
        assert answer.status_code in (400, 422) and field in answer.text, (bad, answer.text)
    assert (
        as_user(app, "analyst")
        .patch(f"/api/policies/{pid}", json={"version": 9, "status": "in_force"})
        .status_code
        == 403
    )
    history = as_user(app, "admin").get("/api/audit", params={"entity": f"plan:{pid}"}).json()
    assert [e["action"] for e in history][:2] == ["policy.update", "policy.update"]

    client = TestClient(app)
    token = login(client, "coordinator")
    page = client.get(f"/policies/{pid}")
    assert 'action="/policies/' + pid + '/edit"' in page.text
    form = {"version": str(version + 2), "relation": "special_plan", "issuer": "上海市人大常委会",
            "number": "", "date": "2024-03-27", "status": "in_force", "csrf_token": token}  # fmt: skip
    saved = client.post(f"/policies/{pid}/edit", data=form, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].endswith("done=edited")
    again = client.post(f"/policies/{pid}/edit", data=form | {"issuer": "KEPT-AS-TYPED"})
    assert again.status_code == 409 and "KEPT-AS-TYPED" in again.text  # a stale version; what was typed kept
    wrong = client.post(
        f"/policies/{pid}/edit", data=form | {"version": str(version + 3), "date": "2024-13-01"}
    )
    assert wrong.status_code == 400 and "date" in wrong.text
    assert coordinator.get(f"/api/policies/{pid}").json()["relation"] == "special_plan"


def test_confirm_one_and_reject_the_others(app: FastAPI) -> None:  # noqa: F811
    coordinator = as_user(app, "coordinator")
    pid = shipped_id(coordinator)
    item = coordinator.get("/api/policy-links/queue", params={"policy": pid, "limit": 1}).json()["data"][0]
    first, *others = item["candidates"]
    assert others and all(c["state"] == "suggested" for c in item["candidates"])
    url = f"/api/policy-links/{first['id']}/decision"
    wrong = coordinator.post(
        url, json={"state": "rejected", "version": first["version"], "reject_others": True}
    )
    assert wrong.status_code == 400 and "reject_others" in wrong.json()["error"]
    done = coordinator.post(
        url, json={"state": "confirmed", "version": first["version"], "reject_others": True}
    )
    assert done.status_code == 200 and done.json()["state"] == "confirmed"
    states = {x["id"]: x["state"] for x in coordinator.get(f"/api/policies/{pid}/links").json()["data"]
              if x["policy_eid"] == item["policy_eid"]}  # fmt: skip
    assert states == {first["id"]: "confirmed", **{c["id"]: "rejected" for c in others}}
    queue = coordinator.get("/api/policy-links/queue", params={"policy": pid, "limit": 1}).json()
    assert queue["data"][0]["policy_eid"] != item["policy_eid"]  # the paragraph left the queue
    history = as_user(app, "admin").get("/api/audit", params={"entity": f"link:{others[0]['id']}"}).json()
    assert history[0]["action"] == "policy.decide" and history[0]["after"]["state"] == "rejected"

    # the page's button does the same
    client = TestClient(app)
    token = login(client, "coordinator")
    nxt = queue["data"][0]
    button = client.get(f"/policies/review?policy={pid}").text
    assert 'value="confirmed+rest"' in button
    best = nxt["candidates"][0]
    form = {"state": "confirmed+rest", "version": best["version"], "csrf_token": token}
    answer = client.post(f"/policies/links/{best['id']}", data=form, follow_redirects=False)
    assert answer.status_code == 303
    left = [x["state"] for x in coordinator.get(f"/api/policies/{pid}/links").json()["data"]
            if x["policy_eid"] == nxt["policy_eid"]]  # fmt: skip
    assert sorted(left) == ["confirmed"] + ["rejected"] * (len(left) - 1)
