"""HTTP conventions of the LiquidFiles API: JSON negotiation, auth, errors, routes with `.json` twins."""

import asyncio
import base64
import binascii
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Middleware

from . import users
from .errors import ApiFailure, Forbidden, NotAcceptable, Rejected, TooLarge, Unauthorized
from .state import state
from .users import User

log = logging.getLogger("lfdesktop.sandbox")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
JSON_BODY_LIMIT = 1024 * 1024
USER_KEY = web.RequestKey("user", object)  # User | None, set by the auth middleware


def wants_json(request: web.Request) -> bool:
    """Accept asks for JSON; old clients send only Content-Type (even on GET) or a `.json` suffix."""
    return (
        "application/json" in request.headers.get("Accept", "")
        or request.content_type == "application/json"
        or request.path.endswith(".json")
    )


def json_ok(data: object, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=lambda value: json.dumps(value, ensure_ascii=False))


def empty_ok() -> web.Response:
    """Deletes answer 200 with an empty body."""
    return web.Response(status=200, body=b"")


def origin(request: web.Request) -> str:
    """The scheme and host the client used, so that URLs we hand out work from where it stands."""
    return f"{request.scheme}://{request.host}"


async def read_json(request: web.Request, root: str | None = None) -> dict[str, Any]:
    """The request's JSON object, or the object under ``root``; 413/422 with a clear message otherwise."""
    if request.content_length is not None and request.content_length > JSON_BODY_LIMIT:
        raise TooLarge(f"Request body is larger than {JSON_BODY_LIMIT} bytes")
    raw = bytearray()
    async for block in request.content.iter_any():
        raw += block
        if len(raw) > JSON_BODY_LIMIT:
            raise TooLarge(f"Request body is larger than {JSON_BODY_LIMIT} bytes")
    try:
        body = json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise Rejected(f"Malformed JSON: {exc}") from None
    if not isinstance(body, dict):
        raise Rejected("Expected a JSON object")
    if root is None:
        return body
    inner = body.get(root)
    if not isinstance(inner, dict):
        raise Rejected(f'Expected a JSON object under "{root}"')
    return inner


def _credentials(request: web.Request) -> tuple[str, str] | None:
    """(user part, password part) of a Basic header, or (key, "") for Bearer."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), ""
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        name, _, password = decoded.partition(":")
        return name, password
    return None


def authenticate(request: web.Request) -> User | None:
    """The caller: an API key (Basic KEY:x or Bearer), a filedrop's short-lived key, or email:password."""
    creds = _credentials(request)
    if creds is None:
        return None
    name, password = creds
    store = state(request).store
    user = users.find_by_key(store, name)
    if user is None:
        user = users.find_by_filedrop_key(store, name)
    if user is None and password and "@" in name:
        user = users.check_password(store, name, password)
    return user


def current_user(request: web.Request, *, allow_filedrop: bool = False) -> User:
    user = request.get(USER_KEY)
    if not isinstance(user, User):
        raise Unauthorized("Authentication required: use your API key as the user name (KEY:x)")
    if user.filedrop_id is not None and not allow_filedrop:
        raise Forbidden("A filedrop key may only upload files")
    return user


def current_admin(request: web.Request) -> User:
    user = current_user(request)
    if not user.admin:
        raise Forbidden("Admin access required")
    return user


def client_gone() -> web.Response:
    """What a handler returns once the client hung up: nobody reads it, but aiohttp needs a response."""
    return web.Response(status=499)


def _error_body(status: int, messages: list[str]) -> web.Response:
    response = json_ok({"errors": messages}, status=status)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Basic realm="LiquidFiles"'
    return response


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every failure becomes {"errors": [...]} with the right status; never a bare 500."""
    try:
        return await handler(request)
    except ApiFailure as failure:
        return _error_body(failure.status, failure.messages)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return _error_body(exc.status, [f"{exc.reason}: {request.method} {request.path}"])
    except ConnectionResetError:
        return client_gone()
    except Exception:
        log.exception("unhandled error in %s %s", request.method, request.path)
        return _error_body(500, ["Internal server error"])


def latency_middleware(delay_ms: int) -> Middleware:
    @web.middleware
    async def delay(request: web.Request, handler: Handler) -> web.StreamResponse:
        await asyncio.sleep(delay_ms / 1000)
        return await handler(request)

    return delay


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    request[USER_KEY] = authenticate(request)
    return await handler(request)


class Routes:
    """Collects routes: API routes need JSON negotiation and also answer at ``path.json``."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, str, Handler]] = []

    def api(self, method: str, path: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            async def negotiated(request: web.Request) -> web.StreamResponse:
                if not wants_json(request):
                    raise NotAcceptable("This API answers JSON: send Accept: application/json")
                return await handler(request)

            self._routes.append((method, path, negotiated))
            self._routes.append((method, path + ".json", negotiated))
            return handler

        return register

    def page(self, method: str, path: str) -> Callable[[Handler], Handler]:
        """A route that serves files or HTML, or negotiates for itself."""

        def register(handler: Handler) -> Handler:
            self._routes.append((method, path, handler))
            return handler

        return register

    def install(self, app: web.Application) -> None:
        for method, path, handler in self._routes:
            app.router.add_route(method, path, handler)
