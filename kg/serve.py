"""``kg serve``: run the web application (kg.web) over a store or a graph file with uvicorn.

No other server process is started: SPARQL runs in-process on pyoxigraph, user
queries in killable worker processes (kg.sandbox) that exit by themselves when
the server dies, even by ``kill -9``. The order of startup makes failures clear:

1. the store must exist (a graph file is first loaded into a scratch store);
2. the server takes the store's serve lock (kg.store.hold_serve_lock), so
   ``kg build`` and ``kg remove`` refuse to write the store while it is served;
3. the port is bound by this process; a port in use is an error before any URL
   is printed;
4. the query workers start and open the store; only then is the URL printed.

With ``--endpoint URL`` the graph lives on a SPARQL server instead (``kg load``):
no store, no lock, no workers; the pages read it through ``kg.endpoint.EndpointStore``
and ``/query`` forwards each query, guarded and bound as locally, through an
``EndpointPool``. The server must answer before any URL is printed.

``start_server`` runs ``kg serve`` as a child process and waits until it answers
(for tests and scripts); ``serve`` is what the command runs in the foreground.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import EndpointError, EndpointTimeout, KGError, QueryError, QueryTimeout, StoreError
from kg.graphio import format_for
from kg.store import DEFAULT_STORE, hold_serve_lock, load_graph_file, open_store

HOST = "127.0.0.1"
WEB_EXTRA_HINT = "kg serve needs starlette, uvicorn and jinja2: pip install 'kg-news[web]'"


def check_web_dependencies() -> None:
    """Raise KGError naming the ``web`` extra when the web packages are missing."""
    import importlib.util

    missing = [m for m in ("starlette", "uvicorn", "jinja2") if importlib.util.find_spec(m) is None]
    if missing:
        raise KGError(f"{WEB_EXTRA_HINT} (missing: {', '.join(missing)})")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def bind_port(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, bound by this process.

    Raises:
        KGError: the port is in use (another server answers there) or cannot be bound.
    """
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError as e:
        sock.close()
        if e.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
            raise KGError(f"port {port} on {host} is already in use (another server answers there); "
                          "choose another --port") from None
        raise KGError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    sock.set_inheritable(False)
    return sock


@dataclass
class Prepared:
    """A store ready to serve: its directory, the serve lock and what to clean up."""

    store_dir: Path
    cleanup: ExitStack = field(default_factory=ExitStack)


def prepare_store(store_dir: str | os.PathLike = DEFAULT_STORE, graph_file: str | os.PathLike | None = None) -> Prepared:
    """Check the store (or load ``graph_file`` into a scratch store) and take its serve lock.

    Raises:
        StoreError: no store at ``store_dir``, or another kg serve serves it.
        InputError: the graph file cannot be read.
    """
    stack = ExitStack()
    try:
        if graph_file is not None:
            format_for(graph_file)  # a clear error for an unknown suffix, before any work
            scratch = stack.enter_context(tempfile.TemporaryDirectory(prefix="kg-serve-"))
            store_dir = Path(scratch) / "store"
            _copy_file_to_store(graph_file, store_dir)
        store_dir = Path(store_dir)
        if not (store_dir / "CURRENT").exists():
            raise StoreError(f"{store_dir}: no store here; run `kg build PATH... --store {store_dir}` first")
        lock = hold_serve_lock(store_dir)
        stack.callback(lock.release)
    except BaseException:
        stack.close()
        raise
    return Prepared(store_dir, stack)


def _copy_file_to_store(graph_file: str | os.PathLike, store_dir: Path) -> None:
    memory = load_graph_file(graph_file)
    disk = open_store(store_dir)
    disk.bulk_extend(memory.quads_for_pattern(None, None, None, None))
    disk.flush()
    del disk  # release the write lock; the server opens the directory itself


class EndpointPool:
    """What kg.web asks of a ``kg.sandbox.QueryPool``, answered by a SPARQL server (``kg serve --endpoint``).

    A query is guarded and its parameters bound as on a local store (kg.query.execute),
    then sent over the SPARQL 1.1 Protocol; the answer is read back and written in the
    format the client negotiated, so /query, the SPARQL page and the overview behave
    as over a local store. The time limit is the HTTP timeout; the server itself runs
    the query (a query it is still running after the limit is its own to stop).
    """

    def __init__(self, store, *, max_rows: int = 10_000):
        self.store = store  # a kg.endpoint.EndpointStore
        self.max_rows = max_rows
        self._generation = 0

    def run(self, query, params, fmt):
        """Run a NamedQuery on the server; return its serialized ``kg.sandbox.Answer``.

        Raises:
            QueryTimeout: no answer within the time limit.
            QueryError: the query is refused here or by the server (its message quoted), or the server is unreachable.
        """
        from kg.query import execute
        from kg.sandbox import Answer, serialize

        try:
            result = execute(self.store, query, params, max_rows=self.max_rows)
        except EndpointTimeout as e:
            raise QueryTimeout(str(e)) from None
        except EndpointError as e:
            raise QueryError(str(e)) from None
        media_type, body = serialize(result, fmt)
        return Answer(result.kind, media_type, body)

    @property
    def generation(self) -> int:
        """Counts updates made through this server: cached pages of another generation are stale."""
        return self._generation

    def recycle(self) -> None:
        """After an update: forget cached patterns and start a new generation."""
        self._generation += 1
        self.store.forget()

    def close(self) -> None:
        """Close the HTTP connections."""
        self.store.endpoint.close()


