"""Migration 0010 (a version on policy_doc) on SQLite and PostgreSQL: rows survive both ways."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from yrd.db import Database
from yrd.db.migrate import config, upgrade

NOW = "2026-11-22 00:00:00+00:00"


def _columns(db: Database) -> set[str]:
    with db.engine.connect() as conn:
        return {c["name"] for c in inspect(conn).get_columns("policy_doc")}


def test_0010_adds_and_drops_the_version(db_url: str) -> None:
    db = Database(db_url)
    try:
        upgrade(db.engine, "0009_policies")
        with db.engine.begin() as conn:  # a SYNTHETIC plan and its policy row in the 0009 layout
            conn.execute(
                text(
                    "INSERT INTO plan (id, title_zh, title_en, issuer_zh, issuer_en, langs, content_hash, "
                    "toc, problems, created_at, updated_at) VALUES ('policy-x', '示例方案', '', '', '', "
                    "'zh', '', '[]', '[]', :now, :now)"
                ),
                {"now": NOW},
            )
            conn.execute(
                text(
                    "INSERT INTO policy_doc (plan_id, relation, issuer, number, date, status, loaded_at) "
                    "VALUES ('policy-x', 'special_plan', '示例省', '', NULL, 'in_force', :now)"
                ),
                {"now": NOW},
            )
        assert "version" not in _columns(db)
        upgrade(db.engine)
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT plan_id, version FROM policy_doc")).all() == [("policy-x", 1)]
        command.downgrade(config(db.engine), "0009_policies")
        assert "version" not in _columns(db)
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT plan_id, issuer FROM policy_doc")).all() == [
                ("policy-x", "示例省")
            ]
        upgrade(db.engine)
        assert "version" in _columns(db)
    finally:
        db.dispose()
