"""Fixtures of the Regions tests: the embedded Outline parsed, and web apps with the regions routers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from yrd.db import Database
from yrd.documents.model import Plan
from yrd.regions.groups import embedded_plan
from yrd.regions.store import seed_regions
from yrd.settings import Settings


@pytest.fixture(scope="session")
def plan() -> Plan:
    """The official Chinese text of the Outline that ships in the package, parsed."""
    return embedded_plan()


def regions_app(db: Database, folder: Path) -> FastAPI:
    """The whole app on a test database."""
    from yrd.web.app import create_app

    return create_app(Settings(data_dir=folder, default_lang="zh"), db)


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    folder = tmp_path_factory.mktemp("regions-web")
    database = Database(f"sqlite:///{folder / 'yrd.sqlite'}")
    database.migrate()
    seed_regions(database)
    yield database
    database.dispose()


@pytest.fixture
def client(seeded_db: Database, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(regions_app(seeded_db, tmp_path)) as c:
        yield c
