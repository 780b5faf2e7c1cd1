"""Events → RDF: the namespaces, the one IRI minter, the mapping to quads, and SHACL validation.

Pure functions over :mod:`service.model` records and pyoxigraph terms. This package must
not touch the store, the extractor, the web layer or the file system beyond reading the
ontology and shapes in ``ontology/``; it builds RDF terms and never concatenates RDF text.
"""
