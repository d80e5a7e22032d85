"""Typed settings with defaults and validation, stored as JSON in the config dir.

Loading never fails: a missing file gives defaults; a damaged file, a wrong type or an impossible value gives
the default for what is wrong plus a warning (logged, and returned for the UI to show). A damaged file is left
alone until the next save, so the user can still look at it. Saving is atomic.

No field here can hold a secret: API keys live in the OS keyring (``secrets.py``) and nowhere else.
"""

import asyncio
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, fields, is_dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from lfdesktop.api.http import TlsOptions, normalize_server_url

from .atomicfile import write_atomically
from .paths import AppPaths

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
MIB = 1024 * 1024
# Inclusive ranges for the whole-number settings.
LIMITS = {
    "piece_size_mib": (1, 1024),
    "pieces_in_flight": (1, 16),
    "files_in_flight": (1, 16),
    "bandwidth_limit_kib": (0, 10_000_000),
    "sync_every_minutes": (1, 24 * 60),
}

MAX_RECENT_RECIPIENTS = 200
SYNC_FOLDER_NAME = "LiquidFiles"  # in the download folder, unless the user chose a sync folder

Record = TypeVar("Record", "AccountSettings", "Settings")


def account_key(server_url: str, email: str) -> str:
    """One account's identity: it names the account's keyring entry and the active account in settings."""
    return f"{email.strip().lower()} on {normalize_server_url(server_url)}"


@dataclass(frozen=True)
class AccountSettings:
    server_url: str  # normalised: https assumed, no trailing slash
    email: str
    display_name: str = ""
    ca_file: Path | None = None  # an internal CA the user chose to trust for this server
    system_trust_store: bool = False  # the OS trust store instead of certifi's bundle

    def __post_init__(self) -> None:
        _check_type("server_url", self.server_url, str, "a web address")
        _check_type("email", self.email, str, "an email address")
        _check_type("display_name", self.display_name, str, "text")
        _check_path("ca_file", self.ca_file)
        _check_type("system_trust_store", self.system_trust_store, bool, "true or false")
        try:
            object.__setattr__(self, "server_url", normalize_server_url(self.server_url))
        except ValueError as error:
            raise ValueError(f"server_url: {error}") from None
        object.__setattr__(self, "email", self.email.strip())
        if "@" not in self.email:
            raise ValueError("email should be an email address")

    @property
    def key(self) -> str:
        return account_key(self.server_url, self.email)

    def tls_options(self) -> TlsOptions:
        return TlsOptions(ca_file=self.ca_file, system_store=self.system_trust_store)


