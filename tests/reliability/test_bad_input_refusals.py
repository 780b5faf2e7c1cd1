"""Bad input is refused per document with a one-line reason, and the rest of the batch goes on:
texts too long for the extractor, FIFOs and symbolic links out of the folder, undecodable bytes,
documents not in English, out-of-range dates on the API, and multipart uploads (all or nothing)."""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.config import Settings
from service.pipeline import extract_document, ingest_paths
from service.store import Store, open_store
from service.web import create_app
from service.web.runtime import app_runtime
from tests.conftest import SEEDS
from tests.documents.test_pdf import ARTICLE, make_pdf
from tests.reliability.conftest import child_env
from tests.web.live import AUTH, TOKEN, load, sample_extraction

BASE = "http://localhost:8000/"
REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
SEED = SEEDS / "000_9bb7eb15379a1141.txt"
PROSE = "On 3 March 2021, Japan donated 500 tents to Nepal. The Government of Nepal thanked Japan for the help.\n"
ENGLISH = b"The Ministry of Foreign Affairs said on Monday that 500 tents were sent to Nepal by air. " * 5
posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs and symbolic links are POSIX")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(str(tmp_path / "store"))
    yield s
    s.close()


def settings_for(store: Store, **overrides: object) -> Settings:
    return Settings(store=store.location, base_iri=BASE, token=TOKEN).with_overrides(**overrides)


def stored_documents(store: Store) -> list[str]:
    return sorted(g.removeprefix(BASE + "graph/document/") for g in store.graphs() if "/graph/document/" in g)


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service", *args], capture_output=True, text=True, timeout=timeout, env=child_env()
    )


# --- 1. a text longer than the extractor handles ------------------------------------------------


