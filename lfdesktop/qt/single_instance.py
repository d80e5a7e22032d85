"""One app per user and settings folder: a second launch hands its files to the first and brings it forward.

The first instance listens on a ``QLocalServer`` (a Unix socket, a named pipe on Windows) whose name comes
from the config folder, so the demo (with its own folder) and tests do not collide with the user's app.
"""

import hashlib
import json
import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

CONNECT_MS = 1000
MAX_MESSAGE = 1024 * 1024


def instance_name(config_dir: Path) -> str:
    digest = hashlib.sha256(str(config_dir.absolute()).encode()).hexdigest()[:16]
    return f"lfdesktop-{digest}"


class SingleInstance(QObject):
    activated = Signal(list)  # a later launch asked to be shown; the files it was given (absolute paths)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._server: QLocalServer | None = None

    def hand_over(self, files: list[str]) -> bool:
        """Before the event loop runs: True when another instance is running and took ``files``."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(CONNECT_MS):
            return False
        socket.write(json.dumps({"files": files}).encode() + b"\n")
        handed = socket.waitForBytesWritten(CONNECT_MS)
        socket.disconnectFromServer()
        return handed

    def listen(self) -> bool:
        """Become the instance others hand over to. A socket left by a crashed run is removed first."""
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)  # this user only
        if not server.listen(self.name):
            QLocalServer.removeServer(self.name)
            if not server.listen(self.name):
                log.warning("Single instance: cannot listen on %s: %s", self.name, server.errorString())
                return False
        server.newConnection.connect(self._accept)
        self._server = server
        return True

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None

    def _accept(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            received = bytearray()

            def read(socket: QLocalSocket = socket, received: bytearray = received) -> None:
                received.extend(socket.readAll().data()[:MAX_MESSAGE])
                if received.endswith(b"\n"):
                    socket.disconnectFromServer()
                    self._deliver(bytes(received))

            # The server owns its sockets (one per later launch: few); deleting them ourselves crashed PySide6.
            socket.readyRead.connect(read)

    def _deliver(self, message: bytes) -> None:
        try:
            files = json.loads(message).get("files", [])
        except (ValueError, AttributeError):
            log.warning("Single instance: ignored a malformed message")
            return
        self.activated.emit([str(item) for item in files if isinstance(item, str)])