def open_endpoint(url: str, timeout: float):
    """An ``EndpointStore`` on the SPARQL server at ``url`` that has answered a first query.

    Raises:
        EndpointError: the URL is not http(s), or the server does not answer ``ASK {}``.
    """
    from kg.endpoint import Endpoint, EndpointStore

    endpoint = Endpoint(url, timeout=timeout)
    try:
        endpoint.query("ASK {}")
    except BaseException:
        endpoint.close()
        raise
    return EndpointStore(endpoint)


def serve(
    store_dir: str | os.PathLike = DEFAULT_STORE,
    port: int = 7878,
    *,
    host: str = HOST,
    graph_file: str | os.PathLike | None = None,
    endpoint: str | None = None,
    allow_update: bool = False,
    timeout: float = 10.0,
    max_rows: int = 10_000,
    workers: int = 2,
    announce: Callable[[str], None] = print,
) -> None:
    """Serve until SIGINT/SIGTERM; ``announce`` gets the line with the URL once the server listens.

    ``endpoint``: serve the graph of that SPARQL server instead of a store (no store is opened).

    Raises:
        KGError: the store, the lock, the SPARQL server, the port or the workers fail (nothing is announced).
    """
    check_web_dependencies()
    import uvicorn

    from kg.sandbox import QueryPool
    from kg.web import Site, create_app

    with ExitStack() as cleanup:
        if endpoint is not None:
            store = open_endpoint(endpoint, timeout)
            pool = EndpointPool(store, max_rows=max_rows)
            cleanup.callback(pool.close)
            sock = bind_port(host, port)
            cleanup.callback(sock.close)
            source = endpoint
        else:
            prepared = prepare_store(store_dir, graph_file)
            cleanup.enter_context(prepared.cleanup)
            sock = bind_port(host, port)
            cleanup.callback(sock.close)
            pool = QueryPool(prepared.store_dir, size=workers, timeout=timeout, max_rows=max_rows)
            cleanup.callback(pool.close)
            store = (open_store(prepared.store_dir, serving=True, create=False) if allow_update
                     else open_store(prepared.store_dir, read_only=True))
            source = None
        actual = sock.getsockname()[1]
        names = {host, "localhost", "127.0.0.1"} if host in ("127.0.0.1", "localhost") else {host}
        site = Site(store, pool, allow_update, allowed_hosts=tuple(sorted(f"{h}:{actual}" for h in names)))
        app = create_app(site)
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
        server = uvicorn.Server(config)
        mode = "read-write" if allow_update else "read-only"
        over = f" over {source}" if source else ""
        announce(f"kg serve ({mode}{over}): http://{host}:{actual}/  SPARQL endpoint http://{host}:{actual}/query  (Ctrl-C stops)")
        server.run(sockets=[sock])


# --------------------------------------------------------------------------- a child server (tests, scripts)


@dataclass
class Server:
    """A ``kg serve`` child process and where to reach it."""

    process: subprocess.Popen
    port: int
    store_dir: Path | None
    allow_update: bool
    log_path: Path

    @property
    def url(self) -> str:
        """The front page."""
        return f"http://{HOST}:{self.port}/"

    @property
    def query_url(self) -> str:
        """The SPARQL query endpoint."""
        return f"http://{HOST}:{self.port}/query"

    def log(self) -> str:
        """What the server printed so far."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            return ""

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server (SIGTERM, then SIGKILL after ``timeout``)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_path.unlink(missing_ok=True)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def server_command(store_dir, port: int, *, graph_file=None, endpoint: str | None = None, allow_update: bool = False,
                   extra: tuple[str, ...] = ()) -> list[str]:
    """The command line of a ``kg serve`` child."""
    cmd = [sys.executable, "-m", "kg.cli", "serve", "--port", str(port)]
    if endpoint is not None:
        cmd += ["--endpoint", endpoint]
    else:
        cmd += ["--graph", str(graph_file)] if graph_file is not None else ["--store", str(store_dir)]
    if allow_update:
        cmd.append("--allow-update")
    return cmd + list(extra)


def start_server(
    store_dir: str | os.PathLike = DEFAULT_STORE,
    port: int | None = None,
    *,
    allow_update: bool = False,
    graph_file: str | os.PathLike | None = None,
    endpoint: str | None = None,
    timeout: float = 60.0,
    extra: tuple[str, ...] = (),
) -> Server:
    """Start ``kg serve`` as a child process and wait until it answers a query; return the running ``Server``.

    Raises:
        StoreError: the child exited (its message is quoted) or did not answer within ``timeout`` seconds.
    """
    port = port or free_port()
    log_fd, log_name = tempfile.mkstemp(prefix="kg-serve-", suffix=".log")
    cmd = server_command(store_dir, port, graph_file=graph_file, endpoint=endpoint, allow_update=allow_update, extra=extra)
    with os.fdopen(log_fd, "wb") as log:
        process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = Server(process, port, Path(store_dir) if graph_file is None and endpoint is None else None, allow_update,
                    Path(log_name))
    deadline = time.monotonic() + timeout
    probe = server.query_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    while True:
        if process.poll() is not None:
            message = server.log() or "(no output)"
            server.stop()
            raise StoreError(f"kg serve exited ({process.returncode}): {message[-600:]}")
        if "kg serve (" in server.log():  # our child announced itself: the port is its own
            try:
                with urllib.request.urlopen(probe, timeout=5) as response:
                    if response.status == 200:
                        return server
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
        if time.monotonic() > deadline:
            message = server.log() or "(no output)"
            server.stop()
            raise StoreError(f"kg serve did not answer on port {port} in {timeout:.0f} s: {message[-600:]}")
        time.sleep(0.1)
