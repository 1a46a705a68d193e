"""The graph on a SPARQL server: load graph files into it, and query it, over HTTP.

``kg load FILE... --endpoint URL`` puts each article graph of TriG or N-Quads
files into a SPARQL 1.1 server through the Graph Store HTTP Protocol (one
``PUT ?graph=<article IRI>`` per article), exactly as the on-disk store keeps
them (kg.store): one named graph per article, named by the article IRI, and the
union of the article graphs, each triple once, as the default graph.

The union is materialized on the server, not left to an option such as
``oxigraph serve --union-default-graph``: that option yields a triple once per
named graph that holds it, so a label stated by 25 articles would match 25 times
and inflate counts and sums (as kg.store explains). After the article graphs are
put, one SPARQL Update request rebuilds the default graph from the named graphs
(``DROP DEFAULT ; INSERT ... WHERE { GRAPH ?g ... }``, one transaction on
Oxigraph); the corpus links (kg.link) are then recomputed from the server's union
and put as the graph ``kgr:links`` and added to the default graph, as a local
build does. A load is idempotent (``PUT`` replaces), so a load cut short is
finished by running it again; readers may see a half-loaded graph meanwhile.

An ``Endpoint`` answers ``query`` and ``update`` like a ``pyoxigraph.Store``
(same arguments, same result types), so kg.query runs named queries, their
bound parameters and their result formats over the SPARQL 1.1 Protocol with the
same code as on the local store.

URLs, as ``oxigraph serve`` lays them out: ``--endpoint http://HOST:PORT`` means
``/query``, ``/update`` and ``/store`` under it; an ``--endpoint`` ending in
``/query`` or ``/sparql`` is the query URL itself. Other servers name their
update and graph store URLs (``--update-url``, ``--graph-store``).

>>> Endpoint("http://127.0.0.1:7878").query_url
'http://127.0.0.1:7878/query'
>>> Endpoint("http://127.0.0.1:3030/ds/sparql", graph_store="http://127.0.0.1:3030/ds/data").store_url
'http://127.0.0.1:3030/ds/data'
"""
from __future__ import annotations

import os
import re
import threading
import time
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import EndpointError, EndpointTimeout, EndpointUnreachable, InputError
from kg.graphio import format_for, read_graph
from kg.ontology import KGO, KGR, LINKS_GRAPH

_ARTICLE_PREFIX = str(KGR) + "article/"
_NT = "application/n-triples"
_RESULTS_JSON = "application/sparql-results+json"
# Seconds to wait for a connection, and for an answer (a load of a large graph or a slow query).
CONNECT_TIMEOUT = 10.0
DEFAULT_TIMEOUT = 300.0
_MESSAGE_CHARS = 600  # of a server's error body, in our message
_CLIENT_LOCK = threading.Lock()


