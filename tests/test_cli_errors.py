"""Errors that say what to do: a busy port, a folder with nothing to read, a store another process
holds, a serve without its front-end files. Each is one line, names the problem and the way out,
and exits non-zero, through click's runner on the real commands."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import Store

from service import resources
from service.cli import cli
from service.config import Settings
from service.store import open_store
from service.web import create_app
from service.web.runtime import app_runtime
from tests.conftest import SEEDS

SEED = SEEDS / "000_9bb7eb15379a1141.txt"
NOTHING_FOUND = (
    "Error: nothing ingested: no document files found (.txt, .text, .md, .html, .htm, .pdf; "
    "hidden files and .meta.json sidecars are skipped)"
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env={"EVENTGRAPH_TOKEN": None})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port another server is listening on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


# --- a. serve on a busy port --------------------------------------------------------------------


def test_serve_on_a_busy_port_says_so_before_claiming_to_serve(busy_port: int, tmp_path: Path) -> None:
    store = tmp_path / "store"
    code, out, err = run("serve", "--store", str(store), "--port", str(busy_port))
    assert code == 1 and out == ""
    assert err == (
        f"Error: port {busy_port} is already in use on 127.0.0.1 (another server?): "
        "stop it, or choose a free port with --port\n"
    )
    Store(str(store)).flush()  # the store was closed again: it opens, no lock is left behind


def test_serve_on_an_address_this_machine_lacks_says_so(tmp_path: Path) -> None:
    code, out, err = run("serve", "--store", str(tmp_path / "store"), "--host", "192.0.2.1", "--port", "8000")
    assert code == 1 and "serving" not in out + err
    assert err == "Error: cannot listen on 192.0.2.1: not an address of this machine; check --host\n"


# --- b. a folder with nothing to read --------------------------------------------------------------


def test_a_folder_of_unsupported_files_lists_them_and_exits_1(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in ("a.docx", "b.PNG", "README", ".DS_Store", "a.meta.json"):
        (folder / name).write_bytes(b"PK\x03\x04")
    code, out, err = run("ingest", str(folder), "--store", str(tmp_path / "store"), "--quiet")
    assert code == 1
    assert out.startswith("0 documents (0 added, 0 replaced, 0 unchanged), 0 events, 0 quads written, 0 refused")
    assert err.splitlines() == [
        f"skipped 3 files: {folder / 'README'} (no extension, so not known as a document), "
        f"{folder / 'a.docx'} (unsupported type .docx), {folder / 'b.PNG'} (unsupported type .PNG)",
        NOTHING_FOUND,
    ]
    code, out, err = run("extract", str(folder))
    assert code == 1 and out == ""
    assert err.splitlines()[-1] == "Error: " + NOTHING_FOUND.removeprefix("Error: nothing ingested: ")


def test_skipped_files_are_listed_beside_what_was_read_and_cut_after_ten(tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "release.txt").write_bytes(SEED.read_bytes())
    for n in range(12):
        (folder / f"scan{n:02}.tiff").write_bytes(b"II*\x00")
    code, out, err = run("ingest", str(folder), "--store", str(tmp_path / "store"), "--quiet")
    assert code == 0 and out.startswith("1 documents (1 added")
    [line] = err.splitlines()
    assert line.startswith(f"skipped 12 files: {folder / 'scan00.tiff'} (unsupported type .tiff), ")
    assert line.endswith(f"{folder / 'scan09.tiff'} (unsupported type .tiff), and 2 more")


def test_a_path_that_does_not_exist_is_still_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run("ingest", str(tmp_path / "nowhere"), "--store", str(tmp_path / "store"))
    assert code == 2 and "does not exist" in err


# --- c. a store another process holds -------------------------------------------------------------


@pytest.fixture
def held_store(tmp_path: Path) -> Iterator[Path]:
    """A store opened for writing by someone else (here: this process, which RocksDB locks out alike)."""
    path = tmp_path / "held"
    holder = Store(str(path))
    yield path
    del holder


@pytest.mark.parametrize(
    ("command", "advice"),
    [
        (
            ["ingest", str(SEED)],
            "stop that process and ingest again, or send the documents to the running server: "
            'curl -H "Authorization: Bearer $EVENTGRAPH_TOKEN" -F file=@report.pdf http://127.0.0.1:8000/documents',
        ),
        (["serve", "--port", "0"], "stop that process, or serve another store with --store PATH"),
        (["link"], "stop that process, run link, then start it again"),
    ],
    ids=["ingest", "serve", "link"],
)
def test_a_held_store_points_to_what_works(held_store: Path, command: list[str], advice: str) -> None:
    code, out, err = run(*command, "--store", str(held_store))
    assert code == 1 and "serving" not in err
    assert err == (
        f"Error: the store at {held_store} is in use by another process (a running `eventgraph serve`?): {advice}\n"
    )
    assert "read-only" not in err  # no command offers that


def test_a_held_store_can_still_be_read(held_store: Path) -> None:
    code, out, err = run("stats", "--store", str(held_store), "--json")
    assert code == 0 and '"documents": 0' in out, err


# --- d. serve without the front-end files -----------------------------------------------------------


@pytest.fixture
def no_front_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An install whose package ships no front-end files and whose checkout has no node_modules/."""
    monkeypatch.setattr(resources, "SHIPPED", tmp_path / "shipped")
    monkeypatch.setattr(resources, "CHECKOUT", tmp_path / "checkout")
    return tmp_path


def test_serve_without_the_front_end_files_refuses_to_start_naming_them(no_front_end: Path) -> None:
    assert resources.missing_vendor_files() == list(resources.VENDOR)
    code, out, err = run("serve", "--store", str(no_front_end / "store"), "--port", "0")
    assert code == 1 and out == ""
    assert err == (
        "Error: cannot serve the timeline and the SPARQL editor: the front-end files "
        "vis-timeline.js, vis-timeline.css, yasgui.js, yasgui.css are missing "
        f"(neither in {no_front_end / 'shipped' / 'vendor'} nor in {no_front_end / 'checkout' / 'node_modules'}); "
        "run `npm ci` in the checkout (or `make setup`) to install @zazuko/yasgui, vis-timeline, "
        "or install a wheel built with `make wheel`, which ships them\n"
    )
    assert not (no_front_end / "store").exists()  # refused before the store was opened


def test_serve_with_one_front_end_file_missing_names_only_that_one(no_front_end: Path) -> None:
    for name in ("vis-timeline.js", "vis-timeline.css", "yasgui.css"):
        (no_front_end / "shipped" / "vendor").mkdir(parents=True, exist_ok=True)
        (no_front_end / "shipped" / "vendor" / name).write_text("/* */")
    assert resources.missing_vendor_files() == ["yasgui.js"]
    code, _, err = run("serve", "--store", str(no_front_end / "store"), "--port", "0")
    assert code == 1 and "the front-end files yasgui.js are missing" in err and "install @zazuko/yasgui," in err


def test_a_missing_vendor_file_answers_404_saying_how_to_get_it(no_front_end: Path) -> None:
    store = open_store(str(no_front_end / "store"))
    app = create_app(Settings(store=store.location), store=store)
    try:
        resp = app.test_client().get("/vendor/vis-timeline.js")
        assert resp.status_code == 404
        assert "run `npm ci` in the checkout" in resp.get_data(as_text=True)
    finally:
        app_runtime(app).close()
        store.close()
