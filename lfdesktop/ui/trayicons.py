"""The tray icon in its four states: the app mark (a tile with the arrow into a tray) simplified to read at
16 px, a progress ring while transferring, an accent dot when something needs the user, greyed and slashed
when offline.

Drawn with QPainter at the exact device pixel size asked for (16-24 logical px at 100-200% scaling), with the
stroke widths in whole device pixels and the straight strokes on the pixel grid, so it stays crisp where a
scaled-down bitmap would blur. Colours read on light and dark panels alike. Monochrome is the macOS menu-bar
template image: black with alpha only, the states told apart by shape (ring, dot, slash), never by colour.
"""

import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QIconEngine, QImage, QLinearGradient, QPainter, QPainterPath, QPen

from .icons import PaintedIconEngine


class TrayState(Enum):
    IDLE = "idle"  # signed in, nothing moving
    TRANSFERRING = "transferring"  # uploads or sync downloads under way: draw the progress
    ATTENTION = "attention"  # something new arrived (unseen synced files) or a failure needs the user
    OFFLINE = "offline"  # the server cannot be reached, or not signed in


# Progress is drawn in twentieths: a repaint every second reuses the cached drawing, and the cache stays small.
PROGRESS_STEPS = 20

# The app mark's gradient (resources/lfdesktop.svg), the accent dot, the greyed mark and the ring's track.
_TILE_TOP = QColor("#2F7FE6")
_TILE_BOTTOM = QColor("#0E9C94")
_ARC = QColor("#2F8CFF")
_BADGE = QColor("#F2542D")
_GREY = QColor("#8C8C8C")
_SLASH = QColor("#4A4A4A")
_TRACK = QColor(128, 128, 128, 110)
_MONO_TRACK_ALPHA = 80
_MONO_OFFLINE_ALPHA = 115

# What panels draw, at 100% and 200%: offered as the icon's sizes, so a Linux tray (StatusNotifierItem), which
# is sent drawings rather than the icon, gets one at its exact size and need not scale one down.
TRAY_SIZES = (16, 20, 22, 24, 32, 40, 44, 48, 64)

# The indeterminate ring: two opposite arcs, which no progress value draws, so it cannot be misread as one.
_INDETERMINATE_ARCS = ((45.0, 70.0), (225.0, 70.0))


def tray_icon(state: TrayState, progress: float | None = None, *, monochrome: bool | None = None) -> QIcon:
    """The tray icon for ``state``. ``progress`` (0..1) is drawn for TRANSFERRING (None: indeterminate, e.g. the
    sizes are unknown) and ignored otherwise. ``monochrome`` None means what the platform expects: a template
    image (``isMask()``) on macOS, colour elsewhere."""
    mono = sys.platform == "darwin" if monochrome is None else monochrome
    step = progress_step(progress) if state is TrayState.TRANSFERRING else None
    icon = QIcon(_TrayIconEngine(state, step, mono))
    icon.setIsMask(mono)
    return icon


def progress_step(progress: float | None) -> int | None:
    """``progress`` in whole twentieths, rounded down (so a full ring means done), None when indeterminate."""
    if progress is None or math.isnan(progress):
        return None
    return math.floor(min(max(progress, 0.0), 1.0) * PROGRESS_STEPS)


def stroke_width(side: int) -> int:
    """The strokes' width in whole device pixels on a ``side`` px square: the app mark's proportion, 2 at 16 px."""
    return max(2, round(side * 0.11))


def rim_width(side: int) -> int:
    """The see-through gap, in whole device pixels, that sets a dot or a slash off what lies under it."""
    return max(1, round(side / 16))