class Endpoint:
    """A SPARQL 1.1 server: its query, update and graph store URLs, and one HTTP client.

    ``query`` and ``update`` take and return what ``pyoxigraph.Store.query`` and
    ``Store.update`` do, so kg.query can run on either.

    Raises:
        EndpointError: the URL is not http(s).
    """

    def __init__(self, url: str, *, update_url: str | None = None, graph_store: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT):
        url = url.strip()
        for u in (url, update_url, graph_store):
            if u is not None and urllib.parse.urlsplit(u).scheme not in ("http", "https"):
                raise EndpointError(f"{u}: not an http(s) URL of a SPARQL server (e.g. http://127.0.0.1:7878)")
        base = url.rstrip("/")
        if base.rsplit("/", 1)[-1] in ("query", "sparql"):
            self.query_url = base
            base = base.rsplit("/", 1)[0]
        else:
            self.query_url = base + "/query"
        self.url = url
        self.update_url = update_url or base + "/update"
        self.store_url = graph_store or base + "/store"
        self.timeout = timeout
        self._client = None

    def __repr__(self) -> str:
        return f"Endpoint({self.query_url!r})"

    # ------------------------------------------------------------------ HTTP

    @property
    def client(self):
        with _CLIENT_LOCK:  # kg serve asks from several threads; httpx.Client itself is thread-safe
            if self._client is None:
                import httpx

                self._client = httpx.Client(timeout=httpx.Timeout(self.timeout, connect=CONNECT_TIMEOUT))
            return self._client

    def close(self) -> None:
        """Close the HTTP connections."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> Endpoint:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _send(self, method: str, url: str, what: str, allow: tuple[int, ...] = (), **kwargs):
        """Send one request; return the response, or raise EndpointError naming ``what`` and the server's message.

        A status in ``allow`` is returned like a success.
        """
        import httpx

        try:
            response = self.client.request(method, url, **kwargs)
        except httpx.TimeoutException as e:
            raise EndpointTimeout(f"{url}: no answer to {what} within {self.timeout:g} s ({type(e).__name__})") from e
        except httpx.HTTPError as e:  # refused, unknown host, reset: the server is not there
            raise EndpointUnreachable(f"{url}: cannot reach the SPARQL server for {what}: {e or type(e).__name__} "
                                "(is it running, and is the URL right?)") from e
        if response.status_code >= 400 and response.status_code not in allow:
            body = " ".join(response.text.split())
            if len(body) > _MESSAGE_CHARS:
                body = body[:_MESSAGE_CHARS] + " ..."
            raise EndpointError(f"{url}: the server refused {what}: HTTP {response.status_code} "
                                f"{response.reason_phrase}" + (f": {body}" if body else ""))
        return response

    # ------------------------------------------------------------------ SPARQL 1.1 Protocol

    def query(self, text: str, *, prefixes: Mapping[str, str] | None = None):
        """Run a query over the SPARQL 1.1 Protocol; return QuerySolutions, QueryBoolean or a list of triples.

        ``prefixes`` are declared in front of the text (a prefix the query declares
        itself wins: SPARQL takes the last declaration).
        """
        # Parameters of named queries reach here already bound by kg.query.bind_params: a VALUES
        # block of RDF terms written by pyoxigraph's serializer (quotes, backslashes and newlines
        # escaped, IRIs checked), read back by pyoxigraph before it is sent. The protocol carries
        # the query text only, so this is the one safe form of binding; a value is data in that
        # block, never query text, and the form encoding below is httpx's.
        response = self._send(
            "POST", self.query_url, "the query",
            data={"query": _prologue(prefixes, text) + text},
            headers={"Accept": f"{_RESULTS_JSON}, {_NT};q=0.9"},
        )
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        try:
            if kind in (_RESULTS_JSON, "application/json"):
                return ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
            if kind in (_NT, "text/plain"):
                return [q.triple for q in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)]
        except (SyntaxError, ValueError) as e:
            raise EndpointError(f"{self.query_url}: the server's answer does not parse as {kind}: {e}") from e
        raise EndpointError(f"{self.query_url}: the server answered {kind or 'no content type'}, "
                            f"not SPARQL results JSON or N-Triples")

    def update(self, text: str, *, prefixes: Mapping[str, str] | None = None) -> None:
        """Run a SPARQL Update request over the SPARQL 1.1 Protocol."""
        self._send("POST", self.update_url, "the update", data={"update": _prologue(prefixes, text) + text})

    def default_graph(self) -> ox.Store:
        """A copy of the server's default graph (the union) in a new in-memory store, for the views and stats."""
        store = ox.Store()
        triples = self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        if not isinstance(triples, list):
            raise EndpointError(f"{self.query_url}: a CONSTRUCT query did not return a graph")
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        return store

    # ------------------------------------------------------------------ Graph Store HTTP Protocol

    def put_graph(self, name: str | None, triples: Iterable[ox.Triple]) -> None:
        """Replace a named graph (``name`` an IRI) or, with ``None``, the default graph, by ``triples``."""
        self._graph_request("PUT", name, triples)

    def add_to_graph(self, name: str | None, triples: Iterable[ox.Triple]) -> None:
        """Add ``triples`` to a named graph or the default graph (``POST``: a merge)."""
        self._graph_request("POST", name, triples)

    def delete_graph(self, name: str) -> None:
        """Drop a named graph; one that does not exist is no error."""
        self._send("DELETE", self.store_url, f"dropping graph <{name}>", allow=(404,), params={"graph": name})

    def _graph_request(self, method: str, name: str | None, triples: Iterable[ox.Triple]) -> None:
        # Terms are written by pyoxigraph's N-Triples serializer (escaped), sorted for reproducible requests.
        body = ox.serialize(sorted(triples, key=_key), format=ox.RdfFormat.N_TRIPLES) or b""
        params = {"default": ""} if name is None else {"graph": name}
        what = "the default graph" if name is None else f"graph <{name}>"
        self._send(method, self.store_url, f"putting {what}" if method == "PUT" else f"adding to {what}",
                   params=params, content=body, headers={"Content-Type": _NT})


