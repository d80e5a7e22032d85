"""The app's accounts against the real sandbox: sign in, remember the key in the OS keyring only, come back; and
settings changes: in use at once and in order, the file ending with the latest, one that cannot be saved taken
back."""

import asyncio
import json
import shutil
from collections.abc import Callable
from dataclasses import replace

import pytest

from lfdesktop.accounts.secrets import SERVICE
from lfdesktop.accounts.settings import account_key, load_settings
from lfdesktop.api.errors import AuthError
from lfdesktop.qt.context import AppContext
from lfdesktop.qt.session import NotSignedIn
from tests.sandboxproc import ADMIN, ALICE


def test_signing_in_keeps_the_key_in_the_keyring_and_the_account_in_settings(
    context, sign_in, sandbox, keyring_backend, qtbot, run
) -> None:
    with qtbot.waitSignal(context.sessions.active_changed) as changed:
        signed_in = sign_in(sandbox, ALICE)
    assert changed.args == [signed_in]
    assert signed_in.account.email == ALICE.email
    key = account_key(sandbox.url, ALICE.email)
    assert keyring_backend.entries == {(SERVICE, key): ALICE.api_key}
    saved = context.paths.settings_file.read_text()
    assert ALICE.api_key not in saved
    assert json.loads(saved)["active_account"] == key
    assert f"on {sandbox.url}" in signed_in.who


def test_switching_accounts_and_coming_back_next_run(context, sign_in, sandbox, run) -> None:
    sign_in(sandbox, ALICE)
    admin = sign_in(sandbox, ADMIN)
    assert context.sessions.active is admin and admin.account.admin
    alice = run(context.sessions.switch(account_key(sandbox.url, ALICE.email)))
    assert context.sessions.active is alice
    # A new run: settings from the file, the key from the keyring.
    context.sessions._signed_in.clear()
    again = run(context.sessions.resume_active())
    assert again.account.email == ALICE.email and again is not alice
    run(alice.client.aclose())
    run(admin.client.aclose())


def test_a_missing_or_refused_key_needs_the_user(context, sign_in, sandbox, keyring_backend, run) -> None:
    with pytest.raises(NotSignedIn):
        run(context.sessions.resume_active())
    sign_in(sandbox, ALICE)
    context.sessions._signed_in.clear()
    keyring_backend.entries[(SERVICE, account_key(sandbox.url, ALICE.email))] = "WrongKey0000000000000"
    with pytest.raises(AuthError):
        run(context.sessions.resume_active())


def test_quick_changes_build_on_each_other_and_the_file_ends_with_the_latest(
    context: AppContext, run: Callable[..., object]
) -> None:
    sessions = context.sessions
    first = replace(sessions.settings, last_pane="links")
    saving_first = asyncio.ensure_future(sessions.update_settings(first))
    run(asyncio.sleep(0))  # the next change comes in a later event, while the first is being saved
    second = replace(sessions.settings, sync_every_minutes=7)
    run(asyncio.gather(saving_first, sessions.update_settings(second)))

    assert sessions.settings == second and second.last_pane == "links"
    assert load_settings(context.paths.settings_file).settings == second


def test_a_change_that_cannot_be_saved_is_taken_back(context: AppContext, run: Callable[..., object]) -> None:
    sessions = context.sessions
    before = sessions.settings
    shutil.rmtree(context.paths.config_dir, ignore_errors=True)
    context.paths.config_dir.write_text("a file where the settings folder should be")

    with pytest.raises(OSError):
        run(sessions.update_settings(replace(before, sync_enabled=True)))

    assert sessions.settings == before
