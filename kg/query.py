"""Run SPARQL questions against the store or a graph file, with safely bound parameters.

A query is a named query (a file stem in ``queries/``), a path to a ``.rq``
file, or inline SPARQL. Each named query starts with a header comment::

    # question: Everything an official did: the events they acted in.
    # param: person (zh) the official's name as written, e.g. 郭金江
    # param: threshold (decimal, default 0.7) facts below this confidence
    # columns: date, kinds, place, event, evidence

Parameter kinds: ``zh`` (a literal tagged ``@zh``, as every rdfs:label and
skos:altLabel in the graph is), ``string`` (a plain literal), ``decimal``,
``integer``, ``date`` (xsd:date) and ``iri`` (a full IRI or ``kgr:...``).
A value is turned into an RDF term by pyoxigraph and bound through a ``VALUES``
block placed at the start of the query's WHERE group, so it is data, never
query text: ``--param person='" } ; DROP ALL #'`` is just a name nobody has.
The same block also goes into each sub-select that projects the parameter where
that gives the same rows (see ``_pushdown_points``): Oxigraph evaluates a
sub-select before joining it, so a sub-select matching a name would otherwise
read every name.

Queries are read-only unless ``allow_update=True``; an update is recognised
from its first keyword, before anything runs.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from kg.errors import QueryError, QueryTooLarge
from kg.graphio import read_graph as load_graph_file
from kg.ontology import PREFIXES
from kg.store import DEFAULT_STORE, open_store

# The named queries ship in the package (queries/ of the repository, installed as kg.queries).
QUERIES_DIR = Path(str(resources.files("kg.queries")))
FORMATS = ("table", "csv", "tsv", "json")
PARAM_KINDS = ("zh", "string", "decimal", "integer", "date", "iri")
_PREFIXES = {k: str(v) for k, v in PREFIXES.items()}

_XSD = "http://www.w3.org/2001/XMLSchema#"
_QUERY_FORMS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}
_UPDATE_OPS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}

# A small SPARQL lexer: enough to skip comments, strings and IRIs while looking
# for the first keyword and the WHERE group's opening brace.
_TOKEN = re.compile(
    r'''(?P<ws>\s+)
      | (?P<comment>\#[^\n]*)
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
                   |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
      | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*)
      | (?P<other>.)''',
    re.X | re.S,
)
_HEADER = re.compile(r"^#\s*(question|param|columns|note)\s*:\s*(.*?)\s*$", re.I)
_PARAM = re.compile(r"^(\w+)\s*\((\w+)(?:\s*,\s*default\s+([^)]*?))?\s*\)\s*(.*)$")


@dataclass(frozen=True)
class Param:
    """A declared query parameter."""

    name: str
    kind: str
    default: str | None = None
    help: str = ""


@dataclass(frozen=True)
class NamedQuery:
    """A SPARQL query and what its header says about it."""

    name: str
    text: str
    origin: str  # file path, or "<inline>"
    question: str = ""
    params: tuple[Param, ...] = ()
    columns: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def is_update(self) -> bool:
        """True when the text is a SPARQL Update request, not a query."""
        return is_update(self.text)


@dataclass
class QueryResult:
    """Rows of a SELECT (terms or None), a boolean for ASK, triples for CONSTRUCT/DESCRIBE."""

    kind: str  # select | ask | graph | update
    columns: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    boolean: bool | None = None


# --------------------------------------------------------------------------- queries


def parse_header(text: str, origin: str) -> tuple[str, tuple[Param, ...], tuple[str, ...], tuple[str, ...]]:
    """Read the leading ``# key: value`` comment lines: question, params, columns, notes.

    Raises:
        QueryError: a ``# param:`` line is malformed or has an unknown kind.
    """
    question, params, columns, notes = "", [], [], []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if not line.startswith("#"):
            break
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m.group(1).lower(), m.group(2)
        if key == "question":
            question = value
        elif key == "columns":
            columns = [c.strip() for c in value.split(",") if c.strip()]
        elif key == "note":
            notes.append(value)
        elif key == "param":
            pm = _PARAM.match(value)
            if not pm:
                raise QueryError(f"{origin}: bad '# param:' line {value!r}; expected 'name (kind[, default V]) help'")
            name, kind, default, help_ = pm.groups()
            if kind not in PARAM_KINDS:
                raise QueryError(f"{origin}: parameter {name!r} has unknown kind {kind!r}; kinds: {', '.join(PARAM_KINDS)}")
            params.append(Param(name, kind, default, help_))
    return question, tuple(params), tuple(columns), tuple(notes)


def _from_text(name: str, text: str, origin: str) -> NamedQuery:
    question, params, columns, notes = parse_header(text, origin)
    return NamedQuery(name, text, origin, question, params, columns, notes)


def list_queries(directory: str | os.PathLike = QUERIES_DIR) -> list[NamedQuery]:
    """The named queries in ``directory`` (``*.rq``), sorted by name."""
    directory = Path(directory)
    return [
        _from_text(p.stem, p.read_text(encoding="utf-8"), str(p))
        for p in sorted(directory.glob("*.rq"))
    ]


def resolve_query(spec: str, directory: str | os.PathLike = QUERIES_DIR) -> NamedQuery:
    """Turn a query name, a ``.rq`` path or inline SPARQL into a ``NamedQuery``.

    Raises:
        QueryError: an unknown name (the message lists the named queries) or a
            missing ``.rq`` file.
    """
    spec = spec.strip()
    if not spec:
        raise QueryError("empty query; give a query name, a .rq file or SPARQL text")
    path = Path(spec)
    if spec.endswith(".rq") or ("\n" not in spec and _is_file(path)):
        if not path.is_file():
            raise QueryError(f"{spec}: no such query file")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise QueryError(f"{spec}: cannot read query: {e}") from e
        return _from_text(path.stem, text, spec)
    if re.fullmatch(r"[A-Za-z0-9_\-]+", spec):
        candidate = Path(directory) / f"{spec}.rq"
        if candidate.is_file():
            return _from_text(spec, candidate.read_text(encoding="utf-8"), str(candidate))
        names = ", ".join(q.name for q in list_queries(directory))
        raise QueryError(f"no named query {spec!r}; named queries: {names} (or give a .rq file or SPARQL text)")
    return _from_text("<inline>", spec, "<inline>")


def _is_file(path: Path) -> bool:
    """``path.is_file()``, False for text no file system takes as a name (too long, NUL, ...)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def with_projection(query: NamedQuery, *variables: str) -> NamedQuery:
    """Return ``query`` with ``variables`` added at the front of its outer SELECT's projection.

    The overview charts use it to get the IRI behind each row of a named query that
    shows labels only (``?org`` in money_by_organizer), so the numbers stay the named
    query's own.

    >>> q = with_projection(resolve_query("SELECT DISTINCT ?label WHERE { ?x rdfs:label ?label }"), "x")
    >>> q.text, q.columns
    ('SELECT DISTINCT ?x ?label WHERE { ?x rdfs:label ?label }', ('x',))

    Raises:
        QueryError: the query is not a SELECT, or a name is not a variable name.
    """
    keyword, toks = _first_keyword(query.text)
    if keyword != "SELECT":
        raise QueryError(f"{query.origin}: only a SELECT query takes extra columns")
    for v in variables:
        if not re.fullmatch(r"[A-Za-z_]\w*", v):
            raise QueryError(f"{v!r} is not a SPARQL variable name")
    at = toks[0][3]
    if len(toks) > 1 and toks[1][1].upper() in ("DISTINCT", "REDUCED"):
        at = toks[1][3]
    if len(toks) > 1 and toks[1][1] == "*" or len(toks) > 2 and toks[2][1] == "*":
        return query  # SELECT * projects every variable already
    text = query.text[:at] + "".join(f" ?{v}" for v in variables) + query.text[at:]
    return NamedQuery(query.name, text, query.origin, query.question, query.params,
                      tuple(variables) + tuple(query.columns), query.notes)


