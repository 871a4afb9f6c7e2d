"""The fixed strings of the report layout (Contents, Figure n, Page x of y …) in Chinese and English.

They live in ``labels.json`` beside this module rather than in the web app's gettext catalogues, so the
report engine is complete on its own and a test can check both languages have every key.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any

from babel.dates import format_date

from yrd.errors import InputError
from yrd.reports.model import LANGS

# Babel's locale for dates in each report language (as the web app's interface languages).
BABEL_LOCALE = {"zh": "zh_Hans_CN", "en": "en_GB"}
# The value of `<html lang>` and `w:lang` for each report language.
HTML_LANG = {"zh": "zh-Hans", "en": "en"}
WORD_LANG = {"zh": "zh-CN", "en": "en-GB"}


@cache
def labels() -> dict[str, dict[str, str]]:
    data: dict[str, Any] = json.loads((resources.files("yrd.reports") / "labels.json").read_text("utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise InputError(f"report language must be one of {', '.join(LANGS)}, not {lang!r}")


def label(key: str, lang: str, **values: object) -> str:
    """One fixed string in ``lang`` with its ``{placeholders}`` filled."""
    check_lang(lang)
    return labels()[key][lang].format(**values)


def format_day(value: date | datetime, lang: str) -> str:
    """A date for reading: 2025年3月1日 / 1 March 2025."""
    day = value.date() if isinstance(value, datetime) else value
    return format_date(day, format="long", locale=BABEL_LOCALE[lang])


def format_number(value: float | int) -> str:
    """A table number: thousands separated, no float noise (128,222 · 2.93)."""
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:,.4f}".rstrip("0").rstrip(".")
    else:
        text = f"{int(value):,}"
    return text.replace("-", "−")
