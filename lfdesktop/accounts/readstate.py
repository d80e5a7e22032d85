"""Which inbox messages the user has opened, per account, kept across restarts.

One small JSON file per account in the data dir (named from a hash of the account's key, so no address
appears in a file name), written atomically: a crash leaves the old file or the new one, never half of one.
Reading never fails: a missing or damaged file means nothing has been opened yet.
"""

import hashlib
import json
import logging
from collections.abc import Iterable
from pathlib import Path

from .atomicfile import write_atomically

log = logging.getLogger(__name__)

FOLDER = "readstate"


def readstate_file(data_dir: Path, account_key: str) -> Path:
    digest = hashlib.sha256(account_key.encode()).hexdigest()[:32]
    return data_dir / FOLDER / f"{digest}.json"


class ReadState:
    """The opened message ids of one account. Plain file I/O: call ``load`` and ``save`` off the event loop."""

    def __init__(self, path: Path, opened: Iterable[str] = ()) -> None:
        self.path = path
        self.opened: set[str] = set(opened)

    @classmethod
    def load(cls, data_dir: Path, account_key: str) -> "ReadState":
        path = readstate_file(data_dir, account_key)
        try:
            ids = json.loads(path.read_text(encoding="utf-8")).get("opened", [])
        except FileNotFoundError:
            ids = []
        except (OSError, ValueError, AttributeError) as error:
            log.warning("read state %s unreadable (%s): starting with nothing opened", path, error)
            ids = []
        return cls(path, (str(item) for item in ids if isinstance(item, str)))

    def is_opened(self, message_id: str) -> bool:
        return message_id in self.opened

    def mark_opened(self, message_id: str) -> bool:
        """True when this is news (the file should be saved)."""
        if message_id in self.opened:
            return False
        self.opened.add(message_id)
        return True

    def keep_only(self, message_ids: Iterable[str]) -> bool:
        """Forget opened messages no longer listed (expired, deleted): the file stays as small as the inbox.
        True when something was forgotten (the file should be saved)."""
        kept = self.opened.intersection(message_ids)
        if len(kept) == len(self.opened):
            return False
        self.opened = kept
        return True

    def save(self) -> None:
        write_atomically(self.path, json.dumps({"opened": sorted(self.opened)}).encode("utf-8"))
