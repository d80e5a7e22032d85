"""HTTP conventions every endpoint shares: auth, JSON negotiation, error shape, TLS, latency."""

import base64
import ssl
import time
from pathlib import Path

import httpx
import pytest

from tests.sandbox.helpers import errors_of, upload_attachment
from tests.sandboxproc import ALICE, SandboxProcess

DATA = Path(__file__).parent.parent / "data"
JSON = {"Accept": "application/json"}


def _basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}", **JSON}


@pytest.mark.parametrize(
    "headers",
    [
        _basic(ALICE.api_key, "x"),
        _basic(ALICE.api_key, ""),
        {"Authorization": f"Bearer {ALICE.api_key}", **JSON},
    ],
    ids=["basic-key-x", "basic-empty-password", "bearer"],
)
def test_api_key_is_accepted_as_basic_and_bearer(sandbox: SandboxProcess, headers: dict[str, str]) -> None:
    response = httpx.get(f"{sandbox.url}/account", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["user"]["email"] == ALICE.email


@pytest.mark.parametrize(
    "headers",
    [
        JSON,
        _basic("NotARealKey00000000000", "x"),
        {"Authorization": "Bearer", **JSON},
        {"Authorization": "Basic %%%not-base64", **JSON},
        {"Authorization": f"Digest {ALICE.api_key}", **JSON},
    ],
    ids=["none", "wrong-key", "empty-bearer", "garbled-basic", "unknown-scheme"],
)
def test_missing_or_wrong_key_is_401_with_errors(sandbox: SandboxProcess, headers: dict[str, str]) -> None:
    response = httpx.get(f"{sandbox.url}/attachments", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert errors_of(response)


def test_json_is_negotiated_by_accept_content_type_or_suffix(sandbox: SandboxProcess) -> None:
    auth = (ALICE.api_key, "x")
    by_accept = httpx.get(f"{sandbox.url}/attachments", auth=auth, headers=JSON)
    by_content_type = httpx.get(
        f"{sandbox.url}/attachments", auth=auth, headers={"Content-Type": "application/json"}
    )
    by_suffix = httpx.get(f"{sandbox.url}/attachments.json", auth=auth)
    for response in (by_accept, by_content_type, by_suffix):
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].startswith("application/json")
        assert isinstance(response.json()["attachments"], list)


def test_a_request_that_does_not_ask_for_json_is_told_how(sandbox: SandboxProcess) -> None:
    response = httpx.get(f"{sandbox.url}/attachments", auth=(ALICE.api_key, "x"))
    assert response.status_code == 406
    assert "Accept: application/json" in errors_of(response)[0]


def test_unknown_paths_and_methods_answer_json_errors(alice: httpx.Client) -> None:
    missing = alice.get("/no/such/endpoint")
    assert missing.status_code == 404
    assert "/no/such/endpoint" in errors_of(missing)[0]
    wrong_method = alice.put("/message/attachments/upload", content=b"x")
    assert wrong_method.status_code == 405
    assert errors_of(wrong_method)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"{not json", "Malformed JSON"),
        (b"[1, 2]", "Expected a JSON object"),
        (b'{"user": "alice"}', 'Expected a JSON object under "user"'),
        (b"\xff\xfe", "Malformed JSON"),
    ],
)
def test_malformed_json_bodies_are_422_never_500(anonymous: httpx.Client, body: bytes, expected: str) -> None:
    response = anonymous.post("/login", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert expected in errors_of(response)[0]


def test_oversized_json_body_is_413(anonymous: httpx.Client) -> None:
    response = anonymous.post("/login", content=b"{" + b" " * (2 * 1024 * 1024) + b"}")
    assert response.status_code == 413
    assert errors_of(response)


def test_state_survives_a_restart(fresh_sandbox) -> None:  # type: ignore[no-untyped-def]
    sandbox = fresh_sandbox()
    with sandbox.client(ALICE) as client:
        attachment = upload_attachment(client, "kept.txt", b"still here after a restart")
    sandbox.restart()
    with sandbox.client(ALICE) as client:
        shown = client.get(f"/attachments/{attachment['id']}")
    assert shown.status_code == 200
    assert shown.json()["attachment"]["checksum"] == attachment["checksum"]


def test_tls_serves_https_and_an_untrusted_certificate_is_refused(fresh_sandbox) -> None:  # type: ignore[no-untyped-def]
    sandbox = fresh_sandbox(
        "--tls-cert", str(DATA / "sandbox-test.crt"), "--tls-key", str(DATA / "sandbox-test.key")
    )
    assert sandbox.url.startswith("https://127.0.0.1:")
    trusted = ssl.create_default_context(cafile=str(DATA / "sandbox-test.crt"))
    with httpx.Client(base_url=sandbox.url, verify=trusted, auth=(ALICE.api_key, "x"), headers=JSON) as client:
        assert client.get("/account").json()["user"]["email"] == ALICE.email
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(f"{sandbox.url}/account", auth=(ALICE.api_key, "x"), headers=JSON)


def test_latency_option_delays_every_answer(fresh_sandbox) -> None:  # type: ignore[no-untyped-def]
    sandbox = fresh_sandbox("--latency-ms", "300")
    with sandbox.client(ALICE) as client:
        started = time.monotonic()
        response = client.get("/attachments")
        elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert elapsed >= 0.3  # a lower bound the server guarantees, not a speed measurement
