"""The interface language: gettext catalogues read at run time, and one Jinja2 environment per language.

The catalogues are the ``.po`` files in ``locale/<lang>/LC_MESSAGES/messages.po``; they are compiled in
memory with Babel when first used, so no ``.mo`` file is kept beside them. Message ids are English;
the English catalogue maps each id to itself so that a test can check both are complete.

The language of a request comes from, in order: ``?ui=zh|en`` (remembered in the ``yrd_ui`` cookie),
the cookie, the browser's ``Accept-Language``, the configured default.
"""

from __future__ import annotations

import re
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, select_autoescape

LOCALE_DIR = Path(__file__).parent / "locale"
TEMPLATES = Path(__file__).parent / "templates"
UI_LANGS: tuple[str, ...] = ("zh", "en")
DEFAULT_UI = "zh"
UI_COOKIE = "yrd_ui"
# The value of `<html lang>` and of `lang` attributes for each language code.
HTML_LANG: dict[str, str] = {"zh": "zh-Hans", "en": "en"}
# Babel's locale for dates and numbers in each interface language.
BABEL_LOCALE: dict[str, str] = {"zh": "zh_Hans_CN", "en": "en_GB"}

_ACCEPT_ITEM = re.compile(r"^\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


@cache
def translations(lang: str) -> Translations:
    """The gettext translations of one interface language, compiled from its ``.po`` file in memory."""
    with catalogue_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf, domain="messages")


@cache
def environment(lang: str) -> Environment:
    """The Jinja2 environment that renders pages in one interface language (autoescaping on)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env


def gettext(lang: str, message: str, **variables: str | int) -> str:
    """A message of pages.py in one interface language (``%(name)s`` placeholders filled in)."""
    text = translations(lang).gettext(message)
    return text % variables if variables else text


def from_accept_language(header: str) -> str | None:
    """The first interface language the browser accepts, by quality; None when it accepts none of ours."""
    best: tuple[float, int, str] | None = None
    for index, item in enumerate(header.split(",")):
        m = _ACCEPT_ITEM.match(item)
        if not m:
            continue
        lang = m.group(1).lower()
        try:
            quality = float(m.group(2)) if m.group(2) else 1.0
        except ValueError:
            continue
        if lang in UI_LANGS and quality > 0 and (best is None or (quality, -index) > (best[0], best[1])):
            best = (quality, -index, lang)
    return best[2] if best else None


def negotiate(query: str | None, cookie: str | None, accept_language: str, default: str = DEFAULT_UI) -> str:
    """The interface language of a request (see the module docstring for the order)."""
    for candidate in (query, cookie):
        if candidate in UI_LANGS:
            return candidate  # type: ignore[return-value]
    return from_accept_language(accept_language) or (default if default in UI_LANGS else DEFAULT_UI)


def extract_messages() -> dict[str, tuple[str, ...] | str]:
    """Every message id the templates and the page modules use (a plural message maps to its forms).

    A test compares this with the catalogues, so a string added to a page without a translation fails.
    """
    from babel.messages.extract import extract, extract_from_dir

    found: dict[str, tuple[str, ...] | str] = {}

    def add(message: str | tuple[str, ...]) -> None:
        if isinstance(message, tuple):
            found[message[0]] = message
        else:
            found[message] = message

    for _file, _line, message, _comments, _context in extract_from_dir(
        str(TEMPLATES), method_map=[("**.html", "jinja2.ext:babel_extract")]
    ):
        add(message)
    for pages in sorted(Path(__file__).parent.glob("pages*.py")):
        with pages.open("rb") as fh:
            for _line, message, _comments, _context in extract(
                "python", fh, keywords={"N_": None, "_": None}
            ):
                add(message)
    return found
