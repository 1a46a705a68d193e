"""Graph files: the one table of formats, and the one way to read and write them.

Every command that reads a graph file (``kg query``, ``kg stats``, ``kg viz``,
``kg validate``, ``kg eval``, ``kg serve``) or writes one (``kg build -o``,
``kg export``) goes through this module, so they accept the same suffixes:

======================  =========  ==============================
suffix                  format     holds
======================  =========  ==============================
.ttl .turtle            Turtle     the union graph
.nt .ntriples           N-Triples  the union graph
.jsonld .json           JSON-LD    the union graph
.trig                   TriG       one named graph per article
.nq .nquads             N-Quads    one named graph per article
======================  =========  ==============================

Graphs are read into an in-memory Oxigraph store whose default graph is the
union of the article graphs (as in the on-disk store), and written by
Oxigraph from sorted statements, so the same graph always gives the same bytes.
"""
from __future__ import annotations

import glob
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from kg.errors import InputError
from kg.ontology import PREFIXES


class Format(NamedTuple):
    """One graph file format: its name, Oxigraph's format and whether it holds named graphs."""

    name: str
    rdf: ox.RdfFormat
    quads: bool


_TURTLE = Format("Turtle", ox.RdfFormat.TURTLE, False)
_NT = Format("N-Triples", ox.RdfFormat.N_TRIPLES, False)
_JSONLD = Format("JSON-LD", ox.RdfFormat.JSON_LD, False)
_TRIG = Format("TriG", ox.RdfFormat.TRIG, True)
_NQ = Format("N-Quads", ox.RdfFormat.N_QUADS, True)

#: The one table of graph file formats, by suffix.
FORMATS: dict[str, Format] = {
    ".ttl": _TURTLE, ".turtle": _TURTLE,
    ".nt": _NT, ".ntriples": _NT,
    ".jsonld": _JSONLD, ".json": _JSONLD,
    ".trig": _TRIG,
    ".nq": _NQ, ".nquads": _NQ,
}


def format_for(path: str | os.PathLike) -> Format:
    """The format a graph file's suffix names.

    Raises:
        InputError: the suffix is not one of FORMATS (the message lists them).

    >>> format_for("out/graph.json").name
    'JSON-LD'
    """
    suffix = Path(path).suffix.lower()
    try:
        return FORMATS[suffix]
    except KeyError:
        raise InputError(f"{path}: unknown graph format {suffix or '(no suffix)'!r}; "
                         f"use one of {' '.join(FORMATS)}") from None


# --------------------------------------------------------------------------- reading


def read_graph(paths: str | os.PathLike | Iterable[str | os.PathLike], *, union: bool = True) -> ox.Store:
    """Read one or more graph files into a new in-memory store.

    Triples go to the default graph; the named graphs of TriG and N-Quads files
    stay named graphs and the default graph becomes their union, as in the
    on-disk store (with ``union=False`` it stays as the files have it).

    Raises:
        InputError: a file is missing, has an unknown suffix or does not parse
            (the message names the file and the parser's position).
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    store = ox.Store()
    quads = False
    for path in map(Path, paths):
        fmt = format_for(path)
        if not path.is_file():
            raise InputError(f"{path}: no such graph file")
        try:
            store.bulk_load(path=str(path), format=fmt.rdf)
        except (SyntaxError, ValueError, OSError) as e:
            raise InputError(f"{path}: cannot read graph: {e}") from e
        quads = quads or fmt.quads
    if quads and union:
        store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    return store


def triple_count(store: ox.Store) -> int:
    """The number of triples in the store's default graph."""
    return len(store.query("SELECT * WHERE { ?s ?p ?o }"))


def to_rdflib(store: ox.Store):
    """The default graph of ``store`` as an rdflib Graph, for libraries that need one (pyshacl)."""
    import rdflib

    from kg.ontology import bind_prefixes

    g = bind_prefixes(rdflib.Graph())
    data = ox.serialize(store.quads_for_pattern(None, None, None, ox.DefaultGraph()), format=ox.RdfFormat.N_QUADS)
    if data:
        g.parse(data=data.decode("utf-8"), format="nt")
    return g


# --------------------------------------------------------------------------- writing


