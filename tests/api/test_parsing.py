"""Reading answers as real servers write them (the seeds' own examples): no server needed."""

import copy
from datetime import UTC, date, datetime
from typing import Any

import pytest

from lfdesktop.api.client import ATTACHMENTS, DOWNLOADS, FILEDROPS, INBOX, LINKS, MESSAGE, SENT
from lfdesktop.api.errors import ProtocolError
from lfdesktop.api.models import Attachment, crc32_matches

# seeds/002: the older "YYYY-MM-DD HH:MM:SS" date-times.
SEED_MESSAGE: dict[str, Any] = {
    "id": "1p4EHkeNzM5b2qO7kyNEIy", "sender": "user@example.com", "recipients": ["user@example.com"],
    "expires_at": "2011-07-23", "expires_after": 0, "authorization": 3,
    "authorization_description": "Only Specified Recipients can access", "size": 53516, "subject": "test subject",
    "message": "Test Message", "private_message": False, "ccs": [],
    "url": "https://www.example.com/message/1p4EHkeNzM5b2qO7kyNEIy", "created_at": "2011-07-09 06:51:07",
    "attachments": [{
        "id": "fHbIuSIou38Txc0jVrobEp", "filename": "176638.strip.gif", "size": 53516, "content_type": "image/gif",
        "checksum": "07dc261df7ff3f428e1f115dfde91ecccd83c9ebb896962918de5a56272141ad", "crc32": "acb7c906",
        "created_at": "2011-07-09 06:51:07",
        "url": "https://www.example.com/message/lLIpq63PmFuIGCtmEsl3JG/fHbIuSIou38Txc0jVrobEp/ddMilLfDbOvo4QlzttYMlT/"
               "176638.strip.gif",
    }],
}

# seeds/000: ISO 8601 with milliseconds and Z, an integer id, a duration and a latitude that may be strings.
SEED_DOWNLOAD: dict[str, Any] = {
    "id": 36, "attachment_id": "0b9gOijTtXAtdqdpb4kjUs", "message_id": None, "filelink_id": "JfQg4f0j4dbO1OspMhYZ4a",
    "filename": "somefile.ext", "size": 53516, "content_type": "image/gif",
    "checksum": "07dc261df7ff3f428e1f115dfde91ecccd83c9ebb896962918de5a56272141ad", "crc32": "acb7c906",
    "downloaded_at": "2019-01-29T08:56:47.866Z", "user_id": "user-company-com", "recipient": "remote@partner.com",
    "remote_ip": "192.1.2.4", "remote_host": "gateway.partner.com (192.1.2.4)", "download_time": "1.11",
    "download_speed": 48106, "location": "Ryde, New South Wales, Australia",
    "user_agent": "Safari (12.0.3) - Macintosh (OS X 10.14.3)", "browser": "Safari (12.0.3)", "os": "OS X 10.14.3",
    "platform": "Macintosh", "longitude": 151.1298, "latitude": "-33.7913", "country_code": "AU",
    "country_name": "Australia", "city": "Ryde", "region_code": "NSW", "region_name": "New South Wales",
}

# seeds/004: comma-separated lists in strings.
SEED_FILEDROP: dict[str, Any] = {
    "id": "support", "name": "support", "title": "Support Files",
    "description": "Please upload any required support files.", "owner": "joe-user-company-com",
    "invalid_extensions": "", "accepted_filetypes": "doc, docx, pdf, zip", "expires_after": 14, "max_filesize": 1000,
    "require_validation": False, "password": "top secret", "cc": "", "authorization": 3,
}

# seeds/003, with the size as a string as some servers send it.
SEED_ATTACHMENT: dict[str, Any] = {
    "id": "8mop0J8KXRa93DasEdTdiJ", "filename": "quod.odp", "size": "3132812", "content_type": "video/quicktime",
    "checksum": "5A9A8CB868A53679B9E28D06523CDD6580044560A98401DA9B81C8314056DCCC", "crc32": "44b411",
    "assembled": True, "virus_scan_required": True, "virus_scanned": True,
    "virus_scanned_at": "2019-12-10T00:41:23.300Z",
    "content_blocked": False, "content_blocked_message": None, "processed": True,
    "processed_at": "2019-12-10T00:41:23.300Z", "expires_at": "2020-01-09", "created_at": "2019-12-10T00:41:22.000Z",
    "available": True, "size_human": "2.99 MB", "messages": ["ctunaJMapLydXlG694MsAA"], "filelinks": [],
}

SEED_LINK: dict[str, Any] = {
    "id": "pOIcoQ1NbJ8Lmp19hd9Vo3", "filename": "screenshot.png", "send_download_confirmation": True,
    "require_authentication": True, "size": 147874, "size_human": "144 KB", "expires_at": "2017-01-03",
    "url": "https://test.host/link/pOIcoQ1NbJ8Lmp19hd9Vo3", "created_at": "2016-12-19T21:54:54.000Z",
    "updated_at": "2016-12-19T21:54:54.000Z",
}


