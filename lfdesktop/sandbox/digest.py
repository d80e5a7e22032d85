"""SHA-256, CRC32 and an EICAR check over one pass of a file's blocks."""

import hashlib
import zlib

# The EICAR anti-virus test string (a harmless file every virus scanner reports).
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class Digest:
    """Accumulates over blocks; ``copy()`` snapshots the state at a piece boundary."""

    def __init__(self) -> None:
        self._sha = hashlib.sha256()
        self._crc = 0
        self._tail = b""
        self.size = 0
        self.eicar = False

    def update(self, block: bytes | bytearray | memoryview) -> None:
        self._sha.update(block)
        self._crc = zlib.crc32(block, self._crc)
        self.size += len(block)
        if not self.eicar:
            # Look across block boundaries too: the string may straddle several (short) blocks, so the
            # tail is the end of everything seen so far, not just of the last block.
            keep = len(EICAR) - 1
            window = self._tail + bytes(block[:keep])
            self.eicar = EICAR in window or EICAR in block
            self._tail = (self._tail + bytes(block[-keep:]))[-keep:]

    def copy(self) -> "Digest":
        twin = Digest()
        twin._sha = self._sha.copy()
        twin._crc, twin._tail, twin.size, twin.eicar = self._crc, self._tail, self.size, self.eicar
        return twin

    @property
    def sha256(self) -> str:
        return self._sha.hexdigest()

    @property
    def crc32(self) -> str:
        """Lower-case hex without leading zeros, as LiquidFiles servers print it (``44b411``)."""
        return format(self._crc, "x")
