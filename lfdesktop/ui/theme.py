"""The look of the whole app: the Fusion style with a light or dark palette of our own, and a small stylesheet
for the widgets that have a role of their own (found by object name or property):

- ``QListWidget#sidebar``: the pane list, roomy rows, the current one in the accent colour;
- ``QFrame#dropZone``: dashed and rounded, highlighted while its ``dragActive`` property is true;
- ``QLabel[role="title"]`` (pane titles) and ``QLabel[role="hint"]`` (muted secondary text);
- ``QFrame#banner[kind="error"|"warning"|"info"]``: non-modal notices;
- the status bar, and ``QLabel[problem="true"]`` in it (a connection problem, in the error colour).

Qt reads property selectors when a widget is polished: change such a property with ``set_style_property``.

The theme follows the system colour scheme and switches with it, unless ``apply_theme`` is asked for "light"
or "dark" or the ``LFDESKTOP_THEME`` environment variable says so (the screenshot script takes both).
"""

import logging
import os
from dataclasses import asdict, dataclass
from string import Template
from typing import Literal

from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette, QPen, QStyleHints
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleFactory, QStyleOption, QWidget

Scheme = Literal["system", "light", "dark"]
THEME_ENV = "LFDESKTOP_THEME"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ThemeColors:
    """One theme's colours (``#rrggbb``). The accent matches the app icon; text colours keep a WCAG contrast
    of at least 4.5:1 on the backgrounds they sit on."""

    window: str  # content background
    sidebar: str  # the sidebar and the status bar: a shade apart from the content
    hover: str  # a sidebar row under the mouse
    base: str  # inputs, lists, the drop zone
    alternate_base: str
    button: str
    text: str
    muted: str  # hints and secondary text
    disabled: str
    border: str
    border_strong: str  # the drop zone's dashes
    accent: str  # selection and the drop zone while dragging
    accent_text: str
    accent_soft: str  # the drop zone's background while dragging
    link: str
    success: str
    warning: str
    error: str
    info_soft: str  # banner backgrounds
    warning_soft: str
    error_soft: str
    tooltip: str
    tooltip_text: str


LIGHT = ThemeColors(
    window="#F6F7F9", sidebar="#ECEFF3", hover="#DFE4EA", base="#FFFFFF", alternate_base="#F3F5F8",
    button="#FBFCFD", text="#1F2328", muted="#5B6673", disabled="#8C959F", border="#D0D7DE",
    border_strong="#A3AEBB", accent="#1F6FD1", accent_text="#FFFFFF", accent_soft="#E6F0FC", link="#1F6FD1",
    success="#1A7F37", warning="#9A6700", error="#B42318", info_soft="#E8F2FD", warning_soft="#FFF5D6",
    error_soft="#FDECEA", tooltip="#1F2328", tooltip_text="#F6F7F9",
)

DARK = ThemeColors(
    window="#1E2227", sidebar="#171A1E", hover="#262B32", base="#15181C", alternate_base="#1B1F24",
    button="#2A2F36", text="#E6EAEF", muted="#9AA4B0", disabled="#646D77", border="#363C45",
    border_strong="#56606C", accent="#2A6FCB", accent_text="#FFFFFF", accent_soft="#17283F", link="#6CB0FF",
    success="#3FB950", warning="#D29922", error="#F47067", info_soft="#152A44", warning_soft="#3A2F12",
    error_soft="#3A1D1F", tooltip="#E6EAEF", tooltip_text="#1E2227",
)

_STYLESHEET = Template("""
QListWidget#sidebar {
    background: $sidebar;
    border: none;
    border-right: 1px solid $border;
    padding: 8px 6px;
    outline: 0;
}
QListWidget#sidebar::item {
    min-height: 38px;
    padding: 0px 8px;
    margin: 1px 0px;
    border-radius: 6px;
    color: $text;
}
QListWidget#sidebar::item:hover:!selected { background: $hover; }
QListWidget#sidebar::item:selected { background: $accent; color: $accent_text; }
QFrame#dropZone {
    background: $base;
    border: 2px dashed $border_strong;
    border-radius: 12px;
}
QFrame#dropZone[dragActive="true"] { background: $accent_soft; border-color: $accent; }
QLabel[role="title"] { font-size: ${title_pt}pt; font-weight: 600; }
QLabel[role="hint"] { color: $muted; }
QFrame#banner { border: 1px solid $border; border-radius: 6px; }
QFrame#banner[kind="info"] { background: $info_soft; border-color: $accent; }
QFrame#banner[kind="warning"] { background: $warning_soft; border-color: $warning; }
QFrame#banner[kind="error"] { background: $error_soft; border-color: $error; }
QFrame#banner QLabel { background: transparent; }
QStatusBar { background: $sidebar; border-top: 1px solid $border; }
QStatusBar::item { border: none; }
QStatusBar QLabel { color: $muted; padding: 0px 6px; }
QBalloonTip QLabel { color: black; } /* Qt's own notification bubble (trays without a notification service) is
                                        pale yellow in either scheme: its text must stay dark */
QStatusBar QLabel[problem="true"] { color: $error; }
""")


