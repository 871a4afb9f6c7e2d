"""Settings from the environment (``YRD_*``), passed into the app factory and the CLI."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where data lives and how the web app runs.

    ``YRD_DATABASE_URL`` takes any SQLAlchemy URL (``sqlite:///path.sqlite`` or
    ``postgresql+psycopg://user@host:port/db``); without it a SQLite file in ``YRD_DATA_DIR`` is used.
    ``YRD_API_TOKEN``, when set, becomes an API token of the account ``api-token`` that may import
    statistics (the single shared token of earlier versions). ``YRD_ADMIN_PASSWORD`` is the password
    of the ``admin`` account the first run makes (a random one is printed when it is unset).
    """

    model_config = SettingsConfigDict(env_prefix="YRD_", extra="ignore")

    data_dir: Path = Path("data")
    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    default_lang: str = "zh"
    # Secrets are kept out of repr so that they are never logged.
    api_token: str | None = Field(default=None, repr=False)
    admin_password: str | None = Field(default=None, repr=False)

    @property
    def url(self) -> str:
        """The database URL in force (the embedded SQLite default when none is set)."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'yrd.sqlite').resolve()}"
