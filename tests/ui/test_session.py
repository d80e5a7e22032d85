"""The app's accounts against the real sandbox: sign in, remember the key in the OS keyring only, come back."""

import json

import pytest

from lfdesktop.accounts.secrets import SERVICE
from lfdesktop.accounts.settings import account_key
from lfdesktop.api.errors import AuthError
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
