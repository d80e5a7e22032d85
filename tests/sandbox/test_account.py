"""Signing in (API and browser), the account's settings and limits, and file requests."""

import json
import re
import socket
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from tests.sandbox.helpers import ISO_TIMESTAMP, assert_typed, days_ahead, errors_of, json_root
from tests.sandboxproc import ADMIN, ALICE, BOB, CAROL, SandboxProcess

AGENT_NAME = "<b>Desk & Co</b>"


# ---- POST /login ----


def test_login_answers_the_api_key(anonymous: httpx.Client) -> None:
    response = anonymous.post("/login", json={"user": {"email": BOB.email, "password": BOB.password}})

    assert response.status_code == 200, response.text
    assert response.json() == {"user": {"api_key": BOB.api_key, "email": BOB.email, "name": "Bob"}}


def test_login_email_ignores_case(anonymous: httpx.Client) -> None:
    credentials = {"email": ADMIN.email.upper(), "password": ADMIN.password}
    response = anonymous.post("/login", json={"user": credentials})
    assert response.status_code == 200 and response.json()["user"]["api_key"] == ADMIN.api_key


@pytest.mark.parametrize(
    "credentials",
    [
        {"email": ALICE.email, "password": "wrong"},
        {"email": "nobody@example.com", "password": ALICE.password},
        {"email": ALICE.email, "password": BOB.password},
    ],
)
def test_wrong_credentials_are_422_with_one_message(
    anonymous: httpx.Client, credentials: dict[str, str]
) -> None:
    response = anonymous.post("/login", json={"user": credentials})
    assert response.status_code == 422
    assert response.json() == {"errors": ["Invalid email or password"]}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"user": {"password": ALICE.password}}, "email is required"),
        ({"user": {"email": ALICE.email}}, "password is required"),
        ({"user": {"email": ALICE.email, "password": 42}}, "password must be a string"),
        ({"email": ALICE.email, "password": ALICE.password}, 'under "user"'),
    ],
)
def test_malformed_login_is_422(anonymous: httpx.Client, body: dict[str, Any], expected: str) -> None:
    response = anonymous.post("/login", json=body)
    assert response.status_code == 422
    assert any(expected in message for message in errors_of(response)), errors_of(response)


# ---- GET /account ----

ACCOUNT_TYPES: dict[str, type] = {
    "id": str, "email": str, "name": str, "group": str, "admin": bool, "messages_allowed": bool,
    "filelinks_allowed": bool, "file_requests_allowed": bool, "max_file_size": int,
    "default_expiry_days": int, "max_expiry_days": int, "filelink_require_authentication": bool,
    "may_change_link_authentication": bool, "blocked_extensions": list, "permitted_extensions": list,
}


def account_of(client: httpx.Client) -> dict[str, Any]:
    user: dict[str, Any] = json_root(client.get("/account"), "user")
    assert_typed(user, ACCOUNT_TYPES)
    return user


def test_account_shows_the_default_groups_limits(alice: httpx.Client) -> None:
    assert account_of(alice) == {
        "id": ALICE.user_id, "email": ALICE.email, "name": "Alice", "group": "Default", "admin": False,
        "messages_allowed": True, "filelinks_allowed": True, "file_requests_allowed": True,
        "max_file_size": 10240, "default_expiry_days": 14, "max_expiry_days": 90,
        "filelink_require_authentication": False, "may_change_link_authentication": True,
        "blocked_extensions": [], "permitted_extensions": [],
    }


def test_account_shows_the_restricted_groups_limits(carol: httpx.Client) -> None:
    account = account_of(carol)
    assert (account["id"], account["email"], account["group"]) == (CAROL.user_id, CAROL.email, "Restricted")
    limits = (account["max_file_size"], account["default_expiry_days"], account["max_expiry_days"])
    assert limits == (100, 7, 30)
    assert account["filelink_require_authentication"] is True
    assert account["may_change_link_authentication"] is False
    assert account["blocked_extensions"] == ["exe", "bat", "cmd", "js", "vbs"]


def test_account_says_who_is_an_admin(admin: httpx.Client) -> None:
    assert account_of(admin)["admin"] is True


def test_account_needs_an_api_key(anonymous: httpx.Client) -> None:
    response = anonymous.get("/account")
    assert response.status_code == 401 and errors_of(response)


