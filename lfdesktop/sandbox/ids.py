"""Identifiers in LiquidFiles' shapes."""

import secrets
import string

_BASE62 = string.digits + string.ascii_letters
ID_LENGTH = 22


def new_id() -> str:
    """A random 22-character base62 id, as LiquidFiles uses for messages, attachments and links."""
    return "".join(secrets.choice(_BASE62) for _ in range(ID_LENGTH))


def user_id_for(email: str) -> str:
    """LiquidFiles' user id convention: ``joe@company.com`` is ``joe-company-com``."""
    return email.lower().replace("@", "-").replace(".", "-")
