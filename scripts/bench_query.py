"""Time loading and every named query on the default store (on-disk Oxigraph) and on rdflib.

The graphs are the real extraction of examples/daxing_songwennuan.txt repeated under
fresh article IRIs (one named graph per copy, as kg build stores them, plus the union
graph queries read). Copies fall into regions: the people, places and bodies of copy i
live under region k = i % regions (IRIs under 大兴区k, labels ending in ·k; region 0 keeps
the text's names), so each entity is shared by the articles of its region as in a real
corpus, and a parameter such as person=郭金江 finds one official, named in
copies/regions articles. Beneficiary groups (老党员) are shared by all copies.
Parameters are those of the tests; low_confidence runs with its default threshold.

    .venv/bin/python scripts/bench_query.py                 # ~100k and ~1M triples
    .venv/bin/python scripts/bench_query.py --sizes 20000   # a quick run
    .venv/bin/python scripts/bench_query.py --sizes 1000000 --no-rdflib --baseline main

Each store query runs --repeat times (median shown); each rdflib query runs once in a
forked child, killed after --rdflib-timeout seconds (--no-rdflib skips rdflib). Row counts
of the two engines are compared; a mismatch is flagged. --baseline REF also times each
query's text at git revision REF (queries/NAME.rq there) on the same store, alternating
with the current text run by run, so a shared machine's load falls on both alike; the two
results must be the same rows in the same order, else the row is flagged.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import multiprocessing as mp
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402
import rdflib  # noqa: E402

from kg.query import NamedQuery, bind_params, list_queries, parse_header  # noqa: E402
from kg.store import open_store, triple_count  # noqa: E402

EXAMPLE = ROOT / "examples" / "daxing_songwennuan.txt"
PARAMS = {
    "official_activity": {"person": "郭金江"},
    "visitors_of_group": {"group": "老党员"},
    "events_in_place": {"place": "大兴区"},
    "entity_mentions": {"entity": "施剑"},
    "events_in_month": {"month": "2020-01"},
    "groups_in_category": {"category": "kgr:group/职工"},
    "name_resolutions": {"name": "区总工会"},
}
_KGR_IRI = re.compile(r"<https://w3id\.org/kg-news/id/[^>]*>")
_LABEL = re.compile(r"> <http://www\.w3\.org/(2000/01/rdf-schema#label|2004/02/skos/core#altLabel)> ")


def example_ntriples() -> tuple[str, list[str]]:
    """Extract the example with the pipeline; return its article IRI and N-Triples lines."""
    from kg.model import Document
    from kg.pipeline import process_document

    doc = Document("examples/daxing_songwennuan.txt", "daxing_songwennuan", EXAMPLE.read_text(encoding="utf-8"))
    result = process_document(doc)
    data = result.graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    return str(result.article_iri), sorted(line for line in data.splitlines() if line.strip())


def write_copies(article: str, lines: list[str], target: int, regions: int, path: Path) -> int:
    """Write N-Quads: copies until the union graph has ``target`` triples, then the union; return the copies."""
    old_hash = article.rsplit("/", 1)[1]
    union: set[str] = set()
    copies = 0
    with path.open("w", encoding="utf-8") as out:
        while len(union) < target:
            i = copies
            copies += 1
            new_hash = hashlib.sha256(f"bench-{i}".encode()).hexdigest()
            k = i % regions
            region = f"大兴区{k}" if k else "大兴区"

            def fix(m: re.Match, new_hash=new_hash, region=region) -> str:
                iri = m.group(0).replace(f"article/{old_hash}", f"article/{new_hash[:16]}")
                return iri.replace("/大兴区", "/" + region) if "/article/" not in iri else iri

            graph = f"<{article.rsplit('/', 1)[0]}/{new_hash[:16]}>"
            for line in lines:
                regional = k and "/大兴区" in line.split(" ", 1)[0] and "/article/" not in line.split(" ", 1)[0]
                line = _KGR_IRI.sub(fix, line)
                if regional and _LABEL.search(line):
                    line = re.sub(r'"@zh \.$', f'·{k}"@zh .', line)
                if "ontology#contentHash>" in line:
                    line = re.sub(r'"[0-9a-f]{64}"', f'"{new_hash}"', line)
                elif "ontology#sourcePath>" in line:
                    line = re.sub(r'"[^"]*"', f'"bench/{i}.txt"', line)
                triple = line[:-1].rstrip()
                union.add(triple)
                out.write(f"{triple} {graph} .\n")
        # the default graph: the union of the article graphs, each triple once (as kg.store keeps it)
        out.writelines(f"{t} .\n" for t in sorted(union))
    return copies


def time_it(fn, repeat: int = 1) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


_RDFLIB_GRAPH: rdflib.Graph | None = None


def _rdflib_child(text: str, conn) -> None:
    start = time.perf_counter()
    rows = len(list(_RDFLIB_GRAPH.query(text)))
    conn.send((time.perf_counter() - start, rows))
    conn.close()


def rdflib_query(text: str, timeout: float) -> tuple[float | None, int | None]:
    """Run one query on the global rdflib graph in a forked child; None on timeout."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_rdflib_child, args=(text, child))
    proc.start()
    child.close()
    if parent.poll(timeout):
        seconds, rows = parent.recv()
        proc.join()
        return seconds, rows
    proc.kill()
    proc.join()
    return None, None


