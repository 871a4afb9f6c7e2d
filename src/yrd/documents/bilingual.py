"""Bilingual pages: one scraped page with Chinese and English interleaved → one bilingual plan.

Legal databases print a plan outline as Chinese and English mixed on the same lines and out of
step (a line often holds the English of one unit and the Chinese of the next), headings glued to
paragraphs, site menus above and below. The reader does not trust the line layout at all:

1. every line is cut into *script runs* (`split_runs`): a Chinese run starts at a CJK character
   and keeps the Latin tokens written inside Chinese (PM2.5, 5G, G60, 1+N); an English run is
   Latin text with no CJK character;
2. the Chinese runs in order form the Chinese text, the English runs the English text; each stream
   keeps only its body (from the contents heading or first heading, with the news lead before it)
   and has its headings repaired (broken ones joined, glued ones cut off);
3. each stream is parsed on its own by `structure.parse_structure` with its locale;
4. the two trees are aligned (`align.align_trees`) and the English is copied onto the Chinese tree.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from yrd.documents.align import TreeAlignment, align_trees, attach_english
from yrd.documents.locales import EN, ZH, Heading, Locale
from yrd.documents.model import Plan, Problem, Unit, assign_eids
from yrd.documents.readers import Line, normalize
from yrd.documents.structure import parse_structure
from yrd.errors import InputError

# Characters that only Chinese text uses: Han, CJK punctuation and full-width forms.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_GAP = re.compile(f"[^{_CJK}]+")  # a stretch between CJK characters
_LATIN_LETTER = re.compile("[A-Za-z]")
# What a Chinese run may carry just before its first CJK character: an opening quote, bracket or
# dash and one Latin token written without a space (“, (, ——, 2018 of 2018年, G60 of G60科创走廊).
_ZH_PREFIX = re.compile(r"[“‘\"(\[（《—]*(?:[0-9A-Za-z]+(?:[.+\-/][0-9A-Za-z]+)*%?)?[“‘\"(\[（《—]*$")
# English after Chinese on a line: after a space or a Chinese closing mark, two Latin words, or one
# capitalised word followed by a space ("Contents"). Latin written inside Chinese (PM2.5, 5G) has neither.
_EN_START = re.compile(
    r"(?:\s+|(?<=[。！？；：，、”’）》]))(?=[A-Za-z“\"(—][A-Za-z'’\-]*[,;:]?\s+[A-Za-z0-9]{2,}|[A-Z][a-z]+\s)"
)
# A few words of one script in brackets inside the other ("(长三角)" in English) stay where they are.
_OPENERS, _CLOSERS = "（(“‘《[", "）)”’》]"
_ISLAND_MAX_WORDS = 6
_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "?": "？", "!": "！"}
_HALF_PUNCT = re.compile(r"[,;:?!()]")
_ASCII_ALNUM = re.compile(r"[0-9A-Za-z]")
_LATIN_CJK_GAP = re.compile(
    r"(?<=[0-9A-Za-z+%])\s+(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])\s+(?=[0-9A-Za-z])"
)
_SENTENCE_END = {"zh": re.compile(r"[。！？；…]['”’」』）)]*$"), "en": re.compile(r"[.!?]['\"”’)]*$")}
_DATELINE = {
    "zh": re.compile(
        r"[（(]?\s*(?:新华社|[\u4e00-\u9fff]{2,8}社)?[\u4e00-\u9fff]{0,6}(\d{4})年(\d{1,2})月(\d{1,2})日电\s*[）)]?"
    ),
    "en": re.compile(r"\(\s*[A-Z][^()]{0,60}\b(?:1[89]|20)\d{2}\s*\)"),
}
_TITLE_LIKE_MIN_WORDS = 4
DOUBTFUL = 0.5  # pairings scored below this are reported
_REPAIRED_HEADING = 0.95  # factor on the score of a heading joined from two lines or cut off a paragraph
_TEXT_MIN_WORDS = 12


@dataclass(frozen=True)
class Run:
    """A stretch of one script on one line of the page."""

    lang: str  # "zh" or "en"
    text: str
    line: int  # 1-based line of the page
    index: int  # 0-based position among the runs of the same language on that line


@dataclass(frozen=True)
class Segment:
    """Where a piece of English came from: the page line, the run's index on it, and the text."""

    line: int
    index: int
    text: str


@dataclass
class BilingualReading:
    """A read bilingual page: the plan, and where each unit's English came from on the page."""

    plan: Plan
    # eId → the parts of the page the unit's English was taken from (absent: no English).
    english_sources: dict[str, list[Segment]] = field(default_factory=dict)
    alignment: TreeAlignment | None = None


