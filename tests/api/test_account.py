"""Account, sign-in and file requests against the real sandbox."""

import pytest

from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.api.errors import Rejected
from tests.api.conftest import Connect
from tests.api.helpers import days_ahead
from tests.sandbox.helpers import unique_name
from tests.sandboxproc import ALICE, BOB, SandboxProcess


async def test_account_describes_the_keys_owner(alice: LiquidFilesClient) -> None:
    account = await alice.account()
    assert (account.id, account.email, account.group, account.admin) == (ALICE.user_id, ALICE.email, "Default", False)
    assert (account.max_file_size_mb, account.default_expiry_days, account.max_expiry_days) == (10240, 14, 90)
    assert account.may_change_link_authentication and not account.filelink_require_authentication
    assert account.messages_allowed and account.filelinks_allowed and account.file_requests_allowed


async def test_account_of_a_restricted_group_shows_its_limits(carol: LiquidFilesClient) -> None:
    account = await carol.account()
    assert account.group == "Restricted"
    assert (account.max_file_size_mb, account.default_expiry_days, account.max_expiry_days) == (100, 7, 30)
    assert account.filelink_require_authentication and not account.may_change_link_authentication
    assert set(account.blocked_extensions) == {"exe", "bat", "cmd", "js", "vbs"}


async def test_account_of_an_admin(admin: LiquidFilesClient) -> None:
    assert (await admin.account()).admin


async def test_login_answers_the_users_key(connect: Connect) -> None:
    assert await connect(None).login(ALICE.email, ALICE.password) == ALICE.api_key


async def test_login_with_a_wrong_password_is_rejected(connect: Connect) -> None:
    with pytest.raises(Rejected) as caught:
        await connect(None).login(ALICE.email, "not-the-password")
    assert caught.value.status == 422
    assert caught.value.errors == ["Invalid email or password"]
    assert "Invalid email or password" in str(caught.value)


def _file_request_row(sandbox: SandboxProcess, url: str) -> dict[str, object]:
    request_id = url.rsplit("/", 1)[-1]
    with sandbox.db() as db:
        row = db.execute("SELECT * FROM file_requests WHERE id = ?", (request_id,)).fetchone()
    assert row is not None, url
    return dict(row)


async def test_request_files_with_every_field(alice: LiquidFilesClient, sandbox: SandboxProcess) -> None:
    subject = unique_name("Please send the contract")
    expires = days_ahead(5)
    request = await alice.request_files(
        recipient=BOB.email, subject=subject, message="The signed one, please.", send_email=False,
        expires_at=expires, multiuse=True, bcc_myself=True,
    )
    assert (request.subject, request.message, request.expires_at) == (subject, "The signed one, please.", expires)
    assert request.url.startswith(f"{sandbox.url}/requests/")
    row = _file_request_row(sandbox, request.url)
    assert (row["recipient"], row["send_email"], row["multiuse"], row["bcc_myself"]) == (BOB.email, 0, 1, 1)


async def test_request_files_leaves_unset_choices_to_the_server(
    alice: LiquidFilesClient, sandbox: SandboxProcess
) -> None:
    request = await alice.request_files(recipient=BOB.email)
    assert (request.subject, request.message, request.expires_at) == ("", "", days_ahead(14))
    row = _file_request_row(sandbox, request.url)
    # The server's defaults: an email goes out, one use, no copy to the requester.
    assert (row["send_email"], row["multiuse"], row["bcc_myself"]) == (1, 0, 0)
