import json
from collections.abc import Callable
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from keyring.backends.fail import Keyring as NoKeyring

from lfdesktop.accounts import settings as settings_module
from lfdesktop.accounts.paths import AppPaths
from lfdesktop.accounts.secrets import SecretStore
from lfdesktop.accounts.settings import (
    MAX_RECENT_RECIPIENTS,
    AccountSettings,
    LoadedSettings,
    Settings,
    account_key,
    aload_settings,
    asave_settings,
    load_settings,
    save_settings,
)
from lfdesktop.api.http import TlsOptions

ALICE = AccountSettings("files.example.com/", "alice@example.com", display_name="Work")
BOB = AccountSettings(
    "https://internal.example.org:8443", "bob@example.org", ca_file=Path("/etc/ssl/internal-ca.pem"),
    system_trust_store=True,
)


def write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_round_trip(paths: AppPaths, tmp_path: Path) -> None:
    chosen = Settings(download_dir=tmp_path / "Incoming", piece_size_mib=50, pieces_in_flight=4, files_in_flight=3,
                      bandwidth_limit_kib=2048, recent_recipients=("bob@partner.example",), last_pane="links",
                      window_geometry="AdnQywADAAA=").with_account(ALICE, active=False).with_account(BOB)
    save_settings(paths.settings_file, chosen)
    loaded = load_settings(paths.settings_file)
    assert loaded.settings == chosen
    assert loaded.warnings == ()
    assert loaded.settings.active == BOB
    assert json.loads(paths.settings_file.read_text())["version"] == 1


async def test_round_trip_off_the_loop(paths: AppPaths) -> None:
    chosen = Settings(pieces_in_flight=5).with_account(ALICE)
    await asave_settings(paths.settings_file, chosen)
    assert (await aload_settings(paths.settings_file)).settings == chosen


def test_defaults_when_the_file_is_missing(paths: AppPaths) -> None:
    loaded = load_settings(paths.settings_file)
    assert loaded.settings == Settings()
    assert loaded.warnings == ()
    assert (loaded.settings.piece_size_mib, loaded.settings.pieces_in_flight, loaded.settings.bandwidth_limit_kib) == (
        100, 3, 0)
    assert loaded.settings.piece_size == 100 * 1024 * 1024
    assert loaded.settings.active is None
    assert loaded.settings.download_folder(paths) == paths.download_dir


def test_corrupt_file_gives_defaults_and_a_warning_and_is_kept_until_the_next_save(
    paths: AppPaths, caplog: pytest.LogCaptureFixture
) -> None:
    paths.settings_file.parent.mkdir(parents=True)
    damaged = '{"piece_size_mib": 50, "accounts": ['
    paths.settings_file.write_text(damaged)
    loaded = load_settings(paths.settings_file)
    assert loaded.settings == Settings()
    assert len(loaded.warnings) == 1
    assert "damaged" in loaded.warnings[0] and str(paths.settings_file) in loaded.warnings[0]
    assert loaded.warnings[0] in caplog.text
    assert paths.settings_file.read_text() == damaged

    save_settings(paths.settings_file, loaded.settings)
    assert load_settings(paths.settings_file) == LoadedSettings(Settings(), ())


@pytest.mark.parametrize("content", [b"\xff\xfe not utf-8", b"[1, 2, 3]", b"null"])
def test_unreadable_or_wrong_shape_gives_defaults_and_a_warning(paths: AppPaths, content: bytes) -> None:
    paths.settings_file.parent.mkdir(parents=True)
    paths.settings_file.write_bytes(content)
    loaded = load_settings(paths.settings_file)
    assert loaded.settings == Settings()
    assert len(loaded.warnings) == 1


def test_a_folder_where_the_file_should_be_gives_defaults_and_a_warning(paths: AppPaths) -> None:
    paths.settings_file.mkdir(parents=True)
    loaded = load_settings(paths.settings_file)
    assert loaded.settings == Settings()
    assert "Could not read" in loaded.warnings[0]


