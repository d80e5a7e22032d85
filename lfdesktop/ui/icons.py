"""Icons drawn from the SVGs in ``lfdesktop/resources/``.

Each icon is rendered when it is painted, at the size and device pixel ratio asked for, so it stays crisp at
100-200% scaling. Line icons take their colour from the application palette at that moment: one set serves
the light and the dark theme, and a theme switch re-tints every icon on screen without rebuilding anything
(Qt repaints widgets when the application palette changes). Rendered pixmaps live in ``QPixmapCache``, keyed
by colour, so a switch back is free too. Code that turns an icon into a pixmap once (a ``QLabel`` picture)
should redo it on ``theme.notifier().changed``.
"""

from functools import cache
from importlib.resources import files

from PySide6.QtCore import QByteArray, QRect, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QImage,
    QPainter,
    QPalette,
    QPixmap,
    QPixmapCache,
)
from PySide6.QtSvg import QSvgRenderer

_RESOURCES = files("lfdesktop") / "resources"
_APP_ICON = "lfdesktop.svg"


@cache
def _line_icon_sources() -> dict[str, bytes]:
    folder = _RESOURCES / "icons"
    return {
        entry.name.removesuffix(".svg"): entry.read_bytes() for entry in folder.iterdir() if entry.name.endswith(".svg")
    }


@cache
def _app_icon_source() -> bytes:
    return (_RESOURCES / _APP_ICON).read_bytes()


def icon_names() -> list[str]:
    """The names ``icon()`` knows, sorted."""
    return sorted(_line_icon_sources())


def icon(name: str, color: QColor | None = None) -> QIcon:
    """The named line icon in the palette's text colour, or in ``color`` (e.g. a green "check"); disabled, it
    takes the palette's disabled text colour, and on a selected item view row the highlighted text colour.
    An unknown name raises ``KeyError`` listing the known ones."""
    source = _line_icon_sources().get(name)
    if source is None:
        raise KeyError(f"no icon named {name!r}; known icons: {', '.join(icon_names())}")
    return QIcon(_SvgIconEngine(name, source, tinted=True, color=color))


def app_icon() -> QIcon:
    """The coloured application mark, as drawn (never tinted)."""
    return QIcon(_SvgIconEngine("lfdesktop-app", _app_icon_source(), tinted=False))


class PaintedIconEngine(QIconEngine):
    """An icon drawn when it is painted, at the exact device pixel size asked for (never a scaled bitmap),
    the drawing kept in ``QPixmapCache``. A subclass names what makes one drawing differ from another
    (``cache_key``: the size and scale are added) and draws it (``draw``)."""

    def cache_key(self, mode: QIcon.Mode) -> str:
        raise NotImplementedError

    def draw(self, size: QSize, mode: QIcon.Mode) -> QImage:
        raise NotImplementedError

    def isNull(self) -> bool:
        return False

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        width, height = round(size.width() * scale), round(size.height() * scale)
        if width <= 0 or height <= 0:
            return QPixmap()
        key = f"{self.cache_key(mode)}:{width}x{height}@{scale:g}"
        cached = QPixmap()
        if QPixmapCache.find(key, cached):
            return cached
        pixmap = QPixmap.fromImage(self.draw(QSize(width, height), mode))
        pixmap.setDevicePixelRatio(scale)
        QPixmapCache.insert(key, pixmap)
        return pixmap

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        device = painter.device()
        scale = device.devicePixelRatio() if device is not None else 1.0
        painter.drawPixmap(rect, self.scaledPixmap(rect.size(), mode, state, scale))


class _SvgIconEngine(PaintedIconEngine):
    def __init__(self, name: str, source: bytes, *, tinted: bool, color: QColor | None = None) -> None:
        super().__init__()
        self._name = name
        self._source = source
        self._tinted = tinted
        self._color = QColor(color) if color is not None else None

    def clone(self) -> QIconEngine:
        return _SvgIconEngine(self._name, self._source, tinted=self._tinted, color=self._color)

    def cache_key(self, mode: QIcon.Mode) -> str:
        color = self._tint(mode) if self._tinted else None
        shade = color.name(QColor.NameFormat.HexArgb) if color is not None else "as-drawn"
        return f"lfdesktop-icon:{self._name}:{shade}"

    def draw(self, size: QSize, mode: QIcon.Mode) -> QImage:
        return _render(self._source, size, self._tint(mode) if self._tinted else None)

    def _tint(self, mode: QIcon.Mode) -> QColor:
        palette = QGuiApplication.palette()
        if mode == QIcon.Mode.Disabled:
            return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
        if self._color is not None:
            return self._color
        if mode == QIcon.Mode.Selected:
            return palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.HighlightedText)
        return palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText)


def _render(source: bytes, size: QSize, color: QColor | None) -> QImage:
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer = QSvgRenderer(QByteArray(source))
    renderer.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
    renderer.render(painter)
    if color is not None:
        # Keep the drawing's coverage (antialiased edges included) and replace its colour.
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
        painter.fillRect(image.rect(), color)
    painter.end()
    return image
