"""Fixtures every non-Qt test package shares: the real sandbox, as a separate process."""

from tests.fixtures import fresh_sandbox, sandbox

__all__ = ["fresh_sandbox", "sandbox"]