def split_runs(text: str, line: int) -> list[Run]:
    """Cut one line of the page into Chinese and English runs, in order.

    Example:
        >>> [(r.lang, r.text) for r in split_runs("Section 1 Basics 经济发展领先。Growth is fast.", 7)]
        [('en', 'Section 1 Basics'), ('zh', '经济发展领先。'), ('en', 'Growth is fast.')]
    """
    text = normalize(text)
    pieces: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = _CJK_CHAR.search(text, pos)
        if m is None:
            pieces.append(("en", text[pos:]))
            break
        start = m.start()
        prefix = _ZH_PREFIX.search(text, pos, start)
        if prefix and prefix.start() < start and _starts_token(text, prefix.start(), pos):
            start = prefix.start()
        if start > pos:
            pieces.append(("en", text[pos:start]))
        end = _chinese_end(text, m.end())
        pieces.append(("zh", text[start:end]))
        pos = end
    pieces = _absorb_islands(pieces)
    runs: list[Run] = []
    counts = {"zh": 0, "en": 0}
    for lang, piece in pieces:
        piece = piece.strip()
        if not piece or (lang == "en" and not re.search(r"[A-Za-z]", piece)):
            continue
        runs.append(Run(lang, piece, line, counts[lang]))
        counts[lang] += 1
    return runs


