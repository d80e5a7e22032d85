"""Widgets only: the main window, panes, dialogs, the tray, icons and theme. Never imports httpx or keyring."""
