"""Schemathesis against the running app's own OpenAPI description: every operation, with generated
parameters and bodies, as an administrator's token and anonymously; no answer may be a server error.

The app runs on a copy of the prepared default (the Outline, regions, statistics, tasks and
projects) with SYNTHETIC accounts, served by uvicorn on a free port, as `yrd serve` would.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from tests.browser import serve
from tests.web.logins import add_role_users, token_for

from yrd.db import Database
from yrd.settings import Settings
from yrd.supervise import accounts
from yrd.supervise.roles import system
from yrd.web.app import create_app

EXAMPLES = 12  # per operation and identity: ~60 operations × 2 identities in well under a minute or two


@pytest.fixture(scope="module")
def running(default_sqlite: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("schemathesis")
    shutil.copyfile(default_sqlite, folder / "yrd.sqlite")
    db = Database(f"sqlite:///{folder / 'yrd.sqlite'}")
    add_role_users(db)
    # an administrator of its own, so that generated edits of the role accounts cannot lock it out
    accounts.create_user(db, system("tests"), "fuzz-admin", "fuzz password 123", "admin")
    secret = token_for(db, "fuzz-admin")
    with serve(create_app(Settings(data_dir=folder), db)) as base:
        yield base, secret
    db.dispose()


def _fuzz(base: str, headers: dict[str, str], who: str) -> tuple[list[str], Counter[int]]:
    """Every operation of the live description, EXAMPLES generated calls each; the server errors and
    a count of the answers by status class (2, 4, 5 for 2xx, 4xx, 5xx)."""
    failures: list[str] = []
    classes: Counter[int] = Counter()
    loaded = schemathesis.openapi.from_url(f"{base}/openapi.json")
    operations = [result.ok() for result in loaded.get_all_operations()]
    assert len(operations) > 40, "the description lists too few operations"
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        def run(case: schemathesis.Case) -> None:
            response = case.call(base_url=base, headers=headers, timeout=60)
            classes[response.status_code // 100] += 1
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} ({who}) → {response.status_code}: "
                                f"{response.text[:300]}")  # fmt: skip

        run()
    return failures, classes


def test_no_operation_answers_an_administrator_with_a_server_error(running: tuple[str, str]) -> None:
    base, secret = running
    failures, classes = _fuzz(base, {"Authorization": f"Bearer {secret}"}, "admin")
    assert failures == []
    assert classes[2] > 100 and classes[4] > 100  # it did reach the handlers, and bad input was refused


def test_no_operation_answers_an_anonymous_caller_with_a_server_error(running: tuple[str, str]) -> None:
    failures, classes = _fuzz(running[0], {}, "anonymous")
    assert failures == []
    assert classes[2] > 100 and classes[4] > 100
