"""Tasks: the measures a plan asks for, with the bodies responsible for each.

Which paragraphs are measures (see ``yrd/data/tasks.json`` and docs/extraction_projects.md):

* the paragraphs of the chapters *after* the chapter that holds the goals (发展目标, 主要目标); with
  no goals heading, the paragraphs of every chapter;
* not those under a background heading (发展基础, 机遇挑战, 指导思想 …), wherever it stands;
* not a chapter's opening paragraph when the chapter has sections: it sums the chapter up and its
  sections' paragraphs carry the measures;
* never the news lead or the preamble.

A task's title is the paragraph's lead phrase (提升上海服务功能), else its first clause. Its bodies
are the actors the paragraph names in an actor's position (`yrd.extract.actors.roles`: 沪苏浙共同制定…,
支持安徽打造…, 由沪苏浙共同编制, 领导小组办公室要会同三省一市和有关部门); when it names none, the
plan's default bodies, found by the genre's sentence "…作为…的责任主体" anywhere in the plan, with
``bodies_stated`` False. The horizon is the plan period's end year stated in the preamble
(规划期至2025年).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from importlib import resources
from typing import Any

from yrd.documents.model import Plan, Unit
from yrd.extract.actors import actor_tokens, phrases, roles
from yrd.extract.model import Task
from yrd.extract.places import GazetteerLike, PlaceIndex, index_for, plan_text, scan

LANG = "zh"


def _load() -> dict[str, Any]:
    return json.loads((resources.files("yrd") / "data" / "tasks.json").read_text(encoding="utf-8"))


_DATA = _load()
_GOALS: frozenset[str] = frozenset(_DATA["goal_headings"])
_BACKGROUND: frozenset[str] = frozenset(_DATA["background_headings"])
_HORIZON: tuple[re.Pattern[str], ...] = tuple(re.compile(p) for p in _DATA["horizon"])
_RESPONSIBLE = re.compile(_DATA["responsibility"])
_FIRST_CLAUSE = re.compile(r"^[—\s]*([^，。；：！？]{1,40})")


def horizon(plan: Plan) -> int | None:
    """The year the plan period ends, from the preamble (or, lacking one, the whole plan)."""
    preamble = [u for u in plan.walk() if u.eid.startswith("preface")]
    for units in (preamble, list(plan.walk())):
        text = "\n".join(u.text.get(LANG, "") for u in units)
        for pattern in _HORIZON:
            if m := pattern.search(text):
                return int(m.group(1))
    return None


def default_bodies(plan: Plan, index: PlaceIndex) -> list[str]:
    """The bodies the plan makes responsible for itself ("…作为…的责任主体"), empty if it names none."""
    for unit in plan.walk():
        text = unit.text.get(LANG, "")
        for m in _RESPONSIBLE.finditer(text):
            start, end = m.span("who")
            tokens = [t for t in actor_tokens(text, scan(text, index)) if start <= t.start and t.end <= end]
            codes = [c for p in phrases(text, tokens) for c in p.codes]
            if codes:
                return list(dict.fromkeys(codes))
    return []


def _chapters(plan: Plan) -> list[Unit]:
    return [u for u in plan.walk() if u.kind == "chapter"]


def _is_goals(chapter: Unit) -> bool:
    return any(u.heading.get(LANG, "").strip() in _GOALS for u in chapter.walk())


def measure_units(plan: Plan) -> Iterator[Unit]:
    """The paragraphs that are measures, in document order (the rule is in the module docstring)."""
    chapters = _chapters(plan)
    goals = [i for i, c in enumerate(chapters) if _is_goals(c)]
    for chapter in chapters[goals[0] + 1 if goals else 0 :]:
        if chapter.heading.get(LANG, "").strip() in _BACKGROUND:
            continue
        has_sections = any(c.kind == "section" for c in chapter.children)
        for child in chapter.children:
            if child.kind == "paragraph" and not has_sections:
                yield child
            elif child.kind == "section" and child.heading.get(LANG, "").strip() not in _BACKGROUND:
                yield from (u for u in child.walk() if u.kind == "paragraph")


def title_of(unit: Unit) -> str:
    """The lead phrase without its full stop, else the paragraph's first clause."""
    lead = unit.lead.get(LANG, "").strip()
    if lead:
        return lead.rstrip("。")
    m = _FIRST_CLAUSE.match(unit.text.get(LANG, ""))
    return m.group(1) if m else ""


def stated_bodies(text: str, index: PlaceIndex, whole: str = "") -> list[str]:
    """The bodies a paragraph names in an actor's position, in text order."""
    codes: list[str] = []
    for role in roles(text, scan(text, index, whole)):
        codes.extend(c for c in role.phrase.codes if c not in codes)
    return codes


def extract_tasks(plan: Plan, gazetteer: GazetteerLike | None = None) -> list[Task]:
    """One task per measure paragraph, with its responsible bodies and the plan's horizon."""
    index = index_for(gazetteer)
    whole = plan_text(plan)
    year = horizon(plan)
    default = default_bodies(plan, index)
    out: list[Task] = []
    for unit in measure_units(plan):
        text = unit.text.get(LANG, "")
        if not text:
            continue
        bodies = stated_bodies(text, index, whole)
        out.append(
            Task(
                eid=unit.eid,
                lang=LANG,
                start=0,
                end=len(text),
                text=text,
                title=title_of(unit),
                bodies=bodies or list(default),
                bodies_stated=bool(bodies),
                horizon=year,
            )
        )
    return out
