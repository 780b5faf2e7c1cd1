"""Documents on the web: `read_url` and `eventgraph ingest|extract URL` against a real HTTP server
on 127.0.0.1 (http.server in a thread) serving a page, PDFs, a 404, a JSON answer and over-size
bodies; a port nobody listens on stands for an unreachable host.
"""

from __future__ import annotations

import doctest
import json
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.cli import cli
from service.documents import read_url
from service.documents.url import doc_id_for_url
from service.errors import DocumentRefused
from tests.documents.conftest import PRESS_RELEASE_HTML
from tests.documents.test_pdf import ARTICLE, make_pdf
from tests.web.live import free_port

LIMIT = 20_000  # bytes: the page and the PDF fit, the over-size bodies do not
PDF = make_pdf(ARTICLE, info={"Title": "Emergency relief goods for Tonga", "CreationDate": "D:20220118"})
ROUTES: dict[str, tuple[int, str | None, bytes]] = {
    "/news/serbia.html": (200, "text/html; charset=utf-8", PRESS_RELEASE_HTML.encode("utf-8")),
    "/files/tonga.pdf": (200, "application/pdf", PDF),
    "/download?id=7": (200, "application/octet-stream", PDF),
    "/files/scan.pdf": (200, "application/pdf", make_pdf(["", ""])),
    "/notes.txt": (200, "text/plain; charset=utf-8", b"Relief\n\n" + ARTICLE[0].encode() + b"\n"),
    "/data.json": (200, "application/json", b'{"events": []}'),
    "/empty.html": (200, "text/html", b""),
    "/huge.html": (200, "text/html", b"<p>" + b"x" * (2 * LIMIT) + b"</p>"),
}
UNDECLARED_HUGE = "/stream.html"  # no Content-Length: the body runs until the connection closes


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:  # noqa: N802  (http.server's name)
        if self.path == "/old-address":
            self.send_response(301)
            self.send_header("Location", "/news/serbia.html")
            self.end_headers()
            return
        if self.path == UNDECLARED_HUGE:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(2 * LIMIT // 1000):
                self.wfile.write(b"<p>" + b"y" * 1000 + b"</p>")
            return
        status, media_type, body = ROUTES.get(self.path, (404, "text/html", b"<h1>Not found</h1>"))
        self.send_response(status)
        if media_type:
            self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def read(address: str, *, max_bytes: int = LIMIT) -> object:
    return read_url(address, max_bytes=max_bytes, timeout=10)


def refusal(address: str, *, max_bytes: int = LIMIT) -> str:
    with pytest.raises(DocumentRefused) as caught:
        read(address, max_bytes=max_bytes)
    message = caught.value.message
    assert "\n" not in message
    return message


def test_url_an_html_page_gives_its_main_text_title_date_and_url(site: str) -> None:
    doc = read_url(f"{site}/news/serbia.html", max_bytes=LIMIT, timeout=10)
    assert doc.title == "China sends medical team to Serbia" and doc.published == date(2020, 3, 21)
    assert doc.url == f"{site}/news/serbia.html"  # where it was read, not the page's canonical claim
    assert doc.id == "127.0.0.1_" + site.rsplit(":", 1)[1] + "_news_serbia.html"
    assert doc.origin == f"{site}/news/serbia.html" and doc.media_type == "text/html"
    assert "16 tons of medical supplies" in doc.text and "All rights reserved" not in doc.text


def test_url_a_redirect_is_followed_and_the_final_address_is_the_url(site: str) -> None:
    doc = read_url(f"{site}/old-address", max_bytes=LIMIT, timeout=10)
    assert doc.url == f"{site}/news/serbia.html" and doc.id.endswith("_old-address")


def test_url_a_pdf_is_read_with_its_metadata(site: str) -> None:
    doc = read_url(f"{site}/files/tonga.pdf", max_bytes=LIMIT, timeout=10)
    assert doc.media_type == "application/pdf" and "500 tents" in doc.text
    assert (doc.title, doc.published, doc.url) == (
        "Emergency relief goods for Tonga",
        date(2022, 1, 18),
        f"{site}/files/tonga.pdf",
    )
    assert doc.source == "127.0.0.1"  # no site name in a PDF: the host


def test_url_a_pdf_sent_as_octet_stream_is_told_by_its_bytes(site: str) -> None:
    doc = read_url(f"{site}/download?id=7", max_bytes=LIMIT, timeout=10)
    assert doc.media_type == "application/pdf" and doc.id.endswith("_download_id_7")


def test_url_plain_text_is_read_as_a_text_file(site: str) -> None:
    doc = read_url(f"{site}/notes.txt", max_bytes=LIMIT, timeout=10)
    assert doc.media_type == "text/plain" and "2,000 water containers" in doc.text


def test_url_a_404_is_refused_with_the_status(site: str) -> None:
    assert refusal(f"{site}/gone") == f"{site}/gone: the server answered HTTP 404 Not Found"


def test_url_a_type_that_is_not_a_document_is_refused_unread(site: str) -> None:
    assert refusal(f"{site}/data.json") == (
        f"{site}/data.json: the server answered with application/json, not an HTML page, a PDF or plain text; "
        "nothing was read"
    )


def test_url_an_over_size_answer_is_refused_naming_the_setting(site: str) -> None:
    declared = refusal(f"{site}/huge.html")
    assert declared == (
        f"{site}/huge.html: the answer is {2 * LIMIT + 7:,} bytes, over the {LIMIT:,}-byte limit "
        "(EVENTGRAPH_MAX_DOCUMENT_BYTES); nothing was read"
    )
    undeclared = refusal(f"{site}{UNDECLARED_HUGE}")
    assert undeclared == (
        f"{site}{UNDECLARED_HUGE}: the answer is over the {LIMIT:,}-byte limit (EVENTGRAPH_MAX_DOCUMENT_BYTES); "
        "nothing was read"
    )


def test_url_an_unreachable_host_is_refused_in_one_line() -> None:
    address = f"http://127.0.0.1:{free_port()}/news.html"  # nobody listens there any more
    assert refusal(address) == f"{address}: cannot reach 127.0.0.1 (Connection refused)"


def test_url_an_empty_answer_and_a_scan_are_refused(site: str) -> None:
    assert refusal(f"{site}/empty.html") == f"{site}/empty.html: the server sent an empty answer"
    assert "PDF without a text layer" in refusal(f"{site}/files/scan.pdf")


def test_url_ids_are_readable_and_bounded() -> None:
    assert (
        doc_id_for_url("https://www.example.org/news/2021/aid.html?lang=en")
        == "www.example.org_news_2021_aid.html_lang_en"
    )
    long = doc_id_for_url("https://example.org/" + "a" * 300)
    assert len(long) == 100 and long != doc_id_for_url("https://example.org/" + "a" * 301)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env={"EVENTGRAPH_MAX_DOCUMENT_BYTES": str(LIMIT)})
    return result.exit_code, result.stdout, result.stderr


