"""The only module that imports httpx: one long-lived client per server and key.

It knows auth (Bearer, falling back once to Basic ``KEY:x`` for servers older than 4.3, and remembering),
JSON negotiation, TLS (certifi by default, a CA file the user chose, or the OS trust store), timeouts,
connection limits, the system's proxy settings, and how every failure maps onto ``errors``.
"""

import base64
import functools
import json
import ssl
from collections.abc import AsyncIterable, AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import truststore

from lfdesktop import __version__

from .errors import (
    ApiError,
    AuthError,
    CertificateError,
    Conflict,
    Forbidden,
    Gone,
    HttpStatusError,
    NetworkError,
    NotFound,
    ProtocolError,
    RateLimited,
    Rejected,
    ServerError,
    causes,
)

USER_AGENT = f"lfdesktop/{__version__} (python-httpx/{httpx.__version__})"
BLOCK = 1024 * 1024


@dataclass(frozen=True)
class TlsOptions:
    """Certificate verification is always on; these say which authorities to trust."""

    ca_file: Path | None = None  # an internal CA the user chose to trust
    system_store: bool = False  # the OS trust store (truststore) instead of certifi's bundle

    def context(self) -> ssl.SSLContext:
        if self.system_store:
            context: ssl.SSLContext = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            if self.ca_file is not None:
                context.load_verify_locations(cafile=str(self.ca_file))
            return context
        if self.ca_file is not None:
            return ssl.create_default_context(cafile=str(self.ca_file))
        return _certifi_context()


@functools.cache
def _certifi_context() -> ssl.SSLContext:
    """Built once: reading certifi's bundle takes ~40 ms, a stall on the GUI's loop at every sign-in. The
    context is only read after this, so every client can share it."""
    import certifi  # httpx's own dependency: the same bundle httpx would use

    return ssl.create_default_context(cafile=str(certifi.where()))


@dataclass(frozen=True)
class HttpOptions:
    tls: TlsOptions = field(default_factory=TlsOptions)
    connect_timeout: float = 15.0
    read_timeout: float = 60.0
    write_timeout: float = 60.0
    pool_timeout: float = 120.0  # waiting for a free connection while others upload
    max_connections: int = 10
    user_agent: str = USER_AGENT


def normalize_server_url(text: str) -> str:
    """``files.example.com`` -> ``https://files.example.com``: https assumed, no trailing slash or path."""
    text = text.strip()
    if not text:
        raise ValueError("Enter the server's address, for example https://files.example.com")
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{text} is not a web address (https://...)")
    # Host names are case-insensitive: one server must give one account key, whatever the user typed.
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme.lower(), netloc, parts.path.rstrip("/"), "", ""))


@dataclass
class DownloadBody:
    """An answer being streamed: read it with ``blocks()`` inside ``Session.download``."""

    status: int
    headers: Mapping[str, str]
    _response: httpx.Response

    @property
    def length(self) -> int | None:
        value = self.headers.get("content-length")
        return int(value) if value and value.isdigit() else None

    async def blocks(self) -> AsyncIterator[bytes]:
        with _translated(self._response.request):
            async for block in self._response.aiter_bytes(BLOCK):
                yield block


