"""Reading a follow-up document in any of the forms it comes in: bytes → plain text, one block a line.

Forms:
    plain  text as released (UTF-8 or GB18030/GBK, read by `yrd.documents.readers.decode`).
    html   a page saved from a government site: the charset its <meta> declares (else detected), the
           main content container if there is an obvious one (else the body), without scripts,
           styles, navigation, headers and footers.
    docx   a Word document: paragraphs and table rows in order. Word's automatic numbering is not
           part of the text; paragraphs that use it are reported in a warning.
    pdf    a PDF with a text layer: page numbers and running headers dropped, the lines of a
           paragraph that the layout wrapped joined again. A scan (no text layer) is refused.

The form is chosen by sniffing the bytes first (``%PDF-``, a ZIP holding ``word/document.xml``,
``<html``/``<!DOCTYPE html`` near the start) and by the file name's extension otherwise, so a
``.txt`` that is really a web page, or a PDF named ``.bin``, is read as what it is. Every failure is
an `InputError` naming the file.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Literal

from yrd.documents.policy_structure import opens_unit
from yrd.errors import InputError

__all__ = ["DocumentText", "FileForm", "sniff", "to_text"]

FileForm = Literal["plain", "html", "docx", "pdf"]

_CJK = "\u2e80-\u9fff\uf900-\ufaff"
_HAN = re.compile(r"[\u4e00-\u9fff]")
_CJK_CHAR = re.compile(f"[{_CJK}]")
_CJK_WIDE = f"{_CJK}\u3000-\u303f\uff00-\uffef"  # ideographs and full-width punctuation
_EXTENSIONS: dict[str, FileForm] = {
    ".txt": "plain", ".text": "plain", ".htm": "html", ".html": "html", ".shtml": "html",
    ".xhtml": "html", ".docx": "docx", ".pdf": "pdf",
}  # fmt: skip


@dataclass
class DocumentText:
    """The text of a document, one block (paragraph, heading, table row) a line, and how it was read."""

    text: str
    form: FileForm
    encoding: str
    warnings: list[str] = field(default_factory=list)  # what the reader could not do (without the file name)


def to_text(data: bytes, name: str, encoding: str | None = None) -> DocumentText:
    """Read a plain text, HTML, DOCX or PDF file into plain text, one block a line.

    ``encoding`` forces the encoding of a plain text or HTML file (DOCX and PDF carry their own).

    Raises:
        InputError: the file is empty, of an unsupported kind, corrupt, encrypted, a scan without a
            text layer, or has no Chinese text; the message names the file.
    """
    if not data.strip():
        raise InputError(f"{name}: the file is empty")
    form = sniff(data, name)
    if form == "docx":
        doc = _read_docx(data, name)
    elif form == "pdf":
        doc = _read_pdf(data, name)
    elif form == "html":
        doc = _read_html(data, name, encoding)
    else:
        from yrd.documents.readers import decode

        text, used = decode(data, name, encoding)
        doc = DocumentText(text, "plain", used)
    if not _HAN.search(doc.text):
        raise InputError(f"{name}: no Chinese text found; a plan outline in Chinese is expected")
    return doc


# ---------------------------------------------------------------------------------------- sniffing


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _looks_html(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return bool(re.search(rb"<!doctype\s+html|<html[\s>]", head[:1024]))


def sniff(data: bytes, name: str) -> FileForm:
    """The form of a file: by its bytes where they tell, else by its extension, else plain text.

    Raises:
        InputError: a kind that cannot be read (an old .doc, another ZIP archive such as .xlsx),
            or a .docx/.pdf whose bytes are not one (truncated or corrupt).
    """
    ext = PurePath(name).suffix.lower()
    if data.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        if _is_docx(data):
            return "docx"
        if ext == ".docx":
            raise InputError(f"{name}: not a valid Word (.docx) file: the archive is corrupt or truncated")
        raise InputError(
            f"{name}: a ZIP archive that is not a Word document; policy documents are read from "
            "plain text, HTML, DOCX or PDF"
        )
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") or ext in (".doc", ".wps"):
        raise InputError(
            f"{name}: an old Word (.doc/.wps) file, which cannot be read; save it as .docx or PDF first"
        )
    if _looks_html(data):
        return "html"
    form = _EXTENSIONS.get(ext, "plain")
    if form == "docx":
        raise InputError(f"{name}: not a valid Word (.docx) file: not a ZIP archive (corrupt or renamed?)")
    if form == "pdf":
        raise InputError(f"{name}: not a valid PDF file: it does not start with %PDF- (corrupt or renamed?)")
    return form


# -------------------------------------------------------------------------------------------- HTML

_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_DROP_TAGS = ("script", "style", "nav", "header", "footer", "noscript", "iframe", "template", "select",
              "button", "form", "object", "svg")  # fmt: skip
# Class and id words of page furniture on government sites; matched as whole words of the attribute.
_NOISE_WORDS = frozenset(("nav", "navbar", "menu", "footer", "foot", "header", "head", "breadcrumb", "crumb",
                          "crumbs", "position", "location", "share", "sidebar", "banner", "copyright",
                          "toolbar", "topbar", "bottom", "related", "info", "meta", "date", "source",
                          "print", "tools"))  # fmt: skip
_CONTENT_HINTS = ("content", "article", "zoom", "trs_editor", "main", "detail", "text", "body")
_BLOCKS = frozenset(("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "ul", "ol", "dl",
                     "dt", "dd", "section", "article", "main", "blockquote", "pre", "center", "title",
                     "address", "figure", "figcaption", "hr"))  # fmt: skip
_CELLS = frozenset(("td", "th"))
_BREAK = "\x00"  # a block's end, apart from the newlines of the page's source
_SPACE = re.compile(r"[ \t\r\f\v\xa0\u3000\u2002\u2003\u2009\u200b]+")


def _html_charset(data: bytes) -> str | None:
    if m := _CHARSET.search(data[:4096]):
        label = m.group(1).decode("ascii", "replace").lower()
        # GB2312 and GBK pages often hold characters only their superset GB18030 has
        return "gb18030" if label in ("gb2312", "gbk", "x-gbk", "gb_2312-80", "cp936") else label
    return None


def _decode_html(data: bytes, name: str, encoding: str | None) -> tuple[str, str]:
    from yrd.documents.readers import decode

    if encoding or data.startswith(b"\xef\xbb\xbf"):
        return decode(data, name, encoding)
    declared = _html_charset(data)
    if declared:
        try:
            return data.decode(declared), declared
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration: detect instead
    return decode(data, name)


def _words(el: Any) -> list[str]:
    attrs = f"{el.get('id') or ''} {el.get('class') or ''}".lower()
    return [w for w in re.split(r"[\s\-_]+", attrs) if w]


def _cjk_count(el: Any) -> int:
    return len(_CJK_CHAR.findall(el.text_content()))


def _pieces(el: Any, out: list[str]) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "br" or tag in _BLOCKS:
        out.append(_BREAK)
    if isinstance(el.tag, str) and el.text:
        out.append(el.text)
    for child in el:
        _pieces(child, out)
    if tag in _CELLS:
        out.append("\t")
    elif tag in _BLOCKS:
        out.append(_BREAK)
    if el.tail:
        out.append(el.tail)


def _clean_html_line(line: str) -> str:
    # a source line break between two CJK characters is no space in the rendered text
    line = re.sub(f"(?<=[{_CJK_WIDE}])[ \\t\\r\\f\\v]*\\r?\\n[ \\t\\r\\f\\v]*(?=[{_CJK_WIDE}])", "", line)
    line = line.replace("\n", " ")
    cells = [_SPACE.sub(" ", c).strip() for c in line.split("\t")]
    return "\t".join(c for c in cells if c)


def _read_html(data: bytes, name: str, encoding: str | None) -> DocumentText:
    import lxml.html
    from lxml import etree

    text, used = _decode_html(data, name, encoding)
    text = _XML_DECL.sub("", text.lstrip("\ufeff"), count=1)
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise InputError(f"{name}: not a readable HTML page ({exc})") from None
    for el in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        el.drop_tree()
    for el in list(root.iter(*_DROP_TAGS)):
        el.drop_tree()
    for el in list(root.iter()):
        if (
            isinstance(el.tag, str)
            and el.getparent() is not None
            and _NOISE_WORDS.intersection(_words(el))
            and el.find(".//h1") is None  # an "article-header" box holds the document's title
        ):
            el.drop_tree()
    body = root.find("body")
    if body is None:
        body = root
    total = _cjk_count(body)
    candidates = [
        el
        for el in body.iter()
        if isinstance(el.tag, str) and any(h in w for w in _words(el) for h in _CONTENT_HINTS)
    ]
    scored = [(n, el) for el in candidates if (n := _cjk_count(el)) >= 20 and n >= total * 0.2]
    main = max(scored, key=lambda pair: pair[0])[1] if scored else body  # the first (outermost) of equals
    out: list[str] = []
    try:
        _pieces(main, out)
    except RecursionError:
        raise InputError(f"{name}: the HTML page is nested too deeply to read") from None
    # _pieces adds the tail of the chosen element, which lies outside it
    if main is not body and main.tail:
        out.pop()
    lines = [cleaned for raw in "".join(out).split(_BREAK) if (cleaned := _clean_html_line(raw))]
    if not lines:
        raise InputError(f"{name}: the HTML page has no text")
    return DocumentText("\n".join(lines), "html", used)


# -------------------------------------------------------------------------------------------- DOCX


def _numbered(paragraph: Any) -> bool:
    """Whether Word numbers this paragraph automatically (directly or through its style)."""
    from docx.oxml.ns import qn

    def num_id(ppr: Any) -> str | None:
        if ppr is None:
            return None
        num_pr = ppr.find(qn("w:numPr"))
        if num_pr is None:
            return None
        nid = num_pr.find(qn("w:numId"))
        return nid.get(qn("w:val")) if nid is not None else "?"

    direct = num_id(paragraph._p.pPr)
    if direct is not None:
        return direct != "0"
    style = paragraph.style
    seen = 0
    while style is not None and seen < 10:
        via_style = num_id(style.element.pPr)
        if via_style is not None:
            return via_style != "0"
        style, seen = style.base_style, seen + 1
    return False


def _docx_blocks(container: Any, parent: Any) -> Iterator[tuple[str, bool]]:
    """(text, automatically numbered) of each paragraph and table row, in document order."""
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in container.iterchildren():
        if child.tag == qn("w:p"):
            paragraph = Paragraph(child, parent)
            yield paragraph.text, _numbered(paragraph)
        elif child.tag == qn("w:tbl"):
            for row in Table(child, parent).rows:
                cells, seen = [], set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is listed once per grid column
                        continue
                    seen.add(id(cell._tc))
                    text = " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())
                    if text:
                        cells.append(text)
                yield "\t".join(cells), False
        elif child.tag == qn("w:sdt"):  # a content control: its paragraphs are part of the body
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _docx_blocks(content, parent)


def _read_docx(data: bytes, name: str) -> DocumentText:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(_docx_blocks(document.element.body, document._body))
    except Exception as exc:  # python-docx raises many kinds on a broken file
        reason = str(exc) or type(exc).__name__
        raise InputError(f"{name}: not a readable Word (.docx) file: {reason}") from None
    lines: list[str] = []
    unmarked: list[str] = []
    for text, numbered in blocks:
        for part in text.split("\n"):
            part = "\t".join(c for c in (_SPACE.sub(" ", c).strip() for c in part.split("\t")) if c)
            if not part:
                continue
            if numbered and not opens_unit(part):
                unmarked.append(part)
            lines.append(part)
            numbered = False  # only the first line of a paragraph carries Word's number
    notes = []
    if unmarked:
        first = unmarked[0] if len(unmarked[0]) <= 30 else unmarked[0][:29] + "…"
        notes.append(
            f"{len(unmarked)} paragraph(s) use Word automatic numbering, which is not part of the "
            f"text, so their numbers (一、, （一）, 1. …) are missing (first: {first!r}); check the "
            "structure, or convert the numbering to text in Word and load the file again"
        )
    return DocumentText("\n".join(lines), "docx", "utf-8", notes)


# --------------------------------------------------------------------------------------------- PDF

_PAGE_NUMBER = re.compile(
    r"^[\s\-—–－―_·•]*(第\s*)?\d{1,4}(\s*页)?(\s*/\s*(共\s*)?\d{1,4}\s*页?)?[\s\-—–－―_·•]*$"
)
_SENTENCE_END = tuple("。！？；：!?;:")


def _width(text: str) -> int:
    return sum(2 if re.match(f"[{_CJK_WIDE}]", ch) else 1 for ch in text)


def _page_lines(text: str) -> list[str]:
    lines = []
    for raw in text.splitlines():
        line = _SPACE.sub(" ", raw).strip()
        # justified CJK text comes out with spaces between characters
        line = re.sub(f"(?<=[{_CJK_WIDE}]) (?=[{_CJK_WIDE}])", "", line)
        if line:
            lines.append(line)
    return lines


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Lines printed at the top or bottom of most pages (headers and footers, numbers ignored)."""
    if len(pages) < 2:
        return set()
    seen: Counter[str] = Counter()
    for lines in pages:
        edge = {re.sub(r"\d+", "#", ln) for ln in lines[:2] + lines[-2:]}
        seen.update(edge)
    need = max(2, (len(pages) + 1) // 2)
    return {key for key, n in seen.items() if n >= need}


def _join_wrapped(lines: list[str]) -> list[str]:
    """Join the lines of a paragraph that the layout wrapped.

    A line joins the one before when that one does not end a sentence (。！？；：), fills the
    width of the text column (a short line ends its paragraph: a heading, a signature; a line
    that wrapped before a Latin word counts that word as if it were there) and the line does not
    open a numbered unit (一、 （一） 1. 第X条 第X部分).
    """
    if not lines:
        return []
    widths = sorted(_width(ln) for ln in lines)
    full = widths[min(len(widths) - 1, int(len(widths) * 0.9))]
    out = [lines[0]]
    prev_width = _width(lines[0])
    for line in lines[1:]:
        prev = out[-1]
        first = re.match(r"[A-Za-z0-9][\w.,:;'’\-]*", line)  # a Latin word wraps as a whole
        ahead = _width(first.group()) + 1 if first else 0
        wrapped = prev_width + ahead >= full * 0.85 and not prev.endswith(_SENTENCE_END)
        if wrapped and not opens_unit(line):
            glue = " " if re.search(r"[A-Za-z0-9,.]$", prev) and re.match(r"[A-Za-z0-9]", line) else ""
            out[-1] = prev + glue + line
        else:
            out.append(line)
        prev_width = _width(line)
    return out


def _read_pdf(data: bytes, name: str) -> DocumentText:
    import pypdf

    log = logging.getLogger("pypdf")
    level = log.level
    try:
        # pypdf reports each repair of a damaged file as a warning or a log line: the user gets one
        # message, from here, or none
        log.setLevel(logging.ERROR)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = pypdf.PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise InputError(
                    f"{name}: the PDF is encrypted with a password; supply an unencrypted copy or the text"
                )
            texts = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except Exception as exc:  # pypdf raises many kinds on a broken file
        reason = str(exc) or type(exc).__name__
        if "crypt" in reason.lower() or "password" in reason.lower():
            raise InputError(f"{name}: the PDF is encrypted and cannot be read ({reason})") from None
        raise InputError(f"{name}: not a readable PDF file: {reason}") from None
    finally:
        log.setLevel(level)
    pages = [_page_lines(t) for t in texts]
    if not any(_CJK_CHAR.search(ln) or re.search(r"[A-Za-z]{2}", ln) for lines in pages for ln in lines):
        raise InputError(f"{name}: the PDF has no text layer (a scan?); run OCR first or supply the text")
    joined_text = "".join(texts)
    odd = sum(1 for ch in joined_text if ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff")
    if odd > max(20, len(joined_text) * 0.2):
        raise InputError(
            f"{name}: the PDF's text layer cannot be turned into characters (its fonts have no Unicode "
            "map); run OCR first or supply the text"
        )
    notes = []
    empty = [str(i) for i, lines in enumerate(pages, start=1) if not lines]
    if empty:
        notes.append(
            f"page(s) {', '.join(empty)} of the PDF have no text layer (scanned?); their text is missing"
        )
    running = _running_lines(pages)
    body: list[str] = []
    for lines in pages:
        for i, line in enumerate(lines):
            if _PAGE_NUMBER.match(line):
                continue
            at_edge = i < 2 or i >= len(lines) - 2
            if at_edge and re.sub(r"\d+", "#", line) in running:
                continue
            body.append(line)
    return DocumentText("\n".join(_join_wrapped(body)), "pdf", "text layer", notes)
