"""SPARQL logic without Flask: protocol parsing, content negotiation, service description,
statistics and the named-query library. The web layer and the CLI call into it.

It must not import Flask, the web layer or the CLI."""
