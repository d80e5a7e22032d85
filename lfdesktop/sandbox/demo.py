"""The demo data set of ``--demo``: people, files, messages, FileLinks, a download log, filedrops.

It is made through the sandbox's own HTTP API, as real users would make it, so every record is what the
API produces; afterwards the timestamps are spread over the last weeks in the database (the one thing an
API cannot do: let time pass). Seeded once per data dir; the users and their keys are refreshed each start.
"""

import random
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiohttp

from . import clock, geo, users
from .digest import EICAR
from .state import SandboxState

SEEDED_KEY = "demo_seeded"
PASSWORD = "demo"  # noqa: S105 - the demo users' published password


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: str | None = None

    @property
    def api_key(self) -> str:
        """Stable, obviously-demo keys (22 characters like real ones), so docs and scripts can name them."""
        first = self.name.split()[0]
        return f"Demo{first}Key".ljust(22, "0")


DANA = DemoUser("dana@example.com", "Dana Demo")
LENA = DemoUser("lena@example.com", "Lena Fischer")
ALEX = DemoUser("alex@example.com", "Alex Admin", "admin")
PRIYA = DemoUser("priya@partner.example", "Priya Patel")
MARCO = DemoUser("marco@supplier.example", "Marco Rossi")
SAM = DemoUser("sam@contractor.example", "Sam Okafor", "restricted")
PEOPLE = (DANA, LENA, ALEX, PRIYA, MARCO, SAM)

USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 "
    "Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 "
    "Edg/131.0.2903.70",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 "
    "Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile "
    "Safari/537.36",
    "curl/8.5.0",
)


@dataclass(frozen=True)
class DemoMessage:
    sender: DemoUser
    to: tuple[DemoUser, ...]
    subject: str
    text: str
    files: tuple[tuple[str, int], ...]  # (name, size in bytes)
    days_ago: int
    cc: tuple[DemoUser, ...] = ()
    expires_in_days: int = 30
    authorization: int = 3


MESSAGES = (
    DemoMessage(PRIYA, (DANA,), "Signed NDA and onboarding pack", "Hi Dana,\n\nattached the signed NDA and our "
                "onboarding checklist. Shout if anything is missing.\n\nPriya",
                (("NDA-signed.pdf", 184_320), ("Onboarding checklist.docx", 46_210)), 41),
    DemoMessage(MARCO, (DANA,), "Q3 delivery schedule", "Updated schedule with the revised dates for lots 4-7.",
                (("Q3 delivery schedule.xlsx", 92_004),), 33, cc=(LENA,)),
    DemoMessage(LENA, (DANA,), "Design review slides", "Slides from Thursday, plus the render of option B.",
                (("Design review.pptx", 6_815_744), ("render-option-B.png", 2_411_876)), 26),
    DemoMessage(SAM, (DANA,), "Site survey footage", "Drone footage from the site survey, raw.",
                (("site-survey.mp4", 24_117_248),), 19, authorization=2),
    DemoMessage(PRIYA, (DANA, LENA), "Übersicht Verträge 2026", "Die Übersicht aller Verträge, Stand heute.",
                (("Übersicht Verträge 2026.xlsx", 51_312), ("Vertragsentwurf v3.docx", 88_571)), 12),
    DemoMessage(MARCO, (DANA,), "Invoice 2026-118", "Invoice for the October shipment.",
                (("invoice-2026-118.pdf", 128_990),), 6, expires_in_days=2),
    DemoMessage(LENA, (DANA,), "Audit evidence", "Evidence bundle for the auditors.",
                (("audit-evidence.zip", 3_355_443),), 45, expires_in_days=-3),
    DemoMessage(PRIYA, (DANA,), "Logo files", "Vector and PNG versions of the new logo.",
                (("logo.svg", 14_822), ("logo@2x.png", 301_440), ("brand guide.pdf", 1_988_112)), 2),
    DemoMessage(DANA, (PRIYA,), "Contract draft for review", "Priya, here is the draft for your legal team.",
                (("Contract draft v2.docx", 96_340),), 38),
    DemoMessage(DANA, (MARCO,), "Purchase order 4471", "PO attached, please confirm the delivery date.",
                (("PO-4471.pdf", 77_310),), 30, cc=(LENA,)),
    DemoMessage(DANA, (PRIYA, MARCO), "Board pack November", "The board pack, strictly confidential.",
                (("Board pack November.pdf", 5_505_024), ("Financials Q3.xlsx", 410_221)), 21, authorization=3),
    DemoMessage(DANA, (SAM,), "Site access instructions", "Access codes and the site map for Monday.",
                (("site-map.pdf", 1_234_567), ("access-codes.txt", 912)), 15),
    DemoMessage(DANA, (PRIYA,), "Product photos", "Photos for the catalogue, full resolution.",
                (("photos-batch-1.zip", 15_728_640),), 8),
    DemoMessage(DANA, (MARCO, LENA), "Meeting notes", "Notes from today's call.",
                (("meeting-notes.md", 6_240),), 1),
)

