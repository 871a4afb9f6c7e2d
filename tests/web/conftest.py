"""Fixtures of the web tests: bare apps on temporary SQLite databases holding the embedded Outline.

The English translation in ``shared/seeds`` is copyrighted and never copied into the project; the page
tests that need English give the plan a few made-up English texts instead (`add_test_english`), and
the browser tests read the seeds at run time.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.browser import serve

from yrd.db import Database
from yrd.documents import store
from yrd.documents.load import DEFAULT_PLAN, load_default
from yrd.settings import Settings
from yrd.web.app import create_app

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
PLAN = DEFAULT_PLAN
# Chapter V gets made-up English except for its second section, which stays Chinese only.
ENGLISH_CHAPTER = "chp_5"
UNTRANSLATED_SECTION = "chp_5__sec_2"


def make_db(folder: Path) -> Database:
    db = Database(f"sqlite:///{folder / 'yrd.sqlite'}")
    db.migrate()
    load_default(db)
    return db


def add_test_english(db: Database, plan_id: str = PLAN) -> None:
    """Give one chapter and the preamble invented English, so views with English can be tested."""
    with db.write() as session:
        plan = store.load_plan(session, plan_id)
        for top in plan.units:
            if top.eid not in (ENGLISH_CHAPTER, "preface"):
                continue
            for unit in top.walk():
                if unit.eid.startswith(UNTRANSLATED_SECTION):
                    continue
                if unit.kind in ("chapter", "section"):
                    unit.heading["en"] = f"Test heading of {unit.eid}"
                elif unit.kind == "paragraph":
                    lead = f"Test lead {unit.num}." if unit.lead.get("zh") else ""
                    filler = " ".join(
                        ["made-up words for a test paragraph"] * (2 + len(unit.text["zh"]) // 40)
                    )
                    unit.lead["en"] = lead
                    unit.text["en"] = f"{lead} English {unit.eid}: {filler}.".strip()
                    unit.align_score = 1.0
        if "en" not in plan.langs:
            plan.langs.append("en")
        store.save_plan(session, plan, [])


@pytest.fixture(scope="session")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = make_db(tmp_path_factory.mktemp("web"))
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def english_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = make_db(tmp_path_factory.mktemp("web-en"))
    add_test_english(database)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def extracted_db(tmp_path_factory: pytest.TempPathFactory, default_sqlite: Path) -> Iterator[Database]:
    """The embedded default as `yrd serve` prepares it: the Outline, the regions, the extracted records.
    Shared by the page and browser tests of the extraction pages."""
    path = tmp_path_factory.mktemp("web-extract") / "yrd.sqlite"
    shutil.copyfile(default_sqlite, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


def _client(db: Database, folder: Path) -> TestClient:
    return TestClient(create_app(Settings(data_dir=folder, default_lang="zh"), db))


@pytest.fixture
def client(db: Database, tmp_path: Path) -> Iterator[TestClient]:
    with _client(db, tmp_path) as c:
        yield c


@pytest.fixture
def en_client(english_db: Database, tmp_path: Path) -> Iterator[TestClient]:
    with _client(english_db, tmp_path) as c:
        yield c


@pytest.fixture
def x_client(extracted_db: Database, tmp_path: Path) -> Iterator[TestClient]:
    """A client of the app on the extracted default."""
    with _client(extracted_db, tmp_path) as c:
        yield c


@pytest.fixture(scope="session")
def site(extracted_db: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on the prepared default, served on a free port; its base URL (browser tests)."""
    from yrd.web.app import create_app

    folder = tmp_path_factory.mktemp("extract-browser")
    with serve(create_app(Settings(data_dir=folder), extracted_db)) as base:
        yield base
