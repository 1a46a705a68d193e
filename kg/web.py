"""The ``kg serve`` web application (Starlette): browse pages and the SPARQL 1.1 Protocol endpoint.

Routes:

- ``/``, ``/search``, ``/e/...``, ``/article/...``, ``/static/...``: the browse pages (kg.browse).
- ``/query`` SPARQL 1.1 Protocol query endpoint: GET ``?query=``, POST with
  ``application/sparql-query`` or a form-encoded ``query=``; the result format is
  negotiated from ``Accept`` (SPARQL results JSON, XML, CSV, TSV; N-Triples or
  Turtle for graphs). Each query runs in a killable worker (kg.sandbox) with a
  time limit and a row limit.
- ``/update`` SPARQL Update (only with ``--allow-update``; 403 otherwise).
- ``/sparql`` (a query form and the named queries, results as a table) and
  ``/overview`` (charts of money, people and places): kg.overview.

Every response carries a Content-Security-Policy without inline scripts or styles:
the pages load their script and stylesheet from /static. Requests that change or read through POST from
another site (``Sec-Fetch-Site: cross-site``/``same-site``, or an ``Origin``
other than the server's own) are refused with 403: a web page elsewhere cannot
drive the endpoint with a simple form. A ``Host`` header naming another host
is refused too (DNS rebinding).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from kg.errors import EndpointError, KGError, PoolBusy, QueryError, QueryTimeout
from kg.sandbox import MEDIA_TYPES, QueryPool

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
MAX_BODY = 1_000_000  # bytes of a POSTed query or form
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

# Accept media types -> our format names (kg.sandbox.MEDIA_TYPES), results and graphs apart.
_RESULT_ACCEPT = {
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
_GRAPH_ACCEPT = {"application/n-triples": "nt", "text/plain": "nt", "text/turtle": "ttl", "application/x-turtle": "ttl"}


@dataclass
class Site:
    """What the app serves: a store for the pages, a worker pool for /query, and whether updates are allowed."""

    store: Any  # pyoxigraph.Store, read-only unless allow_update
    pool: QueryPool
    allow_update: bool = False
    allowed_hosts: tuple[str, ...] | None = None  # None: any Host (tests)
    update_lock: threading.Lock = field(default_factory=threading.Lock)
    page_cache: dict[str, Any] = field(default_factory=dict)  # what pages keep between requests, by page
    generation: int = 0  # counts applied updates; the browse pages rebuild their label index when it changes


# --------------------------------------------------------------------------- negotiation


def negotiate(accept: str | None) -> tuple[str, str]:
    """The result format and the graph format an ``Accept`` header asks for (defaults json, nt).

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml")
    ('xml', 'nt')
    >>> negotiate("text/turtle, */*;q=0.1")
    ('json', 'ttl')
    """
    ranked = []
    for i, part in enumerate((accept or "").split(",")):
        media, _, rest = part.strip().partition(";")
        q = 1.0
        for param in rest.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media:
            ranked.append((-q, i, media.strip().lower()))
    ranked.sort()
    result = next((_RESULT_ACCEPT[m] for q, _, m in ranked if q < 0 and m in _RESULT_ACCEPT), "json")
    graph = next((_GRAPH_ACCEPT[m] for q, _, m in ranked if q < 0 and m in _GRAPH_ACCEPT), "nt")
    return result, graph


# --------------------------------------------------------------------------- middleware


class Guard:
    """ASGI middleware: refuse cross-site unsafe requests and foreign Host headers; add security headers."""

    def __init__(self, app, allowed_hosts: tuple[str, ...] | None):
        self.app = app
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        refusal = self._refusal(scope["method"], headers)
        if refusal:
            status, message = refusal
            return await _plain(send, status, message)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [h for h in SECURITY_HEADERS if h[0] not in present]
            await send(message)

        return await self.app(scope, receive, send_with_headers)

    def _refusal(self, method: str, headers: dict[str, str]) -> tuple[int, str] | None:
        host = headers.get("host", "")
        if self.allowed_hosts is not None and host not in self.allowed_hosts:
            return 400, f"Error: unknown Host {host!r}; this server answers as {', '.join(self.allowed_hosts)}"
        if method in _SAFE_METHODS:
            return None
        fetch_site = headers.get("sec-fetch-site", "")
        if fetch_site in ("cross-site", "same-site"):
            return 403, f"Error: cross-site {method} refused (Sec-Fetch-Site: {fetch_site})"
        origin = headers.get("origin")
        if origin is not None and origin not in (f"http://{host}", f"https://{host}"):
            return 403, f"Error: cross-origin {method} refused (Origin {origin!r} is not this server)"
        return None


async def _plain(send, status: int, text: str) -> None:
    body = (text + "\n").encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())] + SECURITY_HEADERS})
    await send({"type": "http.response.body", "body": body})


# --------------------------------------------------------------------------- app


def create_app(site: Site):
    """The Starlette application serving ``site``; the label index of the search is built here, once."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Route

    from kg import browse, overview

    routes = [
        Route("/query", _query_endpoint, methods=["GET", "POST"]),
        Route("/update", _update_endpoint, methods=["GET", "POST"]),
        *browse.routes(),  # first: its /static/vis mount must come before /static
        *[r for r in overview.routes() if getattr(r, "path", None) != "/static"],
    ]
    app = Starlette(routes=routes, middleware=[Middleware(Guard, allowed_hosts=site.allowed_hosts)],
                    exception_handlers={404: _not_found, 405: _method_not_allowed, EndpointError: _upstream_failed})
    app.state.site = site
    app.state.browser = browse.Browser(site.store)
    app.state.browser.index(site.generation)
    return app


