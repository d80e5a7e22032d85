"""Uploading files to the sandbox: whole, in pieces, over unusual HTTP, and every way it can go wrong.

Expected checksums are computed here with hashlib/zlib; the bytes the sandbox kept are read from its
``blobs/`` directory, and its ``upload_log`` tells what happened to a request the client never saw end.
"""

import base64
import hashlib
import random
import re
import socket
import tempfile
import threading
import time
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from itertools import count
from pathlib import Path
from typing import Any

import h11
import httpx
import pytest

from lfdesktop.sandbox.assembly import upload_dir
from lfdesktop.sandbox.digest import EICAR
from tests.sandbox.helpers import ID, ISO_TIMESTAMP, errors_of, send_piece, unique_name, upload_attachment, upload_log
from tests.sandboxproc import ALICE, Account, SandboxProcess

UPLOAD = "/message/attachments/upload"
LINK_UPLOAD = "/link/attachments/upload"
UPLOAD_PATHS = (UPLOAD, LINK_UPLOAD)
MIB = 1024 * 1024
WAIT_SECONDS = 20.0
SEED_003_FIELDS = {
    "id", "filename", "size", "size_human", "content_type", "checksum", "crc32", "assembled",
    "virus_scan_required", "virus_scanned", "virus_scanned_at", "content_blocked", "content_blocked_message",
    "actionscript", "actionscript_scanned", "actionscript_scanned_at", "processed", "processed_at", "available",
    "expires_at", "created_at", "messages", "filelinks",
}

# --- helpers ------------------------------------------------------------------------------------------


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Poll ``condition`` (bounded: a hung server fails the test instead of hanging it)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def stored_bytes(sandbox: SandboxProcess, attachment_id: str) -> bytes:
    return (sandbox.data_dir / "blobs" / attachment_id).read_bytes()


def assert_is_datetime(value: object) -> None:
    assert isinstance(value, str) and ISO_TIMESTAMP.match(value), value
    datetime.fromisoformat(value.replace("Z", "+00:00"))


def assert_attachment_shape(attachment: dict[str, Any]) -> None:
    """Every attribute of seed 003 is there with its documented type."""
    assert attachment.keys() >= SEED_003_FIELDS, SEED_003_FIELDS - attachment.keys()
    assert isinstance(attachment["id"], str) and ID.match(attachment["id"])
    assert isinstance(attachment["filename"], str)
    assert type(attachment["size"]) is int
    assert isinstance(attachment["size_human"], str) and attachment["size_human"]
    assert isinstance(attachment["content_type"], str) and "/" in attachment["content_type"]
    assert isinstance(attachment["checksum"], str) and re.fullmatch(r"[0-9a-f]{64}", attachment["checksum"])
    assert isinstance(attachment["crc32"], str) and re.fullmatch(r"0|[1-9a-f][0-9a-f]{0,7}", attachment["crc32"])
    for flag in ("assembled", "virus_scan_required", "virus_scanned", "content_blocked", "actionscript_scanned",
                 "processed", "available"):
        assert type(attachment[flag]) is bool, flag
    assert attachment["assembled"] is True
    for moment in ("virus_scanned_at", "actionscript_scanned_at", "processed_at", "expires_at"):
        if attachment[moment] is not None:
            assert_is_datetime(attachment[moment])
    assert_is_datetime(attachment["created_at"])
    assert attachment["content_blocked_message"] is None or isinstance(attachment["content_blocked_message"], str)
    assert attachment["actionscript"] is None or isinstance(attachment["actionscript"], str)
    for ids in ("messages", "filelinks"):
        assert isinstance(attachment[ids], list) and all(isinstance(item, str) for item in attachment[ids])


def assert_attachment_of(
    sandbox: SandboxProcess, attachment: dict[str, Any], filename: str, data: bytes
) -> None:
    """The attachment describes exactly ``data`` and the sandbox kept exactly those bytes."""
    assert_attachment_shape(attachment)
    assert attachment["filename"] == filename
    assert attachment["size"] == len(data)
    assert attachment["checksum"] == sha256(data)
    assert int(attachment["crc32"], 16) == zlib.crc32(data)
    assert stored_bytes(sandbox, attachment["id"]) == data


def assert_fresh_and_clean(attachment: dict[str, Any]) -> None:
    """Just uploaded, scanned (no scan delay), not attached to anything."""
    assert attachment["virus_scan_required"] is True
    assert attachment["virus_scanned"] is True and attachment["processed"] is True
    assert_is_datetime(attachment["virus_scanned_at"])
    assert_is_datetime(attachment["processed_at"])
    assert attachment["content_blocked"] is False and attachment["content_blocked_message"] is None
    assert attachment["available"] is True
    assert attachment["actionscript"] is None and attachment["actionscript_scanned"] is False
    assert attachment["actionscript_scanned_at"] is None
    assert attachment["expires_at"] is None
    assert attachment["messages"] == [] and attachment["filelinks"] == []


def split(data: bytes, sizes: list[int]) -> list[bytes]:
    assert sum(sizes) == len(data)
    pieces, start = [], 0
    for size in sizes:
        pieces.append(data[start : start + size])
        start += size
    return pieces


