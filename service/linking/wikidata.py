"""A small client of Wikidata's search API (``wbsearchentities``) with an on-disk answer cache.

The MediaWiki API asks clients to send a descriptive User-Agent, to make one request at a time
and to pass ``maxlag``; this client does all three. An answer is cached under the cache
directory by a hash of the request, so a second run asks nothing of the network.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from service import __version__
from service.errors import EventgraphError

WIKIDATA_API = "https://www.wikidata.org/w/api.php"
USER_AGENT = f"eventgraph/{__version__} (https://w3id.org/eventgraph; Wikidata reconciliation) python-requests"


class WikidataUnavailable(EventgraphError):
    """Wikidata's API could not be reached or answered with an error."""

    status = 502


@dataclass(frozen=True)
class Candidate:
    """One search hit, in the API's rank order."""

    qid: str
    label: str
    description: str
    match_type: str  # "label", "alias" (or another field the API matched)
    match_text: str
    rank: int


class WikidataClient:
    """Searches Wikidata items by name; ``api_url`` is the MediaWiki ``api.php`` to ask."""

    def __init__(
        self,
        api_url: str = WIKIDATA_API,
        *,
        cache_dir: Path | None = None,
        language: str = "en",
        timeout: float = 10.0,
        offline: bool = False,
    ) -> None:
        self.api_url = api_url
        self.cache_dir = cache_dir
        self.language = language
        self.timeout = timeout
        self.offline = offline  # answer from the cache only
        self.requests = 0  # network requests made, for reports and tests

    def search(self, name: str, limit: int = 7) -> list[Candidate]:
        """Items whose label or alias matches ``name``, best first (the API's order).

        :raises WikidataUnavailable: the API is unreachable or answered an error (nothing is cached).
        """
        params = {
            "action": "wbsearchentities",
            "search": name,
            "language": self.language,
            "uselang": self.language,
            "type": "item",
            "limit": str(limit),
            "format": "json",
            "maxlag": "5",
        }
        answer = self._cached(params)
        if answer is None:
            answer = self._fetch(params)
            self._store(params, answer)
        return candidates(answer)

    def _key(self, params: dict[str, str]) -> str:
        text = json.dumps([self.api_url, params], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def _cached(self, params: dict[str, str]) -> dict[str, Any] | None:
        if self.cache_dir is None:
            return None
        path = self.cache_dir / f"{self._key(params)}.json"
        try:
            response: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))["response"]
            return response
        except (OSError, ValueError, KeyError):
            return None  # absent or damaged: ask again

    def _store(self, params: dict[str, str], answer: dict[str, Any]) -> None:
        if self.cache_dir is None:
            return
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        record = {"url": self.api_url, "params": params, "fetched": datetime.now(UTC).isoformat(), "response": answer}
        # Written to a temporary file and renamed: a crash never leaves half a cache entry.
        fd, tmp = tempfile.mkstemp(dir=self.cache_dir, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(record, fh, ensure_ascii=False)
        os.replace(tmp, self.cache_dir / f"{self._key(params)}.json")

    def _fetch(self, params: dict[str, str]) -> dict[str, Any]:
        if self.offline:
            raise WikidataUnavailable(f"no cached answer for {params['search']!r} and the client is offline")
        self.requests += 1
        try:
            # A fresh connection per request: runs are short and sequential, and no idle
            # keep-alive connection is left for a server to drop under us.
            resp = requests.get(
                self.api_url,
                params=params,
                headers={"User-Agent": USER_AGENT, "Accept": "application/json", "Connection": "close"},
                timeout=self.timeout,
            )
            resp.raise_for_status()
            answer: dict[str, Any] = resp.json()
        except (requests.RequestException, ValueError) as exc:
            raise WikidataUnavailable(
                f"Wikidata's API at {self.api_url} could not be asked about {params['search']!r} ({exc}): "
                "check the network connection, or try again later"
            ) from None
        if "error" in answer:
            error = answer["error"]
            raise WikidataUnavailable(f"Wikidata's API refused the search: {error.get('code')}: {error.get('info')}")
        return answer


def candidates(answer: dict[str, Any]) -> list[Candidate]:
    """The hits of a ``wbsearchentities`` answer."""
    out = []
    for rank, hit in enumerate(answer.get("search") or ()):
        match = hit.get("match") or {}
        out.append(
            Candidate(
                qid=str(hit["id"]),
                label=str(hit.get("label") or match.get("text") or hit["id"]),
                description=str(hit.get("description") or ""),
                match_type=str(match.get("type") or "label"),
                match_text=str(match.get("text") or hit.get("label") or ""),
                rank=rank,
            )
        )
    return out
