"""Benchmark (issue 4): our /api/observations against Datasette on the same SQLite file, on loopback.

The SQLite file is the one bench/bench_stats_import.py made (``--keep PATH``): SYNTHETIC data, 1,000,000
random observations — not statistics. Both servers run on 127.0.0.1, each as one process (ours:
uvicorn, one worker; Datasette: its own server), and answer the same query with the same rows as JSON:

  region  one indicator's current series for one region   /api/observations?indicator=gdp&region=310000
  all     one indicator's current series for all regions  /api/observations?indicator=gdp

Datasette answers through canned queries with the same filter and order (``max_returned_rows`` raised
so it returns every row, not its default 1,000). A bounded load generator (httpx, asyncio) keeps 20
clients busy until a fixed number of requests is done or a time cap passes, first on one server, then
on the other; both servers are stopped at the end.

Needs the optional extra ``bench`` (Datasette): .venv/bin/pip install -e '.[bench]' -c constraints.txt
Run: .venv/bin/python bench/bench_api_vs_datasette.py PATH.sqlite [--requests 2000] [--all-requests 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

INDICATOR, REGION = "gdp", "310000"
# the same 13 fields our API gives; since migration 0005 what rows share is in observation_meta
COLUMNS = (
    "o.region, o.indicator, o.period, o.value, m.unit, m.status, m.source, m.note, m.published, o.vintage, "
    "m.batch, m.recorded_at, o.current"
)
FROM = "from observation o join observation_meta m on m.id = o.meta"
ORDER = "order by o.indicator, o.region, o.period, o.vintage"
CANNED = {
    "series_region": f"select {COLUMNS} {FROM} where o.indicator = :indicator and o.region = :region "
    f"and o.current = 1 {ORDER}",
    "series_all": f"select {COLUMNS} {FROM} where o.indicator = :indicator and o.current = 1 {ORDER}",
}


@dataclass
class Result:
    """What one target did under load."""

    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen, limit: float = 90.0) -> None:  # type: ignore[type-arg]
    """Poll until the server answers (bounded); raise if it died or never answered."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=5).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"no answer from {url} within {limit:.0f} s")


def stop(proc: subprocess.Popen) -> None:  # type: ignore[type-arg]
    """Stop a server this script started."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


async def load(url: str, total: int, clients: int, cap: float) -> Result:
    """``clients`` concurrent loops share ``total`` requests; all stop at ``cap`` seconds."""
    latencies: list[float] = []
    errors = 0
    issued = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        start = time.perf_counter()
        deadline = start + cap

        async def worker() -> None:
            nonlocal issued, errors
            while issued < total and time.perf_counter() < deadline:
                issued += 1
                t0 = time.perf_counter()
                try:
                    r = await client.get(url)
                    await r.aread()
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append((time.perf_counter() - t0) * 1000)
                errors += not ok

        await asyncio.gather(*(worker() for _ in range(clients)))
        seconds = time.perf_counter() - start
    return Result(len(latencies), errors, seconds, latencies)


def rows_of(body: object) -> list[dict]:  # type: ignore[type-arg]
    return body["data"] if isinstance(body, dict) else body  # type: ignore[return-value,index]


def same_rows(ours: list[dict], theirs: list[dict]) -> bool:  # type: ignore[type-arg]
    """The same keys and values in the same order (Datasette gives current as 1, ours as true)."""
    key = [(o["region"], o["period"], o["vintage"], round(o["value"], 9)) for o in ours]
    return key == [(o["region"], o["period"], o["vintage"], round(o["value"], 9)) for o in theirs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sqlite", type=Path, help="the SQLite file from bench_stats_import.py --keep")
    parser.add_argument("--requests", type=int, default=2000, help="per target, one region's series")
    parser.add_argument("--all-requests", type=int, default=200, help="per target, all regions' series")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--cap", type=float, default=120.0, help="seconds per target and query, at most")
    args = parser.parse_args()
    path = args.sqlite.resolve()
    print("DATA: SYNTHETIC observations (bench/bench_stats_import.py) — not statistics.")
    bin_dir = Path(sys.executable).parent
    ours_port, ds_port = free_port(), free_port()
    procs: list[subprocess.Popen] = []  # type: ignore[type-arg]
    with tempfile.TemporaryDirectory(prefix="yrd-bench-api-") as tmp:
        meta = Path(tmp) / "metadata.json"
        queries = {name: {"sql": sql} for name, sql in CANNED.items()}
        meta.write_text(json.dumps({"databases": {path.stem: {"queries": queries}}}))
        env = {**os.environ, "YRD_DATABASE_URL": f"sqlite:///{path}", "YRD_DATA_DIR": tmp}
        try:
            procs.append(subprocess.Popen(
                [str(bin_dir / "uvicorn"), "yrd.web.app:create_app", "--factory", "--host", "127.0.0.1",
                 "--port", str(ours_port), "--workers", "1", "--log-level", "warning", "--no-access-log"],
                env=env))  # fmt: skip
            procs.append(subprocess.Popen(
                [str(bin_dir / "datasette"), "serve", str(path), "--host", "127.0.0.1",
                 "--port", str(ds_port), "--metadata", str(meta), "--setting", "max_returned_rows", "100000",
                 "--setting", "sql_time_limit_ms", "60000", "--setting", "default_cache_ttl", "0"],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))  # fmt: skip
            ours = f"http://127.0.0.1:{ours_port}"
            ds = f"http://127.0.0.1:{ds_port}/{path.stem}"
            wait_ready(f"{ours}/api/indicators", procs[0])
            wait_ready(f"{ds}.json", procs[1])
            api = f"{ours}/api/observations?indicator={INDICATOR}"
            cases = [
                ("one region", args.requests, f"{api}&region={REGION}",
                 f"{ds}/series_region.json?indicator={INDICATOR}&region={REGION}&_shape=array"),
                ("all regions", args.all_requests, api,
                 f"{ds}/series_all.json?indicator={INDICATOR}&_shape=array"),
            ]  # fmt: skip
            for label, total, our_url, ds_url in cases:
                mine, theirs = (
                    rows_of(httpx.get(our_url, timeout=60).json()),
                    httpx.get(ds_url, timeout=60).json(),
                )
                assert same_rows(mine, theirs), (
                    f"{label}: the two answers differ ({len(mine)} vs {len(theirs)})"
                )
                print(f"\n{label}: {len(mine):,} rows per answer, {total:,} requests per target, "
                      f"{args.clients} clients, cap {args.cap:.0f} s")  # fmt: skip
                for name, url in (("ours", our_url), ("Datasette", ds_url)):
                    asyncio.run(load(url, min(total, 20), args.clients, args.cap))  # warm-up, not counted
                    r = asyncio.run(load(url, total, args.clients, args.cap))
                    print(f"  {name:10} {r.rps:8.1f} req/s  p50 {r.pct(0.5):8.1f} ms  "
                          f"p99 {r.pct(0.99):8.1f} ms  "
                          f"({r.requests} requests in {r.seconds:.1f} s, {r.errors} errors)")  # fmt: skip
        finally:
            for proc in procs:
                stop(proc)


if __name__ == "__main__":
    main()
