"""The browser sign-in listener, driven through the real sandbox's sign-in page as a browser would submit it,
and spoken to directly over loopback: careful about what it accepts, and never telling the key to anyone."""

import asyncio
import logging
import socket
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest

from lfdesktop.accounts.browser_signin import BrowserSignIn, BrowserSignInClosed, SignedIn
from tests.sandboxproc import ALICE, SandboxProcess

NAME = "lfdesktop & tests"


class FormReader(HTMLParser):
    """The form on a page as a browser sees it: where it posts and its inputs' names and values."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.action = ""
        self.inputs: dict[str, str] = {}
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.action = attributes.get("action") or ""
        elif tag == "input" and attributes.get("name"):
            self.inputs[str(attributes["name"])] = attributes.get("value") or ""


async def sign_in_in_browser(agent: BrowserSignIn, server_url: str, email: str, password: str) -> httpx.Response:
    """Open the page the app would open, fill in the form and submit it."""
    async with httpx.AsyncClient(headers={"Accept": "text/html"}, timeout=30) as browser:
        page = await browser.get(agent.url_for(server_url))
        assert page.status_code == 200, page.text
        form = FormReader(page.text)
        return await browser.post(urljoin(str(page.url), form.action), data={
            **form.inputs, "email": email, "password": password})


async def post(agent: BrowserSignIn, **request: object) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10) as client:
        return await client.post(f"http://127.0.0.1:{agent.port}/", **request)  # type: ignore[arg-type]


async def exchange(port: int, raw: bytes, host: str = "127.0.0.1") -> bytes:
    """Send ``raw`` bytes as they are; everything the listener answers before it hangs up."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(raw)
        await writer.drain()
        return await reader.read()
    finally:
        writer.close()
        await writer.wait_closed()


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def still_waiting(agent: BrowserSignIn) -> "asyncio.Future[SignedIn]":
    return asyncio.ensure_future(agent.received())


