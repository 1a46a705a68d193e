"""Time the /overview and /sparql pages of kg serve on a large store (--repeat requests per page).

The store is built as scripts/bench_query.py builds it: the example's extraction copied under
fresh article IRIs over 50 regions until the union graph has --size triples. The pages are
requested through Starlette's test client with the real worker pool (2 workers), so each time
includes the queries in the workers, the JSON between processes and the rendering.

    .venv/bin/python scripts/bench_pages.py                  # ~1M triples
    .venv/bin/python scripts/bench_pages.py --size 100000    # a quick run

The example's dates have no year, so the money-by-month chart is empty at every size.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

PAGES = [
    "/overview",
    "/overview?" + urllib.parse.urlencode({"category": "kgr:group/职工"}),
    "/sparql",
    "/sparql?" + urllib.parse.urlencode({"name": "official_activity", "param.person": "郭金江", "run": "1"}),
    "/sparql?" + urllib.parse.urlencode({"name": "money_by_organizer"}),
]

OVERVIEW_QUERIES = [("money_by_month", ()), ("money_by_organizer", ("org",)), ("money_by_category", ("c",)),
                    ("officials_by_events", ()), ("places_by_events", ()), ("money_by_group", ("g",))]


def main() -> None:
    import pyoxigraph as ox
    from bench_query import example_ntriples, write_copies
    from starlette.testclient import TestClient

    from kg.sandbox import QueryPool
    from kg.store import open_store, triple_count
    from kg.web import Site, create_app

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1_000_000, help="target triple count")
    parser.add_argument("--regions", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-bench-pages-") as tmp:
        article, lines = example_ntriples()
        nq = Path(tmp) / "bench.nq"
        copies = write_copies(article, lines, args.size, args.regions, nq)
        store_dir = Path(tmp) / "store"
        store = open_store(store_dir)
        store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
        store.flush()
        triples = triple_count(store)
        del store
        pool = QueryPool(store_dir, size=2, timeout=60, max_rows=10_000)
        try:
            client = TestClient(create_app(Site(open_store(store_dir, read_only=True), pool)))
            print(f"{triples:,} triples ({copies:,} article graphs, {args.regions} regions); {args.repeat} requests "
                  "per page: the first, then the median of the others (the overview's chart rows are cached "
                  "until an update)\n")
            print("| page | status | bytes | first ms | then ms (median) |\n|---|---:|---:|---:|---:|")
            for page in PAGES:
                times, status, size = [], 0, 0
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    r = client.get(page)
                    times.append(time.perf_counter() - start)
                    status, size = r.status_code, len(r.content)
                then = statistics.median(times[1:]) if len(times) > 1 else times[0]
                print(f"| `{urllib.parse.unquote(page)}` | {status} | {size:,} | {times[0] * 1000:,.1f} | {then * 1000:,.1f} |")
            print("\n| query behind the overview (in a worker) | ms |\n|---|---:|")
            from kg.overview import named_query
            from kg.query import with_projection
            for name, project in OVERVIEW_QUERIES:
                query = named_query(name)
                query = with_projection(query, *project) if project else query
                times = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    pool.run(query, {}, "json")
                    times.append(time.perf_counter() - start)
                print(f"| {name} | {statistics.median(times) * 1000:,.1f} |")
        finally:
            pool.close()


if __name__ == "__main__":
    main()