# --------------------------------------------------------------------------- lexing


def _tokens(text: str):
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind in ("ws", "comment"):
            continue
        yield kind, m.group(), m.start(), m.end()


def _first_keyword(text: str) -> tuple[str | None, list]:
    """Skip the prologue (BASE/PREFIX); return the first keyword and the remaining tokens."""
    toks = list(_tokens(text))
    i = 0
    while i < len(toks):
        kind, value, _, _ = toks[i]
        upper = value.upper()
        if kind == "word" and upper == "BASE":
            i += 2
        elif kind == "word" and upper == "PREFIX":
            # PREFIX pname: <iri>  (the pname is a word and ':' or just ':')
            i += 1
            while i < len(toks) and toks[i][0] != "iri":
                i += 1
            i += 1
        elif kind == "word":
            return upper, toks[i:]
        else:
            return None, toks[i:]
    return None, []


# Deeper nesting than this is no question a person asks, and the engine's recursive
# parser can overflow its stack on thousands of levels: refuse it before it gets there.
MAX_NESTING = 64
_OPENERS, _CLOSERS = "({[", ")}]"


def guard_query(text: str, origin: str = "<inline>", *, allow_service: bool = False) -> None:
    """Refuse a query before the engine sees it: nesting deeper than ``MAX_NESTING``
    brackets, or a ``SERVICE`` clause (a federated query makes this process send HTTP
    requests to any address) unless ``allow_service``.

    >>> guard_query("SELECT * WHERE { ?s ?p ?o }")
    >>> guard_query("SELECT * WHERE { SERVICE <http://10.0.0.1/sparql> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: <inline>: SERVICE (federated query) is refused; it would send requests to other servers (allow it with --allow-service)

    Raises:
        QueryError: naming ``origin`` and what was refused.
    """
    depth = deepest = 0
    for kind, value, _, _ in _tokens(text):
        if kind == "other":
            if value in _OPENERS:
                depth += 1
                deepest = max(deepest, depth)
                if deepest > MAX_NESTING:
                    raise QueryError(
                        f"{origin}: the query nests brackets more than {MAX_NESTING} deep; refused before it runs"
                    )
            elif value in _CLOSERS:
                depth -= 1
        elif kind == "word" and value.upper() == "SERVICE" and not allow_service:
            raise QueryError(
                f"{origin}: SERVICE (federated query) is refused; it would send requests to other servers "
                "(allow it with --allow-service)"
            )


