"""Regions and groups in the database, on SQLite and PostgreSQL (the shared `db` fixture)."""

from __future__ import annotations

import dataclasses

import pytest

from yrd.db import Database
from yrd.errors import InputError, NotFoundError
from yrd.regions.store import get_group, get_region, list_groups, list_regions, save_group, seed_regions


def test_seed_is_idempotent(db: Database) -> None:
    first = seed_regions(db)
    assert (first.regions_added, first.groups_added) == (350, 13)
    again = seed_regions(db)
    assert not again.changed
    with db.read() as s:
        assert len(list_regions(s)) == 350
        assert len(list_regions(s, level="prefecture")) == 41
        assert [g.code for g in list_groups(s)][:4] == ["central-area", "demo-zone", "yrd", "lingang"]
        assert get_region(s, "310118").name_en == "Qingpu District"
        lingang = get_group(s, "lingang")
        assert lingang.partial and set(lingang.partial_members) == set(lingang.members)


def test_group_filter_expands_cities_to_their_counties(db: Database) -> None:
    seed_regions(db)
    with db.read() as s:
        assert len(list_regions(s, level="prefecture", group="central-area")) == 27
        demo = list_regions(s, group="demo-zone")
        assert [r.code for r in demo] == ["310118", "320509", "330421"]
        suzhou = [
            r for r in list_regions(s, level="county", group="central-area") if r.parent_code == "320500"
        ]
        assert len(suzhou) == 9
        with pytest.raises(NotFoundError):
            list_regions(s, group="nope")
        with pytest.raises(NotFoundError):
            get_region(s, "110000")


def test_an_admin_edit_survives_a_later_seed(db: Database) -> None:
    seed_regions(db)
    with db.read() as s:
        zhexinan = get_group(s, "zhexinan")
    edited = dataclasses.replace(zhexinan, members=("330800", "331100", "330700"), note="edited by an admin")
    save_group(db, edited)
    result = seed_regions(db)
    assert result.groups_kept == 1 and not result.changed
    with db.read() as s:
        assert get_group(s, "zhexinan").members == ("330700", "330800", "331100")
        assert get_group(s, "zhexinan").note == "edited by an admin"
    with pytest.raises(InputError, match="999999"):
        save_group(db, dataclasses.replace(zhexinan, members=("999999",)))


def test_unseeded_database_answers_from_the_shipped_files(db: Database) -> None:
    with db.read() as s:
        assert len(list_regions(s, level="county")) == 305
        assert len(get_group(s, "central-area").members) == 27
        assert len(list_groups(s)) == 13
