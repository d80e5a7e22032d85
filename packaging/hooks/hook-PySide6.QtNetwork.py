# Replaces PyInstaller's hook for PySide6.QtNetwork: the same, minus the Qt plugins packaging/bundle_info.py leaves out.
# They must go before PyInstaller follows the plugins' library dependencies (a post-filter in the spec would
# still ship what they link, e.g. GTK 3 for the gtk3 platform theme).
from PyInstaller.utils.hooks.qt import add_qt6_dependencies

import bundle_info

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = bundle_info.wanted_hook_binaries(binaries)
