"""The timeline's core: the SPARQL behind the timeline, the documents view and the JSON API.

It reads filters from plain mappings, asks the store with SPARQL (every value bound as an
RDF term, never pasted in as text), and assembles the project's event JSON from the rows.
The store stays the only copy of the data: nothing here caches on the side, and the text index
(``service.search``) only says which events hold the words searched for.
It takes plain mappings, never a request; ``service.web`` calls it and renders. It must not
import Flask, the web layer or the CLI.
"""
