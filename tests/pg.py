"""A throwaway PostgreSQL server for the test run: initdb + pg_ctl in a temporary directory.

As root, initdb refuses to run, so the server runs as the unprivileged `postgres` user via runuser.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass
class PgServer:
    port: int
    datadir: Path
    bindir: Path
    user: str | None

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"


def _bindir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd: list[str], user: str | None) -> None:
    if user:
        cmd = ["runuser", "-u", user, "--", *cmd]
    subprocess.run(cmd, check=True, capture_output=True, text=True)


def start() -> PgServer:
    """Start a server on a free loopback port.

    Raises:
        RuntimeError: PostgreSQL is not installed or does not start (the message says why).
    """
    bindir = _bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) not found")
    user = "postgres" if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="yrd-pg-"))
    datadir = root / "data"
    if user:
        shutil.chown(root, user)
    os.chmod(root, 0o755)
    port = _free_port()
    try:
        _run([str(bindir / "initdb"), "-D", str(datadir), "-U", "postgres", "-A", "trust", "-E", "UTF8",
              "--no-locale"], user)  # fmt: skip
        opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        _run(
            [str(bindir / "pg_ctl"), "-D", str(datadir), "-o", opts, "-l", str(root / "log"), "-w", "start"],
            user,
        )
    except subprocess.CalledProcessError as exc:
        raise RuntimeError(f"PostgreSQL did not start: {exc.stderr or exc.stdout}") from exc
    return PgServer(port=port, datadir=datadir, bindir=bindir, user=user)


def stop(server: PgServer) -> None:
    try:
        _run(
            [str(server.bindir / "pg_ctl"), "-D", str(server.datadir), "-m", "immediate", "stop"], server.user
        )
    finally:
        shutil.rmtree(server.datadir.parent, ignore_errors=True)
