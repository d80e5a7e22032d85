"""Build, check and package the frozen app: ``python packaging/build.py STEP...`` from the repository root.

Steps, run in the order given (``make package`` runs ``freeze smoke package``):

- ``freeze``: PyInstaller with packaging/lfdesktop.spec -> dist/lfdesktop/ (and dist/lfdesktop.app on macOS).
- ``smoke``: runs the frozen program: ``--version``, ``--self-test`` (on Linux inside a private D-Bus session
  with an unlocked gnome-keyring when those exist, so the Secret Service backend must be found) and its demo
  server (``--serve-sandbox``). Any failure exits non-zero: a broken bundle fails CI.
- ``package``: the installer of this OS in dist/: Linux a tarball with a .desktop file, icons and install.sh
  (then installed into a scratch prefix and run), Windows an NSIS setup.exe, macOS a DMG (signed and
  notarized only when an identity is configured; see installers/macos/).
- ``nsis``: compiles installers/windows/lfdesktop.nsi against this bundle, uncompressed, to catch script errors
  on any OS (CI does it on Linux).
"""

import argparse
import contextlib
import os
import platform
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import bundle_info

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
BUILD = ROOT / "build"
SPEC = ROOT / "packaging" / "lfdesktop.spec"
ICONS = ROOT / "packaging" / "icons"
INSTALLERS = ROOT / "installers"
BUNDLE = DIST / "lfdesktop"
VERSION = bundle_info.version(ROOT)
WINDOWS, MACOS = sys.platform == "win32", sys.platform == "darwin"
TIMEOUT = 120  # seconds for one run of the frozen program; a first start is well under 10 s
NO_KEYRING = "keyring: none"
SHARED_CACHES = {"mimeinfo.cache", "icon-theme.cache"}  # install.sh refreshes them; they are not the app's
# Next to the bundle (in app/) in the Linux tarball.
LINUX_PACKAGE_FILES = (
    INSTALLERS / "linux" / "install.sh", INSTALLERS / "linux" / "lfdesktop.desktop",
    INSTALLERS / "linux" / "README.txt", ICONS / "lfdesktop.png", ROOT / "lfdesktop" / "resources" / "lfdesktop.svg",
)


def run(command: list[str | Path], **options: object) -> None:
    print("+", " ".join(map(str, command)), flush=True)
    subprocess.run([str(part) for part in command], check=True, **options)  # type: ignore[call-overload]  # noqa: S603


def program(*, console: bool = True) -> Path:
    """The frozen executable. On Windows the console twin prints; on macOS the one inside the .app is tested."""
    if WINDOWS:
        return BUNDLE / ("lfdesktop-cli.exe" if console else "lfdesktop.exe")
    if MACOS:
        return DIST / "lfdesktop.app" / "Contents" / "MacOS" / "lfdesktop"
    return BUNDLE / "lfdesktop"


def size_of(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink())


# ---- freeze ----


def freeze() -> None:
    run([sys.executable, "-m", "PyInstaller", SPEC, "--noconfirm", "--log-level", "WARN",
         "--distpath", DIST, "--workpath", BUILD / "pyinstaller"], cwd=ROOT)
    print(f"bundle: {BUNDLE} ({size_of(BUNDLE) / 2**20:.0f} MiB, {sum(1 for _ in BUNDLE.rglob('*'))} files)")


# ---- smoke ----


def smoke() -> None:
    exe = program()
    if not exe.exists():
        raise SystemExit(f"{exe} is missing: run the freeze step first")
    version = capture([exe, "--version"]).strip()
    print(f"--version: {version}")
    if version != f"lfdesktop {VERSION}":
        raise SystemExit(f"--version printed {version!r}, expected 'lfdesktop {VERSION}'")
    check_self_test(exe)
    check_demo_server(exe)
    if WINDOWS:  # the windowed lfdesktop.exe starts the demo server of `lfdesktop --sandbox` through itself
        check_demo_server(program(console=False))
    print("smoke test passed")


def capture(command: list[Path | str], env: dict[str, str] | None = None) -> str:
    """Runs ``command``, its process group killed on timeout; returns stdout, fails with its stderr."""
    child = subprocess.Popen([str(part) for part in command], stdout=subprocess.PIPE,  # noqa: S603
                             stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
    try:
        out, err = child.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        kill_group(child)
        raise SystemExit(f"{command[0]} did not finish within {TIMEOUT} s") from None
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, command))} failed ({child.returncode}):\n{out}{err}")
    return out


