"""The structure parser: numbered lines of one language → the plan tree.

It knows the genre, not the document: a news lead, an optional contents list (目录), an
optional preamble (前言), optional parts (第X篇), chapters (第X章) and sections (第X节), and
paragraphs that may open with a lead phrase. What a heading looks like comes from the locale.
"""

from __future__ import annotations

import re

from yrd.documents.locales import Heading, Locale
from yrd.documents.model import Plan, Problem, TocEntry, Unit, assign_eids
from yrd.documents.readers import Line
from yrd.errors import InputError

_LEVEL = {"part": 0, "preamble": 1, "chapter": 1, "section": 2}
_TITLE = re.compile(r"《([^《》]{4,60})》")


def _split_toc(lines: list[Line], heads: list[Heading | None]) -> tuple[int, int, int] | None:
    """(toc line index, first toc entry, first body line) when the text has a contents list."""
    start = next((i for i, h in enumerate(heads) if h and h.kind == "toc"), None)
    if start is None:
        return None
    j = start + 1
    while j < len(lines) and heads[j] is not None and heads[j].kind != "toc":  # type: ignore[union-attr]
        j += 1
    run = list(range(start + 1, j))  # the maximal run of headings after 目录
    if not run:
        return None
    first = heads[run[0]]
    assert first is not None
    # The body starts where the headings start over: the first entry seen again, or a number
    # that goes back (chapter 1 after chapter 12).
    last_num: dict[str, int] = {}
    for k in run[1:]:
        h = heads[k]
        assert h is not None
        if (h.kind, h.num, h.title) == (first.kind, first.num, first.title):
            return start, run[0], k
        if h.kind in ("chapter", "part") and h.num is not None:
            if h.num <= last_num.get(h.kind, 0):
                return start, run[0], k
            last_num[h.kind] = h.num
            last_num.pop("section", None)
    # No restart: the body's first headings follow the contents list directly; keep the
    # trailing headings that introduce the first paragraph in the body.
    return start, run[0], j


def parse_structure(lines: list[Line], locale: Locale, source: str = "") -> Plan:
    """Build the tree of one language's text.

    Raises:
        InputError: the text has no chapter headings, so it is not a plan outline.
    """
    lang = locale.lang
    heads = [locale.heading(ln.text) for ln in lines]
    if not any(h and h.kind == "chapter" for h in heads):
        raise InputError(
            f"{source or 'input'}: not a plan outline: no chapter headings "
            f"({'第…章' if lang == 'zh' else 'Chapter …'}) found in {len(lines)} lines"
        )
    plan = Plan(langs=[lang])
    body_start = 0
    toc_span = _split_toc(lines, heads)
    front_end = toc_span[0] if toc_span else None
    if toc_span:
        _, first_entry, body_start = toc_span
        for k in range(first_entry, body_start):
            h = heads[k]
            assert h is not None
            plan.toc.append(TocEntry(h.kind, h.num, h.title, lines[k].no))  # type: ignore[arg-type]
    else:
        body_start = next(i for i, h in enumerate(heads) if h and h.kind in _LEVEL)
        front_end = body_start
    # The news lead or cover lines before the contents list (or the first heading).
    front = [ln for ln in lines[:front_end] if heads[lines.index(ln)] is None]
    if front:
        plan.units.append(
            Unit(
                kind="front",
                line=front[0].no,
                children=[_paragraph(ln, i, locale) for i, ln in enumerate(front, 1)],
            )
        )
    plan.title.update(_title(lines[: body_start + 1], lang))

    stack: list[Unit] = []  # open containers, outermost first
    for ln, h in zip(lines[body_start:], heads[body_start:], strict=True):
        if h is None or h.kind == "toc":
            if h is not None:
                plan.problems.append(Problem("warning", "a second contents heading in the body", ln.no))
                continue
            if not stack:
                plan.problems.append(
                    Problem("warning", "text before the first heading is kept as front matter", ln.no)
                )
                stack.append(Unit(kind="front", line=ln.no))
                plan.units.append(stack[-1])
            parent = stack[-1]
            paras = [c for c in parent.children if c.kind == "paragraph"]
            parent.children.append(_paragraph(ln, len(paras) + 1, locale))
            continue
        level = _LEVEL[h.kind]
        while stack and _LEVEL.get(stack[-1].kind, -1) >= level:
            stack.pop()
        unit = Unit(kind=h.kind, num=h.num, line=ln.no)  # type: ignore[arg-type]
        if h.title:
            unit.heading[lang] = h.title
        if h.kind == "section" and not stack:
            plan.problems.append(Problem("warning", "a section heading before any chapter", ln.no))
        _check_numbering(stack, plan, unit, ln.no, h)
        (stack[-1].children if stack else plan.units).append(unit)
        stack.append(unit)
    _merge_fronts(plan)
    assign_eids(plan.units)
    if plan.toc:
        plan.problems.extend(check_toc(plan, locale))
    return plan


