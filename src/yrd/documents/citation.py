"""Human citations of units, both ways: eId → "《纲要》第五章第一节第3段" and back.

Example:
    >>> cite("chp_5__sec_1__para_3", "zh", "纲要")
    '《纲要》第五章第一节第3段'
    >>> cite("chp_5__sec_1__para_3", "en", "Outline")
    'Outline, Ch. V, Sec. 1, para. 3'
    >>> parse_citation("Outline, Ch. V, Sec. 1, para. 3")
    'chp_5__sec_1__para_3'

Follow-up documents (`yrd.documents.policy_structure`) are cited in their own numbering. A
citation *style* says which numbering a plan uses:

    ===================  ==================================  ==========================================
    style                Chinese                             English
    ===================  ==================================  ==========================================
    ``outline``          《纲要》第五章第一节第3段            Outline, Ch. V, Sec. 1, para. 3
    ``policy_items``     《方案》第二部分 三、（一）2.（1）   方案, Part II, III.(1) 2.(1)
    ``policy_articles``  《办法》第四条 / 《办法》第二部分   办法, Art. 4 / 办法, Part II
    ===================  ==================================  ==========================================

``policy_items`` mirrors the printed numbers: 第X部分 → "Part II" (Roman), 一、 → "I." (Roman),
（一） → "(1)", 1. → "1.", （1） → "(1)"; the Chinese is written without spaces except after 部分.
``policy_articles`` cites an article alone (第四条 / "Art. 4"), as articles are numbered through the
whole document; a citation of a part, chapter or section keeps 第X部分/第X章/第X节 ("Part II, Ch. I,
Sec. 2"). The preamble (a notice's own text) and the introduction keep 前言/导语 and 第N段 in every
style. `plan_style` tells the style of a plan from its contents list (`Plan.toc`, stored with the
plan); `yrd.documents.store.citation_style` does it for a stored plan by id.

`parse_citation` reads every form `cite` writes. A bare article (第四条, "Art. 4") reads as
``para_4``; pass the plan (``parse_citation(text, plan=plan)``) to get the article's full eId
(``part_2__para_4``).
"""

from __future__ import annotations

import re
from typing import Literal

from yrd.documents.model import Plan, TocEntry, Unit
from yrd.documents.numerals import parse_chinese, parse_roman, to_chinese, to_roman
from yrd.errors import InputError

Style = Literal["outline", "policy_items", "policy_articles"]
STYLES: tuple[str, ...] = ("outline", "policy_items", "policy_articles")

_ZH_WORD = {"part": "篇", "chp": "章", "sec": "节"}
_EN_WORD = {"part": "Part", "chp": "Ch.", "sec": "Sec.", "para": "para."}
_POLICY_ZH_WORD = {"part": "部分", "chp": "章", "sec": "节"}


def short_title(title: str, lang: str, style: str = "outline") -> str:
    """The short name a citation uses: 纲要 / Outline for a plan outline, else the title.

    For a follow-up document (a ``policy_*`` style) the title is kept as it is, except that the name
    inside 《》 is taken from a notice's title (关于印发《X》的通知 → X); an empty English title gives
    "Policy".
    """
    if style != "outline":
        title = title.strip()
        if m := re.search(r"《([^《》]+)》", title):
            title = m.group(1)
        return title or ("政策文件" if lang == "zh" else "Policy")
    if lang == "zh":
        for tail in ("规划纲要", "纲要", "规划"):
            if title.endswith(tail):
                return "纲要" if "纲要" in tail else "规划"
        return title or "纲要"
    low = title.lower()
    if "outline" in low or not title:
        return "Outline"
    return "Plan" if "plan" in low else title


def _parts(eid: str) -> list[tuple[str, int | None]]:
    out: list[tuple[str, int | None]] = []
    for piece in eid.split("__"):
        name, _, num = piece.partition("_")
        out.append((name, int(num) if num.isdigit() else None))
    return out


