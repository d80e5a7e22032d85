"""The real thing: gnome-keyring's Secret Service in a private D-Bus session, with a throwaway HOME."""

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

PROGRAMS = ("dbus-run-session", "gnome-keyring-daemon")
CHILD = Path(__file__).with_name("secret_service_child.py")


def require_programs() -> None:
    missing = [program for program in PROGRAMS if shutil.which(program) is None]
    if not missing:
        return
    reason = (f"the real Secret Service test needs {' and '.join(missing)} "
              "(Debian/Ubuntu: apt-get install gnome-keyring dbus)")
    if os.environ.get("CI"):
        pytest.fail(f"CI is set and {reason}")
    pytest.skip(reason)


def test_keys_round_trip_through_a_real_secret_service(tmp_path: Path) -> None:
    require_programs()
    home, runtime = tmp_path / "home", tmp_path / "runtime"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    # Only what the session needs: no DBUS_SESSION_BUS_ADDRESS of a desktop this test runs in, no
    # PYTHON_KEYRING_BACKEND, no keyring of the user's.
    env = {"PATH": os.environ["PATH"], "HOME": str(home), "XDG_RUNTIME_DIR": str(runtime), "LANG": "C.UTF-8"}
    script = 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$0" "$1"'
    command = ["dbus-run-session", "--", "sh", "-c", script, sys.executable, str(CHILD)]
    # Its own process group, so that a hang takes the D-Bus and keyring daemons down with it.
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
    try:
        out, err = child.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        pytest.fail("the Secret Service child did not finish within 90 seconds")
    assert child.returncode == 0, err
    assert json.loads(out.strip().splitlines()[-1]) == {
        "backend": "SecretService Keyring", "read_back": True, "deleted": True,
    }
