"""One article in, one RDF graph out: normalize -> segment -> extract -> RDF.

``process_document`` is a pure function of its input, so a process pool (or Dask, or
Spark) can run it over any number of articles; the corpus graph is the union of the
article graphs.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from rdflib import Graph, URIRef

from kg.aliases import AliasTable
from kg.extract import extract
from kg.model import Article, Document, Extraction
from kg.normalize import normalize
from kg.rdf import article_iri, to_graph
from kg.segment import split_sentences


@dataclass(frozen=True)
class ArticleResult:
    """The graph of one article, with the keys a store needs to replace it idempotently."""

    article_iri: URIRef
    content_hash: str
    source_path: str
    graph: Graph


def prepare(doc: Document) -> Article:
    """Normalize a document's text and split it into sentences."""
    text = normalize(doc.text)
    h = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Article(doc, text, h, split_sentences(text))


def extract_document(doc: Document, aliases: AliasTable | None = None) -> Extraction:
    """Return the extraction of one document (useful for inspection and tests)."""
    return extract(prepare(doc), aliases)


def process_document(doc: Document, aliases: AliasTable | None = None) -> ArticleResult:
    """Return the RDF graph of one document (with the user's alias table, when given)."""
    ex = extract_document(doc, aliases)
    return ArticleResult(article_iri(ex.article.content_hash), ex.article.content_hash,
                         doc.source_path, to_graph(ex))
