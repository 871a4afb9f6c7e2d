"""Follow-up documents and their links in the database, on SQLite and PostgreSQL.

The policy documents under tests/data/policy_docs are SYNTHETIC test material, not official texts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from yrd.db import Database
from yrd.documents.load import DEFAULT_PLAN, default_files, load_default
from yrd.errors import ConflictError, ForbiddenError, InputError, NotFoundError
from yrd.extract.pipeline import extract_plan
from yrd.policies import store
from yrd.supervise import audit
from yrd.supervise.roles import Principal, system

DOCS = Path(__file__).parents[1] / "data" / "policy_docs"
BAD = Path(__file__).parents[1] / "data" / "bad"
COORDINATOR = Principal(user_id=7, username="coord", role="coordinator")
REPORTER = Principal(user_id=8, username="rep", role="reporter", bodies=("340000",))


def doc(name: str) -> list[tuple[str, bytes]]:
    return [(name, (DOCS / name).read_bytes())]


def outline_loaded(db: Database) -> None:
    load_default(db)
    extract_plan(db, DEFAULT_PLAN)


def load_impl(db: Database, **options: str) -> str:
    result = store.load_policy(
        db, COORDINATOR, doc("implementation_plan.txt"), relation="implementation_plan", **options
    )
    return result.plan_id


def test_load_link_decide_and_cover(db: Database) -> None:
    outline_loaded(db)
    loaded = store.load_policy(
        db, COORDINATOR, doc("implementation_plan.txt"), relation="implementation_plan",
        number="示发〔2026〕1号",
    )  # fmt: skip
    assert loaded.changed and loaded.counts["paragraphs"] == 18
    pid = loaded.plan_id
    with db.read() as session:
        [policy] = store.list_policies(session)
    assert (policy.plan_id, policy.relation, policy.number, policy.status) == (
        pid, "implementation_plan", "示发〔2026〕1号", "in_force",
    )  # fmt: skip
    assert policy.title == "示例省推进长三角一体化交通与创新协同实施方案"
    assert (policy.issuer, policy.date) == ("示例省人民政府办公厅", "2026-03-01")  # from the signature block

    linked = store.suggest_links(db, COORDINATOR, pid, k=3)
    assert linked.paragraphs == 16 and linked.counts["added"] > 0  # 18, less the preamble's 2
    with db.read() as session:
        found = store.links(session, pid)
    assert not any(x.policy_eid.startswith("preface") for x in found)
    with db.read() as session:
        total = store.coverage(session).total
    assert all(x.state == "suggested" and x.version == 1 and 1 <= x.rank <= 3 for x in found)
    assert len({(x.policy_eid, x.outline_eid) for x in found}) == len(found)
    rail = next(x for x in found if "城际铁路" in x.policy_text and x.rank == 1)
    assert rail.reasons and rail.outline_title and rail.score > 0
    other = next(x for x in found if x.policy_eid != rail.policy_eid)

    confirmed = store.decide(db, COORDINATOR, rail.id, state="confirmed", version=1)
    assert (confirmed.state, confirmed.version, confirmed.decided_by) == ("confirmed", 2, "coord")
    assert store.decide(db, COORDINATOR, other.id, state="rejected", version=1).state == "rejected"
    with pytest.raises(ConflictError, match=r"changed by coord .*after you read version 1"):
        store.decide(db, COORDINATOR, rail.id, state="rejected", version=1)

    with db.read() as session:
        cover = store.coverage(session, DEFAULT_PLAN)
        assert [x.id for x in store.links(session, pid, "confirmed")] == [rail.id]
        assert [x.id for x in store.links(session, pid, "rejected")] == [other.id]
        assert store.list_policies(session)[0].links["confirmed"] == 1
    assert (cover.covered, cover.total) == (1, total) and total > 50
    [measure] = [m for m in cover.measures if not m.none]
    assert measure.eid == rail.outline_eid
    assert measure.links == [{"policy_plan_id": pid, "policy_eid": rail.policy_eid, "title": policy.title}]

    # a new round with a different k keeps both decisions and the ids of what it suggests again
    again = store.suggest_links(db, COORDINATOR, pid, k=5)
    assert again.counts["kept_decided"] == 2 and again.counts["added"] > 0
    with db.read() as session:
        after = {x.id: x for x in store.links(session, pid)}
    assert after[rail.id].state == "confirmed" and after[other.id].state == "rejected"
    assert {x.id for x in found} <= set(after)

    with db.read() as session:
        actions = [e.action for e in audit.entries(session, limit=50)]
        assert audit.verify(session).ok
        decided = audit.entries(session, entity=f"link:{rail.id}")
    assert {"policy.load", "policy.link", "policy.decide"} <= set(actions)
    assert decided[0].actor == "coord" and decided[0].after["state"] == "confirmed"


def test_loading_again_changes_nothing_and_updates_metadata(db: Database) -> None:
    pid = load_impl(db)
    assert pid.startswith("policy-")
    again = store.load_policy(db, COORDINATOR, doc("implementation_plan.txt"), relation="implementation_plan")
    assert (again.plan_id, again.changed) == (pid, False)
    assert again.files[0]["status"] == "unchanged"
    changed = store.load_policy(
        db, COORDINATOR, doc("implementation_plan.txt"), relation="implementation_plan",
        status="superseded", date="2026-03-05", issuer="示例省发展改革委",
    )  # fmt: skip
    assert changed.changed
    with db.read() as session:
        [policy] = store.list_policies(session)
        loads = [e for e in audit.entries(session, entity=f"plan:{pid}") if e.action == "policy.load"]
    assert (policy.status, policy.date, policy.issuer) == ("superseded", "2026-03-05", "示例省发展改革委")
    assert len(loads) == 2 and loads[0].before["status"] == "in_force"


def test_refusals_name_the_problem(db: Database) -> None:
    prose = [("meeting.txt", (BAD / "not_an_outline.txt").read_bytes())]
    with pytest.raises(InputError, match=r"^meeting\.txt: not a policy document"):
        store.load_policy(db, COORDINATOR, prose, relation="supporting_policy")
    _, outline_files = default_files()
    with pytest.raises(InputError, match=r"reads as an outline; load outlines with `yrd load`"):
        store.load_policy(db, COORDINATOR, outline_files, relation="master_plan")
    with pytest.raises(InputError, match="relation must be one of special_plan"):
        store.load_policy(db, COORDINATOR, doc("notice.txt"), relation="notice")
    with pytest.raises(InputError, match="date must be a date written YYYY-MM-DD"):
        store.load_policy(db, COORDINATOR, doc("notice.txt"), relation="special_plan", date="1.3.2026")
    with pytest.raises(InputError, match="different documents"):
        store.load_policy(db, COORDINATOR, doc("notice.txt") + doc("regulation.txt"), relation="special_plan")
    with pytest.raises(ForbiddenError, match="task:manage"):
        store.load_policy(db, REPORTER, doc("notice.txt"), relation="special_plan")
    with db.read() as session:
        assert store.list_policies(session) == []  # nothing was written
    pid = store.load_policy(db, system(), doc("regulation.txt"), relation="supporting_policy").plan_id
    with pytest.raises(NotFoundError, match="no plan 'yrd-outline-2019'"):
        store.suggest_links(db, COORDINATOR, pid)
    with pytest.raises(NotFoundError, match="no policy document 'nope'"):
        store.suggest_links(db, COORDINATOR, "nope")
    with pytest.raises(InputError, match="k must be a whole number from 1 to 20"):
        store.suggest_links(db, COORDINATOR, pid, k=0)
    with pytest.raises(NotFoundError, match="no link with id 99"):
        store.decide(db, COORDINATOR, 99, state="confirmed", version=1)
    with pytest.raises(InputError, match="state must be one of confirmed, rejected"):
        store.decide(db, COORDINATOR, 1, state="suggested", version=1)
    with pytest.raises(ForbiddenError):
        store.decide(db, REPORTER, 1, state="confirmed", version=1)