def cite(eid: str, lang: str, short: str, style: str = "outline") -> str:
    """The human citation of a unit in one language, in a plan's numbering style (see above)."""
    parts = _parts(eid)
    if style not in STYLES:
        raise ValueError(f"unknown citation style {style!r} (one of {', '.join(STYLES)})")
    if style != "outline" and parts and parts[0][0] not in ("preface", "intro"):
        return _cite_policy(parts, lang, short, style)
    if lang == "zh":
        text = ""
        for name, num in parts:
            if name == "preface":
                text += "前言"
            elif name == "intro":
                text += "导语"
            elif name == "para":
                text += f"第{num}段"
            elif num is not None:
                text += f"第{to_chinese(num)}{_ZH_WORD[name]}"
        return f"《{short}》{text}"
    pieces = [short]
    for name, num in parts:
        if name == "preface":
            pieces.append("Preamble")
        elif name == "intro":
            pieces.append("Introductory note")
        elif name in ("chp", "part") and num is not None:
            pieces.append(f"{_EN_WORD[name]} {to_roman(num)}")
        elif num is not None:
            pieces.append(f"{_EN_WORD[name]} {num}")
    return ", ".join(pieces)


def _cite_policy(parts: list[tuple[str, int | None]], lang: str, short: str, style: str) -> str:
    """A citation in a follow-up document's own numbering (``policy_items`` or ``policy_articles``)."""
    nums = [(name, num if num is not None else 0) for name, num in parts]
    first_para = next((i for i, (name, _) in enumerate(nums) if name == "para"), None)
    if style == "policy_articles" and first_para is not None:
        # an article is cited alone: articles are numbered through the whole document
        art, subs = nums[first_para][1], [n for _, n in nums[first_para + 1 :]]
        if lang == "zh":
            return f"《{short}》第{to_chinese(art)}条" + "".join(f"（{n}）" for n in subs)
        return f"{short}, Art. {art}" + "".join(f"({n})" for n in subs)
    heads = nums[:first_para] if first_para is not None else nums
    # paragraph 0 is a run-in heading's own text (（一）标题。正文……): cited as the heading
    paras = [n for _, n in nums[first_para:] if n] if first_para is not None else []
    part = next((n for name, n in heads if name == "part"), None)
    if style == "policy_articles":  # a part, chapter or section of an article document
        if lang == "zh":
            return f"《{short}》" + "".join(f"第{to_chinese(n)}{_POLICY_ZH_WORD[name]}" for name, n in heads)
        words = [
            f"Part {to_roman(n)}"
            if name == "part"
            else f"{_EN_WORD[name]} {to_roman(n) if name == 'chp' else n}"
            for name, n in heads
        ]
        return ", ".join([short, *words])
    chp = next((n for name, n in heads if name == "chp"), None)
    sec = next((n for name, n in heads if name == "sec"), None)
    if lang == "zh":
        head = (f"{to_chinese(chp)}、" if chp is not None else "") + (
            f"（{to_chinese(sec)}）" if sec is not None else ""
        )
        items = "".join(f"{n}." if i == 0 else f"（{n}）" for i, n in enumerate(paras))
        body = head + items
        if part is not None:
            body = f"第{to_chinese(part)}部分" + (f" {body}" if body else "")
        return f"《{short}》{body}"
    head = (f"{to_roman(chp)}." if chp is not None else "") + (f"({sec})" if sec is not None else "")
    items = "".join(f"{n}." if i == 0 else f"({n})" for i, n in enumerate(paras))
    pieces = [short]
    if part is not None:
        pieces.append(f"Part {to_roman(part)}")
    if head or items:
        pieces.append(" ".join(p for p in (head, items) if p))
    return ", ".join(pieces)


_ARTICLE_TOC = re.compile(r"^第[一二三四五六七八九十百零〇两]+条")
_ITEMS_TOC = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇两]+部分|[一二三四五六七八九十百零〇两]+、|（[一二三四五六七八九十百零〇两]+）)"
)


