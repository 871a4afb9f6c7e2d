"""The audit trail on SQLite and PostgreSQL: a normal history verifies, tampering is named, appends
from concurrent writers form one chain. All entries are SYNTHETIC."""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime, timedelta, timezone

from alembic import command
from sqlalchemy import inspect, text

from yrd.db import Database
from yrd.db.migrate import config, upgrade
from yrd.supervise import audit

T0 = datetime(2024, 5, 1, 8, 0, 0, 123456, tzinfo=UTC)


def _history(db: Database, n: int = 20) -> None:
    """n entries: creates and updates of a few tasks, some with a non-UTC or naive time."""
    for i in range(n):
        task = f"task:{i % 4 + 1}"
        before = None if i < 4 else {"status": "open", "n": i - 4}
        after = {"status": "open" if i % 3 else "done", "n": i, "tags": ["a", "b"]}
        at = T0 + timedelta(minutes=i)
        if i % 5 == 1:
            at = at.astimezone(timezone(timedelta(hours=8)))
        elif i % 5 == 2:
            at = at.replace(tzinfo=None)  # naive: taken as UTC
        with db.write() as session:
            audit.record(session, f"user{i % 3}", "task.create" if i < 4 else "task.update", task,
                         before, after, at=at)  # fmt: skip


def _sql(db: Database, statement: str, **params: object) -> None:
    with db.engine.begin() as conn:
        conn.execute(text(statement), params)


def _json(db: Database) -> str:
    return "CAST(:v AS JSON)" if not db.is_sqlite else ":v"


def _verify(db: Database) -> audit.VerifyResult:
    with db.read() as session:
        return audit.verify(session)


def test_empty_log_verifies(db: Database) -> None:
    assert _verify(db) == audit.VerifyResult(True, 0, None, "0 entries, chain intact")


def test_normal_history_verifies_and_reads_back(db: Database) -> None:
    _history(db)
    result = _verify(db)
    assert (result.ok, result.checked, result.first_bad) == (True, 20, None)
    with db.read() as session:
        newest = audit.entries(session)
        assert [e.seq for e in newest] == list(range(20, 0, -1))
        assert newest[-1].prev_hash == audit.GENESIS
        assert all(e.prev_hash == older.hash for e, older in itertools.pairwise(newest))
        assert [e.at for e in reversed(newest)] == [T0 + timedelta(minutes=i) for i in range(20)]
        assert all(e.at.tzinfo is not None and e.at.utcoffset() == timedelta(0) for e in newest)
        one = audit.entries(session, entity="task:2", limit=3)
        assert [e.seq for e in one] == [18, 14, 10]
        assert one[0].after == {"status": "open", "n": 17, "tags": ["a", "b"]}


def test_record_returns_what_is_stored(db: Database) -> None:
    with db.write() as session:
        written = audit.record(session, "alice", "task.update", "task:42", {"x": (1, 2)}, {"x": [3]})
    assert written.before == {"x": [1, 2]}  # normalised to what JSON gives back
    with db.read() as session:
        [stored] = audit.entries(session)
    assert stored == written
    assert len(written.hash) == 64 and written.seq == 1


def test_non_ascii_and_none_round_trip(db: Database) -> None:
    before = {"名称": "长三角一体化示范区", "备注": "初步 ✓", "值": 1.5}
    with db.write() as session:
        audit.record(session, "张三", "plan.update", "plan:长三角", before, None, at=T0)
        audit.record(session, "李四", "plan.delete", "plan:长三角", None, None, at=T0)
        audit.record(session, "王五", "plan.create", "plan:长三角", None, {"标题": "纲要"}, at=T0)
    assert _verify(db).ok
    with db.read() as session:
        got = list(reversed(audit.entries(session, entity="plan:长三角")))
    assert [(e.actor, e.before, e.after) for e in got] == [
        ("张三", before, None), ("李四", None, None), ("王五", None, {"标题": "纲要"})]  # fmt: skip
    with db.engine.connect() as conn:  # None is stored as SQL NULL, not JSON null
        assert conn.execute(text('SELECT count(*) FROM audit_entry WHERE "after" IS NULL')).scalar_one() == 2
    assert "名称" in audit.canonical(1, T0, "张三", "a", "e", before, None, audit.GENESIS).decode()