def test_wrong_values_get_their_default_and_the_rest_is_kept(paths: AppPaths, caplog: pytest.LogCaptureFixture) -> None:
    write_json(paths.settings_file, {
        "accounts": [
            {"server_url": "https://files.example.com", "email": "alice@example.com", "display_name": ["x"],
             "ca_file": "relative/ca.pem", "system_trust_store": "yes"},
            {"server_url": "https://files.example.com", "email": 7},
            "not an account",
            {"server_url": "not a url at all://", "email": "carol@example.com"},
            {"server_url": "https://files.example.com/", "email": "ALICE@example.com"},
            {"server_url": "https://other.example.com", "email": "dave@example.com", "display_name": "Dave"},
        ],
        "active_account": "nobody on https://nowhere.example.com",
        "download_dir": 42,
        "piece_size_mib": "LEAKED-VALUE",
        "pieces_in_flight": True,
        "files_in_flight": 4,
        "bandwidth_limit_kib": -1,
        "recent_recipients": ["bob@partner.example", "no address"],
        "last_pane": 3,
    })
    loaded = load_settings(paths.settings_file)
    assert loaded.settings == Settings(
        accounts=(AccountSettings("https://files.example.com", "alice@example.com"),
                  AccountSettings("https://other.example.com", "dave@example.com", display_name="Dave")),
        files_in_flight=4,
    )
    # display_name, ca_file, system_trust_store; three dropped accounts and a repeat; the seven bad top-level values
    assert len(loaded.warnings) == 14
    for field in ("display_name", "ca_file", "system_trust_store", "active_account", "download_dir",
                  "piece_size_mib", "pieces_in_flight", "bandwidth_limit_kib", "recent_recipients", "last_pane"):
        assert any(field in warning for warning in loaded.warnings), field
    assert all(warning in caplog.text for warning in loaded.warnings)
    # A wrong value is never repeated: it could be anything the user pasted into the file.
    assert "LEAKED-VALUE" not in caplog.text


def test_unknown_keys_are_ignored_and_not_written_back(paths: AppPaths) -> None:
    write_json(paths.settings_file, {"piece_size_mib": 20, "theme": "dark", "api_key": "pasted-by-hand"})
    loaded = load_settings(paths.settings_file)
    assert loaded == LoadedSettings(Settings(piece_size_mib=20), ())
    save_settings(paths.settings_file, loaded.settings)
    assert "pasted-by-hand" not in paths.settings_file.read_text()


async def test_no_secret_lands_in_the_file(paths: AppPaths, use_keyring: Callable[[KeyringBackend], None]) -> None:
    use_keyring(NoKeyring())
    store = SecretStore()
    await store.set(ALICE.server_url, ALICE.email, "k3y-that-must-stay-in-memory")
    save_settings(paths.settings_file, Settings().with_account(ALICE))
    everything = b"".join(path.read_bytes() for path in paths.config_dir.parent.rglob("*") if path.is_file())
    assert b"k3y-that-must-stay-in-memory" not in everything
    assert await store.get(ALICE.server_url, ALICE.email) == "k3y-that-must-stay-in-memory"