def style_of_toc(toc: list[TocEntry]) -> str:
    """The citation style the contents list shows; "outline" when it shows no follow-up numbering.

    `yrd.documents.policy_structure.parse_policy` lists each numbered heading and article as printed
    (一、总体要求, （一）指导思想, 第一部分 总则, 第一条), which tells the styles apart.
    """
    titles = [t.title for t in toc]
    if any(_ARTICLE_TOC.match(t) for t in titles):
        return "policy_articles"
    if any(_ITEMS_TOC.match(t) for t in titles):
        return "policy_items"
    return "outline"


def plan_style(plan: Plan) -> str:
    """The citation style of a plan (in memory or loaded with `yrd.documents.store.load_plan`)."""
    return style_of_toc(plan.toc)


def guess_policy_style(units: list[Unit]) -> str:
    """The style of a follow-up document stored without a contents list (before it was recorded).

    Articles are numbered through the document, so in an article document a part or chapter after
    the first starts with a paragraph numbered above 1, and articles may stand at the top level.
    """
    body = [u for u in units if u.kind not in ("front", "preamble")]
    if any(u.kind == "paragraph" for u in body):
        return "policy_articles"
    containers = [u for u in body if u.kind in ("part", "chapter")]
    for unit in containers[1:]:
        first = next((c for c in unit.children if c.kind == "paragraph"), None)
        if first is not None and (first.num or 0) > 1:
            return "policy_articles"
    return "policy_items"


def plan_short_title(titles: dict[str, str], lang: str, style: str = "outline") -> str:
    """The short title of a plan with these titles (by language) for a citation in ``lang``.

    A follow-up document without a title in ``lang`` is named by its Chinese title.
    """
    title = titles.get(lang, "")
    if style != "outline" and not title:
        title = titles.get("zh", "")
    return short_title(title, lang, style)


def cite_unit(plan: Plan, eid: str, lang: str, short: str | None = None) -> str:
    """The citation of a unit of this plan in the plan's own style and short title."""
    style = plan_style(plan)
    if short is None:
        short = plan_short_title(plan.title, lang, style)
    return cite(eid, lang, short, style)


_ZH_NUM = r"[一二三四五六七八九十百零〇两\d]+"
_ZH_CITE = re.compile(
    rf"^(?:《[^》]*》)?\s*(?P<pre>前言|导语)?(?:第(?P<part>{_ZH_NUM})篇)?(?:第(?P<chp>{_ZH_NUM})章)?"
    rf"(?:第(?P<sec>{_ZH_NUM})节)?(?:第(?P<para>\d+)段)?$"
)
_EN_CITE = re.compile(
    r"^(?:[^,]*?,\s*)??(?P<pre>preamble|introductory note)?[,\s]*"
    r"(?:part\s+(?P<part>[ivxlc]+|\d+))?[,\s]*"
    r"(?:(?:ch\.?|chapter)\s*(?P<chp>[ivxlc]+|\d+))?[,\s]*"
    r"(?:(?:sec\.?|section)\s*(?P<sec>\d+))?[,\s]*"
    r"(?:(?:para\.?|paragraph)\s*(?P<para>\d+))?\s*$",
    re.IGNORECASE,
)
_EID = re.compile(r"^(?:intro|preface|part_\d+|chp_\d+|sec_\d+|para_\d+)(?:__(?:part|chp|sec|para)_\d+)*$")


_CN = r"[一二三四五六七八九十百零〇两]+"
_ZH_POLICY = re.compile(
    rf"^(?:《[^》]*》)?\s*(?:第(?P<part>{_ZH_NUM})部分)?\s*"
    rf"(?:(?P<chp>{_CN})、|第(?P<chp_w>{_ZH_NUM})章)?(?:[（(](?P<sec>{_CN})[）)]|第(?P<sec_w>{_ZH_NUM})节)?"
    rf"(?:(?P<para>\d+)[.．]|第(?P<art>{_ZH_NUM})条)?(?P<subs>(?:[（(]\d+[）)])*)$"
)
_ROMAN = r"[ivxlcdm]+"
_EN_POLICY = re.compile(
    rf"^(?:[^,]*?,\s*)??(?:part\s+(?P<part>{_ROMAN}|\d+))?[,\s]*"
    rf"(?:(?:ch\.?|chapter)\s*(?P<chp_w>{_ROMAN}|\d+))?[,\s]*(?:(?:sec\.?|section)\s*(?P<sec_w>\d+))?[,\s]*"
    rf"(?:(?P<chp>{_ROMAN})\.)?(?:\((?P<sec>\d+)\))?\s*"
    r"(?:(?P<para>\d+)\.|(?:art\.?|article)\s*(?P<art>\d+))?(?P<subs>(?:\s*\(\d+\))*)\s*$",
    re.IGNORECASE,
)


