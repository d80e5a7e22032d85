"""The download log: who downloaded what, when and from where.

``DownloadLogTable`` is the table alone (every field of the seed as a column, sortable, the columns chosen
from the header's menu), small enough to show one message's or one link's log. ``DownloadLogPane`` is the
whole view: the account's log with filters that narrow the table, the charts and the map together, CSV
export of the filtered rows and PNG export of the pictures."""

from dataclasses import replace
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from lfdesktop.api.models import Download
from lfdesktop.qt import logstats
from lfdesktop.qt.context import AppContext
from lfdesktop.qt.downloadlog import DEFAULT_COLUMNS, FIELD_KEYS, FIELDS, DownloadLogModel, column_of
from lfdesktop.qt.logfilter import LogFilter, distinct
from lfdesktop.qt.logloader import DownloadLogController
from lfdesktop.qt.session import SignedIn

from .charts import DailyChart, TopChart
from .icons import icon
from .labels import hint_label, title_label
from .notices import Notices
from .tables import read_only_table
from .worldmap import WorldMap

FILTER_DELAY_MS = 200  # typing in the search box filters once the typing pauses
ANY_DAY = QDate(2000, 1, 1)  # a date edit at its minimum means "no bound"
CHARTS_TAB, MAP_TAB = 1, 2
STACK_BY = (("file", "filename"), ("recipient", "recipient"))


