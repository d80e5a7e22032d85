"""The download log pane against the real sandbox: downloads made through a link's public URL from chosen
places appear with their geo fields; filters narrow the table, the charts and the map together; CSV export
gives back every field; the chosen columns are remembered."""

from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from lfdesktop.api.models import Download
from lfdesktop.qt.downloadlog import FIELDS, DownloadLogModel, SortRole, column_of
from lfdesktop.qt.logexport import read_csv
from lfdesktop.qt.logfilter import LogFilter
from lfdesktop.ui.downloadlog import DownloadLogPane
from lfdesktop.ui.theme import apply_theme
from tests.sandboxproc import ALICE
from tests.ui.links_helpers import BERLIN, TOKYO, download_from, make_link

LOAD_MS = 15_000

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def sample(number: int, **changes: object) -> Download:
    row = Download(
        id=str(number), attachment_id=f"att{number}", message_id=None, filelink_id=f"link{number % 3}",
        filename=f"file{number % 4}.pdf", size=1000 * number, content_type="application/pdf", checksum="ab" * 32,
        crc32="acb7c906", downloaded_at=datetime(2026, 11, 1, 12, tzinfo=UTC) + timedelta(days=number % 10),
        user_id="alice", recipient=f"person{number % 5}@example.com", remote_ip="192.0.2.5",
        remote_host="gw.berlin.example.de (192.0.2.5)", download_time=1.25, download_speed=48106,
        location="Berlin, Berlin, Germany", user_agent="Firefox (120) - Linux", browser="Firefox (120)",
        os="Linux", platform="Linux", longitude=13.405, latitude=52.52, country_code="DE", country_name="Germany",
        city="Berlin", region_code="BE", region_name="Berlin",
    )
    return replace(row, **changes)  # type: ignore[arg-type]


@pytest.fixture
def pane(context, shown) -> DownloadLogPane:
    return shown(DownloadLogPane(context), (1100, 700))


def test_the_model_has_every_field_of_the_seed_and_sorts_by_raw_values(qtmodeltester, qtbot: QtBot) -> None:
    model = DownloadLogModel()
    rows = [sample(number) for number in range(1, 13)]
    model.set_rows(rows)
    qtmodeltester.check(model)
    assert {field.key for field in FIELDS} == {field.name for field in fields(Download)}
    size = column_of("size")
    model.sort(size, Qt.SortOrder.DescendingOrder)
    assert [model.index(row, size).data(SortRole) for row in range(3)] == [12000, 11000, 10000]
    assert model.index(0, size).data() == "11.7 KB"
    model.set_rows(rows[:5])  # a new list keeps the order chosen
    assert model.index(0, size).data(SortRole) == 5000
    assert model.index(0, column_of("city")).data() == "Berlin"
    qtmodeltester.check(model)


def test_filters_narrow_the_rows_by_text_day_file_recipient_and_country() -> None:
    rows = [sample(number) for number in range(40)] + [sample(99, country_name="Japan", city="Tokyo")]
    assert len(LogFilter().apply(rows)) == 41
    assert [row.id for row in LogFilter(country="Japan").apply(rows)] == ["99"]
    assert len(LogFilter(filename="file1.pdf").apply(rows)) == 10
    assert len(LogFilter(recipient="person2@example.com", filename="file2.pdf").apply(rows)) == 2
    assert len(LogFilter(text="TOKYO").apply(rows)) == 0  # city is not searched, location is
    assert len(LogFilter(text="berlin").apply(rows)) == 41
    day = rows[3].downloaded_at.astimezone().date()  # type: ignore[union-attr]
    assert len(LogFilter(since=day, until=day).apply(rows)) == 4


def test_link_downloads_appear_with_their_places_and_filters_narrow_table_charts_and_map(
    pane: DownloadLogPane, sign_in, sandbox, qtbot: QtBot, tmp_path: Path, screenshot
) -> None:
    link = make_link(sandbox, ALICE, "site survey.pdf")
    download_from(link["url"], BERLIN)
    download_from(link["url"], TOKYO)
    download_from(link["url"], TOKYO)
    download_from(make_link(sandbox, ALICE, "other.txt")["url"], BERLIN)  # one the filters leave out
    sign_in(sandbox, ALICE)
    name = link["filename"]

    def ours() -> list[Download]:
        return [row for row in pane.controller.rows if row.filename == name]

    qtbot.waitUntil(lambda: len(ours()) == 3, timeout=LOAD_MS)
    places = sorted((row.city, row.country_name, row.country_code, row.latitude, row.longitude) for row in ours())
    assert places[0] == ("Berlin", "Germany", "DE", 52.52, 13.405)
    assert places[1][:3] == ("Tokyo", "Japan", "JP")
    assert all(row.filelink_id == link["id"] and row.remote_host and row.location for row in ours())

    # The file filter: the table, the charts and the map show those three downloads only.
    pane.file_choice.setCurrentIndex(pane.file_choice.findData(name))
    assert pane.table.log_model.rowCount() == 3
    assert pane.summary.text().startswith("3 of")
    pane.tabs.setCurrentIndex(1)
    assert pane.top_files.bars == [(name, 3)]
    assert sum(sum(day) for day in pane.daily.stacks.counts) == 3
    screenshot(pane, "charts")
    pane.tabs.setCurrentIndex(2)
    assert sorted((place.label, place.count) for place in pane.map.places) == [
        ("Berlin, Germany", 1), ("Tokyo, Japan", 2)]
    screenshot(pane, "map")

    # And the country on top of it: one download left, everywhere.
    pane.country_choice.setCurrentIndex(pane.country_choice.findData("Japan"))
    assert pane.table.log_model.rowCount() == 2
    assert [(place.label, place.count) for place in pane.map.places] == [("Tokyo, Japan", 2)]
    pane.tabs.setCurrentIndex(1)
    assert pane.top_files.bars == [(name, 2)]
    pane.tabs.setCurrentIndex(0)
    screenshot(pane, "table")

    # The search box filters once typing pauses.
    pane.country_choice.setCurrentIndex(0)
    pane.search.setText("gw.tokyo")
    qtbot.waitUntil(lambda: pane.table.log_model.rowCount() == 2, timeout=2000)

    # CSV export of the shown rows gives back every field.
    target = tmp_path / "log.csv"
    with qtbot.waitSignal(pane.controller.exported, timeout=LOAD_MS):
        pane.export_csv(target)
    assert read_csv(target) == pane.controller.shown
    saved = pane.save_pictures(tmp_path)
    assert [path.name for path in saved] == ["downloads-per-day.png", "top-files.png", "top-recipients.png",
                                             "download-map.png"]


