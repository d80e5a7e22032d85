"""The pure parts: safe names, rolling speed and ETA, the token bucket, backoff, the in-order hasher."""

import asyncio
import hashlib
import random
import unicodedata
import zlib
from pathlib import Path

import pytest

from lfdesktop.api.errors import AuthError, NetworkError, RateLimited, Rejected, ServerError
from lfdesktop.transfer.checksum import FileStamp, InOrderHasher
from lfdesktop.transfer.errors import FileChanged
from lfdesktop.transfer.retry import RetryPolicy
from lfdesktop.transfer.safenames import candidates, safe_filename, with_suffix
from lfdesktop.transfer.stats import TransferStats
from lfdesktop.transfer.throttle import TokenBucket
from tests.transfer.conftest import FakeClock

# ---- safe names ----


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\evil.exe", "evil.exe"),
        ("..", "download"),
        ("", "download"),
        (".bashrc", "bashrc"),
        ("nul", "_nul"),
        ("Com1.tar.gz", "_Com1.tar.gz"),
        ("LPT9 .txt", "_LPT9 .txt"),
        ("console.txt", "console.txt"),
        ("a<b>c:d\"e|f?g*h.txt", "a_b_c_d_e_f_g_h.txt"),
        ("invoice\u202egnp.exe", "invoicegnp.exe"),
        ("tab\there\x00.txt", "tabhere.txt"),
        ("name. . .", "name"),
        (unicodedata.normalize("NFD", "Ångström.txt"), "Ångström.txt"),
    ],
)
def test_safe_filename(given: str, safe: str) -> None:
    assert safe_filename(given) == safe
    assert unicodedata.is_normalized("NFC", safe_filename(given))


def test_long_names_are_cut_to_255_bytes_keeping_the_extension() -> None:
    name = safe_filename("€" * 200 + ".docx")
    assert len(name.encode()) <= 255 and name.endswith(".docx") and name.startswith("€€€")
    assert safe_filename("x" * 300).startswith("x") and len(safe_filename("x" * 300)) == 255
    part = with_suffix(name, ".part")
    assert len(part.encode()) <= 255 and part.endswith("€.part")  # a temporary name: the stem gives way


def test_candidates_number_before_the_extension_and_stay_short() -> None:
    names = candidates("report.pdf")
    assert [next(names) for _ in range(3)] == ["report.pdf", "report (1).pdf", "report (2).pdf"]
    long = safe_filename("y" * 251 + ".pdf")
    numbered = [next(iter_) for iter_ in [candidates(long)] for _ in range(2)][1]
    assert numbered.endswith(" (1).pdf") and len(numbered.encode()) <= 255


# ---- speed and ETA ----


def test_speed_is_averaged_over_the_window_and_eta_follows() -> None:
    clock = FakeClock()
    stats = TransferStats(clock=clock, sample_every=0.5, window=10.0)
    assert stats.speed() == 0 and stats.eta(1000) is None
    for _ in range(20):  # 10 s at 1000 B/s
        clock.now += 0.5
        stats.add(500)
    assert stats.speed() == pytest.approx(1000)
    assert stats.eta(5000) == pytest.approx(5.0)
    for _ in range(10):  # 5 s at 3000 B/s: the average over 10 s moves half way
        clock.now += 0.5
        stats.add(1500)
    assert stats.speed() == pytest.approx(2000, rel=0.1)
    clock.now += 0.2
    stats.add(10**6)  # within the sampling interval: the shown figure does not jump per block
    assert stats.speed() == pytest.approx(2000, rel=0.1)
    assert stats.eta(0) == 0.0


def test_speed_falls_to_zero_when_bytes_stop() -> None:
    clock = FakeClock()
    stats = TransferStats(clock=clock, window=2.0)
    for _ in range(10):
        clock.now += 0.5
        stats.add(100)
    for _ in range(10):
        clock.now += 0.5
        stats.speed()
    assert stats.speed() == 0 and stats.eta(100) is None


# ---- the token bucket ----


async def test_the_bucket_lets_through_rate_times_time_plus_one_burst() -> None:
    clock = FakeClock()
    bucket = TokenBucket(100_000, burst_seconds=0.25, clock=clock, sleep=clock.sleep)
    granted = 0
    for _ in range(100):
        await bucket.take(16_384)
        granted += 16_384
        assert granted <= 25_000 + 100_000 * clock.now + 16_384 + 1  # burst + rate x time + the block let in
    assert clock.now == pytest.approx((granted - 16_384 - 25_000) / 100_000, rel=0.01)


