"""Fixtures for the documents tests: the seed folder, a file writer and a press-release page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

LIMIT = 5_000_000
SEEDS = Path(__file__).resolve().parents[2] / "seeds"

PRESS_RELEASE_HTML = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>China sends medical team to Serbia | Ministry of Foreign Affairs</title>
<meta property="og:title" content="China sends medical team to Serbia">
<meta property="og:site_name" content="Ministry of Foreign Affairs of the People's Republic of China">
<meta name="author" content="Li Wei">
<meta property="article:published_time" content="2020-03-21T09:00:00+08:00">
<link rel="canonical" href="https://www.example.org/news/2020/03/21/serbia.html">
<script>window.analytics = {track: function () {}};</script>
</head>
<body>
<nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/contact">Contact us</a></nav>
<article>
<h1>China sends medical team to Serbia</h1>
<p class="date">2020-03-21</p>
<p>BELGRADE, March 21 (Xinhua) -- A team of six Chinese medical experts arrived in Belgrade on Saturday
with 16 tons of medical supplies, including ventilators, masks and testing kits.</p>
<p>Serbian President Aleksandar Vučić welcomed the team at the airport and thanked China for its
support in the fight against COVID-19.</p>
<p>The experts will share their experience in epidemic prevention and control with Serbian doctors
over the coming weeks.</p>
</article>
<footer>Copyright 2020 Ministry of Foreign Affairs. All rights reserved.</footer>
</body>
</html>
"""


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """write(name, content) → the path of a new file under tmp_path (str is written as UTF-8)."""

    def _write(name: str, content: bytes | str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return _write


@pytest.fixture
def limit() -> int:
    """The default EVENTGRAPH_MAX_DOCUMENT_BYTES."""
    return LIMIT


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture
def press_release_html() -> str:
    return PRESS_RELEASE_HTML
