"""Where lfdesktop keeps things: every path the app uses comes from here.

The platform's usual places by default (platformdirs). ``LFDESKTOP_HOME`` moves everything under one folder,
for tests and for portable use (an app on a USB stick).
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "lfdesktop"
HOME_VARIABLE = "LFDESKTOP_HOME"


@dataclass(frozen=True)
class AppPaths:
    config_dir: Path  # settings.json
    data_dir: Path  # transfer journals
    cache_dir: Path
    download_dir: Path  # where downloads go unless the user chose a folder

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> "AppPaths":
        """Pure: computes paths, creates nothing (whoever writes a file makes its folder)."""
        home = (os.environ if environ is None else environ).get(HOME_VARIABLE, "")
        if home:
            root = Path(home).expanduser().absolute()
            return cls(root / "config", root / "data", root / "cache", root / "downloads")
        dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
        return cls(dirs.user_config_path, dirs.user_data_path, dirs.user_cache_path, dirs.user_downloads_path)
