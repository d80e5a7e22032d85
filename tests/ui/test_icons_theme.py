"""Icons and theme: every icon renders crisp and in the palette's text colour in light and dark, the app icon
keeps its colours, and the stylesheet gives the named widgets (sidebar, drop zone, banners, titles, hints,
status bar) their look."""

from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPalette, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStatusBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from lfdesktop.ui.icons import app_icon, icon, icon_names
from lfdesktop.ui.theme import (
    DARK,
    LIGHT,
    THEME_ENV,
    Scheme,
    ThemeColors,
    apply_theme,
    colors,
    is_dark,
    notifier,
    set_style_property,
)

# Offscreen windows cannot take size hints; Qt says so whenever a layout sets a window's minimum size.
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

Screenshot = Callable[[QWidget, str], Path]

# The icons other parts of the app ask for by name.
EXPECTED_ICONS = {
    "send", "link", "inbox", "sent", "download-log", "files", "admin", "pause", "resume", "cancel", "retry",
    "folder", "copy", "open-external", "add-file", "add-folder", "account", "remove", "check", "warning", "error",
    "demo", "upload", "download", "settings", "quit", "clock",
}
SIDEBAR = [("Send", "send"), ("Links", "link"), ("Inbox", "inbox"), ("Sent", "sent"),
           ("Download log", "download-log"), ("Files", "files"), ("Admin", "admin")]


@pytest.fixture(autouse=True)
def _system_theme_after(qapp: QApplication) -> Iterator[None]:
    """Later tests see the app's own look (``LFDESKTOP_THEME`` is restored before this runs)."""
    yield
    apply_theme(qapp, "system")


def _image(pixmap: QPixmap) -> QImage:
    return pixmap.toImage().convertToFormat(QImage.Format.Format_ARGB32)


def _inked_colors(image: QImage, min_alpha: int = 128) -> list[QColor]:
    """The colours of the pixels the drawing covers at least half (their edges are antialiased)."""
    colors = (image.pixelColor(x, y) for y in range(image.height()) for x in range(image.width()))
    return [color for color in colors if color.alpha() >= min_alpha]


def _close(color: QColor, expected: QColor, tolerance: int = 3) -> bool:
    pairs = ((color.red(), expected.red()), (color.green(), expected.green()), (color.blue(), expected.blue()))
    return all(abs(a - b) <= tolerance for a, b in pairs)


def _text_color(mode: QPalette.ColorGroup = QPalette.ColorGroup.Active) -> QColor:
    return QApplication.palette().color(mode, QPalette.ColorRole.ButtonText)


def test_the_set_has_every_icon_the_app_asks_for() -> None:
    assert set(icon_names()) == EXPECTED_ICONS


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_icon_renders_crisp_in_the_palette_text_color(qapp: QApplication, scheme: Scheme) -> None:
    apply_theme(qapp, scheme)
    text = _text_color()
    for name in icon_names():
        for scale in (1.0, 2.0):
            pixmap = icon(name).pixmap(QSize(24, 24), scale)
            # Drawn at the device resolution asked for, not scaled up from 24 pixels.
            assert pixmap.size() == QSize(round(24 * scale), round(24 * scale)), name
            assert pixmap.devicePixelRatio() == scale, name
            inked = _inked_colors(_image(pixmap))
            assert len(inked) >= 20 * scale * scale, f"{name} at {scale}x draws almost nothing"
            strays = [c.name() for c in inked if not _close(c, text)]
            assert not strays, f"{name} at {scale}x has pixels not in {text.name()}: {strays[:5]}"


def test_disabled_and_selected_icons_take_their_palette_colors(qapp: QApplication) -> None:
    apply_theme(qapp, "light")
    disabled = _text_color(QPalette.ColorGroup.Disabled)
    highlighted = QApplication.palette().color(QPalette.ColorRole.HighlightedText)
    assert not _close(disabled, _text_color())
    for mode, expected in ((QIcon.Mode.Disabled, disabled), (QIcon.Mode.Selected, highlighted)):
        inked = _inked_colors(_image(icon("pause").pixmap(QSize(24, 24), 1.0, mode)))
        assert inked
        assert all(_close(c, expected) for c in inked), mode


def test_an_icon_follows_a_theme_switch_without_being_rebuilt(qapp: QApplication) -> None:
    apply_theme(qapp, "light")
    send = icon("send")
    light_ink = _inked_colors(_image(send.pixmap(24)))
    apply_theme(qapp, "dark")
    dark_ink = _inked_colors(_image(send.pixmap(24)))
    assert all(_close(c, QColor(LIGHT.text)) for c in light_ink)
    assert all(_close(c, QColor(DARK.text)) for c in dark_ink)


def test_an_icon_in_a_color_of_its_own(qapp: QApplication) -> None:
    apply_theme(qapp, "dark")
    green = QColor(colors().success)
    inked = _inked_colors(_image(icon("check", green).pixmap(QSize(24, 24), 1.5)))
    assert inked
    assert all(_close(c, green) for c in inked)