class Session:
    """One server and one key; close with ``aclose()`` (the app does so in its ordered shutdown)."""

    def __init__(
        self, server_url: str, api_key: str | None, options: HttpOptions | None = None, *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """``transport`` is for tests: answers no honest server gives (truncated JSON, HTML error pages)."""
        self.server_url = normalize_server_url(server_url)
        self.options = options or HttpOptions()
        self._api_key = api_key
        self._scheme: str | None = None  # "bearer" or "basic", once a server answered
        timeouts = self.options
        self._client = httpx.AsyncClient(
            base_url=self.server_url,
            headers={"Accept": "application/json", "User-Agent": self.options.user_agent},
            timeout=httpx.Timeout(
                connect=timeouts.connect_timeout, read=timeouts.read_timeout,
                write=timeouts.write_timeout, pool=timeouts.pool_timeout,
            ),
            limits=httpx.Limits(max_connections=self.options.max_connections, max_keepalive_connections=10),
            verify=self.options.tls.context(),
            trust_env=True,  # HTTP(S)_PROXY, and the OS proxy settings that urllib reads on Windows and macOS
            follow_redirects=False,
            transport=transport,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> "Session":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def _auth_headers(self, scheme: str, url: str | None = None) -> dict[str, str]:
        """The key for our own server only: never for a URL on another host."""
        if self._api_key is None or (url is not None and not self._is_ours(url)):
            return {}
        if scheme == "bearer":
            return {"Authorization": f"Bearer {self._api_key}"}
        token = base64.b64encode(f"{self._api_key}:x".encode()).decode()
        return {"Authorization": f"Basic {token}"}

    def _is_ours(self, url: str) -> bool:
        target = httpx.URL(url)
        if not target.is_absolute_url:
            return True
        ours = httpx.URL(self.server_url)
        return (target.scheme, target.host, target.port) == (ours.scheme, ours.host, ours.port)

    async def request_json(
        self, method: str, path: str, *, params: Mapping[str, Any] | None = None, body: object = None
    ) -> Any:
        """Send a JSON request and return the decoded answer (None for an empty one)."""
        content = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if content is not None else {}
        response = await self._send(method, path, params=params, content=content, headers=headers)
        return _decode(response)

    async def upload(
        self, path: str, params: Mapping[str, Any], body: AsyncIterable[bytes], length: int,
        content_type: str | None = None,
    ) -> Any:
        """Stream ``length`` bytes of ``body`` as a raw upload; the decoded JSON answer."""
        await self.settle_auth()  # a streamed body cannot be sent twice, so no auth retry during it
        headers = {"Content-Length": str(length), "Content-Type": content_type or "application/octet-stream"}
        headers.update(self._auth_headers(self._scheme or "bearer"))
        request = self._client.build_request("POST", path, params=params, content=body, headers=headers)
        with _translated(request):
            response = await self._client.send(request)
        _raise_for_status(response)
        return _decode(response)

    @asynccontextmanager
    async def download(self, url: str, *, offset: int = 0) -> AsyncIterator[DownloadBody]:
        """Stream a file (an absolute URL from the server, or a path); ``offset`` asks for a range."""
        await self.settle_auth()
        headers = self._auth_headers(self._scheme or "bearer", url)
        if offset:
            headers["Range"] = f"bytes={offset}-"
        request = self._client.build_request("GET", url, headers=headers)
        with _translated(request):
            response = await self._client.send(request, stream=True)
        try:
            if response.status_code >= 400:
                await response.aread()
                _raise_for_status(response)
            yield DownloadBody(response.status_code, response.headers, response)
        finally:
            await response.aclose()

    async def settle_auth(self) -> None:
        """Find out once whether the server takes Bearer or only Basic (before a body that can't be resent)."""
        if self._scheme is None and self._api_key is not None:
            await self._send("GET", "/account")

    async def _send(
        self, method: str, path: str, *, params: Mapping[str, Any] | None = None, content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        schemes = [self._scheme] if self._scheme else ["bearer", "basic"]
        response: httpx.Response | None = None
        for scheme in schemes:
            request = self._client.build_request(
                method, path, params=params, content=content, headers={**(headers or {}), **self._auth_headers(scheme)}
            )
            with _translated(request):
                response = await self._client.send(request)
            if response.status_code != 401 or self._api_key is None:
                if self._api_key is not None:
                    self._scheme = scheme  # anything but 401 means the server took this way of sending the key
                break
        assert response is not None
        _raise_for_status(response)
        return response


@contextmanager
def _translated(request: httpx.Request) -> Iterator[None]:
    """httpx's exceptions as ``NetworkError`` / ``CertificateError`` with the cause in plain words."""
    host = request.url.host
    try:
        yield
    except httpx.ConnectTimeout:
        raise NetworkError(f"{host} did not answer in time (connection timed out)", kind="timeout") from None
    except httpx.TimeoutException:
        raise NetworkError(f"{host} stopped answering (timed out)", kind="timeout") from None
    except httpx.ConnectError as exc:
        problem = _certificate_problem(exc)
        if problem:
            raise CertificateError(f"The certificate of {host} is not trusted: {problem}") from None
        raise NetworkError(f"Server not reachable: {host} ({_reason(exc)})", kind="unreachable") from None
    except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
        raise NetworkError(f"The connection to {host} was dropped ({_reason(exc)})", kind="dropped") from None
    except httpx.UnsupportedProtocol:
        raise NetworkError(f"{request.url.scheme}:// is not supported: use https://", kind="unreachable") from None


def _certificate_problem(exc: BaseException) -> str | None:
    """Why verification failed ("self-signed certificate", ...), or None when it was not about trust."""
    chain = causes(exc)
    for link in chain:
        if isinstance(link, ssl.SSLCertVerificationError):
            return str(link.verify_message or link.reason or "verification failed")
    if any("CERTIFICATE_VERIFY_FAILED" in str(link) for link in chain):
        text = str(chain[0])
        return text.split("certificate verify failed: ", 1)[-1].split(" (_ssl")[0] or "verification failed"
    return None


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text.split("] ", 1)[-1] if text.startswith("[") else text


def _server_errors(response: httpx.Response) -> list[str]:
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        return []
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list):
        return [str(item) for item in errors]
    if isinstance(errors, str):
        return [errors]
    return []


def _raise_for_status(response: httpx.Response) -> None:
    status = response.status_code
    if status < 400:
        return
    errors = _server_errors(response)
    said = "; ".join(errors) or response.reason_phrase or f"HTTP {status}"
    if status == 401:
        raise AuthError(f"The server refused the API key: {said}", status=status, errors=errors)
    if status == 403:
        raise Forbidden(f"Not allowed: {said}", status=status, errors=errors)
    if status == 410:
        raise Gone(f"No longer available: {said}", status=status, errors=errors)
    if status == 404:
        raise NotFound(f"Not found: {said}", status=status, errors=errors)
    if status == 409:
        raise Conflict(f"The server is busy with this: {said}", status=status, errors=errors)
    if status in (413, 422):
        raise Rejected(said, status=status, errors=errors)
    if status == 429:
        raise RateLimited(f"Too many requests: {said}", retry_after=_retry_after(response))
    if status >= 500:
        raise ServerError(f"The server failed (HTTP {status}): {said}", status=status, errors=errors)
    raise HttpStatusError(f"The server answered HTTP {status}: {said}", status=status, errors=errors)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _decode(response: httpx.Response) -> Any:
    if not response.content:
        return None
    content_type = response.headers.get("content-type", "")
    if "html" in content_type:
        raise ProtocolError(
            "The server answered with a web page, not the LiquidFiles API: is this the right address?"
        )
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError):
        raise ProtocolError(f"The server's answer is not JSON: {response.text[:80]!r}") from None


__all__ = ["ApiError", "DownloadBody", "HttpOptions", "Session", "TlsOptions", "normalize_server_url"]
