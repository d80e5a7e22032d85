"""Signing in: check a server and key (pasted, from an email and password, or from the browser flow) with
``GET /account`` before anything is saved, explain each failure in plain words, and hand a checked account to
``Sessions.add`` (key to the OS keyring, account to the settings).

The dialog (``lfdesktop.ui.signin``) only collects what the user typed and shows what ``SignInController``
signals: busy, a ``Problem`` or the new ``SignedIn``.
"""

import asyncio
import logging
import socket
import ssl
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import QObject, Signal

from lfdesktop.accounts.browser_signin import BrowserSignIn
from lfdesktop.accounts.secrets import SecretStoreError
from lfdesktop.accounts.settings import AccountSettings
from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.api.errors import (
    ApiError,
    AuthError,
    CertificateError,
    HttpStatusError,
    NetworkError,
    NotFound,
    ProtocolError,
    Rejected,
    causes,
)
from lfdesktop.api.http import HttpOptions, TlsOptions, normalize_server_url
from lfdesktop.api.models import Account

from .context import AppContext
from .session import Sessions, SignedIn

log = logging.getLogger(__name__)

AGENT_NAME = "lfdesktop"
NO_KEYRING = (
    "This computer has no OS keyring, so the key will not be remembered: you will be asked to sign in again "
    "the next time lfdesktop starts."
)
TWO_FACTOR_HINT = "If your account uses two-factor authentication, use “Sign in with browser” instead."
# What the OS says when a host name does not resolve (Linux, macOS, Windows).
NAME_NOT_FOUND = (
    "name or service not known", "nodename nor servname", "getaddrinfo failed", "no address associated",
    "name resolution",
)


class NeedsInput(Exception):
    """Something the user typed cannot be used (an empty field, not a web address)."""


class BadCaFile(Exception):
    """The file chosen as a certificate authority could not be read as one."""


class ProblemKind(Enum):
    INPUT = "input"
    UNREACHABLE = "unreachable"
    NOT_LIQUIDFILES = "not-liquidfiles"
    CERTIFICATE = "certificate"  # the dialog offers to trust a CA file or the system's certificates
    WRONG_KEY = "wrong-key"
    WRONG_LOGIN = "wrong-login"  # wrong email or password
    KEYRING = "keyring"
    SERVER = "server"  # the server answered with an error of its own


@dataclass(frozen=True)
class Problem:
    text: str  # plain words for the user; never holds a key
    kind: ProblemKind


@dataclass(frozen=True)
class Trust:
    """Which certificate authorities the user chose to trust for this server (the default: certifi's)."""

    ca_file: Path | None = None
    system_store: bool = False

    def tls(self) -> TlsOptions:
        return TlsOptions(ca_file=self.ca_file, system_store=self.system_store)


@dataclass(frozen=True)
class Verified:
    """A server and key that ``GET /account`` accepted, ready for ``Sessions.add``."""

    settings: AccountSettings
    api_key: str
    account: Account


# ---- checking, without Qt ----


def server_address(server_text: str) -> str:
    try:
        return normalize_server_url(server_text)
    except ValueError as error:
        raise NeedsInput(str(error)) from None


def _client(server_url: str, api_key: str | None, tls: TlsOptions) -> LiquidFilesClient:
    try:
        return LiquidFilesClient.connect(server_url, api_key, HttpOptions(tls=tls))
    except OSError as error:  # ssl.SSLError is one: the chosen CA file is missing or holds no certificate
        if tls.ca_file is None:
            raise
        reason = "it holds no certificate" if isinstance(error, ssl.SSLError) else error.strerror or str(error)
        raise BadCaFile(f"{tls.ca_file.name} could not be used as a certificate authority file ({reason}). "
                        "Choose the CA's certificate (a .crt or .pem file).") from None


async def sign_in_with_key(sessions: Sessions, server_text: str, api_key: str) -> SignedIn:
    """The key checked with the server, then signed in with (keyring, settings, the active account): what the
    demo, the benchmarks, the screenshots and the tests do without the dialog."""
    verified = await verify_key(server_text, api_key, TlsOptions())
    return await sessions.add(verified.settings, verified.api_key, verified.account)


