"""Language-specific pieces of the document pipeline, chosen by language code.

Each `Locale` says how headings, the contents list, lead phrases and sentences look in one
language. The parser and aligner ask the registry (`LOCALES["zh"]`) instead of branching on
the language, so a new language is a new entry here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from yrd.documents.numerals import parse_chinese, parse_roman, to_chinese, to_roman

_ZH_NUM = r"[一二三四五六七八九十百零〇两\d]+"
# A heading is a title, not prose: a sentence end followed by more text means a paragraph.
_SENTENCE_INSIDE = re.compile(r"[.!?。！？]\s*\S")


@dataclass(frozen=True)
class Heading:
    """A recognised heading line."""

    kind: str  # "toc" | "preamble" | "part" | "chapter" | "section"
    num: int | None
    title: str


@dataclass(frozen=True)
class Locale:
    """How one language writes the parts of a plan outline."""

    lang: str
    toc: re.Pattern[str]
    preamble: re.Pattern[str]
    part: re.Pattern[str]
    chapter: re.Pattern[str]
    section: re.Pattern[str]
    # A lead phrase: the short topic phrase that opens a paragraph, with its closing mark.
    lead: re.Pattern[str]
    lead_max: int
    sentence_end: re.Pattern[str]
    numeral: Callable[[str], int]
    iso639_2: str
    # How the plan names its units ("第{zh}章", "Chapter {roman}"): {zh}, {roman} and {n} are the number.
    labels: dict[str, str] = field(compare=False)

    def label(self, kind: str, num: int | None) -> str:
        """The number of a unit as the plan writes it: 第五章, Chapter V, 前言 (empty if none)."""
        pattern = self.labels.get(kind, "")
        if "{" not in pattern:
            return pattern
        if num is None:
            return ""
        return pattern.format(zh=to_chinese(num), roman=to_roman(num), n=num)

    def heading(self, line: str, glued: bool = False) -> Heading | None:
        """The heading this line is, if it is one.

        A numbered heading whose title reads as prose (a sentence end with more text after it) is a
        paragraph, unless ``glued`` asks for headings run on into their paragraph too.
        """
        line = line.strip()
        if self.toc.fullmatch(line):
            return Heading("toc", None, "")
        if m := self.preamble.fullmatch(line):
            return Heading("preamble", None, m.group(0).strip())
        for kind in ("part", "chapter", "section"):
            m = getattr(self, kind).fullmatch(line)
            title = m.group("title") if m else ""
            if m and (glued or (not _SENTENCE_INSIDE.search(title) and len(title) <= 200)):
                try:
                    num = self.numeral(m.group("num"))
                except ValueError:
                    continue
                return Heading(kind, num, m.group("title").strip())
        return None

    def split_lead(self, text: str) -> tuple[str, str]:
        """(lead phrase, body) of a paragraph; the lead is empty when the paragraph has none."""
        m = self.lead.match(text)
        if not m:
            return "", text
        lead = m.group("lead")
        rest = text[m.end() :].strip()
        if not rest or len(lead) > self.lead_max:
            return "", text
        return lead.strip(), rest

    def sentences(self, text: str) -> list[str]:
        """The sentences of a paragraph, each keeping its closing mark."""
        parts = self.sentence_end.split(text)
        return [p.strip() for p in parts if p.strip()]


ZH = Locale(
    lang="zh",
    toc=re.compile(r"目\s*录"),
    preamble=re.compile(r"前\s*言|序\s*言|引\s*言"),
    part=re.compile(rf"第(?P<num>{_ZH_NUM})篇[\s\u3000]*(?P<title>.*)"),
    chapter=re.compile(rf"第(?P<num>{_ZH_NUM})章[\s\u3000]*(?P<title>.*)"),
    section=re.compile(rf"第(?P<num>{_ZH_NUM})节[\s\u3000]*(?P<title>.*)"),
    # "提升上海服务功能。" or "——坚持创新共建。": a phrase with no inner comma or colon.
    lead=re.compile(r"(?:——|—)?(?P<lead>[^，。；：、（）(),;:！？]{2,}?。)"),
    lead_max=40,
    sentence_end=re.compile(r"(?<=[。！？])(?![”’」』）)])|(?<=[。！？][”’」』）)])"),
    numeral=parse_chinese,
    iso639_2="zho",
    labels={"part": "第{zh}篇", "chapter": "第{zh}章", "section": "第{zh}节", "paragraph": "第{n}段",
            "preamble": "前言", "front": "导语"},
)  # fmt: skip

EN = Locale(
    lang="en",
    toc=re.compile(r"(?i)(?:table of )?contents"),
    preamble=re.compile(r"(?i)preamble|preface|foreword|introduction"),
    part=re.compile(r"(?i)part\s+(?P<num>[IVXLC]+|\d+)\b[\s:.]*(?P<title>.*)"),
    chapter=re.compile(r"(?i)chapter\s+(?P<num>[IVXLC]+|\d+)\b[\s:.]*(?P<title>.*)"),
    section=re.compile(r"(?i)section\s+(?P<num>[IVXLC]+|\d+)\b[\s:.]*(?P<title>.*)"),
    # "Steady growth of the economy: Output shall rise ..." (an invented example)
    lead=re.compile(r"(?:—+\s*)?(?P<lead>[^:;.]{2,}?:)\s"),
    lead_max=160,
    sentence_end=re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[A-Z“\"(—])"),
    numeral=lambda s: int(s) if s.isdigit() else parse_roman(s),
    iso639_2="eng",
    labels={"part": "Part {roman}", "chapter": "Chapter {roman}", "section": "Section {n}",
            "paragraph": "Paragraph {n}", "preamble": "Preamble", "front": "Introductory note"},
)  # fmt: skip

LOCALES: dict[str, Locale] = {"zh": ZH, "en": EN}
