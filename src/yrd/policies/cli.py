"""`yrd policy …` and `yrd coverage`: load follow-up documents, review their links, see what is covered.

Every command parses its options, calls one function of `yrd.policies.store` as the console operator
and prints the result; the rules live in the library.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from yrd.clikit import check_format, database, default_plan, emit, errors, out, report_load, to_csv
from yrd.documents import store as documents
from yrd.documents.load import DEFAULT_PLAN
from yrd.errors import InputError
from yrd.policies import store
from yrd.supervise.cli import _operator

policy_app = typer.Typer(
    help="Follow-up plans and policies (the N of 1+N): load them, link them to the Outline's measures.",
    no_args_is_help=True,
)
Format = Annotated[str, typer.Option("--format", "-f", help="table, json or csv")]
Outline = Annotated[str, typer.Option("--outline", help="the Outline's plan id")]
_VERBS = {"confirm": "confirmed", "reject": "rejected"}


def _reasons(reasons: list[dict[str, Any]]) -> str:
    return "; ".join(f"{r['kind']}: {'、'.join(r['items'])}" for r in reasons)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@policy_app.command("load")
def load(
    files: Annotated[list[Path], typer.Argument(help="the document (copies of one document, if several)")],
    relation: Annotated[str, typer.Option(help=", ".join(store.RELATIONS))],
    issuer: Annotated[str, typer.Option(help="issuing body (default: the signature block)")] = "",
    number: Annotated[str, typer.Option(help="document number, e.g. 发改地区〔2020〕123号")] = "",
    date: Annotated[
        str | None, typer.Option(help="date issued, YYYY-MM-DD (default: the document's)")
    ] = None,
    status: Annotated[str, typer.Option(help=", ".join(store.STATUSES))] = "in_force",
    encoding: Annotated[str | None, typer.Option(help="force an encoding (utf-8, gb18030, …)")] = None,
) -> None:
    """Load a follow-up document (all or nothing) and extract it; loading it again changes nothing."""
    with errors():
        data = []
        for path in files:
            if not path.is_file():
                raise InputError(f"{path}: no such file")
            data.append((str(path), path.read_bytes()))
        with database() as db:
            result = store.load_policy(db, _operator(), data, relation=relation, issuer=issuer, number=number,
                                       date=date, status=status, encoding=encoding)  # fmt: skip
        report_load(result, "policy", f" (next: `yrd policy link {result.plan_id}`)")


@policy_app.command("list")
def list_(fmt: Format = "table") -> None:
    """List the loaded follow-up documents with their links in each state."""
    with errors():
        check_format(fmt)
        with database() as db, db.read() as session:
            docs = store.list_policies(session)
        rows = [asdict(d) for d in docs]
        table = Table(
            "id", "title", "relation", "number", "date", "status", "suggested", "confirmed", "rejected"
        )
        for d in docs:
            table.add_row(d.plan_id, escape(d.title), d.relation, escape(d.number), d.date or "", d.status,
                          *(str(d.links[s]) for s in store.STATES))  # fmt: skip
        flat = [{**r, **{f"links_{s}": r["links"][s] for s in store.STATES}} for r in rows]
        columns = ("plan_id", "title", "relation", "issuer", "number", "date", "status", "paragraphs",
                   "links_suggested", "links_confirmed", "links_rejected")  # fmt: skip
        if not docs and fmt == "table":
            out.print("no policy documents loaded (run `yrd policy load FILE --relation …`)")
            return
        emit(rows, fmt, table, lambda: to_csv(flat, columns))


def _citations(session: Any, found: list[store.Link]) -> dict[str, str]:
    """The Chinese citation of each linked policy paragraph, in the document's own numbering."""
    if not found:
        return {}
    plan_id = found[0].policy_plan_id
    style = documents.citation_style(session, plan_id)
    return {
        x.policy_eid: documents.cite_stored(session, plan_id, x.policy_eid, "zh", style)
        for x in found
        if x.policy_plan_id == plan_id
    }


def _print_links(found: list[store.Link], citations: dict[str, str] | None = None) -> None:
    """Per policy paragraph: its citation and text, then its candidate measures best first."""
    current = None
    for link in found:
        if link.policy_eid != current:
            current = link.policy_eid
            name = (citations or {}).get(current)
            label = f"{escape(name)} [dim]{escape(current)}[/]" if name else escape(current)
            out.print(f"\n[bold]{label}[/] {escape(_short(link.policy_text))}")
        mark = {"confirmed": "[green]✓[/]", "rejected": "[red]✗[/]"}.get(link.state, " ")
        out.print(
            f" {mark} #{link.id} v{link.version} {link.score:7.2f}  {escape(link.outline_eid)} "
            f"{escape(link.outline_title)}"
        )
        if link.reasons:
            out.print(f"      [dim]{escape(_reasons(link.reasons))}[/]")


