"""The assessment report in the web app: a page to choose it, the report in every format, its figures.

- ``/report?period=&lang=``                  the chooser (year, language, format), the report itself in
                                             a frame, download buttons and every figure's downloads;
- ``/report.html|.pdf|.docx?period=&lang=``  the report (HTML shown inline, ``?download=1`` to save it;
                                             PDF and Word as attachments), named by `filename`;
- ``/report/figures/<figure-id>.svg|png``    one figure, the bytes of `figure_files`.

The report's HTML is a standalone document with its own styles (the same file the CLI writes), so the
page shows it in an ``<iframe>`` rather than pouring it into the app's layout, where the two style
sheets would fight. Building takes seconds (`assess` plus drawing every figure), so each built
report, and each format rendered from it, is kept in memory for `CACHE_SECONDS` per
(period, language, as_of, data version); the data version changes with every import batch.

The router must be included before `pages.router`.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from yrd.db.models import ObservationRow
from yrd.errors import InputError, NotFoundError
from yrd.reports import FORMATS, MEDIA_TYPES, Report, figure_files, filename, render
from yrd.reports.model import LANGS, Figure, Section
from yrd.stats import store
from yrd.supervise import audit
from yrd.web.deps import SessionDep
from yrd.web.pages import render as render_page
from yrd.web.pages import ui_lang

router = APIRouter(include_in_schema=False)

CACHE_SECONDS = 300
CACHE_SIZE = 8
FIRST_YEAR = 2019  # the Outline was issued in 2019; earlier years are its baseline

PeriodQ = Annotated[int | None, Query(ge=1900, le=2100, description="the year assessed")]
LangQ = Annotated[str | None, Query(description="zh or en (default: the interface language)")]
AsOfQ = Annotated[str | None, Query(description="figures as published by this date (YYYY[-MM[-DD]])")]


# ---------------------------------------------------------------------------------------------- cache


@dataclass
class _Entry:
    report: Report
    built: float
    outputs: dict[str, bytes] = field(default_factory=dict)
    figures: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class ReportCache:
    """Built reports and their renderings, per key, for `CACHE_SECONDS`; at most `CACHE_SIZE` kept."""

    def __init__(self, seconds: float = CACHE_SECONDS, size: int = CACHE_SIZE) -> None:
        self.seconds, self.size = seconds, size
        self._entries: OrderedDict[tuple[Any, ...], _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[tuple[Any, ...], threading.Lock] = {}

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def _fresh(self, key: tuple[Any, ...]) -> _Entry | None:
        entry = self._entries.get(key)
        if entry is not None and time.monotonic() - entry.built < self.seconds:
            self._entries.move_to_end(key)
            return entry
        return None

    def entry(self, session: Session, period: int | None, lang: str, as_of: str | None) -> _Entry:
        key = (period, lang, as_of, data_version(session))
        with self._lock:
            found = self._fresh(key)
            if found is not None:
                return found
            building = self._building.setdefault(key, threading.Lock())
        with building:  # one build per key, however many requests ask at once
            with self._lock:
                found = self._fresh(key)
            if found is not None:
                return found
            from yrd.reports.assessment import build_assessment_report

            built = _Entry(build_assessment_report(session, period, lang, as_of=as_of), time.monotonic())
            with self._lock:
                self._entries[key] = built
                self._building.pop(key, None)
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
            return built

    def output(self, entry: _Entry, fmt: str, figure_url: Any = None) -> bytes:
        with entry.lock:
            if fmt not in entry.outputs:
                entry.outputs[fmt] = render(entry.report, fmt, figure_url=figure_url)
            return entry.outputs[fmt]

    def figure(self, entry: _Entry, name: str) -> tuple[bytes, str]:
        """One entry of `figure_files` (``<figure-id>.svg|png``), drawn only when first asked for."""
        fig_id, _, ext = name.rpartition(".")
        fig = next((f for f in entry.report.figures() if f.id == fig_id), None)
        if fig is None or ext not in ("svg", "png"):
            raise NotFoundError(f"the report has no figure file {name!r}")
        with entry.lock:
            if name not in entry.figures:
                # exactly what figure_files(report)[name] is, without drawing every other figure
                entry.figures[name] = figure_files(_only(entry.report, fig))[name]
            return entry.figures[name]


def _only(report: Report, fig: Figure) -> Report:
    """The report reduced to one figure (same language), for `figure_files`."""
    return Report(report.title, report.lang, sections=[Section(report.title, "figure", 1, [fig])])


CACHE = ReportCache()


def data_version(session: Session) -> str:
    """Changes with every write: the head of the audit log, which records them all (statistics, and
    the tasks and projects the report's supervision sections count)."""
    head = audit.entries(session, limit=1)
    return f"{head[0].seq}:{head[0].hash[:16]}" if head else "0:"


# ---------------------------------------------------------------------------------------------- urls


def _query(period: int | None, lang: str, as_of: str | None = None, **extra: str) -> str:
    params = {"period": period, "lang": lang, "as_of": as_of, **extra}
    args = {k: str(v) for k, v in params.items() if v not in (None, "")}
    return "?" + urlencode(args) if args else ""


def report_page(period: int | None = None, lang: str = "zh", as_of: str | None = None) -> str:
    return "/report" + _query(period, lang, as_of)


def report_file(
    fmt: str, period: int | None = None, lang: str = "zh", as_of: str | None = None, **extra: str
) -> str:
    return f"/report.{fmt}" + _query(period, lang, as_of, **extra)


def figure_file(name: str, period: int | None = None, lang: str = "zh", as_of: str | None = None) -> str:
    return f"/report/figures/{quote(name)}" + _query(period, lang, as_of)


# ---------------------------------------------------------------------------------------------- helpers


def _lang(request: Request, lang: str | None) -> str:
    value = lang or ui_lang(request)
    if value not in LANGS:
        raise InputError(f"lang must be one of {', '.join(LANGS)}, not {value!r}")
    return value


def _as_of(as_of: str | None) -> str | None:
    if as_of:
        store.parse_as_of(as_of)  # InputError for a bad date
    return as_of or None


def _years(session: Session) -> list[int]:
    periods = session.scalars(select(ObservationRow.period).distinct()).all()
    years = {int(p[:4]) for p in periods if p[:4].isdigit()}
    last = max(years) if years else date.today().year - 1
    return list(range(last, FIRST_YEAR - 1, -1))


def _disposition(kind: str, name: str) -> dict[str, str]:
    return {"Content-Disposition": f'{kind}; filename="{name}"'}


def _send(
    session: Session,
    request: Request,
    fmt: str,
    period: int | None,
    lang: str | None,
    as_of: str | None,
    download: bool,
) -> Response:
    lang = _lang(request, lang)
    as_of = _as_of(as_of)
    entry = CACHE.entry(session, period, lang, as_of)
    figure_url = None
    if fmt == "html":

        def figure_url(fig: str, ext: str) -> str:
            return figure_file(f"{fig}.{ext}", period, lang, as_of)

    data = CACHE.output(entry, fmt, figure_url)
    kind = "inline" if fmt == "html" and not download else "attachment"
    return Response(
        data, media_type=MEDIA_TYPES[fmt], headers=_disposition(kind, filename(entry.report, fmt))
    )


# ---------------------------------------------------------------------------------------------- routes


@router.get("/report", response_class=HTMLResponse)
def report_chooser(
    request: Request,
    session: SessionDep,
    period: PeriodQ = None,
    lang: LangQ = None,
    as_of: AsOfQ = None,
    format: Annotated[str | None, Query(description="html, pdf or docx: go straight to the file")] = None,
) -> Response:
    """Choose a report; with ``format`` the browser is sent to the file itself."""
    lang = _lang(request, lang)
    as_of = _as_of(as_of)
    if format:
        if format not in FORMATS:
            raise InputError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
        extra = {"download": "1"} if format == "html" else {}
        return RedirectResponse(report_file(format, period, lang, as_of, **extra), status_code=303)
    years = _years(session)
    shown = period if period is not None else None
    context = {
        "years": years,
        "period": shown,
        "lang": lang,
        "as_of": as_of or "",
        "langs": [{"code": code, "name": {"zh": "中文", "en": "English"}[code]} for code in LANGS],
        "view_href": report_file("html", period, lang, as_of),
        "downloads": [
            {
                "fmt": fmt,
                "label": fmt.upper() if fmt != "docx" else "Word",
                "href": report_file(fmt, period, lang, as_of, **({"download": "1"} if fmt == "html" else {})),
            }
            for fmt in FORMATS
        ],
    }
    return render_page(request, "report_page.html", context)


@router.get("/report.html")
def report_html(
    request: Request,
    session: SessionDep,
    period: PeriodQ = None,
    lang: LangQ = None,
    as_of: AsOfQ = None,
    download: bool = False,
) -> Response:
    return _send(session, request, "html", period, lang, as_of, download)


@router.get("/report.pdf")
def report_pdf(
    request: Request, session: SessionDep, period: PeriodQ = None, lang: LangQ = None, as_of: AsOfQ = None
) -> Response:
    return _send(session, request, "pdf", period, lang, as_of, True)


@router.get("/report.docx")
def report_docx(
    request: Request, session: SessionDep, period: PeriodQ = None, lang: LangQ = None, as_of: AsOfQ = None
) -> Response:
    return _send(session, request, "docx", period, lang, as_of, True)


@router.get("/report/figures/{name}")
def report_figure(
    request: Request,
    name: str,
    session: SessionDep,
    period: PeriodQ = None,
    lang: LangQ = None,
    as_of: AsOfQ = None,
) -> Response:
    """One figure of the report as SVG or PNG (``<figure-id>.svg|png``, as `figure_files` names it)."""
    lang = _lang(request, lang)
    entry = CACHE.entry(session, period, lang, _as_of(as_of))
    data, media = CACHE.figure(entry, name)
    return Response(data, media_type=media, headers=_disposition("attachment", name))
