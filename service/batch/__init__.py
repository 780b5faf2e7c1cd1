"""Batch ingest across a Dask distributed cluster: extraction on the workers, loading on the driver.

``eventgraph ingest PATH… --workers N`` (a local cluster of N processes) or ``--cluster ADDRESS``
(an existing scheduler). The inputs are cut into batches; each worker task reads its batch's
documents from their paths, extracts them (the pipeline's pure functions) and writes one N-Quads
shard and its index into the run's folder under temporary names, renamed when complete. The
driver loads each finished shard into the store: new documents with the bulk loader (behind the
store's marker), the others with one transaction per document. A manifest keyed by the inputs
makes a killed run resume without extracting its finished shards again. Dask does the
distribution: there is no scheduler, queue or RPC of our own. Dask is the optional ``batch``
extra, imported only when a batch runs. This package must not import Flask, the web layer or the CLI.
"""
