"""The app's accounts: which one is signed in, its client, uploader and limits, and the settings file.

Each account signed in during a run keeps its client until the app quits: its transfers may still be running
after the user switched to another account. The active one is what the panes work with.
"""

import asyncio
import logging
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QObject, Signal

from lfdesktop.accounts.paths import AppPaths
from lfdesktop.accounts.secrets import SecretStore
from lfdesktop.accounts.settings import AccountSettings, Settings, asave_settings
from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.api.errors import ApiError
from lfdesktop.api.http import HttpOptions
from lfdesktop.api.models import Account
from lfdesktop.transfer.journal import Journal
from lfdesktop.transfer.queue import TransferQueue
from lfdesktop.transfer.upload import Uploader, UploadOptions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignedIn:
    """One account the app is signed in to."""

    settings: AccountSettings
    account: Account  # what GET /account said: name, admin, limits
    client: LiquidFilesClient
    uploader: Uploader

    @property
    def key(self) -> str:
        return self.settings.key

    @property
    def who(self) -> str:
        """For the status bar: "Dana Demo (dana@example.com) on https://files.example.com"."""
        name = self.account.name or self.settings.display_name
        person = f"{name} ({self.account.email})" if name else self.account.email
        return f"{person} on {self.settings.server_url}"


class NotSignedIn(Exception):
    """The active account cannot be used without the user (no key stored, or the key was refused)."""


