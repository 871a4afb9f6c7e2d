"""The follow-up policy parser: numbered lines of a 实施方案, 办法 or 通知 → the plan tree.

Follow-up documents of the Outline number their units differently from its 第X章/第X节 genre. Each
numbering style is mapped onto a kind the model already has, so that eIds and citations work unchanged:

    ========================  ==========================  ============
    style                     example                     unit kind
    ========================  ==========================  ============
    part                      第一部分 总则               part
    chapter / 一、            第一章 / 一、总体要求       chapter
    section / （一）          第一节 / （一）指导思想     section
    article                   第一条 为规范……             paragraph (numbered as the article)
    1.                        1.加快城际铁路建设。……      paragraph
    （1）                     （1）完成东部连接线建设     paragraph (inside the open 1. item)
    ========================  ==========================  ============

Each numbered heading and article is listed in the plan's contents (``Plan.toc``) as printed
(一、总体要求, （一）指导思想, 第一部分 总则, 第一条), which is stored with the plan and tells
`yrd.documents.citation` the document's citation style (第三条, 一、（二）3.).

A notice (关于印发《…》的通知) keeps its own text as the preamble (``preface``) and the attached plan
as the tree; text before the first heading is kept as the introduction (``intro``). A numbering
gap is reported as a `Problem` on the plan, never raised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from yrd.documents.locales import ZH
from yrd.documents.model import Plan, Problem, TocEntry, Unit, UnitKind, assign_eids
from yrd.documents.numerals import parse_chinese, to_chinese
from yrd.documents.readers import Line
from yrd.errors import InputError

__all__ = ["looks_like_policy", "opens_unit", "parse_policy"]

_NUM = r"[一二三四五六七八九十百零〇两]+"
# Each style: its pattern (number and the rest of the line), the unit kind, its rank in the tree
# (lower is outer) and how the document prints a number of that style.
_STYLES: dict[str, tuple[re.Pattern[str], UnitKind, int, str]] = {
    "part": (re.compile(rf"第(?P<num>{_NUM})部分[\s:：]*(?P<rest>.*)"), "part", 0, "第{zh}部分"),
    "zh_chapter": (re.compile(rf"第(?P<num>{_NUM})章[\s:：]*(?P<rest>.*)"), "chapter", 1, "第{zh}章"),
    "cn": (re.compile(rf"(?P<num>{_NUM})[、．.]\s*(?P<rest>.+)"), "chapter", 1, "{zh}、"),
    "zh_section": (re.compile(rf"第(?P<num>{_NUM})节[\s:：]*(?P<rest>.*)"), "section", 2, "第{zh}节"),
    "paren_cn": (re.compile(rf"[（(](?P<num>{_NUM})[）)]\s*(?P<rest>.+)"), "section", 2, "（{zh}）"),
    "article": (re.compile(rf"第(?P<num>{_NUM})条[\s:：]*(?P<rest>.+)"), "paragraph", 3, "第{zh}条"),
    "arabic": (re.compile(r"(?P<num>\d{1,2})[.．、](?!\d)\s*(?P<rest>.+)"), "paragraph", 3, "{n}."),
    "paren_arabic": (re.compile(r"[（(](?P<num>\d{1,2})[）)]\s*(?P<rest>.+)"), "paragraph", 4, "（{n}）"),
}
_STRUCTURAL = ("part", "zh_chapter", "cn", "zh_section", "paren_cn", "article")
_ITEMS = ("paren_cn", "arabic", "paren_arabic")  # inside an article these are its items, not headings
_TITLE_END = re.compile(r"(方案|办法|规定|通知|意见|计划|措施|细则|条例|纲要|规划|要点|决定|规则)$")
_NOTICE = re.compile(r"^关于印发《(?P<title>[^《》]+)》的通知$")
_ATTACHMENT = re.compile(r"^附\s*件\s*\d*\s*$")
_DATE = re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日$")
_SENTENCE = re.compile(r"[。！？；]")


@dataclass(frozen=True)
class _Mark:
    """A numbered line: its style, printed number and the text after the number."""

    style: str
    num: int
    rest: str


def _mark(text: str) -> _Mark | None:
    """The numbering a line opens with, if any (a bare number such as "2.5" is not one)."""
    for style, (pattern, _, _, _) in _STYLES.items():
        if m := pattern.fullmatch(text.strip()):
            raw = m.group("num")
            try:
                num = int(raw) if raw.isdigit() else parse_chinese(raw)
            except ValueError:
                continue
            return _Mark(style, num, m.group("rest").strip())
    return None


def opens_unit(text: str) -> bool:
    """Whether a line opens a numbered unit (一、 （一） 1. 第X条 第X部分 …) or an attachment (附件):
    what a reader that rejoins wrapped lines must never join onto the line before."""
    return _mark(text) is not None or re.match(r"\s*附\s*件", text) is not None


def looks_like_policy(lines: list[Line]) -> bool:
    """Whether the text is a follow-up policy document rather than an outline (第X章 without 第X条).

    Follow-up documents carry several 一、 headings, articles (第X条) or parts (第X部分); an outline
    carries chapters and no articles, and goes to `yrd.documents.structure.parse_structure`.
    """
    counts: dict[str, int] = {}
    for ln in lines:
        if mark := _mark(ln.text):
            counts[mark.style] = counts.get(mark.style, 0) + 1
    if counts.get("zh_chapter") and not counts.get("article"):
        return False
    return counts.get("article", 0) >= 2 or counts.get("part", 0) >= 2 or counts.get("cn", 0) >= 2


def _label(style: str, num: int) -> str:
    fmt = _STYLES[style][3]
    return fmt.format(zh=to_chinese(num) if 0 < num < 1000 else num, n=num)


def _is_title(text: str) -> bool:
    name = re.sub(r"[（(][^）)]*[）)]$", "", text).strip()
    return bool(_TITLE_END.search(name)) and not _SENTENCE.search(text) and len(text) <= 80


def _find_title(lines: list[Line]) -> tuple[int, int] | None:
    """(index, number of lines) of the title among the lines before the first heading."""
    for i, ln in enumerate(lines):
        if _is_title(ln.text):
            return i, 1
    for i, (ln, nxt) in enumerate(pairwise(lines)):
        if not _SENTENCE.search(ln.text) and _is_title(ln.text + nxt.text):
            return i, 2
    return None


def _closing(lines: list[Line]) -> tuple[str, str | None, int]:
    """(issuer, ISO date, lines used) of a signature block (issuer line, date line) ending the lines."""
    if not lines or not (m := _DATE.fullmatch(lines[-1].text)):
        return "", None, 0
    date = f"{m['y']}-{int(m['m']):02d}-{int(m['d']):02d}"
    if len(lines) >= 2 and len(lines[-2].text) <= 30 and not re.search(r"[。，；：:,]", lines[-2].text):
        return lines[-2].text, date, 2
    return "", date, 1


def _paragraph(text: str, num: int, line: int) -> Unit:
    unit = Unit(kind="paragraph", num=num, line=line)
    unit.text["zh"] = text
    lead, _ = ZH.split_lead(text)
    if lead:
        unit.lead["zh"] = lead
    return unit


def _heading_unit(kind: UnitKind, mark: _Mark, line: int) -> Unit:
    """A part, chapter or section; a run-in heading (（一）标题。正文……) gives its body as paragraph 0,
    the heading's own text, so that the items printed 1. 2. under it keep their numbers."""
    unit = Unit(kind=kind, num=mark.num, line=line)
    head, sep, body = mark.rest.partition("。")
    if sep and body.strip():
        unit.heading["zh"] = head.strip()
        unit.children.append(_paragraph(body.strip(), 0, line))
    elif mark.rest:
        unit.heading["zh"] = mark.rest.rstrip("。").strip()
    return unit


