"""The sandbox's settings, as given on its command line."""

from dataclasses import dataclass
from pathlib import Path

from .validate import EMAIL

ROLES = ("admin", "restricted")


@dataclass(frozen=True)
class UserSpec:
    email: str
    password: str
    api_key: str
    role: str | None = None

    @classmethod
    def parse(cls, text: str) -> "UserSpec":
        """``EMAIL:PASSWORD:APIKEY[:admin|:restricted]``."""
        parts = text.split(":")
        if len(parts) not in (3, 4) or not all(parts[:3]):
            raise ValueError(f"expected EMAIL:PASSWORD:APIKEY[:admin], got {text!r}")
        email, password, api_key = parts[:3]
        role = parts[3] if len(parts) == 4 else None
        if not EMAIL.match(email):
            raise ValueError(f"not an email address: {email!r}")
        if role is not None and role not in ROLES:
            raise ValueError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
        return cls(email, password, api_key, role)


@dataclass(frozen=True)
class SandboxConfig:
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8080
    users: tuple[UserSpec, ...] = ()
    demo: bool = False
    tls_cert: Path | None = None
    tls_key: Path | None = None
    fault_rate: float = 0.0
    download_fault_rate: float = 0.0
    latency_ms: int = 0
    scan_delay: float = 0.0
    # How long a stalled fault holds a piece before dropping it (tests lower it).
    stall_seconds: float = 30.0
    max_piece_bytes: int = 4 * 1024**3
    download_url_ttl: float = 15 * 60.0
    fault_seed: int | None = None
