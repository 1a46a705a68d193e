"""The ``kg`` command line: parse arguments, make one library call, print or write.

Errors from the kg.errors family become ``Error: ...`` on stderr and exit status 1.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import typer

from kg.errors import KGError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Build, query and look at knowledge graphs of Chinese news articles.",
)


def fail(message: str, code: int = 1) -> None:
    """Print ``Error: message`` to stderr and exit with ``code``."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code)


@app.command()
def build(
    paths: list[Path] = typer.Argument(..., help="Article files or folders (.txt .md .html .jsonl), read recursively."),
    output: Path = typer.Option(Path("output/graph.ttl"), "-o", "--output", help="Graph file; the format follows the suffix (.ttl .nt .jsonld .trig .nq)."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Extract articles in N processes; output is identical for any N."),
    engine: str = typer.Option("local", "--engine", help="local (a process pool) or dask (a Dask cluster; the 'dask' extra)."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="With --engine dask: the scheduler's address (default: a local cluster of --jobs workers)."),
    encoding: str | None = typer.Option(None, "--encoding", help="Force an input encoding instead of detecting it (e.g. gbk)."),
    strict: bool = typer.Option(False, "--strict", help="Any unreadable input is fatal, before anything is written."),
    store: Path = typer.Option(Path("output/store"), "--store", help="SPARQL store directory updated in the same run (one named graph per article)."),
    no_store: bool = typer.Option(False, "--no-store", help="Only write FILE; leave the store alone."),
    aliases: Path | None = typer.Option(None, "--aliases", help="Alias table (TSV: surface, canonical or !, type, optional region), applied after the built-in rules."),
    parts: Path | None = typer.Option(None, "--parts", help="Write one sorted N-Quads file per partition into DIR (by the workers); FILE is their merge."),
) -> None:
    """Extract a knowledge graph from articles and write it to FILE (and the store)."""
    from kg.build import build_files

    try:
        report = build_files(paths, output, jobs=jobs, encoding=encoding, strict=strict, engine=engine, scheduler=scheduler,
                             store=None if no_store else store, aliases=aliases, parts=parts)
    except KGError as e:
        fail(str(e))
    for problem in report.problems:
        typer.echo(f"Error: {problem}", err=True)
    typer.echo(report.summary(), err=True)
    if report.store is not None:
        typer.echo(f"{report.store.summary()} -> {store}", err=True)
    if report.problems:
        raise typer.Exit(1)


@app.command("eval")
def eval_(
    gold: list[Path] = typer.Argument(..., help="Gold files (*.gold.json) or folders of them."),
    graph: list[Path] = typer.Option(..., "--graph", help="Graph file written by kg build (repeat for several)."),
    show_errors: bool = typer.Option(False, "--show-errors", help="List missed and spurious facts."),
) -> None:
    """Score a built graph against gold annotations: precision, recall and F1 per fact kind."""
    from kg.evaluate import evaluate, format_report

    try:
        report = evaluate(gold, graph)
    except KGError as e:
        fail(str(e))
    typer.echo(format_report(report, show_errors=show_errors))


@app.command()
def validate(
    graph: list[Path] = typer.Argument(..., help="Graph files written by kg build."),
) -> None:
    """Check graph files against the ontology's SHACL shapes (ontology/shapes.ttl)."""
    from kg.graphio import read_graph, to_rdflib
    from kg.validate import validate as shacl_validate

    bad = 0
    for path in graph:
        try:
            conforms, text = shacl_validate(to_rdflib(read_graph(path)))
        except KGError as e:
            typer.echo(f"Error: {e}", err=True)
            bad += 1
            continue
        if conforms:
            typer.echo(f"{path}: conforms to the ontology's shapes")
        else:
            bad += 1
            typer.echo(text)
            typer.echo(f"Error: {path}: does not conform to the ontology's shapes", err=True)
    if bad:
        raise typer.Exit(1)


@app.command()
def query(
    query_spec: str | None = typer.Argument(None, metavar="[NAME|FILE.rq|SPARQL]", help="A named query (see --list), a .rq file, or SPARQL text."),
    param: list[str] = typer.Option([], "--param", "-p", help="Bind a query parameter: name=value (repeatable); never spliced into the text."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv, tsv or json (SPARQL 1.1 results JSON)."),
    graph: Path | None = typer.Option(None, "--graph", help="Query this graph file instead of the store."),
    store: Path = typer.Option(Path("output/store"), "--store", help="The store directory."),
    list_: bool = typer.Option(False, "--list", help="List the named queries with their questions."),
    allow_update: bool = typer.Option(False, "--allow-update", help="Allow SPARQL Update against the store."),
    allow_service: bool = typer.Option(False, "--allow-service", help="Allow SERVICE (federated queries send HTTP requests to other servers)."),
    endpoint: str | None = typer.Option(None, "--endpoint", help="Ask a SPARQL server instead (SPARQL 1.1 Protocol), e.g. http://127.0.0.1:7878 (kg load)."),
) -> None:
    """Ask the graph a question: a named query, a .rq file or inline SPARQL."""
    from kg.query import format_listing, format_result, list_queries, parse_param_args, run_query

    try:
        if list_:
            queries = list_queries()
            if not queries:
                fail("no named queries found (the package's queries folder is missing or empty)")
            typer.echo(format_listing(queries))
            return
        if not query_spec:
            fail("give a query name, a .rq file or SPARQL text (kg query --list shows the named queries)")
        remote = _endpoint(endpoint, graph=graph)
        result = run_query(query_spec, parse_param_args(param), store=remote, graph_file=graph, store_dir=store,
                           allow_update=allow_update, allow_service=allow_service)
        typer.echo(format_result(result, fmt, width=shutil.get_terminal_size((200, 24)).columns), nl=fmt in ("table", "json"))
    except KGError as e:
        fail(str(e))


def _endpoint(url: str | None, **exclusive):
    """The ``kg.endpoint.Endpoint`` for ``--endpoint URL`` (None without it); refuse it beside a local source."""
    if url is None:
        return None
    given = [f"--{name}" if name != "source" else "GRAPH" for name, value in exclusive.items() if value is not None]
    if given:
        fail(f"--endpoint reads the graph on a SPARQL server; it cannot be combined with {' or '.join(given)}")
    from kg.endpoint import Endpoint

    try:
        return Endpoint(url)
    except KGError as e:
        fail(str(e))


@app.command()
def load(
    files: list[Path] = typer.Argument(..., help="Graph files with one named graph per article (.trig .nq), as kg build or kg export write them."),
    endpoint: str = typer.Option(..., "--endpoint", help="The SPARQL server, e.g. http://127.0.0.1:7878 (oxigraph serve): /query, /update and /store under it."),
    graph_store: str | None = typer.Option(None, "--graph-store", help="Graph Store Protocol URL if not ENDPOINT/store."),
    update_url: str | None = typer.Option(None, "--update-url", help="SPARQL Update URL if not ENDPOINT/update."),
) -> None:
    """Load graph files into a SPARQL server: one named graph per article, their union as the default graph."""
    from kg.endpoint import Endpoint, load_files

    try:
        with Endpoint(endpoint, update_url=update_url, graph_store=graph_store) as remote:
            report = load_files(remote, files)
    except KGError as e:
        fail(str(e))
    for iri in report.dropped:
        typer.echo(f"dropped {iri} (an older version of a loaded article)", err=True)
    typer.echo(f"{report.summary()} -> {endpoint}", err=True)


@app.command()
def explain(
    name: str = typer.Argument(..., help="A name: an entity's label, an altLabel or a surface form as an article writes it."),
    graph: Path | None = typer.Option(None, "--graph", help="Read this graph file instead of the store."),
    store: Path = typer.Option(Path("output/store"), "--store", help="The store directory."),
    as_json: bool = typer.Option(False, "--json", help="Print the explanation as JSON."),
) -> None:
    """Explain a name: the entities it resolves to, every surface form and article, and the rules that joined them."""
    import json

    from kg.explain import explain as explain_name
    from kg.explain import format_explanation
    from kg.graphio import read_graph
    from kg.store import open_store

    try:
        opened = read_graph(graph) if graph is not None else open_store(store, read_only=True, create=False)
        found = explain_name(name, opened)
    except KGError as e:
        fail(str(e))
    if as_json:
        typer.echo(json.dumps([e.as_dict() for e in found], ensure_ascii=False, indent=2))
    else:
        typer.echo(format_explanation(name, found))


@app.command()
def remove(
    selectors: list[str] = typer.Argument(..., help="Articles to drop: source path, doc id (file stem or JSONL id) or article IRI."),
    store: Path = typer.Option(Path("output/store"), "--store", help="The store directory."),
) -> None:
    """Remove articles from the store, with every fact only they stated."""
    from kg.store import open_store, remove_articles

    try:
        removed = remove_articles(open_store(store, create=False), selectors)
    except KGError as e:
        fail(str(e))
    for article in removed:
        typer.echo(f"removed {', '.join(article.source_paths) or article.iri} ({article.iri})", err=True)


@app.command()
def export(
    output: Path = typer.Argument(..., help="File to write; the format follows the suffix (.ttl .nt .jsonld .trig .nq)."),
    store: Path = typer.Option(Path("output/store"), "--store", help="The store directory."),
) -> None:
    """Write the store to a graph file (TriG and N-Quads keep one graph per article)."""
    from kg.store import export_store, open_store

    try:
        count = export_store(open_store(store, read_only=True), output)
    except KGError as e:
        fail(str(e))
    typer.echo(f"wrote {count} statements to {output}", err=True)


@app.command()
def serve(
    store: Path | None = typer.Option(None, "--store", help="The store directory (default: output/store)."),
    graph: Path | None = typer.Option(None, "--graph", help="Serve this graph file (loaded into a scratch store) instead."),
    endpoint: str | None = typer.Option(None, "--endpoint", help="Serve the graph of a SPARQL server instead (SPARQL 1.1 Protocol, e.g. oxigraph serve after kg load)."),
    port: int = typer.Option(7878, "--port", min=1, max=65535, help="TCP port."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default: this machine only)."),
    allow_update: bool = typer.Option(False, "--allow-update", help="Also accept SPARQL Update at /update."),
    timeout: float = typer.Option(10.0, "--timeout", min=0.1, help="Seconds a /query may run before it is stopped."),
    max_rows: int = typer.Option(10_000, "--max-rows", min=1, help="Refuse /query results with more rows than this."),
    workers: int = typer.Option(2, "--workers", min=1, help="Query worker processes."),
) -> None:
    """Serve the graph in the browser (search, entity, article, SPARQL pages) and as a SPARQL 1.1 endpoint."""
    from kg.serve import serve as run_server

    if endpoint is not None:
        _endpoint(endpoint, store=store, graph=graph)  # refuses a local source beside it, and a bad URL
    elif store is not None and graph is not None:
        fail("--store and --graph name two graphs; serve one")
    try:
        run_server(store or Path("output/store"), port, host=host, graph_file=graph, endpoint=endpoint,
                   allow_update=allow_update, timeout=timeout, max_rows=max_rows, workers=workers, announce=lambda line: typer.echo(line, err=True))
    except KGError as e:
        fail(str(e))


@app.command()
def viz(
    graph: Path | None = typer.Argument(None, help="Graph file (.ttl .nt .jsonld .trig .nq) or store directory; default: the store output/store."),
    output: Path = typer.Option(..., "-o", "--output", help="HTML file to write (one self-contained page, works offline)."),
    view: str = typer.Option("events", "--view", help="events (events linked to their roles) or projected (official -> group, organization -> group/place)."),
    focus: str | None = typer.Option(None, "--focus", help="Draw only the neighbourhood of this entity (label, alias or part of one)."),
    depth: int = typer.Option(2, "--depth", min=0, help="With --focus: how many links away from the entity to go."),
    query: str | None = typer.Option(None, "--query", help="Draw a SPARQL result instead: CONSTRUCT, or SELECT of node pairs (text or .rq file)."),
    param: list[str] = typer.Option([], "--param", "-p", help="With --query: bind a query parameter, name=value (repeatable)."),
    types: str | None = typer.Option(None, "--type", help="Keep only these kinds, comma-separated: person,organization,place,group,event."),
    max_nodes: int = typer.Option(3000, "--max-nodes", min=1, help="Refuse views larger than this (the message says how to narrow them)."),
    endpoint: str | None = typer.Option(None, "--endpoint", help="Draw the graph on a SPARQL server instead (SPARQL 1.1 Protocol)."),
) -> None:
    """Draw the graph as an interactive HTML page: search, type filters, tooltips with evidence."""
    from kg.query import parse_param_args
    from kg.viz import viz_graph

    if param and not query:
        fail("--param needs --query")
    if output.suffix.lower() not in (".html", ".htm"):
        fail(f"{output}: the output must be an .html file")
    remote = _endpoint(endpoint, source=graph)
    try:
        net = viz_graph(graph, view=view, focus_name=focus, depth=depth, query=query, params=parse_param_args(param),
                        types=types.split(",") if types else None, max_nodes=max_nodes, endpoint=remote)
        net.write_html(output)
    except KGError as e:
        fail(str(e))
    typer.echo(f"wrote {output}: {len(net.nodes)} nodes, {len(net.edges)} edges", err=True)


@app.command()
def report(
    graph: Path | None = typer.Argument(None, help="Graph file (.ttl .nt .jsonld .trig .nq) or store directory; default: the store output/store."),
    output: Path = typer.Option(..., "-o", "--output", help="Report file; the format follows the suffix (.html .md .csv)."),
    threshold: str = typer.Option("0.7", "--threshold", help="List facts whose kgo:confidence is below this (0 to 1)."),
    check: list[str] = typer.Option([], "--check", help="Run only this check (repeatable): shacl, low_confidence, unexpanded_abbrev, event_without_actor, event_without_group, money_without_group, seen_once."),
) -> None:
    """Write a review report: per article, the facts that deserve a second look, each with its evidence."""
    from kg.report import report_graph

    try:
        result = report_graph(graph, output, threshold=threshold, checks=check or None)
    except KGError as e:
        fail(str(e))
    for note in result.notes:
        typer.echo(f"Note: {note}", err=True)
    counts = ", ".join(f"{name} {n}" for name, n in result.counts().items())
    typer.echo(f"wrote {output}: {len(result.items)} items in {len(result.articles)} articles ({counts})", err=True)


@app.command()
def stats(
    graph: Path | None = typer.Argument(None, help="Graph file or store directory; default: the store output/store."),
    top: int = typer.Option(10, "--top", min=1, help="How many officials, organizations and communities to list."),
    graphml: Path | None = typer.Option(None, "--graphml", help="Also write the event view as GraphML (Gephi, yEd)."),
    gexf: Path | None = typer.Option(None, "--gexf", help="Also write the event view as GEXF (Gephi)."),
    as_json: bool = typer.Option(False, "--json", help="Print the numbers as JSON."),
    endpoint: str | None = typer.Option(None, "--endpoint", help="Measure the graph on a SPARQL server instead (SPARQL 1.1 Protocol)."),
) -> None:
    """Network analysis: counts by type, most connected officials and organizations, communities, components."""
    import json

    from kg.analyze import graph_stats

    remote = _endpoint(endpoint, source=graph)
    try:
        result, text = graph_stats(graph, top=top, graphml=graphml, gexf=gexf, endpoint=remote)
    except KGError as e:
        fail(str(e))
    typer.echo(json.dumps(result, ensure_ascii=False, indent=2) if as_json else text)


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