class Sessions(QObject):
    """Owned by the app; controllers read ``active`` and listen to ``active_changed``."""

    active_changed = Signal(object)  # SignedIn | None
    connection_changed = Signal(str, bool)  # status text, whether it is a problem
    settings_changed = Signal(object)  # Settings
    uploads_resumed = Signal(object)  # SignedIn: its unfinished uploads were queued again (once per run)

    def __init__(
        self, paths: AppPaths, secrets: SecretStore, journal: Journal, queue: TransferQueue, settings: Settings,
        *, demo: bool = False, parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.paths = paths
        self.secrets = secrets
        self.journal = journal
        self.queue = queue
        self.demo = demo  # the built-in demo server: said in the title and status bars
        self._settings = settings
        self._signed_in: dict[str, SignedIn] = {}
        self._active: SignedIn | None = None
        self._resumed: set[str] = set()  # accounts whose unfinished uploads were resumed in this run
        self._saving = asyncio.Lock()  # one save at a time, first come first saved: the file ends with the latest

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def active(self) -> SignedIn | None:
        return self._active

    # ---- signing in ----

    async def resume_active(self) -> SignedIn:
        """Sign in to the account that was active last time, with the key the OS keyring holds for it.

        Raises ``NotSignedIn`` when the user has to sign in (no account, no key), ``ApiError`` when the server
        said no or could not be reached (the status bar says which)."""
        chosen = self._settings.active
        if chosen is None:
            raise NotSignedIn("No account yet")
        return await self.switch(chosen.key)

    async def switch(self, key: str) -> SignedIn:
        """Make an account of the settings the active one, connecting to it unless already connected."""
        if key in self._signed_in:
            return await self._activate(self._signed_in[key])
        try:
            signed_in = await self.connected(key)
        except ApiError as error:
            self.connection_changed.emit(f"Not connected to {account_server(key, self._settings)}: {error}", True)
            raise
        return await self._activate(signed_in)

    async def connected(self, key: str) -> SignedIn:
        """An account of the settings, connected (with the key the OS keyring holds) but not made the active
        one: background sync uses every account. Raises ``NotSignedIn`` or ``ApiError`` like ``switch``."""
        if key in self._signed_in:
            return self._signed_in[key]
        chosen = next((account for account in self._settings.accounts if account.key == key), None)
        if chosen is None:
            raise NotSignedIn(f"No such account: {key}")
        api_key = await self.secrets.get(chosen.server_url, chosen.email)
        if api_key is None:
            raise NotSignedIn(f"No key stored for {chosen.email} on {chosen.server_url}")
        client = connect(chosen, api_key)
        try:
            account = await client.account()
        except ApiError:
            await client.aclose()
            raise
        if key in self._signed_in:  # connected by someone else meanwhile: theirs is the one to keep
            await client.aclose()
            return self._signed_in[key]
        return self._add(chosen, account, client)

    async def add(self, chosen: AccountSettings, api_key: str, account: Account) -> SignedIn:
        """A freshly checked account (the sign-in dialog checked the key with GET /account): its key goes to
        the keyring, the account into the settings, and it becomes the active one."""
        await self.secrets.set(chosen.server_url, chosen.email, api_key)
        chosen = replace(chosen, display_name=account.name or chosen.display_name)
        previous = self._signed_in.pop(chosen.key, None)
        if previous is not None:
            await previous.client.aclose()  # signed in again: the new key replaces the old one
        await self.update_settings(self._settings.with_account(chosen))
        self._resumed.discard(chosen.key)  # a new key: what the old one could not finish may go now
        return await self._activate(self._add(chosen, account, connect(chosen, api_key)))

    async def forget(self, key: str) -> None:
        """Remove an account: its key from the keyring, it from the settings."""
        chosen = next((account for account in self._settings.accounts if account.key == key), None)
        if chosen is not None:
            await self.secrets.delete(chosen.server_url, chosen.email)
        gone = self._signed_in.pop(key, None)
        await self.update_settings(self._settings.without_account(key))
        if gone is not None:
            await gone.client.aclose()
        if self._active is gone and gone is not None:
            self._active = None
            self.active_changed.emit(None)

    async def update_settings(self, settings: Settings) -> None:
        """In use at once (the next change builds on this one), saved in the order changes were made, and taken
        back if they could not be saved (a full disk) and nothing newer came meanwhile."""
        previous, self._settings = self._settings, settings
        try:
            async with self._saving:
                await asave_settings(self.paths.settings_file, settings)
        except BaseException:
            if self._settings is settings:
                self._settings = previous
            raise
        self.settings_changed.emit(settings)

    async def aclose(self) -> None:
        for signed_in in self._signed_in.values():
            await signed_in.client.aclose()
        self._signed_in.clear()

    # ---- inside ----

    def _add(self, chosen: AccountSettings, account: Account, client: LiquidFilesClient) -> SignedIn:
        options = UploadOptions(
            piece_size=self._settings.piece_size, parallel_pieces=self._settings.pieces_in_flight
        )
        uploader = Uploader(client, account=account.email, journal=self.journal, options=options)
        signed_in = SignedIn(chosen, account, client, uploader)
        self._signed_in[chosen.key] = signed_in
        return signed_in

    async def _activate(self, signed_in: SignedIn) -> SignedIn:
        self._active = signed_in
        if self._settings.active_account != signed_in.key:
            await self.update_settings(replace(self._settings, active_account=signed_in.key))
        where = "the demo server" if self.demo else signed_in.settings.server_url
        self.connection_changed.emit(f"Connected to {where}", False)
        self.active_changed.emit(signed_in)
        if signed_in.key in self._resumed:
            return signed_in
        self._resumed.add(signed_in.key)
        # Uploads an earlier run left unfinished (a quit, a crash, a lost network) carry on where they stopped.
        resumed = await self.queue.resume_unfinished(signed_in.uploader)
        if resumed:
            log.info("Resuming %d unfinished upload(s) for %s", len(resumed), signed_in.account.email)
        self.uploads_resumed.emit(signed_in)
        return signed_in


def account_server(key: str, settings: Settings) -> str:
    return next((account.server_url for account in settings.accounts if account.key == key), key)


def connect(chosen: AccountSettings, api_key: str, **options: Any) -> LiquidFilesClient:
    return LiquidFilesClient.connect(chosen.server_url, api_key, HttpOptions(tls=chosen.tls_options(), **options))