async def test_signing_in_on_the_servers_page_hands_the_key_to_the_app(
    sandbox: SandboxProcess, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with BrowserSignIn(agent_name=NAME) as agent:
        url = agent.url_for(sandbox.url + "/")
        assert url.startswith(f"{sandbox.url}/session/api?")
        assert parse_qs(urlsplit(url).query) == {"agent_port": [str(agent.port)], "agent_name": [NAME]}

        page = await sign_in_in_browser(agent, sandbox.url, ALICE.email, ALICE.password)
        signed_in = await agent.received()

    assert page.status_code == 200 and "You are signed in" in page.text
    assert signed_in == SignedIn(ALICE.api_key, ALICE.email)
    assert ALICE.api_key not in repr(signed_in) and ALICE.api_key not in caplog.text


async def test_a_wrong_password_hands_nothing_over_and_the_right_one_then_does(sandbox: SandboxProcess) -> None:
    async with BrowserSignIn() as agent:
        waiting = still_waiting(agent)
        page = await sign_in_in_browser(agent, sandbox.url, ALICE.email, "wrong")
        # The server hands the key over before it answers the browser: by now it would have arrived.
        assert page.status_code == 422 and "Invalid email or password" in page.text
        assert not waiting.done()

        page = await sign_in_in_browser(agent, sandbox.url, ALICE.email, ALICE.password)
        assert page.status_code == 200
        assert (await waiting).api_key == ALICE.api_key


@pytest.mark.parametrize(
    ("request_args", "status"),
    [
        ({"content": b"{not json", "headers": {"Content-Type": "application/json"}}, 400),
        ({"json": ["api_key", "email"]}, 400),
        ({"json": {"api_key": ALICE.api_key}}, 400),
        ({"json": {"api_key": "a key with spaces", "email": ALICE.email}}, 400),
        ({"json": {"api_key": 12345, "email": ALICE.email}}, 400),
        ({"json": {"api_key": ALICE.api_key, "email": "not an address"}}, 400),
        ({"data": {"email": ALICE.email}}, 400),
        ({"content": b"api_key=x&&&=", "headers": {"Content-Type": "application/x-www-form-urlencoded"}}, 400),
        ({"content": b"\xff\xfe{}", "headers": {"Content-Type": "application/json"}}, 400),
        ({"content": b"<xml/>", "headers": {"Content-Type": "application/xml"}}, 415),
        ({"json": {"api_key": ALICE.api_key, "email": ALICE.email, "padding": "x" * 20_000}}, 413),
    ],
    ids=["bad json", "json array", "no email", "key with spaces", "key not text", "bad email", "form without key",
         "bad form", "not utf-8", "xml", "too large"],
)
async def test_a_malformed_post_is_refused_and_the_listener_keeps_waiting(
    request_args: dict[str, object], status: int
) -> None:
    async with BrowserSignIn() as agent:
        waiting = still_waiting(agent)
        answer = await post(agent, **request_args)
        assert answer.status_code == status and not waiting.done()
        assert ALICE.api_key not in answer.text  # nothing of the request is echoed

        answer = await post(agent, data={"api_key": ALICE.api_key, "email": ALICE.email})  # a form works
        assert answer.status_code == 200 and "Signed in" in answer.text
        assert await waiting == SignedIn(ALICE.api_key, ALICE.email)


async def test_other_methods_and_paths_are_refused_and_a_browser_preflight_is_allowed() -> None:
    async with BrowserSignIn() as agent, httpx.AsyncClient(timeout=10) as client:
        base = f"http://127.0.0.1:{agent.port}"
        got = await client.get(f"{base}/")
        elsewhere = await client.post(f"{base}/session", json={"api_key": "k", "email": "a@b.c"})
        preflight = await client.options(f"{base}/", headers={
            "Origin": "https://files.example.com", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})
        waiting = still_waiting(agent)
        await asyncio.sleep(0)

    assert got.status_code == 405 and got.headers["Allow"] == "POST, OPTIONS"
    assert elsewhere.status_code == 404
    assert preflight.status_code == 204 and preflight.content == b""
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert preflight.headers["Access-Control-Allow-Headers"].lower() == "content-type"
    with pytest.raises(BrowserSignInClosed):
        await waiting  # closed without a key


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"nonsense\r\n\r\n", 400),
        (b"POST / HTTP/1.1 extra\r\n\r\n", 400),
        (b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),
        (b"POST / HTTP/1.1\r\nHost: x\r\n\r\n", 411),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501),
        (b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}", 400),
        (b"POST / HTTP/1.1\r\n folded: header\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nBad\x01Name: x\r\n\r\n", 400),
        (b"GET /" + b"a" * 10_000 + b" HTTP/1.1\r\n\r\n", 431),
        (b"GET / HTTP/1.1\r\n" + b"".join(b"X-Header-%d: x\r\n" % i for i in range(100)) + b"\r\n", 431),
    ],
    ids=["garbage", "four parts", "http2", "no length", "chunked", "negative length", "two lengths", "folded",
         "control char", "long line", "many headers"],
)
async def test_broken_http_gets_a_clear_status_and_the_listener_keeps_waiting(raw: bytes, status: int) -> None:
    async with BrowserSignIn() as agent:
        waiting = still_waiting(agent)
        answer = await exchange(agent.port, raw)
        assert status_of(answer) == status and b"Connection: close" in answer
        assert not waiting.done()

        body = b'{"api_key": "AliceKey0000000000000A", "email": "alice@example.com"}'
        answer = await exchange(agent.port, b"POST http://localhost/ HTTP/1.0\r\nContent-Length: %d\r\n\r\n%s" % (
            len(body), body))  # absolute-form target, HTTP/1.0, no Content-Type: still understood
        assert status_of(answer) == 200
        assert (await waiting).email == ALICE.email


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not ipv6_loopback(), reason="no IPv6 loopback here")
async def test_localhost_as_ipv6_reaches_the_same_listener() -> None:
    async with BrowserSignIn() as agent:
        body = b'{"api_key": "K", "email": "a@b.example"}'
        answer = await exchange(
            agent.port, b"POST / HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
                len(body), body), host="::1")
        assert status_of(answer) == 200
        assert await agent.received() == SignedIn("K", "a@b.example")


async def test_the_listener_is_gone_after_the_block() -> None:
    async with BrowserSignIn() as agent:
        port = agent.port
        answer = await post(agent, json={"api_key": "K", "email": "a@b.example"})
        assert answer.status_code == 200
        again = await post(agent, json={"api_key": "OTHER", "email": "b@b.example"})
        assert again.status_code == 200 and "Already signed in" in again.text

    assert (await agent.received()).api_key == "K"  # the first hand-over counts
    with pytest.raises(OSError):
        await asyncio.open_connection("127.0.0.1", port)
    with pytest.raises(RuntimeError):
        BrowserSignIn().url_for("https://files.example.com")