def _error(status: int, message: str):
    from starlette.responses import PlainTextResponse

    return PlainTextResponse(f"Error: {message}\n", status_code=status)


async def _not_found(request, exc):
    return _error(404, f"no such page: {request.url.path}")


async def _upstream_failed(request, exc):
    from kg.browse import error_page

    # kg serve --endpoint: the SPARQL server behind the pages failed (its message, escaped by the template)
    return error_page(502, "The SPARQL server did not answer", str(exc))


async def _method_not_allowed(request, exc):
    return _error(405, f"{request.method} is not allowed on {request.url.path}")


def error_status(e: KGError) -> int:
    """The HTTP status of a failed query."""
    if isinstance(e, QueryTimeout | PoolBusy):
        return 503
    return 400


async def read_query_request(request, field_name: str, direct_type: str) -> str:
    """The query (or update) text of a SPARQL protocol request.

    Raises:
        QueryError: with ``.status`` set, for a missing, repeated or oversized query
            or an unsupported content type.
    """
    if request.method == "GET":
        values = request.query_params.getlist(field_name)
    else:
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await _body(request)
        if media == direct_type:
            try:
                return body.decode("utf-8")
            except UnicodeDecodeError:
                raise _status(QueryError("the request body is not UTF-8"), 400) from None
        if media != "application/x-www-form-urlencoded":
            raise _status(QueryError(f"POST needs Content-Type {direct_type} or application/x-www-form-urlencoded, "
                                     f"not {media or 'none'}"), 415)
        from urllib.parse import parse_qs

        try:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
        except UnicodeDecodeError:
            raise _status(QueryError("the form is not UTF-8"), 400) from None
        values = form.get(field_name, [])
    if len(values) != 1 or not values[0].strip():
        other = "update" if field_name == "query" else "query"
        hint = f" (send updates to /{other})" if other == "update" and request.method == "POST" else ""
        raise _status(QueryError(f"give exactly one non-empty '{field_name}' parameter{hint}"), 400)
    return values[0]


def _status(e: QueryError, status: int) -> QueryError:
    e.status = status
    return e


async def _body(request) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise _status(QueryError(f"the request body is larger than {MAX_BODY} bytes"), 413)
        chunks.append(chunk)
    return b"".join(chunks)


async def run_in_pool(site: Site, query, params, fmt):
    """Run a NamedQuery on the site's pool without blocking the event loop."""
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(site.pool.run, query, params, fmt)


async def _query_endpoint(request):
    from starlette.responses import Response

    from kg.query import NamedQuery

    site: Site = request.app.state.site
    try:
        text = await read_query_request(request, "query", "application/sparql-query")
    except QueryError as e:
        return _error(getattr(e, "status", 400), str(e))
    if request.query_params.getlist("default-graph-uri") or request.query_params.getlist("named-graph-uri"):
        return _error(400, "default-graph-uri and named-graph-uri are not supported; the default graph is the union of the articles")
    query = NamedQuery("<query>", text, "query")
    if query.is_update:
        return _error(400, "this is a SPARQL Update; send it to /update" + ("" if site.allow_update else " (the server is read-only)"))
    result_fmt, graph_fmt = negotiate(request.headers.get("accept"))
    try:
        answer = await run_in_pool(site, query, {}, (result_fmt, graph_fmt))
    except KGError as e:
        return _error(error_status(e), str(e))
    return Response(answer.body, media_type=answer.media_type + ("; charset=utf-8" if answer.media_type.startswith("text/") else ""))


async def _update_endpoint(request):
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import Response

    from kg.query import NamedQuery, execute

    site: Site = request.app.state.site
    if request.method != "POST":
        return _error(405, "SPARQL Update needs POST")
    if not site.allow_update:
        return _error(403, "the server is read-only; start kg serve with --allow-update to accept SPARQL Update")
    try:
        text = await read_query_request(request, "update", "application/sparql-update")
    except QueryError as e:
        return _error(getattr(e, "status", 400), str(e))
    query = NamedQuery("<update>", text, "update")
    if not query.is_update:
        return _error(400, "this is not a SPARQL Update; send queries to /query")

    def apply():
        with site.update_lock:
            execute(site.store, query, allow_update=True)
            site.generation += 1
            site.pool.recycle()

    try:
        await run_in_threadpool(apply)
    except KGError as e:
        return _error(400, str(e))
    return Response(status_code=204)


__all__ = ["Site", "create_app", "negotiate", "MEDIA_TYPES"]