def baseline_query(ref: str, query: NamedQuery) -> NamedQuery | None:
    """The named query's text at git revision ``ref``; None when it did not exist there."""
    path = f"queries/{query.name}.rq"
    done = subprocess.run(["git", "show", f"{ref}:{path}"], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        return None
    question, params, columns, notes = parse_header(done.stdout, f"{ref}:{path}")
    return NamedQuery(query.name, done.stdout, f"{ref}:{path}", question, params, columns, notes)


def solutions(store, text: str) -> list[tuple]:
    """Every row of a SELECT, in order, as N-Triples terms (None for unbound)."""
    answer = store.query(text)
    names = [v.value for v in answer.variables]
    return [tuple(None if s[n] is None else str(s[n]) for n in names) for s in answer]


def time_pair(store, text: str, old_text: str | None, repeat: int):
    """Median seconds of ``text`` (and of ``old_text``, run alternately); the rows of each."""
    times, old_times, rows, old_rows = [], [], None, None
    for _ in range(repeat):
        if old_text is not None:
            start = time.perf_counter()
            old_rows = solutions(store, old_text)
            old_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        rows = solutions(store, text)
        times.append(time.perf_counter() - start)
    old = statistics.median(old_times) if old_times else None
    return statistics.median(times), rows, old, old_rows


def fmt_ms(seconds: float | None, timeout: float) -> str:
    return f">{timeout * 1000:,.0f}" if seconds is None else f"{seconds * 1000:,.1f}"


def bench(size: int, lines, article, args, workdir: Path) -> list[str]:
    global _RDFLIB_GRAPH
    nq = workdir / f"bench-{size}.nq"
    copies = write_copies(article, lines, size, args.regions, nq)
    store_dir = workdir / f"store-{size}"
    shutil.rmtree(store_dir, ignore_errors=True)

    store = open_store(store_dir)
    load_store, _ = time_it(lambda store=store: store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS))
    store.flush()
    triples = triple_count(store)

    if args.no_rdflib:
        load_rdflib = None
    else:
        nt = workdir / f"bench-{size}.nt"
        with nt.open("wb") as out:  # the same union graph, as a file rdflib reads fastest
            ox.serialize(
                (ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())),
                out, ox.RdfFormat.N_TRIPLES,
            )
        _RDFLIB_GRAPH = rdflib.Graph()
        load_rdflib, _ = time_it(lambda: _RDFLIB_GRAPH.parse(nt, format="nt"))

    ref = args.baseline
    head = "| step | default store (Oxigraph on disk) ms |"
    rule = "|---|---:|"
    if ref:
        head += f" same store, query text at {ref} ms | {ref} / now |"
        rule += "---:|---:|"
    if not args.no_rdflib:
        head += " rdflib Graph ms | rdflib / store |"
        rule += "---:|---:|"
    load_row = f"| load (bulk_load N-Quads / parse N-Triples) | {load_store * 1000:,.0f} |" + (" | |" if ref else "")
    if not args.no_rdflib:
        load_row += f" {load_rdflib * 1000:,.0f} | {load_rdflib / load_store:.1f}x |"
    out = [f"\n### {triples:,} triples ({copies:,} article graphs, {args.regions} regions)\n", head, rule, load_row]
    ratios, gains = [], []
    slowest = old_slowest = 0.0
    timed_out = False
    for query in list_queries():
        if args.queries and query.name not in args.queries:
            continue
        text = bind_params(query, PARAMS.get(query.name))
        old = baseline_query(ref, query) if ref else None
        old_text = bind_params(old, PARAMS.get(query.name)) if old is not None else None
        store_s, rows, old_s, old_rows = time_pair(store, text, old_text, args.repeat)
        slowest = max(slowest, store_s)
        check = ""
        row = f" | {store_s * 1000:,.1f} |"
        if ref:
            if old_s is None:
                row += f" (not at {ref}) | |"
            else:
                old_slowest = max(old_slowest, old_s)
                gains.append(old_s / store_s)
                row += f" {old_s * 1000:,.1f} | {old_s / store_s:,.1f}x |"
                if old_rows != rows:
                    check += f" (rows differ from {ref}: {len(rows)} vs {len(old_rows)} or their order)"
        if not args.no_rdflib:
            rd_s, rd_rows = rdflib_query(text, args.rdflib_timeout)
            if rd_s is None:
                timed_out = True
                ratio = f">{args.rdflib_timeout / store_s:,.0f}x"
                ratios.append(args.rdflib_timeout / store_s)
            else:
                ratios.append(rd_s / store_s)
                ratio = f"{rd_s / store_s:,.1f}x"
            if rd_rows is not None and rd_rows != len(rows):
                check += f" (rows differ: {len(rows)} vs {rd_rows})"
            row += f" {fmt_ms(rd_s, args.rdflib_timeout)} | {ratio} |"
        out.append(f"| {query.name} ({len(rows):,} rows){check}" + row)
        print(out[-1], file=sys.stderr, flush=True)
    summary = f"\nslowest store query {slowest * 1000:,.0f} ms"
    if gains:
        summary += f"; with the query text at {ref}: slowest {old_slowest * 1000:,.0f} ms, median gain {statistics.median(gains):,.2f}x"
    if ratios:
        summary += f"; median query speed-up over rdflib {statistics.median(ratios):,.1f}x" + (
            " (rdflib timeouts counted at the timeout)" if timed_out else "")
    out.append(summary)
    del store
    _RDFLIB_GRAPH = None
    return out


