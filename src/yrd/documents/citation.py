"""Human citations of units, both ways: eId → "《纲要》第五章第一节第3段" and back.

Example:
    >>> cite("chp_5__sec_1__para_3", "zh", "纲要")
    '《纲要》第五章第一节第3段'
    >>> cite("chp_5__sec_1__para_3", "en", "Outline")
    'Outline, Ch. V, Sec. 1, para. 3'
    >>> parse_citation("Outline, Ch. V, Sec. 1, para. 3")
    'chp_5__sec_1__para_3'
"""

from __future__ import annotations

import re

from yrd.documents.numerals import parse_chinese, parse_roman, to_chinese, to_roman
from yrd.errors import InputError

_ZH_WORD = {"part": "篇", "chp": "章", "sec": "节"}
_EN_WORD = {"part": "Part", "chp": "Ch.", "sec": "Sec.", "para": "para."}


def short_title(title: str, lang: str) -> str:
    """The short name a citation uses: 纲要 / Outline for a plan outline, else the title."""
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


def cite(eid: str, lang: str, short: str) -> str:
    """The human citation of a unit in one language."""
    parts = _parts(eid)
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


def parse_citation(text: str) -> str:
    """The eId a citation (Chinese, English or an eId itself) points at.

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
    raise InputError(
        f"not a citation: {text!r} (try 第五章第一节第3段, 'Ch. V, Sec. 1, para. 3' or chp_5__sec_1__para_3)"
    )


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