# (file name, size, days ago, link options): Dana's FileLinks.
LINKS: tuple[tuple[str, int, int, dict[str, Any]], ...] = (
    ("Price list 2026.pdf", 402_112, 28, {}),
    ("Press kit.zip", 8_388_608, 20, {"download_receipt": False}),
    ("Tender documents.zip", 4_194_304, 14, {"password": "tender-2026"}),
    ("Employee handbook.pdf", 2_097_152, 9, {"require_authentication": True}),
    ("Webinar recording.mp4", 12_582_912, 4, {}),
)

FILEDROPS = (
    {"name": "support", "title": "Support Files", "owner": ALEX.email, "description": "Upload logs and screenshots "
     "for the support team.", "accepted_filetypes": "log, txt, zip, png, jpg", "max_filesize": 1000},
    {"name": "Partner-Drop", "title": "Partner Filedrop", "owner": DANA.email, "cc": LENA.email,
     "expires_after": 30, "authorization": 2},
    {"name": "legal-intake", "title": "Legal Intake", "owner": LENA.email, "password": "intake",
     "require_validation": True, "invalid_extensions": "exe, bat, js"},
)

DOWNLOADS_PER_MESSAGE = 20
DOWNLOADS_PER_LINK = 45


def file_bytes(name: str, size: int) -> bytes:
    """Deterministic content: text for text files, noise for the rest."""
    rng = random.Random(zlib.crc32(name.encode()))
    if name.endswith((".txt", ".md")):
        words = ("secure", "transfer", "site", "delivery", "contract", "review", "notes", "monday", "access")
        text = " ".join(rng.choice(words) for _ in range(size // 5))
        return (text.encode() + b"\n" * size)[:size]
    return rng.randbytes(size)


class DemoClient:
    """Talks to the sandbox it seeds, as each demo user."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        self.session = session
        self.base = base_url

    @staticmethod
    def headers(user: DemoUser | None, **extra: str) -> dict[str, str]:
        headers = {"Accept": "application/json", **extra}
        if user is not None:
            headers["Authorization"] = f"Bearer {user.api_key}"
        return headers

    async def call(self, user: DemoUser, method: str, path: str, body: object = None) -> Any:
        async with self.session.request(
            method, self.base + path, json=body, headers=self.headers(user)
        ) as response:
            payload = await response.json(content_type=None)
            if response.status != 200:
                raise RuntimeError(f"demo seeding: {method} {path} answered {response.status}: {payload}")
            return payload

    async def upload(self, user: DemoUser, name: str, data: bytes, *, link: bool = False) -> str:
        path = "/link/attachments/upload" if link else "/message/attachments/upload"
        for _attempt in range(20):  # --fault-rate applies to the demo's uploads as to anyone's
            try:
                async with self.session.post(
                    self.base + path, params={"filename": name}, data=data, headers=self.headers(user)
                ) as response:
                    if response.status == 200:
                        return str((await response.json())["attachment"]["id"])
            except aiohttp.ClientError:
                pass
        raise RuntimeError(f"demo seeding: could not upload {name}")

    async def fetch(self, url: str, user: DemoUser | None, rng: random.Random) -> None:
        """Download as a recipient somewhere in the world would."""
        block = rng.choice(geo.BLOCKS)
        address = str(block.network[rng.randrange(1, block.network.num_addresses - 1)])
        extra = {"X-Forwarded-For": address, "User-Agent": rng.choice(USER_AGENTS)}
        async with self.session.get(url, headers=self.headers(user, **extra)) as response:
            await response.read()


async def _seed_messages(client: DemoClient, rng: random.Random) -> list[tuple[DemoMessage, str]]:
    sent = []
    for message in MESSAGES:
        ids = [await client.upload(message.sender, name, file_bytes(name, size)) for name, size in message.files]
        body = {
            "recipients": [user.email for user in message.to], "cc": [user.email for user in message.cc],
            "subject": message.subject, "message": message.text, "attachments": ids,
            "authorization": message.authorization,
        }
        answer = await client.call(message.sender, "POST", "/message", {"message": body})
        sent.append((message, str(answer["message"]["id"])))
    for message, message_id in sent:
        if message.sender is DANA:
            for _ in range(DOWNLOADS_PER_MESSAGE):
                reader = rng.choice(message.to + message.cc)
                shown = await client.call(reader, "GET", f"/message/{message_id}")
                file = rng.choice(shown["message"]["attachments"])
                await client.fetch(file["url"], reader, rng)
    return sent


async def _seed_links(client: DemoClient, rng: random.Random) -> list[tuple[int, str]]:
    made = []
    for name, size, days_ago, options in LINKS:
        attachment = await client.upload(DANA, name, file_bytes(name, size), link=True)
        answer = await client.call(DANA, "POST", "/link", {"link": {"attachment": attachment, **options}})
        link_id = str(answer["link"]["id"])
        made.append((days_ago, link_id))
        query = f"?password={options['password']}" if "password" in options else ""
        for _ in range(DOWNLOADS_PER_LINK):
            reader = rng.choice((PRIYA, MARCO, SAM, LENA)) if options.get("require_authentication") else None
            await client.fetch(f"{client.base}/link/{link_id}/download{query}", reader, rng)
    return made


def _backdate(sandbox: SandboxState, messages: Sequence[tuple[DemoMessage, str]],
              links: Sequence[tuple[int, str]], rng: random.Random) -> None:
    """Spread creation and download times over the past weeks, as if the demo company had been busy."""
    store = sandbox.store
    now = clock.now()

    def moment(days_ago: float) -> str:
        return clock.iso(now - timedelta(days=days_ago, minutes=rng.randrange(0, 600)))

    with store.transaction():
        for message, message_id in messages:
            created = moment(message.days_ago)
            expires = (clock.today() + timedelta(days=message.expires_in_days)).isoformat()
            store.run("UPDATE messages SET created_at = ?, expires_at = ? WHERE id = ?", (created, expires, message_id))
            store.run("UPDATE attachments SET created_at = ?, processed_at = ? WHERE id IN (SELECT attachment_id"
                      " FROM message_attachments WHERE message_id = ?)", (created, created, message_id))
            for row in store.all("SELECT id FROM downloads WHERE message_id = ?", (message_id,)):
                store.run("UPDATE downloads SET downloaded_at = ? WHERE id = ?",
                          (moment(rng.uniform(0, message.days_ago)), row["id"]))
        for days_ago, link_id in links:
            created = moment(days_ago)
            store.run("UPDATE links SET created_at = ?, updated_at = ? WHERE id = ?", (created, created, link_id))
            for row in store.all("SELECT id FROM downloads WHERE filelink_id = ?", (link_id,)):
                store.run("UPDATE downloads SET downloaded_at = ? WHERE id = ?",
                          (moment(rng.uniform(0, days_ago)), row["id"]))
        # One link that already expired, to show what that looks like.
        expired = (clock.today() - timedelta(days=2)).isoformat()
        store.run("UPDATE links SET expires_at = ? WHERE id = ?", (expired, links[0][1]))


async def _seed(sandbox: SandboxState, base_url: str) -> None:
    rng = random.Random(2026)
    connector = aiohttp.TCPConnector(ssl=False)  # talking to ourselves; the certificate may name another host
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120)) as session:
        client = DemoClient(session, base_url)
        messages = await _seed_messages(client, rng)
        links = await _seed_links(client, rng)
        await client.upload(DANA, "invoice-scan.zip", b"PK\x03\x04" + EICAR + file_bytes("scan", 2048))
        await client.upload(DANA, "Quarterly report draft.docx", file_bytes("report", 180_224))
        for filedrop in FILEDROPS:
            await client.call(ALEX, "POST", "/admin/filedrops", {"filedrop": filedrop})
        await client.call(DANA, "POST", "/requests", {"request": {
            "recipient": MARCO.email, "subject": "Certificates of conformity",
            "message": "Please upload the certificates for lots 4-7.", "send_email": False}})
    _backdate(sandbox, messages, links, rng)


def add_people(sandbox: SandboxState) -> None:
    for person in PEOPLE:
        group = "Restricted" if person.role == "restricted" else "Default"
        users.upsert_user(sandbox.store, person.email, PASSWORD, person.api_key, admin=person.role == "admin",
                          group=group, name=person.name)


async def seed(sandbox: SandboxState, base_url: str) -> list[str]:
    """Fill an empty data dir (once); the lines to print about the demo users."""
    add_people(sandbox)
    if sandbox.store.get_meta(SEEDED_KEY) is None:
        await _seed(sandbox, base_url)
        sandbox.store.set_meta(SEEDED_KEY, clock.now_iso())
    counts = {
        table: int(row[0]) for table in ("messages", "links", "downloads", "filedrops")
        if (row := sandbox.store.one(f"SELECT COUNT(*) FROM {table}")) is not None  # noqa: S608
    }
    lines = [
        f"demo data: {len(PEOPLE)} users, {counts['messages']} messages, {counts['links']} FileLinks,"
        f" {counts['downloads']} downloads, {counts['filedrops']} filedrops",
        f"demo users (password {PASSWORD!r}):",
    ]
    for person in PEOPLE:
        role = f" [{person.role}]" if person.role else ""
        lines.append(f"  {person.email:<24} API key {person.api_key}  {person.name}{role}")
    return lines