def _prologue(prefixes: Mapping[str, str] | None, text: str) -> str:
    """PREFIX declarations for the ``prefixes`` that ``text`` uses and does not declare itself.

    On one line with no newline, so the positions in a server's syntax error stay the query's own
    (on its first line, when the query itself declares or uses no prefix of ours).

    >>> _prologue({"a": "http://a/", "b": "http://b/", "c": "http://c/"}, "PREFIX a: <http://x/> ASK { a:x b:y ?z }")
    'PREFIX b: <http://b/> '
    """
    return "".join(f"PREFIX {k}: {ox.NamedNode(str(v))} " for k, v in (prefixes or {}).items()
                   if re.search(rf"(?<![\w.-]){re.escape(k)}:", text)
                   and not re.search(rf"(?i)\bPREFIX\s+{re.escape(k)}\s*:", text))


def _key(t: ox.Triple) -> tuple[str, str, str]:
    return (str(t.subject), str(t.predicate), str(t.object))


# --------------------------------------------------------------------------- kg load


@dataclass
class LoadReport:
    """What ``load_files`` did: article graphs put (new or replacing one), stale ones dropped, triples in the union."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # older versions of a loaded article (same source path)
    other_graphs: list[str] = field(default_factory=list)  # named graphs that are no article's, put as they are
    triples: int = 0  # in the server's default graph after the load
    activities: int = 0

    def summary(self) -> str:
        """One line for the terminal."""
        return (f"{len(self.added)} article graphs added, {len(self.replaced)} replaced, {len(self.dropped)} older "
                f"versions dropped; {self.triples} triples in the default graph (the union); "
                f"{self.activities} activities reported by several articles")


_SERVER_ARTICLES = f"""
SELECT DISTINCT ?g ?source WHERE {{
  GRAPH ?g {{ ?g {ox.NamedNode(str(KGO.sourcePath))} ?source }}
  FILTER(STRSTARTS(STR(?g), {ox.Literal(_ARTICLE_PREFIX)}))
}}"""
# Everything but the links graph: the links are derived from the union, and put again after it.
_REBUILD_UNION = (
    "DROP SILENT DEFAULT ;\n"
    f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != {ox.NamedNode(str(LINKS_GRAPH))}) }}"
)


def load_files(endpoint: Endpoint, paths: Iterable[str | os.PathLike]) -> LoadReport:
    """Load TriG or N-Quads graph files into a SPARQL server, one named graph per article, the union as default.

    An article stored on the server under a source path that a loaded article
    has, with another IRI (its text changed), is dropped, as ``kg build`` does in
    the local store. The file's own ``kgr:links`` graph is not loaded: the links are
    recomputed over everything on the server.

    Raises:
        InputError: a file is missing, does not parse, or holds no named graphs.
        EndpointError: the server cannot be reached or refuses a request.
    """
    from kg.link import LINK_PREDICATES, find_activities, link_triples
    from kg.store import stored_articles

    paths = [Path(p) for p in paths]
    if not paths:
        raise InputError("give one or more graph files to load (.trig or .nq)")
    for path in paths:
        fmt = format_for(path)
        if not fmt.quads:
            raise InputError(f"{path}: {fmt.name} holds only the union graph; kg load needs one named graph per "
                             "article: TriG (.trig) or N-Quads (.nq), as `kg build ... -o FILE.nq` or "
                             "`kg export FILE.nq` write")
    data = read_graph(paths, union=False)
    links = ox.NamedNode(str(LINKS_GRAPH))
    names = sorted((g for g in data.named_graphs() if isinstance(g, ox.NamedNode) and g != links), key=str)
    if not names:
        raise InputError(f"{', '.join(map(str, paths))}: no named graphs to load (no articles)")
    articles = stored_articles(data)

    report = LoadReport()
    on_server: dict[str, set[str]] = {}  # source path -> article IRIs on the server
    known: set[str] = set()
    for row in endpoint.query(_SERVER_ARTICLES):
        known.add(row["g"].value)
        on_server.setdefault(row["source"].value, set()).add(row["g"].value)
    loading = {g.value for g in names}
    stale = sorted({iri for art in articles.values() for src in art.source_paths
                    for iri in on_server.get(src, ())} - loading)
    for iri in stale:
        endpoint.delete_graph(iri)
    report.dropped = stale

    for name in names:
        triples = [q.triple for q in data.quads_for_pattern(None, None, None, name)]
        endpoint.put_graph(name.value, triples)
        label = ", ".join(articles[name.value].source_paths) if name.value in articles else name.value
        if name.value not in articles:
            report.other_graphs.append(label)
        elif name.value in known:
            report.replaced.append(label)
        else:
            report.added.append(label)

    endpoint.update(_REBUILD_UNION)
    # The links read only a few predicates of the union: fetch those, not the whole graph.
    values = " ".join(str(ox.NamedNode(p)) for p in sorted(LINK_PREDICATES))
    scratch = ox.Store()
    scratch.extend(ox.Quad(t.subject, t.predicate, t.object)
                   for t in endpoint.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }}"))
    activities = find_activities(scratch)
    link_set = link_triples(activities)
    if link_set:
        endpoint.put_graph(links.value, link_set)
        endpoint.add_to_graph(None, link_set)
    else:
        endpoint.delete_graph(links.value)
    report.activities = len(activities)
    count = endpoint.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    report.triples = int(next(iter(count))["n"].value)
    for lst in (report.added, report.replaced, report.other_graphs):
        lst.sort()
    return report


# --------------------------------------------------------------------------- the server as a store (kg serve --endpoint)


class EndpointStore:
    """The calls of ``pyoxigraph.Store`` that kg serve's pages make, answered by a SPARQL server.

    ``quads_for_pattern`` becomes a SELECT over the SPARQL 1.1 Protocol whose bound terms
    are a VALUES block written by pyoxigraph (as kg.query binds parameters), so a term
    taken from the graph or a URL is data, never query text. The answers of small
    patterns are cached, since a page asks for the same labels many times; ``update``
    (and ``forget``) empty the cache, so the pages never show a graph older than
    their own server's last update. Changes made on the server by others (a
    ``kg load``) show on the pages once their cached answers expire, after
    ``CACHE_SECONDS``.
    """

    CACHE_PATTERNS = 20_000  # patterns remembered; past this the cache starts again
    CACHE_MAX_QUADS = 1_000  # a larger answer (every label) is not kept
    CACHE_SECONDS = 60.0

    def __init__(self, endpoint: Endpoint):
        self.endpoint = endpoint
        self._cache: dict[tuple, tuple[float, list[ox.Quad]]] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"EndpointStore({self.endpoint.query_url!r})"

    def quads_for_pattern(self, subject=None, predicate=None, object=None, graph_name=None) -> list[ox.Quad]:
        """The quads matching the pattern, sorted; ``graph_name`` is a named graph, else the default graph.

        A blank node cannot be named over the protocol (in a query it is a variable), so a
        pattern holding one matches nothing here; kg-news graphs have no blank nodes.

        Raises:
            EndpointError: the server cannot be reached or refuses the query.
        """
        graph = ox.DefaultGraph() if graph_name is None else graph_name
        if not isinstance(graph, ox.DefaultGraph | ox.NamedNode):
            raise EndpointError(f"{self.endpoint.query_url}: a pattern over {graph} is not supported")
        bound = {"s": subject, "p": predicate, "o": object}
        if any(isinstance(t, ox.BlankNode) for t in bound.values()):
            return []
        key = tuple(str(t) for t in (subject, predicate, object, graph))
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None and now - hit[0] < self.CACHE_SECONDS:
            return hit[1]
        quads = self._ask(bound, graph)
        if len(quads) <= self.CACHE_MAX_QUADS:
            with self._lock:
                if len(self._cache) >= self.CACHE_PATTERNS:
                    self._cache.clear()
                self._cache[key] = (now, quads)
        return quads

    def _ask(self, bound: dict, graph) -> list[ox.Quad]:
        names = [n for n, t in bound.items() if t is not None]
        values = (f"VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(str(bound[n]) for n in names)}) }} "
                  if names else "")
        pattern = "?s ?p ?o" if isinstance(graph, ox.DefaultGraph) else f"GRAPH {graph} {{ ?s ?p ?o }}"
        answer = self.endpoint.query(f"SELECT ?s ?p ?o WHERE {{ {values}{pattern} }}")
        if not isinstance(answer, ox.QuerySolutions):
            raise EndpointError(f"{self.endpoint.query_url}: a SELECT query did not return solutions")
        quads = []
        for row in answer:
            s, p, o = (row[n] if bound[n] is None else bound[n] for n in ("s", "p", "o"))
            if s is None or p is None or o is None:
                continue
            quads.append(ox.Quad(s, p, o, graph))
        quads.sort(key=lambda q: _key(q.triple))
        return quads

    def query(self, text: str, *, prefixes: Mapping[str, str] | None = None):
        """As ``Endpoint.query``."""
        return self.endpoint.query(text, prefixes=prefixes)

    def update(self, text: str, *, prefixes: Mapping[str, str] | None = None) -> None:
        """As ``Endpoint.update``; then forget the cached patterns."""
        try:
            self.endpoint.update(text, prefixes=prefixes)
        finally:
            self.forget()

    def forget(self) -> None:
        """Empty the pattern cache."""
        with self._lock:
            self._cache.clear()
