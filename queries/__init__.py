"""The named SPARQL queries (*.rq), shipped in the package as kg.queries."""
