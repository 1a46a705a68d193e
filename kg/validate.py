"""Check a graph against the ontology's SHACL shapes (ontology/shapes.ttl).

The ontology (ontology/kg.ttl) is mixed into a copy of the data so that
``sh:class`` sees subclasses; no inference runs, because the graph states its
types explicitly and the shapes check that it does.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

from rdflib import Graph

from kg.errors import KGError
from kg.ontology import bind_prefixes

# The ontology ships in the package (ontology/ of the repository, installed as kg.ontology_files).
ONTOLOGY_DIR = Path(str(resources.files("kg.ontology_files")))
ONTOLOGY_FILE = ONTOLOGY_DIR / "kg.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"


def _parse(path: Path) -> Graph:
    """Parse the Turtle file at ``path`` into a new graph with the project prefixes."""
    if not path.is_file():
        raise KGError(f"{path}: ontology file not found (the kg-news installation is incomplete; reinstall it)")
    graph = bind_prefixes(Graph())
    try:
        graph.parse(path, format="turtle")
    except Exception as e:  # rdflib raises several unrelated types for bad Turtle
        raise KGError(f"{path}: cannot parse: {e}") from e
    return graph


def load_ontology() -> Graph:
    """Return a new graph holding the OWL/RDFS ontology (ontology/kg.ttl)."""
    return _parse(ONTOLOGY_FILE)


def load_shapes() -> Graph:
    """Return a new graph holding the SHACL shapes (ontology/shapes.ttl)."""
    return _parse(SHAPES_FILE)


def validate(data_graph: Graph) -> tuple[bool, str]:
    """Validate ``data_graph`` against the shapes; return ``(conforms, report text)``.

    The data graph is not modified.

    >>> from rdflib import Graph
    >>> validate(Graph())[0]
    True
    """
    conforms, _results_graph, results_text = _shacl(data_graph, "kg validate needs")
    return bool(conforms), str(results_text)


def shacl_results(store):
    """Validate the default graph of an Oxigraph ``store``; return the SHACL results graph as a new store.

    The results graph holds one ``sh:ValidationResult`` per violation (focus node, path,
    message, value), for reports that place each violation (kg.report).

    Raises:
        KGError: pySHACL is not installed (the message names the extra).
    """
    from kg.graphio import from_rdflib, to_rdflib

    _conforms, results_graph, _text = _shacl(to_rdflib(store), "SHACL checks need")
    return from_rdflib(results_graph)


def _shacl(data_graph: Graph, who: str):
    """pySHACL over ``data_graph`` with the shapes and the ontology: (conforms, results graph, text)."""
    try:
        from pyshacl import validate as shacl_validate  # heavy import, only when validating
    except ImportError as e:
        raise KGError(f"{who} pySHACL, installed with the 'shacl' extra: pip install 'kg-news[shacl]'") from e
    return shacl_validate(
        data_graph,
        shacl_graph=load_shapes(),
        ont_graph=load_ontology(),
        inference="none",
        abort_on_first=False,
        allow_warnings=False,
        meta_shacl=False,
        advanced=False,
        inplace=False,
    )