def test_cli_ingest_urls_with_refusals_counted_then_unchanged(site: str, tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    page, pdf, gone = f"{site}/news/serbia.html", f"{site}/files/tonga.pdf", f"{site}/gone"
    code, out, err = run("ingest", page, pdf, gone, "--store", store, "--quiet")
    assert code == 0, err
    assert out.startswith("2 documents (2 added, 0 replaced, 0 unchanged)") and ", 1 refused," in out
    assert f"refused {gone}: {gone}: the server answered HTTP 404 Not Found" in err.splitlines()
    code, out, _ = run("ingest", page, pdf, "--store", store, "--quiet")
    assert code == 0 and out.startswith("2 documents (0 added, 0 replaced, 2 unchanged), 0 events, 0 quads")
    query = "PREFIX schema: <http://schema.org/> SELECT ?url WHERE { ?d schema:url ?url } ORDER BY ?url"
    code, out, _ = run("query", query, "--store", store, "--format", "csv")
    assert code == 0 and out.split() == ["url", pdf, page], out


def test_cli_ingest_of_only_refused_urls_exits_1(site: str, tmp_path: Path) -> None:
    code, out, err = run("ingest", f"{site}/data.json", f"{site}/huge.html", "--store", str(tmp_path / "s"), "--quiet")
    assert code == 1 and ", 2 refused," in out
    assert err.splitlines()[-1] == "Error: nothing ingested: all 2 documents were refused (reasons above)"


def test_cli_extract_url_prints_the_event_json(site: str) -> None:
    code, out, err = run("extract", f"{site}/news/serbia.html")
    assert code == 0, err
    data = json.loads(out)
    assert data["url"] == f"{site}/news/serbia.html" and data["published"] == "2020-03-21" and data["events"]
    code, _, err = run("extract", f"{site}/gone")
    assert code == 1 and err.splitlines()[-1] == "Error: no document could be read (reasons above)"


@pytest.mark.parametrize(
    ("address", "reason"),
    [("http://[::1", "not a valid URL (Invalid IPv6 URL)"), ("http://", "not a URL with a host name")],
)
def test_url_a_malformed_address_is_refused_without_a_request(address: str, reason: str) -> None:
    assert refusal(address) == f"{address}: {reason}"


def test_url_the_module_examples_hold() -> None:
    import service.documents.url

    result = doctest.testmod(service.documents.url)
    assert result.attempted >= 1 and result.failed == 0
