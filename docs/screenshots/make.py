"""Take the screenshots of docs/screenshots/ again: the landing page, the timeline, an actor page,
an event page and the SPARQL editor, at 1400×900 in headless Chromium, over the seeds.

    .venv/bin/python docs/screenshots/make.py [--chromium /usr/bin/chromium]

It ingests seeds/ into a temporary store, serves it with ``eventgraph serve`` on a free port of
127.0.0.1, drives Debian's chromium with Playwright (the test extras; no browser is downloaded)
and writes the PNG files next to this script. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import requests
from playwright.sync_api import Page, sync_playwright

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
ACTOR = "Q956"  # Beijing, in seed 004
VIEWPORT = {"width": 1400, "height": 900}
CHROMIUM_ARGS = [  # headless, and nothing reaching out to the network
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
QUERY = """PREFIX eg: <https://w3id.org/eventgraph#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
# Who gave aid to whom, and what
SELECT ?donor ?recipient ?item WHERE {
  ?event a eg:AidDelivery ; eg:agent/rdfs:label ?donor ; eg:recipient/rdfs:label ?recipient ;
         eg:hasAid/eg:itemLabel ?item .
}
ORDER BY ?donor ?recipient ?item"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def serve(store: Path, port: int) -> subprocess.Popen[bytes]:
    """Ingest the seeds and serve them; return once the server answers."""
    cli = [sys.executable, "-m", "service"]
    subprocess.run([*cli, "ingest", str(REPO / "seeds"), "--store", str(store)], check=True, cwd=REPO)
    server = subprocess.Popen([*cli, "serve", "--store", str(store), "--port", str(port)], cwd=REPO)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/api/stats", timeout=2).ok:
                return server
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not answer within 60 s")


def wait_until(page: Page, script: str, timeout: float = 30.0) -> None:
    """Poll ``script`` in the page (the CSP forbids the eval behind ``wait_for_function``)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {script}")
        page.wait_for_timeout(100)


def shoot(page: Page, name: str) -> None:
    page.screenshot(path=str(HERE / f"{name}.png"))
    print("wrote", HERE / f"{name}.png")


def take(url: str, chromium: str) -> None:
    event = requests.get(f"{url}/api/events?limit=1&type=aid_delivery&actor=" + quote(
        requests.get(f"{url}/api/actors?limit=1&q=Beijing", timeout=10).json()["actors"][0]["iri"], safe=""
    ), timeout=10).json()["events"][0]  # fmt: skip
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=VIEWPORT, base_url=url)  # type: ignore[arg-type]
            page = context.new_page()
            page.goto("/")
            shoot(page, "landing")
            page.goto("/timeline")
            page.wait_for_selector("#timeline-app[data-ready=true]", timeout=30_000)
            wait_until(page, "!document.getElementById('status').textContent.startsWith('Loading')")
            page.wait_for_timeout(500)  # the items' layout settles
            shoot(page, "timeline")
            page.goto(f"/id/actor/{ACTOR}", wait_until="load")
            shoot(page, "actor")
            page.goto(f"/id/event/{event['key']}", wait_until="load")
            shoot(page, "event")
            page.goto("/sparql")
            page.wait_for_selector(".yasqe .CodeMirror", timeout=30_000)
            wait_until(page, "!document.querySelector('#examples').disabled")
            page.evaluate("q => { window.eventgraphYasgui.getTab().setQuery(q); }", QUERY)
            page.click(".yasqe_queryButton")
            page.wait_for_selector(".yasr table tbody tr", timeout=30_000)
            shoot(page, "sparql")
            context.close()
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="eventgraph-screenshots-") as tmp:
        server = serve(Path(tmp) / "store", port)
        try:
            take(f"http://127.0.0.1:{port}", args.chromium)
        finally:
            server.terminate()
            server.wait(30)


if __name__ == "__main__":
    main()