def check_self_test(exe: Path) -> None:
    """--self-test, timed to the line that says the main window was shown (offscreen)."""
    with keyring_session() as (wrapper, env):
        started = time.perf_counter()
        child = subprocess.Popen([*wrapper, str(exe), "--self-test"], stdout=subprocess.PIPE,  # noqa: S603
                                 stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True)
        watchdog = threading.Timer(TIMEOUT, kill_group, [child])  # a hang without output ends too
        watchdog.start()
        lines, window_at = [], None
        try:
            assert child.stdout is not None
            for line in child.stdout:
                lines.append(line.rstrip())
                print(f"  {line.rstrip()}")
                if line.startswith("main window: built") and window_at is None:
                    window_at = time.perf_counter() - started
            child.wait()
        finally:
            watchdog.cancel()
            if child.poll() is None:
                kill_group(child)
    if child.returncode != 0 or "self-test passed" not in lines:
        raise SystemExit(f"--self-test failed ({child.returncode})")
    if window_at is not None:
        print(f"--self-test to its main window shown offscreen: {window_at:.2f} s (every module imported)")
    keyring = next((line for line in lines if line.startswith("keyring:")), "")
    expect_real_keyring = bool(wrapper) or not sys.platform.startswith("linux")
    if expect_real_keyring and keyring.startswith(NO_KEYRING):
        raise SystemExit("the frozen app found no OS keyring where one exists (keyring's backends not bundled?)")


@contextlib.contextmanager
def keyring_session() -> Iterator[tuple[list[str], dict[str, str] | None]]:
    """On Linux: (a command prefix, env) running a private D-Bus session with gnome-keyring unlocked, as
    tests/accounts/test_secret_service.py does; elsewhere, or without those programs, the OS's own keyring."""
    programs = ("dbus-run-session", "gnome-keyring-daemon")
    if not sys.platform.startswith("linux"):
        yield [], None
        return
    missing = [name for name in programs if shutil.which(name) is None]
    if missing:
        message = f"{' and '.join(missing)} missing (apt-get install dbus gnome-keyring): keyring not checked"
        if os.environ.get("CI"):
            raise SystemExit(f"CI is set and {message}")
        print(f"warning: {message}")
        yield [], None
        return
    with tempfile.TemporaryDirectory(prefix="lfdesktop-smoke-") as scratch:
        home, runtime = Path(scratch, "home"), Path(scratch, "runtime")
        home.mkdir()
        runtime.mkdir(mode=0o700)
        env = {"PATH": os.environ["PATH"], "HOME": str(home), "XDG_RUNTIME_DIR": str(runtime), "LANG": "C.UTF-8"}
        unlock = 'echo -n smoke | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$@"'
        yield ["dbus-run-session", "--", "sh", "-c", unlock, "sh"], env


def check_demo_server(exe: Path) -> None:
    """``lfdesktop --serve-sandbox``: how the frozen app runs its demo server (no Python to run -m with)."""
    with tempfile.TemporaryDirectory(prefix="lfdesktop-smoke-") as data:
        command = [str(exe), "--serve-sandbox", "--demo", "--port", "0", "--data-dir", data, "--stop-with-stdin"]
        child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,  # noqa: S603
                                 stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            assert child.stdout is not None and child.stdin is not None
            first = child.stdout.readline().strip()
            if not first.startswith("listening on "):
                raise SystemExit(f"the demo server did not start: {first!r}")
            url = first.removeprefix("listening on ")
            print(f"demo server: {first}; {url}/ answers HTTP {http_status(url + '/')}")
            child.stdin.close()  # --stop-with-stdin: it stops when the app's end of the pipe closes
            child.wait(timeout=TIMEOUT)
        finally:
            if child.poll() is None:
                kill_group(child)
        if child.returncode != 0:
            raise SystemExit(f"the demo server exited with {child.returncode}")


def http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (our own loopback server)
            return int(response.status)
    except urllib.error.HTTPError as error:  # any answer proves the server runs
        return error.code


def kill_group(child: subprocess.Popen[str]) -> None:
    """Children are started with start_new_session=True (ignored on Windows, where taskkill /T finds the tree),
    so a hang takes their own children (D-Bus, keyring, demo server) down with them."""
    if child.poll() is not None:
        return
    if WINDOWS:
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(child.pid)], check=False, capture_output=True)  # noqa: S603, S607
    else:
        os.killpg(child.pid, signal.SIGKILL)
    child.wait()


# ---- package ----


def package() -> None:
    if WINDOWS:
        package_windows()
    elif MACOS:
        package_macos()
    else:
        package_linux()


def machine() -> str:
    return {"amd64": "x86_64", "arm64": "arm64", "aarch64": "arm64"}.get(platform.machine().lower(),
                                                                       platform.machine().lower())


def package_linux() -> None:
    """lfdesktop-VERSION-linux-ARCH.tar.gz: the bundle in app/, install.sh, the .desktop file and icons."""
    name = f"lfdesktop-{VERSION}-linux-{machine()}"
    stage = BUILD / "package" / name
    shutil.rmtree(stage, ignore_errors=True)
    shutil.copytree(BUNDLE, stage / "app", symlinks=True)
    for source in LINUX_PACKAGE_FILES:
        shutil.copy2(source, stage / source.name)
    archive = DIST / f"{name}.tar.gz"
    with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
        tar.add(stage, arcname=name)
    print(f"package: {archive} ({archive.stat().st_size / 2**20:.0f} MiB)")
    check_linux_package(archive, name)


