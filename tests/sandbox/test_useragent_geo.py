"""The download log's User-Agent parser and built-in address table, as plain functions."""

import ipaddress

import pytest

from lfdesktop.sandbox import geo, useragent

WINDOWS_CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.110"
    " Safari/537.36"
)


@pytest.mark.parametrize(
    ("agent", "browser", "os_name", "platform"),
    [
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_3) AppleWebKit/605.1.15 (KHTML, like Gecko)"
            " Version/12.0.3 Safari/605.1.15",
            "Safari (12.0.3)", "OS X 10.14.3", "Macintosh",
        ),
        (WINDOWS_CHROME, "Chrome (120.0.6099.110)", "Windows 10", "Windows"),
        (WINDOWS_CHROME + " Edg/120.0.2210.91", "Edge (120.0.2210.91)", "Windows 10", "Windows"),
        (
            "Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:115.0) Gecko/20100101 Firefox/115.0",
            "Firefox (115.0)", "Windows 7", "Windows",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:121.0) Gecko/20100101 Firefox/121.0",
            "Firefox (121.0)", "OS X 10.15", "Macintosh",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
            " Version/17.2 Mobile/15E148 Safari/604.1",
            "Safari (17.2)", "iOS 17.2.1", "iPhone",
        ),
        (
            "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
            " CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1",
            "Chrome (120.0.6099.119)", "iOS 16.6", "iPad",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
            " Chrome/120.0.6099.144 Mobile Safari/537.36",
            "Chrome (120.0.6099.144)", "Android 14", "Android",
        ),
        (
            "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
            "Firefox (121.0)", "Linux", "Linux",
        ),
        ("curl/8.5.0", "curl (8.5.0)", "", ""),
        ("python-httpx/0.28.1", "python-httpx (0.28.1)", "", ""),
        ("lfdesktop/0.3.1 (Windows-10-10.0.22631; AMD64) python-httpx/0.28.1", "lfdesktop (0.3.1)", "Windows 11",
         "Windows"),
        ("lfdesktop/0.3.1 (Windows-10-10.0.19045; AMD64)", "lfdesktop (0.3.1)", "Windows 10", "Windows"),
        ("lfdesktop/0.3.1 (macOS-14.2.1-arm64)", "lfdesktop (0.3.1)", "macOS 14.2.1", "Macintosh"),
        ("Wget/1.21.3", "Wget (1.21.3)", "", ""),
        ("", "Unknown", "", ""),
    ],
)
def test_user_agents_are_summarised(agent: str, browser: str, os_name: str, platform: str) -> None:
    parsed = useragent.parse(agent)
    assert (parsed.browser, parsed.os, parsed.platform) == (browser, os_name, platform)


def test_the_summary_reads_like_the_seed() -> None:
    assert useragent.Agent("Safari (12.0.3)", "OS X 10.14.3", "Macintosh").summary == (
        "Safari (12.0.3) - Macintosh (OS X 10.14.3)"
    )
    assert useragent.Agent("curl (8.5.0)", "", "").summary == "curl (8.5.0)"


def test_windows_11_is_told_by_the_client_hint() -> None:
    assert useragent.parse(WINDOWS_CHROME, '"15.0.0"').os == "Windows 11"
    assert useragent.parse(WINDOWS_CHROME, '"10.0.0"').os == "Windows 10"


@pytest.mark.parametrize(
    ("address", "city", "country_code"),
    [
        ("192.0.2.10", "Berlin", "DE"),
        ("198.51.100.40", "San Francisco", "US"),
        ("203.0.113.255", "Dubai", "AE"),
        ("127.0.0.1", "Ryde", "AU"),
        ("::1", "Ryde", "AU"),
        ("::ffff:192.0.2.33", "London", "GB"),
        ("10.1.2.3", "Ryde", "AU"),
        ("8.8.8.8", "", ""),
        ("not an address", "", ""),
    ],
)
def test_addresses_are_placed_from_the_table(address: str, city: str, country_code: str) -> None:
    place = geo.locate(address)
    assert (place.city, place.country_code) == (city, country_code)
    assert (place.latitude is None) == (city == "")


def test_the_table_covers_the_documentation_networks_without_overlap() -> None:
    networks = [block.network for block in geo.BLOCKS]
    assert 20 <= len(networks) <= 24
    documentation = [ipaddress.IPv4Network(net) for net in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")]
    assert all(any(net.subnet_of(doc) for doc in documentation) for net in networks)
    assert sum(net.num_addresses for net in networks) == len({address for net in networks for address in net})
    assert len({block.place.country_code for block in geo.BLOCKS}) >= 10
    assert all(-90 <= (block.place.latitude or 0) <= 90 and block.place.host for block in geo.BLOCKS)
