"""How requests are written: only the fields given, dates as the API writes them, ids kept in their segment."""

from datetime import UTC, date, datetime

import pytest

from lfdesktop.api.client import _given, _path


def test_only_given_fields_are_sent_with_dates_as_days() -> None:
    fields = _given(expires_at=date(2026, 3, 1), authorization=None, private_message=False, expires_after=0)
    assert fields == {"expires_at": "2026-03-01", "private_message": False, "expires_after": 0}
    assert _given(expires_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC)) == {"expires_at": "2026-03-01"}


def test_ids_cannot_step_out_of_their_path_segment() -> None:
    """An id from a hostile server or a user's typing stays one segment of the endpoint's path."""
    assert _path("/attachments/{}", "a/../b?c#d") == "/attachments/a%2F..%2Fb%3Fc%23d"
    for bad in ("", ".", ".."):
        with pytest.raises(ValueError, match="not an id"):
            _path("/attachments/{}", bad)
