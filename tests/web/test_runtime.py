"""The one cache of the dataset's figures: recounted when the store's generation moves or the value is old."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from service.web import runtime as runtime_module
from service.web.runtime import GenerationCache


def test_generation_cache_counts_once_per_generation_and_ttl(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [100.0]
    monkeypatch.setattr(runtime_module, "time", SimpleNamespace(monotonic=lambda: now[0]))
    calls: list[int] = []

    def count() -> int:
        calls.append(1)
        return len(calls)

    cache = GenerationCache(count, ttl=30.0)
    assert [cache.get(0), cache.get(0)] == [1, 1]  # counted once
    assert cache.get(1) == 2  # a write bumped the generation
    now[0] += 29.0
    assert cache.get(1) == 2
    now[0] += 2.0
    assert cache.get(1) == 3  # too old: someone else may have written a remote store
