#!/usr/bin/env python3
"""Draws a Chrome trace (runq-replay / runq-explore --chrome-trace, runq-torture's
<fail-file>.trace.json) as a self-contained swimlane SVG, offline, standard library only.

  swimlane.py TRACE.json [-o OUT.svg]      (default: TRACE with .svg for .json)

A lane per thread; each op a bar named after it; each seam access a tick coloured by its
memory order (rlx, acq, rel, sc; ar = acq_rel), labelled when there is room; a preemption a
black triangle; the failure a red line across everything, labelled with its invariant; and
under the lanes a strip per queue (each P's ring length, with a bar where its runnext is
set; the global queue's size) over the same time axis. Every mark has a <title>, shown on
hover when the SVG is opened in a browser.

Each lane's op bars have one fill colour (LANE_COLOURS, in order), the failure is
FAIL_COLOUR: tests look for those pixels in a rendering.
"""
import argparse
import html
import json
import os
import re
import sys

LANE_COLOURS = ["#9ecae1", "#a1d99b", "#fdd0a2", "#dadaeb", "#c7e9c0", "#fde0ef", "#d9d9d9",
                "#c6dbef"]
ORDER_COLOURS = {"rlx": "#8c8c8c", "acq": "#1f62b4", "rel": "#2c9c2c", "sc": "#6a3d9a",
                 "ar": "#e07b00"}
FAIL_COLOUR = "#e41a1c"
LEFT, RIGHT, TOP = 110, 40, 62
LANE_H, STRIP_H = 46, 30
FONT = "font-family='DejaVu Sans Mono, monospace'"


class Trace:
    def __init__(self, doc):
        events = doc["traceEvents"] if isinstance(doc, dict) else doc
        other = doc.get("otherData", {}) if isinstance(doc, dict) else {}
        self.steps = "step" in str(other.get("time", ""))
        self.title = ""
        self.names, self.sort = {}, {}
        self.slices, self.ticks, self.marks, self.counters = [], [], [], {}
        self.failure = None
        self.tmax, self.tmin = 0.0, None
        open_ = {}
        for e in events:
            ph, tid, ts = e.get("ph"), e.get("tid", 0), float(e.get("ts", 0))
            self.tmax = max(self.tmax, ts)
            if ph != "M":
                self.tmin = ts if self.tmin is None else min(self.tmin, ts)
            if ph == "M" and e.get("name") == "process_name":
                self.title = e.get("args", {}).get("name", "")
            elif ph == "M" and e.get("name") == "thread_name":
                self.names[tid] = e.get("args", {}).get("name", "T%d" % tid)
            elif ph == "M" and e.get("name") == "thread_sort_index":
                self.sort[tid] = e.get("args", {}).get("sort_index", tid)
            elif ph == "B":
                open_.setdefault(tid, []).append((ts, e.get("name", ""), e.get("cat", "")))
            elif ph == "E" and open_.get(tid):
                b, name, cat = open_[tid].pop()
                self.slices.append((tid, b, ts, name, cat, len(open_[tid])))
            elif ph == "C":
                for k, v in e.get("args", {}).items():
                    name = e["name"] if k == "value" else "%s %s" % (e["name"], k)
                    self.counters.setdefault(name, []).append((ts, float(v)))
            elif ph == "i" and e.get("cat") == "failure" and e.get("s") == "g":
                a = e.get("args", {})
                inv = a.get("invariant") or e.get("name", "").replace("!!! invariant=", "")
                self.failure = (ts, tid, inv, a.get("thread", ""), a.get("message", ""))
            elif ph == "i" and e.get("cat") in ("seam", "op"):
                self.ticks.append((tid, ts, e.get("name", ""), e.get("args", {})))
            elif ph == "i":
                self.marks.append((tid, ts, e.get("name", ""), e.get("cat", "")))
        for tid, stack in open_.items():  # slices the file never closed
            for depth, (b, name, cat) in enumerate(stack):
                self.slices.append((tid, b, self.tmax, name + " (no end)", cat, depth))
        for s in self.slices + self.ticks + self.marks:
            self.names.setdefault(s[0], "T%d" % s[0])
        self.lanes = sorted(self.names, key=lambda t: (self.sort.get(t, t), t))


def order_of(args):
    kind = str(args.get("kind", ""))
    for o in ORDER_COLOURS:
        if kind.endswith(" " + o):
            return o
    return None


def esc(s):
    return html.escape(str(s), quote=True)


