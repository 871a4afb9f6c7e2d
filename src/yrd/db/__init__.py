"""Storage: tables, sessions and migrations (SQLite by default, PostgreSQL for deployments)."""

from yrd.db.session import Database

__all__ = ["Database"]