def to_ox_term(term, scope: str = ""):
    """An rdflib term as an Oxigraph term; blank nodes are scoped by ``scope`` (an article's id)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(f"a{scope}x{term}" if scope else str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise InputError(f"cannot write RDF term {term!r}")


def statement_key(statement) -> tuple[str, ...]:
    """The sort key of a triple or quad: graph name first, then subject, predicate, object."""
    if isinstance(statement, ox.Quad):
        return (str(statement.graph_name), str(statement.subject), str(statement.predicate), str(statement.object))
    return ("", str(statement.subject), str(statement.predicate), str(statement.object))


def write_graph_file(path: str | os.PathLike, triples: Iterable, quads: Iterable | None = None) -> int:
    """Write a graph to ``path`` in the format its suffix names; return the statements written.

    ``triples`` (``ox.Triple``) are the union graph, written to Turtle, N-Triples
    and JSON-LD; ``quads`` (``ox.Quad``, one named graph per article) are written
    to TriG and N-Quads (and must be given for those). Statements are sorted, so
    the same graph always gives the same bytes; the file is replaced atomically.
    """
    path = Path(path)
    fmt = format_for(path)
    if fmt.quads:
        if quads is None:
            raise InputError(f"{path}: {fmt.name} needs the named graphs")
        statements = sorted(quads, key=statement_key)
    else:
        statements = sorted(set(triples), key=statement_key)
    return write_sorted(path, statements)


def write_sorted(path: str | os.PathLike, statements: Iterable) -> int:
    """Write statements already sorted by ``statement_key``, each once, to ``path``; return how many.

    The statements are ``ox.Quad`` for TriG and N-Quads, ``ox.Triple`` otherwise.
    They are streamed to Oxigraph's writer (an iterator is never held whole); the
    file is replaced atomically.
    """
    path = Path(path)
    fmt = format_for(path)
    # kgr: is left out: instance IRIs contain "/", which Turtle would escape (kgr:org\/...).
    prefixes = ({k: str(v) for k, v in PREFIXES.items() if k != "kgr"}
                if fmt.rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None)
    count = 0

    def counted():
        nonlocal count
        for s in statements:
            count += 1
            yield s

    write_atomic(path, lambda out: ox.serialize(counted(), out, fmt.rdf, prefixes=prefixes))
    return count


def check_output(path: str | os.PathLike) -> Path:
    """Check before any work that ``path`` can be written as a graph file; return it.

    Raises:
        InputError: unknown suffix, the path is a folder, or its parent is a file
            or cannot be created.
    """
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give a file name such as {path / 'graph.ttl'}")
    format_for(path)
    parent = path.parent
    for p in (parent, *parent.parents):
        if p.exists():
            if not p.is_dir():
                raise InputError(f"{path}: {p} is a file, not a folder")
            if not os.access(p, os.W_OK | os.X_OK):
                raise InputError(f"{path}: cannot write in {p}")
            break
    return path


def remove_stale_temps(path: Path) -> list[Path]:
    """Remove the temporary files a killed writer of ``path`` left beside it; return them.

    Temporary names carry the writer's process id (``.graph.ttl.<pid>.<random>.tmp``):
    a file whose process is gone is stale; one whose process runs is left alone.
    A folder of that name holds a build's sorted runs (kg.spill) and goes the same way.
    """
    removed = []
    for tmp in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        pid = tmp.name[len(path.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            if tmp.is_dir():
                shutil.rmtree(tmp, ignore_errors=True)
            else:
                tmp.unlink(missing_ok=True)
            removed.append(tmp)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | os.PathLike, write: Callable) -> None:
    """Write a file through ``write(binary_file)`` to a temporary name beside it, then rename it.

    The file gets the mode a newly created file gets under the current umask
    (mkstemp would leave it 0600); on any error the temporary file is removed and
    the old file, if any, is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------- rdflib, where a library needs it


def from_rdflib(graph) -> ox.Store:
    """An rdflib Graph as a new in-memory Oxigraph store (its triples in the default graph)."""
    store = ox.Store()
    data = graph.serialize(format="nt", encoding="utf-8")
    if data.strip():
        store.load(data, format=ox.RdfFormat.N_TRIPLES)
    return store


def to_rdflib_term(term):
    """An Oxigraph term as an rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise InputError(f"cannot convert RDF term {term!r}")
