"""Renders lfdesktop/resources/lfdesktop.svg into the installers' icons: packaging/icons/lfdesktop.{ico,icns,png}.

Run it after changing the SVG and check the results in: ``python packaging/make_icons.py``. Qt draws every size
from the SVG (no scaling of a bitmap); both containers hold PNG images, which Windows Vista+ and macOS 10.7+
read, so no image library beyond Qt is needed.
"""

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "lfdesktop" / "resources" / "lfdesktop.svg"
TARGET = ROOT / "packaging" / "icons"

ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
# Apple's PNG icon types: (type, pixels). The @2x types are the same pixels shown at half the points.
ICNS_TYPES = (
    (b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256), (b"ic09", 512), (b"ic10", 1024),
    (b"ic11", 32), (b"ic12", 64), (b"ic13", 256), (b"ic14", 512),
)
PNG_SIZE = 256  # the Linux .desktop icon next to the SVG (hicolor/256x256)


def render(size: int) -> bytes:
    """The SVG drawn at size x size pixels, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {SOURCE}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, b"PNG")
    return bytes(data.data())


def ico(images: dict[int, bytes]) -> bytes:
    """An ICO file: a directory of entries, each pointing at a PNG (0 in a size byte means 256)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in images.items():
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(png), offset + len(blobs))
        blobs += png
    return header + entries + blobs


def icns(images: dict[int, bytes]) -> bytes:
    """An ICNS file: 'icns' + total length, then (type, length including its 8-byte header, PNG) chunks."""
    chunks = b"".join(kind + struct.pack(">I", 8 + len(images[size])) + images[size] for kind, size in ICNS_TYPES)
    return b"icns" + struct.pack(">I", 8 + len(chunks)) + chunks


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication(sys.argv[:1])  # QPainter needs one for fonts; none is drawn
    sizes = sorted({*ICO_SIZES, *(size for _, size in ICNS_TYPES), PNG_SIZE})
    images = {size: render(size) for size in sizes}
    TARGET.mkdir(parents=True, exist_ok=True)
    (TARGET / "lfdesktop.ico").write_bytes(ico({size: images[size] for size in ICO_SIZES}))
    (TARGET / "lfdesktop.icns").write_bytes(icns(images))
    (TARGET / "lfdesktop.png").write_bytes(images[PNG_SIZE])
    for name in ("lfdesktop.ico", "lfdesktop.icns", "lfdesktop.png"):
        print(f"{TARGET / name}: {(TARGET / name).stat().st_size} bytes")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
