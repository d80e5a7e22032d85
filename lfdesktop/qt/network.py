"""Says when the network comes back (a laptop woken up, Wi-Fi rejoined), so that sync does not wait for its next
turn. Qt's ``QNetworkInformation`` asks the OS (NetworkManager, the Windows and macOS network APIs); where no
backend loads, nothing is said and sync keeps to its timer and its offline retries."""

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QNetworkInformation

log = logging.getLogger(__name__)

Reachability = QNetworkInformation.Reachability


class NetworkWatch(QObject):
    online_again = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        information = _information()
        self.reachability = information.reachability() if information else Reachability.Unknown
        if information is not None:
            information.reachabilityChanged.connect(self.reachability_changed)

    def reachability_changed(self, reachability: QNetworkInformation.Reachability) -> None:
        was, self.reachability = self.reachability, reachability
        if reachability == Reachability.Online and was != Reachability.Online:
            self.online_again.emit()


def _information() -> QNetworkInformation | None:
    if QNetworkInformation.instance() is None and not QNetworkInformation.loadDefaultBackend():
        log.info("No network information backend: sync keeps to its timer")
        return None
    return QNetworkInformation.instance()
