# SPDX-License-Identifier: ISC
"""The robot's reading and its memory: `explain` over the corpus of real
clients' mail (CPU time per message, the parser process and its children
included), and the robot's peak RSS after applications with a 25 MB scan
each, every one forwarded to the next official as an attachment."""

import glob
import os
import subprocess
import time

import benchlib
from benchlib import Row, lib, spread
from lib import DOMAIN, ROOT, application, wait_until

BIG = int(os.environ.get("BENCH_BIG", "25"))


def explain_rate():
    files = sorted(glob.glob(os.path.join(ROOT, "tests", "corpus", "*.eml")))
    files *= 2 if benchlib.QUICK else 10
    rates, walls = [], []
    for _ in range(benchlib.REPEATS):
        t = time.monotonic()
        p = subprocess.Popen([os.path.join(ROOT, "disposisi"), "explain"] + files,
                             stdout=subprocess.DEVNULL, cwd=ROOT)
        _, _, ru = os.wait4(p.pid, 0)
        walls.append(len(files) / (time.monotonic() - t))
        rates.append(len(files) / (ru.ru_utime + ru.ru_stime))
    return len(files), rates, walls


def rows(table):
    n, rates, walls = explain_rate()
    table.add(Row("explain, messages per CPU second (%d messages)" % n, spread(rates), None,
                  "msg/s", "≥ 2,000",
                  note="wall clock: %.0f msg/s; every message is parsed in a forked,"
                  " confined child (issue 8), which is most of the cost" % spread(walls)[0]))
    sb = lib.Sandbox("memory")
    r = lib.Robot(sb, "memory").start()
    try:
        blob = os.urandom(BIG * 1024 * 1024)
        for i in range(3):
            m = application("andi@" + DOMAIN, subject="Besar %d" % i, n_att=0)
            m.add_attachment(blob, maintype="application", subtype="pdf", filename="scan.pdf")
            sb.send(m)
        wait_until(lambda: r.scalar("SELECT count(*) FROM cases WHERE subject LIKE 'Besar%'")
                   == 3 and r.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0,
                   "big ones done", timeout=600)
        with open("/proc/%d/status" % r.proc.pid) as f:
            hwm = int([ln for ln in f if ln.startswith("VmHWM")][0].split()[1]) / 1024.0
        table.add(Row("robot's peak RSS, 3 applications with a %d MB scan" % BIG,
                      (hwm, hwm, hwm), None, "MB", "≤ 48 MB"))
    finally:
        r.stop()
        sb.stop()