@policy_app.command("link")
def link(
    plan_id: Annotated[str, typer.Argument(help="the policy document's plan id (see `yrd policy list`)")],
    k: Annotated[int, typer.Option("--k", help="suggestions per paragraph")] = 5,
    outline: Outline = DEFAULT_PLAN,
    fmt: Format = "table",
) -> None:
    """Suggest the Outline measures each paragraph carries out, keep them for review, and show them."""
    with errors():
        check_format(fmt)
        with database() as db:
            result = store.suggest_links(db, _operator(), plan_id, outline, k=k)
            with db.read() as session:
                found = store.links(session, plan_id)
                citations = _citations(session, found)
        if fmt != "table":
            emit([asdict(x) for x in found], fmt, Table(), lambda: _links_csv(found))
            return
        _print_links(found, citations)
        c = result.counts
        out.print(
            f"\n[green]linked[/] {result.paragraphs} paragraphs of [bold]{plan_id}[/] to "
            f"{result.outline_plan_id}: {c['added']} new, {c['updated']} updated, {c['removed']} dropped, "
            f"{c['kept_decided']} decisions kept (decide with `yrd policy decide ID confirm --version N`)"
        )


def _links_csv(found: list[store.Link]) -> str:
    rows = [{**asdict(x), "reasons": _reasons(x.reasons)} for x in found]
    columns = ("id", "policy_plan_id", "policy_eid", "outline_plan_id", "outline_eid", "outline_title",
               "rank", "score", "reasons", "state", "decided_by", "decided_at", "version")  # fmt: skip
    return to_csv(rows, columns)


@policy_app.command("links")
def links(
    plan_id: Annotated[str, typer.Argument(help="the policy document's plan id")],
    state: Annotated[str | None, typer.Option(help=", ".join(store.STATES))] = None,
    fmt: Format = "table",
) -> None:
    """Show the stored links of a policy document, without suggesting again."""
    with errors():
        check_format(fmt)
        with database() as db, db.read() as session:
            found = store.links(session, plan_id, state)
            citations = _citations(session, found)
        if fmt != "table":
            emit([asdict(x) for x in found], fmt, Table(), lambda: _links_csv(found))
        elif found:
            _print_links(found, citations)
        else:
            out.print("no links (run `yrd policy link PLAN_ID`)")


@policy_app.command("decide")
def decide(
    link_id: Annotated[int, typer.Argument(help="the link's id (#N in `yrd policy link`)")],
    decision: Annotated[str, typer.Argument(help="confirm or reject")],
    version: Annotated[int, typer.Option("--version", help="the version you read (vN)")],
) -> None:
    """Confirm or reject a suggested link; refused if someone changed it since you read it."""
    with errors():
        if decision not in _VERBS:
            raise InputError(f"decision must be confirm or reject, not {decision!r}")
        with database() as db:
            found = store.decide(db, _operator(), link_id, state=_VERBS[decision], version=version)
        out.print(
            f"[green]{found.state}[/] link #{found.id}: {escape(found.policy_plan_id)} "
            f"{escape(found.policy_eid)} → {escape(found.outline_eid)} (now version {found.version})"
        )


def coverage(
    plan: Annotated[str | None, typer.Option("--plan", "-p", help="the Outline's plan id")] = None,
    fmt: Format = "table",
    missing: Annotated[bool, typer.Option("--missing", help="only measures no document carries out")] = False,
) -> None:
    """The Outline's measures and the follow-up documents confirmed to carry them out."""
    with errors():
        check_format(fmt)
        with database() as db, db.read() as session:
            result = store.coverage(session, default_plan(session, plan))
        measures = [m for m in result.measures if m.none] if missing else result.measures
        rows = [{"eid": m.eid, "title": m.title, "none": m.none, "links": m.links} for m in measures]
        if fmt == "json":
            body = {"data": rows, "count": len(rows), "covered": result.covered, "total": result.total}
            sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=1) + "\n")
            return
        flat = [
            {**r, "links": [f"{x['policy_plan_id']}:{x['policy_eid']}" for x in r["links"]],
             "policies": sorted({x["title"] for x in r["links"]})}
            for r in rows
        ]  # fmt: skip
        table = Table("measure", "title", "confirmed in")
        for r in flat:
            table.add_row(escape(r["eid"]), escape(_short(r["title"], 30)),
                          escape("\n".join(r["links"])) or "[red]none[/]")  # fmt: skip
        emit(rows, fmt, table, lambda: to_csv(flat, ("eid", "title", "none", "links", "policies")))
        if fmt == "table":
            out.print(f"{result.covered} of {result.total} measures have a confirmed follow-up document")


def register(app: typer.Typer) -> None:
    """Add `yrd policy …` (with `provinces` and `targets`) and `yrd coverage` to the main CLI."""
    from yrd.policies.cli_compare import provinces_command, targets_command

    policy_app.command("provinces")(provinces_command)
    policy_app.command("targets")(targets_command)
    app.add_typer(policy_app, name="policy")
    app.command("coverage")(coverage)
