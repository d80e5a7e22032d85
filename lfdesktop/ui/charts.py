"""The download log's charts, drawn with QPainter (QtCharts is not in PySide6-Essentials): downloads per day
stacked by file or recipient, and the top files or recipients as bars.

The widgets get counts already made (``qt.logstats``), so painting costs the same for ten rows or 100,000.
Both say what they show in their accessible description, for screen readers."""

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QPoint, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QHelpEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from lfdesktop.qt.downloadlog import safe_tooltip
from lfdesktop.qt.logstats import OTHERS, DailyStacks

from .theme import colors, is_dark

# A categorical palette readable on both themes (Okabe-Ito, colour-blind safe), then a neutral for "Others".
SERIES_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#8C959F")
MARGIN = 8


def series_color(number: int, name: str = "") -> QColor:
    """A colour per series; "Others" (everything beyond the top few) in grey."""
    if name == OTHERS:
        return QColor(SERIES_COLORS[-1])
    color = QColor(SERIES_COLORS[number % (len(SERIES_COLORS) - 1)])
    return color.lighter(115) if is_dark() else color


class Chart(QWidget):
    """What both charts share: a title, an empty state, the theme's colours."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.setAccessibleName(title)
        self.setMinimumSize(240, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)

    def sizeHint(self) -> QSize:
        return QSize(420, 240)

    def _begin(self) -> QPainter:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        theme = colors()
        painter.fillRect(self.rect(), QColor(theme.base))
        painter.setPen(QColor(theme.text))
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(QRectF(MARGIN, MARGIN, self.width() - 2 * MARGIN, 20), Qt.AlignmentFlag.AlignLeft,
                         self.title)
        font.setBold(False)
        painter.setFont(font)
        return painter

    def _empty(self, painter: QPainter) -> None:
        painter.setPen(QColor(colors().muted))
        painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, "No downloads to show")

    def save_png(self, path: str) -> bool:
        return self.grab().save(path, "PNG")


class DailyChart(Chart):
    """One bar per day, stacked by series, with a legend above."""

    def __init__(self, title: str = "Downloads per day", parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.stacks = DailyStacks([], [], [])
        self.setMouseTracking(True)

    def set_stacks(self, stacks: DailyStacks) -> None:
        self.stacks = stacks
        total = sum(sum(day) for day in stacks.counts)
        days = len(stacks.days)
        self.setAccessibleDescription(
            f"{total} downloads over {days} days" + (f", busiest day {stacks.highest}" if days else ""))
        self.update()

    def _plot(self) -> QRectF:
        legend_rows = max(1, (len(self.stacks.series) + 3) // 4)
        top = MARGIN + 34 + legend_rows * 18  # room for the top count's label below the legend
        return QRectF(MARGIN + 36, top, self.width() - 2 * MARGIN - 40, self.height() - top - MARGIN - 20)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = self._begin()
        stacks = self.stacks
        if not stacks.days:
            self._empty(painter)
            return
        self._legend(painter)
        plot = self._plot()
        theme = colors()
        highest = max(1, stacks.highest)
        metrics = QFontMetrics(painter.font())
        painter.setPen(QColor(theme.border))
        for step in (0, 0.5, 1):  # grid lines with their counts
            y = plot.bottom() - step * plot.height()
            painter.setPen(QColor(theme.border))
            painter.drawLine(int(plot.left()), int(y), int(plot.right()), int(y))
            painter.setPen(QColor(theme.muted))
            painter.drawText(QRectF(MARGIN, y - 8, 32, 16), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             str(round(step * highest)))
        width = plot.width() / len(stacks.days)
        gap = 1.0 if width > 4 else 0.0
        palette = [series_color(number, name) for number, name in enumerate(stacks.series)]
        painter.setPen(Qt.PenStyle.NoPen)
        for number, counts in enumerate(stacks.counts):
            x, y = plot.left() + number * width, plot.bottom()
            for which, count in enumerate(counts):
                if count:
                    height = count / highest * plot.height()
                    painter.fillRect(QRectF(x + gap, y - height, max(1.0, width - 2 * gap), height),
                                     palette[which])
                    y -= height
        painter.setPen(QColor(theme.muted))
        first, last = stacks.days[0], stacks.days[-1]
        below = QRectF(plot.left(), plot.bottom() + 2, plot.width(), 18)
        painter.drawText(below, Qt.AlignmentFlag.AlignLeft, _day(first))
        if last != first and metrics.horizontalAdvance(_day(first)) * 2 + 20 < plot.width():
            painter.drawText(below, Qt.AlignmentFlag.AlignRight, _day(last))
        painter.end()

    def _legend(self, painter: QPainter) -> None:
        theme = colors()
        x, y = float(MARGIN), float(MARGIN + 24)
        column = (self.width() - 2 * MARGIN) / 4
        metrics = QFontMetrics(painter.font())
        for number, name in enumerate(self.stacks.series):
            left = x + (number % 4) * column
            top = y + (number // 4) * 18
            painter.fillRect(QRectF(left, top + 3, 10, 10), series_color(number, name))
            painter.setPen(QColor(theme.text))
            text = metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, int(column - 18))
            painter.drawText(QRectF(left + 14, top, column - 16, 16), Qt.AlignmentFlag.AlignVCenter, text)

    def day_at(self, point: QPoint) -> int | None:
        plot = self._plot()
        if not self.stacks.days or not plot.contains(point.toPointF()):
            return None
        return min(len(self.stacks.days) - 1, int((point.x() - plot.left()) / plot.width() * len(self.stacks.days)))

    def event(self, event: object) -> bool:
        if isinstance(event, QHelpEvent):  # a tooltip: that day's counts
            number = self.day_at(event.pos())
            if number is None:
                QToolTip.hideText()
                return True
            counts = self.stacks.counts[number]
            lines = [f"{name}: {count}" for name, count in zip(self.stacks.series, counts, strict=True) if count]
            text = "\n".join([_day(self.stacks.days[number]), *lines])
            QToolTip.showText(event.globalPos(), safe_tooltip(text), self)
            return True
        return super().event(event)  # type: ignore[arg-type]


class TopChart(Chart):
    """Horizontal bars, most first, each with its label and count."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.bars: list[tuple[str, int]] = []

    def set_bars(self, bars: Sequence[tuple[str, int]]) -> None:
        self.bars = list(bars)
        self.setAccessibleDescription("; ".join(f"{label}: {count}" for label, count in self.bars) or "Empty")
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = self._begin()
        if not self.bars:
            self._empty(painter)
            return
        theme = colors()
        metrics = QFontMetrics(painter.font())
        top = MARGIN + 26
        row = min(26.0, (self.height() - top - MARGIN) / len(self.bars))
        label_width = min(self.width() * 0.4, max(metrics.horizontalAdvance(label) for label, _ in self.bars) + 16)
        count_width = metrics.horizontalAdvance(str(self.bars[0][1])) + 8
        bar_left = MARGIN + label_width
        room = max(1.0, self.width() - bar_left - MARGIN - count_width)
        highest = max(count for _, count in self.bars) or 1
        for number, (label, count) in enumerate(self.bars):
            y = top + number * row
            painter.setPen(QColor(theme.text))
            text = metrics.elidedText(label, Qt.TextElideMode.ElideMiddle, int(label_width - 8))
            painter.drawText(QRectF(MARGIN, y, label_width - 8, row), Qt.AlignmentFlag.AlignVCenter, text)
            length = count / highest * room
            painter.fillRect(QRectF(bar_left, y + row * 0.2, length, row * 0.6), series_color(0))
            painter.drawText(QRectF(bar_left + length + 4, y, count_width, row), Qt.AlignmentFlag.AlignVCenter,
                             str(count))
        painter.end()


def _day(day: date) -> str:
    return day.strftime("%d %b %Y")