def upload_pieces(
    client: httpx.Client, filename: str, pieces: list[bytes], order: list[int], first: int = 0
) -> dict[str, Any]:
    """Send ``pieces`` in ``order`` (file positions), numbered from ``first``; the final attachment.

    Every earlier answer must list exactly the pieces sent so far.
    """
    sent: list[int] = []
    for step, position in enumerate(order):
        number = position + first
        response = send_piece(client, filename, pieces[position], len(pieces), number)
        assert response.status_code == 200, response.text
        sent.append(number)
        if step < len(order) - 1:
            assert "attachment" not in response.json()
            assert response.json()["upload"]["received"] == sorted(sent)
    attachment: dict[str, Any] = response.json()["attachment"]
    return attachment


def basic_auth(account: Account) -> str:
    return "Basic " + base64.b64encode(f"{account.api_key}:x".encode()).decode()


def connect(sandbox: SandboxProcess) -> socket.socket:
    host, port = httpx.URL(sandbox.url).host, httpx.URL(sandbox.url).port
    assert port is not None
    return socket.create_connection((host, port), timeout=WAIT_SECONDS)


def request_head(sandbox: SandboxProcess, target: str, content_length: int, *extra: str) -> bytes:
    """The head of an upload request from Alice, as a raw client would write it."""
    host = httpx.URL(sandbox.url).netloc.decode()
    lines = [
        f"POST {target} HTTP/1.1", f"Host: {host}", f"Authorization: {basic_auth(ALICE)}",
        "Accept: application/json", f"Content-Length: {content_length}", "Connection: close", *extra,
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def read_head(sock: socket.socket) -> bytes:
    head = b""
    while b"\r\n\r\n" not in head:
        block = sock.recv(1)
        assert block, f"connection closed after {head!r}"
        head += block
    return head


def read_response(sock: socket.socket) -> tuple[int, Any]:
    """Status and JSON body of an answer sent with ``Connection: close``."""
    raw = b""
    while block := sock.recv(65536):
        raw += block
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, httpx.Response(status, content=body).json()


def files_under(directory: Path) -> list[Path]:
    return sorted(path for path in directory.rglob("*") if path.is_file())


# --- whole uploads --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", UPLOAD_PATHS)
@pytest.mark.parametrize("size", [0, 1, 3_132_812])
def test_whole_upload_is_stored_exactly(
    sandbox: SandboxProcess, alice: httpx.Client, path: str, size: int
) -> None:
    data = random.Random(size).randbytes(size)
    name = unique_name("data.bin")
    response = alice.post(path, params={"filename": name}, content=data)
    assert response.status_code == 200, response.text
    attachment = response.json()["attachment"]
    assert_attachment_of(sandbox, attachment, name, data)
    assert_fresh_and_clean(attachment)
    assert alice.get(f"/attachments/{attachment['id']}").json() == {"attachment": attachment}


def test_sizes_are_shown_as_the_seed_does(alice: httpx.Client) -> None:
    assert upload_attachment(alice, unique_name("empty"), b"")["size_human"] == "0 Bytes"
    assert upload_attachment(alice, unique_name("one"), b"x")["size_human"] == "1 Byte"
    # seed 003: a 3132812-byte file is "2.99 MB"
    assert upload_attachment(alice, unique_name("quod.odp"), bytes(3_132_812))["size_human"] == "2.99 MB"


def test_crc32_is_lower_case_hex_without_leading_zeros(alice: httpx.Client) -> None:
    data = next(candidate for i in count() if zlib.crc32(candidate := f"pad{i}".encode()) < 0x0100_0000)
    attachment = upload_attachment(alice, unique_name("small-crc.txt"), data)
    assert attachment["crc32"] == format(zlib.crc32(data), "x")
    assert len(attachment["crc32"]) <= 6 and not attachment["crc32"].startswith("0")


@pytest.mark.parametrize(
    "filename",
    [
        unicodedata.normalize("NFC", "Résumé ünïcødé.txt"),
        unicodedata.normalize("NFD", "Résumé ünïcødé.txt"),
        "report 📎🚀 final.pdf",
        "日本語のファイル名.docx",
        "spaces  and 'quotes' & amps=1.txt",
    ],
)
def test_unicode_file_names_come_back_unchanged(
    sandbox: SandboxProcess, alice: httpx.Client, filename: str
) -> None:
    data = filename.encode()
    attachment = upload_attachment(alice, filename, data)
    assert attachment["filename"] == filename  # not normalised: NFD stays NFD
    assert_attachment_of(sandbox, attachment, filename, data)
    listed = {item["id"]: item["filename"] for item in alice.get("/attachments").json()["attachments"]}
    assert listed[attachment["id"]] == filename


@pytest.mark.parametrize(
    ("header", "query", "filename", "expected"),
    [
        ("image/png", None, "picture.txt", "image/png"),
        ("image/png", "application/pdf", "picture.txt", "image/png"),
        (None, "application/pdf", "document.txt", "application/pdf"),
        ("application/json", "application/pdf", "document.txt", "application/pdf"),
        ("application/x-www-form-urlencoded", "application/pdf", "document.txt", "application/pdf"),
        ("application/octet-stream", "application/pdf", "document.txt", "application/pdf"),
        (None, None, "notes.txt", "text/plain"),
        (None, None, "scan.pdf", "application/pdf"),
        ("application/json", None, "photo.png", "image/png"),
        ("application/octet-stream", None, "photo.png", "image/png"),
        (None, None, "no-extension", "application/octet-stream"),
    ],
)
def test_content_type_from_header_then_parameter_then_name(
    alice: httpx.Client, header: str | None, query: str | None, filename: str, expected: str
) -> None:
    params = {"filename": unique_name(filename)}
    if query is not None:
        params["content_type"] = query
    headers = {} if header is None else {"Content-Type": header}
    response = alice.post(UPLOAD, params=params, headers=headers, content=b'{"not": "parsed as JSON"}')
    assert response.status_code == 200, response.text
    assert response.json()["attachment"]["content_type"] == expected


# --- pieces -------------------------------------------------------------------------------------------


def _pieces_of(seed: int, sizes: list[int]) -> tuple[bytes, list[bytes]]:
    data = random.Random(seed).randbytes(sum(sizes))
    return data, split(data, sizes)


PIECE_PLANS = {
    "0-based in order": ([40_000, 40_000, 40_000], [0, 1, 2], 0),
    "1-based in order": ([40_000, 40_000, 40_000], [0, 1, 2], 1),
    "reverse": ([30_000, 30_000, 30_000, 30_000], [3, 2, 1, 0], 0),
    "reverse 1-based": ([30_000, 30_000, 30_000, 30_000], [3, 2, 1, 0], 1),
    "shuffled": ([25_000] * 8, random.Random(3).sample(range(8), 8), 0),
    "uneven sizes": ([1, 2_500_000, 17, 0, 1_048_577, 3], [2, 0, 5, 1, 3, 4], 0),
    "uneven 1-based": ([1_048_576, 1, 1_048_575], [1, 2, 0], 1),
    "a single piece, 0": ([5_000], [0], 0),
    "a single piece, 1": ([5_000], [0], 1),
    "many small pieces": ([random.Random(5).randint(1, 300) for _ in range(60)],
                          random.Random(6).sample(range(60), 60), 0),
}


@pytest.mark.parametrize("plan", PIECE_PLANS)
def test_pieces_in_any_order_assemble_to_the_file(sandbox: SandboxProcess, alice: httpx.Client, plan: str) -> None:
    sizes, order, first = PIECE_PLANS[plan]
    data, pieces = _pieces_of(len(plan), sizes)
    name = unique_name("pieces.bin")
    attachment = upload_pieces(alice, name, pieces, order, first)
    assert_attachment_of(sandbox, attachment, name, data)
    assert_fresh_and_clean(attachment)


def test_link_upload_takes_pieces_too(sandbox: SandboxProcess, alice: httpx.Client) -> None:
    data, (head, tail) = _pieces_of(11, [70_000, 30_000])
    name = unique_name("link.bin")
    assert send_piece(alice, name, tail, 2, 1, LINK_UPLOAD).json()["upload"]["received"] == [1]
    response = send_piece(alice, name, head, 2, 0, LINK_UPLOAD)
    assert_attachment_of(sandbox, response.json()["attachment"], name, data)


def test_a_resent_piece_replaces_the_earlier_one(sandbox: SandboxProcess, alice: httpx.Client) -> None:
    data, pieces = _pieces_of(12, [50_000, 50_000, 50_000])
    name = unique_name("resent.bin")
    assert send_piece(alice, name, b"wrong bytes", 3, 1).json()["upload"]["received"] == [1]
    assert send_piece(alice, name, pieces[1], 3, 1).json()["upload"]["received"] == [1]
    assert send_piece(alice, name, pieces[2], 3, 2).json()["upload"]["received"] == [1, 2]
    attachment = send_piece(alice, name, pieces[0], 3, 0).json()["attachment"]
    assert_attachment_of(sandbox, attachment, name, data)


def test_resending_a_piece_already_appended_cuts_it_out_again(
    sandbox: SandboxProcess, alice: httpx.Client
) -> None:
    """Pieces in order are appended while the rest arrives: a resent one must replace its bytes there too."""
    data, pieces = _pieces_of(13, [60_000, 60_000, 60_000])
    wrong = bytes(70_000)
    name = unique_name("appended.bin")
    assembled = upload_dir(sandbox.data_dir / "incoming", ALICE.user_id, name) / "assembled"
    send_piece(alice, name, pieces[0], 3, 0)
    send_piece(alice, name, wrong, 3, 1)
    wait_until(lambda: assembled.exists() and assembled.stat().st_size == len(pieces[0]) + len(wrong),
               "pieces 0 and 1 to be appended")
    assert send_piece(alice, name, pieces[1], 3, 1).json()["upload"]["received"] == [0, 1]
    attachment = send_piece(alice, name, pieces[2], 3, 2).json()["attachment"]
    assert_attachment_of(sandbox, attachment, name, data)


def test_chunked_transfer_encoding_bodies(sandbox: SandboxProcess, alice: httpx.Client) -> None:
    data, pieces = _pieces_of(14, [1_500_000, 700_001])

    def blocks(piece: bytes) -> Iterator[bytes]:
        for start in range(0, len(piece), 65_536):
            yield piece[start : start + 65_536]

    whole_name = unique_name("chunked-whole.bin")
    response = alice.post(UPLOAD, params={"filename": whole_name}, content=blocks(data))
    assert response.request.headers["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in response.request.headers
    assert_attachment_of(sandbox, response.json()["attachment"], whole_name, data)

    name = unique_name("chunked-pieces.bin")
    assert send_piece(alice, name, blocks(pieces[1]), 2, 1).json()["upload"]["received"] == [1]
    attachment = send_piece(alice, name, blocks(pieces[0]), 2, 0).json()["attachment"]
    assert_attachment_of(sandbox, attachment, name, data)


def test_expect_100_continue(sandbox: SandboxProcess) -> None:
    data = random.Random(15).randbytes(300_000)
    name = unique_name("expect.bin")
    with connect(sandbox) as sock:
        sock.sendall(request_head(sandbox, f"{UPLOAD}?filename={name}", len(data), "Expect: 100-continue"))
        assert read_head(sock).startswith(b"HTTP/1.1 100 Continue\r\n")
        sock.sendall(data)
        status, body = read_response(sock)
    assert status == 200, body
    assert_attachment_of(sandbox, body["attachment"], name, data)


def test_absolute_form_request_target(sandbox: SandboxProcess) -> None:
    data = random.Random(16).randbytes(20_000)
    name = unique_name("absolute.bin")
    with connect(sandbox) as sock:
        sock.sendall(request_head(sandbox, f"{sandbox.url}{UPLOAD}?filename={name}", len(data)) + data)
        status, body = read_response(sock)
    assert status == 200, body
    assert_attachment_of(sandbox, body["attachment"], name, data)


def test_resending_an_early_piece_keeps_the_pieces_streamed_after_it(
    sandbox: SandboxProcess, alice: httpx.Client
) -> None:
    """Pieces sent in order live only in the assembled file: cutting back for a resend must not lose them."""
    data, pieces = _pieces_of(19, [50_000, 50_000, 50_000, 7_000])
    name = unique_name("salvage.bin")
    assembled = upload_dir(sandbox.data_dir / "incoming", ALICE.user_id, name) / "assembled"
    send_piece(alice, name, bytes(50_000), 4, 0)
    send_piece(alice, name, pieces[1], 4, 1)
    send_piece(alice, name, pieces[2], 4, 2)
    assert assembled.stat().st_size == 150_000  # all three streamed straight in
    assert send_piece(alice, name, pieces[0], 4, 0).json()["upload"]["received"] == [0, 1, 2]
    attachment = send_piece(alice, name, pieces[3], 4, 3).json()["attachment"]
    assert_attachment_of(sandbox, attachment, name, data)


def _hold_open(data: bytes, release: threading.Event) -> Iterator[bytes]:
    """A body that sends a little over 1 MiB (enough for the sandbox to write a block), then waits for
    ``release`` before the rest."""
    yield data[: MIB + 1000]
    release.wait(WAIT_SECONDS)
    yield data[MIB + 1000 :]


@contextmanager
def _piece_one_on_its_way(
    sandbox: SandboxProcess, name: str, piece: bytes, declared: int
) -> Iterator["Future[httpx.Response]"]:
    """Piece 1 of 3 being sent (its length declared) while the block runs; its answer once the block ends."""
    assembled = upload_dir(sandbox.data_dir / "incoming", ALICE.user_id, name) / "assembled"
    release = threading.Event()
    # The pool is left first: its request ends before its client is closed.
    with sandbox.client(ALICE) as slow_client, ThreadPoolExecutor(1) as pool:
        held = pool.submit(send_piece, slow_client, name, _hold_open(piece, release), 3, 1, length=declared)
        try:
            wait_until(lambda: assembled.stat().st_size > MIB, "piece 1 to be on its way")
            yield held
        finally:
            release.set()


def test_a_piece_whose_place_is_known_goes_straight_into_the_file(
    sandbox: SandboxProcess, alice: httpx.Client
) -> None:
    """Several pieces at once: with piece 1 on its way (its length declared), piece 2's place is known."""
    data, pieces = _pieces_of(29, [40_000, 2 * MIB, 60_000])
    name = unique_name("placed.bin")
    send_piece(alice, name, pieces[0], 3, 0)
    with _piece_one_on_its_way(sandbox, name, pieces[1], declared=2 * MIB) as held:
        assert send_piece(alice, name, pieces[2], 3, 2).json()["upload"]["received"] == [0, 2]
        directory = upload_dir(sandbox.data_dir / "incoming", ALICE.user_id, name)
        assert not list(directory.glob("*.piece"))  # written in place, not kept aside
    attachment = held.result(WAIT_SECONDS).json()["attachment"]
    assert_attachment_of(sandbox, attachment, name, data)


def test_a_piece_placed_by_a_length_that_then_changed_is_sent_again(
    sandbox: SandboxProcess, alice: httpx.Client
) -> None:
    """Piece 2 was placed after piece 1's declared length; piece 1 then arrives with another length."""
    data, pieces = _pieces_of(31, [40_000, 2 * MIB, 60_000])
    name = unique_name("moved.bin")
    send_piece(alice, name, pieces[0], 3, 0)
    # Declares more than it sends, so the connection is cut: never stored.
    with _piece_one_on_its_way(sandbox, name, pieces[1], declared=2 * MIB + 5000) as cut_short:
        assert send_piece(alice, name, pieces[2], 3, 2).json()["upload"]["received"] == [0, 2]
    # httpx lets h11's own error through when a streamed body ends short of its declared length.
    with pytest.raises((httpx.TransportError, h11.LocalProtocolError)):
        cut_short.result(WAIT_SECONDS)
    # The client gives up before the server has noticed; until then a resend would be "already being received".
    wait_until(lambda: (1, "aborted") in upload_log(sandbox, name), "the server to drop the cut-off piece")
    answer = send_piece(alice, name, pieces[1], 3, 1).json()
    assert answer["upload"]["received"] == [0, 1]  # piece 2 sat where the longer piece 1 would have ended
    attachment = send_piece(alice, name, pieces[2], 3, 2).json()["attachment"]
    assert_attachment_of(sandbox, attachment, name, data)


def test_a_crash_in_the_middle_of_a_piece_loses_only_that_piece(
    fresh_sandbox: Callable[..., SandboxProcess],
) -> None:
    sandbox = fresh_sandbox()
    data, pieces = _pieces_of(23, [300_000, 3 * MIB, 100_000])
    name = unique_name("crash.bin")
    assembled = upload_dir(sandbox.data_dir / "incoming", ALICE.user_id, name) / "assembled"
    release = threading.Event()

    def half_then_wait() -> Iterator[bytes]:
        yield pieces[1][: 2 * MIB]
        release.wait(WAIT_SECONDS)
        yield pieces[1][2 * MIB :]

    with sandbox.client(ALICE) as client:
        send_piece(client, name, pieces[0], 3, 0)
    with ThreadPoolExecutor(1) as pool, sandbox.client(ALICE) as slow_client:
        # Declared, as real clients do: a piece of known length and place is written straight into the file.
        cut_off = pool.submit(send_piece, slow_client, name, half_then_wait(), 3, 1, length=len(pieces[1]))
        try:
            wait_until(lambda: assembled.stat().st_size > len(pieces[0]), "half of piece 1 to be written")
            sandbox.kill()
        finally:
            release.set()
        with pytest.raises(httpx.TransportError):
            cut_off.result(WAIT_SECONDS)
    sandbox.start()
    with sandbox.client(ALICE) as client:
        assert send_piece(client, name, pieces[2], 3, 2).json()["upload"]["received"] == [0, 2]
        attachment = send_piece(client, name, pieces[1], 3, 1).json()["attachment"]
    assert_attachment_of(sandbox, attachment, name, data)


def test_pieces_survive_a_restart(fresh_sandbox: Callable[..., SandboxProcess]) -> None:
    sandbox = fresh_sandbox()
    data, pieces = _pieces_of(17, [200_000, 200_000, 200_000, 123_456])
    name = unique_name("resume.bin")
    with sandbox.client(ALICE) as client:
        send_piece(client, name, pieces[0], 4, 0)
        assert send_piece(client, name, pieces[2], 4, 2).json()["upload"]["received"] == [0, 2]
    sandbox.restart()
    with sandbox.client(ALICE) as client:
        assert send_piece(client, name, pieces[3], 4, 3).json()["upload"]["received"] == [0, 2, 3]
        attachment = send_piece(client, name, pieces[1], 4, 1).json()["attachment"]
    assert_attachment_of(sandbox, attachment, name, data)


def test_a_piece_cut_off_midway_stores_nothing(sandbox: SandboxProcess, alice: httpx.Client) -> None:
    data, pieces = _pieces_of(18, [100_000, 100_000])
    name = unique_name("cut-off.bin")
    target = f"{UPLOAD}?filename={name}&chunks=2&chunk=1"
    with connect(sandbox) as sock:
        sock.sendall(request_head(sandbox, target, len(pieces[1])) + pieces[1][: len(pieces[1]) // 2])
    wait_until(lambda: upload_log(sandbox, name) == [(1, "aborted")], "the cut-off piece to be logged")
    assert list((sandbox.data_dir / "tmp").iterdir()) == []
    assert send_piece(alice, name, pieces[0], 2, 0).json()["upload"]["received"] == [0]
    attachment = send_piece(alice, name, pieces[1], 2, 1).json()["attachment"]
    assert_attachment_of(sandbox, attachment, name, data)
    assert upload_log(sandbox, name) == [(1, "aborted"), (0, "stored"), (1, "stored")]


# --- the legacy multipart form ------------------------------------------------------------------------


def legacy_post(
    client: httpx.Client, filename: str, data: bytes, *, json: bool, pieces: tuple[int, int] | None = None
) -> httpx.Response:
    """``POST /attachments`` as pre-3.7 scripts do: fields first, then the ``Filedata`` part."""
    fields = {"name": filename}
    if pieces is not None:
        fields.update(chunk=str(pieces[0]), chunks=str(pieces[1]))
    accept = "application/json" if json else "*/*"
    return client.post(
        "/attachments", data=fields, files={"Filedata": (filename, data, "application/octet-stream")},
        headers={"Accept": accept},
    )


def test_legacy_form_answers_the_bare_id(sandbox: SandboxProcess, alice: httpx.Client) -> None:
    data = random.Random(19).randbytes(80_000)
    name = unique_name("legacy.bin")
    response = legacy_post(alice, name, data, json=False)
    assert response.status_code == 200, response.text
    assert ID.match(response.text), response.text
    attachment = alice.get(f"/attachments/{response.text}").json()["attachment"]
    assert_attachment_of(sandbox, attachment, name, data)


def test_legacy_form_pieces_answer_empty_then_the_id(sandbox: SandboxProcess, alice: httpx.Client) -> None:
    data, pieces = _pieces_of(20, [30_000, 30_000, 5])
    name = unique_name("legacy-pieces.bin")
    for index in (0, 1):
        response = legacy_post(alice, name, pieces[index], json=False, pieces=(index, 3))
        assert response.status_code == 200 and response.content == b""
    last = legacy_post(alice, name, pieces[2], json=False, pieces=(2, 3))
    assert ID.match(last.text), last.text
    assert_attachment_of(sandbox, alice.get(f"/attachments/{last.text}").json()["attachment"], name, data)


def test_legacy_form_with_json_accept_answers_json(sandbox: SandboxProcess, alice: httpx.Client) -> None:
    data, pieces = _pieces_of(21, [10_000, 20_000])
    whole_name, name = unique_name("legacy-whole.json.bin"), unique_name("legacy-json.bin")
    whole = legacy_post(alice, whole_name, data, json=True)
    assert_attachment_of(sandbox, whole.json()["attachment"], whole_name, data)
    first = legacy_post(alice, name, pieces[1], json=True, pieces=(1, 2))
    assert first.json()["upload"]["received"] == [1]
    last = legacy_post(alice, name, pieces[0], json=True, pieces=(0, 2))
    assert_attachment_of(sandbox, last.json()["attachment"], name, data)


FORM = "multipart/form-data; boundary=XyZ"
NAME_FIELD = b'--XyZ\r\nContent-Disposition: form-data; name="name"\r\n'


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/octet-stream", b"not a form"),
        ("multipart/form-data", b"--XyZ\r\n\r\nno boundary in the header\r\n--XyZ--\r\n"),
        (FORM, b""),
        (FORM, b"--other\r\n\r\nwrong boundary\r\n--other--\r\n"),
        (FORM, NAME_FIELD + b"\r\nthe form ends in the middle of a field"),
        (FORM, b"--XyZ\r\nContent-Disposition form-data\r\n\r\nbad part header\r\n--XyZ--\r\n"),
        (FORM, NAME_FIELD + b"Content-Transfer-Encoding: weird\r\n\r\nx.txt\r\n--XyZ--\r\n"),
        (FORM, NAME_FIELD + b"\r\nx.txt\r\n--XyZ--\r\n"),
    ],
    ids=["not multipart", "no boundary", "empty", "wrong boundary", "cut short", "bad part header",
         "unknown transfer encoding", "no Filedata part"],
)
def test_malformed_legacy_forms_are_refused(alice: httpx.Client, content_type: str, body: bytes) -> None:
    response = alice.post("/attachments", headers={"Content-Type": content_type}, content=body)
    assert response.status_code == 422, response.text
    assert errors_of(response)


# --- virus scanning -----------------------------------------------------------------------------------


def assert_blocked(attachment: dict[str, Any]) -> None:
    assert attachment["content_blocked"] is True
    assert isinstance(attachment["content_blocked_message"], str) and attachment["content_blocked_message"]
    assert attachment["available"] is False
    assert attachment["processed"] is True


def test_eicar_is_blocked(alice: httpx.Client) -> None:
    assert_blocked(upload_attachment(alice, unique_name("eicar.com"), EICAR))


def test_eicar_around_the_first_mebibyte_of_a_whole_upload_is_blocked(alice: httpx.Client) -> None:
    # Where the sandbox's blocks begin depends on how the body arrives; the pieces below pin it down.
    data = bytes(MIB - 30) + EICAR + bytes(MIB)
    assert_blocked(upload_attachment(alice, unique_name("eicar-straddle.bin"), data))


def test_eicar_split_over_many_tiny_pieces_is_blocked(alice: httpx.Client) -> None:
    data = b"harmless prefix " + EICAR + b" harmless suffix"
    pieces = [data[start : start + 5] for start in range(0, len(data), 5)]
    assert_blocked(upload_pieces(alice, unique_name("eicar-pieces.bin"), pieces, list(range(len(pieces)))))


@pytest.mark.parametrize("first_piece", [MIB, 3 * MIB], ids=["across pieces", "across 1 MiB blocks of a piece"])
def test_eicar_across_a_boundary_is_blocked(alice: httpx.Client, first_piece: int) -> None:
    """Pieces are read back in 1 MiB blocks: the string starts 10 bytes before the end of one."""
    data = random.Random(22).randbytes(MIB - 10) + EICAR + random.Random(23).randbytes(3 * MIB)
    pieces = split(data, [first_piece, len(data) - first_piece])
    assert_blocked(upload_pieces(alice, unique_name("eicar-boundary.bin"), pieces, [1, 0]))


def test_scan_delay_keeps_an_upload_unprocessed_for_a_while(
    fresh_sandbox: Callable[..., SandboxProcess],
) -> None:
    sandbox = fresh_sandbox("--scan-delay", "2")
    with sandbox.client(ALICE) as client:
        attachment = upload_attachment(client, "scanned-later.txt", b"wait for it")
        for flag in ("processed", "virus_scanned", "available"):
            assert attachment[flag] is False, flag
        assert attachment["processed_at"] is None and attachment["virus_scanned_at"] is None

        def show() -> dict[str, Any]:
            shown: dict[str, Any] = client.get(f"/attachments/{attachment['id']}").json()["attachment"]
            return shown

        wait_until(lambda: show()["processed"], "the simulated virus scan to finish")
        done = show()
    assert done["virus_scanned"] is True and done["available"] is True
    assert_is_datetime(done["processed_at"])
    assert_is_datetime(done["virus_scanned_at"])


# --- bad input ----------------------------------------------------------------------------------------


ESCAPED = f"escaped-{time.monotonic_ns()}"
HOSTILE_NAMES = [
    "../x", f"../../../../../../../..{tempfile.gettempdir()}/{ESCAPED}", f"{tempfile.gettempdir()}/{ESCAPED}",
    "a/b", "a\\b", "..\\x", "C:\\x", "x\x00.txt", "nul\x00", "tab\tname", "line\nbreak", "carriage\rreturn",
    "esc\x1b[31m", "del\x7f", "x" * 1000, ".", "..", " ", "",
]


def test_hostile_file_names_are_refused_and_write_nothing(
    fresh_sandbox: Callable[..., SandboxProcess], tmp_path: Path
) -> None:
    sandbox = fresh_sandbox()
    with sandbox.client(ALICE) as client:
        for name in HOSTILE_NAMES:
            for params in ({"filename": name}, {"filename": name, "chunks": "2", "chunk": "0"}):
                response = client.post(UPLOAD, params=params, content=b"payload")
                assert response.status_code == 422, (name, response.text)
                assert "filename" in errors_of(response)[0], name
            legacy = legacy_post(client, name, b"payload", json=True)
            assert legacy.status_code == 422, (name, legacy.text)
        response = client.post(UPLOAD, content=b"no name at all")
        assert response.status_code == 422 and errors_of(response) == ["filename is required"]
    outside = [path for path in files_under(tmp_path) if sandbox.data_dir not in path.parents]
    assert all(path.parent == sandbox.log_dir for path in outside), outside
    for area in ("blobs", "incoming", "tmp"):
        assert files_under(sandbox.data_dir / area) == [], area
    assert not (Path(tempfile.gettempdir()) / ESCAPED).exists()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"chunk": "0"}, "chunks"),
        ({"chunks": "3"}, "chunk"),
        ({"chunks": "3", "chunk": "4"}, "chunk"),
        ({"chunks": "3", "chunk": "-1"}, "chunk"),
        ({"chunks": "three", "chunk": "0"}, "chunks"),
        ({"chunks": "3", "chunk": "0.5"}, "chunk"),
        ({"chunks": "0", "chunk": "0"}, "chunks"),
        ({"chunks": "", "chunk": "0"}, "chunks"),
    ],
)
def test_bad_piece_numbers_are_refused(alice: httpx.Client, params: dict[str, str], field: str) -> None:
    response = alice.post(UPLOAD, params={"filename": unique_name("numbers.bin"), **params}, content=b"x")
    assert response.status_code == 422, response.text
    assert field in errors_of(response)[0]