@dataclass(frozen=True)
class Settings:
    accounts: tuple[AccountSettings, ...] = ()
    active_account: str | None = None  # an account's key
    download_dir: Path | None = None  # None: the user's Downloads folder (see download_folder)
    piece_size_mib: int = 100  # as the official LiquidFiles clients
    pieces_in_flight: int = 3
    files_in_flight: int = 2
    bandwidth_limit_kib: int = 0  # KiB per second for all transfers together; 0: no limit
    recent_recipients: tuple[str, ...] = ()  # most recent first: completion in the Send pane
    last_pane: str = "send"  # the desktop window's pane when it was closed
    window_geometry: str = ""  # the desktop window's size and place, as Qt saved it (base64)
    download_log_columns: tuple[str, ...] = ()  # the log's columns the user chose, in order; empty: the defaults
    sync_enabled: bool = False  # background sync in the desktop app; ``lfdesktop sync`` runs whenever asked
    sync_folder: Path | None = None  # None: SYNC_FOLDER_NAME in the download folder (see sync_folder_path)
    sync_every_minutes: int = 15
    sync_senders: tuple[str, ...] = ()  # sync only messages from these addresses; empty: from anyone
    sync_subjects: tuple[str, ...] = ()  # sync only messages whose subject contains one of these; empty: any
    close_to_tray: bool = True  # closing the window leaves the app in the tray (where there is one)
    tray_hint_shown: bool = False  # the one-time "still running in the tray" hint was shown

    def __post_init__(self) -> None:
        if not isinstance(self.accounts, tuple) or not all(isinstance(a, AccountSettings) for a in self.accounts):
            raise ValueError("accounts should be a list of accounts")
        keys = [account.key for account in self.accounts]
        if len(set(keys)) != len(keys):
            raise ValueError("accounts: the same account is listed twice")
        if self.active_account is not None and self.active_account not in keys:
            raise ValueError("active_account should be one of the accounts")
        _check_path("download_dir", self.download_dir)
        if not isinstance(self.recent_recipients, tuple) or not all(
            isinstance(address, str) and "@" in address for address in self.recent_recipients
        ):
            raise ValueError("recent_recipients should be a list of email addresses")
        _check_type("last_pane", self.last_pane, str, "text")
        _check_type("window_geometry", self.window_geometry, str, "text")
        columns = self.download_log_columns
        if not isinstance(columns, tuple) or not all(isinstance(name, str) and name for name in columns):
            raise ValueError("download_log_columns should be a list of column names")
        if len(set(columns)) != len(columns):
            raise ValueError("download_log_columns: a column is listed twice")
        _check_type("sync_enabled", self.sync_enabled, bool, "true or false")
        _check_path("sync_folder", self.sync_folder)
        if not isinstance(self.sync_senders, tuple) or not all(
            isinstance(address, str) and "@" in address for address in self.sync_senders
        ):
            raise ValueError("sync_senders should be a list of email addresses")
        if not isinstance(self.sync_subjects, tuple) or not all(
            isinstance(text, str) and text.strip() for text in self.sync_subjects
        ):
            raise ValueError("sync_subjects should be a list of texts")
        _check_type("close_to_tray", self.close_to_tray, bool, "true or false")
        _check_type("tray_hint_shown", self.tray_hint_shown, bool, "true or false")
        for name, (low, high) in LIMITS.items():
            value = getattr(self, name)
            _check_type(name, value, int, "a whole number")
            if not low <= value <= high:
                raise ValueError(f"{name} should be between {low} and {high}, not {value}")

    @property
    def active(self) -> AccountSettings | None:
        return next((a for a in self.accounts if a.key == self.active_account), None)

    @property
    def piece_size(self) -> int:
        return self.piece_size_mib * MIB

    def download_folder(self, paths: AppPaths) -> Path:
        return self.download_dir or paths.download_dir

    def sync_folder_path(self, paths: AppPaths) -> Path:
        return self.sync_folder or self.download_folder(paths) / SYNC_FOLDER_NAME

    def with_account(self, account: AccountSettings, *, active: bool = True) -> "Settings":
        """Adds the account, or replaces the one with the same key (a new display name or TLS choice)."""
        others = tuple(a for a in self.accounts if a.key != account.key)
        return replace(self, accounts=(*others, account), active_account=account.key if active else self.active_account)

    def with_recipients(self, addresses: Iterable[str]) -> "Settings":
        """Remembers ``addresses`` as the most recent recipients (kept to the last ``MAX_RECENT_RECIPIENTS``)."""
        fresh = [address.strip() for address in addresses if address.strip()]
        known = {address.lower() for address in fresh}
        older = [address for address in self.recent_recipients if address.lower() not in known]
        return replace(self, recent_recipients=tuple((*fresh, *older)[:MAX_RECENT_RECIPIENTS]))

    def without_account(self, key: str) -> "Settings":
        active = None if key == self.active_account else self.active_account
        return replace(self, accounts=tuple(a for a in self.accounts if a.key != key), active_account=active)


@dataclass(frozen=True)
class LoadedSettings:
    settings: Settings
    warnings: tuple[str, ...]  # plain words for the UI or CLI to show; each was also logged


