#!/usr/bin/env python3
"""Time kg serve's browse pages (search, entity page, article page) on a store of about 1M triples.

The store: the 1,316 THUCNews articles of ``../shared/bench/news/thucnews.tsv`` and the bundled
example, extracted once with the pipeline, then copied under fresh article IRIs until the
store holds ``--triples`` triples. The people, places and bodies of copy i live in region
k = i % --regions (IRIs and labels end in ·k; region 0 keeps the text's names), so an entity
is shared by the articles of its region as in a real corpus; beneficiary groups are shared by
every copy (the largest pages). The store is an on-disk Oxigraph store laid out as kg build
lays it out (one named graph per article, the union as the default graph).

Requests go through the app in-process (Starlette's TestClient: routing, the page code,
templates, no network); each runs --repeat times and the median and the worst are shown.

    .venv/bin/python scripts/bench_web.py                      # ~1M triples
    .venv/bin/python scripts/bench_web.py --triples 100000     # a quick run
"""
from __future__ import annotations

import argparse
import hashlib
import multiprocessing as mp
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

TSV = ROOT.parent / "shared" / "bench" / "news" / "thucnews.tsv"
EXAMPLE = ROOT / "examples" / "daxing_songwennuan.txt"
KGR = "https://w3id.org/kg-news/id/"
_IRI = re.compile(r"<https://w3id\.org/kg-news/id/([^>]*)>")
_LABEL = re.compile(r"^<https://w3id\.org/kg-news/id/(person|org|place)/[^>]*> "
                    r"<http://www\.w3\.org/(?:2000/01/rdf-schema#label|2004/02/skos/core#altLabel)> \"")


def _extract(doc):
    from kg.pipeline import process_document

    result = process_document(doc)
    return result.graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()


