"""SPARQL logic without Flask: protocol parsing, content negotiation, service description,
statistics and the named-query library. The web layer and the CLI call into it."""
