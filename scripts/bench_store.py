"""Time loading ~1M quads into the on-disk store the way ``kg build`` does, against Oxigraph's own bulk_load.

The quads are the example's extraction copied under fresh article IRIs, made exactly as
scripts/bench_query.py makes its store (``write_copies``: one named graph per copy, over
50 regions, then the union as the default graph). Two timings over the same N-Quads file:

- ``kg.store.update_articles``: the article graphs (the named-graph quads of the file,
  grouped by graph, as ``kg build`` hands them over: ``kg.store.ArticleQuads``) written
  into a new store, with the union default graph and the corpus links, as ``kg build``
  writes them; the time of the links (kg.link over the whole store) is shown apart;
- ``pyoxigraph.Store.bulk_load`` of the whole file (article graphs and the union) into
  another new store.

Both stores are then compared: the same quads, or the script says what differs.

    .venv/bin/python scripts/bench_store.py                   # ~1M triples in the union
    .venv/bin/python scripts/bench_store.py --size 100000     # a quick run
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import pyoxigraph as ox  # noqa: E402
from bench_query import example_ntriples, work_folder, write_copies  # noqa: E402

from kg.store import open_store, update_articles  # noqa: E402


def article_inputs(nq: Path) -> list:
    """The named graphs of ``nq`` as ``update_articles`` inputs (kg.store.ArticleQuads), in file order."""
    from kg.ontology import KGO
    from kg.store import ArticleQuads

    by_graph: dict[str, list[ox.Triple]] = {}
    with nq.open("rb") as f:
        for q in ox.parse(f, format=ox.RdfFormat.N_QUADS):
            if isinstance(q.graph_name, ox.NamedNode):
                by_graph.setdefault(q.graph_name.value, []).append(q.triple)
    out = []
    for iri, triples in by_graph.items():
        h = next(t.object.value for t in triples if t.predicate.value == str(KGO.contentHash))
        src = next(t.object.value for t in triples if t.predicate.value == str(KGO.sourcePath))
        out.append(ArticleQuads(iri, h, src, triples))
    return out


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1_000_000, help="target triples in the union graph")
    parser.add_argument("--regions", type=int, default=50)
    parser.add_argument("--workdir", type=Path, default=None, help="keep the generated files here")
    args = parser.parse_args()

    with work_folder(args.workdir, "kg-bench-store-") as workdir:
        article, lines = example_ntriples()
        nq = workdir / "bench.nq"
        copies = write_copies(article, lines, args.size, args.regions, nq)
        with nq.open("rb") as f:
            quads = sum(1 for _ in f)
        inputs = article_inputs(nq)
        print(f"pyoxigraph {ox.__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
              f"load {os.getloadavg()[0]:.2f}")
        print(f"{nq.name}: {quads:,} quads ({copies:,} article graphs + their union)")

        bulk_dir = workdir / "bulk"
        shutil.rmtree(bulk_dir, ignore_errors=True)
        bulk = ox.Store(str(bulk_dir))
        start = time.perf_counter()
        bulk.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
        bulk.flush()
        bulk_s = time.perf_counter() - start
        print(f"pyoxigraph bulk_load of the file: {bulk_s:.2f} s", flush=True)

        kg_dir = workdir / "kg"
        shutil.rmtree(kg_dir, ignore_errors=True)
        store = open_store(kg_dir)
        start = time.perf_counter()
        report = update_articles(store, inputs)
        store.flush()
        kg_s = time.perf_counter() - start
        write_s = kg_s - report.link_seconds
        print(f"kg.store.update_articles ({len(report.added):,} articles added): {kg_s:.2f} s = "
              f"{kg_s / bulk_s:.2f}x bulk_load; of which the corpus links (kg.link over the whole store) "
              f"{report.link_seconds:.2f} s, the store write {write_s:.2f} s = {write_s / bulk_s:.2f}x bulk_load",
              flush=True)

        links = ox.NamedNode("https://w3id.org/kg-news/id/links")
        mine = {q for q in store if q.graph_name != links}
        theirs = set(bulk)
        print(f"peak RSS of this process {peak_rss_mb():,.0f} MB")
        if mine == theirs:
            print(f"same {len(mine):,} quads in both stores (the links graph aside)")
        else:
            print(f"STORES DIFFER: {len(mine - theirs):,} quads only in kg's, {len(theirs - mine):,} only in bulk_load's")
            sys.exit(1)


if __name__ == "__main__":
    main()
