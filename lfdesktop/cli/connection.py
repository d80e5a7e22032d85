"""Which server and key a command uses: ``--server``/``--api-key``, else ``LF_SERVER``/``LF_API_KEY``, else the
stored account (settings for the server, the OS keyring for the key)."""

import argparse
from collections.abc import Mapping
from dataclasses import dataclass, replace

from lfdesktop.accounts.paths import AppPaths
from lfdesktop.accounts.secrets import SecretStore
from lfdesktop.accounts.settings import AccountSettings, LoadedSettings, aload_settings
from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.api.http import HttpOptions, TlsOptions, normalize_server_url


class UsageError(Exception):
    """The command cannot run as asked (exit code 2)."""


@dataclass(frozen=True)
class Connection:
    server_url: str
    api_key: str | None
    tls: TlsOptions

    def client(self) -> LiquidFilesClient:
        return LiquidFilesClient.connect(self.server_url, self.api_key, HttpOptions(tls=self.tls))


def tls_from(args: argparse.Namespace, account: AccountSettings | None) -> TlsOptions:
    stored = account.tls_options() if account else TlsOptions()
    return TlsOptions(
        ca_file=args.ca_file or stored.ca_file, system_store=args.system_trust or stored.system_store
    )


def server_from(args: argparse.Namespace, environ: Mapping[str, str]) -> str | None:
    given = args.server or environ.get("LF_SERVER")
    if not given:
        return None
    try:
        return normalize_server_url(given)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def stored_account(loaded: LoadedSettings, server_url: str | None) -> AccountSettings | None:
    """The account for ``server_url`` (the active one if it is on that server), or the active one."""
    settings = loaded.settings
    if server_url is None:
        return settings.active
    if settings.active is not None and settings.active.server_url == server_url:
        return settings.active
    return next((account for account in settings.accounts if account.server_url == server_url), None)


async def resolve(
    args: argparse.Namespace, environ: Mapping[str, str], paths: AppPaths, secrets: SecretStore
) -> Connection:
    server_url = server_from(args, environ)
    account = stored_account(await aload_settings(paths.settings_file), server_url)
    if server_url is None:
        if account is None:
            raise UsageError("No server: pass --server URL, set LF_SERVER, or run 'lfdesktop login --server URL'")
        server_url = account.server_url
    connection = Connection(server_url, args.api_key or environ.get("LF_API_KEY"), tls_from(args, account))
    if connection.api_key:
        return connection
    if account is None:
        raise UsageError(
            f"No API key for {server_url}: pass --api-key, set LF_API_KEY,"
            f" or run 'lfdesktop login --server {server_url}'"
        )
    key = await secrets.get(account.server_url, account.email)
    if key is None:
        if not (await secrets.backend_status()).persistent:
            raise UsageError(
                f"No API key for {account.email} on {server_url}: this system has no OS keyring to keep it"
                " between runs, so pass --api-key or set LF_API_KEY"
            )
        raise UsageError(f"No key stored for {account.email} on {server_url}: run 'lfdesktop login' again")
    return replace(connection, api_key=key)
