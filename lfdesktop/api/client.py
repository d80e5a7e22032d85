"""``LiquidFilesClient``: one async method per endpoint of the LiquidFiles API, returning typed records."""

from collections.abc import AsyncIterable, AsyncIterator
from contextlib import asynccontextmanager

from .http import DownloadBody, HttpOptions, Session
from .models import Account, Attachment, PieceReceipt
from .parse import Fields, root


class LiquidFilesClient:
    """Talks to one server as one user. Create inside the running loop; ``aclose()`` when done."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @classmethod
    def connect(cls, server_url: str, api_key: str | None, options: HttpOptions | None = None) -> "LiquidFilesClient":
        return cls(Session(server_url, api_key, options))

    @property
    def server_url(self) -> str:
        return self.session.server_url

    async def aclose(self) -> None:
        await self.session.aclose()

    async def __aenter__(self) -> "LiquidFilesClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # ---- account -------------------------------------------------------------------------------------

    async def account(self) -> Account:
        """``GET /account``: also the way to check a server and key before saving them."""
        body = await self.session.request_json("GET", "/account")
        return Account.from_json(root(body, "user", "account", what="the account"))

    async def login(self, email: str, password: str) -> str:
        """``POST /login``: the user's API key (works on a client made without a key)."""
        body = await self.session.request_json("POST", "/login", body={"user": {"email": email, "password": password}})
        return Fields(root(body, "user", what="the login answer"), "login answer").id("api_key")

    # ---- uploads -------------------------------------------------------------------------------------

    async def upload(
        self, filename: str, body: AsyncIterable[bytes], length: int, *, link: bool = False,
        chunk: int | None = None, chunks: int | None = None, content_type: str | None = None,
    ) -> Attachment | PieceReceipt:
        """Upload a whole file, or piece ``chunk`` (0-based) of ``chunks``; the attachment once complete."""
        path = "/link/attachments/upload" if link else "/message/attachments/upload"
        params: dict[str, str | int] = {"filename": filename}
        if chunks is not None and chunk is not None:
            params.update(chunks=chunks, chunk=chunk)
        answer = await self.session.upload(path, params, body, length, content_type)
        if isinstance(answer, dict) and "attachment" in answer:
            return Attachment.from_json(answer["attachment"])
        upload = answer.get("upload") if isinstance(answer, dict) else None
        received = Fields(upload, "upload").strings("received") if isinstance(upload, dict) else None
        return PieceReceipt(tuple(int(index) for index in received) if received is not None else None)

    # ---- downloads -----------------------------------------------------------------------------------

    @asynccontextmanager
    async def download(self, url: str, *, offset: int = 0) -> AsyncIterator[DownloadBody]:
        """Stream a file from a URL the server gave (a message attachment's ``url``)."""
        async with self.session.download(url, offset=offset) as body:
            yield body
