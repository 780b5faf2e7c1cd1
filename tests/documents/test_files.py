"""What may be opened: FIFOs, sockets and devices never are; a symbolic link out of the folder being
read is refused unless links are followed; a text longer than the character limit is refused."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from service.documents import DocumentTooLong, Refusal, read_bytes, read_file, walk
from service.errors import DocumentRefused

PROSE = "On 3 March 2021, Japan donated 500 tents to Nepal. The Government of Nepal thanked Japan for the help.\n"
posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs, sockets and symbolic links are POSIX")


def within(seconds: float, call: Callable[[], Any]) -> Any:
    """``call()``'s result or exception; the test fails instead of hanging when it blocks."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"blocked for more than {seconds} s")
    if "error" in box:
        raise box["error"]
    return box.get("value")


def _walked(paths: list[Path], **kwargs: Any) -> tuple[list[str], dict[str, str]]:
    found, refused = [], {}
    for item in walk(paths, **kwargs):
        if isinstance(item, Refusal):
            refused[item.path.name] = item.reason
        else:
            found.append(item.name)
    return found, refused


@posix_only
def test_files_fifo_named_explicitly_is_refused_without_being_opened(tmp_path: Path, limit: int) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # no writer: opening it for reading would block for ever
    with pytest.raises(DocumentRefused, match=r"pipe\.txt: not a regular file: it is a FIFO \(named pipe\)"):
        within(10, lambda: read_file(fifo, max_bytes=limit))


@posix_only
def test_files_fifo_sidecar_is_refused_without_being_opened(write, tmp_path: Path, limit: int) -> None:
    doc = write("aid.txt", "Aid arrives\n\n" + PROSE)
    os.mkfifo(tmp_path / "aid.meta.json")
    with pytest.raises(DocumentRefused, match=r"sidecar aid\.meta\.json: not a regular file: it is a FIFO"):
        within(10, lambda: read_file(doc, max_bytes=limit))


@posix_only
def test_files_walk_reports_fifos_sockets_and_devices_and_goes_on(write, tmp_path: Path) -> None:
    write("docs/good.txt", PROSE)
    os.mkfifo(tmp_path / "docs" / "pipe.txt")
    os.symlink("/dev/zero", tmp_path / "docs" / "zero.txt")  # a device, reached through a link inside
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "docs" / "sock.html"))
        os.mkfifo(tmp_path / "docs" / "ignored.docx")  # not a document's extension: not looked at
        found, refused = within(10, lambda: _walked([tmp_path / "docs"]))
    finally:
        server.close()
    assert found == ["good.txt"]
    assert set(refused) == {"pipe.txt", "sock.html", "zero.txt"}
    assert "a FIFO (named pipe)" in refused["pipe.txt"] and "a socket" in refused["sock.html"]
    assert "a character device" in refused["zero.txt"]


@posix_only
def test_files_symlink_out_of_the_folder_is_refused_unless_followed(write, tmp_path: Path, limit: int) -> None:
    secret = write("outside/secret.txt", "Secret\n\n" + PROSE)
    write("docs/good.txt", PROSE)
    docs = tmp_path / "docs"
    os.symlink(secret, docs / "leak.txt")
    os.symlink("/etc", docs / "etc")
    os.symlink("good.txt", docs / "alias.txt")  # inside the folder: fine
    os.symlink(tmp_path / "nowhere.txt", docs / "broken.txt")
    found, refused = _walked([docs])
    assert found == ["alias.txt", "good.txt"]
    assert set(refused) == {"leak.txt", "etc", "broken.txt"}
    assert refused["leak.txt"] == (
        f"{docs / 'leak.txt'}: symbolic link to a file outside {docs} ({secret}), not followed; "
        "--follow-symlinks allows it"
    )
    assert "symbolic link to a directory outside" in refused["etc"]
    assert "broken symbolic link" in refused["broken.txt"]
    found, refused = _walked([docs], follow_symlinks=True)
    assert "leak.txt" in found and set(refused) == {"broken.txt"}
    assert read_file(docs / "leak.txt", max_bytes=limit).title == "Secret"  # named explicitly: followed


@posix_only
def test_files_sidecar_linked_out_of_the_folder_refuses_its_document(write, tmp_path: Path) -> None:
    meta = write("outside/x.meta.json", '{"title": "Taken from elsewhere"}')
    write("docs/aid.txt", PROSE)
    os.symlink(meta, tmp_path / "docs" / "aid.meta.json")
    _, refused = _walked([tmp_path / "docs"])
    assert "symbolic link to a sidecar outside" in refused["aid.txt"]


@posix_only
def test_files_followed_directory_links_end_on_a_loop(write, tmp_path: Path) -> None:
    write("docs/sub/a.txt", PROSE)
    os.symlink(tmp_path / "docs", tmp_path / "docs" / "sub" / "loop")
    found, refused = within(10, lambda: _walked([tmp_path / "docs"], follow_symlinks=True))
    assert found == ["a.txt"] and not refused


def test_files_text_over_the_character_limit_is_refused_naming_the_setting(write, limit: int) -> None:
    text = "Aid\n\n" + PROSE * 20
    with pytest.raises(DocumentTooLong) as caught:
        read_file(write("long.txt", text), max_bytes=limit, max_chars=len(text) - 1)
    assert str(caught.value).endswith(
        f"long.txt: its text is {len(text):,} characters, over the {len(text) - 1:,}-character limit "
        "(EVENTGRAPH_MAX_DOCUMENT_CHARS)"
    )
    assert caught.value.status == 413 and isinstance(caught.value, DocumentRefused)
    assert read_bytes(text.encode(), name="fits.txt", media_type=None, max_bytes=limit, max_chars=len(text)).text


def test_files_a_million_characters_under_the_byte_limit_is_refused_at_once(limit: int) -> None:
    text = PROSE * (1_000_001 // len(PROSE) + 1)
    assert len(text.encode()) < limit
    with pytest.raises(DocumentTooLong, match=r"over the 200,000-character limit \(EVENTGRAPH_MAX_DOCUMENT_CHARS\)"):
        within(20, lambda: read_bytes(text.encode(), name="huge.txt", media_type=None, max_bytes=limit))
