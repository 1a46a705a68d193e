"""The ontology (kg.ttl) and its SHACL shapes (shapes.ttl), shipped in the package as kg.ontology_files."""