def is_update(text: str) -> bool:
    """True when ``text`` is a SPARQL Update request (its first keyword is an update operation)."""
    keyword, _ = _first_keyword(text)
    return keyword in _UPDATE_OPS


def _where_brace(text: str, origin: str) -> int:
    """Offset just after the opening brace of the query's WHERE group."""
    keyword, toks = _first_keyword(text)
    if keyword not in _QUERY_FORMS:
        raise QueryError(f"{origin}: parameters need a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    i = 1
    if keyword == "CONSTRUCT" and i < len(toks) and toks[i][1] == "{":
        depth = 0
        while i < len(toks):  # skip the template
            if toks[i][1] == "{":
                depth += 1
            elif toks[i][1] == "}":
                depth -= 1
                if depth == 0:
                    i += 1
                    break
            i += 1
    parens = 0
    for _, value, _, end in toks[i:]:
        if value == "(":
            parens += 1
        elif value == ")":
            parens -= 1
        elif value == "{" and parens == 0:
            return end
    raise QueryError(f"{origin}: parameters need a WHERE {{ ... }} group to bind them in")


# --------------------------------------------------------------------------- binding


def make_term(kind: str, value: str, name: str = "value"):
    """Turn a parameter value into an RDF term of the declared kind.

    Raises:
        QueryError: the value is not a valid decimal, integer, date or IRI.
    """
    if kind == "zh":
        return ox.Literal(value, language="zh")
    if kind == "string":
        return ox.Literal(value)
    if kind == "decimal":
        try:
            d = Decimal(value.strip())
        except InvalidOperation:
            raise QueryError(f"parameter {name}: {value!r} is not a decimal number") from None
        if not d.is_finite():
            raise QueryError(f"parameter {name}: {value!r} is not a finite decimal")
        return ox.Literal(format(d, "f"), datatype=ox.NamedNode(_XSD + "decimal"))
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", value.strip()):
            raise QueryError(f"parameter {name}: {value!r} is not an integer")
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(_XSD + "integer"))
    if kind == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            raise QueryError(f"parameter {name}: {value!r} is not a date (YYYY-MM-DD)")
        return ox.Literal(value.strip(), datatype=ox.NamedNode(_XSD + "date"))
    if kind == "iri":
        iri = value.strip()
        prefix, _, local = iri.partition(":")
        if prefix in _PREFIXES and not local.startswith("//"):
            iri = _PREFIXES[prefix] + local
        try:
            return ox.NamedNode(iri)
        except ValueError as e:
            raise QueryError(f"parameter {name}: {value!r} is not an IRI: {e}") from e
    raise QueryError(f"parameter {name}: unknown kind {kind!r}; kinds: {', '.join(PARAM_KINDS)}")