def test_the_log_of_one_link_holds_only_its_downloads(context, sign_in, sandbox, qtbot: QtBot) -> None:
    from lfdesktop.qt.logloader import DownloadLogController

    mine, other = make_link(sandbox, ALICE, "mine.txt"), make_link(sandbox, ALICE, "other.txt")
    download_from(mine["url"], BERLIN)
    download_from(other["url"], TOKYO)
    sign_in(sandbox, ALICE)
    controller = DownloadLogController(context)
    with qtbot.waitSignal(controller.loaded, timeout=LOAD_MS):
        controller.load_link(mine["id"])
    assert [(row.filename, row.city) for row in controller.rows] == [(mine["filename"], "Berlin")]


def test_chosen_columns_are_shown_and_remembered(pane: DownloadLogPane, context, qtbot: QtBot) -> None:
    menu = pane.table.column_menu()
    by_title = {action.text(): action for action in menu.actions()}
    by_title["Country"].setChecked(True)
    by_title["Browser"].setChecked(False)
    qtbot.waitUntil(lambda: "country_name" in context.sessions.settings.download_log_columns, timeout=5000)
    chosen = context.sessions.settings.download_log_columns
    assert "browser" not in chosen and chosen == tuple(pane.table.columns())
    again = DownloadLogPane(context)
    qtbot.addWidget(again)
    assert again.table.columns() == list(chosen)


def test_dark_theme_charts_and_map(pane: DownloadLogPane, qtbot: QtBot, screenshot) -> None:
    rows = [sample(number, city=city, country_name=country, latitude=lat, longitude=lon)
            for number, (city, country, lat, lon) in enumerate(
                [("Berlin", "Germany", 52.52, 13.405), ("Tokyo", "Japan", 35.68, 139.65),
                 ("São Paulo", "Brazil", -23.55, -46.63), ("Sydney", "Australia", -33.87, 151.21)] * 6)]
    apply_theme(QApplication.instance(), "dark")
    try:
        pane.controller.set_rows(rows)
        pane.tabs.setCurrentIndex(1)
        assert len(pane.daily.stacks.series) == 4 and pane.daily.stacks.highest >= 1
        screenshot(pane, "charts-dark")
        pane.tabs.setCurrentIndex(2)
        assert len(pane.map.places) == 4
        screenshot(pane, "map-dark")
    finally:
        apply_theme(QApplication.instance(), "light")


def test_a_date_range_and_the_stacking_choice_narrow_the_table_and_the_charts(
    pane: DownloadLogPane, qtbot: QtBot
) -> None:
    rows = [sample(number) for number in range(30)]  # ten days, three rows a day
    pane.controller.set_rows(rows)
    pane.tabs.setCurrentIndex(1)
    assert len(pane.daily.stacks.days) == 10
    day = rows[4].downloaded_at.astimezone().date()  # type: ignore[union-attr]
    pane.date_from.setDate(QDate(day.year, day.month, day.day))
    pane.date_to.setDate(QDate(day.year, day.month, day.day))
    assert pane.table.log_model.rowCount() == 3
    assert pane.daily.stacks.days == [day] and sum(pane.daily.stacks.counts[0]) == 3
    pane.stack_by.setCurrentIndex(pane.stack_by.findData("recipient"))
    assert sorted(pane.daily.stacks.series) == sorted({row.recipient for row in pane.controller.shown})
    assert pane.summary.text() == "3 of 30 downloads shown"


def test_server_text_is_never_rich_text_and_the_map_finds_its_points(pane: DownloadLogPane) -> None:
    hostile = sample(1, filename="<b>bold</b> <img src=x>.pdf")
    pane.controller.set_rows([hostile, sample(2, city="Tokyo", country_name="Japan", latitude=35.68,
                                                longitude=139.65)])
    row = list(pane.table.log_model.rows).index(hostile)
    cell = pane.table.log_model.index(row, column_of("filename"))
    tooltip = cell.data(Qt.ItemDataRole.ToolTipRole)
    assert "<b>" not in tooltip and "&lt;b&gt;bold&lt;/b&gt;" in tooltip
    pane.tabs.setCurrentIndex(2)
    tokyo = pane.map.to_widget(35.68, 139.65)
    assert pane.map.place_at(tokyo).label == "Tokyo, Japan"  # type: ignore[union-attr]
    assert pane.map.place_at(pane.map.to_widget(-40.0, -120.0)) is None  # the Pacific