def test_a_failed_write_leaves_the_old_file_intact(paths: AppPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    save_settings(paths.settings_file, Settings(piece_size_mib=10))
    before = paths.settings_file.read_bytes()

    def disk_full(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(settings_module.os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        save_settings(paths.settings_file, Settings(piece_size_mib=99))
    monkeypatch.undo()
    assert paths.settings_file.read_bytes() == before
    assert [path.name for path in paths.config_dir.iterdir()] == ["settings.json"]  # no temp file left behind


def test_accounts_are_normalised_and_validated() -> None:
    assert ALICE.server_url == "https://files.example.com"
    assert ALICE.key == account_key("https://files.example.com", "Alice@Example.com ")
    assert BOB.tls_options() == TlsOptions(ca_file=Path("/etc/ssl/internal-ca.pem"), system_store=True)
    with pytest.raises(ValueError, match="email"):
        AccountSettings("https://files.example.com", "alice")
    with pytest.raises(ValueError, match="server_url"):
        AccountSettings("", "alice@example.com")


def test_settings_are_validated() -> None:
    with pytest.raises(ValueError, match="twice"):
        Settings(accounts=(ALICE, AccountSettings("https://files.example.com", "ALICE@example.com")))
    with pytest.raises(ValueError, match="active_account"):
        Settings(active_account=ALICE.key)
    with pytest.raises(ValueError, match="piece_size_mib should be between 1 and 1024"):
        Settings(piece_size_mib=0)
    with pytest.raises(ValueError, match="download_dir"):
        Settings(download_dir=Path("relative"))


def test_adding_replacing_and_removing_accounts() -> None:
    both = Settings().with_account(ALICE).with_account(BOB, active=False)
    assert both.active == ALICE
    renamed = AccountSettings(ALICE.server_url, ALICE.email, display_name="Renamed")
    assert both.with_account(renamed).accounts == (BOB, renamed)
    assert both.without_account(BOB.key) == Settings().with_account(ALICE)
    assert both.without_account(ALICE.key).active is None


def test_recent_recipients_most_recent_first_without_repeats_and_bounded() -> None:
    settings = Settings(recent_recipients=("bob@partner.example", "carol@example.com"))
    updated = settings.with_recipients([" Carol@example.com", "dave@example.com", ""])
    assert updated.recent_recipients == ("Carol@example.com", "dave@example.com", "bob@partner.example")
    many = Settings().with_recipients(f"user{n}@example.com" for n in range(MAX_RECENT_RECIPIENTS + 5))
    assert len(many.recent_recipients) == MAX_RECENT_RECIPIENTS
    assert many.recent_recipients[0] == "user0@example.com"


def test_download_log_columns_round_trip_and_are_validated(paths: AppPaths) -> None:
    chosen = Settings(download_log_columns=("downloaded_at", "recipient", "country_name"))
    save_settings(paths.settings_file, chosen)
    assert load_settings(paths.settings_file).settings == chosen
    with pytest.raises(ValueError, match="download_log_columns: a column is listed twice"):
        Settings(download_log_columns=("recipient", "recipient"))
    with pytest.raises(ValueError, match="download_log_columns should be a list of column names"):
        Settings(download_log_columns=("recipient", ""))
    write_json(paths.settings_file, {"download_log_columns": ["filename", 3], "last_pane": "log"})
    loaded = load_settings(paths.settings_file)
    assert loaded.settings == Settings(last_pane="log")
    assert any("download_log_columns" in warning for warning in loaded.warnings)


def test_sync_settings_round_trip_default_and_are_validated(paths: AppPaths, tmp_path: Path) -> None:
    assert Settings().sync_folder_path(paths) == paths.download_dir / "LiquidFiles"
    assert Settings(download_dir=tmp_path / "In").sync_folder_path(paths) == tmp_path / "In" / "LiquidFiles"
    chosen = Settings(sync_enabled=True, sync_folder=tmp_path / "Synced", sync_every_minutes=5,
                      sync_senders=("bob@partner.example",), sync_subjects=("invoice", "Q3 report"))
    save_settings(paths.settings_file, chosen)
    assert load_settings(paths.settings_file).settings == chosen
    assert chosen.sync_folder_path(paths) == tmp_path / "Synced"
    for wrong, message in [
        ({"sync_every_minutes": 0}, "sync_every_minutes should be between 1 and 1440"),
        ({"sync_folder": Path("relative")}, "sync_folder should be a full path"),
        ({"sync_senders": ("bob",)}, "sync_senders should be a list of email addresses"),
        ({"sync_subjects": ("  ",)}, "sync_subjects should be a list of texts"),
        ({"sync_enabled": 1}, "sync_enabled should be true or false"),
    ]:
        with pytest.raises(ValueError, match=message):
            Settings(**wrong)  # type: ignore[arg-type]
    write_json(paths.settings_file, {"sync_every_minutes": 100000, "sync_senders": "bob@partner.example",
                                     "sync_subjects": ["ok"], "sync_folder": "relative", "sync_enabled": "yes"})
    loaded = load_settings(paths.settings_file)
    assert loaded.settings == Settings(sync_subjects=("ok",))
    for field in ("sync_every_minutes", "sync_senders", "sync_folder", "sync_enabled"):
        assert any(field in warning for warning in loaded.warnings), field


def test_tray_settings_round_trip_and_are_validated(paths: AppPaths) -> None:
    assert Settings().close_to_tray and not Settings().tray_hint_shown
    chosen = Settings(close_to_tray=False, tray_hint_shown=True)
    save_settings(paths.settings_file, chosen)
    assert load_settings(paths.settings_file).settings == chosen
    with pytest.raises(ValueError, match="close_to_tray should be true or false"):
        Settings(close_to_tray="no")  # type: ignore[arg-type]
    write_json(paths.settings_file, {"close_to_tray": "no", "tray_hint_shown": True})
    loaded = load_settings(paths.settings_file)
    assert loaded.settings == Settings(tray_hint_shown=True)
    assert any("close_to_tray" in warning for warning in loaded.warnings)
