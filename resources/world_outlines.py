"""Makes ``lfdesktop/resources/world-110m.json``, the download log map's country outlines, from the npm
package ``world-atlas`` 2.0.2 (Natural Earth 4.1.0 Admin 0 countries, 1:110m, public domain; the package's own
code is ISC): ``npm pack world-atlas@2``, unpack, then ``python resources/world_outlines.py
package/countries-110m.json lfdesktop/resources/world-110m.json``.

The TopoJSON's arcs are decoded into one list of rings per country; rings that cross the antimeridian are made
continuous (and copied a world away); points closer than a tenth of a degree to the one before are dropped;
each ring is written as whole tenths of a degree, delta-encoded: ``[x0, y0, dx1, dy1, ...]`` (longitude then
latitude). Holes (lakes) are dropped: the map fills land only.
"""

import itertools
import json
import sys
from pathlib import Path

STEP = 10  # tenths of a degree


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def unwrapped(points: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A ring that crosses the antimeridian (Fiji, Russia) made continuous, plus its copy a world away so that
    both sides of the map show their part (the map clips what falls outside)."""
    shift = 0.0
    continuous = [points[0]]
    for (lon0, _), (lon, lat) in itertools.pairwise(points):
        if lon - lon0 > 180:
            shift -= 360
        elif lon0 - lon > 180:
            shift += 360
        continuous.append((lon + shift, lat))
    east, west = max(lon for lon, _ in continuous), min(lon for lon, _ in continuous)
    if east > 180:
        return [continuous, [(lon - 360, lat) for lon, lat in continuous]]
    if west < -180:
        return [continuous, [(lon + 360, lat) for lon, lat in continuous]]
    return [continuous]


def encoded(points: list[tuple[float, float]]) -> list[int]:
    flat: list[int] = []
    last: tuple[int, int] | None = None
    for lon, lat in points:
        x, y = round(lon * STEP), round(lat * STEP)
        if last is None:
            flat += [x, y]
        elif (x, y) != last:
            flat += [x - last[0], y - last[1]]
        else:
            continue
        last = (x, y)
    return flat


def main(source: Path, target: Path) -> None:
    topology = json.loads(source.read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        kind = geometry.get("type")
        polygons = geometry["arcs"] if kind == "MultiPolygon" else [geometry["arcs"]] if kind == "Polygon" else []
        outer = [ring(arcs, polygon[0]) for polygon in polygons]  # the outer ring of each polygon
        rings = [encoded(piece) for points in outer for piece in unwrapped(points)]
        rings = [points for points in rings if len(points) >= 6]
        if rings:
            countries.append([geometry.get("properties", {}).get("name", ""), rings])
    data = {
        "source": "Natural Earth 4.1.0 Admin 0 countries 1:110m (public domain), via npm world-atlas 2.0.2",
        "scale": STEP,
        "countries": countries,
    }
    target.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
