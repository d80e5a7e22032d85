"""The Preferences dialog: background sync with rules, then the tray and start-up choices as an installed copy
shows them (a start-up entry that starts it hidden), not the demo's "not available"."""

import asyncio
import dataclasses
import tempfile
from pathlib import Path

from scenelib import Grab, until

from lfdesktop.accounts.autostart import XdgAutostart, this_program
from lfdesktop.demo_server import DemoServer
from lfdesktop.qt.context import AppContext
from lfdesktop.ui.mainwindow import MainWindow
from lfdesktop.ui.preferences import PreferencesDialog


async def shoot(window: MainWindow, context: AppContext, server: DemoServer, scheme: str, grab: Grab) -> None:
    with tempfile.TemporaryDirectory() as config_home:  # never the real autostart folder
        autostart = XdgAutostart(Path(config_home))
        await asyncio.to_thread(autostart.enable, this_program(), hidden=True)
        installed = dataclasses.replace(context, demo_url=None)
        dialog = PreferencesDialog(installed, tray_available=True, autostart=autostart, parent=window)
        dialog.sync_enabled.setChecked(True)
        dialog.every.setValue(10)
        dialog.only_matching.setChecked(True)
        dialog.senders.setPlainText("finance@example.com\nscans@example.com")
        dialog.subjects.setPlainText("Invoice")
        dialog.open()
        await until(lambda: dialog.controller.state is not None)
        await grab(dialog, "preferences-sync", scheme)
        dialog.tabs.setCurrentIndex(1)
        await grab(dialog, "preferences-startup", scheme)
        dialog.reject()  # nothing saved
        dialog.deleteLater()