def test_both_date_time_formats() -> None:
    message = MESSAGE.read({"message": SEED_MESSAGE})
    assert message.created_at == datetime(2011, 7, 9, 6, 51, 7, tzinfo=UTC)
    assert message.attachments[0].created_at == datetime(2011, 7, 9, 6, 51, 7, tzinfo=UTC)
    assert message.expires_at == date(2011, 7, 23)
    [download] = DOWNLOADS.read({"downloads": [SEED_DOWNLOAD]})
    assert download.downloaded_at == datetime(2019, 1, 29, 8, 56, 47, 866000, tzinfo=UTC)


def test_numbers_sent_as_strings() -> None:
    [download] = DOWNLOADS.read({"downloads": [SEED_DOWNLOAD]})
    assert (download.id, download.download_time, download.latitude, download.longitude) == (
        "36", 1.11, -33.7913, 151.1298
    )
    assert (download.message_id, download.filelink_id) == (None, "JfQg4f0j4dbO1OspMhYZ4a")
    [attachment] = ATTACHMENTS.read({"attachments": [SEED_ATTACHMENT]})
    assert attachment.size == 3132812
    assert attachment.checksum == SEED_ATTACHMENT["checksum"].lower()


def test_one_message_under_message_or_messages() -> None:
    documented, seeded = MESSAGE.read({"message": SEED_MESSAGE}), MESSAGE.read({"messages": SEED_MESSAGE})
    assert documented == seeded
    assert (seeded.id, seeded.subject, seeded.attachments[0].url) == (
        "1p4EHkeNzM5b2qO7kyNEIy", "test subject", SEED_MESSAGE["attachments"][0]["url"]
    )
    with pytest.raises(ProtocolError, match="under 'message' or 'messages'"):
        MESSAGE.read({"msg": SEED_MESSAGE})


def test_message_lists() -> None:
    assert INBOX.read({"messages": [SEED_MESSAGE]}) == [MESSAGE.read({"message": SEED_MESSAGE})]
    assert SENT.read({"sent": [SEED_MESSAGE]}) == SENT.read({"messages": [SEED_MESSAGE]}) == INBOX.read(
        {"messages": [SEED_MESSAGE]}
    )
    assert INBOX.read({"messages": []}) == []
    with pytest.raises(ProtocolError, match="Expected messages to be a list, got dict"):
        INBOX.read({"messages": SEED_MESSAGE})


def test_both_filedrop_list_shapes() -> None:
    seeded = FILEDROPS.read([{"filedrop": SEED_FILEDROP}])  # seeds/004: a bare array of wrapped records
    assert FILEDROPS.read({"filedrops": [SEED_FILEDROP]}) == seeded
    assert FILEDROPS.read({"filedrops": [{"filedrop": SEED_FILEDROP}]}) == seeded
    assert FILEDROPS.read([SEED_FILEDROP]) == seeded
    [filedrop] = seeded
    assert (filedrop.id, filedrop.accepted_filetypes, filedrop.invalid_extensions, filedrop.cc) == (
        "support", ("doc", "docx", "pdf", "zip"), (), ()
    )


def test_links_as_a_bare_array() -> None:
    """seeds/001 words the answer as "a JSON Array", its example as ``{"links": [...]}``."""
    assert LINKS.read([SEED_LINK]) == LINKS.read({"links": [SEED_LINK]})
    [link] = LINKS.read({"links": [SEED_LINK]})
    assert (link.expires_at, link.size_human, link.updated_at) == (
        date(2017, 1, 3), "144 KB", datetime(2016, 12, 19, 21, 54, 54, tzinfo=UTC)
    )


def test_a_record_without_an_id_is_a_protocol_error() -> None:
    nameless = copy.deepcopy(SEED_ATTACHMENT)
    del nameless["id"]
    with pytest.raises(ProtocolError, match=r"^Item 2 of attachments: attachment has no id$"):
        ATTACHMENTS.read({"attachments": [SEED_ATTACHMENT, nameless]})
    with pytest.raises(ProtocolError, match="attachment has no id"):
        Attachment.from_json({**SEED_ATTACHMENT, "id": ""})
    broken = copy.deepcopy(SEED_MESSAGE)
    del broken["attachments"][0]["id"]
    with pytest.raises(ProtocolError, match="message attachment has no id"):
        MESSAGE.read({"message": broken})


def test_a_field_of_the_wrong_kind_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError, match="size should be a whole number"):
        Attachment.from_json({**SEED_ATTACHMENT, "size": "big"})
    with pytest.raises(ProtocolError, match="created_at should be a date and time"):
        Attachment.from_json({**SEED_ATTACHMENT, "created_at": "yesterday"})
    with pytest.raises(ProtocolError, match="Expected attachment to be a JSON object, got str"):
        ATTACHMENTS.read({"attachments": ["8mop0J8KXRa93DasEdTdiJ"]})


def test_crc32_is_compared_as_a_number() -> None:
    ours = 0x0044B411
    assert crc32_matches("44b411", ours)  # servers print it without leading zeros
    assert crc32_matches("0044b411", ours)
    assert crc32_matches("44B411", ours)
    assert not crc32_matches("44b412", ours)
    assert not crc32_matches("", ours)
    assert not crc32_matches("not hex", ours)
