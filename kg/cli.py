"""The ``kg`` command line: parse arguments, make one library call, print or write.

Errors from the kg.errors family become ``Error: ...`` on stderr and exit status 1.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

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
    paths: List[Path] = typer.Argument(..., help="Article files or folders (.txt .md .html .jsonl), read recursively."),
    output: Path = typer.Option(Path("output/graph.ttl"), "-o", "--output", help="Graph file; the format follows the suffix (.ttl .nt .jsonld .trig .nq)."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Extract articles in N processes; output is identical for any N."),
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Force an input encoding instead of detecting it (e.g. gbk)."),
    strict: bool = typer.Option(False, "--strict", help="Any unreadable input is fatal, before anything is written."),
) -> None:
    """Extract a knowledge graph from articles and write it to FILE."""
    from kg.build import build_files

    try:
        report = build_files(paths, output, jobs=jobs, encoding=encoding, strict=strict)
    except KGError as e:
        fail(str(e))
    for problem in report.problems:
        typer.echo(f"Error: {problem}", err=True)
    typer.echo(report.summary(), err=True)
    if report.problems:
        raise typer.Exit(1)


@app.command("eval")
def eval_(
    gold: List[Path] = typer.Argument(..., help="Gold files (*.gold.json) or folders of them."),
    graph: List[Path] = typer.Option(..., "--graph", help="Graph file written by kg build (repeat for several)."),
    show_errors: bool = typer.Option(False, "--show-errors", help="List missed and spurious facts."),
) -> None:
    """Score a built graph against gold annotations: precision, recall and F1 per fact kind."""
    from kg.evaluate import evaluate, format_report

    try:
        report = evaluate(gold, graph)
    except KGError as e:
        fail(str(e))
    typer.echo(format_report(report, show_errors=show_errors))


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