def _absorb_islands(pieces: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Put a short bracketed island of one script back into the other script around it."""
    out: list[tuple[str, str]] = []
    k = 0
    while k < len(pieces):
        lang, piece = pieces[k]
        island = piece.strip()
        if (
            out
            and k + 1 < len(pieces)
            and out[-1][0] == pieces[k + 1][0] != lang
            and island[:1] in _OPENERS
            and island[-1:] in _CLOSERS
            and len(island.split()) <= _ISLAND_MAX_WORDS
        ):
            out[-1] = (out[-1][0], out[-1][1] + piece + pieces[k + 1][1])
            k += 2
            continue
        out.append(pieces[k])
        k += 1
    return out


def _starts_token(text: str, at: int, floor: int) -> bool:
    """Whether a prefix found by `_ZH_PREFIX` starts a token (after a space or the run start)."""
    return at == floor or text[at - 1].isspace()


def _chinese_end(text: str, pos: int) -> int:
    """Where the Chinese run that has reached `pos` ends: before the next stretch of English."""
    for gap in _GAP.finditer(text, pos):
        if not _LATIN_LETTER.search(gap.group()):
            continue
        # the gap with the CJK character before it (for the lookbehind) and, at the end of the
        # line, a space standing for the line end
        at = gap.start() - 1
        m = _EN_START.search(text[at : gap.end()] + ("" if gap.end() < len(text) else " "), 1)
        if m is not None and at + m.start() < len(text):
            return at + m.start()
    return len(text)


def widen_punctuation(text: str) -> str:
    """Half-width , ; : ? ! ( ) in Chinese text → the full-width marks the official text uses.

    A mark between two Latin letters or digits (1,000 or 10:30) stays as it is.
    """

    def repl(m: re.Match[str]) -> str:
        ch, i = m.group(0), m.start()
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        if ch not in "()" and _ASCII_ALNUM.match(before) and _ASCII_ALNUM.match(after):
            return ch
        return _HALF_TO_FULL[ch]

    text = _HALF_PUNCT.sub(repl, text)
    return _LATIN_CJK_GAP.sub("", text)


# ---------------------------------------------------------------------------------------------
# Streams: the runs of one language, with their headings repaired and the page chrome cut off


@dataclass
class _Piece:
    """A unit-sized piece of one language's text and the runs it was taken from."""

    text: str
    segments: list[Segment]
    repaired: bool = False  # a heading that was joined from two lines or cut off its paragraph


@dataclass
class _Stream:
    """One language's text, cut into chrome before, front matter, body and what follows."""

    lang: str
    chrome: list[_Piece]
    front: list[_Piece]
    body: list[_Piece]
    date: str | None = None
    dropped: int = 0  # short lines inside the body that are not text (menus, links)


def _is_sentence(text: str, lang: str) -> bool:
    """A piece that ends like a sentence (and, for English, has a few words): not a menu or title."""
    if not _SENTENCE_END[lang].search(text):
        return False
    return len(text.split()) >= 4 if lang == "en" else len(text) >= 6


def _continues_title_en(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 12 or _SENTENCE_END["en"].search(text) or text.rstrip()[-1] in ":;,":
        return False
    long_words = [w for w in words if len(w) >= 4]
    capitalised = sum(1 for w in long_words if w[0].isupper())
    return words[0][0].isupper() and capitalised >= 0.6 * max(len(long_words), 1)


def _continues_title_zh(text: str) -> bool:
    return re.fullmatch(r"[\u4e00-\u9fff0-9A-Za-z+\-]{1,20}", text) is not None


# How a heading broken over two lines goes on, per language.
_TITLE_CONTINUATION = {"zh": _continues_title_zh, "en": _continues_title_en}
_NUMBERED = ("part", "chapter", "section")


def _join_broken_headings(pieces: list[_Piece], locale: Locale) -> list[_Piece]:
    """A numbered heading followed by a short title-like piece: the title was broken; join it."""
    out: list[_Piece] = []
    for piece in pieces:
        if out and locale.heading(piece.text) is None and _TITLE_CONTINUATION[locale.lang](piece.text):
            head = locale.heading(out[-1].text)
            if head is not None and head.kind in _NUMBERED and not out[-1].repaired:
                out[-1] = _Piece(f"{out[-1].text} {piece.text}", out[-1].segments + piece.segments, True)
                continue
        out.append(piece)
    return out


def _split_glued_headings(pieces: list[_Piece], locale: Locale) -> list[_Piece]:
    """A heading that runs on into its paragraph is cut where the same heading elsewhere (its line
    in the contents list) ends."""
    titles: dict[tuple[str, int | None], set[str]] = {}
    heads = [locale.heading(p.text, glued=True) for p in pieces]
    for h in heads:
        if h is not None and h.kind in _NUMBERED and h.title:
            titles.setdefault((h.kind, h.num), set()).add(h.title)
    out: list[_Piece] = []
    for piece, h in zip(pieces, heads, strict=True):
        cut = _glued_cut(piece.text, h, titles) if h is not None and h.kind in _NUMBERED else None
        if cut is None:
            out.append(piece)
            continue
        head_text, rest = piece.text[:cut].rstrip(), piece.text[cut:].strip()
        seg = piece.segments[0]
        out += [
            _Piece(head_text, [Segment(seg.line, seg.index, head_text)], True),
            _Piece(rest, [Segment(seg.line, seg.index, rest)]),
        ]
    return out


def _glued_cut(text: str, h: Heading, titles: dict[tuple[str, int | None], set[str]]) -> int | None:
    """Where a glued heading ends, if a shorter copy of it exists and the rest reads as text."""
    title = h.title
    start = text.find(title)
    shorter = [t for t in titles.get((h.kind, h.num), ()) if t != title and title.startswith(t)]
    for t in sorted(shorter, key=len, reverse=True):
        rest = title[len(t) :].strip()
        lang = "zh" if _CJK_CHAR.search(rest) else "en"
        if start >= 0 and _is_sentence(rest, lang):
            return start + len(t)
    return None


def _body_start(pieces: list[_Piece], locale: Locale) -> int | None:
    """The contents heading, else the first numbered heading or preamble."""
    heads = [locale.heading(p.text) for p in pieces]
    toc = next((k for k, h in enumerate(heads) if h and h.kind == "toc"), None)
    if toc is not None:
        return toc
    return next((k for k, h in enumerate(heads) if h and h.kind in ("preamble", *_NUMBERED)), None)


def _stream(runs: list[Run], locale: Locale) -> _Stream:
    """The runs of one language → chrome, front matter (the news lead) and body, headings repaired."""
    lang = locale.lang
    pieces = [_Piece(r.text, [Segment(r.line, r.index, r.text)]) for r in runs]
    pieces = _split_glued_headings(_join_broken_headings(pieces, locale), locale)
    start = _body_start(pieces, locale)
    if start is None:
        return _Stream(lang, pieces, [], [])
    first = start
    while first > 0 and _is_sentence(pieces[first - 1].text, lang):
        first -= 1
    stream = _Stream(lang, pieces[:first], pieces[first:start], pieces[start:])
    _cut_tail(stream, locale)
    if lang == "en":
        kept = [p for p in stream.body if locale.heading(p.text) is not None or _is_text(p.text)]
        stream.dropped = len(stream.body) - len(kept)
        stream.body = kept
    return stream


def _is_text(text: str) -> bool:
    """English that reads as running text, not as a menu entry or link: a sentence (or a list item
    ending in ; or :), or a long stretch of words."""
    return bool(re.search(r"[.!?;:]['\"”’)]*$", text)) or len(text.split()) >= _TEXT_MIN_WORDS


def _cut_tail(stream: _Stream, locale: Locale) -> None:
    """Drop the closing dateline (its date is kept) and, in Chinese, the page footer after it."""
    body = stream.body
    heads = [locale.heading(p.text) for p in body]
    last_head = max((k for k, h in enumerate(heads) if h), default=0)
    for k in range(last_head + 1, len(body)):
        m = _DATELINE[stream.lang].fullmatch(body[k].text)
        if m:
            if stream.lang == "zh":
                stream.date = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            del body[k:]
            break
    if stream.lang == "zh":
        while body and not _is_sentence(body[-1].text, "zh") and locale.heading(body[-1].text) is None:
            body.pop()


# ---------------------------------------------------------------------------------------------
# Title and issuer from the page header

_ZH_HEADLINE = re.compile(r"^(?P<issuer>[^《》，。]{2,30}?)印发了?《(?P<title>[^《》]{4,60})》")
_EN_HEADLINE = re.compile(
    r"^(?:The\s+)?(?P<issuer>.{4,120}?)\s+(?:Issues?|Issued|Prints?|Printed|Releases?|Released|Publish(?:es|ed)?)\s+"
    r"(?:the\s+)?(?P<title>.+?)\s*(?:\[[^\]]*\])?\s*$"
)


def _headline(stream: _Stream) -> str | None:
    """The page's headline in one language: the last title-like line before the front matter."""
    for piece in reversed(stream.chrome):
        text = piece.text
        if stream.lang == "zh" and _ZH_HEADLINE.search(text):
            return text
        words = text.split()
        if stream.lang == "en" and len(words) >= _TITLE_LIKE_MIN_WORDS and not _is_sentence(text, "en"):
            capitalised = sum(1 for w in words if len(w) >= 4 and w[0].isupper())
            if capitalised >= 0.5 * sum(1 for w in words if len(w) >= 4):
                return text
    return None


def _set_title(plan: Plan, zh: _Stream, en: _Stream) -> None:
    zh_head = _headline(zh)
    if zh_head and (m := _ZH_HEADLINE.search(zh_head)):
        plan.title.setdefault("zh", m.group("title"))
        plan.issuer["zh"] = m.group("issuer").strip()
    en_head = _headline(en)
    if en_head:
        m = _EN_HEADLINE.match(en_head)
        if m:
            plan.title["en"] = m.group("title").strip()
            plan.issuer["en"] = m.group("issuer").strip()
        else:
            plan.title["en"] = re.sub(r"\s*\[[^\]]*\]\s*$", "", en_head).strip()


# ---------------------------------------------------------------------------------------------
# The reader


def _lines(pieces: list[_Piece], numbered_by_page: bool) -> list[Line]:
    """Lines for the structure parser: numbered by page line (Chinese) or by piece (English)."""
    if numbered_by_page:
        return [Line(p.segments[0].line, p.text) for p in pieces]
    return [Line(k, p.text) for k, p in enumerate(pieces, start=1)]


def _english_plan(en: _Stream, zh_lines: list[Line], name: str) -> tuple[Plan, list[_Piece]]:
    """The English tree; a flat list of paragraphs when the English has no headings to go by."""
    pieces = en.front + en.body
    if en.body:
        try:
            return parse_structure(_lines(pieces, False), EN, name), pieces
        except InputError:
            pass
    # No structure: every sentence-like English piece within the Chinese text's span.
    low, high = zh_lines[0].no - 1, zh_lines[-1].no + 2
    pieces = [
        p for p in en.chrome + pieces if low <= p.segments[0].line <= high and _is_sentence(p.text, "en")
    ]
    plan = Plan(langs=["en"])
    if pieces:
        front = Unit(kind="front", line=1)
        for k, p in enumerate(pieces, start=1):
            front.children.append(Unit(kind="paragraph", num=k, text={"en": p.text}, line=k))
        plan.units.append(front)
        assign_eids(plan.units)
    return plan, pieces


def read_bilingual(text: str, name: str) -> Plan:
    """Read a bilingual page into one plan carrying both languages on every unit it could pair.

    Raises:
        InputError: the Chinese is not a plan outline, or the page has no English text.
    """
    return read_bilingual_detail(text, name).plan


def read_bilingual_detail(text: str, name: str) -> BilingualReading:
    """`read_bilingual`, also saying which English runs of the page each unit's English came from.

    Raises:
        InputError: the Chinese is not a plan outline, or the page has no English text.
    """
    runs = [r for no, line in enumerate(text.splitlines(), start=1) for r in split_runs(line, no)]
    zh_runs = [Run("zh", widen_punctuation(r.text), r.line, r.index) for r in runs if r.lang == "zh"]
    zh = _stream(zh_runs, ZH)
    if not zh.body:
        raise InputError(f"{name}: not a plan outline: no contents list or chapter headings (第…章) found")
    zh_lines = _lines(zh.front + zh.body, True)
    plan = parse_structure(zh_lines, ZH, name)
    en = _stream([r for r in runs if r.lang == "en"], EN)
    en_plan, en_pieces = _english_plan(en, zh_lines, name)
    if not en_plan.units:
        raise InputError(f"{name}: a bilingual page with no English text")
    alignment = align_trees(plan, en_plan)
    attach_english(alignment)
    reading = BilingualReading(plan, alignment=alignment)
    _record_sources(reading, alignment, en_pieces)
    plan.langs = ["zh", "en"]
    plan.date = zh.date or plan.date
    _set_title(plan, zh, en)
    plan.problems += _english_problems(en_plan, en_pieces)
    if en.dropped:
        plan.problems.append(
            Problem("warning", f"{en.dropped} short English lines that are not text were left out")
        )
    plan.problems += _alignment_problems(alignment, en_pieces)
    return reading


def _record_sources(reading: BilingualReading, alignment: TreeAlignment, pieces: list[_Piece]) -> None:
    """Note where each unit's English came from; a repaired heading is a little less certain."""
    for pair in alignment.pairs:
        used = [pieces[(u.line or 1) - 1] for u in pair.en]  # English units are numbered by piece
        segments = [seg for piece in used for seg in piece.segments]
        for unit in pair.zh:
            if unit.text.get("en") or unit.heading.get("en"):
                reading.english_sources[unit.eid] = segments
                if any(piece.repaired for piece in used) and unit.align_score is not None:
                    unit.align_score = round(unit.align_score * _REPAIRED_HEADING, 3)


def _english_problems(en_plan: Plan, pieces: list[_Piece]) -> list[Problem]:
    """The English parser's findings, with page line numbers."""
    out = []
    for p in en_plan.problems:
        line = pieces[p.line - 1].segments[0].line if p.line and p.line <= len(pieces) else None
        out.append(Problem(p.level, f"English text: {p.message}", line))
    return out


def _alignment_problems(alignment: TreeAlignment, pieces: list[_Piece]) -> list[Problem]:
    """Warnings for units left without English, English left without Chinese, doubtful pairings."""
    out: list[Problem] = []
    for unit in alignment.unpaired_zh:
        out.append(Problem("warning", f"{unit.eid}: no English found for this unit", unit.line))
    for unit in alignment.unpaired_en:
        seg = pieces[(unit.line or 1) - 1].segments[0]
        what = "heading" if unit.kind != "paragraph" else "paragraph"
        out.append(
            Problem("warning", f"an English {what} with no Chinese counterpart was left out", seg.line)
        )
    for pair in alignment.pairs:
        for unit in pair.zh:
            if unit.align_score is not None and unit.align_score < DOUBTFUL:
                message = f"{unit.eid}: doubtful pairing with the English (score {unit.align_score:.2f})"
                out.append(Problem("warning", message, unit.line))
    return out


# ---------------------------------------------------------------------------------------------
# Gold sets: naming English segments without storing their (copyrighted) text

GoldId = dict[str, int | str]


def gold_id(segments: list[Segment]) -> GoldId:
    """Name a unit's English on the page without its text: the line and run index where it starts
    and a short SHA-1 of its whitespace-normalised text."""
    text = " ".join(" ".join(seg.text for seg in segments).split())
    return {
        "line": segments[0].line,
        "index": segments[0].index,
        "sha1": hashlib.sha1(text.encode()).hexdigest()[:12],
    }


@dataclass
class GoldScore:
    """Precision and recall of the pairings on a gold set, and the units that went wrong."""

    made: int  # gold units the reader gave English
    correct: int  # ... and gave the right English
    expected: int  # gold units that have English
    wrong: list[str]  # eIds paired with the wrong English, or given English they lack
    missed: list[str]  # eIds left without the English they have

    @property
    def precision(self) -> float:
        return self.correct / self.made if self.made else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0


def evaluate_gold(reading: BilingualReading, gold: dict[str, GoldId | None]) -> GoldScore:
    """Score a reading against a gold set (eId → `gold_id` of the right English, or None)."""
    score = GoldScore(0, 0, 0, [], [])
    for eid, want in gold.items():
        segments = reading.english_sources.get(eid)
        got = gold_id(segments) if segments else None
        score.made += got is not None
        score.expected += want is not None
        if got is not None and got == want:
            score.correct += 1
        elif got is not None:
            score.wrong.append(eid)
        elif want is not None:
            score.missed.append(eid)
    return score