def check_linux_package(archive: Path, name: str) -> None:
    """Unpacks the tarball, installs it into a scratch prefix, runs the installed command, uninstalls."""
    with tempfile.TemporaryDirectory(prefix="lfdesktop-package-") as scratch:
        with tarfile.open(archive) as tar:
            tar.extractall(scratch, filter="tar")
        prefix = Path(scratch, "prefix")
        env = {**os.environ, "PREFIX": str(prefix)}
        run(["sh", Path(scratch, name, "install.sh")], env=env)
        desktop = prefix / "share" / "applications" / "lfdesktop.desktop"
        if f'Exec="{prefix}/bin/lfdesktop" %F' not in desktop.read_text(encoding="utf-8"):
            raise SystemExit(f"{desktop} does not start the installed program")
        if shutil.which("desktop-file-validate"):
            run(["desktop-file-validate", desktop])
        installed = capture([prefix / "bin" / "lfdesktop", "--version"]).strip()
        if installed != f"lfdesktop {VERSION}":
            raise SystemExit(f"the installed lfdesktop printed {installed!r}")
        run(["sh", Path(scratch, name, "install.sh"), "--uninstall"], env=env)
        # The desktop's caches of the menu and icon folders are shared by every app: they stay.
        left = [str(path) for path in prefix.rglob("*")
                if (path.is_file() or path.is_symlink()) and path.name not in SHARED_CACHES]
        if left:
            raise SystemExit(f"--uninstall left files behind: {left}")
    print("package: installed, ran and uninstalled cleanly")


def nsis_command(bundle: Path, outfile: Path, *, fast: bool) -> list[str | Path]:
    """makensis on installers/windows/lfdesktop.nsi for ``bundle``; ``fast``: uncompressed, for checking only."""
    four = ".".join(map(str, bundle_info.numeric_version(VERSION)))
    defines = [f"-DVERSION={VERSION}", f"-DVERSION4={four}", f"-DBUNDLE={bundle}",
               f"-DICON={ICONS / 'lfdesktop.ico'}", f"-DOUTFILE={outfile}", *(["-DFAST"] if fast else [])]
    return [makensis(), "-V2", *defines, INSTALLERS / "windows" / "lfdesktop.nsi"]


def makensis() -> str:
    found = shutil.which("makensis")
    if found is None and WINDOWS:
        candidate = Path(os.environ.get("PROGRAMFILES(X86)", r"C:\Program Files (x86)"), "NSIS", "makensis.exe")
        found = str(candidate) if candidate.exists() else None
    if found is None:
        raise SystemExit("makensis not found (Debian/Ubuntu: apt-get install nsis; Windows: choco install nsis)")
    return found


def package_windows() -> None:
    setup = DIST / f"lfdesktop-{VERSION}-windows-{machine()}-setup.exe"
    run(nsis_command(BUNDLE, setup, fast=False))
    print(f"package: {setup} ({setup.stat().st_size / 2**20:.0f} MiB)")


def nsis() -> None:
    """Compiles the NSIS script against this bundle's layout (uncompressed, thrown away): syntax errors fail."""
    check = BUILD / "nsis-check-setup.exe"
    run(nsis_command(BUNDLE, check, fast=True))
    print(f"nsis: the script compiles ({check.stat().st_size / 2**20:.0f} MiB uncompressed)")
    check.unlink()


def package_macos() -> None:
    """Signs the .app (skipped without MACOS_SIGN_IDENTITY), builds the DMG, notarizes it (skipped without
    credentials). The three scripts in installers/macos/ do the work and can be run on their own."""
    app = DIST / "lfdesktop.app"
    dmg = DIST / f"lfdesktop-{VERSION}-macos-{machine()}.dmg"
    scripts = INSTALLERS / "macos"
    run(["sh", scripts / "sign.sh", app])
    run(["sh", scripts / "make-dmg.sh", app, dmg])
    run(["sh", scripts / "notarize.sh", dmg])
    print(f"package: {dmg} ({dmg.stat().st_size / 2**20:.0f} MiB)")


STEPS: dict[str, Callable[[], None]] = {"freeze": freeze, "smoke": smoke, "package": package, "nsis": nsis}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("steps", nargs="+", choices=list(STEPS), metavar="STEP", help=", ".join(STEPS))
    for step in parser.parse_args().steps:
        started = time.perf_counter()
        print(f"== {step}", flush=True)
        STEPS[step]()
        print(f"== {step}: {time.perf_counter() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