def test_another_piece_count_for_an_upload_in_progress_is_refused(alice: httpx.Client) -> None:
    name = unique_name("count.bin")
    assert send_piece(alice, name, b"first", 3, 0).status_code == 200
    for chunks, chunk in ((4, 1), (2, 1)):
        response = send_piece(alice, name, b"other", chunks, chunk)
        assert response.status_code == 422 and "in progress" in errors_of(response)[0]
    whole = alice.post(UPLOAD, params={"filename": name}, content=b"whole")
    assert whole.status_code == 422 and "in progress" in errors_of(whole)[0]
    assert send_piece(alice, name, b"second", 3, 1).json()["upload"]["received"] == [0, 1]


@pytest.mark.parametrize(("first", "then"), [(0, 3), (3, 0)])
def test_mixing_zero_and_one_based_numbers_is_refused(alice: httpx.Client, first: int, then: int) -> None:
    name = unique_name("mixed.bin")
    assert send_piece(alice, name, b"a", 3, first).status_code == 200
    response = send_piece(alice, name, b"b", 3, then)
    assert response.status_code == 422 and "0-based and 1-based" in errors_of(response)[0]


def test_the_same_piece_twice_at_once_is_a_conflict(sandbox: SandboxProcess, alice: httpx.Client) -> None:
    data, pieces = _pieces_of(24, [64_000, 64_000])
    name = unique_name("parallel.bin")
    release = threading.Event()
    tmp = sandbox.data_dir / "tmp"
    before = set(tmp.iterdir())

    # Piece 1 first: until piece 0 arrives its place is unknown, so its body goes through tmp/ (a piece that is
    # next in order would stream straight into the assembled file), which shows when it is on its way.
    def slow_body() -> Iterator[bytes]:
        yield pieces[1][:1000]
        release.wait(WAIT_SECONDS)
        yield pieces[1][1000:]

    def send_slowly() -> httpx.Response:
        with sandbox.client(ALICE) as client:
            return send_piece(client, name, slow_body(), 2, 1)

    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(send_slowly)
        try:
            wait_until(lambda: set(tmp.iterdir()) - before != set(), "the first body to be on its way")
            second = send_piece(alice, name, b"the same piece again", 2, 1)
        finally:
            release.set()
        assert first.result(WAIT_SECONDS).json()["upload"]["received"] == [1]
    assert second.status_code == 409 and "already being received" in errors_of(second)[0]
    attachment = send_piece(alice, name, pieces[0], 2, 0).json()["attachment"]
    assert_attachment_of(sandbox, attachment, name, data)