def bind_params(query: NamedQuery, params: Mapping[str, str] | None = None) -> str:
    """Return the query text with ``params`` bound in a VALUES block at the start of its WHERE group.

    A name may carry its kind (``person:zh=郭金江``) for queries whose header does
    not declare it; undeclared parameters of header-less queries are bound as the
    named queries bind names, ``@zh`` literals (every name and label in the graph is
    one): ``person:string=...`` gives a plain string.

    Raises:
        QueryError: an unknown or missing parameter, a bad value, or a parameter
            the query does not use.
    """
    params = dict(params or {})
    declared = {p.name: p for p in query.params}
    terms: dict[str, object] = {}
    for raw_name, value in params.items():
        name, _, kind = raw_name.partition(":")
        if name in declared:
            kind = kind or declared[name].kind
        elif query.params or query.question:  # a query with a header declares all it takes
            allowed = ", ".join(declared) or "none"
            raise QueryError(f"{query.origin}: unknown parameter {name!r} (parameters: {allowed})")
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise QueryError(f"parameter name {name!r} is not a SPARQL variable name")
        terms[name] = make_term(kind or "zh", value, name)
    for p in query.params:
        if p.name not in terms:
            if p.default is None:
                raise QueryError(f"{query.origin}: parameter {p.name!r} is required ({p.help}); pass --param {p.name}=VALUE")
            terms[p.name] = make_term(p.kind, p.default, p.name)
    if not terms:
        return query.text
    for name in terms:
        if not re.search(rf"[?$]{name}\b", query.text):
            raise QueryError(f"{query.origin}: the query does not use ?{name}")
    names = sorted(terms)
    block = _values_block(names, terms)
    _check_roundtrip(block, names, terms)
    at = _where_brace(query.text, query.origin)
    inserts = [(at, block)] + [
        (offset, _values_block(sub, terms)) for offset, sub in _pushdown_points(query.text, at, names)]
    text = query.text
    for offset, values in sorted(inserts, reverse=True):
        text = text[:offset] + values + text[offset:]
    return text


def _values_block(names: Sequence[str], terms: Mapping[str, object]) -> str:
    return f" VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(str(terms[n]) for n in names)}) }} "


# Groups opened after these keywords are not joined with the group around them (their
# rows depend on it), so a parameter's binding cannot move into them.
_NOT_JOINED = {"OPTIONAL", "MINUS", "EXISTS", "SERVICE"}


