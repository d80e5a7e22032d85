"""Sandbox users, their groups' policies, and credential checks."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from . import clock
from .ids import user_id_for
from .store import Row, Store


@dataclass(frozen=True)
class Group:
    name: str
    max_file_size_mb: int
    default_expiry_days: int
    max_expiry_days: int
    filelink_require_auth_default: bool
    may_change_link_authentication: bool
    may_change_link_confirmation: bool
    blocked_extensions: tuple[str, ...]


GROUPS = {
    "Default": Group("Default", 10240, 14, 90, False, True, True, ()),
    # A contractor-style group: small files, links always authenticated, policy may not be changed.
    "Restricted": Group("Restricted", 100, 7, 30, True, False, False, ("exe", "bat", "cmd", "js", "vbs")),
}


@dataclass(frozen=True)
class User:
    id: str
    email: str
    name: str
    admin: bool
    group: Group
    api_key: str
    # Set when a public filedrop's short-lived key signed in: such a caller may only upload.
    filedrop_id: str | None = None


def hash_password(password: str) -> str:
    salt = secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), 50_000).hex()
    return f"{salt}${digest}"


def password_matches(password: str, stored: str) -> bool:
    salt, _, digest = stored.partition("$")
    if not salt or not digest:
        return False
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), 50_000).hex()
    return hmac.compare_digest(candidate, digest)


def user_from_row(row: Row) -> User:
    return User(
        id=str(row["id"]),
        email=str(row["email"]),
        name=str(row["name"]),
        admin=bool(row["admin"]),
        group=GROUPS.get(str(row["grp"]), GROUPS["Default"]),
        api_key=str(row["api_key"]),
    )


def upsert_user(
    store: Store, email: str, password: str, api_key: str, *, admin: bool = False,
    group: str = "Default", name: str | None = None,
) -> User:
    """Create or refresh a user; the email decides the id, as on a real server."""
    user_id = user_id_for(email)
    display = name or email.split("@")[0].replace(".", " ").title()
    store.run(
        "INSERT INTO users (id, email, name, password_hash, api_key, admin, grp, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET email = excluded.email,"
        " name = excluded.name, password_hash = excluded.password_hash, api_key = excluded.api_key,"
        " admin = excluded.admin, grp = excluded.grp",
        (user_id, email, display, hash_password(password), api_key, int(admin), group, clock.now_iso()),
    )
    found = find_by_id(store, user_id)
    assert found is not None
    return found


def find_by_id(store: Store, user_id: str) -> User | None:
    row = store.one("SELECT * FROM users WHERE id = ?", (user_id,))
    return None if row is None else user_from_row(row)


def find_by_email(store: Store, email: str) -> User | None:
    row = store.one("SELECT * FROM users WHERE email = ?", (email,))
    return None if row is None else user_from_row(row)


def find_by_key(store: Store, api_key: str) -> User | None:
    row = store.one("SELECT * FROM users WHERE api_key = ?", (api_key,))
    return None if row is None else user_from_row(row)


def check_password(store: Store, email: str, password: str) -> User | None:
    row = store.one("SELECT * FROM users WHERE email = ?", (email,))
    if row is None or not password_matches(password, str(row["password_hash"])):
        return None
    return user_from_row(row)


def find_by_filedrop_key(store: Store, api_key: str) -> User | None:
    """A public filedrop's short-lived upload key, as a caller that may only upload."""
    row = store.one(
        "SELECT f.id, f.name, k.expires_at FROM filedrop_keys k JOIN filedrops f ON f.id = k.filedrop_id"
        " WHERE k.api_key = ?",
        (api_key,),
    )
    if row is None or str(row["expires_at"]) < clock.now_iso():
        return None
    filedrop_id = str(row["id"])
    return User(
        id=f"filedrop-{filedrop_id}", email=f"filedrop-{filedrop_id}@sandbox.invalid",
        name=f"Filedrop {row['name']}", admin=False, group=GROUPS["Default"], api_key=api_key,
        filedrop_id=filedrop_id,
    )