def test_the_app_icon_keeps_its_colors_at_every_size(qapp: QApplication) -> None:
    for scheme in ("light", "dark"):
        apply_theme(qapp, scheme)
        for size in (16, 32, 256):
            inked = _inked_colors(_image(app_icon().pixmap(QSize(size, size), 1.0)), min_alpha=255)
            assert len(inked) > size * size // 2, f"{size} px: mostly empty"
            hues = {c.hsvHue() for c in inked if c.hsvSaturation() > 100}
            assert max(hues) - min(hues) >= 20, f"{size} px: the blue-to-teal tile is missing"
            assert any(c.lightness() > 240 for c in inked), f"{size} px: the white arrow is missing"


def test_an_unknown_icon_name_says_which_names_exist() -> None:
    with pytest.raises(KeyError) as raised:
        icon("sned")
    assert "sned" in str(raised.value)
    assert "send" in str(raised.value)


@pytest.mark.parametrize(("scheme", "dark"), [("dark", True), ("light", False)])
def test_apply_theme_gives_a_light_or_dark_palette(qapp: QApplication, scheme: Scheme, dark: bool) -> None:
    apply_theme(qapp, scheme)
    palette = qapp.palette()
    window = palette.color(QPalette.ColorRole.Window).lightness()
    text = palette.color(QPalette.ColorRole.WindowText).lightness()
    base = palette.color(QPalette.ColorRole.Base).lightness()
    if dark:
        assert window < 60 and base < 60 and text > 200
    else:
        assert window > 230 and base > 230 and text < 60
    assert is_dark() is dark
    assert colors() == (DARK if dark else LIGHT)
    assert palette.color(QPalette.ColorRole.Highlight) == QColor(colors().accent)