def base_articles(tsv: Path, jobs: int) -> list[list[str]]:
    """The N-Triples lines of every THUCNews article and of the example, extracted once."""
    from kg.model import Document

    docs = [Document("examples/daxing_songwennuan.txt", "daxing_songwennuan", EXAMPLE.read_text(encoding="utf-8"))]
    with open(tsv, encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            _, sep, text = line.rstrip("\r\n").partition("\t")
            if sep and text.strip():
                docs.append(Document(f"thucnews.tsv#{n}", str(n), text))
    with mp.Pool(jobs) as pool:
        return [lines for lines in pool.imap(_extract, docs, chunksize=8) if lines]


def copy_lines(lines: list[str], copy: int, region: int) -> tuple[str, list[str]]:
    """One article's lines under a fresh article IRI, its entities in ``region``; returns (graph IRI, lines)."""
    def iri(m):
        path = m.group(1)
        kind, _, rest = path.partition("/")
        if kind == "article":
            head, _, tail = rest.partition("/")
            new = hashlib.sha256(f"{head}/{copy}".encode()).hexdigest()[:16]
            return f"<{KGR}article/{new}{'/' + tail if tail else ''}>"
        if kind in ("person", "org", "place") and region:
            return f"<{KGR}{path}·{region}>"
        return m.group(0)

    out, graph = [], None
    for line in lines:
        labelled = region and _LABEL.match(line)
        line = _IRI.sub(iri, line)
        if labelled:  # "name"@zh . -> "name·k"@zh .
            line = re.sub(r'"(@zh)? \.$', rf'·{region}"\1 .', line)
        if graph is None and "/ontology#Article>" in line and "22-rdf-syntax-ns#type" in line:
            graph = line.split(" ", 1)[0]
        out.append(line)
    return graph, out


def build_store(path: Path, articles: list[list[str]], target: int, regions: int) -> tuple[ox.Store, int, int]:
    """Write copies of ``articles`` into an on-disk store until it holds ``target`` triples."""
    store = ox.Store(str(path))
    union: set[str] = set()
    copies, n = 0, 0
    while len(union) < target:
        chunk = []
        for lines in articles:
            graph, out = copy_lines(lines, copies, copies % regions)
            for line in out:
                chunk.append(line[:-1] + graph + " .")
            union.update(out)
            n += 1
        store.bulk_load("\n".join(chunk).encode("utf-8"), ox.RdfFormat.N_QUADS)
        copies += 1
    store.bulk_load("\n".join(sorted(union)).encode("utf-8"), ox.RdfFormat.N_TRIPLES)
    store.flush()
    return store, len(union), n


def timed(client, path: str, repeat: int, headers=None) -> tuple[float, float, int, int]:
    times, status, size = [], 0, 0
    for _ in range(repeat):
        t = time.perf_counter()
        r = client.get(path, headers=headers or {})
        times.append((time.perf_counter() - t) * 1000)
        status, size = r.status_code, len(r.content)
    return statistics.median(times), max(times), status, size


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tsv", type=Path, default=TSV)
    ap.add_argument("--triples", type=int, default=1_000_000)
    ap.add_argument("--regions", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    if not args.tsv.exists():
        print(f"benchmark data not found: {args.tsv} (needs ../shared/bench/news/thucnews.tsv); nothing to do")
        return 0
    from starlette.testclient import TestClient

    from kg.browse import url_for
    from kg.web import Site, create_app

    t = time.perf_counter()
    articles = base_articles(args.tsv, args.jobs)
    print(f"extracted {len(articles)} articles ({sum(map(len, articles)):,} triples) in {time.perf_counter() - t:.1f} s")
    with tempfile.TemporaryDirectory(prefix="kg-bench-web-") as tmp:
        t = time.perf_counter()
        store, triples, n = build_store(Path(tmp) / "store", articles, args.triples, args.regions)
        print(f"store: {n:,} articles, {triples:,} triples in the union graph ({time.perf_counter() - t:.1f} s to load)")
        t = time.perf_counter()
        app = create_app(Site(store, None))
        index = app.state.browser.index()
        print(f"label index: {len(index):,} entities, built in {(time.perf_counter() - t) * 1000:.0f} ms at start-up")
        client = TestClient(app)
        rows = []
        for q in ("郭金江", "大兴区总工会", "总工会", "工会", "区", "不存在的名字"):
            path = "/search?q=" + q
            rows.append(("search", q, *timed(client, path, args.repeat)))
            rows.append(("search JSON", q, *timed(client, path, args.repeat, {"Accept": "application/json"})))
        # the busiest entity of each kind, and the example's official
        counts: dict[str, tuple[int, str]] = {}
        for e in index.entries:
            if e.articles > counts.get(e.kind, (-1, ""))[0]:
                counts[e.kind] = (e.articles, e.iri)
        pages = [("entity: person 郭金江", KGR + "person/北京市/大兴区/郭金江"),
                 ("entity: org 大兴区总工会", KGR + "org/北京市/大兴区/大兴区总工会")]
        pages += [(f"entity: busiest {k} ({c:,} articles)", iri) for k, (c, iri) in sorted(counts.items())]
        for name, iri in pages:
            rows.append((name, iri.rsplit("/", 1)[-1], *timed(client, url_for(iri), args.repeat)))
        article = next(iter(store.quads_for_pattern(ox.NamedNode(KGR + "person/北京市/大兴区/郭金江"),
                                                     ox.NamedNode("https://w3id.org/kg-news/ontology#mentionedIn"), None,
                                                     ox.DefaultGraph()))).object.value
        rows.append(("article page", article.rsplit("/", 1)[-1], *timed(client, url_for(article), args.repeat)))
        print(f"\n{'request':40} {'argument':16} {'median ms':>10} {'max ms':>8} {'status':>6} {'bytes':>9}")
        for name, arg, median, worst, status, size in rows:
            print(f"{name:40} {arg[:16]:16} {median:10.1f} {worst:8.1f} {status:6} {size:9,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
