#!/usr/bin/env python3
"""Tests ci/swimlane.py on a Chrome trace.

  test_swimlane.py svg TRACE.json OUTDIR [--expect-failure INV]
      the SVG's structure: a lane per thread_name, a tick per access, the failure marker
      (with its invariant) exactly when the trace has a failure
  test_swimlane.py png TRACE.json OUTDIR [--expect-failure INV]
      the SVG rendered to PNG by headless Chromium: each lane's bar colour and, for a
      failure, the marker's red are in the picture; exit 77 (skipped) without chromium
"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import swimlane  # noqa: E402

SVGNS = "{http://www.w3.org/2000/svg}"


def make_svg(trace, outdir):
    os.makedirs(outdir, exist_ok=True)
    svg = os.path.join(outdir, os.path.basename(trace).replace(".json", "") + ".svg")
    with open(trace) as f:
        doc = json.load(f)
    with open(svg, "w") as f:
        f.write(swimlane.render(swimlane.Trace(doc)))
    return doc, svg


def check_svg(doc, svg, expect):
    events = doc["traceEvents"] if isinstance(doc, dict) else doc
    threads = {e.get("tid") for e in events if e.get("ph") == "M" and e.get("name") == "thread_name"}
    accesses = sum(1 for e in events if e.get("ph") == "i" and e.get("cat") in ("seam", "op"))
    root = ET.parse(svg).getroot()
    groups = {}
    for g in root.iter(SVGNS + "g"):
        groups.setdefault(g.get("class"), []).append(g)
    errs = []
    if len(groups.get("lane", [])) != len(threads):
        errs.append("%d lanes for %d threads" % (len(groups.get("lane", [])), len(threads)))
    if len(groups.get("tick", [])) != accesses:
        errs.append("%d ticks for %d accesses" % (len(groups.get("tick", [])), accesses))
    fails = groups.get("failure", [])
    if expect and [g.get("data-invariant") for g in fails] != [expect]:
        errs.append("failure markers %s, want one for %s" % ([g.get("data-invariant") for g in fails], expect))
    if not expect and fails:
        errs.append("a failure marker in a trace without a failure")
    return errs


def read_png(path):
    """(width, height, rows of (r, g, b) tuples) of an 8-bit RGB or RGBA PNG."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), "PNG depth %d colour type %d" % (depth, ctype)
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, bpp)])
        prev = line
    return w, h, rows


def rgb(hexcolour):
    return tuple(int(hexcolour[i:i + 2], 16) for i in (1, 3, 5))


def check_png(svg, outdir, nlanes, expect):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        print("SKIP: no chromium (apt-get install -y chromium)")
        sys.exit(77)
    root = ET.parse(svg).getroot()
    w, h = int(root.get("width")), int(root.get("height"))
    png = svg[:-4] + ".png"
    if os.path.exists(png):
        os.remove(png)
    profile = tempfile.mkdtemp()
    try:
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                        "--no-first-run", "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile,
                        "--screenshot=" + png, "--window-size=%d,%d" % (w, h), "file://" + os.path.abspath(svg)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if not os.path.exists(png):
        return ["chromium wrote no screenshot"]
    pw, ph, rows = read_png(png)
    counts = {}
    for row in rows:
        for p in row:
            counts[p] = counts.get(p, 0) + 1
    errs = []
    for i in range(nlanes):
        c = swimlane.LANE_COLOURS[i % len(swimlane.LANE_COLOURS)]
        if counts.get(rgb(c), 0) < 50:
            errs.append("lane %d's colour %s: %d pixels" % (i, c, counts.get(rgb(c), 0)))
    red = counts.get(rgb(swimlane.FAIL_COLOUR), 0)
    if expect and red < 100:
        errs.append("failure red %s: %d pixels" % (swimlane.FAIL_COLOUR, red))
    print("png: %s %dx%d, red pixels %d" % (png, pw, ph, red))
    return errs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["svg", "png"])
    ap.add_argument("trace")
    ap.add_argument("outdir")
    ap.add_argument("--expect-failure")
    a = ap.parse_args()
    doc, svg = make_svg(a.trace, a.outdir)
    errs = check_svg(doc, svg, a.expect_failure)
    if not errs and a.mode == "png":
        nlanes = len(swimlane.Trace(doc).lanes)
        errs = check_png(svg, a.outdir, nlanes, a.expect_failure)
    for e in errs:
        print("FAIL: %s: %s" % (svg, e))
    if not errs:
        print("ok: %s" % svg)
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