@dataclass
class _SubSelect:
    projected: set[str] | None  # plain ?variables of the projection; None for SELECT *
    parent: _SubSelect | None
    joined: bool  # reached from the parent's WHERE group through joins and UNIONs only
    where: int = -1  # offset just after the opening brace of its WHERE group
    depth: int = 0  # brace depth of that group
    end: int = -1  # offset just after its closing brace
    limited: bool = False  # LIMIT or OFFSET after its WHERE group


def _pushdown_points(text: str, start: int, names: Sequence[str]) -> list[tuple[int, list[str]]]:
    """Where else a parameter's VALUES block goes: the WHERE group of each sub-select that projects it.

    The block at the start of the query's WHERE group is a join, and Oxigraph evaluates a
    sub-select on its own before joining: a sub-select that matches a name would find every
    name first. Binding the parameter inside the sub-select too gives the same rows when the
    sub-select projects the variable as it is (not ``AS ?v``), has no LIMIT or OFFSET, and is
    reached from the enclosing WHERE group through joins and UNIONs only (not OPTIONAL, MINUS,
    EXISTS or SERVICE, not inside an expression), and so is each sub-select around it.
    """
    toks = [t for t in _tokens(text) if t[2] >= start]
    subs: list[_SubSelect] = []
    frames: list[tuple[bool, _SubSelect | None]] = [(True, None)]  # per open brace: joined, sub-select owning it
    pending: str | None = None  # a keyword whose group the next brace opens
    collecting: _SubSelect | None = None  # a sub-select whose projection is being read
    closed: list[_SubSelect] = []  # sub-selects whose WHERE group just closed (modifiers follow)
    parens = 0
    values_depth = None
    i = 0
    while i < len(toks):
        kind, value, _, end = toks[i]
        upper = value.upper() if kind == "word" else value
        if values_depth is not None:  # inside a VALUES data block
            if value == "{":
                values_depth += 1
            elif value == "}":
                values_depth -= 1
                if values_depth == 0:
                    values_depth = None
            i += 1
            continue
        if collecting is not None:  # SELECT [DISTINCT] ?a ?b (expr AS ?c) ... WHERE? {
            if value == "(":
                parens += 1
            elif value == ")":
                parens -= 1
            elif parens == 0 and value == "*":
                collecting.projected = None
            elif parens == 0 and value in "?$" and i + 1 < len(toks) and collecting.projected is not None:
                collecting.projected.add(toks[i + 1][1])
                i += 1
            elif parens == 0 and value == "{":
                collecting.where, collecting.depth = end, len(frames)
                frames.append((True, collecting))
                collecting = None
            i += 1
            continue
        if kind == "word" and upper in ("LIMIT", "OFFSET"):
            for sub in closed:
                sub.limited = True
        elif kind == "word" and upper == "SELECT":
            owner = next((f[1] for f in reversed(frames) if f[1] is not None), None)
            around = frames[owner.depth:] if owner is not None else frames  # groups since the owner's WHERE
            collecting = _SubSelect(set(), owner, parens == 0 and all(joined for joined, _ in around))
            subs.append(collecting)
            closed = []
        elif kind == "word" and upper == "VALUES":
            j = i + 1
            while j < len(toks) and toks[j][1] != "{":
                j += 1
            values_depth, i = 1, j + 1
            continue
        elif kind == "word" and upper in _NOT_JOINED:
            pending = upper
        elif value == "(":
            parens += 1
        elif value == ")":
            parens -= 1
        elif value == "{":
            frames.append((pending is None and parens == 0, None))
            pending = None
            closed = []
        elif value == "}":
            if len(frames) == 1:
                break  # the end of the query's WHERE group
            _, owner = frames.pop()
            closed = []
            if owner is not None:
                owner.end = end
                closed = [owner]
        i += 1
    points = []
    for sub in subs:
        chain, ok, node = [], True, sub
        while node is not None:
            ok = ok and node.joined and not node.limited and node.end >= 0
            chain.append(node)
            node = node.parent
        if not ok:
            continue
        pushed = [n for n in names if all(c.projected is None or n in c.projected for c in chain)
                  and re.search(rf"[?$]{n}\b", text[sub.where:sub.end])]
        if pushed:
            points.append((sub.where, pushed))
    return points


