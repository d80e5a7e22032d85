from pathlib import Path

import platformdirs
import pytest

from lfdesktop.accounts.paths import APP_NAME, HOME_VARIABLE, AppPaths


def test_home_variable_puts_everything_under_one_folder(tmp_path: Path) -> None:
    paths = AppPaths.from_environment({HOME_VARIABLE: str(tmp_path)})
    assert paths == AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "cache", tmp_path / "downloads")
    assert paths.settings_file == tmp_path / "config" / "settings.json"


def test_home_variable_is_read_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(HOME_VARIABLE, str(tmp_path))
    assert AppPaths.from_environment().config_dir == tmp_path / "config"


def test_home_variable_may_be_relative_or_start_with_a_tilde(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    assert AppPaths.from_environment({HOME_VARIABLE: "portable"}).data_dir == tmp_path / "portable" / "data"
    assert AppPaths.from_environment({HOME_VARIABLE: "~/lf"}).cache_dir == tmp_path / "user" / "lf" / "cache"


def test_without_the_variable_the_platform_places_are_used() -> None:
    paths = AppPaths.from_environment({})
    assert paths.config_dir == platformdirs.user_config_path(APP_NAME, appauthor=False)
    assert paths.data_dir == platformdirs.user_data_path(APP_NAME, appauthor=False)
    assert paths.cache_dir == platformdirs.user_cache_path(APP_NAME, appauthor=False)
    assert paths.download_dir == platformdirs.user_downloads_path()
    assert AppPaths.from_environment({HOME_VARIABLE: ""}) == paths  # empty counts as unset


def test_computing_paths_creates_nothing(tmp_path: Path) -> None:
    AppPaths.from_environment({HOME_VARIABLE: str(tmp_path / "home")})
    assert not (tmp_path / "home").exists()
