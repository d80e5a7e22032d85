"""Sign in with the browser, LiquidFiles' flow for two-factor accounts: a short-lived listener on loopback.

The app opens ``SERVER/session/api?agent_port=PORT&agent_name=NAME`` in the user's browser; once the user has
signed in there, the server POSTs ``{"api_key", "email"}`` to ``http://localhost:PORT/``. ``localhost`` may
resolve to 127.0.0.1 or to ::1, so the listener holds the port on both where it can; a port that another
program holds on ::1 is never used (that program would receive the key).

The HTTP side is deliberately small: one request per connection, a request line and headers within limits, a
body only with a Content-Length (up to 16 KiB), JSON or form-encoded. A browser page may post too, so CORS
preflights are answered. Anything on this computer can post to the port: the caller checks the key it gets
with the server (``GET /account``) before trusting it. The key is never logged nor put in a message.
"""

import asyncio
import errno
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from urllib.parse import parse_qs, quote, urlencode, urlsplit

log = logging.getLogger(__name__)

MAX_LINE = 8 * 1024
MAX_HEADERS = 64
MAX_BODY = 16 * 1024
REQUEST_SECONDS = 10.0  # for a whole request, from connecting to the answer
PORT_ATTEMPTS = 20
MAX_KEY = 512
MAX_EMAIL = 320

_ONCE = frozenset({"content-length", "content-type", "transfer-encoding"})  # two of these: which one counts?
_CORS = (("Access-Control-Allow-Origin", "*"),)
_PREFLIGHT = (
    ("Access-Control-Allow-Methods", "POST, OPTIONS"),
    ("Access-Control-Allow-Headers", "Content-Type"),
    ("Access-Control-Allow-Private-Network", "true"),  # Chrome asks before a public page may reach loopback
    ("Access-Control-Max-Age", "600"),
)


@dataclass(frozen=True)
class SignedIn:
    api_key: str = field(repr=False)
    email: str


class BrowserSignInClosed(Exception):
    """The listener closed before the server handed a key over."""


@dataclass(frozen=True)
class _Request:
    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes


class _Refused(Exception):
    """A request answered with an error status; ``reason`` is ours, never a value from the request."""

    def __init__(self, status: HTTPStatus, reason: str, headers: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.headers = headers


class _Gone(Exception):
    """The client hung up before its request was complete."""


class BrowserSignIn:
    """``async with BrowserSignIn() as agent``: open ``agent.url_for(server)`` in a browser, then
    ``await agent.received()``. The listener closes when the block ends."""

    def __init__(self, agent_name: str = "lfdesktop") -> None:
        self.agent_name = agent_name
        self.port = 0
        self._servers: list[asyncio.Server] = []
        self._handlers: set[asyncio.Task[None]] = set()
        self._signed_in: asyncio.Future[SignedIn] | None = None

    async def __aenter__(self) -> "BrowserSignIn":
        self._signed_in = asyncio.get_running_loop().create_future()
        self._servers = await self._listen()
        self.port = self._servers[0].sockets[0].getsockname()[1]
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        for server in self._servers:
            server.close()
        for handler in self._handlers:
            handler.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        for server in self._servers:
            await server.wait_closed()
        self._servers = []
        if self._signed_in is not None and not self._signed_in.done():
            self._signed_in.set_exception(BrowserSignInClosed("The sign-in in the browser was not completed"))
            self._signed_in.exception()  # marks it seen: nobody waiting is no error worth a log line

    def url_for(self, server_url: str) -> str:
        """The page to open in the browser: the server's sign-in, told where to hand the key over."""
        if not self.port:
            raise RuntimeError("not listening: use BrowserSignIn in 'async with'")
        query = urlencode({"agent_port": self.port, "agent_name": self.agent_name}, quote_via=quote)
        return f"{server_url.rstrip('/')}/session/api?{query}"

    async def received(self) -> SignedIn:
        """Wait for the key (no time limit of its own). Cancelling the wait leaves the listener listening;
        ``BrowserSignInClosed`` once it has closed without a key."""
        if self._signed_in is None:
            raise RuntimeError("not listening: use BrowserSignIn in 'async with'")
        return await asyncio.shield(self._signed_in)

    # ---- inside ----

    async def _listen(self) -> list[asyncio.Server]:
        for _ in range(PORT_ATTEMPTS):
            v4 = await asyncio.start_server(self._serve, "127.0.0.1", 0, limit=MAX_LINE)
            port = v4.sockets[0].getsockname()[1]
            try:
                v6 = await asyncio.start_server(self._serve, "::1", port, limit=MAX_LINE)
            except OSError as error:
                if error.errno != errno.EADDRINUSE:
                    return [v4]  # no IPv6 loopback here, so localhost cannot mean ::1
                v4.close()  # another program has this port on ::1: try another
                await v4.wait_closed()
                continue
            except BaseException:
                v4.close()
                raise
            return [v4, v6]
        raise OSError(errno.EADDRINUSE, "No port is free on both 127.0.0.1 and ::1 for the browser sign-in")

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        handler = asyncio.current_task()
        assert handler is not None
        self._handlers.add(handler)
        try:
            async with asyncio.timeout(REQUEST_SECONDS):
                try:
                    status, text, headers = self._answer(await _read_request(reader))
                except _Refused as refused:
                    log.debug("browser sign-in listener: %d %s", refused.status, refused.reason)
                    status, text, headers = refused.status, refused.reason, refused.headers
                writer.write(_response(status, text, headers))
                await writer.drain()
        except (_Gone, TimeoutError, ConnectionError):
            pass  # nobody left to answer
        finally:
            try:
                await _close(writer)
            finally:
                self._handlers.discard(handler)

    def _answer(self, request: _Request) -> tuple[HTTPStatus, str, tuple[tuple[str, str], ...]]:
        if request.path != "/":
            raise _Refused(HTTPStatus.NOT_FOUND, "Not found")
        if request.method == "OPTIONS":
            return HTTPStatus.NO_CONTENT, "", _PREFLIGHT
        if request.method != "POST":
            raise _Refused(HTTPStatus.METHOD_NOT_ALLOWED, "Only POST", (("Allow", "POST, OPTIONS"),))
        signed_in = _signed_in(request.headers.get("content-type", ""), request.body)
        assert self._signed_in is not None
        if self._signed_in.done():
            return HTTPStatus.OK, f"Already signed in; you can close this and return to {self.agent_name}.", ()
        self._signed_in.set_result(signed_in)
        log.info("browser sign-in: received an API key for %s", signed_in.email)
        return HTTPStatus.OK, f"Signed in. You can close this and return to {self.agent_name}.", ()


async def _close(writer: asyncio.StreamWriter) -> None:
    """Close after the answer is flushed; a peer that does not read it is cut off."""
    writer.close()
    try:
        async with asyncio.timeout(1):
            await writer.wait_closed()
    except (TimeoutError, ConnectionError):
        writer.transport.abort()


async def _read_request(reader: asyncio.StreamReader) -> _Request:
    method, target = _request_line(await _read_line(reader))
    headers = await _read_headers(reader)
    body = await _read_body(reader, headers) if method == "POST" else b""
    path = urlsplit(target).path if target.startswith("http://") else target.partition("?")[0]
    return _Request(method, path, headers, body)


async def _read_line(reader: asyncio.StreamReader) -> str:
    try:
        raw = await reader.readuntil(b"\n")
    except asyncio.LimitOverrunError:
        raise _Refused(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Line too long") from None
    except asyncio.IncompleteReadError:
        raise _Gone from None
    line = raw.removesuffix(b"\n").removesuffix(b"\r").decode("latin-1")
    if any((ord(char) < 0x20 and char != "\t") or ord(char) == 0x7F for char in line):
        raise _Refused(HTTPStatus.BAD_REQUEST, "Control character in the request head")
    return line


def _request_line(line: str) -> tuple[str, str]:
    """(method, target); the answer is always HTTP/1.1 with the connection closed, so 1.0 is fine too."""
    parts = line.split(" ")
    if len(parts) != 3 or not parts[0].isalpha() or not parts[0].isupper() or not parts[1]:
        raise _Refused(HTTPStatus.BAD_REQUEST, "Malformed request line")
    method, target, version = parts
    if version not in ("HTTP/1.0", "HTTP/1.1"):
        raise _Refused(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, "HTTP/1.1 only")
    return method, target


async def _read_headers(reader: asyncio.StreamReader) -> dict[str, str]:
    headers: dict[str, str] = {}
    for _ in range(MAX_HEADERS + 1):
        line = await _read_line(reader)
        if not line:
            return headers
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip() or " " in name or line[0] in " \t":
            raise _Refused(HTTPStatus.BAD_REQUEST, "Malformed header")
        name, value = name.lower(), value.strip(" \t")
        if name in headers and name in _ONCE:
            raise _Refused(HTTPStatus.BAD_REQUEST, f"Header {name} given twice")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    raise _Refused(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Too many headers")


async def _read_body(reader: asyncio.StreamReader, headers: Mapping[str, str]) -> bytes:
    if "transfer-encoding" in headers:
        raise _Refused(HTTPStatus.NOT_IMPLEMENTED, "Send the body with a Content-Length")
    length = headers.get("content-length")
    if length is None:
        raise _Refused(HTTPStatus.LENGTH_REQUIRED, "Content-Length required")
    if not length.isascii() or not length.isdigit():
        raise _Refused(HTTPStatus.BAD_REQUEST, "Malformed Content-Length")
    if int(length) > MAX_BODY:
        raise _Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Body too large")
    try:
        return await reader.readexactly(int(length))
    except asyncio.IncompleteReadError:
        raise _Gone from None


def _signed_in(content_type: str, body: bytes) -> SignedIn:
    """The key and email in a JSON or form-encoded body; 400 naming what is wrong, never echoing a value."""
    media = content_type.partition(";")[0].strip().lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise _Refused(HTTPStatus.BAD_REQUEST, "The body is not UTF-8") from None
    if media == "application/x-www-form-urlencoded":
        fields = _form_fields(text)
    elif media in ("", "application/json", "text/plain"):  # text/plain: a page posting JSON without preflight
        fields = _json_fields(text)
    else:
        raise _Refused(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "Send JSON or a form")
    api_key, email = fields.get("api_key"), fields.get("email")
    if not isinstance(api_key, str) or not 0 < len(api_key) <= MAX_KEY or not _visible_ascii(api_key):
        raise _Refused(HTTPStatus.BAD_REQUEST, "api_key missing or malformed")
    if not isinstance(email, str) or not _plausible_email(email):
        raise _Refused(HTTPStatus.BAD_REQUEST, "email missing or malformed")
    return SignedIn(api_key, email)


def _form_fields(text: str) -> dict[str, object]:
    try:
        parsed = parse_qs(text, keep_blank_values=True, strict_parsing=True, max_num_fields=20)
    except ValueError:
        raise _Refused(HTTPStatus.BAD_REQUEST, "Malformed form") from None
    return {name: values[0] if len(values) == 1 else values for name, values in parsed.items()}


def _json_fields(text: str) -> dict[str, object]:
    try:
        parsed = json.loads(text)
    except ValueError:
        raise _Refused(HTTPStatus.BAD_REQUEST, "Malformed JSON") from None
    if not isinstance(parsed, dict):
        raise _Refused(HTTPStatus.BAD_REQUEST, "Expected a JSON object")
    return parsed


def _visible_ascii(text: str) -> bool:
    return all("!" <= char <= "~" for char in text)


def _plausible_email(text: str) -> bool:
    return 3 <= len(text) <= MAX_EMAIL and "@" in text and text.isprintable() and not any(c.isspace() for c in text)


def _response(status: HTTPStatus, text: str, headers: tuple[tuple[str, str], ...]) -> bytes:
    head = [f"HTTP/1.1 {status.value} {status.phrase}", "Connection: close", "Cache-Control: no-store"]
    head += [f"{name}: {value}" for name, value in (*_CORS, *headers)]
    body = b""
    if status != HTTPStatus.NO_CONTENT:  # a 204 has neither body nor length
        body = f"{text}\n".encode()
        head += ["Content-Type: text/plain; charset=utf-8", f"Content-Length: {len(body)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body
