"""Links to Wikidata beyond the gazetteer's QIDs: concepts for aid categories and event types,
and online reconciliation of actors that have no QID.

Only :mod:`service.linking.wikidata` talks to the network, through a client whose base URL is
an argument (tests point it at a local server replaying recorded answers) and whose answers are
cached on disk. Links are written to the shared actors graph with their provenance; only
``eventgraph link`` runs it, never the pipeline. This package must not import Flask, the web
layer or the CLI.
"""