def test_oversize_pieces_are_refused(fresh_sandbox: Callable[..., SandboxProcess]) -> None:
    sandbox = fresh_sandbox("--max-piece-mb", "1")
    declared = bytes(2 * MIB)

    def growing() -> Iterator[bytes]:
        for _ in range(8):
            yield bytes(256 * 1024)

    with sandbox.client(ALICE) as client:
        by_length = send_piece(client, "big.bin", declared, 2, 0)
        assert by_length.status_code == 413 and errors_of(by_length)
        by_stream = send_piece(client, "streamed.bin", growing(), 2, 0)
        assert by_stream.status_code == 413 and errors_of(by_stream)
        assert upload_attachment(client, "just-fits.bin", bytes(MIB))["size"] == MIB
    assert upload_log(sandbox, "streamed.bin") == [(0, "too-large")]
    assert files_under(sandbox.data_dir / "tmp") == []


def test_restricted_group_may_not_upload_blocked_types(carol: httpx.Client) -> None:
    response = carol.post(UPLOAD, params={"filename": unique_name("setup.exe")}, content=b"MZ")
    assert response.status_code == 422 and ".exe" in errors_of(response)[0]
    assert upload_attachment(carol, unique_name("setup.txt"), b"MZ")["filename"].endswith("setup.txt")


