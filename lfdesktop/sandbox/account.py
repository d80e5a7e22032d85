"""Signing in (API, and in the browser for a desktop agent), the account's limits, and file requests."""

import html
from collections.abc import Mapping
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from . import clock, users
from .errors import Rejected
from .ids import new_id
from .protocol import Routes, current_user, json_ok, origin, read_json
from .state import state
from .store import Row
from .users import User
from .validate import boolean, email, expiry_date, optional_date, parse_int, text

routes = Routes()

INVALID_LOGIN = "Invalid email or password"
REQUEST_DEFAULT_DAYS = 14
AGENT_TIMEOUT = aiohttp.ClientTimeout(total=5)
DEFAULT_AGENT_NAME = "your application"
MAX_AGENT_NAME = 100


@routes.api("POST", "/login")
async def login(request: web.Request) -> web.StreamResponse:
    fields = await read_json(request, root="user")
    address = text(fields, "email", max_len=320)
    password = text(fields, "password", max_len=1024)
    user = users.check_password(state(request).store, address, password)
    if user is None:
        raise Rejected(INVALID_LOGIN)
    return json_ok({"user": {"api_key": user.api_key, "email": user.email, "name": user.name}})


@routes.api("GET", "/account")
async def show_account(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    group = user.group
    return json_ok(
        {
            "user": {
                "id": user.id,
                "email": user.email,
                "name": user.name,
                "group": group.name,
                "admin": user.admin,
                # Every sandbox group may use all three ways of sending.
                "messages_allowed": True,
                "filelinks_allowed": True,
                "file_requests_allowed": True,
                "max_file_size": group.max_file_size_mb,
                "default_expiry_days": group.default_expiry_days,
                "max_expiry_days": group.max_expiry_days,
                "filelink_require_authentication": group.filelink_require_auth_default,
                "may_change_link_authentication": group.may_change_link_authentication,
                "blocked_extensions": list(group.blocked_extensions),
                "permitted_extensions": [],
            }
        }
    )


# ---- Browser sign-in for a desktop agent listening on localhost ----


def _page(title: str, body: str, status: int = 200) -> web.Response:
    """A minimal HTML page; ``body`` is HTML the caller has already escaped."""
    document = (
        f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title></head>"
        f"<body><h1>{html.escape(title)}</h1>\n{body}\n</body></html>\n"
    )
    return web.Response(text=document, status=status, content_type="text/html")


def _agent(params: Mapping[str, object]) -> tuple[int, str]:
    """(port, name) of the agent to call back on localhost: a port 1024..65535."""
    if not params.get("agent_port"):
        raise Rejected("agent_port is required")
    port = parse_int(params.get("agent_port"), "agent_port", 0, 1024, 65535)
    name = str(params.get("agent_name") or DEFAULT_AGENT_NAME)[:MAX_AGENT_NAME]
    return port, name


def _sign_in_form(port: int, name: str, problem: str = "", status: int = 200) -> web.Response:
    notice = f'<p role="alert"><strong>{html.escape(problem)}</strong></p>' if problem else ""
    form = (
        f"<p>Sign in to connect <strong>{html.escape(name)}</strong> to this server.</p>{notice}"
        '<form method="post" action="/session/api">'
        f'<input type="hidden" name="agent_port" value="{port}">'
        f'<input type="hidden" name="agent_name" value="{html.escape(name)}">'
        '<p><label>Email <input type="email" name="email" autocomplete="username" required></label></p>'
        '<p><label>Password <input type="password" name="password" autocomplete="current-password" required>'
        "</label></p>"
        '<p><button type="submit">Sign in</button></p></form>'
    )
    return _page("Sign in", form, status)


def _bad_agent(error: Rejected) -> web.Response:
    return _page("Cannot sign in", f"<p>{html.escape(' '.join(error.messages))}</p>", 422)


@routes.page("GET", "/session/api")
async def sign_in_form(request: web.Request) -> web.StreamResponse:
    try:
        port, name = _agent(request.query)
    except Rejected as error:
        return _bad_agent(error)
    return _sign_in_form(port, name)


async def _hand_over(port: int, user: User) -> str | None:
    """POST the key to the agent; a description of what went wrong, or None."""
    payload = {"api_key": user.api_key, "email": user.email}
    try:
        async with (
            aiohttp.ClientSession(timeout=AGENT_TIMEOUT) as session,
            session.post(f"http://localhost:{port}/", json=payload) as response,
        ):
            if response.status >= 300:
                return f"it answered HTTP {response.status}"
    except (aiohttp.ClientError, TimeoutError) as exc:
        return f"it could not be reached ({type(exc).__name__})"
    return None


async def _read_form(request: web.Request) -> Mapping[str, object]:
    try:
        return await request.post()
    except (ValueError, HttpProcessingError) as exc:  # what aiohttp raises on a malformed body
        raise Rejected(f"Malformed form: {str(exc)[:200]}") from None


@routes.page("POST", "/session/api")
async def sign_in(request: web.Request) -> web.StreamResponse:
    try:
        form = await _read_form(request)
        port, name = _agent(form)
    except Rejected as error:
        return _bad_agent(error)
    address, password = str(form.get("email", "")), str(form.get("password", ""))
    user = users.check_password(state(request).store, address, password)
    if user is None:
        return _sign_in_form(port, name, INVALID_LOGIN, 422)
    problem = await _hand_over(port, user)
    if problem is not None:
        explanation = f"Signed in, but {name} on localhost port {port}: {problem}. Start it, then retry."
        return _page("Could not reach the application", f"<p>{html.escape(explanation)}</p>", 502)
    return _page("Signed in", f"<p>You are signed in, you can return to {html.escape(name)}.</p>")


# ---- File requests: ask someone to upload files to you ----


def _request_json(request: web.Request, row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "url": f"{origin(request)}/requests/{row['id']}",
        "recipient": row["recipient"],
        "subject": row["subject"],
        "message": row["message"],
        "expires_at": row["expires_at"],
        "multiuse": bool(row["multiuse"]),
        "created_at": row["created_at"],
    }


@routes.api("POST", "/requests")
async def create_request(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    store = state(request).store
    fields = await read_json(request, root="request")
    expires_at = expiry_date(
        optional_date(fields, "expires_at"), default_days=REQUEST_DEFAULT_DAYS,
        max_days=user.group.max_expiry_days,
    )
    request_id = new_id()
    store.insert(
        "file_requests",
        {
            "id": request_id, "user_id": user.id, "recipient": email(fields.get("recipient"), "recipient"),
            "subject": text(fields, "subject", default="", max_len=255),
            "message": text(fields, "message", default=""),
            "send_email": int(boolean(fields, "send_email", True)), "expires_at": expires_at.isoformat(),
            "multiuse": int(boolean(fields, "multiuse", False)),
            "bcc_myself": int(boolean(fields, "bcc_myself", False)), "created_at": clock.now_iso(),
        },
    )
    row = store.one("SELECT * FROM file_requests WHERE id = ?", (request_id,))
    assert row is not None
    return json_ok({"request": _request_json(request, row)})


@routes.page("GET", "/requests/{id:[A-Za-z0-9]+}")
async def show_request(request: web.Request) -> web.StreamResponse:
    """The page the recipient opens: who asks for files, and why."""
    store = state(request).store
    row = store.one(
        "SELECT r.*, u.name AS requester FROM file_requests r LEFT JOIN users u ON u.id = r.user_id"
        " WHERE r.id = ?",
        (request.match_info["id"],),
    )
    # Answers are pages, errors included: the recipient reads them in a browser.
    if row is None:
        return _page("File request not found", "<p>There is no such file request.</p>", 404)
    if str(row["expires_at"]) < clock.today().isoformat():
        return _page("File request expired", f"<p>This request expired on {row['expires_at']}.</p>", 410)
    body = (
        f"<p>{html.escape(str(row['requester'] or 'Someone'))} asks you to upload files.</p>"
        f"<h2>{html.escape(str(row['subject']))}</h2><p>{html.escape(str(row['message']))}</p>"
        f"<p>This request expires on {html.escape(str(row['expires_at']))}.</p>"
    )
    return _page("File request", body)
