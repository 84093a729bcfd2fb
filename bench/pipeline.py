# SPDX-License-Identifier: ISC
"""The robot's reading and its memory: `explain` over the corpus of real
clients' mail (CPU time per message, the parser process and its children
included), and the robot's peak RSS after applications with a 25 MB scan
each (the scan is listed, not attached, in the dispositions: over
max_attachments)."""

import base64
import glob
import os
import subprocess
import time

import benchlib
from benchlib import Row, lib, spread
from lib import DOMAIN, ROOT, application, wait_until

BIG = int(os.environ.get("BENCH_BIG", "25"))


def corpus(text_only=False):
    """The corpus's messages; text_only: those without a picture or PDF
    (no OCR), where the parser child's own cost shows."""
    files = sorted(glob.glob(os.path.join(ROOT, "tests", "corpus", "*.eml")))
    if text_only:
        files = [f for f in files if not any(
            t in open(f, "rb").read().lower()
            for t in (b"image/", b"application/pdf", b"application/octet"))]
    return files


def explain_rate(files):
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
    n, rates, walls = explain_rate(corpus())
    table.add(Row("explain, messages per CPU second (%d messages)" % n, spread(rates), None,
                  "msg/s", "≥ 2,000",
                  note="wall clock: %.0f msg/s; OCR of the corpus's pictures is most of"
                  " the cost" % spread(walls)[0]))
    n, rates, walls = explain_rate(corpus(text_only=True))
    table.add(Row("explain, text-only messages per CPU second (%d messages)" % n,
                  spread(rates), None, "msg/s", "≥ 2,000",
                  note="wall clock: %.0f msg/s; each in its own child, made ready"
                  " before the message (issue 17)" % spread(walls)[0]))
    sb = lib.Sandbox("memory")
    # A 25 MB scan is 34 MB of base64: over the 30 MiB default.
    r = lib.Robot(sb, "memory", extra="max_message_size = %d" % ((BIG * 4 // 3 + 4) << 20)).start()
    try:
        # Built by hand: Python's email package takes minutes over 25 MB.
        scan = base64.encodebytes(os.urandom(BIG * 1024 * 1024)).replace(b"\n", b"\r\n")
        for i in range(3):
            head = application("andi@" + DOMAIN, subject="Besar %d" % i, n_att=0)
            raw = (b"From: %s\r\nTo: %s\r\nSubject: Besar %d\r\nMessage-ID: %s\r\n"
                   b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
                   b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n"
                   b"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment;"
                   b" filename=\"scan.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                   % (str(head["From"]).encode(), str(head["To"]).encode(), i,
                      str(head["Message-ID"]).encode(), head.get_content().encode()))
            sb.send(raw + scan + b"--b--\r\n", sender="andi@" + DOMAIN,
                    rcpts=[str(head["To"])])
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