def test_uploads_need_a_valid_key(sandbox: SandboxProcess, anonymous: httpx.Client) -> None:
    params = {"filename": unique_name("anonymous.txt")}
    no_key = anonymous.post(UPLOAD, params=params, content=b"x")
    assert no_key.status_code == 401 and errors_of(no_key)
    with sandbox.client(Account("mallory@example.com", "pw", "WrongKey00000000000000")) as mallory:
        wrong_key = mallory.post(UPLOAD, params=params, content=b"x")
    assert wrong_key.status_code == 401 and errors_of(wrong_key)


def test_uploads_answer_only_json(alice: httpx.Client) -> None:
    response = alice.post(
        UPLOAD, params={"filename": unique_name("plain.txt")}, content=b"x",
        headers={"Accept": "text/html", "Content-Type": "application/octet-stream"},
    )
    assert response.status_code == 406 and errors_of(response)


# --- whose attachments --------------------------------------------------------------------------------


def test_other_users_cannot_see_an_attachment(alice: httpx.Client, bob: httpx.Client) -> None:
    attachment = upload_attachment(alice, unique_name("private.txt"), b"for alice only")
    assert bob.get(f"/attachments/{attachment['id']}").status_code == 404
    assert attachment["id"] not in {item["id"] for item in bob.get("/attachments").json()["attachments"]}
    listed = [item for item in alice.get("/attachments").json()["attachments"] if item["id"] == attachment["id"]]
    assert listed == [attachment]


@pytest.mark.parametrize("path", ["/attachments", "/message/attachments"])
def test_deleting_an_unsent_attachment(
    sandbox: SandboxProcess, alice: httpx.Client, bob: httpx.Client, path: str
) -> None:
    attachment = upload_attachment(alice, unique_name("delete-me.txt"), b"soon gone")
    not_bobs = bob.delete(f"{path}/{attachment['id']}")
    assert not_bobs.status_code == 404 and errors_of(not_bobs)
    assert alice.get(f"/attachments/{attachment['id']}").status_code == 200
    deleted = alice.delete(f"{path}/{attachment['id']}")
    assert deleted.status_code == 200 and deleted.content == b""
    assert alice.get(f"/attachments/{attachment['id']}").status_code == 404
    assert alice.delete(f"{path}/{attachment['id']}").status_code == 404
    assert not (sandbox.data_dir / "blobs" / attachment["id"]).exists()