def parse_citation(text: str, plan: Plan | None = None) -> str:
    """The eId a citation (Chinese, English or an eId itself) points at, in any style `cite` writes.

    With ``plan``, a bare article (第四条, "Art. 4") is resolved to the article's full eId in that
    plan (``part_2__para_4``); without it, it reads as ``para_4``.

    Raises:
        InputError: the text is not a citation this module can read.
    """
    text = text.strip()
    if _EID.match(text):
        return text
    if m := _ZH_CITE.match(text):
        return _build(m, parse_chinese)
    if m := _EN_CITE.match(text):
        return _build(m, lambda s: int(s) if s.isdigit() else parse_roman(s))
    for pattern, convert in ((_ZH_POLICY, _zh_int), (_EN_POLICY, _en_int)):
        if (m := pattern.match(text)) and (eid := _build_policy(m, convert)):
            return _resolve_article(eid, plan) if m.group("art") else eid
    raise InputError(
        f"not a citation: {text!r} (try 第五章第一节第3段, 'Ch. V, Sec. 1, para. 3', 第三条, "
        f"一、（二）3. or chp_5__sec_1__para_3)"
    )


def _zh_int(s: str) -> int:
    return int(s) if s.isdigit() else parse_chinese(s)


def _en_int(s: str) -> int:
    return int(s) if s.isdigit() else parse_roman(s)


def _build_policy(m: re.Match[str], convert: object) -> str | None:
    """The eId of a policy-style match, None when it names nothing (or sub-items without an item)."""
    to_int = convert  # a callable turning a numeral into an int
    pieces: list[str] = []
    for name, groups in (("part", ("part",)), ("chp", ("chp", "chp_w")), ("sec", ("sec", "sec_w"))):
        raw = next((m.group(g) for g in groups if m.group(g)), None)
        if raw:
            pieces.append(f"{name}_{to_int(raw)}")  # type: ignore[operator]
    item = m.group("para") or m.group("art")
    subs = re.findall(r"\d+", m.group("subs") or "")
    if subs and not item:
        return None
    if item:
        pieces.append(f"para_{to_int(item)}")  # type: ignore[operator]
    pieces.extend(f"para_{int(n)}" for n in subs)
    return "__".join(pieces) or None


def _resolve_article(eid: str, plan: Plan | None) -> str:
    """The full eId of an article cited alone (para_4 → part_2__para_4) when the plan is known."""
    if plan is None or plan.find(eid) is not None:
        return eid
    first, _, rest = eid.partition("__")
    if first.partition("_")[0] != "para":
        return eid
    suffix = "__" + first
    for unit in plan.walk():
        top = unit.eid.split("__")[0].partition("_")[0]
        article = unit.kind == "paragraph" and unit.eid.count("para_") == 1  # not a sub-item
        if article and unit.eid.endswith(suffix) and top not in ("intro", "preface"):
            return f"{unit.eid}__{rest}" if rest else unit.eid
    return eid


def _build(m: re.Match[str], num: object) -> str:
    convert = num  # a callable turning a numeral into an int
    pieces: list[str] = []
    pre = (m.group("pre") or "").lower()
    if pre in ("前言", "preamble"):
        pieces.append("preface")
    elif pre in ("导语", "introductory note"):
        pieces.append("intro")
    for name in ("part", "chp", "sec"):
        if m.group(name):
            pieces.append(f"{name}_{convert(m.group(name))}")  # type: ignore[operator]
    if m.group("para"):
        pieces.append(f"para_{int(m.group('para'))}")
    if not pieces:
        raise InputError(f"not a citation: {m.string!r}")
    return "__".join(pieces)
