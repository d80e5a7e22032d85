"""The tray icon's states, checked on rendered pixels: every state draws at tray sizes and scales, crisp; the
attention dot stays in its corner; offline is grey; the ring shows the progress; the template image is black
with alpha only; the drawings are cached per twentieth of progress. Also paints the docs' contact sheet."""

import math
import sys
from collections.abc import Callable
from itertools import combinations
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from lfdesktop.ui.trayicons import (
    PROGRESS_STEPS,
    TRAY_SIZES,
    TrayState,
    progress_step,
    rim_width,
    stroke_width,
    tray_icon,
)

Screenshot = Callable[[QWidget, str], Path]
CONTACT_SHEET = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "tray-icons.png"

# What the tray shows, as (state, progress): the contact sheet's columns.
VARIANTS = [
    (TrayState.IDLE, None),
    (TrayState.TRANSFERRING, 0.0),
    (TrayState.TRANSFERRING, 0.35),
    (TrayState.TRANSFERRING, 0.8),
    (TrayState.TRANSFERRING, None),
    (TrayState.ATTENTION, None),
    (TrayState.OFFLINE, None),
]


def render(state: TrayState, progress: float | None = None, *, size: int = 16, scale: float = 1.0,
           mono: bool = False) -> QImage:
    pixmap = tray_icon(state, progress, monochrome=mono).pixmap(QSize(size, size), scale)
    return pixmap.toImage().convertToFormat(QImage.Format.Format_ARGB32)


def pixels(image: QImage) -> list[tuple[int, int, QColor]]:
    return [(x, y, image.pixelColor(x, y)) for y in range(image.height()) for x in range(image.width())]


def differs(a: QColor, b: QColor) -> bool:
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue()),
               abs(a.alpha() - b.alpha())) > 8


@pytest.mark.parametrize("mono", [False, True])
@pytest.mark.parametrize("scale", [1.0, 1.25, 2.0])
@pytest.mark.parametrize("size", [16, 22, 32])
def test_every_state_draws_at_tray_sizes_in_device_pixels(qtbot: QtBot, size: int, scale: float, mono: bool) -> None:
    device = round(size * scale)
    for state, progress in VARIANTS:
        pixmap = tray_icon(state, progress, monochrome=mono).pixmap(QSize(size, size), scale)
        assert pixmap.deviceIndependentSize().toSize() == QSize(size, size)
        assert (pixmap.width(), pixmap.height()) == (device, device), (state, progress)
        assert pixmap.devicePixelRatio() == scale
        image = pixmap.toImage()
        drawn = sum(1 for _, _, color in pixels(image) if color.alpha() > 0)
        assert drawn > device * device / 3, (state, progress, drawn)


def test_offers_a_drawing_at_every_panel_size(qtbot: QtBot) -> None:
    """A Linux tray is sent the drawings at the icon's sizes: 16-24 px panels at 100% and 200% find theirs."""
    icon = tray_icon(TrayState.IDLE, monochrome=False)
    offered = {size.width() for size in icon.availableSizes()}
    assert {16, 22, 24, 32, 44, 48} <= offered == set(TRAY_SIZES)
    assert all(icon.pixmap(size).width() == size for size in offered)


@pytest.mark.parametrize(("size", "scale"), [(16, 1.0), (20, 1.0), (22, 1.0), (16, 1.5), (16, 2.0), (64, 1.0)])
def test_strokes_are_whole_pixels_with_sharp_edges_at_every_scale(qtbot: QtBot, size: int, scale: float) -> None:
    """Drawn on the device pixel grid, not scaled down: the tray's bottom stroke is a run of whole white pixels
    as thick as the stroke, with the tile's colour right next to it, no blurred half-tones."""
    image = render(TrayState.IDLE, size=size, scale=scale)
    side = image.width()
    column = side // 2
    white = [image.pixelColor(column, y).lightness() >= 250 for y in range(side)]
    top = bottom = side * 12 // 16
    while white[top - 1]:
        top -= 1
    while white[bottom + 1]:
        bottom += 1
    assert bottom - top + 1 == stroke_width(side)
    for edge in (top - 1, bottom + 1):
        assert image.pixelColor(column, edge).lightness() < 140, edge


