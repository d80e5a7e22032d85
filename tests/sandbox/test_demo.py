"""`--demo`: a realistic data set made through the API, printed keys that work, seeded only once."""

import httpx
import pytest

from tests.sandboxproc import SandboxProcess, start_sandbox

DANA_KEY = "DemoDanaKey00000000000"
ALEX_KEY = "DemoAlexKey00000000000"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> SandboxProcess:
    process = start_sandbox(tmp_path_factory.mktemp("demo"), "--demo", accounts=())
    yield process  # type: ignore[misc]
    process.stop()


def _get(sandbox: SandboxProcess, key: str, path: str) -> httpx.Response:
    response = httpx.get(f"{sandbox.url}{path}", auth=(key, "x"), headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    return response


def test_demo_prints_its_users_and_their_keys_work(demo: SandboxProcess) -> None:
    lines = demo.stdout_lines()
    assert lines[0] == f"listening on {demo.url}"
    assert lines[1].startswith("demo data: 6 users, 14 messages, 5 FileLinks")
    assert any(DANA_KEY in line and "dana@example.com" in line for line in lines)
    assert _get(demo, DANA_KEY, "/account").json()["user"]["email"] == "dana@example.com"


def test_demo_user_has_an_inbox_sent_messages_links_and_files(demo: SandboxProcess) -> None:
    inbox = _get(demo, DANA_KEY, "/messages/inbox").json()["messages"]
    assert len(inbox) == 8
    assert len({message["sender"] for message in inbox}) == 4
    created = [message["created_at"] for message in inbox]
    assert created == sorted(created, reverse=True)
    assert len({moment[:10] for moment in created}) == 8  # spread over weeks, not all made just now
    sent = _get(demo, DANA_KEY, "/messages/sent").json()["sent"]
    assert len(sent) == 6
    links = _get(demo, DANA_KEY, "/link").json()["links"]
    assert len(links) == 5
    files = _get(demo, DANA_KEY, "/attachments").json()["attachments"]
    blocked = [file for file in files if file["content_blocked"]]
    assert [file["filename"] for file in blocked] == ["invoice-scan.zip"]


def test_demo_download_log_spans_countries_and_browsers(demo: SandboxProcess) -> None:
    downloads = _get(demo, DANA_KEY, "/downloads").json()["downloads"]
    assert len(downloads) >= 300
    assert len({row["country_code"] for row in downloads}) >= 15
    assert len({row["browser"] for row in downloads}) >= 5
    assert all(isinstance(row["latitude"], float) and isinstance(row["longitude"], float) for row in downloads)
    days = {row["downloaded_at"][:10] for row in downloads}
    assert len(days) >= 20


def test_demo_admin_sees_the_filedrops(demo: SandboxProcess) -> None:
    filedrops = _get(demo, ALEX_KEY, "/admin/filedrops").json()
    assert sorted(item["filedrop"]["name"] for item in filedrops) == ["Partner-Drop", "legal-intake", "support"]


def test_demo_is_seeded_once_across_restarts(demo: SandboxProcess) -> None:
    before = len(_get(demo, DANA_KEY, "/downloads").json()["downloads"])
    demo.restart()
    assert len(_get(demo, DANA_KEY, "/downloads").json()["downloads"]) == before
    assert len(_get(demo, DANA_KEY, "/messages/inbox").json()["messages"]) == 8
