"""Injected upload faults (``--fault-rate``): real failures that a retrying client always gets past."""

import hashlib
import random
import zlib
from collections import Counter
from collections.abc import Callable

import httpx
import pytest

from tests.sandbox.helpers import send_piece, upload_log
from tests.sandboxproc import ALICE, SandboxProcess

PIECES = 12
PIECE_BYTES = 96 * 1024
MAX_ATTEMPTS = 30
FAULT_OUTCOMES = {"fault-drop", "fault-error", "fault-stall"}


def send_until_accepted(client: httpx.Client, name: str, data: bytes, chunk: int) -> tuple[httpx.Response, int]:
    """Retry one piece until the sandbox takes it, as a transfer client would; (answer, failed attempts)."""
    for failed in range(MAX_ATTEMPTS):
        try:
            response = send_piece(client, name, data, PIECES, chunk)
        except httpx.TransportError:  # dropped or stalled, then hung up
            continue
        if response.status_code == 200:
            return response, failed
        assert response.status_code == 500, response.text  # the only answer a fault gives
    raise AssertionError(f"piece {chunk} was never accepted in {MAX_ATTEMPTS} attempts")


@pytest.mark.slow
def test_a_retrying_client_completes_an_upload_through_faults(
    fresh_sandbox: Callable[..., SandboxProcess],
) -> None:
    sandbox = fresh_sandbox("--fault-rate", "0.5", "--stall-seconds", "1", "--seed", "7")
    data = random.Random(7).randbytes(PIECES * PIECE_BYTES)
    pieces = [data[start : start + PIECE_BYTES] for start in range(0, len(data), PIECE_BYTES)]
    name = "through-faults.bin"
    failures: Counter[int] = Counter()
    with sandbox.client(ALICE, timeout=3.0) as client:
        for chunk, piece in enumerate(pieces):
            response, failed = send_until_accepted(client, name, piece, chunk)
            failures[chunk] = failed
    attachment = response.json()["attachment"]
    assert attachment["size"] == len(data)
    assert attachment["checksum"] == hashlib.sha256(data).hexdigest()
    assert int(attachment["crc32"], 16) == zlib.crc32(data)
    assert (sandbox.data_dir / "blobs" / attachment["id"]).read_bytes() == data

    log = upload_log(sandbox, name)
    outcomes = Counter(outcome for _, outcome in log)
    assert set(outcomes) == FAULT_OUTCOMES | {"stored"}, outcomes
    stored = Counter(chunk for chunk, outcome in log if outcome == "stored")
    assert stored == dict.fromkeys(range(PIECES), 1)
    # Every failure the client saw was an injected fault, and each fault left nothing behind.
    faults = Counter(chunk for chunk, outcome in log if outcome in FAULT_OUTCOMES)
    assert faults == +failures
    assert list((sandbox.data_dir / "tmp").iterdir()) == []