async def verify_key(server_text: str, api_key: str, tls: TlsOptions) -> Verified:
    """``GET /account`` with the key: who it belongs to, on the normalised server address."""
    server_url = server_address(server_text)
    api_key = api_key.strip()
    if not api_key:
        raise NeedsInput("Paste your API key.")
    async with _client(server_url, api_key, tls) as client:
        account = await client.account()
    try:
        chosen = AccountSettings(server_url, account.email, account.name, tls.ca_file, tls.system_store)
    except ValueError:
        raise ProtocolError("The server's account has no email address") from None
    return Verified(chosen, api_key, account)


async def verify_password(server_text: str, email: str, password: str, tls: TlsOptions) -> Verified:
    """``POST /login`` for the key (the password is used once and kept nowhere), then ``verify_key``."""
    server_url = server_address(server_text)
    if not email.strip():
        raise NeedsInput("Enter your email address (or user name).")
    if not password:
        raise NeedsInput("Enter your password.")
    async with _client(server_url, None, tls) as anonymous:
        try:
            api_key = await anonymous.login(email.strip(), password)
        except AuthError as error:  # servers that answer a wrong password with 401 rather than 422
            said = "; ".join(error.errors) or "Invalid email or password"
            raise Rejected(said, status=error.status, errors=error.errors) from None
    return await verify_key(server_url, api_key, tls)


async def verify_in_browser(server_text: str, tls: TlsOptions, open_url: Callable[[str], object]) -> Verified:
    """The ``/session/api`` flow for two-factor accounts: the user signs in in the browser and the server
    POSTs a key to a listener on localhost."""
    server_url = server_address(server_text)
    await _check_reachable(server_url, tls)
    async with BrowserSignIn(agent_name=AGENT_NAME) as agent:
        open_url(agent.url_for(server_url))
        received = await agent.received()
    return await verify_key(server_url, received.api_key, tls)


async def _check_reachable(server_url: str, tls: TlsOptions) -> None:
    """Before sending the user to the browser: the address answers and its certificate is trusted. Any HTTP
    answer will do (servers differ in what they say to a request without a key)."""
    async with _client(server_url, None, tls) as client:
        try:
            await client.account()
        except NetworkError:
            raise
        except ApiError:
            pass


def explain(error: BaseException, server_url: str = "") -> Problem:
    """One failure of signing in, in plain words; ``server_url`` lets the words name the host."""
    host = urlsplit(server_url).hostname or "The server"
    if isinstance(error, NeedsInput):
        return Problem(str(error), ProblemKind.INPUT)
    if isinstance(error, BadCaFile):
        return Problem(str(error), ProblemKind.CERTIFICATE)
    if isinstance(error, CertificateError):
        return Problem(
            f"{error}. If your organisation uses its own certificate authority, trust its CA file (your IT team "
            "can give it to you), or use the certificates this computer trusts.", ProblemKind.CERTIFICATE
        )
    if isinstance(error, NetworkError):
        return Problem(_unreachable(error, host), ProblemKind.UNREACHABLE)
    if isinstance(error, ProtocolError | NotFound):
        return Problem(
            f"{host} answered, but not as a LiquidFiles server does. Check the address: it is the one you open "
            "in your browser to use LiquidFiles.", ProblemKind.NOT_LIQUIDFILES
        )
    if isinstance(error, AuthError):
        return Problem(
            "The server did not accept this API key. Copy it again from your Account page in LiquidFiles "
            "(a key changes when it is reset).", ProblemKind.WRONG_KEY
        )
    if isinstance(error, Rejected):
        said = str(error).rstrip(".")
        return Problem(f"{said}. {TWO_FACTOR_HINT}", ProblemKind.WRONG_LOGIN)
    if isinstance(error, HttpStatusError | ApiError):
        return Problem(f"{error}. Try again in a moment.", ProblemKind.SERVER)
    if isinstance(error, SecretStoreError):
        return Problem(f"The key is right, but it could not be kept: {error}", ProblemKind.KEYRING)
    return Problem(str(error) or type(error).__name__, ProblemKind.SERVER)


