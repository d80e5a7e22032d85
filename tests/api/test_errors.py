"""What a user is told when a request fails: wrong key, no server, untrusted certificate, old auth."""

import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.api.errors import AuthError, CertificateError, NetworkError
from lfdesktop.api.http import HttpOptions, TlsOptions
from tests.api.conftest import OldServer
from tests.sandboxproc import ALICE, SandboxProcess

DATA = Path(__file__).parents[1] / "data"
CERT = DATA / "sandbox-test.crt"


async def test_a_wrong_key_is_refused_without_repeating_it(sandbox: SandboxProcess) -> None:
    key = "WrongKey00000000000000"
    async with LiquidFilesClient.connect(sandbox.url, key) as client:
        with pytest.raises(AuthError) as caught:
            await client.account()
    error = caught.value
    assert error.status == 401 and not error.retryable
    assert "refused the API key" in str(error)
    for text in (str(error), repr(error), *error.errors, *map(str, error.args)):
        assert key not in text


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # closed again: nothing listens there


async def test_an_unreachable_server_says_so() -> None:
    async with LiquidFilesClient.connect(f"http://127.0.0.1:{_closed_port()}", ALICE.api_key) as client:
        with pytest.raises(NetworkError) as caught:
            await client.account()
    assert caught.value.kind == "unreachable" and caught.value.retryable
    assert str(caught.value).startswith("Server not reachable: 127.0.0.1")
    assert ALICE.api_key not in str(caught.value)


@pytest.fixture
def tls_sandbox(fresh_sandbox: Callable[..., SandboxProcess]) -> SandboxProcess:
    process = fresh_sandbox("--tls-cert", str(CERT), "--tls-key", str(DATA / "sandbox-test.key"))
    assert process.url.startswith("https://")
    return process


@pytest.mark.parametrize("tls", [TlsOptions(), TlsOptions(system_store=True)], ids=["certifi", "os-store"])
async def test_an_untrusted_certificate_is_refused(tls_sandbox: SandboxProcess, tls: TlsOptions) -> None:
    async with LiquidFilesClient.connect(tls_sandbox.url, ALICE.api_key, HttpOptions(tls=tls)) as client:
        with pytest.raises(CertificateError) as caught:
            await client.account()
    assert caught.value.kind == "tls" and not caught.value.retryable
    assert str(caught.value).startswith("The certificate of 127.0.0.1 is not trusted: self-signed certificate")


@pytest.mark.parametrize(
    "tls", [TlsOptions(ca_file=CERT), TlsOptions(ca_file=CERT, system_store=True)], ids=["certifi", "os-store"]
)
async def test_a_certificate_from_a_trusted_ca_file_works(tls_sandbox: SandboxProcess, tls: TlsOptions) -> None:
    async with LiquidFilesClient.connect(tls_sandbox.url, ALICE.api_key, HttpOptions(tls=tls)) as client:
        assert (await client.account()).email == ALICE.email


async def test_an_older_server_gets_basic_auth_after_one_refusal(old_server: OldServer) -> None:
    async with LiquidFilesClient.connect(old_server.url, old_server.api_key) as client:
        assert (await client.account()).email == "old@example.com"
        assert old_server.schemes == ["bearer", "basic"]
        assert (await client.account()).id == "old-example-com"
    assert old_server.schemes == ["bearer", "basic", "basic"]  # remembered: no second Bearer attempt


async def test_a_wrong_key_on_an_older_server_is_refused_both_ways(old_server: OldServer) -> None:
    async with LiquidFilesClient.connect(old_server.url, "WrongKey00000000000000") as client:
        with pytest.raises(AuthError):
            await client.account()
    assert old_server.schemes == ["bearer", "basic"]


def test_certifis_bundle_is_read_once_for_every_client() -> None:
    """Reading it takes tens of milliseconds on the GUI's loop; a CA file of the user's is read each time
    (it may have been replaced)."""
    assert TlsOptions().context() is TlsOptions().context()
    assert TlsOptions(ca_file=CERT).context() is not TlsOptions(ca_file=CERT).context()
