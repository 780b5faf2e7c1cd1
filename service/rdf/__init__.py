"""Events → RDF: the namespaces, the one IRI minter, the mapping to quads, and SHACL validation.

Pure functions over :mod:`service.model` records and pyoxigraph terms: it reads no file but the
ontology and shapes in ``ontology/``, and builds RDF terms, never concatenating RDF text. This
package must not import the store, the extractor, the document readers, Flask, the web layer or the CLI.
"""
