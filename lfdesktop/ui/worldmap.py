"""An offline world map with a point per download location: country outlines from the bundled Natural Earth
1:110m data (``resources/world-110m.json``, public domain), drawn in an equirectangular projection, no tiles.

The outlines become one ``QPainterPath`` once per process (in degrees; the painter scales it to the widget),
and points are one per distinct place (``qt.logstats.places``), sized by how many downloads came from there,
so 100,000 rows cost no more to paint than a dozen places."""

import json
import math
from collections.abc import Sequence
from functools import cache
from importlib.resources import files

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from lfdesktop.qt.downloadlog import safe_tooltip
from lfdesktop.qt.logstats import Place

from .charts import series_color
from .theme import colors

NORTH, SOUTH = 84.0, -58.0  # no one downloads from Antarctica: the room goes to the rest
WORLD = QRectF(-180.0, -NORTH, 360.0, NORTH - SOUTH)  # x: longitude, y: minus latitude
MARGIN = 8


@cache
def outlines() -> QPainterPath:
    """Every country's outer rings, in degrees (y grows southwards)."""
    data = json.loads((files("lfdesktop") / "resources" / "world-110m.json").read_text(encoding="utf-8"))
    scale = float(data["scale"])
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.WindingFill)
    for _name, rings in data["countries"]:
        for ring in rings:
            x, y = ring[0], ring[1]
            path.moveTo(x / scale, -y / scale)
            for index in range(2, len(ring), 2):
                x += ring[index]
                y += ring[index + 1]
                path.lineTo(x / scale, -y / scale)
            path.closeSubpath()
    return path


class WorldMap(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.places: list[Place] = []
        self.setAccessibleName("Download locations map")
        self.setMinimumSize(320, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setMouseTracking(True)

    def sizeHint(self) -> QSize:
        return QSize(720, 320)

    def set_places(self, places: Sequence[Place]) -> None:
        self.places = list(places)
        total = sum(place.count for place in self.places)
        named = ", ".join(f"{place.label} {place.count}" for place in self.places[:5])
        self.setAccessibleDescription(f"{total} downloads from {len(self.places)} places" +
                                      (f"; most from {named}" if named else ""))
        self.update()

    def save_png(self, path: str) -> bool:
        return self.grab().save(path, "PNG")

    # ---- geometry ----

    def _frame(self) -> QRectF:
        """The map's rectangle in the widget: the world's proportions, centred."""
        room = QRectF(self.rect()).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        ratio = WORLD.width() / WORLD.height()
        width = min(room.width(), room.height() * ratio)
        height = width / ratio
        return QRectF(room.center().x() - width / 2, room.center().y() - height / 2, width, height)

    def to_widget(self, latitude: float, longitude: float) -> QPointF:
        frame = self._frame()
        x = frame.left() + (longitude - WORLD.left()) / WORLD.width() * frame.width()
        y = frame.top() + (-latitude - WORLD.top()) / WORLD.height() * frame.height()
        return QPointF(x, y)

    def _radius(self, place: Place) -> float:
        biggest = max((p.count for p in self.places), default=1)
        return 3.0 + 9.0 * math.sqrt(place.count / biggest)

    def place_at(self, point: QPointF) -> Place | None:
        """The smallest point under ``point`` (small ones are drawn on top)."""
        hits = [place for place in self.places
                if math.dist((point.x(), point.y()), _xy(self.to_widget(place.latitude, place.longitude)))
                <= self._radius(place) + 2]
        return min(hits, key=lambda place: place.count, default=None)

    # ---- painting ----

    def paintEvent(self, event: QPaintEvent) -> None:
        theme = colors()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(theme.base))
        frame = self._frame()
        painter.fillRect(frame, QColor(theme.accent_soft))  # the sea
        painter.save()
        painter.setClipRect(frame)
        painter.translate(frame.left(), frame.top())
        painter.scale(frame.width() / WORLD.width(), frame.height() / WORLD.height())
        painter.translate(-WORLD.left(), -WORLD.top())
        outline = QPen(QColor(theme.border_strong), 0)  # cosmetic: one pixel at any scale
        painter.setPen(outline)
        painter.setBrush(QColor(theme.button))  # the land
        painter.drawPath(outlines())
        painter.restore()
        painter.setPen(QPen(QColor(theme.base), 1))
        point = series_color(1)  # warm, to stand out from the blue sea in both themes
        point.setAlpha(200)
        painter.setBrush(point)
        for place in self.places:  # biggest first, so the small ones stay visible on top
            radius = self._radius(place)
            painter.drawEllipse(self.to_widget(place.latitude, place.longitude), radius, radius)
        if not self.places:
            painter.setPen(QColor(theme.muted))
            painter.drawText(frame, Qt.AlignmentFlag.AlignCenter, "No download locations to show")
        painter.end()

    def event(self, event: object) -> bool:
        if isinstance(event, QHelpEvent):
            place = self.place_at(event.pos().toPointF())
            if place is None:
                QToolTip.hideText()
            else:
                noun = "download" if place.count == 1 else "downloads"
                QToolTip.showText(event.globalPos(), safe_tooltip(f"{place.label}: {place.count} {noun}"), self)
            return True
        return super().event(event)  # type: ignore[arg-type]


def _xy(point: QPointF) -> tuple[float, float]:
    return point.x(), point.y()
