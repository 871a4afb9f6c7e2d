"""The loading pipeline: files → parsed trees → one plan (official Chinese + English) → database.

Stages: decode and detect the form (`readers`), parse one tree per file (`structure` or
`bilingual`), merge the English into the official Chinese (`align.merge_official`), store
(`store.save_plan`) in one transaction. Any error stops the load before anything is written.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from yrd.db import Database
from yrd.db.models import SourceRow
from yrd.documents import store
from yrd.documents.locales import ZH
from yrd.documents.model import Plan, Problem
from yrd.documents.readers import plain_lines, read_source
from yrd.documents.structure import parse_structure
from yrd.errors import InputError
from yrd.supervise import audit

DEFAULT_PLAN = "yrd-outline-2019"
_PLAN_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_DATELINE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日电")


@dataclass
class ParsedFile:
    name: str
    sha256: str
    form: str
    encoding: str
    plan: Plan


@dataclass
class LoadResult:
    """What a load did, for the CLI and the API to report."""

    plan_id: str
    changed: bool
    files: list[dict[str, str]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def parse_file(data: bytes, name: str, encoding: str | None = None, form: str | None = None) -> ParsedFile:
    """Read one file into a tree.

    Raises:
        InputError: the file cannot be read as a plan outline; the message says where.
    """
    src = read_source(data, name, encoding, form)
    if src.form == "bilingual":
        from yrd.documents.bilingual import read_bilingual

        plan = read_bilingual(src.text, name)
    else:
        plan = parse_structure(plain_lines(src.text), ZH, name)
    for problem in plan.problems:
        problem.source = problem.source or name
    if plan.date is None and (m := _DATELINE.search(src.text)):
        plan.date = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    return ParsedFile(name, hashlib.sha256(data).hexdigest(), src.form, src.encoding, plan)


def _plan_id_for(title: str) -> str:
    return "plan-" + hashlib.sha1(title.encode()).hexdigest()[:10]


def counts(plan: Plan) -> dict[str, int]:
    """How many units of each kind, and how many carry English."""
    out: dict[str, int] = {"chapters": 0, "sections": 0, "paragraphs": 0, "english": 0}
    for unit in plan.walk():
        key = {"chapter": "chapters", "section": "sections", "paragraph": "paragraphs"}.get(unit.kind)
        if key:
            out[key] += 1
        if unit.text.get("en") or unit.heading.get("en"):
            out["english"] += 1
    return out


def combine(parsed: list[ParsedFile], stored: Plan | None) -> Plan:
    """One plan from several copies: the official plain Chinese wins, English comes from the rest.

    The order of precedence is: new plain texts, the stored plan, new bilingual pages.
    """
    ranked: list[tuple[Plan, str]] = [(p.plan, p.name) for p in parsed if p.form == "plain"]
    if stored is not None:
        ranked.append((stored, "(stored)"))
    ranked += [(p.plan, p.name) for p in parsed if p.form != "plain"]
    base, _ = ranked[0]
    for other, name in ranked[1:]:
        if "en" not in other.langs:
            continue
        from yrd.documents.align import merge_official

        for problem in merge_official(base, other):
            problem.source = problem.source or name
            base.problems.append(problem)
    if any(u.text.get("en") or u.heading.get("en") for u in base.walk()) and "en" not in base.langs:
        base.langs.append("en")
    for other, _ in ranked[1:]:
        for lang, title in other.title.items():
            base.title.setdefault(lang, title)
        base.date = base.date or other.date
    return base


def load_files(
    db: Database,
    files: list[tuple[str, bytes]],
    plan_id: str | None = None,
    encoding: str | None = None,
    form: str | None = None,
    meta: dict | None = None,  # type: ignore[type-arg]
    progress: Callable[[str], None] | None = None,
) -> LoadResult:
    """Load one plan from one or more files, all or nothing.

    Raises:
        InputError: a file is unreadable or not a plan outline, or the plan id is malformed.
    """
    if not files:
        raise InputError("no file given")
    if plan_id is not None and not _PLAN_ID.match(plan_id):
        raise InputError(f"plan id {plan_id!r}: use lower-case letters, digits, '.', '_' or '-'")
    step = progress or (lambda _msg: None)
    parsed = []
    for name, data in files:
        step(f"read {name}")
        parsed.append(parse_file(data, name, encoding, form))
    title = next((p.plan.title["zh"] for p in parsed if "zh" in p.plan.title), "")
    meta = meta or known_meta(title) or {}
    with db.write() as session:
        pid = plan_id or meta.get("id")
        if pid is None and title and (row := store.find_plan_by_title(session, title)):
            pid = row.id
        if pid is None:
            pid = _plan_id_for(title or parsed[0].sha256)
        known = {s.sha256: s for s in store.sources_of(session, pid)}
        if all(p.sha256 in known for p in parsed):
            step("unchanged")
            return LoadResult(
                pid, False, file_report(parsed, known), [], counts(store.load_plan(session, pid))
            )
        stored = store.load_plan(session, pid) if known else None
        step("align")
        plan = combine(parsed, stored)
        plan.id = pid
        for lang, value in (meta.get("title") or {}).items():
            plan.title[lang] = value
        plan.issuer.update(meta.get("issuer") or {})
        plan.date = meta.get("date") or plan.date
        step("store")
        changed = store.save_plan(session, plan, source_rows(parsed, datetime.now(UTC)))
        if changed:
            files = [{"name": Path(p.name).name, "sha256": p.sha256} for p in parsed]
            audit.record(
                session, "system", "plan.load", f"plan:{pid}", None, {"files": files, **counts(plan)}
            )
    return LoadResult(pid, changed, file_report(parsed, known), plan.warnings, counts(plan))


def source_rows(parsed: list[ParsedFile], at: datetime) -> list[SourceRow]:
    """The ``source`` rows of the files a plan is loaded from (outlines and follow-up documents alike)."""
    return [
        SourceRow(name=Path(p.name).name, sha256=p.sha256, form=p.form, encoding=p.encoding, loaded_at=at)
        for p in parsed
    ]


def file_report(parsed: list[ParsedFile], known: Collection[str]) -> list[dict[str, str]]:
    """Each file of a load as the CLI and the API report it; ``known``: the checksums stored before."""
    return [
        {"name": p.name, "form": p.form, "encoding": p.encoding,
         "status": "unchanged" if p.sha256 in known else "loaded"}
        for p in parsed
    ]  # fmt: skip


def _catalogue() -> list[dict]:  # type: ignore[type-arg]
    folder = resources.files("yrd") / "data" / "plans"
    return [json.loads(f.read_text("utf-8")) for f in folder.iterdir() if f.name.endswith(".json")]


def known_meta(title: str) -> dict | None:  # type: ignore[type-arg]
    """The shipped metadata (id, titles, date, issuer) of a plan known by its Chinese title.

    So a user's own copy of the Outline, loaded before or after the embedded default, joins the
    same plan instead of starting a second one.
    """
    return next((m for m in _catalogue() if title and m.get("title", {}).get("zh") == title), None)


def default_files() -> tuple[dict, list[tuple[str, bytes]]]:  # type: ignore[type-arg]
    """The embedded default: the official Chinese text of the Outline and its metadata."""
    folder = resources.files("yrd") / "data" / "plans"
    meta = json.loads((folder / f"{DEFAULT_PLAN}.json").read_text("utf-8"))
    files = [(name, (folder / name).read_bytes()) for name in meta["files"]]
    return meta, files


def load_default(db: Database, progress: Callable[[str], None] | None = None) -> LoadResult:
    """Load the embedded Outline (a no-op when it is already loaded)."""
    meta, files = default_files()
    return load_files(db, files, meta=meta, progress=progress)