def _unreachable(error: NetworkError, host: str) -> str:
    chain = causes(error)
    said = " ".join(str(cause) for cause in chain).lower()
    if error.kind == "timeout":
        return (f"Server not reachable: {host} did not answer in time. Check the address, your network "
                "connection and any proxy.")
    if any(isinstance(cause, ConnectionRefusedError) for cause in chain):
        return (f"Server not reachable: {host} refused the connection. Check the address and port, and that "
                "the server is running.")
    if any(isinstance(cause, socket.gaierror) for cause in chain) and any(m in said for m in NAME_NOT_FOUND):
        return f"Server not reachable: the name {host} was not found. Check the spelling of the address."
    return f"{error}. Check the address and your network connection."


Check = Callable[[], Coroutine[Any, Any, Verified]]

# The failures a sign-in explains to the user; anything else is a bug and goes to the excepthook.
EXPLAINED = (NeedsInput, BadCaFile, ApiError, SecretStoreError, OSError)


# ---- the controller ----


class SignInController(QObject):
    busy = Signal(bool)
    failed = Signal(object)  # Problem
    done = Signal(object)  # SignedIn: the account is stored and active
    browser_opened = Signal(str)  # the address the browser was sent to, for users whose browser did not open
    keyring_warning = Signal(str)  # the key will not outlive this run

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._task: asyncio.Task[None] | None = None
        self._keyring_check: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def check_keyring(self) -> None:
        """Emits ``keyring_warning`` when keys cannot be kept between runs."""
        self._keyring_check = self._context.tasks.spawn(self._check_keyring(), name="sign-in: keyring")

    def sign_in_with_key(self, server_text: str, api_key: str, trust: Trust | None = None) -> None:
        tls = self._tls(server_text, trust)
        self._start(server_text, lambda: verify_key(server_text, api_key, tls))

    def sign_in_with_password(self, server_text: str, email: str, password: str, trust: Trust | None = None) -> None:
        tls = self._tls(server_text, trust)
        self._start(server_text, lambda: verify_password(server_text, email, password, tls))

    def sign_in_with_browser(
        self, server_text: str, open_url: Callable[[str], object], trust: Trust | None = None
    ) -> None:
        def opening(url: str) -> None:
            self.browser_opened.emit(url)
            open_url(url)

        tls = self._tls(server_text, trust)
        self._start(server_text, lambda: verify_in_browser(server_text, tls, opening))

    def cancel(self) -> None:
        """Stops the sign-in under way: nothing is stored, and ``busy(False)`` is the last signal it sends."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            self.busy.emit(False)
        self._task = None

    def stop(self) -> None:
        """Stops everything (the dialog closes): the sign-in and the keyring check."""
        self.cancel()
        if self._keyring_check is not None:
            self._keyring_check.cancel()
            self._keyring_check = None

    def _tls(self, server_text: str, trust: Trust | None) -> TlsOptions:
        """The user's choice, or else the one an account on the same server already made (signing in again)."""
        if trust is not None:
            return trust.tls()
        server_url = _address_or_nothing(server_text)
        known = (account for account in self._context.sessions.settings.accounts if account.server_url == server_url)
        chosen = next(known, None)
        return chosen.tls_options() if chosen is not None else TlsOptions()

    def _start(self, server_text: str, check: Check) -> None:
        self.cancel()
        self.busy.emit(True)
        self._task = self._context.tasks.spawn(self._sign_in(server_text, check), name="sign-in")

    async def _sign_in(self, server_text: str, check: Check) -> None:
        try:
            verified = await check()  # made here: a task cancelled before it starts leaves no coroutine unawaited
            signed_in: SignedIn = await self._context.sessions.add(verified.settings, verified.api_key,
                                                                   verified.account)
        except EXPLAINED as error:
            log.info("Sign-in failed: %s", error)  # the engine's messages never hold a key
            self._ended()
            self.failed.emit(explain(error, _address_or_nothing(server_text)))
            return
        except Exception:
            self._ended()
            raise
        self._ended()
        self.done.emit(signed_in)

    def _ended(self) -> None:
        """Before the last signals: their slots may close the dialog, and nothing is left to cancel."""
        self._task = None
        self.busy.emit(False)

    async def _check_keyring(self) -> None:
        try:
            status = await self._context.secrets.backend_status()
        except SecretStoreError as error:
            self.keyring_warning.emit(f"{error} The key may not be remembered.")
            return
        if status.warning:
            self.keyring_warning.emit(NO_KEYRING)


def _address_or_nothing(server_text: str) -> str:
    try:
        return normalize_server_url(server_text)
    except ValueError:
        return ""
