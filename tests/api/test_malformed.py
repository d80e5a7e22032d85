"""Answers no honest server gives, made with httpx.MockTransport: each must become a clear error."""

from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.api.errors import ProtocolError, ServerError
from lfdesktop.api.http import Session

KEY = "MockKey000000000000000"
ERROR_PAGE = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
Answering = Callable[[int, dict[str, str], bytes], LiquidFilesClient]


@pytest.fixture
async def answering() -> AsyncIterator[Answering]:
    """A client whose every request gets the same made-up answer."""
    opened: list[LiquidFilesClient] = []

    def make(status: int, headers: dict[str, str], content: bytes) -> LiquidFilesClient:
        transport = httpx.MockTransport(lambda request: httpx.Response(status, headers=headers, content=content))
        client = LiquidFilesClient(Session("https://files.example.com", KEY, transport=transport))
        opened.append(client)
        return client

    yield make
    for client in opened:
        await client.aclose()


async def test_truncated_json_is_a_protocol_error(answering: Answering) -> None:
    client = answering(200, {"Content-Type": "application/json"}, b'{"attachments": [{"id": "8mop0J8KXRa93Da')
    with pytest.raises(ProtocolError) as caught:
        await client.attachments()
    assert str(caught.value).startswith("The server's answer is not JSON")
    assert not caught.value.retryable


async def test_an_html_error_page_is_a_server_error(answering: Answering) -> None:
    client = answering(502, {"Content-Type": "text/html"}, ERROR_PAGE)
    with pytest.raises(ServerError) as caught:
        await client.inbox()
    assert caught.value.status == 502 and caught.value.retryable
    assert str(caught.value) == "The server failed (HTTP 502): Bad Gateway"


async def test_an_html_page_with_200_is_not_the_api(answering: Answering) -> None:
    client = answering(200, {"Content-Type": "text/html; charset=utf-8"}, b"<html><body>Welcome</body></html>")
    with pytest.raises(ProtocolError, match="answered with a web page"):
        await client.account()


async def test_json_of_the_wrong_shape_is_a_protocol_error(answering: Answering) -> None:
    client = answering(200, {"Content-Type": "application/json"}, b'{"status": "ok"}')
    with pytest.raises(ProtocolError, match="Expected the link under 'link'"):
        await client.create_link("8mop0J8KXRa93DasEdTdiJ")