# ---- Browser sign-in: the server hands the key to an agent on localhost ----


class Agent:
    """What a desktop client runs during browser sign-in: a listener on a loopback port."""

    def __init__(self, status: int = 200) -> None:
        self.received: list[tuple[str, dict[str, Any]]] = []
        agent = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                agent.received.append((self.path, json.loads(self.rfile.read(length))))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def agent() -> Iterator[Agent]:
    listener = Agent()
    yield listener
    listener.close()


class FormReader(HTMLParser):
    """The form on a page as a browser sees it: its action and its inputs' names and values."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.inputs: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.action = attributes.get("action") or ""
        elif tag == "input" and attributes.get("name"):
            self.inputs[str(attributes["name"])] = attributes.get("value") or ""


def read_form(page: str) -> FormReader:
    reader = FormReader()
    reader.feed(page)
    return reader


def browser(sandbox: SandboxProcess) -> httpx.Client:
    return httpx.Client(base_url=sandbox.url, headers={"Accept": "text/html"}, timeout=30.0)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def sign_in(sandbox: SandboxProcess, port: int, email: str, password: str) -> httpx.Response:
    """Open the sign-in page as the client would, then submit it as a browser does."""
    with browser(sandbox) as client:
        page = client.get("/session/api", params={"agent_port": str(port), "agent_name": AGENT_NAME})
        assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
        form = read_form(page.text)
        fields = {**form.inputs, "email": email, "password": password}
        return client.post(form.action, data=fields)


def test_the_sign_in_page_is_a_form_that_shows_the_agent_name_escaped(sandbox: SandboxProcess) -> None:
    with browser(sandbox) as client:
        page = client.get("/session/api", params={"agent_port": "4567", "agent_name": AGENT_NAME})

    assert page.status_code == 200
    assert "&lt;b&gt;Desk &amp; Co&lt;/b&gt;" in page.text and AGENT_NAME not in page.text
    form = read_form(page.text)
    assert form.action == "/session/api"
    assert form.inputs == {"agent_port": "4567", "agent_name": AGENT_NAME, "email": "", "password": ""}


def test_browser_sign_in_hands_the_key_to_the_agent(sandbox: SandboxProcess, agent: Agent) -> None:
    response = sign_in(sandbox, agent.port, ALICE.email, ALICE.password)

    assert response.status_code == 200, response.text
    assert "You are signed in, you can return to &lt;b&gt;Desk &amp; Co&lt;/b&gt;." in response.text
    assert agent.received == [("/", {"api_key": ALICE.api_key, "email": ALICE.email})]


def test_a_wrong_password_shows_the_form_again_and_hands_over_nothing(
    sandbox: SandboxProcess, agent: Agent
) -> None:
    response = sign_in(sandbox, agent.port, ALICE.email, "wrong")

    assert response.status_code == 422
    assert "Invalid email or password" in response.text
    form = read_form(response.text)
    assert form.inputs["agent_port"] == str(agent.port) and form.inputs["agent_name"] == AGENT_NAME
    assert agent.received == []


def test_an_agent_that_is_not_listening_gives_a_clear_502_page(sandbox: SandboxProcess) -> None:
    response = sign_in(sandbox, free_port(), ALICE.email, ALICE.password)

    assert response.status_code == 502
    assert "could not be reached" in response.text and "Desk &amp; Co" in response.text


def test_an_agent_that_answers_an_error_gives_a_502_page(sandbox: SandboxProcess) -> None:
    failing = Agent(status=500)
    try:
        response = sign_in(sandbox, failing.port, ALICE.email, ALICE.password)
    finally:
        failing.close()

    assert response.status_code == 502
    assert "answered HTTP 500" in response.text
    assert len(failing.received) == 1


@pytest.mark.parametrize(
    ("port", "expected"),
    [(None, "agent_port is required"), ("80", "between 1024 and 65535"), ("70000", "between 1024 and 65535"),
     ("http", "agent_port must be a whole number")],
)
def test_only_an_unprivileged_local_port_may_be_called_back(
    sandbox: SandboxProcess, port: str | None, expected: str
) -> None:
    params = {"agent_name": "App"} | ({} if port is None else {"agent_port": port})
    with browser(sandbox) as client:
        shown = client.get("/session/api", params=params)
        credentials = {"email": ALICE.email, "password": ALICE.password}
        submitted = client.post("/session/api", data={**params, **credentials})

    for response in (shown, submitted):
        assert response.status_code == 422
        assert response.headers["Content-Type"].startswith("text/html") and expected in response.text


# ---- File requests ----

REQUEST_FIELDS: dict[str, type] = {
    "id": str, "url": str, "recipient": str, "subject": str, "message": str, "expires_at": str,
    "multiuse": bool, "created_at": str,
}


def create_request(client: httpx.Client, **fields: object) -> dict[str, Any]:
    response = client.post("/requests", json={"request": {"recipient": BOB.email, **fields}})
    request: dict[str, Any] = json_root(response, "request")
    assert_typed(request, REQUEST_FIELDS)
    return request


def stored_request(sandbox: SandboxProcess, request_id: str) -> dict[str, Any]:
    with sandbox.db() as db:
        return dict(db.execute("SELECT * FROM file_requests WHERE id = ?", (request_id,)).fetchone())


def test_a_file_request_with_defaults(sandbox: SandboxProcess, alice: httpx.Client) -> None:
    expected_expiry = days_ahead(14)
    request = create_request(alice)

    assert re.fullmatch(r"[A-Za-z0-9]{22}", request["id"])
    assert request["url"] == f"{sandbox.url}/requests/{request['id']}"
    assert (request["recipient"], request["subject"], request["message"]) == (BOB.email, "", "")
    assert request["expires_at"] == expected_expiry
    assert request["multiuse"] is False
    assert ISO_TIMESTAMP.match(request["created_at"])
    stored = stored_request(sandbox, request["id"])
    assert (stored["user_id"], stored["send_email"], stored["bcc_myself"]) == (ALICE.user_id, 1, 0)


def test_a_file_request_takes_every_parameter(sandbox: SandboxProcess, alice: httpx.Client) -> None:
    request = create_request(
        alice, subject="Your tax papers", message="Please upload them", send_email=False,
        expires_at=days_ahead(3), multiuse=True, bcc_myself=True,
    )

    assert (request["subject"], request["message"]) == ("Your tax papers", "Please upload them")
    assert request["expires_at"] == days_ahead(3) and request["multiuse"] is True
    stored = stored_request(sandbox, request["id"])
    assert (stored["send_email"], stored["bcc_myself"]) == (0, 1)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"recipient": None}, "not a valid email address"),
        ({"recipient": "bob at partner"}, "not a valid email address"),
        ({"expires_at": "2001-01-01"}, "in the past"),
        ({"expires_at": "soon"}, "YYYY-MM-DD"),
        ({"multiuse": "often"}, "multiuse must be true or false"),
        ({"send_email": []}, "send_email must be true or false"),
        ({"subject": 3}, "subject must be a string"),
    ],
)
def test_invalid_file_requests_are_422(alice: httpx.Client, fields: dict[str, object], expected: str) -> None:
    body = {key: value for key, value in {"recipient": BOB.email, **fields}.items() if value is not None}
    response = alice.post("/requests", json={"request": body})
    assert response.status_code == 422
    assert any(expected in message for message in errors_of(response)), errors_of(response)


def test_file_requests_need_an_api_key(anonymous: httpx.Client) -> None:
    assert anonymous.post("/requests", json={"request": {"recipient": BOB.email}}).status_code == 401


def test_the_recipient_page_shows_the_request(sandbox: SandboxProcess, alice: httpx.Client) -> None:
    request = create_request(alice, subject="<Quarterly> figures", message="Numbers & notes")

    with browser(sandbox) as client:
        page = client.get(f"/requests/{request['id']}")

    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "Alice asks you to upload files" in page.text
    assert "&lt;Quarterly&gt; figures" in page.text and "Numbers &amp; notes" in page.text
    assert request["expires_at"] in page.text


def test_the_recipient_page_is_404_unknown_and_410_expired(
    sandbox: SandboxProcess, alice: httpx.Client
) -> None:
    request = create_request(alice)
    with sandbox.db() as db:
        db.execute("UPDATE file_requests SET expires_at = '2001-01-01' WHERE id = ?", (request["id"],))

    with browser(sandbox) as client:
        assert client.get(f"/requests/{request['id']}").status_code == 410
        assert client.get("/requests/NoSuchRequest000000000").status_code == 404

