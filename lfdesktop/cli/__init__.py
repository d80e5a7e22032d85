"""The ``lfdesktop`` command line: the same engine as the desktop app, for scripts and headless servers."""
