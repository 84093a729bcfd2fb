#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""make bench: a backlog of applications waiting in INBOX, taken in by the
robot, against mbsync fetching the same mailbox in the same run.

Each repeat starts a fresh sandbox and writes N applications (five small
scans each, as tests/regress/lib.py builds them) straight into the robot's
Maildir (LMTP delivers only ~110 a second). On that mailbox, the two
mbsync runs in alternating order, then the robot (which empties INBOX):
  - mbsync, fetch only (Sync Pull New), FSync yes, into a fresh Maildir;
  - the same with FSync no;
  - the robot, fresh database and spool, from its start until every
    message has its case (or record) and has been moved out of INBOX.
mbsync only reads INBOX, so the robot finds it as mbsync did. Printed:
median and range of three repeats, and where the robot's time went (from
its per-batch debug lines). Nothing here asserts a timing.

BENCH_QUICK=1: 500 messages; else BENCH_BACKLOG (default 3000)."""

import glob
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "regress"))
import lib  # noqa: E402
from lib import DOMAIN, application, wait_until  # noqa: E402

QUICK = os.environ.get("BENCH_QUICK") == "1"
N = int(os.environ.get("BENCH_BACKLOG", "500" if QUICK else "3000"))
REPEATS = 3
USERS = ["budi", "siti", "andi", "pemohon"]
PHASES = ("fetch", "parse", "handle", "commit", "archive")


def seed(sb, n):
    """Writes n applications into tte's Maildir; returns their bytes."""
    raws = [application("%s@%s" % (USERS[i % len(USERS)], DOMAIN),
                        subject="Permohonan %d" % i).as_bytes() for i in range(n)]
    got = sb.seed(raws)
    assert got == n, got
    return sum(len(r) for r in raws)


def mbsync(sb, fsync, work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.join(work, "near"))
    os.makedirs(os.path.join(work, "state"))
    conf = os.path.join(work, "mbsyncrc")
    with open(conf, "w") as f:
        f.write("""FSync %(fsync)s

IMAPAccount far
Host localhost
Port %(port)d
User tte
Pass %(pw)s
SSLType IMAPS
CertificateFile %(ca)s

IMAPStore far
Account far

MaildirStore near
Path %(work)s/near/
Inbox %(work)s/near/INBOX

Channel bench
Far :far:INBOX
Near :near:
Sync Pull New
Create Near
SyncState %(work)s/state/
""" % dict(fsync="yes" if fsync else "no", port=sb.port("IMAPS"), pw=sb.password,
           ca=sb.cafile, work=work))
    t0 = time.time()
    subprocess.run(["mbsync", "-q", "-c", conf, "bench"], check=True)
    dt = time.time() - t0
    got = len(glob.glob(os.path.join(work, "near", "INBOX", "*", "*")))
    shutil.rmtree(work, ignore_errors=True)
    if got != N:
        raise SystemExit("mbsync fetched %d of %d" % (got, N))
    return dt


def robot(sb, rep):
    r = lib.Robot(sb, "backlog%d" % rep)
    t0 = time.time()
    r.start()
    try:
        wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE imap_done = 1") == N,
                   "%d messages taken in" % N, timeout=3600, every=0.05)
        dt = time.time() - t0
    finally:
        r.stop()
    cases = r.scalar("SELECT count(*) FROM cases")
    if cases != N:
        raise SystemExit("robot opened %d cases for %d applications" % (cases, N))
    left = len(sb.messages("tte")) if N <= 1000 else None
    if left:
        raise SystemExit("%d messages left in INBOX" % left)
    phases = dict.fromkeys(PHASES, 0.0)
    batches = 0
    for m in re.finditer(r"batch of (\d+): (.*) ms", r.logtext()):
        batches += 1
        for k, v in re.findall(r"(\w+) ([\d.]+)", m.group(2)):
            if k in phases:
                phases[k] += float(v) / 1000
    return dt, phases, batches


def fmt(xs, unit=""):
    return "%8.1f%s (%.1f-%.1f)" % (statistics.median(xs), unit, min(xs), max(xs))


def main():
    runs = {"robot": [], "mbsync FSync yes": [], "mbsync FSync no": []}
    shares = []
    nbatch = []
    size = 0
    for rep in range(REPEATS):
        sb = lib.Sandbox("backlog")
        try:
            size = seed(sb, N)
            # The robot empties INBOX, so it comes last; the anchors alternate.
            order = ["mbsync FSync yes", "mbsync FSync no"][::1 - 2 * (rep % 2)] + ["robot"]
            for what in order:
                if what == "robot":
                    dt, ph, nb = robot(sb, rep)
                    shares.append((dt, ph))
                    nbatch.append(nb)
                else:
                    dt = mbsync(sb, what.endswith("yes"), lib.tmp("x", "mbsync"))
                runs[what].append(N / dt)
                print("  repeat %d: %-17s %6.2f s  %7.1f msg/s" % (rep + 1, what, dt, N / dt),
                      flush=True)
        finally:
            sb.stop()
    print()
    print("backlog: %d applications in INBOX (%.1f KB each), %d repeats, msg/s:"
          % (N, size / N / 1024, REPEATS))
    print("  %-22s %-24s %s" % ("", "median (range)", "robot / this"))
    robot_rate = statistics.median(runs["robot"])
    for what, xs in runs.items():
        ratio = "" if what == "robot" else "%.2f" % (robot_rate / statistics.median(xs))
        print("  %-22s %-24s %s" % (what, fmt(xs), ratio))
    print("  target: robot >= 0.25 x mbsync FSync yes")
    print("where the robot's time went (median share of its wall time; %d batches):"
          % statistics.median(nbatch))
    for k in PHASES:
        xs = [100 * ph[k] / dt for dt, ph in shares]
        print("  %-8s %5.1f%% (%.1f-%.1f)   %.2f ms per message" % (
            k, statistics.median(xs), min(xs), max(xs),
            1000 * statistics.median(ph[k] for dt, ph in shares) / N))


if __name__ == "__main__":
    main()