def _title(lines: list[Line], lang: str) -> dict[str, str]:
    """The plan's title: a 《…》 name in the lead, or a first line that names a plan."""
    if m := _TITLE.search(" ".join(ln.text for ln in lines)):
        return {lang: m.group(1)}
    for ln in lines[:3]:
        name = re.sub(r"[（(][^）)]*[）)]$", "", ln.text).strip()
        if re.search(r"(纲要|规划|Outline|Plan)$", name) and "。" not in name:
            return {lang: name}
    return {}


def _paragraph(ln: Line, num: int, locale: Locale) -> Unit:
    lead, _ = locale.split_lead(ln.text)
    unit = Unit(kind="paragraph", num=num, line=ln.no)
    unit.text[locale.lang] = ln.text
    if lead:
        unit.lead[locale.lang] = lead
    return unit


def _check_numbering(stack: list[Unit], plan: Plan, unit: Unit, line: int, h: Heading) -> None:
    if h.num is None:
        return
    siblings = (stack[-1].children if stack else plan.units) if h.kind == "section" else None
    if h.kind == "chapter":
        siblings = [u for u in plan.walk() if u.kind == "chapter"]
    elif h.kind == "part":
        siblings = [u for u in plan.units if u.kind == "part"]
    same = [u for u in (siblings or []) if u.kind == h.kind]
    expected = (same[-1].num or 0) + 1 if same else 1
    if h.num != expected:
        plan.problems.append(
            Problem("warning", f"{h.kind} numbered {h.num} where {expected} was expected", line)
        )


def _merge_fronts(plan: Plan) -> None:
    fronts = [u for u in plan.units if u.kind == "front"]
    if len(fronts) > 1:
        first = fronts[0]
        for extra in fronts[1:]:
            for child in extra.children:
                child.num = len(first.children) + 1
                first.children.append(child)
            plan.units.remove(extra)


def check_toc(plan: Plan, locale: Locale) -> list[Problem]:
    """Compare the contents list with the headings of the body; report what differs."""
    lang = locale.lang
    problems: list[Problem] = []
    body: dict[tuple[str, ...], Unit] = {}
    chapter_num = part_num = 0
    for unit in plan.walk():
        if unit.kind == "part":
            part_num = unit.num or 0
        if unit.kind == "chapter":
            chapter_num = unit.num or 0
            body[("chapter", str(part_num), str(unit.num))] = unit
        elif unit.kind == "section":
            body[("section", str(part_num), str(chapter_num), str(unit.num))] = unit
        elif unit.kind in ("part", "preamble"):
            body[(unit.kind, str(unit.num))] = unit
    listed: set[tuple[str, ...]] = set()
    chapter_num = part_num = 0
    for entry in plan.toc:
        if entry.kind == "part":
            part_num = entry.num or 0
        if entry.kind == "chapter":
            chapter_num = entry.num or 0
            key: tuple[str, ...] = ("chapter", str(part_num), str(entry.num))
        elif entry.kind == "section":
            key = ("section", str(part_num), str(chapter_num), str(entry.num))
        else:
            key = (entry.kind, str(entry.num))
        listed.add(key)
        where = locale.label(entry.kind, entry.num)
        if entry.kind == "section":
            where = (
                f"{locale.label('chapter', chapter_num)}{where}"
                if lang == "zh"
                else f"chapter {chapter_num}, {where}"
            )
        unit = body.get(key)
        if unit is None:
            problems.append(
                Problem(
                    "warning", f"the contents list {where} {entry.title} but the body lacks it", entry.line
                )
            )
        elif entry.title and unit.heading.get(lang, "") != entry.title:
            problems.append(
                Problem(
                    "warning",
                    f"{where}: contents title {entry.title!r} differs from body heading "
                    f"{unit.heading.get(lang, '')!r}",
                    unit.line,
                )
            )
    for key, unit in body.items():
        if key not in listed:
            problems.append(
                Problem(
                    "warning",
                    f"the body has {unit.kind} {unit.num} {unit.heading.get(lang, '')} "
                    "that the contents list lacks",
                    unit.line,
                )
            )
    return problems
