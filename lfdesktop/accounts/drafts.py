"""The Send pane's unsent message, per account, kept across restarts: a quit, a crash or a lost session costs
nothing typed and no file staged.

One small JSON file per account in the data dir (named from a hash of the account's key, like the read state),
written atomically. The text is kept as typed (an address not finished yet included); each file by its path,
with the server's id once it was uploaded, so it is not uploaded again. Reading never fails: a missing or
damaged file is an empty draft. No secret is ever in a draft.
"""

import hashlib
import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .atomicfile import write_atomically

log = logging.getLogger(__name__)

FOLDER = "drafts"


@dataclass(frozen=True)
class DraftFile:
    path: str
    name: str  # as the pane shows it (a folder's files keep the folder in their name)
    size: int
    attachment_id: str | None = None  # uploaded and verified: staged again without uploading it


@dataclass(frozen=True)
class Draft:
    to: str = ""
    cc: str = ""
    bcc: str = ""
    subject: str = ""
    message: str = ""
    files: tuple[DraftFile, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        return self == Draft()


def draft_file(data_dir: Path, account_key: str) -> Path:
    digest = hashlib.sha256(account_key.encode()).hexdigest()[:32]
    return data_dir / FOLDER / f"{digest}.json"


def load_draft(data_dir: Path, account_key: str) -> Draft:
    """Blocking file I/O: call it off the event loop."""
    path = draft_file(data_dir, account_key)
    try:
        return _draft(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return Draft()
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:
        log.warning("draft %s unreadable (%s): starting with an empty one", path, error)
        return Draft()


def save_draft(data_dir: Path, account_key: str, draft: Draft) -> None:
    """An empty draft removes the file. Blocking file I/O: call it off the event loop."""
    path = draft_file(data_dir, account_key)
    if draft.empty:
        path.unlink(missing_ok=True)
        return
    write_atomically(path, json.dumps(asdict(draft), ensure_ascii=False).encode("utf-8"))


def _draft(data: Any) -> Draft:
    texts = {name: _text(data, name) for name in ("to", "cc", "bcc", "subject", "message")}
    files = tuple(
        DraftFile(str(item["path"]), str(item["name"]), int(item["size"]),
                  str(item["attachment_id"]) if item.get("attachment_id") else None)
        for item in data.get("files", [])
    )
    return Draft(**texts, files=files)


def _text(data: Any, name: str) -> str:
    value = data.get(name, "")
    if not isinstance(value, str):
        raise ValueError(f"{name} is not text")
    return value