class ThemeNotifier(QObject):
    """``changed(dark)`` is emitted after the light or dark theme replaced the other one, whether asked for or
    because the system switched. Widgets repaint by themselves (and icons re-tint with them); this is for code
    that keeps colours or pixmaps of its own."""

    changed = Signal(bool)

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.app = app
        self._requested: Scheme = "system"
        self._applied: ThemeColors | None = None
        self._fusion_set = False
        app.styleHints().colorSchemeChanged.connect(self._system_scheme_changed)

    def apply(self, scheme: Scheme) -> None:
        self._requested = scheme
        forced = _forced_scheme(scheme)
        hints = self.app.styleHints()
        # Telling Qt the scheme also gives native window frames (Windows 11, macOS) the matching colours.
        if forced == "dark":
            hints.setColorScheme(Qt.ColorScheme.Dark)
        elif forced == "light":
            hints.setColorScheme(Qt.ColorScheme.Light)
        else:
            hints.unsetColorScheme()
        dark = forced == "dark" if forced else _system_is_dark(hints)
        self._use(DARK if dark else LIGHT)

    def _system_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if _forced_scheme(self._requested) is None:
            self._use(DARK if _system_is_dark(self.app.styleHints()) else LIGHT)

    def _use(self, colors: ThemeColors) -> None:
        # Each of these repolishes every widget: only what differs is set again. (Once a stylesheet is set,
        # app.style() is a wrapper that no longer tells which style it wraps.)
        if not self._fusion_set:
            # Fusion: the same widgets on every platform, and it honours our palette.
            self._style = _OutlinedIndicators(QStyleFactory.create("Fusion"))  # kept: Qt does not own it
            self.app.setStyle(self._style)
            self._fusion_set = True
        palette = _build_palette(colors)
        if self.app.palette() != palette:
            self.app.setPalette(palette)
        stylesheet = _build_stylesheet(colors, self.app.font().pointSizeF())
        if self.app.styleSheet() != stylesheet:
            self.app.setStyleSheet(stylesheet)
        if colors != self._applied:
            self._applied = colors
            self.changed.emit(colors is DARK)


_notifier: ThemeNotifier | None = None


class _OutlinedIndicators(QProxyStyle):
    """Fusion outlines check boxes and radio buttons in a shade of the window colour: on a dark window an
    unchecked box all but disappears. This draws the outline in the theme's strong border colour."""

    def drawPrimitive(
        self, element: QStyle.PrimitiveElement, option: QStyleOption, painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        round_ = element == QStyle.PrimitiveElement.PE_IndicatorRadioButton
        if not (round_ or element == QStyle.PrimitiveElement.PE_IndicatorCheckBox):
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(colors().border_strong), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        box = QRectF(option.rect).adjusted(0.5, 0.5, -0.5, -0.5)
        if round_:
            painter.drawEllipse(box)
        else:
            painter.drawRoundedRect(box, 2, 2)
        painter.restore()


def apply_theme(app: QApplication, scheme: Scheme = "system") -> None:
    """Fusion, our palette and stylesheet; "system" follows the OS colour scheme (and its changes) unless
    ``LFDESKTOP_THEME=light|dark`` says otherwise. Unknown on the platform (Linux under Xvfb) means light."""
    global _notifier
    if _notifier is None or _notifier.app is not app:
        _notifier = ThemeNotifier(app)
    _notifier.apply(scheme)


def notifier() -> ThemeNotifier:
    """The object whose ``changed`` signal tells about theme switches (``apply_theme`` must have run)."""
    if _notifier is None:
        raise RuntimeError("apply_theme() has not run yet")
    return _notifier


def is_dark() -> bool:
    """Whether the application palette in use is a dark one."""
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def colors() -> ThemeColors:
    """The colours of the theme in use, for widgets that paint things of their own (progress segments,
    checksum states)."""
    return DARK if is_dark() else LIGHT


def set_style_property(widget: QWidget, name: str, value: object) -> None:
    """Sets a property the stylesheet selects on (``dragActive``, ``kind``, ``problem``) and restyles the
    widget: Qt only reads property selectors again when a widget is polished again."""
    widget.setProperty(name, value)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def _build_palette(colors: ThemeColors) -> QPalette:
    # This constructor derives the bevel shades (Light, Midlight, Mid, Dark, Shadow) Fusion draws with.
    palette = QPalette(QColor(colors.button), QColor(colors.window))
    role = QPalette.ColorRole
    for color_role, color in (
        (role.Window, colors.window), (role.WindowText, colors.text), (role.Base, colors.base),
        (role.AlternateBase, colors.alternate_base), (role.Text, colors.text), (role.Button, colors.button),
        (role.ButtonText, colors.text), (role.BrightText, colors.accent_text),
        (role.PlaceholderText, colors.muted), (role.Highlight, colors.accent),
        (role.HighlightedText, colors.accent_text), (role.Link, colors.link), (role.LinkVisited, colors.link),
        (role.ToolTipBase, colors.tooltip), (role.ToolTipText, colors.tooltip_text), (role.Accent, colors.accent),
    ):
        palette.setColor(color_role, QColor(color))
    disabled = QPalette.ColorGroup.Disabled
    for color_role in (role.WindowText, role.Text, role.ButtonText, role.PlaceholderText, role.HighlightedText):
        palette.setColor(disabled, color_role, QColor(colors.disabled))
    palette.setColor(disabled, role.Highlight, QColor(colors.border))
    return palette


def _build_stylesheet(colors: ThemeColors, base_point_size: float) -> str:
    # A font given in pixels reports -1 points; fall back to a common desktop size.
    title_pt = round((base_point_size if base_point_size > 0 else 10.0) * 1.45, 1)
    return _STYLESHEET.substitute(asdict(colors), title_pt=f"{title_pt:g}")


def _system_is_dark(hints: QStyleHints) -> bool:
    return hints.colorScheme() == Qt.ColorScheme.Dark


def _forced_scheme(scheme: Scheme) -> Literal["light", "dark"] | None:
    if scheme != "system":
        return scheme
    wanted = os.environ.get(THEME_ENV, "").strip().lower()
    if wanted == "light":
        return "light"
    if wanted == "dark":
        return "dark"
    if wanted not in ("", "system"):
        log.warning("%s=%r is not light, dark or system: following the system", THEME_ENV, wanted)
    return None
