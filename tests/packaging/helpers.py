"""Finding the system programs the packaging checks use: in CI a missing one fails the test, as elsewhere."""

import os
import shutil

import pytest


def require_program(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is not None:
        return found
    reason = f"needs {name} (Debian/Ubuntu: apt-get install {package})"
    if os.environ.get("CI"):
        pytest.fail(f"CI is set and this test {reason}")
    pytest.skip(reason)
