# SPDX-License-Identifier: ISC
"""What every bench module shares: the regress suite's sandbox helpers,
medians with their range, and the one table `make bench` prints
(figure | robot | anchor | ratio | target) and writes as JSON."""

import json
import os
import re
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "regress"))
import lib  # noqa: E402,F401  (re-exported for the modules)

QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))


def stamp(line):
    """The epoch time of a robot log line (its ISO 8601 UTC prefix)."""
    t = re.match(r"(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)\.(\d+)Z", line)
    if not t:
        return None
    y, mo, d, h, mi, s, frac = t.groups()
    import calendar
    return calendar.timegm((int(y), int(mo), int(d), int(h), int(mi), int(s))) + \
        float("0." + frac)


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def spread(xs):
    """'median [min-max]' of repeated figures."""
    return statistics.median(xs), min(xs), max(xs)


class Row:
    def __init__(self, figure, robot, anchor=None, unit="", target="", lower_is_better=True,
                 note=""):
        self.figure, self.robot, self.anchor = figure, robot, anchor
        self.unit, self.target, self.note = unit, target, note
        self.lower_is_better = lower_is_better

    def ratio(self):
        if self.anchor is None or not self.anchor[0]:
            return None
        return self.robot[0] / self.anchor[0]

    def cells(self):
        def fmt(v):
            if v is None:
                return "-"
            med, lo, hi = v
            return "%.4g %s [%.4g-%.4g]" % (med, self.unit, lo, hi) if lo != hi else \
                "%.4g %s" % (med, self.unit)
        r = self.ratio()
        return [self.figure, fmt(self.robot), fmt(self.anchor),
                "%.2f×" % r if r is not None else "-", self.target]

    def json(self):
        return {"figure": self.figure, "unit": self.unit, "target": self.target,
                "robot": dict(zip(("median", "min", "max"), self.robot)),
                "anchor": dict(zip(("median", "min", "max"), self.anchor))
                if self.anchor else None,
                "ratio": self.ratio(), "note": self.note}


def machine(load_start):
    """What the figures were measured on, and how busy it was: a shared
    machine's load beside its figures is how they are read later."""
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"cpus": os.cpu_count(), "model": model, "kernel": os.uname().release,
            "loadavg_start": [round(x, 2) for x in load_start],
            "loadavg_end": [round(x, 2) for x in os.getloadavg()]}


class Table:
    def __init__(self):
        self.rows = []
        self.started = time.time()
        self.load = os.getloadavg()

    def add(self, row):
        self.rows.append(row)
        print("  " + " | ".join(row.cells()), flush=True)

    def emit(self, path):
        head = ["figure", "robot", "anchor", "ratio", "target"]
        cells = [head] + [r.cells() for r in self.rows]
        w = [max(len(c[i]) for c in cells) for i in range(len(head))]
        print()
        for i, c in enumerate(cells):
            print("| " + " | ".join(x.ljust(w[j]) for j, x in enumerate(c)) + " |")
            if i == 0:
                print("|" + "|".join("-" * (n + 2) for n in w) + "|")
        for r in self.rows:
            if r.note:
                print("- %s: %s" % (r.figure, r.note))
        with open(path, "w") as f:
            json.dump({"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                       "quick": QUICK, "repeats": REPEATS,
                       "seconds": round(time.time() - self.started),
                       "machine": machine(self.load),
                       "rows": [r.json() for r in self.rows]}, f, indent=1)
        print("\n(written to %s; medians of %d repeats, [min-max]; load average %.2f at"
              " the start, %.2f at the end)" % (path, REPEATS, self.load[0], os.getloadavg()[0]))