def fit(text, width, char_w=6.6):
    n = int(width / char_w)
    if n <= 1:
        return ""
    return text if len(text) <= n else text[:max(n - 1, 1)] + "\u2026"


def strips(tr):
    """(label, points, runnext points) per queue strip: each P, then the global queue."""
    out = []
    for name in sorted(tr.counters):
        m = re.match(r"(P\d+) ring length$", name)
        if m:
            out.append((m.group(1) + " ring", tr.counters[name],
                        tr.counters.get(m.group(1) + " runnext set", [])))
    for name in sorted(tr.counters):
        if not re.match(r"P\d+ (ring length|runnext set)$", name):
            out.append((name.replace(" size", ""), tr.counters[name], []))
    return out


def render(tr):
    # From the first event (runq-torture's file holds only the last ops of a long run), with
    # room right of the last one (often the failure).
    t0 = tr.tmin or 0.0
    span = max(tr.tmax - t0, 1.0) * 1.02
    tmax = t0 + span
    plot_w = min(6000, max(1000, int(span * 24))) if tr.steps else 1400
    px = plot_w / span
    x = lambda t: LEFT + (t - t0) * px  # noqa: E731
    lane_y = {tid: TOP + i * LANE_H for i, tid in enumerate(tr.lanes)}
    st = strips(tr)
    strip_top = TOP + len(tr.lanes) * LANE_H + 16
    legend_y = strip_top + len(st) * STRIP_H + 28
    W, H = LEFT + plot_w + RIGHT, legend_y + 44
    o = ["<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' viewBox='0 0 %d %d' %s "
         "font-size='11'>" % (W, H, W, H, FONT),
         "<rect width='100%' height='100%' fill='white'/>",
         "<text x='8' y='16' font-size='13'>%s</text>" % esc(tr.title)]
    unit = "step" if tr.steps else "us"
    step = 1
    while span / step > 20:  # 1, 2, 5, 10, 20, 50, ...: at most 20 ticks
        step = step * 5 // 2 if str(step)[0] == "2" else step * 2
    for t in range(-(-int(t0) // step) * step, int(tmax) + 1, step):  # time axis
        o.append("<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#eeeeee'/>"
                 % (x(t), TOP - 8, x(t), strip_top + len(st) * STRIP_H))
        o.append("<text x='%.1f' y='%d' fill='#666666' text-anchor='middle'>%d</text>" % (x(t), TOP - 12, t))
    o.append("<text x='8' y='%d' fill='#666666'>%s</text>" % (TOP - 12, unit))
    for i, tid in enumerate(tr.lanes):  # lanes
        y = lane_y[tid]
        o.append("<g class='lane' data-thread='%s'>" % esc(tr.names[tid]))
        o.append("<rect x='0' y='%d' width='%d' height='%d' fill='%s'/>"
                 % (y, W, LANE_H, "#fafafa" if i % 2 else "#ffffff"))
        o.append("<text x='8' y='%d' font-size='12' font-weight='bold'>%s</text>" % (y + 19, esc(tr.names[tid])))
        o.append("</g>")
    colour = {tid: LANE_COLOURS[i % len(LANE_COLOURS)] for i, tid in enumerate(tr.lanes)}
    for tid, b, e, name, cat, depth in sorted(tr.slices, key=lambda s: s[5]):  # op bars
        # an inner slice (sched.lock held) is a dark strip along the op's bottom edge
        y = lane_y[tid] + (4 if depth == 0 else 21)
        h = 22 if depth == 0 else 5
        w = max(3.0, (e - b) * px)
        fill = colour[tid] if depth == 0 else "#555555"
        o.append("<g class='op'><title>%s [%g, %g]</title><rect x='%.1f' y='%d' width='%.1f' height='%d' "
                 "fill='%s' stroke='#555555' stroke-width='0.6'/>" % (esc(name), b, e, x(b), y, w, h, fill))
        label = fit(name, w - 6) if depth == 0 else ""
        if label:
            o.append("<text x='%.1f' y='%d'>%s</text>" % (x(b) + 3, y + 15, esc(label)))
        o.append("</g>")
    room = px >= 16
    for tid, t, name, args in tr.ticks:  # seam accesses
        y = lane_y[tid] + 28
        order = order_of(args)
        c = ORDER_COLOURS.get(order, "#555555")
        tip = "%s %s %s" % (name, args.get("value", ""), args.get("kind", args.get("op", "")))
        o.append("<g class='tick'><title>%s @%g</title><line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='%s' "
                 "stroke-width='2'/>" % (esc(tip), t, x(t), y, x(t), y + 8, c))
        if room and order:
            o.append("<text x='%.1f' y='%d' font-size='8' fill='%s' text-anchor='middle'>%s</text>"
                     % (x(t), y + 16, c, order))
        o.append("</g>")
    for tid, t, name, cat in tr.marks:  # preemptions, back-offs, what a thread was doing
        y = lane_y[tid] + 2
        fill = FAIL_COLOUR if cat == "failure" else "#000000"
        o.append("<g class='mark'><title>%s @%g</title><path d='M%.1f %d l-4 -5 h8 z' fill='%s'/></g>"
                 % (esc(name), t, x(t), y + 3, fill))
    for i, (label, pts, nxt) in enumerate(st):  # the queues
        y = strip_top + i * STRIP_H
        most = max([v for _, v in pts] + [0])
        top = max(most, 1)
        o.append("<g class='queue'><text x='8' y='%d'>%s</text>" % (y + 14, esc(label)))
        o.append("<text x='8' y='%d' fill='#666666' font-size='9'>max %g</text>" % (y + 25, most))
        o.append("<rect x='%d' y='%d' width='%d' height='%d' fill='none' stroke='#dddddd'/>"
                 % (LEFT, y + 2, plot_w, STRIP_H - 4))
        path = []
        for j, (t, v) in enumerate(pts):
            yy = y + STRIP_H - 3 - v / top * (STRIP_H - 8)
            path.append(("M%.1f %.1f" if j == 0 else "H%.1f V%.1f") % (x(t), yy))
        if path:
            path.append("H%.1f" % x(tmax))
            o.append("<path d='%s' fill='none' stroke='#444444' stroke-width='1.5'/>" % " ".join(path))
        for j, (t, v) in enumerate(nxt):
            if v:
                end = nxt[j + 1][0] if j + 1 < len(nxt) else tmax
                o.append("<rect x='%.1f' y='%d' width='%.1f' height='3' fill='#e07b00'><title>runnext set</title></rect>"
                         % (x(t), y + 3, max(1.0, (end - t) * px)))
        o.append("</g>")
    if tr.failure:
        t, tid, inv, who, msg = tr.failure
        bottom = strip_top + len(st) * STRIP_H
        o.append("<g class='failure' data-invariant='%s'><title>%s</title>" % (esc(inv), esc(msg)))
        o.append("<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='%s' stroke-width='3'/>"
                 % (x(t), TOP - 26, x(t), bottom, FAIL_COLOUR))
        label = "!!! %s%s at %s %s" % (inv, " (%s)" % who if who else "", unit, "%d" % t if t == int(t) else "%.1f" % t)
        anchor = "end" if x(t) > W / 2 else "start"
        dx = -6 if anchor == "end" else 6
        o.append("<text x='%.1f' y='%d' fill='%s' font-size='13' font-weight='bold' text-anchor='%s'>%s</text>"
                 % (x(t) + dx, TOP - 30, FAIL_COLOUR, anchor, esc(label)))
        o.append("</g>")
    lx = 8  # legend
    for name, c in ORDER_COLOURS.items():
        o.append("<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='%s' stroke-width='2'/><text x='%d' y='%d'>%s</text>"
                 % (lx, legend_y - 9, lx, legend_y + 1, c, lx + 5, legend_y, name))
        lx += 50
    o.append("<text x='%d' y='%d'>ticks: seam accesses by memory order (ar: acq_rel)</text>" % (lx + 10, legend_y))
    o.append("<text x='8' y='%d'>bars: ops (dark strip: sched.lock held); \u25bc preemption (black) or what a "
             "thread was doing at the failure (red); strips: queue lengths (orange: runnext set)</text>"
             % (legend_y + 18))
    o.append("</svg>")
    return "\n".join(o) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("trace")
    ap.add_argument("-o", "--out")
    a = ap.parse_args()
    try:
        with open(a.trace) as f:
            tr = Trace(json.load(f))
    except (OSError, ValueError, KeyError, TypeError) as e:
        print("swimlane: %s: not a Chrome trace: %s" % (a.trace, e), file=sys.stderr)
        return 2
    out = a.out or (a.trace[:-5] if a.trace.endswith(".json") else a.trace) + ".svg"
    with open(out, "w") as f:
        f.write(render(tr))
    print("swimlane: %s (%d lanes, %d ops, %d accesses%s)"
          % (out, len(tr.lanes), len(tr.slices), len(tr.ticks),
             ", failure %s" % tr.failure[2] if tr.failure else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