def test_bad_input_a_million_characters_is_refused_and_the_batch_goes_on(tmp_path: Path, store: Store) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "a_huge.txt").write_text("Huge\n\n" + PROSE * (1_000_000 // len(PROSE) + 1), encoding="utf-8")
    (folder / "b_seed.txt").write_bytes(SEED.read_bytes())
    report = ingest_paths([folder], store, settings_for(store))
    [refused] = report.refused
    assert refused.origin == "a_huge.txt" and "\n" not in (refused.reason or "")
    assert "over the 200,000-character limit (EVENTGRAPH_MAX_DOCUMENT_CHARS)" in (refused.reason or "")
    assert stored_documents(store) == ["b_seed"] and report.events > 0


def test_bad_input_the_extractor_never_reaches_its_tokenizer_limit(store: Store) -> None:
    from service.documents import DocumentTooLong
    from service.extract.sentences import pipeline
    from service.model import Document

    settings = settings_for(store, max_document_chars=100)
    with pytest.raises(DocumentTooLong, match="EVENTGRAPH_MAX_DOCUMENT_CHARS"):
        extract_document(Document(id="x", text=PROSE * 2), settings)
    extract_document(Document(id="y", text=PROSE), settings_for(store, max_document_chars=1_500_000))
    assert pipeline().max_length >= 1_500_000  # a higher setting raises the tokenizer's own limit


# --- 2 and 3. FIFOs and symbolic links in a folder ----------------------------------------------


@posix_only
def test_bad_input_a_fifo_in_a_folder_is_skipped_with_a_reason_not_waited_on(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    os.mkfifo(folder / "a_pipe.txt")  # nobody writes to it: reading it would block for ever
    (folder / "b_seed.txt").write_bytes(SEED.read_bytes())
    done = cli("ingest", str(folder), "--store", str(tmp_path / "store"), "--quiet", timeout=240)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("1 documents (1 added")
    assert f"refused a_pipe.txt: {folder / 'a_pipe.txt'}: not a regular file: it is a FIFO" in done.stderr
    named = cli("ingest", str(folder / "a_pipe.txt"), "--store", str(tmp_path / "store"), "--quiet", timeout=240)
    assert named.returncode == 1 and "a FIFO (named pipe), which is never read" in named.stderr
    assert "Traceback" not in named.stderr


@posix_only
def test_bad_input_a_symlink_out_of_the_folder_is_not_followed(tmp_path: Path, store: Store) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    os.symlink("/etc/passwd", folder / "passwd.txt")
    (folder / "seed.txt").write_bytes(SEED.read_bytes())
    os.symlink("seed.txt", folder / "same.txt")  # inside the folder: read
    report = ingest_paths([folder], store, settings_for(store))
    [refused] = report.refused
    assert refused.origin == "passwd.txt"
    assert refused.reason == (
        f"{folder / 'passwd.txt'}: symbolic link to a file outside {folder} (/etc/passwd), not followed; "
        "--follow-symlinks allows it"
    )
    assert stored_documents(store) == ["same", "seed"]
    if Path("/etc/passwd").is_file():
        report = ingest_paths([folder], store, settings_for(store), follow_symlinks=True)
        assert not report.refused and "passwd" in stored_documents(store)


# --- 4. undecodable bytes ------------------------------------------------------------------------


def test_bad_input_stray_bytes_are_refused_not_garbled(tmp_path: Path, store: Store) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "stray.txt").write_bytes(ENGLISH + b"\x80\x81 more text.")  # was read as Cyrillic
    (folder / "latin1.txt").write_bytes(ENGLISH + b"Z\xfcrich and S\xe3o Paulo.")  # clear Latin-1: read
    report = ingest_paths([folder], store, settings_for(store))
    [refused] = report.refused
    assert refused.origin == "stray.txt"
    assert f"not valid UTF-8 (byte {len(ENGLISH)}) and no declared encoding" in (refused.reason or "")
    assert stored_documents(store) == ["latin1"]


# --- 5. dates out of range on the API -------------------------------------------------------------


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    root = tmp_path_factory.mktemp("dates")
    settings = Settings(store=str(root / "store"), base_iri=BASE, token=TOKEN)
    store = open_store(settings.store)
    load(store, BASE, sample_extraction())
    app = create_app(settings, store=store)
    yield app.test_client()
    app_runtime(app).close()
    store.close()


@pytest.mark.parametrize(
    "path",
    [
        "/api/events",
        "/api/events/histogram",
        "/api/timeline",
        "/api/export/events.csv",
        "/api/export/events.json",
        "/api/export/timelinejs.json",
    ],
)
@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("start=2020-01-01&end=9999-12-31", "end"),
        ("start=0001-01-01&end=2020-12-31", "start"),
        ("start=2020-01-01&end=9999-12", "end"),
        ("start=1799&end=2020", "start"),
        ("start=2020-01-01&end=2200-01-01", "end"),
    ],
)
def test_bad_input_dates_out_of_range_are_400_naming_the_parameter(
    api: FlaskClient, path: str, query: str, name: str
) -> None:
    resp = api.get(f"{path}?{query}")
    assert resp.status_code == 400, resp.get_data(as_text=True)[:300]
    error = resp.get_json()["error"]
    assert error.startswith(f"{name}=") and "from 1800-01-01 to 2199-12-31" in error and "\n" not in error


def test_bad_input_dates_at_the_ends_of_the_range_are_answered(api: FlaskClient) -> None:
    for path in ("/api/events", "/api/events/histogram", "/api/export/events.csv"):
        resp = api.get(f"{path}?start=1800-01-01&end=2199-12-31")
        assert resp.status_code == 200, (path, resp.get_data(as_text=True)[:300])


def test_bad_input_a_cursor_with_a_date_out_of_range_is_400(api: FlaskClient) -> None:
    raw = json.dumps({"k": "9999-12-31", "e": BASE + "id/event/x"}, separators=(",", ":"))
    forged = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")  # not a token the server made
    resp = api.get(f"/api/events?cursor={forged}")
    assert resp.status_code == 400 and "cursor" in resp.get_json()["error"]


# --- 6. multipart uploads: all or nothing -----------------------------------------------------------


@pytest.fixture
def app(store: Store) -> Iterator[Flask]:
    application = create_app(settings_for(store), store=store)
    yield application
    app_runtime(application).close()


def _post(app: Flask, parts: list[tuple[str, bytes]]) -> tuple[int, str]:
    files = {f"file{n}": (io.BytesIO(data), name, "text/plain") for n, (name, data) in enumerate(parts)}
    resp = app.test_client().post("/documents", data=files, content_type="multipart/form-data", headers=AUTH)
    return resp.status_code, resp.get_data(as_text=True)


