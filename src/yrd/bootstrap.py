"""Bring the embedded default up: what `yrd serve` and a bare `yrd load` do before anything else."""

from __future__ import annotations

from collections.abc import Callable

from yrd.db import Database
from yrd.documents.load import LoadResult, load_default, load_files
from yrd.extract.pipeline import extract_plan
from yrd.policies.seed import seed_policies
from yrd.regions.store import seed_regions
from yrd.stats.seed import seed_official_stats
from yrd.supervise.seed import seed_supervision


def prepare_default(db: Database, progress: Callable[[str], None] | None = None) -> LoadResult:
    """The Outline loaded, the regions seeded, the Outline's records extracted and the official
    statistics imported, the Outline's tasks and projects put under supervision and the shipped
    follow-up documents loaded and linked (each a no-op when already done), so a new user sees every
    capability on the first run."""
    step = progress or (lambda _msg: None)
    result = load_default(db, progress=progress)
    step("regions")
    seed_regions(db)
    step("extract")
    extract_plan(db, result.plan_id)
    step("statistics")
    seed_official_stats(db)
    step("supervision")
    seed_supervision(db, result.plan_id)
    step("policies")
    seed_policies(db, result.plan_id)
    return result


def load_and_extract(
    db: Database,
    files: list[tuple[str, bytes]],
    progress: Callable[[str], None] | None = None,
    **options: str | None,
) -> LoadResult:
    """Load files as one plan (all or nothing), then extract it."""
    result = load_files(db, files, progress=progress, **options)  # type: ignore[arg-type]
    if progress:
        progress("extract")
    extract_plan(db, result.plan_id)
    return result