def load_settings(path: Path) -> LoadedSettings:
    """Blocking file I/O: on the event loop, await ``aload_settings`` instead."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return LoadedSettings(Settings(), ())
    except json.JSONDecodeError as error:
        problem = f"is damaged (line {error.lineno}: {error.msg})"
        return _defaults_because(f"The settings file {path} {problem}; using the default settings. "
                                 "The file is left as it is until settings are next saved.")
    except (OSError, UnicodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        return _defaults_because(f"Could not read the settings file {path} ({reason}); using the default settings.")
    warnings: list[str] = []
    settings = _settings_from_json(data, warnings)
    for warning in warnings:
        log.warning("%s", warning)
    return LoadedSettings(settings, tuple(warnings))


def save_settings(path: Path, settings: Settings) -> None:
    """Atomic: a temp file in the same folder, flushed and fsynced, then renamed over the old one.

    A failure at any step leaves the old file as it was. Blocking: on the event loop, await ``asave_settings``.
    """
    text = json.dumps({"version": FORMAT_VERSION, **_plain(settings)}, indent=2, ensure_ascii=False) + "\n"
    write_atomically(path, text.encode("utf-8"))
    _sync_folder(path.parent)


async def aload_settings(path: Path) -> LoadedSettings:
    return await asyncio.to_thread(load_settings, path)


async def asave_settings(path: Path, settings: Settings) -> None:
    await asyncio.to_thread(save_settings, path, settings)


def _defaults_because(warning: str) -> LoadedSettings:
    log.warning("%s", warning)
    return LoadedSettings(Settings(), (warning,))


def _settings_from_json(data: object, warnings: list[str]) -> Settings:
    """Field by field, so one wrong value costs only itself. Unknown keys are ignored."""
    if not isinstance(data, dict):
        warnings.append("The settings file does not hold a JSON object; using the default settings.")
        return Settings()
    settings = Settings(accounts=_accounts_from_json(data.get("accounts", []), warnings))
    # active_account last: it must name one of the accounts loaded above.
    for name in ("download_dir", *LIMITS, "recent_recipients", "last_pane", "window_geometry", "download_log_columns",
                 "sync_enabled", "sync_folder", "sync_senders", "sync_subjects", "close_to_tray", "tray_hint_shown",
                 "active_account"):
        if name in data:
            settings = _with_field(settings, name, data[name], warnings, "")
    return settings


def _accounts_from_json(raw: object, warnings: list[str]) -> tuple[AccountSettings, ...]:
    if not isinstance(raw, list):
        warnings.append("Settings: accounts should be a list; no accounts were loaded.")
        return ()
    accounts: dict[str, AccountSettings] = {}
    for index, item in enumerate(raw):
        where = f"accounts[{index}]"
        account = _account_from_json(item, where, warnings)
        if account is not None and account.key in accounts:
            warnings.append(f"Settings: {where} repeats an account listed before; it was ignored.")
        elif account is not None:
            accounts[account.key] = account
    return tuple(accounts.values())


def _account_from_json(item: object, where: str, warnings: list[str]) -> AccountSettings | None:
    """Without a usable server and email an account is dropped; any other wrong field gets its default."""
    if not isinstance(item, dict):
        warnings.append(f"Settings: {where} is not an account; it was ignored.")
        return None
    try:
        account = AccountSettings(server_url=item.get("server_url"), email=item.get("email"))  # type: ignore[arg-type]
    except ValueError as error:
        warnings.append(f"Settings: {where} was ignored: {error}.")
        return None
    for name in ("display_name", "ca_file", "system_trust_store"):
        if name in item:
            account = _with_field(account, name, item[name], warnings, f"{where}.")
    return account


def _with_field(record: Record, name: str, value: object, warnings: list[str], where: str) -> Record:
    if name in ("download_dir", "ca_file", "sync_folder") and isinstance(value, str) and value:
        value = Path(value)
    if isinstance(value, list):
        value = tuple(value)
    try:
        return replace(record, **{name: value})  # type: ignore[arg-type]
    except ValueError as error:
        warnings.append(f"Settings: {where}{error}; using the default.")
        return record


def _check_type(name: str, value: object, kind: type, expected: str) -> None:
    # Never echo a wrong value: whatever was typed into the file is not ours to repeat in a log.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ValueError(f"{name} should be {expected}")


def _check_path(name: str, value: object) -> None:
    if value is not None and not (isinstance(value, Path) and value.is_absolute()):
        raise ValueError(f"{name} should be a full path")


def _plain(value: Any) -> Any:
    """Settings as JSON values: records as objects, tuples as lists, paths as strings."""
    if is_dataclass(value):
        return {field.name: _plain(getattr(value, field.name)) for field in fields(value)}
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Path):
        return str(value)
    return value


def _sync_folder(folder: Path) -> None:
    """Makes the rename itself durable (POSIX; Windows cannot open a folder)."""
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