async def test_the_bucket_is_shared_and_its_rate_can_change() -> None:
    clock = FakeClock()
    bucket = TokenBucket(50_000, clock=clock, sleep=clock.sleep)

    async def taker() -> None:
        for _ in range(10):
            await bucket.take(10_000)

    await asyncio.gather(taker(), taker())
    assert clock.now == pytest.approx((200_000 - 10_000 - 12_500) / 50_000, rel=0.01)
    bucket.set_rate(1_000_000)
    before = clock.now
    for _ in range(10):
        await bucket.take(10_000)
    assert clock.now - before == pytest.approx(100_000 / 1_000_000)  # not the 2 s of the old rate


# ---- retries ----


def test_what_is_retried_and_how_long_to_wait() -> None:
    policy = RetryPolicy(attempts=4, base_delay=1.0, max_delay=5.0, jitter=0.5, random=lambda: 1.0)
    dropped = NetworkError("dropped", kind="dropped")
    assert policy.should_retry(dropped, 1) and policy.should_retry(ServerError("500"), 3)
    assert not policy.should_retry(dropped, 4)  # the limit
    assert not policy.should_retry(AuthError("401"), 1) and not policy.should_retry(Rejected("422"), 1)
    assert not policy.should_retry(FileChanged("changed"), 1)
    assert [policy.delay(dropped, attempt) for attempt in (1, 2, 3, 4, 5)] == [1.5, 3.0, 6.0, 7.5, 7.5]
    assert policy.delay(RateLimited("429", retry_after=42.0), 1) == 42.0


# ---- the in-order hasher ----


class CountingHasher(InOrderHasher):
    """Counts what it has to read again from the file."""

    rereads = 0

    def _hash_from_file(self, offset: int, length: int) -> None:
        self.rereads += length
        super()._hash_from_file(offset, length)


def _file(tmp_path: Path, size: int) -> tuple[Path, bytes, FileStamp]:
    data = random.Random(size).randbytes(size)
    path = tmp_path / "data.bin"
    path.write_bytes(data)
    return path, data, FileStamp.of(path.stat())


def _blocks(size: int, block: int) -> list[int]:
    return list(range(0, size, block))


async def test_blocks_in_order_are_hashed_without_reading_the_file_again(tmp_path: Path) -> None:
    path, data, stamp = _file(tmp_path, 1_000_003)
    hasher = CountingHasher(path, stamp, block=16 * 1024)
    try:
        for offset in _blocks(len(data), 16 * 1024):
            await hasher.offer(offset, data[offset:offset + 16 * 1024])
        digest = await hasher.digest(len(data))
    finally:
        await hasher.aclose()
    assert (digest.sha256, digest.crc32, digest.size) == (hashlib.sha256(data).hexdigest(), zlib.crc32(data), len(data))
    assert hasher.rereads == 0


async def test_blocks_out_of_order_beyond_the_buffer_are_read_again(tmp_path: Path) -> None:
    path, data, stamp = _file(tmp_path, 1_000_003)
    offsets = _blocks(len(data), 8 * 1024)
    random.Random(1).shuffle(offsets)
    hasher = CountingHasher(path, stamp, buffer_limit=32 * 1024, block=8 * 1024)
    try:
        for offset in offsets:
            await hasher.offer(offset, data[offset:offset + 8 * 1024])
        await hasher.offer(0, data[:8 * 1024])  # a resent block changes nothing
        digest = await hasher.digest(len(data))
    finally:
        await hasher.aclose()
    assert digest.sha256 == hashlib.sha256(data).hexdigest() and digest.crc32 == zlib.crc32(data)
    assert 0 < hasher.rereads < len(data)


async def test_ranges_nobody_offers_are_read_from_the_file(tmp_path: Path) -> None:
    path, data, stamp = _file(tmp_path, 300_000)
    hasher = InOrderHasher(path, stamp)
    try:
        hasher.read_later(0, 100_000)  # a piece an earlier run sent
        await hasher.offer(200_000, data[200_000:])
        digest = await hasher.digest(len(data))  # 100_000..200_000 was never offered at all
    finally:
        await hasher.aclose()
    assert digest.sha256 == hashlib.sha256(data).hexdigest()


async def test_a_file_changed_under_the_hasher_is_reported(tmp_path: Path) -> None:
    path, data, stamp = _file(tmp_path, 100_000)
    path.write_bytes(data[:50_000])
    hasher = InOrderHasher(path, stamp)
    try:
        with pytest.raises(FileChanged):
            await hasher.digest(len(data))
    finally:
        await hasher.aclose()