class _TrayIconEngine(PaintedIconEngine):
    def __init__(self, state: TrayState, step: int | None, mono: bool) -> None:
        super().__init__()
        self._state = state
        self._step = step
        self._mono = mono

    def clone(self) -> QIconEngine:
        return _TrayIconEngine(self._state, self._step, self._mono)

    def availableSizes(self, mode: QIcon.Mode = QIcon.Mode.Normal, state: QIcon.State = QIcon.State.Off) -> list[QSize]:
        return [QSize(side, side) for side in TRAY_SIZES]

    def cache_key(self, mode: QIcon.Mode) -> str:
        look = "mono" if self._mono else "colour"
        return f"lfdesktop-tray:{self._state.value}:{self._step}:{look}"

    def draw(self, size: QSize, mode: QIcon.Mode) -> QImage:
        image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = min(size.width(), size.height())
        painter.translate((size.width() - side) // 2, (size.height() - side) // 2)  # whole pixels: stays crisp
        _Drawing(painter, side, self._mono).draw(self._state, self._step)
        painter.end()
        return image


class _Drawing:
    """One drawing on a ``side`` x ``side`` device pixel square, designed on a 16 x 16 grid."""

    def __init__(self, painter: QPainter, side: int, mono: bool) -> None:
        self._painter = painter
        self._side = side
        self._unit = side / 16
        self._mono = mono
        self._stroke = stroke_width(side)
        self._rim = rim_width(side)

    def draw(self, state: TrayState, step: int | None) -> None:
        if state is TrayState.TRANSFERRING:
            self._ring(step)
            return
        offline = state is TrayState.OFFLINE
        self._tile(grey=offline)
        if offline:
            self._slash()
        if state is TrayState.ATTENTION:
            self._badge()

    # The parts.

    def _tile(self, *, grey: bool) -> None:
        margin = max(1, round(self._side / 32))
        tile = QRectF(margin, margin, self._side - 2 * margin, self._side - 2 * margin)
        radius = self._side * 0.22
        path = QPainterPath()
        path.addRoundedRect(tile, radius, radius)
        self._painter.fillPath(path, self._tile_brush(tile, grey=grey))
        # The arrow into the tray, the app mark's glyph with the tray's corners squared off.
        glyph = QPainterPath(self._at(8, 4))
        glyph.lineTo(self._at(8, 8.5))
        glyph.moveTo(self._at(5, 7))
        glyph.lineTo(self._at(8, 4))
        glyph.lineTo(self._at(11, 7))
        glyph.moveTo(self._at(4, 9))
        glyph.lineTo(self._at(4, 12))
        glyph.lineTo(self._at(12, 12))
        glyph.lineTo(self._at(12, 9))
        self._knockout_stroke(glyph, self._stroke)

    def _tile_brush(self, tile: QRectF, *, grey: bool) -> QBrush:
        if self._mono:
            return QBrush(self._ink(_GREY, _MONO_OFFLINE_ALPHA if grey else 255))
        if grey:
            return QBrush(_GREY)
        gradient = QLinearGradient(tile.topLeft(), tile.bottomRight())
        gradient.setColorAt(0, _TILE_TOP)
        gradient.setColorAt(1, _TILE_BOTTOM)
        return QBrush(gradient)

    def _slash(self) -> None:
        line = QPainterPath(self._at(2.5, 2.5))
        line.lineTo(self._at(13.5, 13.5))
        self._stroke_path(line, self._stroke + 2 * self._rim, None)
        self._stroke_path(line, self._stroke, self._ink(_SLASH))

    def _badge(self) -> None:
        radius = round(self._side * 0.2)  # whole pixels, so the dot's edge sits on the pixel grid
        centre = QPointF(self._side - radius - self._rim, radius + self._rim)
        self._disc(centre, radius + self._rim, None if self._mono else QColor(Qt.GlobalColor.white))
        self._disc(centre, radius, self._ink(_BADGE))

    def _ring(self, step: int | None) -> None:
        width = self._stroke
        middle = self._side / 2
        bounds = QRectF(width / 2, width / 2, self._side - width, self._side - width)
        self._stroke_path(_arc(bounds, 90, 360), width, self._ink(_TRACK, _MONO_TRACK_ALPHA))
        arcs = _INDETERMINATE_ARCS if step is None else ((90.0, -360.0 * step / PROGRESS_STEPS),)
        for start, span in arcs:
            if span:
                self._stroke_path(_arc(bounds, start, span), width, self._ink(_ARC))
        # Inside the ring: the mark reduced to a disc with the arrow.
        inner = middle - width - max(1, round(self._side / 12))  # a clear gap: the arc is not the disc
        centre = QPointF(middle, middle)
        disc = QPainterPath()
        disc.addEllipse(centre, inner, inner)
        square = QRectF(middle - inner, middle - inner, 2 * inner, 2 * inner)
        self._painter.fillPath(disc, self._tile_brush(square, grey=False))
        reach = inner * 0.55
        arrow = QPainterPath(self._snapped(QPointF(middle, middle - reach)))
        arrow.lineTo(self._snapped(QPointF(middle, middle + reach)))
        arrow.moveTo(QPointF(middle - reach * 0.8, middle - reach * 0.2))
        arrow.lineTo(self._snapped(QPointF(middle, middle - reach)))
        arrow.lineTo(QPointF(middle + reach * 0.8, middle - reach * 0.2))
        self._knockout_stroke(arrow, width)

    # Painting helpers.

    def _ink(self, color: QColor, mono_alpha: int = 255) -> QColor:
        """``color``, or in the template image black at ``mono_alpha``: shapes and alpha, no colour."""
        return QColor(0, 0, 0, mono_alpha) if self._mono else color

    def _at(self, x: float, y: float) -> QPointF:
        """A point of the 16 x 16 design in device pixels, on the pixel grid for the stroke width."""
        return self._snapped(QPointF(x * self._unit, y * self._unit))

    def _snapped(self, point: QPointF) -> QPointF:
        # An even stroke is crisp centred on a pixel edge, an odd one centred on a pixel.
        offset = 0.5 if self._stroke % 2 else 0.0
        return QPointF(round(point.x() - offset) + offset, round(point.y() - offset) + offset)

    def _knockout_stroke(self, path: QPainterPath, width: float) -> None:
        """The glyph: white on the colour tile, a hole in the template image."""
        self._stroke_path(path, width, None if self._mono else QColor(Qt.GlobalColor.white))

    def _stroke_path(self, path: QPainterPath, width: float, color: QColor | None) -> None:
        """Strokes ``path`` in ``color``, or erases under it when ``color`` is None."""
        pen = QPen(QColor(0, 0, 0) if color is None else color, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                   Qt.PenJoinStyle.RoundJoin)
        with self._erasing(color is None):
            self._painter.strokePath(path, pen)

    def _disc(self, centre: QPointF, radius: float, color: QColor | None) -> None:
        """Fills a disc in ``color``, or erases it when ``color`` is None."""
        path = QPainterPath()
        path.addEllipse(centre, radius, radius)
        with self._erasing(color is None):
            self._painter.fillPath(path, QColor(0, 0, 0) if color is None else color)

    @contextmanager
    def _erasing(self, erase: bool) -> Iterator[None]:
        if erase:
            self._painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Clear)
        try:
            yield
        finally:
            self._painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)


def _arc(bounds: QRectF, start: float, span: float) -> QPainterPath:
    """An open arc: ``start`` degrees counter-clockwise from 3 o'clock, ``span`` negative for clockwise."""
    path = QPainterPath()
    path.arcMoveTo(bounds, start)
    path.arcTo(bounds, start, span)
    return path
