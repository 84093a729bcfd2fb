#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""make bench: how fast and how lean the robot is, through real servers.

1. Latency: N applications sent one by one over SMTP; for each, the time
   from the SMTP server's 250 to the acknowledgement landing in the
   applicant's mailbox, and (from the robot's log) from the robot fetching
   the message to its last resulting mail being accepted by SMTP.
2. Throughput: a batch of M applications dropped at once; time until every
   case is open and every mail sent.
3. Memory: peak RSS (VmHWM) of the robot after handling applications with
   a 5 MiB scan each.
The first figure includes Dovecot's own delay in announcing new mail to an
IDLE client (about 0.5 s, see ../shared/notes/mailtest.md).
Results go to stdout; nothing here asserts a timing."""

import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "regress"))
import lib  # noqa: E402
from lib import DOMAIN, application, wait_until  # noqa: E402

N = int(os.environ.get("BENCH_N", "20"))
M = int(os.environ.get("BENCH_M", "100"))
BIG = int(os.environ.get("BENCH_BIG", "5"))


def stamp(line):
    t = re.match(r"(\d+-\d+-\d+T\d+:\d+:\d+\.\d+)Z", line)
    return time.mktime(time.strptime(t.group(1)[:19], "%Y-%m-%dT%H:%M:%S")) + \
        float("0." + t.group(1)[20:]) if t else None


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def main():
    sb = lib.Sandbox("bench")
    r = lib.Robot(sb, "bench").start()
    try:
        wait_until(lambda: "INBOX selected" in r.logtext(), "robot ready")
        e2e = []
        for i in range(N):
            sb.send(application("budi@" + DOMAIN, subject="Bench %d" % i))
            t0 = time.time()
            wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status='sent'")
                       == 2 * (i + 1), "mail %d sent" % i, every=0.005)
            e2e.append(time.time() - t0)
        # Robot-internal: fetch of message k -> last 'sent mail' of its case.
        log = r.logtext().splitlines()
        inner = []
        for k in range(1, N + 1):
            start = [stamp(l) for l in log if "message from" in l and "debug" in l]
            sent = [stamp(l) for l in log if "TTE-" in l and "sent mail" in l
                    and "-%05d:" % k in l]
            if k <= len(start) and sent:
                inner.append(max(sent) - start[k - 1])
        print("latency, %d applications one at a time (2 mails out each):" % N)
        print("  SMTP 250 in -> both mails accepted by SMTP out: median %.0f ms, p95 %.0f ms"
              % (1000 * statistics.median(e2e), 1000 * pct(e2e, 95)))
        if inner:
            print("  robot parsed -> last mail accepted:             median %.0f ms, p95 %.0f ms"
                  % (1000 * statistics.median(inner), 1000 * pct(inner, 95)))

        base = r.scalar("SELECT count(*) FROM cases")
        for i in range(M):
            sb.deliver(application("siti@" + DOMAIN, subject="Batch %d" % i).as_bytes())
        t0 = time.time()
        wait_until(lambda: r.scalar("SELECT count(*) FROM cases") == base + M and
                   r.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0,
                   "batch done", timeout=600, every=0.05)
        dt = time.time() - t0
        print("throughput: %d applications delivered at once, all handled and %d mails sent"
              " in %.1f s (%.1f applications/s)" % (M, 2 * M, dt, M / dt))

        blob = os.urandom(BIG * 1024 * 1024)
        for i in range(3):
            m = application("andi@" + DOMAIN, subject="Besar %d" % i, n_att=0)
            m.add_attachment(blob, maintype="application", subtype="pdf", filename="scan.pdf")
            sb.send(m)
        wait_until(lambda: r.scalar("SELECT count(*) FROM cases WHERE subject LIKE 'Besar%'") == 3
                   and r.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0,
                   "big ones done", timeout=600)
        with open("/proc/%d/status" % r.proc.pid) as f:
            hwm = [l for l in f if l.startswith("VmHWM")][0].split()[1]
        print("memory: peak RSS %d KiB after 3 applications with a %d MiB scan each"
              " (each forwarded to the next official as an attachment)" % (int(hwm), BIG))
    finally:
        r.stop()
        sb.stop()


if __name__ == "__main__":
    main()