def test_altered_after_is_named(db: Database) -> None:
    _history(db)
    _sql(db, f'UPDATE audit_entry SET "after" = {_json(db)} WHERE seq = 7', v='{"status": "done", "n": 6}')
    result = _verify(db)
    assert (result.ok, result.first_bad, result.checked) == (False, 7, 6)
    assert "entry 7" in result.reason and "content altered" in result.reason


def test_altered_actor_is_named(db: Database) -> None:
    _history(db)
    _sql(db, "UPDATE audit_entry SET actor = 'mallory' WHERE seq = 12")
    result = _verify(db)
    assert (result.ok, result.first_bad) == (False, 12)
    assert "entry 12: content altered" in result.reason


def test_altered_time_is_named(db: Database) -> None:
    _history(db)
    _sql(db, "UPDATE audit_entry SET at = :t WHERE seq = 3", t=T0 + timedelta(days=1))
    assert (_verify(db).ok, _verify(db).first_bad) == (False, 3)


def test_deleted_middle_entry_is_named(db: Database) -> None:
    _history(db)
    _sql(db, "DELETE FROM audit_entry WHERE seq = 10")
    result = _verify(db)
    assert (result.ok, result.first_bad, result.checked) == (False, 10, 9)
    assert "entry 10 missing" in result.reason and "from entry 9 to entry 11" in result.reason


def test_deleted_first_entry_is_named(db: Database) -> None:
    _history(db)
    _sql(db, "DELETE FROM audit_entry WHERE seq = 1")
    assert (_verify(db).ok, _verify(db).first_bad) == (False, 1)


def test_rehashed_entry_breaks_the_next_link(db: Database) -> None:
    """Content altered and its hash recomputed: the entry itself passes, the next one's link fails."""
    _history(db)
    with db.read() as session:
        [row] = [e for e in audit.entries(session) if e.seq == 8]
    forged = audit.entry_hash(row.seq, row.at, "mallory", row.action, row.entity, row.before, row.after,
                              row.prev_hash)  # fmt: skip
    _sql(db, "UPDATE audit_entry SET actor = 'mallory', hash = :h WHERE seq = 8", h=forged)
    result = _verify(db)
    assert (result.ok, result.first_bad, result.checked) == (False, 9, 8)
    assert "entry 9: chain broken" in result.reason and "entry 8" in result.reason


def test_concurrent_appends_form_one_chain(db: Database) -> None:
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            for i in range(25):
                with db.write() as session:
                    audit.record(session, f"writer{k}", "task.update", f"task:{k}", {"i": i - 1}, {"i": i})
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    result = _verify(db)
    assert (result.ok, result.checked) == (True, 100)
    with db.read() as session:
        everything = audit.entries(session, limit=1000)
    assert sorted(e.seq for e in everything) == list(range(1, 101))
    assert len({e.hash for e in everything}) == len({e.prev_hash for e in everything}) == 100
    for k in range(4):  # each writer's entries in its own order
        with db.read() as session:
            mine = audit.entries(session, entity=f"task:{k}")
        assert [e.after["i"] for e in reversed(mine)] == list(range(25))


def test_record_rolls_back_with_its_transaction(db: Database) -> None:
    _history(db, 3)
    try:
        with db.write() as session:
            audit.record(session, "bob", "task.update", "task:1", None, {"x": 1})
            raise RuntimeError("the described write failed")
    except RuntimeError:
        pass
    with db.write() as session:
        assert audit.record(session, "bob", "task.update", "task:1").seq == 4
    assert _verify(db).checked == 4


def test_0007_creates_and_drops_audit_entry(db_url: str) -> None:
    db = Database(db_url)
    try:
        upgrade(db.engine, "0006_observation_unique_index")
        assert "audit_entry" not in inspect(db.engine).get_table_names()
        upgrade(db.engine)
        with db.engine.connect() as conn:
            found = inspect(conn)
            assert "audit_entry" in found.get_table_names()
            assert {c["name"] for c in found.get_columns("audit_entry")} == set(audit._COLUMNS)
        _history(db, 3)
        assert _verify(db).ok
        command.downgrade(config(db.engine), "0006_observation_unique_index")
        assert "audit_entry" not in inspect(db.engine).get_table_names()
        upgrade(db.engine)
        assert _verify(db) == audit.VerifyResult(True, 0, None, "0 entries, chain intact")
    finally:
        db.dispose()