class DownloadLogTable(QTableView):
    """The log's rows; the header's context menu chooses the columns (``columns_chosen`` tells which)."""

    columns_chosen = Signal(list)  # list[str]: the seed's field names, in order

    def __init__(self, name: str = "Download log", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.log_model = DownloadLogModel(self)
        self.setModel(self.log_model)
        read_only_table(self, name)
        self.setAlternatingRowColors(True)
        self.sortByColumn(column_of("downloaded_at"), Qt.SortOrder.DescendingOrder)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setSectionsMovable(False)
        header.setStretchLastSection(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        self.set_columns(DEFAULT_COLUMNS)

    def set_rows(self, rows: list[Download]) -> None:
        first = self.log_model.rowCount() == 0
        self.log_model.set_rows(rows)
        if first:  # once per fill, not per filter; Qt measures at most 1,000 rows (the header's precision)
            self.resizeColumnsToContents()

    def columns(self) -> list[str]:
        return [key for number, key in enumerate(FIELD_KEYS) if not self.isColumnHidden(number)]

    def set_columns(self, keys: tuple[str, ...] | list[str]) -> None:
        """Show these columns (unknown names are ignored; none known: the defaults)."""
        shown = {key for key in keys if key in FIELD_KEYS} or set(DEFAULT_COLUMNS)
        for number, key in enumerate(FIELD_KEYS):
            self.setColumnHidden(number, key not in shown)

    def column_menu(self) -> QMenu:
        """A check box per field; at least one column stays."""
        menu = QMenu(self)
        menu.setAccessibleName("Columns")
        shown = self.columns()
        for field in FIELDS:
            action = menu.addAction(field.title)
            action.setCheckable(True)
            action.setChecked(field.key in shown)
            action.setEnabled(not (field.key in shown and len(shown) == 1))
            action.toggled.connect(lambda on, key=field.key: self._toggle_column(key, on))
        return menu

    def _column_menu(self, point: QPoint) -> None:
        self.column_menu().popup(self.horizontalHeader().mapToGlobal(point))

    def _toggle_column(self, key: str, on: bool) -> None:
        self.setColumnHidden(column_of(key), not on)
        self.columns_chosen.emit(self.columns())


class DownloadLogPane(QWidget):
    title = "Download log"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.controller = DownloadLogController(context, self)
        self._stale = {CHARTS_TAB, MAP_TAB}  # the pictures not yet counted from the shown rows

        self.notices = Notices()
        self.summary = hint_label(name="Download log summary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.table = DownloadLogTable()
        self.table.set_columns(context.sessions.settings.download_log_columns)
        self.table.columns_chosen.connect(self._remember_columns)
        self.daily = DailyChart()
        self.top_files = TopChart("Top files")
        self.top_recipients = TopChart("Top recipients")
        self.map = WorldMap()

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Download log views")
        self.tabs.addTab(self.table, "Table")
        self.tabs.addTab(self._charts_page(), "Charts")
        self.tabs.addTab(self.map, "Map")
        self.tabs.currentChanged.connect(self._show_pictures_if_seen)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title_label("Download log"))
        layout.addWidget(self.notices)
        layout.addLayout(self._toolbar())
        layout.addLayout(self._filters())
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.summary)

        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.controller.loaded.connect(self._fill_choices)
        self.controller.shown_changed.connect(self._show_rows)
        self.controller.failed.connect(lambda text: self.notices.show_notice(text, "error"))
        self.controller.loading_changed.connect(self._on_loading)
        self.controller.exported.connect(lambda path: self.summary.setText(f"Saved {path}"))
        context.sessions.active_changed.connect(self._on_active_changed)
        self._on_active_changed(context.sessions.active)

    # ---- the pane API ----

    def reload(self) -> None:
        since = self.since.date()
        self.controller.load(None if since == ANY_DAY else _day(since))

    def current_filter(self) -> LogFilter:
        return LogFilter(
            text=self.search.text(), since=_bound(self.date_from), until=_bound(self.date_to),
            filename=self.file_choice.currentData() or "", recipient=self.recipient_choice.currentData() or "",
            country=self.country_choice.currentData() or "",
        )

    def apply_filter(self) -> None:
        self.controller.set_filter(self.current_filter())

    def export_csv(self, path: Path) -> None:
        self.controller.export_csv(path)

    def save_pictures(self, folder: Path) -> list[Path]:
        """The charts and the map as PNG files in ``folder``; the paths saved."""
        self._show_charts()
        self._show_map()
        saved = []
        for widget, name in ((self.daily, "downloads-per-day"), (self.top_files, "top-files"),
                             (self.top_recipients, "top-recipients"), (self.map, "download-map")):
            path = folder / f"{name}.png"
            if widget.grab().save(str(path), "PNG"):
                saved.append(path)
        return saved

    # ---- building ----

    def _toolbar(self) -> QHBoxLayout:
        self.since = _date_edit("Load downloads since", "All time")
        reload = QPushButton(icon("retry"), "Reload")
        reload.setAccessibleName("Reload the download log")
        reload.clicked.connect(self.reload)
        self.reload_button = reload
        export = QPushButton(icon("download"), "Export CSV…")
        export.setAccessibleName("Export the shown rows as CSV")
        export.clicked.connect(self._ask_csv)
        pictures = QPushButton("Save charts as PNG…")
        pictures.setAccessibleName("Save the charts and the map as PNG")
        pictures.clicked.connect(self._ask_picture_folder)
        columns = QPushButton("Columns")
        columns.setAccessibleName("Choose the table's columns")
        columns.clicked.connect(
            lambda: self.table.column_menu().popup(columns.mapToGlobal(columns.rect().bottomLeft())))
        row = QHBoxLayout()
        since = QLabel("&Since:")
        since.setBuddy(self.since)
        for widget in (since, self.since, reload):
            row.addWidget(widget)
        row.addStretch(1)
        for widget in (columns, export, pictures):
            row.addWidget(widget)
        return row

    def _filters(self) -> QGridLayout:
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search files, recipients, hosts, places, browsers")
        self.search.setAccessibleName("Search the download log")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter_timer_start)
        self.date_from = _date_edit("Downloaded from", "Any day")
        self.date_to = _date_edit("Downloaded until", "Any day")
        self.file_choice = _choice("File filter")
        self.recipient_choice = _choice("Recipient filter")
        self.country_choice = _choice("Country filter")
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self.apply_filter)
        for combo in (self.file_choice, self.recipient_choice, self.country_choice):
            combo.currentIndexChanged.connect(self.apply_filter)
        grid = QGridLayout()
        cells = (("Sea&rch:", self.search), ("&From:", self.date_from), ("&Until:", self.date_to),
                 ("F&ile:", self.file_choice), ("Reci&pient:", self.recipient_choice),
                 ("Cou&ntry:", self.country_choice))
        for number, (text, field) in enumerate(cells):
            label = QLabel(text)
            label.setBuddy(field)
            row, column = divmod(number, 3)
            grid.addWidget(label, row, column * 2)
            grid.addWidget(field, row, column * 2 + 1)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(3, 1)
        grid.setColumnStretch(5, 1)
        return grid

    def _charts_page(self) -> QWidget:
        page = QWidget()
        self.stack_by = QComboBox()
        self.stack_by.setAccessibleName("Stack the days by")
        for text, key in STACK_BY:
            self.stack_by.addItem(f"by {text}", key)
        self.stack_by.currentIndexChanged.connect(self._show_charts)
        grid = QGridLayout(page)
        grid.setContentsMargins(0, 6, 0, 0)
        above = QHBoxLayout()
        label = QLabel("Stac&k downloads per day")
        label.setBuddy(self.stack_by)
        above.addWidget(label)
        above.addWidget(self.stack_by)
        above.addStretch(1)
        grid.addLayout(above, 0, 0, 1, 2)
        grid.addWidget(self.daily, 1, 0, 1, 2)
        grid.addWidget(self.top_files, 2, 0)
        grid.addWidget(self.top_recipients, 2, 1)
        grid.setRowStretch(1, 3)
        grid.setRowStretch(2, 2)
        return page

    # ---- keeping up ----

    def _on_active_changed(self, signed_in: SignedIn | None) -> None:
        self.controller.set_rows([])
        if signed_in is not None:
            self.reload()

    def _on_loading(self, loading: bool) -> None:
        self.reload_button.setEnabled(not loading)
        if loading:
            self.summary.setText("Loading the download log…")

    def _filter_timer_start(self) -> None:
        self._filter_timer.start()

    def _fill_choices(self) -> None:
        rows = self.controller.rows
        for combo, name, everything in ((self.file_choice, "filename", "All files"),
                                        (self.recipient_choice, "recipient", "All recipients"),
                                        (self.country_choice, "country_name", "All countries")):
            kept = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, "")
            for value in distinct(rows, name):
                combo.addItem(value, value)
            combo.setCurrentIndex(max(0, combo.findData(kept)))
            combo.blockSignals(False)
        self.controller.set_filter(self.current_filter())

    def _show_rows(self) -> None:
        shown, total = len(self.controller.shown), len(self.controller.rows)
        self.table.set_rows(self.controller.shown)
        noun = "download" if total == 1 else "downloads"
        self.summary.setText(f"{total:,} {noun}" if shown == total else f"{shown:,} of {total:,} {noun} shown")
        self._stale = {CHARTS_TAB, MAP_TAB}
        self._show_pictures_if_seen()

    def _show_pictures_if_seen(self) -> None:
        """Counting 100,000 rows is work: only for the view being looked at, once per change of rows."""
        shown = self.tabs.currentIndex()
        if shown == CHARTS_TAB and CHARTS_TAB in self._stale:
            self._show_charts()
        elif shown == MAP_TAB and MAP_TAB in self._stale:
            self._show_map()

    def _show_charts(self) -> None:
        rows = self.controller.shown
        self.daily.set_stacks(logstats.per_day(rows, self.stack_by.currentData() or "filename"))
        self.top_files.set_bars(logstats.top(rows, "filename"))
        self.top_recipients.set_bars(logstats.top(rows, "recipient"))
        self._stale.discard(CHARTS_TAB)

    def _show_map(self) -> None:
        self.map.set_places(logstats.places(self.controller.shown))
        self._stale.discard(MAP_TAB)

    def _remember_columns(self, keys: list[str]) -> None:
        sessions = self.context.sessions
        self.context.tasks.spawn(sessions.update_settings(replace(sessions.settings, download_log_columns=tuple(keys))),
                                 name="remember the log's columns")

    def _ask_csv(self) -> None:
        dialog = QFileDialog(self, "Export the download log", str(Path.home() / "download-log.csv"), "CSV (*.csv)")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("csv")
        dialog.fileSelected.connect(lambda path: self.export_csv(Path(path)))
        dialog.open()

    def _ask_picture_folder(self) -> None:
        dialog = QFileDialog(self, "Save the charts in")
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.fileSelected.connect(self._save_pictures_in)
        dialog.open()

    def _save_pictures_in(self, folder: str) -> None:
        saved = self.save_pictures(Path(folder))
        self.summary.setText(f"Saved {len(saved)} pictures in {folder}")


def _date_edit(name: str, any_text: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setAccessibleName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("d MMM yyyy")
    edit.setMinimumDate(ANY_DAY)
    edit.setSpecialValueText(any_text)  # shown at the minimum date: no bound
    edit.setDate(ANY_DAY)
    return edit


def _choice(name: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(14)
    return combo


def _day(picked: QDate) -> date:
    return date(picked.year(), picked.month(), picked.day())


def _bound(edit: QDateEdit) -> date | None:
    return None if edit.date() == ANY_DAY else _day(edit.date())
