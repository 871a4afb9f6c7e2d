"""Fixtures shared by the whole suite: databases (SQLite and a real PostgreSQL), seeds, the CLI."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests import pg
from tests.browser import chromium, screenshot_dir
from yrd.db import Database
from yrd.documents.locales import ZH
from yrd.documents.model import Plan
from yrd.documents.readers import plain_lines, read_source
from yrd.documents.structure import parse_structure

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
PLAIN_SEED = SEEDS / "000_094ee4e860bae67b.txt"
BILINGUAL_SEED = SEEDS / "003_39bcb3656d9d8d7a.txt"
IN_CI = os.environ.get("CI", "").lower() == "true"
_names = itertools.count()


def missing(reason: str) -> None:
    """A missing dependency fails the run in CI and skips elsewhere."""
    if IN_CI:
        pytest.fail(f"required in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def seeds() -> Path:
    if not PLAIN_SEED.exists() or not BILINGUAL_SEED.exists():
        missing(f"seed texts not found in {SEEDS}")
    return SEEDS


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole run."""
    with chromium(missing) as b:
        yield b


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return screenshot_dir(tmp_path_factory)


@pytest.fixture(scope="module")
def outline(seeds: Path) -> Plan:
    """The real Outline, parsed from the official Chinese text, with the embedded default's metadata."""
    data = PLAIN_SEED.read_bytes()
    plan = parse_structure(plain_lines(read_source(data, PLAIN_SEED.name).text), ZH, PLAIN_SEED.name)
    plan.id, plan.date = "yrd-outline-2019", "2019-12-01"
    plan.issuer = {"zh": "中共中央、国务院"}
    return plan


@pytest.fixture(scope="session")
def default_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the embedded default prepared once (Outline, regions, extraction,
    statistics) — what `yrd serve` starts with. Copy it (`default_db`); never write to it."""
    from yrd.bootstrap import prepare_default

    path = tmp_path_factory.mktemp("default") / "default.sqlite"
    database = Database(f"sqlite:///{path}")
    database.migrate()
    prepare_default(database)
    database.dispose()
    return path


@pytest.fixture
def default_db(default_sqlite: Path, tmp_path: Path) -> Iterator[Database]:
    """A private copy of the prepared embedded default (SQLite), for read-mostly API and CLI tests."""
    copy = tmp_path / "default.sqlite"
    shutil.copyfile(default_sqlite, copy)
    database = Database(f"sqlite:///{copy}")
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pg.PgServer]:
    try:
        server = pg.start()
    except RuntimeError as exc:
        missing(str(exc))
    yield server
    pg.stop(server)


def _new_pg_database(server: pg.PgServer) -> str:
    name = f"yrd_test_{os.getpid()}_{next(_names)}"
    admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.url(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL: every storage test runs once on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'yrd.sqlite'}"
    return _new_pg_database(request.getfixturevalue("pg_server"))


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    database.migrate()
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'yrd.sqlite'}")
    database.migrate()
    yield database
    database.dispose()