class _Builder:
    """Places the body lines of one document into the tree, checking each style's numbering."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.stack: list[tuple[int, Unit]] = []  # open units with their rank, outermost first
        self.last: dict[tuple[str, int], int] = {}  # (style, id of the parent) → last number seen
        self.articles: set[int] = set()  # ids of the article units (第X条)

    def _in_article(self) -> bool:
        return bool(self.stack) and id(self.stack[-1][1]) in self.articles

    def _children(self) -> list[Unit]:
        return self.stack[-1][1].children if self.stack else self.plan.units

    def _check(self, mark: _Mark, line: int) -> None:
        scope = 0 if mark.style in ("part", "article") else id(self.stack[-1][1]) if self.stack else 0
        expected = self.last.get((mark.style, scope), 0) + 1
        if mark.num != expected:
            self.plan.problems.append(
                Problem(
                    "warning",
                    f"numbering skips: {_label(mark.style, mark.num)} where "
                    f"{_label(mark.style, expected)} was expected",
                    line,
                )
            )
        self.last[(mark.style, scope)] = mark.num

    def add(self, ln: Line) -> None:
        mark = _mark(ln.text)
        if mark is None or (mark.style in _ITEMS and self._in_article()):
            self._text(ln)  # an article's items（一）/1./（1）are part of the article (第十条第（二）项)
            return
        _, kind, rank, _ = _STYLES[mark.style]
        while self.stack and self.stack[-1][0] >= rank:
            self.stack.pop()
        self._check(mark, ln.no)
        siblings = self._children()
        if kind != "paragraph":
            unit = _heading_unit(kind, mark, ln.no)
        else:
            used = {u.num or 0 for u in siblings if u.kind == "paragraph"}
            num = mark.num if mark.num not in used else max(used) + 1  # as printed, unless repeated
            unit = _paragraph(mark.rest, num, ln.no)
        siblings.append(unit)
        self.stack.append((rank, unit))
        if mark.style == "article":
            self.articles.add(id(unit))
        if mark.style in _STRUCTURAL:
            self._toc(mark, unit, ln.no)

    def _toc(self, mark: _Mark, unit: Unit, line: int) -> None:
        """List a heading or an article in the contents as the document prints it."""
        label = _label(mark.style, mark.num)
        heading = unit.heading.get("zh", "")
        sep = " " if heading and label.startswith("第") else ""
        self.plan.toc.append(TocEntry(unit.kind, unit.num, f"{label}{sep}{heading}", line))

    def _text(self, ln: Line) -> None:
        """An unnumbered line: more of an open item (an article's 款), else a paragraph of its own."""
        if self.stack and self.stack[-1][1].kind == "paragraph":
            unit = self.stack[-1][1]
            unit.text["zh"] = f"{unit.text['zh']}\n{ln.text}"
            return
        siblings = self._children()
        last = max((u.num or 0 for u in siblings if u.kind == "paragraph"), default=0)
        siblings.append(_paragraph(ln.text, last + 1, ln.no))


def _group(kind: UnitKind, lines: list[Line]) -> Unit:
    unit = Unit(kind=kind, line=lines[0].no)
    unit.children = [_paragraph(ln.text, i, ln.no) for i, ln in enumerate(lines, 1)]
    return unit


def parse_policy(lines: list[Line], source: str = "") -> Plan:
    """Build the tree of a follow-up policy document (Chinese, plain lines).

    Raises:
        InputError: no lines, or no numbered headings, so the text is not a policy document.
    """
    name = source or "input"
    if not lines:
        raise InputError(f"{name}: no text to parse: the document has no non-empty lines")
    marks = [_mark(ln.text) for ln in lines]
    first = next((i for i, m in enumerate(marks) if m and m.style in _STRUCTURAL), None)
    if first is None:
        raise InputError(
            f"{name}: not a policy document: no numbered headings (一、, （一）, 第X条, 第X部分) "
            f"found in {len(lines)} lines"
        )
    plan = Plan(langs=["zh"])
    head, body = lines[:first], lines[first:]
    issuer, date, used = _closing(body)
    if used:
        body = body[:-used]

    # A notice: its own text up to the attachment marker is the preamble; the attachment is the plan.
    notice = next((i for i, ln in enumerate(head) if _NOTICE.fullmatch(ln.text)), None)
    attach = max((i for i, ln in enumerate(head) if _ATTACHMENT.fullmatch(ln.text)), default=None)
    if notice is not None and attach is not None and attach > notice:
        preamble = head[notice:attach]
        plan.units.append(_group("preamble", preamble))
        if date is None:  # the notice's own signature block dates the document
            issuer, date, _ = _closing(preamble)
        intro = head[:notice] + head[attach + 1 :]
        if (m := _NOTICE.fullmatch(head[notice].text)) and m["title"]:
            plan.title["zh"] = m["title"]
    else:
        intro = head
    # The title: the first title-like line before the body, else two lines that make one when joined.
    title_at = _find_title(intro)
    if title_at is not None:
        i, n = title_at
        plan.title.setdefault("zh", "".join(ln.text for ln in intro[i : i + n]))
        intro = intro[:i] + intro[i + n :]
    if intro:
        plan.units.append(_group("front", intro))
        plan.units.sort(key=lambda u: u.line or 0)  # a marker above a notice comes before its preamble
    if issuer:
        plan.issuer["zh"] = issuer
    plan.date = date

    builder = _Builder(plan)
    for ln in body:
        builder.add(ln)
    assign_eids(plan.units)
    return plan
