"""The download log pane with 100,000 rows: how long loading, sorting, filtering and drawing take.

    python bench/downloadlog_scale.py [--rows 100000]

Builds a server answer of ``--rows`` downloads (the seed's fields; 60 files, 400 recipients, 24 cities, a year
of days) as JSON text, then times: parsing it as the client does (``GET /downloads``), handing the rows to the
pane (table model, choice filters, the summary), sorting by a column, each filter (text, country, file, date
range), counting the charts and the map, and painting them. Prints milliseconds; asserts nothing.
"""

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import qasync
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from lfdesktop.accounts.paths import HOME_VARIABLE, AppPaths
from lfdesktop.accounts.secrets import SecretStore
from lfdesktop.accounts.settings import Settings
from lfdesktop.api.client import DOWNLOADS
from lfdesktop.api.models import Download
from lfdesktop.qt.context import AppContext, opened
from lfdesktop.qt.downloadlog import column_of
from lfdesktop.qt.logfilter import LogFilter
from lfdesktop.ui.downloadlog import DownloadLogPane

CITIES = [
    ("Berlin", "Germany", "DE", 52.52, 13.405), ("London", "United Kingdom", "GB", 51.51, -0.13),
    ("Paris", "France", "FR", 48.86, 2.35), ("Stockholm", "Sweden", "SE", 59.33, 18.07),
    ("Madrid", "Spain", "ES", 40.42, -3.70), ("Zurich", "Switzerland", "CH", 47.38, 8.54),
    ("Warsaw", "Poland", "PL", 52.23, 21.01), ("Amsterdam", "Netherlands", "NL", 52.37, 4.90),
    ("New York", "United States", "US", 40.71, -74.01), ("San Francisco", "United States", "US", 37.77, -122.42),
    ("Chicago", "United States", "US", 41.88, -87.63), ("Toronto", "Canada", "CA", 43.65, -79.38),
    ("Mexico City", "Mexico", "MX", 19.43, -99.13), ("São Paulo", "Brazil", "BR", -23.55, -46.63),
    ("Buenos Aires", "Argentina", "AR", -34.60, -58.38), ("Vancouver", "Canada", "CA", 49.28, -123.12),
    ("Tokyo", "Japan", "JP", 35.68, 139.65), ("Singapore", "Singapore", "SG", 1.35, 103.82),
    ("Mumbai", "India", "IN", 19.08, 72.88), ("Sydney", "Australia", "AU", -33.87, 151.21),
    ("Nairobi", "Kenya", "KE", -1.29, 36.82), ("Cape Town", "South Africa", "ZA", -33.92, 18.42),
    ("Dubai", "United Arab Emirates", "AE", 25.20, 55.27), ("Seoul", "South Korea", "KR", 37.57, 126.98),
]


def server_answer(count: int) -> str:
    rng = random.Random(6)
    start = datetime(2025, 11, 22, tzinfo=UTC)
    rows: list[dict[str, Any]] = []
    for number in range(count):
        city, country, code, lat, lon = rng.choice(CITIES)
        when = start + timedelta(seconds=rng.randrange(365 * 86400))
        rows.append({
            "id": number + 1, "attachment_id": f"att{number % 60}", "message_id": None,
            "filelink_id": f"link{number % 60}", "filename": f"report-{number % 60:02}.pdf", "size": 50_000 + number,
            "content_type": "application/pdf", "checksum": "07dc" * 16, "crc32": "acb7c906",
            "downloaded_at": when.isoformat().replace("+00:00", "Z"), "user_id": "dana-example-com",
            "recipient": f"person{rng.randrange(400)}@partner.example", "remote_ip": "192.0.2.5",
            "remote_host": f"gw.{city.lower().replace(' ', '')}.example (192.0.2.5)", "download_time": "1.11",
            "download_speed": 48106, "location": f"{city}, {country}", "user_agent": "Firefox (120) - Windows (10)",
            "browser": "Firefox (120)", "os": "Windows 10", "platform": "Windows", "longitude": lon, "latitude": lat,
            "country_code": code, "country_name": country, "city": city, "region_code": "", "region_name": "",
        })
    return json.dumps({"downloads": rows})


def timed(what: str, work: Callable[[], object]) -> object:
    began = time.perf_counter()
    result = work()
    QApplication.processEvents()
    print(f"{what:<44} {(time.perf_counter() - began) * 1000:8.1f} ms")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    count = parser.parse_args().rows
    app = QApplication.instance() or QApplication(sys.argv)
    text = server_answer(count)
    print(f"{count:,} downloads, {len(text) / 1e6:.1f} MB of JSON")
    rows = timed("parse the answer (a worker thread in the app)", lambda: DOWNLOADS.read(json.loads(text)))
    assert isinstance(rows, list)

    with tempfile.TemporaryDirectory() as home:
        os.environ[HOME_VARIABLE] = home
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        with loop:
            parts = opened(AppPaths.from_environment(), Settings(), SecretStore())
            context = loop.run_until_complete(parts.__aenter__())
            try:
                measure(context, rows)
            finally:
                loop.run_until_complete(parts.__aexit__(None, None, None))


def measure(context: AppContext, rows: list[Download]) -> None:
    pane = DownloadLogPane(context)
    pane.resize(1200, 800)
    pane.show()
    QApplication.processEvents()
    timed("load into the pane (table, choices, summary)", lambda: pane.controller.set_rows(rows))
    timed("sort by size", lambda: pane.table.sortByColumn(column_of("size"), Qt.SortOrder.AscendingOrder))
    timed("sort by recipient", lambda: pane.table.sortByColumn(column_of("recipient"), Qt.SortOrder.DescendingOrder))
    timed("filter: text 'tokyo'", lambda: pane.controller.set_filter(LogFilter(text="tokyo")))
    timed("filter: country Germany", lambda: pane.controller.set_filter(LogFilter(country="Germany")))
    timed("filter: one file", lambda: pane.controller.set_filter(LogFilter(filename="report-07.pdf")))
    month = LogFilter(since=date(2026, 3, 1), until=date(2026, 3, 31))
    timed("filter: one month", lambda: pane.controller.set_filter(month))
    timed("filter: none (all rows back)", lambda: pane.controller.set_filter(LogFilter()))
    timed("charts: count and paint (all rows)", lambda: (pane.tabs.setCurrentIndex(1), pane.repaint()))
    timed("map: count and paint (all rows)", lambda: (pane.tabs.setCurrentIndex(2), pane.repaint()))
    timed("charts again after a filter (days known)", lambda: (pane.tabs.setCurrentIndex(1), pane.controller.set_filter(
        LogFilter(country="Germany")), pane.repaint()))
    pane.tabs.setCurrentIndex(2)
    timed("filter Japan with the map shown", lambda: (pane.controller.set_filter(LogFilter(country="Japan")),
                                                      pane.repaint()))
    timed("all rows back with the map shown", lambda: (pane.controller.set_filter(LogFilter()), pane.repaint()))


if __name__ == "__main__":
    main()