def _check_roundtrip(block: str, names: list[str], terms: Mapping[str, object]) -> None:
    # Defence in depth: the VALUES block alone must read back as exactly the given terms.
    probe = ox.Store()
    try:
        rows = list(probe.query(f"SELECT * WHERE {{{block}}}"))
    except SyntaxError as e:  # pragma: no cover - pyoxigraph escapes every term
        raise QueryError(f"cannot bind parameters: {e}") from e
    if len(rows) != 1 or any(rows[0][n] != terms[n] for n in names):  # pragma: no cover
        raise QueryError("cannot bind parameters: a value did not survive escaping")


# --------------------------------------------------------------------------- running


def run_query(
    spec: str | NamedQuery,
    params: Mapping[str, str] | None = None,
    *,
    store: ox.Store | None = None,
    graph_file: str | os.PathLike | None = None,
    store_dir: str | os.PathLike = DEFAULT_STORE,
    allow_update: bool = False,
    allow_service: bool = False,
) -> QueryResult:
    """Run a query against ``store``, else a graph file, else the store at ``store_dir``.

    Queries read the store's default graph: the union of the article graphs,
    each triple once (see kg.store). ``store`` may be a ``kg.endpoint.Endpoint``:
    the query then runs on a SPARQL server over the SPARQL 1.1 Protocol, its
    parameters bound by the same VALUES block (terms written by pyoxigraph).

    Raises:
        QueryError: an update without ``allow_update``, an update on a graph file,
            a syntax error (with the query's origin), or a bad parameter.
        StoreError, InputError: the store or graph file cannot be opened.
    """
    query = spec if isinstance(spec, NamedQuery) else resolve_query(spec)
    update = query.is_update
    if update and not allow_update:
        raise QueryError(f"{query.origin}: this is a SPARQL Update; the store is read-only unless --allow-update is given")
    if update and graph_file is not None and store is None:
        raise QueryError(f"{graph_file}: updates apply to the store, not to a graph file")
    if update and params:
        raise QueryError(f"{query.origin}: parameters are not supported in updates")
    guard_query(query.text, query.origin, allow_service=allow_service)  # before any store is opened
    if store is None:
        store = load_graph_file(graph_file) if graph_file is not None else open_store(store_dir, read_only=not update, create=False)
    return execute(store, query, params, allow_update=allow_update, allow_service=allow_service)


