"""Where a download came from: a small built-in table instead of a GeoIP database or DNS lookups.

The three documentation networks (RFC 5737) are split into blocks of real cities, so tests and demo data
can place a download anywhere by sending ``X-Forwarded-For`` from loopback. Loopback and private
addresses are the seed's example place, Ryde.
"""

import ipaddress
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Place:
    city: str
    region_code: str
    region_name: str
    country_code: str
    country_name: str
    latitude: float | None
    longitude: float | None
    host: str

    @property
    def location(self) -> str:
        """``Ryde, New South Wales, Australia``, as the download log shows it."""
        return ", ".join(part for part in (self.city, self.region_name, self.country_name) if part)


@dataclass(frozen=True)
class Block:
    network: ipaddress.IPv4Network
    place: Place


def _block(network: str, place: Place) -> Block:
    return Block(ipaddress.IPv4Network(network), place)


# Each documentation /24 is split into eight /27 blocks: Europe, the Americas, then Asia-Pacific,
# Africa and the Middle East.
BLOCKS: tuple[Block, ...] = (
    _block("192.0.2.0/27", Place("Berlin", "BE", "Berlin", "DE", "Germany", 52.52, 13.405, "gw.berlin.example.de")),
    _block("192.0.2.32/27", Place("London", "ENG", "England", "GB", "United Kingdom", 51.5072, -0.1276,
        "proxy.london.example.co.uk")),
    _block("192.0.2.64/27", Place("Paris", "IDF", "Île-de-France", "FR", "France", 48.8566, 2.3522,
        "gateway.paris.example.fr")),
    _block("192.0.2.96/27", Place("Stockholm", "AB", "Stockholm County", "SE", "Sweden", 59.3293, 18.0686,
        "fw.stockholm.example.se")),
    _block("192.0.2.128/27", Place("Madrid", "MD", "Community of Madrid", "ES", "Spain", 40.4168, -3.7038,
        "nat.madrid.example.es")),
    _block("192.0.2.160/27", Place("Zurich", "ZH", "Zurich", "CH", "Switzerland", 47.3769, 8.5417,
        "edge.zurich.example.ch")),
    _block("192.0.2.192/27", Place("Warsaw", "MZ", "Masovian Voivodeship", "PL", "Poland", 52.2297, 21.0122,
        "gw.warsaw.example.pl")),
    _block("192.0.2.224/27", Place("Amsterdam", "NH", "North Holland", "NL", "Netherlands", 52.3676, 4.9041,
        "proxy.amsterdam.example.nl")),
    _block("198.51.100.0/27", Place("New York", "NY", "New York", "US", "United States", 40.7128, -74.006,
        "gateway.nyc.example.com")),
    _block("198.51.100.32/27", Place("San Francisco", "CA", "California", "US", "United States", 37.7749, -122.4194,
        "vpn.sf.example.com")),
    _block("198.51.100.64/27", Place("Chicago", "IL", "Illinois", "US", "United States", 41.8781, -87.6298,
        "fw.chicago.example.com")),
    _block("198.51.100.96/27", Place("Toronto", "ON", "Ontario", "CA", "Canada", 43.6532, -79.3832,
        "gw.toronto.example.ca")),
    _block("198.51.100.128/27", Place("Mexico City", "CMX", "Ciudad de México", "MX", "Mexico", 19.4326, -99.1332,
        "proxy.cdmx.example.mx")),
    _block("198.51.100.160/27", Place("São Paulo", "SP", "São Paulo", "BR", "Brazil", -23.5505, -46.6333,
        "gateway.saopaulo.example.com.br")),
    _block("198.51.100.192/27", Place("Buenos Aires", "C", "Buenos Aires", "AR", "Argentina", -34.6037, -58.3816,
        "nat.buenosaires.example.com.ar")),
    _block("198.51.100.224/27", Place("Vancouver", "BC", "British Columbia", "CA", "Canada", 49.2827, -123.1207,
        "edge.vancouver.example.ca")),
    _block("203.0.113.0/27", Place("Tokyo", "13", "Tokyo", "JP", "Japan", 35.6762, 139.6503, "gw.tokyo.example.jp")),
    _block("203.0.113.32/27", Place("Singapore", "01", "Central Singapore", "SG", "Singapore", 1.3521, 103.8198,
        "proxy.example.com.sg")),
    _block("203.0.113.64/27", Place("Mumbai", "MH", "Maharashtra", "IN", "India", 19.076, 72.8777,
        "gateway.mumbai.example.in")),
    _block("203.0.113.96/27", Place("Sydney", "NSW", "New South Wales", "AU", "Australia", -33.8688, 151.2093,
        "fw.sydney.example.com.au")),
    _block("203.0.113.128/27", Place("Auckland", "AUK", "Auckland", "NZ", "New Zealand", -36.8485, 174.7633,
        "gw.auckland.example.co.nz")),
    _block("203.0.113.160/27", Place("Johannesburg", "GP", "Gauteng", "ZA", "South Africa", -26.2041, 28.0473,
        "proxy.johannesburg.example.co.za")),
    _block("203.0.113.192/27", Place("Nairobi", "30", "Nairobi City", "KE", "Kenya", -1.2921, 36.8219,
        "gateway.nairobi.example.co.ke")),
    _block("203.0.113.224/27", Place("Dubai", "DU", "Dubai", "AE", "United Arab Emirates", 25.2048, 55.2708,
        "edge.dubai.example.ae")),
)

LOCAL = Place("Ryde", "NSW", "New South Wales", "AU", "Australia", -33.7913, 151.1298, "localhost")
UNKNOWN = Place("", "", "", "", "", None, None, "")


def parse_address(text: str) -> IPAddress | None:
    """An IP address, IPv4-mapped IPv6 unwrapped; None for anything else."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def locate(text: str) -> Place:
    address = parse_address(text)
    if address is None:
        return UNKNOWN
    for block in BLOCKS:
        if address in block.network:
            return block.place
    # Checked after the table: Python counts the documentation networks as private too.
    if address.is_loopback or address.is_private or address.is_link_local:
        return LOCAL
    return UNKNOWN
