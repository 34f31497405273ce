#!/usr/bin/env python3
"""Render Vigil's app icons (PNG) from the design of public/favicon.svg.

    python3 public/icons/make-icons.py            # writes next to this script
    python3 public/icons/make-icons.py --out DIR

Standard library only (zlib, struct): no browser, no Pillow, so the output is the same on
every machine (pixel for pixel; the bytes too with the same zlib).

The favicon, in its 32x32 viewBox:
    <circle cx=16 cy=16 r=14 fill=#0f141a stroke=#4ea1ff stroke-width=3/>   dark disc, blue ring
    <circle cx=16 cy=16 r=5  fill=#ff4d4f/>                                  red dot
Every shape is a circle around the centre, so each pixel's colour follows from its distance to
the centre; edges are anti-aliased by the pixel's coverage (distance to the edge, +-0.5 px).
"""
import argparse
import math
import os
import struct
import zlib

# The favicon's shapes in viewBox units (viewBox 0 0 32 32, centre 16,16).
VIEWBOX = 32.0
DISC_R = 14.0                     # fill, under the ring
RING_IN, RING_OUT = 12.5, 15.5    # r=14 with stroke-width 3
DOT_R = 5.0
DISC = (0x0F, 0x14, 0x1A)
RING = (0x4E, 0xA1, 0xFF)
DOT = (0xFF, 0x4D, 0x4F)
BACKGROUND = (0x10, 0x15, 0x1C)   # the manifest's background_color / theme_color
WHITE = (0xFF, 0xFF, 0xFF)

# name, size in px, share of the side the 32-unit viewBox takes, background (None: transparent)
ICONS = [
    # purpose "any": the favicon as it is, scaled up, transparent corners
    ("icon-192.png", 192, 1.0, None),
    ("icon-512.png", 512, 1.0, None),
    # purpose "maskable": full-bleed background; the viewBox fills the central 80 %, so the
    # whole design (radius 15.5/32 of 80 % = 38.75 % of the side) is inside the safe-zone
    # circle (radius 40 %) and survives any mask shape
    ("maskable-512.png", 512, 0.8, BACKGROUND),
    # iOS home screen: opaque (iOS paints transparency black), iOS rounds the corners itself
    ("apple-touch-icon.png", 180, 0.875, BACKGROUND),
]
# Notification badge (Android's status bar): only the alpha channel is used, so a white
# silhouette of ring and dot on transparency.
BADGE = ("badge-96.png", 96)


def coverage(radius, d):
    """Share of a pixel whose centre is `d` px from the centre that lies inside `radius` px."""
    return min(1.0, max(0.0, radius - d + 0.5))


def over(dst, color, alpha):
    """Composites `color` with opacity `alpha` over the straight-alpha RGBA pixel `dst`."""
    if alpha <= 0.0:
        return dst
    r, g, b, a = dst
    out_a = alpha + a * (1.0 - alpha)
    k = a * (1.0 - alpha)
    return (
        (color[0] * alpha + r * k) / out_a,
        (color[1] * alpha + g * k) / out_a,
        (color[2] * alpha + b * k) / out_a,
        out_a,
    )


def render(size, share, background):
    """Rows of RGBA pixels (floats, colour 0..255, alpha 0..1) of one icon."""
    scale = size * share / VIEWBOX          # px per viewBox unit
    c = size / 2.0
    bg = (*background, 1.0) if background else (0.0, 0.0, 0.0, 0.0)
    rows = []
    for y in range(size):
        row = []
        for x in range(size):
            d = math.hypot(x + 0.5 - c, y + 0.5 - c)
            px = bg
            px = over(px, DISC, coverage(DISC_R * scale, d))
            px = over(px, RING, coverage(RING_OUT * scale, d) - coverage(RING_IN * scale, d))
            px = over(px, DOT, coverage(DOT_R * scale, d))
            row.append(px)
        rows.append(row)
    return rows


def render_badge(size):
    scale = size / VIEWBOX
    c = size / 2.0
    rows = []
    for y in range(size):
        row = []
        for x in range(size):
            d = math.hypot(x + 0.5 - c, y + 0.5 - c)
            ring = coverage(RING_OUT * scale, d) - coverage(RING_IN * scale, d)
            row.append((*WHITE, max(ring, coverage(DOT_R * scale, d))))
        rows.append(row)
    return rows


def png(rows, opaque):
    """PNG bytes: 8-bit RGB (opaque) or RGBA, no ancillary chunks (nothing varies per run)."""
    height, width = len(rows), len(rows[0])
    raw = bytearray()
    for row in rows:
        raw.append(0)  # filter: none
        for r, g, b, a in row:
            raw += bytes((round(r), round(g), round(b)))
            if not opaque:
                raw.append(round(a * 255))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    color_type = 2 if opaque else 6
    ihdr = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b""))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    jobs = [(name, render(size, share, bg), bg is not None) for name, size, share, bg in ICONS]
    jobs.append((BADGE[0], render_badge(BADGE[1]), False))
    for name, rows, opaque in jobs:
        path = os.path.join(args.out, name)
        with open(path, "wb") as f:
            f.write(png(rows, opaque))
        print(f"{path}: {len(rows[0])}x{len(rows)} {'RGB' if opaque else 'RGBA'}")


if __name__ == "__main__":
    main()