def execute(
    store: ox.Store,
    query: NamedQuery,
    params: Mapping[str, str] | None = None,
    *,
    allow_update: bool = False,
    allow_service: bool = False,
    max_rows: int | None = None,
) -> QueryResult:
    """Guard, bind and run ``query`` on ``store``; read at most ``max_rows`` rows (more is an error).

    ``store`` is a ``pyoxigraph.Store`` or anything with its ``query`` and ``update``
    (a ``kg.endpoint.Endpoint``, which sends the bound text to a SPARQL server).

    Raises:
        QueryError: refused by guard_query, an update without ``allow_update``, a bad
            parameter, a syntax or evaluation error; QueryTooLarge when
            the result has more than ``max_rows`` rows or triples.
    """
    update = query.is_update
    if update and not allow_update:
        raise QueryError(f"{query.origin}: this is a SPARQL Update; the store is read-only unless --allow-update is given")
    guard_query(query.text, query.origin, allow_service=allow_service)
    text = query.text if update else bind_params(query, params)
    limit = None if max_rows is None else max_rows + 1
    try:
        if update:
            store.update(text, prefixes=_PREFIXES)
            return QueryResult("update")
        answer = store.query(text, prefixes=_PREFIXES)
        # results are computed lazily: errors can come while they are read, so read them here
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult("ask", boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            columns = [v.value for v in answer.variables]
            rows = [tuple(sol[c] for c in columns) for sol in islice(answer, limit)]
            _check_size(query, rows, max_rows, "rows")
            return QueryResult("select", columns, rows)
        triples = list(islice(answer, limit))
        _check_size(query, triples, max_rows, "triples")
        triples.sort(key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    except SyntaxError as e:
        raise QueryError(f"{query.origin}: SPARQL syntax error: {e}") from e
    except (OSError, RuntimeError, ValueError) as e:
        raise QueryError(f"{query.origin}: query failed: {e}") from e
    return QueryResult("graph", ["subject", "predicate", "object"], [(t.subject, t.predicate, t.object) for t in triples])


def _check_size(query: NamedQuery, items: list, max_rows: int | None, what: str) -> None:
    if max_rows is not None and len(items) > max_rows:
        raise QueryTooLarge(f"{query.origin}: the result has more than {max_rows} {what}, the limit; "
                            "narrow the query (LIMIT, FILTER)")


# --------------------------------------------------------------------------- output


def compact(term) -> str:
    """A readable cell: ``kgr:org/大兴区总工会`` for IRIs, the lexical value for literals."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        iri = term.value
        for prefix, ns in sorted(_PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{prefix}:{iri[len(ns):]}"
        return f"<{iri}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def plain(term) -> str:
    """A CSV/TSV cell: the full IRI, or a literal's lexical value (SPARQL 1.1 CSV style)."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != _XSD + "string":
        out["datatype"] = term.datatype.value
    return out


def format_result(result: QueryResult, fmt: str = "table", width: int | None = None) -> str:
    """Render a result: a rich table, CSV, TSV (plain values) or SPARQL 1.1 Query Results JSON.

    Raises:
        QueryError: an unknown format.
    """
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    if result.kind == "update":
        return "" if fmt != "json" else json.dumps({"update": "done"})
    if result.kind == "ask":
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": result.boolean})
        return "true" if result.boolean else "false"
    if fmt == "json":
        bindings = [
            {c: _json_term(t) for c, t in zip(result.columns, row) if t is not None}
            for row in result.rows
        ]
        return json.dumps({"head": {"vars": result.columns}, "results": {"bindings": bindings}},
                          ensure_ascii=False, indent=1)
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        if fmt == "csv":
            writer = csv.writer(buf, lineterminator="\r\n")
            writer.writerow(result.columns)
            writer.writerows([plain(t) for t in row] for row in result.rows)
        else:
            esc = lambda s: s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
            buf.write("\t".join(result.columns) + "\n")
            for row in result.rows:
                buf.write("\t".join(esc(plain(t)) for t in row) + "\n")
        return buf.getvalue()
    return _table(result, width)


def _table(result: QueryResult, width: int | None) -> str:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False, caption=f"{len(result.rows)} row{'s' if len(result.rows) != 1 else ''}")
    for c in result.columns:
        table.add_column(c, overflow="fold")
    for row in result.rows:
        table.add_row(*(compact(t) for t in row))
    buf = io.StringIO()
    Console(file=buf, width=width or 160, color_system=None, force_terminal=False).print(table)
    return buf.getvalue().rstrip("\n")


def format_listing(queries: Sequence[NamedQuery]) -> str:
    """One line per named query: its name, parameters and question."""
    lines = []
    for q in queries:
        params = " ".join(f"--param {p.name}=…" if p.default is None else f"[--param {p.name}={p.default}]" for p in q.params)
        lines.append(f"{q.name:<22} {q.question}" + (f"  ({params})" if params else ""))
    return "\n".join(lines)


def parse_param_args(items: Sequence[str]) -> dict[str, str]:
    """Parse ``name=value`` strings (from ``--param``) into a dict.

    Raises:
        QueryError: an item without ``=`` or a name given twice.
    """
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise QueryError(f"--param {item!r}: expected name=value")
        if name in out:
            raise QueryError(f"--param {name} given twice")
        out[name] = value
    return out