@pytest.mark.parametrize(
    ("bad", "status", "fragment"),
    [
        (("empty.txt", b""), 422, "part 2 of 3, empty.txt: empty file; nothing was stored"),
        (("fr.txt", (DATA / "fr_communique.txt").read_bytes()), 422, "fr.txt: the text is French (fr)"),
        (("huge.txt", PROSE.encode() * 2000), 413, "huge.txt: its text is"),
        (("a.txt", PROSE.encode() + b"Again.\n"), 422, "the same document id 'a' as part 1"),
    ],
    ids=["empty", "french", "too-long", "same-id"],
)
def test_bad_input_multipart_with_a_refused_part_stores_nothing(
    app: Flask, store: Store, bad: tuple[str, bytes], status: int, fragment: str
) -> None:
    good = [("a.txt", b"Aid arrives\n\n" + PROSE.encode()), ("c.txt", SEED.read_bytes())]
    code, body = _post(app, [good[0], bad, good[1]])
    assert code == status, body
    assert fragment in body and "part 2 of 3" in body and len(body.strip().splitlines()) == 1
    assert stored_documents(store) == []
    code, body = _post(app, good)
    assert code == 201, body
    assert stored_documents(store) == ["a", "c"]


def test_bad_input_a_pdf_without_a_text_layer_over_http_is_422_and_stores_nothing(app: Flask, store: Store) -> None:
    def post(name: str, data: bytes) -> tuple[int, str]:
        files = {"file": (io.BytesIO(data), name, "application/pdf")}
        resp = app.test_client().post("/documents", data=files, content_type="multipart/form-data", headers=AUTH)
        return resp.status_code, resp.get_data(as_text=True)

    code, body = post("scan.pdf", make_pdf(["", ""]))
    assert code == 422 and "scan.pdf: PDF without a text layer (its 2 pages have no text: a scan?)" in body
    code, body = post("locked.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")
    assert code == 422 and "locked.pdf: damaged PDF that cannot be read (" in body
    assert stored_documents(store) == []
    code, body = post("tonga.pdf", make_pdf(ARTICLE))
    assert code == 201, body
    assert stored_documents(store) == ["tonga"]


# --- 9. documents not in English ---------------------------------------------------------------


def test_bad_input_a_folder_of_foreign_documents_says_so_and_exits_1(tmp_path: Path) -> None:
    folder = tmp_path / "foreign"
    folder.mkdir()
    for name in ("fr_communique.txt", "zh_press_release.txt"):
        (folder / name).write_bytes((DATA / name).read_bytes())
    done = cli("ingest", str(folder), "--store", str(tmp_path / "store"), "--quiet")
    assert done.returncode == 1
    assert done.stdout.startswith(
        "0 documents (0 added, 0 replaced, 0 unchanged), 0 events, 0 quads written, 2 refused"
    )
    lines = done.stderr.strip().splitlines()
    assert lines == [
        f"refused fr_communique.txt: {folder / 'fr_communique.txt'}: the text is French (fr); "
        "only English is supported",
        f"refused zh_press_release.txt: {folder / 'zh_press_release.txt'}: the text is Chinese (zh); "
        "only English is supported",
        "Error: nothing ingested: all 2 documents were refused (reasons above)",
    ]


def test_bad_input_a_foreign_document_over_http_is_422_naming_the_language(app: Flask, store: Store) -> None:
    resp = app.test_client().post(
        "/documents?name=zh.txt",
        data=(DATA / "zh_press_release.txt").read_bytes(),
        content_type="text/plain; charset=utf-8",
        headers=AUTH,
    )
    assert resp.status_code == 422
    assert resp.get_data(as_text=True).strip() == "zh.txt: the text is Chinese (zh); only English is supported"
    assert stored_documents(store) == []


def test_bad_input_a_too_long_document_over_http_is_413_naming_the_setting(app: Flask, store: Store) -> None:
    resp = app.test_client().post(
        "/documents?name=long.txt", data=PROSE * 10_000, content_type="text/plain", headers=AUTH
    )
    assert resp.status_code == 413
    assert "EVENTGRAPH_MAX_DOCUMENT_CHARS" in resp.get_data(as_text=True) and stored_documents(store) == []
