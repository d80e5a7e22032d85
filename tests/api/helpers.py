"""Small helpers the API client tests share."""

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.api.models import Attachment
from tests.sandbox.helpers import unique_name


def days_ahead(days: int) -> date:
    """The date ``days`` from today in UTC, the sandbox's clock; negative for the past."""
    return datetime.now(UTC).date() + timedelta(days=days)


async def _one_block(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def upload_bytes(client: LiquidFilesClient, data: bytes, name: str = "file.txt") -> Attachment:
    """Upload ``data`` in one request under a name no other test uses; the attachment."""
    attachment = await client.upload(unique_name(name), _one_block(data), len(data))
    assert isinstance(attachment, Attachment), attachment
    return attachment


async def fetch(client: LiquidFilesClient, url: str) -> bytes:
    async with client.download(url) as body:
        return b"".join([block async for block in body.blocks()])
