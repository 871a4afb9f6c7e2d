"""The `yrd` command: parses arguments, calls one library function, prints the result."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from yrd.bootstrap import load_and_extract, prepare_default
from yrd.clikit import database, default_plan, err, errors, out, report_load
from yrd.documents import store
from yrd.documents.citation import cite, parse_citation, plan_style, short_title
from yrd.documents.load import LoadResult
from yrd.documents.model import Unit
from yrd.documents.search import search as run_search
from yrd.errors import ConfigError, NotFoundError, YrdError
from yrd.evaluate import cli as evaluate_cli
from yrd.extract import cli as extract_cli
from yrd.policies import cli as policies_cli
from yrd.policies.store import list_policies
from yrd.regions import cli as regions_cli
from yrd.reports import cli as reports_cli
from yrd.settings import Settings
from yrd.stats import cli as stats_cli
from yrd.supervise import cli as supervise_cli
from yrd.supervise.accounts import ensure_admin

app = typer.Typer(
    help="YRD Integration Monitor: the Yangtze River Delta integration plan, structured and searchable.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
Lang = Annotated[str, typer.Option("--lang", "-l", help="zh, en or both")]
PlanOpt = Annotated[str | None, typer.Option("--plan", "-p", help="plan id (see `yrd plans`)")]


def _report(result: LoadResult) -> None:
    english = result.counts.get("english", 0)
    report_load(result, extra=f", {english} units with English")


@app.command()
def load(
    files: Annotated[
        list[Path] | None, typer.Argument(help="plan files (none: the embedded Outline)")
    ] = None,
    plan: PlanOpt = None,
    encoding: Annotated[str | None, typer.Option(help="force an encoding (utf-8, gb18030, …)")] = None,
    form: Annotated[str | None, typer.Option(help="force the form: plain or bilingual")] = None,
) -> None:
    """Load plan files into the database (all or nothing; loading the same file twice changes nothing)."""
    with errors():
        data = []
        for path in files or []:
            if not path.is_file():
                raise YrdError(f"{path}: no such file")
            data.append((str(path), path.read_bytes()))
        with (
            database() as db,
            Progress(
                SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), console=err, transient=True
            ) as progress,
        ):
            task = progress.add_task("loading", total=len(data) + 3 if data else 8)

            def step(msg: str) -> None:
                progress.update(task, description=msg, advance=1)

            if data:
                result = load_and_extract(db, data, plan_id=plan, encoding=encoding, form=form, progress=step)
            else:
                result = prepare_default(db, progress=step)
        _report(result)


@app.command()
def plans() -> None:
    """List the loaded plans."""
    with errors():
        with database() as db, db.read() as session:
            rows = store.list_plans(session)
        table = Table("id", "title", "date", "languages")
        for row in rows:
            table.add_row(row.id, row.title_zh or row.title_en, row.date or "", row.langs)
        out.print(table if rows else "no plans loaded (run `yrd load`)")


def _resolve(session, ref: str, plan_id: str | None) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """(plan id, eId) of a citation or id, with an optional plan prefix: `plan-id:chp_5`."""
    if ":" in ref and not ref.startswith("《"):
        plan_id, ref = ref.split(":", 1)
    return default_plan(session, plan_id), parse_citation(ref)


def _langs(lang: str) -> list[str]:
    if lang not in ("zh", "en", "both"):
        raise YrdError(f"--lang must be zh, en or both, not {lang!r}")
    return ["zh", "en"] if lang == "both" else [lang]


@app.command()
def show(
    ref: Annotated[
        str, typer.Argument(help="a citation (第五章第一节第3段, 'Ch. V, Sec. 1, para. 3') or an id")
    ],
    plan: PlanOpt = None,
    lang: Lang = "zh",
) -> None:
    """Show one unit of a plan with its citation."""
    with errors():
        langs = _langs(lang)
        with database() as db, db.read() as session:
            plan_id, eid = _resolve(session, ref, plan)
            tree = store.load_plan(session, plan_id)
        if tree.find(eid) is None:  # an article cited alone (第四条) names its full eId in the plan
            eid = parse_citation(
                ref.split(":", 1)[1] if ":" in ref and not ref.startswith("《") else ref, tree
            )
        unit = tree.find(eid)
        if unit is None:
            raise NotFoundError(f"plan {plan_id} has no unit {eid}")
        for code in langs:
            style = plan_style(tree)
            short = short_title(tree.title.get(code, tree.title.get("zh", "")), code, style)
            out.rule(f"[bold]{escape(cite(eid, code, short, style))}[/]  [dim]{plan_id}:{eid}[/]")
            _print_unit(unit, code)


def _print_unit(unit: Unit, lang: str) -> None:
    if unit.heading.get(lang):
        out.print(f"[bold]{escape(unit.heading[lang])}[/]")
    if unit.kind == "paragraph":
        text = unit.text.get(lang)
        if not text:
            out.print(f"[dim](no {lang} text)[/]")
            return
        lead = unit.lead.get(lang, "")
        body = unit.body(lang) if lead else text
        out.print((f"[bold]{escape(lead)}[/]" if lead else "") + escape(body))
        return
    for child in unit.children:
        label = child.heading.get(lang) or child.text.get(lang, "")[:60]
        out.print(f"  [cyan]{child.eid}[/]  {escape(label)}")


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="words or characters; all must occur")],
    plan: PlanOpt = None,
    lang: Annotated[str | None, typer.Option("--lang", "-l", help="only zh or en")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 20,
) -> None:
    """Search every loaded plan in Chinese and English."""
    with errors():
        with database() as db, db.read() as session:
            results = run_search(session, query, plan_id=plan, lang=lang, limit=limit)
        out.print(f"{results.total} hits for [bold]{escape(query)}[/]")
        for hit in results.hits:
            snippet = escape(hit.snippet)
            for term in sorted(set(query.split()), key=len, reverse=True):
                snippet = snippet.replace(escape(term), f"[reverse]{escape(term)}[/reverse]")
            out.print(f"[bold cyan]{escape(hit.citation)}[/] [dim]{hit.plan_id}:{hit.eid}[/]\n  {snippet}")


@app.command()
def export(
    plan: Annotated[str, typer.Argument(help="plan id")],
    format: Annotated[str, typer.Option("--format", "-f", help="json or akn")] = "json",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="file (json) or .zip/folder (akn)")
    ] = None,
) -> None:
    """Export a plan as JSON or as Akoma Ntoso 3.0 XML (one expression per language)."""
    with errors():
        if format not in ("json", "akn"):
            raise YrdError(f"--format must be json or akn, not {format!r}")
        with database() as db, db.read() as session:
            tree = store.load_plan(session, plan)
        if format == "json":
            from yrd.documents.export_json import plan_to_json

            text = plan_to_json(tree)
            if output:
                output.write_text(text, "utf-8")
                err.print(f"wrote {output}")
            else:
                sys.stdout.write(text + "\n")
            return
        from yrd.documents.akn import plan_to_akn_package, write_akn_zip

        package = plan_to_akn_package(tree)
        if output is None:
            if len(package) == 1:
                sys.stdout.buffer.write(next(iter(package.values())))
                return
            raise YrdError(
                "a plan with two languages exports two XML files: give --output FILE.zip or a folder"
            )
        if output.suffix == ".zip":
            write_akn_zip(tree, output)
            err.print(f"wrote {output} ({', '.join(package)})")
            return
        output.mkdir(parents=True, exist_ok=True)
        for name, xml in package.items():
            (output / name).write_bytes(xml)
        err.print(f"wrote {len(package)} files to {output}")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="port")] = None,
    load_default_plan: Annotated[bool, typer.Option("--load-default/--no-load-default")] = True,
) -> None:
    """Serve the web app and JSON API (loads the embedded Outline first unless told not to)."""
    import uvicorn

    from yrd.web.app import create_app

    with errors(), database() as db:
        settings = Settings()
        if load_default_plan:
            _report(prepare_default(db))
        host = host or settings.host
        port = port or settings.port
        password = ensure_admin(db, settings.admin_password)
        out.print(
            f"[bold green]YRD Integration Monitor[/] on [link]http://{host}:{port}[/link]  (Ctrl+C stops)"
        )
        if password is not None:
            shown = "(the one in YRD_ADMIN_PASSWORD)" if settings.admin_password else escape(password)
            out.print(f"first run: an administrator account was made; log in at http://{host}:{port}/login")
            out.print(f"  user:     admin\n  password: {shown}")
            out.print("  (change it on /account; `yrd user add` makes more accounts)")
        with db.read() as session:
            docs = list_policies(session)
        if docs:
            waiting = sum(d.links["suggested"] for d in docs)
            out.print(
                f"1+N: {len(docs)} follow-up document(s), {waiting} suggested link(s) to review at "
                f"http://{host}:{port}/policies/review"
            )
        out.print(f"database: {db.safe_url}")
        config = uvicorn.Config(create_app(settings, db), host=host, port=port, log_level="warning")
        server = uvicorn.Server(config)
        try:
            server.run()
        except OSError as exc:
            raise ConfigError(f"cannot listen on {host}:{port}: {exc}") from None
        if not server.started:
            raise ConfigError(f"cannot listen on {host}:{port} (is another server using it?)")


extract_cli.register(app)
regions_cli.register(app)
stats_cli.register(app)
evaluate_cli.register(app)
reports_cli.register(app)
supervise_cli.register(app)
policies_cli.register(app)


def main() -> None:
    app()
