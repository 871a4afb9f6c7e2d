"""Concurrent edits of one task on SQLite and PostgreSQL: no lost update, nothing but ConflictError.

Eight threads edit the same task ten times each, every time with the version they just read, and retry
on `ConflictError`: even threads (a coordinator) count up a number kept in the task's note, odd
threads (a reporter of the task's body) toggle its status between in progress and delayed. Every
write that succeeded must show: the note ends at the number of counting writes, the status where the
number of toggles puts it, the version at one plus all writes, and the audit log holds one entry per
write whose "before" is the previous entry's "after" (nobody wrote on a stale read). The users and
the task are SYNTHETIC.
"""

from __future__ import annotations

import itertools
import random
import threading
import time

from tests.supervise.test_tasks import add_task, add_user, read
from yrd.db import Database
from yrd.errors import ConflictError
from yrd.supervise import audit
from yrd.supervise.roles import Principal
from yrd.supervise.tasks import assign_task, change_status

THREADS = 8
ITERATIONS = 10
MAX_ATTEMPTS = 1000  # per write: a bound on retries, so a livelock fails instead of hanging


def _write_once(db: Database, actor: Principal, task_id: int, counting: bool) -> None:
    task = read(db, task_id)
    if counting:
        assign_task(db, actor, task_id, version=task.version, note=str(int(task.note or 0) + 1))
    else:
        status = "delayed" if task.status == "in_progress" else "in_progress"
        change_status(db, actor, task_id, status=status, version=task.version, comment="SYNTHETIC toggle")


def test_no_lost_updates(db: Database) -> None:
    cora = add_user(db, "cora", "coordinator")
    wan = add_user(db, "wan", "reporter", ["340000"])
    task_id = add_task(db, "SYNTHETIC contended task", lead="340000", status="in_progress")
    start = threading.Barrier(THREADS)
    lock = threading.Lock()
    done = {"count": 0, "toggle": 0}
    conflicts = itertools.count()
    failures: list[BaseException] = []

    def worker(i: int) -> None:
        counting = i % 2 == 0
        rng = random.Random(i)
        try:
            start.wait()
            for _ in range(ITERATIONS):
                for _attempt in range(MAX_ATTEMPTS):
                    try:
                        _write_once(db, cora if counting else wan, task_id, counting)
                    except ConflictError:
                        next(conflicts)
                        time.sleep(rng.uniform(0, 0.002))
                        continue
                    with lock:
                        done["count" if counting else "toggle"] += 1
                    break
                else:
                    raise AssertionError(f"thread {i}: no write succeeded in {MAX_ATTEMPTS} attempts")
        except BaseException as exc:  # anything but a ConflictError fails the test
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    assert failures == []

    writes = THREADS * ITERATIONS
    assert done == {"count": writes // 2, "toggle": writes // 2}
    task = read(db, task_id)
    assert task.note == str(done["count"])  # zero lost updates
    assert task.status == ("in_progress" if done["toggle"] % 2 == 0 else "delayed")
    assert task.version == 1 + writes
    with db.read() as s:
        entries = list(reversed(audit.entries(s, entity=f"task:{task_id}", limit=writes + 10)))
        assert audit.verify(s).ok
    assert len(entries) == writes
    assert [e.after["note"] for e in entries if e.action == "task.assign"] == [
        str(n) for n in range(1, writes // 2 + 1)
    ]
    assert [e.before["version"] for e in entries] == list(range(1, writes + 1))
    for older, newer in itertools.pairwise(entries):
        assert newer.before == {k: v for k, v in older.after.items() if k != "comment"}
    assert next(conflicts) > 0  # the writers did contend