@pytest.mark.parametrize("mono", [False, True])
@pytest.mark.parametrize("size", [16, 32])
def test_attention_adds_a_dot_in_the_top_right_corner_only(qtbot: QtBot, size: int, mono: bool) -> None:
    idle = render(TrayState.IDLE, size=size, mono=mono)
    attention = render(TrayState.ATTENTION, size=size, mono=mono)
    changed = [(x, y) for x, y, color in pixels(attention) if differs(color, idle.pixelColor(x, y))]
    assert len(changed) > size * size / 16
    assert all(x >= size // 2 and y < size // 2 for x, y in changed), "the badge leaks out of its corner"
    dot = attention.pixelColor(size - size // 4 - 1, size // 4)
    if mono:
        assert dot.alpha() == 255
    else:  # an orange-red that reads on light and dark panels, with a white rim against the tile
        assert dot.red() > 200 and dot.green() < 120 and dot.blue() < 80, dot.name()
        rim = [color for x, y, color in pixels(attention) if (x, y) in set(changed) and color.lightness() >= 250]
        assert rim


def saturation(color: QColor) -> int:
    return max(color.red(), color.green(), color.blue()) - min(color.red(), color.green(), color.blue())


@pytest.mark.parametrize("size", [16, 22, 64])
def test_offline_is_grey_and_slashed(qtbot: QtBot, size: int) -> None:
    offline = render(TrayState.OFFLINE, size=size)
    assert all(saturation(color) <= 2 for _, _, color in pixels(offline) if color.alpha() > 0)
    assert any(saturation(color) > 60 for _, _, color in pixels(render(TrayState.IDLE, size=size)))
    # The slash: a stroke darker than the tile from corner to corner, with a see-through gap beside it.
    diagonal = [offline.pixelColor(i, i) for i in range(size // 4, size - size // 4)]
    assert all(color.alpha() == 255 and color.lightness() < 100 for color in diagonal)
    # The middle of the gap beside the slash, as a step to the right.
    beside = round((stroke_width(size) + rim_width(size)) / 2 * math.sqrt(2))
    gaps = [offline.pixelColor(i + beside, i) for i in range(size // 4, size - size // 4)]
    assert any(color.alpha() < 60 for color in gaps)


def test_offline_template_is_dimmed_with_an_opaque_slash(qtbot: QtBot) -> None:
    idle = render(TrayState.IDLE, size=32, mono=True)
    offline = render(TrayState.OFFLINE, size=32, mono=True)
    assert idle.pixelColor(4, 28).alpha() == 255
    assert 0 < offline.pixelColor(4, 28).alpha() < 160  # the tile, dimmed
    assert all(offline.pixelColor(i, i).alpha() == 255 for i in range(8, 24))  # the slash


# Points on the ring, as the fraction of a clockwise turn from 12 o'clock: midway between the quarters.
RING_SAMPLES = [0.125, 0.375, 0.625, 0.875]


def ring_alpha(image: QImage, turn: float) -> int:
    side = image.width()
    radius = side / 2 - stroke_width(side) / 2
    angle = 2 * math.pi * turn
    x = side / 2 + radius * math.sin(angle)
    y = side / 2 - radius * math.cos(angle)
    return image.pixelColor(int(x), int(y)).alpha()


@pytest.mark.parametrize("mono", [False, True])
@pytest.mark.parametrize("progress", [0.0, 0.25, 0.5, 0.75, 1.0])
def test_the_ring_shows_the_progress_clockwise_from_twelve(qtbot: QtBot, progress: float, mono: bool) -> None:
    image = render(TrayState.TRANSFERRING, progress, size=32, mono=mono)
    bold = [ring_alpha(image, turn) == 255 for turn in RING_SAMPLES]
    assert bold == [turn < progress for turn in RING_SAMPLES]
    # The track not yet covered is drawn faint, never missing.
    assert all(0 < ring_alpha(image, turn) < 160 for turn in RING_SAMPLES if turn > progress)


def test_progress_values_draw_differently_and_indeterminate_like_none_of_them(qtbot: QtBot) -> None:
    def drawn(progress: float | None) -> bytes:
        return bytes(render(TrayState.TRANSFERRING, progress, size=16).constBits())

    assert drawn(0.25) != drawn(0.75)
    assert drawn(1.0) != drawn(0.0)
    indeterminate = drawn(None)
    assert all(indeterminate != drawn(step / PROGRESS_STEPS) for step in range(PROGRESS_STEPS + 1))


@pytest.mark.parametrize("size", [16, 32])
def test_the_template_image_is_black_with_alpha_only(qtbot: QtBot, size: int) -> None:
    for state, progress in VARIANTS:
        icon = tray_icon(state, progress, monochrome=True)
        assert icon.isMask()
        image = render(state, progress, size=size, mono=True)
        drawn = [color for _, _, color in pixels(image) if color.alpha() > 0]
        assert all((color.red(), color.green(), color.blue()) == (0, 0, 0) for color in drawn), state
        assert len({color.alpha() for color in drawn}) > 2  # edges and, in some states, dimmed parts
    assert not tray_icon(TrayState.IDLE, monochrome=False).isMask()


@pytest.mark.parametrize(("platform", "mask"), [("darwin", True), ("linux", False), ("win32", False)])
def test_monochrome_by_default_only_on_macos(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, platform: str,
                                             mask: bool) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    icon = tray_icon(TrayState.ATTENTION)
    assert icon.isMask() is mask
    colours = {QColor(color.rgb()).name() for _, _, color in pixels(icon.pixmap(16).toImage()) if color.alpha()}
    assert (colours <= {"#000000"}) is mask


def test_progress_is_cached_in_twentieths(qtbot: QtBot) -> None:
    assert progress_step(0.501) == progress_step(0.502) == 10
    assert (progress_step(None), progress_step(-1.0), progress_step(0.999), progress_step(1.7)) == (None, 0, 19, 20)

    def key(progress: float | None, size: int = 16, scale: float = 1.0) -> int:
        return tray_icon(TrayState.TRANSFERRING, progress).pixmap(QSize(size, size), scale).cacheKey()

    assert key(0.501) == key(0.502)  # one drawing, reused
    assert key(0.501) != key(0.551)
    assert key(0.501) != key(0.501, size=22)
    assert key(0.501) != key(0.501, scale=2.0)
    assert key(None) != key(0.0)


SIZES = [16, 22, 32, 64]
LIGHT_PANEL, DARK_PANEL = QColor("#F3F3F3"), QColor("#1F1F1F")
CELL = 80


def contact_sheet() -> QImage:
    """Every state, colour then template, at 16/22/32/64 px, on a light panel strip and a dark one. On the dark
    strip the template is drawn white, as macOS draws it in a dark menu bar."""
    rows = [(mono, size) for mono in (False, True) for size in SIZES]
    strip = sum(size + 12 for _, size in rows)
    sheet = QImage(CELL * len(VARIANTS), 2 * strip, QImage.Format.Format_ARGB32)
    painter = QPainter(sheet)
    for index, panel in enumerate((LIGHT_PANEL, DARK_PANEL)):
        top = index * strip
        painter.fillRect(0, top, sheet.width(), strip, panel)
        for mono, size in rows:
            for column, (state, progress) in enumerate(VARIANTS):
                pixmap = tray_icon(state, progress, monochrome=mono).pixmap(size)
                if mono and panel == DARK_PANEL:
                    pixmap = tinted(pixmap, QColor(Qt.GlobalColor.white))
                painter.drawPixmap(column * CELL + (CELL - size) // 2, top + 6, pixmap)
            top += size + 12
    painter.end()
    return sheet


def tinted(pixmap: QPixmap, color: QColor) -> QPixmap:
    image = pixmap.toImage().convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.fillRect(image.rect(), color)
    painter.end()
    return QPixmap.fromImage(image)


def test_contact_sheet_every_state_distinct_at_16px_on_both_panels(qtbot: QtBot, screenshot: Screenshot) -> None:
    sheet = contact_sheet()
    strip = sheet.height() // 2
    for top in (6, strip + 6, 6 + sum(size + 12 for size in SIZES), strip + 6 + sum(size + 12 for size in SIZES)):
        cells = [sheet.copy(column * CELL + (CELL - 16) // 2, top, 16, 16) for column in range(len(VARIANTS))]
        for (a, first), (b, second) in combinations(enumerate(cells), 2):
            assert first != second, f"columns {a} and {b} look the same at 16 px (row at y={top})"
    assert sheet.save(str(CONTACT_SHEET))
    label = QLabel()
    label.setPixmap(QPixmap.fromImage(sheet))
    qtbot.addWidget(label)
    screenshot(label, "contact-sheet")