def test_the_environment_forces_a_theme_and_switches_are_announced(
    qapp: QApplication, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(THEME_ENV, raising=False)
    apply_theme(qapp)
    assert not is_dark()  # offscreen has no colour scheme: light
    monkeypatch.setenv(THEME_ENV, "dark")
    with qtbot.waitSignal(notifier().changed) as switched:
        apply_theme(qapp)
    assert switched.args == [True]
    assert is_dark()
    apply_theme(qapp, "light")  # asked for in so many words: the environment does not overrule it
    assert not is_dark()
    with qtbot.assertNotEmitted(notifier().changed):
        apply_theme(qapp, "light")


def _grab(widget: QWidget) -> QImage:
    return widget.grab().toImage()


def _sidebar() -> QListWidget:
    sidebar = QListWidget()
    sidebar.setObjectName("sidebar")
    # Polished before it has items: a list laid out before the stylesheet reached it (items added while it had
    # no parent, then put in a layout) keeps its rows at the unstyled height, overlapping.
    sidebar.ensurePolished()
    sidebar.setIconSize(QSize(20, 20))
    sidebar.setFixedWidth(190)
    for title, name in SIDEBAR:
        sidebar.addItem(QListWidgetItem(icon(name), title))
    sidebar.setCurrentRow(0)
    return sidebar


@pytest.mark.parametrize("theme", [LIGHT, DARK])
def test_sidebar_rows_are_roomy_and_the_current_one_is_in_the_accent(
    qapp: QApplication, qtbot: QtBot, theme: ThemeColors
) -> None:
    apply_theme(qapp, "dark" if theme is DARK else "light")
    window = QWidget()
    qtbot.addWidget(window)
    sidebar = _sidebar()
    QHBoxLayout(window).addWidget(sidebar)
    window.resize(400, 360)
    window.show()
    qtbot.waitExposed(window)
    rows = [sidebar.visualItemRect(sidebar.item(row)) for row in range(sidebar.count())]
    assert all(36 <= rect.height() <= 40 for rect in rows), [rect.height() for rect in rows]
    assert all(below.top() > above.bottom() for above, below in pairwise(rows)), rows
    viewport = _grab(sidebar.viewport())
    current, other = rows[0], rows[1]
    assert viewport.pixelColor(current.left() + 4, current.center().y()) == QColor(theme.accent)
    assert viewport.pixelColor(other.left() + 4, other.center().y()) == QColor(theme.sidebar)
    # The current row's icon is drawn in the highlighted text colour, the others in the text colour.
    inked_current = _inked_colors(viewport.copy(current.adjusted(4, 4, -current.width() + 40, -4)))
    assert any(_close(c, QColor(theme.accent_text), 8) for c in inked_current)
    inked_other = _inked_colors(viewport.copy(other.adjusted(4, 4, -other.width() + 40, -4)))
    assert any(_close(c, QColor(theme.text), 8) for c in inked_other)


def test_the_drop_zone_lights_up_while_dragging(qapp: QApplication, qtbot: QtBot) -> None:
    apply_theme(qapp, "light")
    zone = QFrame()
    zone.setObjectName("dropZone")
    zone.resize(320, 180)
    qtbot.addWidget(zone)
    zone.show()
    qtbot.waitExposed(zone)
    middle = zone.rect().center()
    assert _grab(zone).pixelColor(middle) == QColor(LIGHT.base)
    left_edge = {_grab(zone).pixelColor(0, y).name() for y in range(20, 160)}
    assert QColor(LIGHT.border_strong).name() in left_edge and QColor(LIGHT.base).name() in left_edge  # dashes
    set_style_property(zone, "dragActive", True)
    assert _grab(zone).pixelColor(middle) == QColor(LIGHT.accent_soft)
    set_style_property(zone, "dragActive", False)
    assert _grab(zone).pixelColor(middle) == QColor(LIGHT.base)


def _banner(kind: str, text: str) -> QFrame:
    banner = QFrame()
    banner.setObjectName("banner")
    banner.setProperty("kind", kind)
    layout = QHBoxLayout(banner)
    layout.setContentsMargins(12, 6, 6, 6)
    layout.addWidget(QLabel(text))
    return banner


@pytest.mark.parametrize("theme", [LIGHT, DARK])
def test_banners_titles_hints_and_the_status_bar(qapp: QApplication, qtbot: QtBot, theme: ThemeColors) -> None:
    apply_theme(qapp, "dark" if theme is DARK else "light")
    backgrounds = {"error": theme.error_soft, "warning": theme.warning_soft, "info": theme.info_soft}
    for kind, background in backgrounds.items():
        banner = _banner(kind, f"An {kind} notice")
        qtbot.addWidget(banner)
        banner.resize(300, 40)
        banner.show()
        qtbot.waitExposed(banner)
        assert _grab(banner).pixelColor(5, 20) == QColor(background), kind

    title, hint = QLabel("Send"), QLabel("Drop files here")
    title.setProperty("role", "title")
    hint.setProperty("role", "hint")
    for label in (title, hint):
        qtbot.addWidget(label)
        label.ensurePolished()
    assert title.font().pointSizeF() >= qapp.font().pointSizeF() * 1.3
    assert title.font().bold()  # semibold counts
    assert hint.palette().color(QPalette.ColorRole.WindowText) == QColor(theme.muted)

    status = QStatusBar()
    qtbot.addWidget(status)
    connection = QLabel("Connected")
    status.addWidget(connection)
    connection.ensurePolished()
    assert connection.palette().color(QPalette.ColorRole.WindowText) == QColor(theme.muted)
    set_style_property(connection, "problem", True)
    assert connection.palette().color(QPalette.ColorRole.WindowText) == QColor(theme.error)


def _gallery() -> QWidget:
    """Every icon as a tool button, the app icon at its sizes, and the themed widgets, side by side."""
    gallery = QWidget()
    outer = QHBoxLayout(gallery)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(_sidebar())
    content = QVBoxLayout()
    content.setContentsMargins(16, 12, 16, 12)
    outer.addLayout(content, 1)
    title = QLabel("Icons")
    title.setProperty("role", "title")
    content.addWidget(title)
    hint = QLabel("Every line icon at 24 px; the last row is disabled.")
    hint.setProperty("role", "hint")
    content.addWidget(hint)
    grid = QGridLayout()
    for index, name in enumerate(icon_names()):
        button = QToolButton()
        button.setIcon(icon(name))
        button.setIconSize(QSize(24, 24))
        button.setText(name)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        button.setAutoRaise(True)
        button.setFixedWidth(96)
        grid.addWidget(button, index // 7, index % 7)
    for column, name in enumerate(("pause", "resume", "cancel", "retry", "folder", "remove", "copy")):
        button = QToolButton()
        button.setIcon(icon(name))
        button.setIconSize(QSize(24, 24))
        button.setEnabled(False)
        grid.addWidget(button, 4, column)
    content.addLayout(grid)
    apps = QHBoxLayout()
    for size in (16, 24, 32, 48, 64):
        label = QLabel()
        label.setPixmap(app_icon().pixmap(size))
        apps.addWidget(label)
    apps.addStretch()
    content.addLayout(apps)
    for kind in ("info", "warning", "error"):
        content.addWidget(_banner(kind, f"An {kind} banner: the server said something worth reading."))
    zone = QFrame()
    zone.setObjectName("dropZone")
    zone.setMinimumHeight(70)
    zone_layout = QVBoxLayout(zone)
    zone_label = QLabel("Drop files here (drag in progress)")
    zone_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    zone_layout.addWidget(zone_label)
    set_style_property(zone, "dragActive", True)
    content.addWidget(zone)
    return gallery


def test_gallery_of_icons_and_themed_widgets(
    qapp: QApplication, qtbot: QtBot, screenshot: Screenshot, tmp_path: Path
) -> None:
    for scheme in ("light", "dark"):
        apply_theme(qapp, scheme)
        gallery = _gallery()
        qtbot.addWidget(gallery)
        gallery.resize(900, 640)
        gallery.show()
        qtbot.waitExposed(gallery)
        assert screenshot(gallery, scheme).stat().st_size > 0
        # The same at 200%: icons are drawn for the painter's pixel ratio.
        hidpi = QPixmap(gallery.size() * 2)
        hidpi.setDevicePixelRatio(2.0)
        gallery.render(hidpi)
        assert hidpi.save(str(tmp_path / f"gallery-{scheme}-2x.png"))
        gallery.close()
