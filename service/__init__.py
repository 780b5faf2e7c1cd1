"""Eventgraph: documents → events, actors and aid → RDF in Oxigraph → SPARQL and a timeline."""

__version__ = "0.1.0"
