"""Reading a plan file: bytes → text (encoding detected) → numbered lines of one form.

Forms:
    plain      Chinese text as released: one paragraph a line, a contents list first.
    bilingual  A page from a legal database with Chinese and English interleaved
               (split into streams by `yrd.documents.bilingual`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from yrd.errors import InputError

Form = Literal["plain", "bilingual"]
FORMS: tuple[str, ...] = ("plain", "bilingual")
ENCODINGS: tuple[str, ...] = ("utf-8", "utf-8-sig", "gb18030", "gbk")


@dataclass(frozen=True)
class Line:
    """A line of the source, numbered from 1 as an editor shows it."""

    no: int
    text: str


@dataclass
class SourceText:
    """A decoded source file."""

    name: str
    text: str
    encoding: str
    form: Form


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13, 12))
    return controls > len(sample) * 0.05


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in bytes) of a byte offset."""
    line = data.count(b"\n", 0, offset) + 1
    col = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, col


def decode(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str]:
    """Decode a file's bytes, detecting UTF-8 (with or without BOM) or GB18030/GBK.

    Raises:
        InputError: the file is empty, binary, or not text in the given or any known encoding.
    """
    if not data.strip():
        raise InputError(f"{name}: the file is empty")
    if _looks_binary(data):
        raise InputError(f"{name}: this is a binary file, not plan text")
    if encoding:
        try:
            codecs_name = encoding.lower()
            return data.decode(codecs_name), codecs_name
        except LookupError:
            raise InputError(f"{name}: unknown encoding {encoding!r}") from None
        except UnicodeDecodeError as exc:
            line, col = _position(data, exc.start)
            raise InputError(
                f"{name}: line {line}, column {col}: bytes not valid {encoding} "
                f"({data[exc.start : exc.end].hex(' ')})"
            ) from None
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            line, col = _position(data, exc.start + 3)
            raise InputError(
                f"{name}: line {line}, column {col}: bytes not valid UTF-8 after a UTF-8 byte-order mark "
                f"({data[exc.start + 3 : exc.end + 3].hex(' ')})"
            ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf_exc:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            line, col = _position(data, utf_exc.start)
            raise InputError(
                f"{name}: line {line}, column {col}: undecodable bytes "
                f"({data[utf_exc.start : utf_exc.start + 4].hex(' ')}); neither UTF-8 nor GB18030 "
                "(give --encoding to choose one)"
            ) from None
        return text, "gb18030"


_LATIN_WORDS = re.compile(r"[A-Za-z]{2,}(?:[ ,;:'’\-]+[A-Za-z]{2,}){3,}")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def detect_form(text: str) -> Form:
    """Plain Chinese, or a bilingual page: many lines carry runs of English words."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return "plain"
    english = sum(1 for ln in lines if _LATIN_WORDS.search(ln))
    return "bilingual" if english >= max(3, len(lines) * 0.2) else "plain"


def read_source(data: bytes, name: str, encoding: str | None = None, form: str | None = None) -> SourceText:
    """Decode a file and decide its form (either may be forced by the caller).

    Raises:
        InputError: undecodable, empty or binary input, or an unknown form.
    """
    text, used = decode(data, name, encoding)
    if form is not None and form not in FORMS:
        raise InputError(f"{name}: unknown form {form!r} (choose from {', '.join(FORMS)})")
    if not _HAN.search(text):
        raise InputError(f"{name}: no Chinese text found; a plan outline in Chinese is expected")
    chosen: Form = form or detect_form(text)  # type: ignore[assignment]
    return SourceText(name=name, text=text, encoding=used, form=chosen)


def normalize(text: str) -> str:
    """One form for the characters that vary between copies: spaces, NFC, stray controls."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u3000", " ").replace("\xa0", " ").replace("\u200b", "")
    return re.sub(r"[ \t]+", " ", text).strip()


# A line that cannot start a paragraph: it continues the one before (closing bracket or
# punctuation at its start), as when a subscript was split out of the line.
_CONTINUATION = re.compile(r"^[）)\]】」』，。、；：,.;:%％]")
# A short fragment alone on a line: a subscript or superscript split out (the "2.5" of PM2.5).
_FRAGMENT = re.compile(r"^[0-9A-Za-z.+\-]{1,6}$")


def plain_lines(text: str) -> list[Line]:
    """The non-empty lines of a plain text, with split-out subscripts put back in place.

    Releases copied from web pages print ``PM<sub>2.5</sub>`` as three lines: the text up to
    "PM", the text from the closing bracket on, and "2.5" alone after them (or before the second
    half). The fragment goes back between the two halves, which are joined into one paragraph.
    """
    raw = [Line(i, normalize(t)) for i, t in enumerate(text.splitlines(), start=1)]
    raw = [ln for ln in raw if ln.text]
    out: list[Line] = []
    split_at: tuple[int, int] | None = None  # (index in out, offset) of a join still missing its fragment
    i = 0
    while i < len(raw):
        ln = raw[i]
        if split_at and _FRAGMENT.match(ln.text) and split_at[0] == len(out) - 1:
            head, cut = out[-1], split_at[1]
            out[-1] = Line(head.no, head.text[:cut] + ln.text + head.text[cut:])
            split_at = None
            i += 1
            continue
        split_at = None
        nxt = raw[i + 1].text if i + 1 < len(raw) else ""
        if (
            out
            and _FRAGMENT.match(ln.text)
            and _CONTINUATION.match(nxt)
            and re.search(r"[A-Za-z0-9]$", out[-1].text)
        ):
            prev = out[-1]
            out[-1] = Line(prev.no, prev.text + ln.text + nxt)
            i += 2
            continue
        if out and _CONTINUATION.match(ln.text) and re.search(r"[A-Za-z0-9]$", out[-1].text):
            prev = out[-1]
            if _FRAGMENT.match(nxt):
                # the fragment is printed after the second half: it is put back on the next turn
                split_at = (len(out) - 1, len(prev.text))
            out[-1] = Line(prev.no, prev.text + ln.text)
            i += 1
            continue
        out.append(ln)
        i += 1
    return out