@contextlib.contextmanager
def work_folder(path: Path | None, prefix: str):
    """``path`` (created; kept afterwards), or a temporary folder removed on exit."""
    if path is not None:
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        yield Path(tmp)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000], help="target triple counts")
    parser.add_argument("--regions", type=int, default=50, help="distinct regions the copies are spread over")
    parser.add_argument("--repeat", type=int, default=3, help="runs per store query (median)")
    parser.add_argument("--rdflib-timeout", type=float, default=300.0, help="seconds before an rdflib query is stopped")
    parser.add_argument("--no-rdflib", action="store_true", help="time the store only (no rdflib load or queries)")
    parser.add_argument("--baseline", metavar="REF", default=None,
                        help="also time the named queries' text at this git revision, alternating, and compare the rows")
    parser.add_argument("--queries", nargs="+", metavar="NAME", default=None, help="only these named queries")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the generated files here")
    args = parser.parse_args()

    article, lines = example_ntriples()
    print(f"example: {len(lines)} triples per article graph", file=sys.stderr)
    report = [f"pyoxigraph {ox.__version__}, rdflib {rdflib.__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs"]
    with work_folder(args.workdir, "kg-bench-") as workdir:
        for size in args.sizes:
            report.extend(bench(size, lines, article, args, workdir))
    print("\n".join(report))


if __name__ == "__main__":
    main()
