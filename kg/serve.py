"""A SPARQL 1.1 Protocol endpoint over the store, served by the Oxigraph server.

``kg serve`` runs the ``oxigraph`` package's server on 127.0.0.1 against the
store directory: ``serve-read-only`` by default, ``serve`` (which also accepts
SPARQL Update at ``/update``) with ``allow_update=True``. The default graph is
the union of the article graphs (each triple once), as in ``kg query``; the
article graphs are named graphs (``GRAPH ?article { ... }``).

An update sent to ``/update`` must keep that layout (write to an article graph
and the default graph alike); ``kg build`` and ``kg remove`` do it for you.

Endpoints: ``http://127.0.0.1:PORT/query`` (GET ``?query=`` or POST),
``/update`` when updates are allowed; results in the format the ``Accept``
header asks for (``application/sparql-results+json``, ``text/csv`` ...).

The read-only server must not run while another process writes the same store
(``kg build``, ``kg remove``): stop it first, or serve a copy made with
``kg export`` and ``--graph``.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import StoreError
from kg.store import DEFAULT_STORE, format_for, load_graph_file

HOST = "127.0.0.1"


@dataclass
class Server:
    """A running Oxigraph server process and where to reach it."""

    process: subprocess.Popen
    port: int
    store_dir: Path
    allow_update: bool
    log_path: Path
    _scratch: tempfile.TemporaryDirectory | None = field(default=None, repr=False)

    @property
    def query_url(self) -> str:
        """The SPARQL query endpoint."""
        return f"http://{HOST}:{self.port}/query"

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server (SIGTERM, then SIGKILL after ``timeout``) and remove any scratch store."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None
        self.log_path.unlink(missing_ok=True)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def oxigraph_binary() -> str:
    """Path of the ``oxigraph`` server executable (from the ``oxigraph`` package).

    Raises:
        StoreError: it is not installed.
    """
    beside = Path(sys.executable).parent / ("oxigraph.exe" if os.name == "nt" else "oxigraph")
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise StoreError("the oxigraph server is not installed; run `pip install oxigraph`")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def server_command(store_dir: str | os.PathLike, port: int, allow_update: bool = False) -> list[str]:
    """The command line that serves ``store_dir`` on 127.0.0.1:``port``."""
    mode = "serve" if allow_update else "serve-read-only"
    return [oxigraph_binary(), mode, "--location", str(store_dir), "--bind", f"{HOST}:{port}"]


def start_server(
    store_dir: str | os.PathLike = DEFAULT_STORE,
    port: int | None = None,
    *,
    allow_update: bool = False,
    graph_file: str | os.PathLike | None = None,
    timeout: float = 30.0,
) -> Server:
    """Start the endpoint and wait until it answers a query; return the running ``Server``.

    With ``graph_file`` the file is loaded into a scratch store that is removed
    when the server stops (updates, if allowed, go to that copy only).

    Raises:
        StoreError: no store at ``store_dir``, the server is missing, or it exited
            or did not answer within ``timeout`` seconds (its log is quoted).
    """
    scratch = None
    if graph_file is not None:
        format_for(graph_file)  # a clear error for an unknown suffix, before any work
        scratch = tempfile.TemporaryDirectory(prefix="kg-serve-")
        store_dir = Path(scratch.name) / "store"
        _copy_file_to_store(graph_file, store_dir)
    store_dir = Path(store_dir)
    if not (store_dir / "CURRENT").exists():
        if scratch:
            scratch.cleanup()
        raise StoreError(f"{store_dir}: no store here; run `kg build PATH... --store {store_dir}` first")
    port = port or free_port()
    log_fd, log_name = tempfile.mkstemp(prefix="kg-serve-", suffix=".log")
    cmd = server_command(store_dir, port, allow_update)
    with os.fdopen(log_fd, "wb") as log:
        process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = Server(process, port, store_dir, allow_update, Path(log_name), scratch)
    deadline = time.monotonic() + timeout
    probe = server.query_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    while True:
        if process.poll() is not None:
            server.stop()
            raise StoreError(f"{store_dir}: the oxigraph server exited ({process.returncode}): {_tail(server.log_path)}")
        try:
            with urllib.request.urlopen(probe, timeout=2) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise StoreError(f"{store_dir}: the oxigraph server did not answer on port {port} in {timeout:.0f} s: {_tail(server.log_path)}")
        time.sleep(0.1)


def _copy_file_to_store(graph_file: str | os.PathLike, store_dir: Path) -> None:
    import pyoxigraph as ox

    memory = load_graph_file(graph_file)
    disk = ox.Store(str(store_dir))
    disk.bulk_extend(memory.quads_for_pattern(None, None, None, None))
    disk.flush()
    del disk  # release the lock before the server opens the directory


def _tail(path: Path, limit: int = 600) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return "(no log)"
    return text[-limit:] or "(no output)"
