# SPDX-License-Identifier: ISC
"""A backlog of applications waiting in INBOX, taken in by the
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
median and range of the repeats, and where the robot's time went (from
its per-batch debug lines).

BENCH_QUICK=1: 500 messages; else BENCH_BACKLOG (default 3000)."""

import glob
import os
import re
import shutil
import statistics
import subprocess
import time

import benchlib
from benchlib import Row, lib, spread
from lib import DOMAIN, application, wait_until

N = int(os.environ.get("BENCH_BACKLOG", "500" if benchlib.QUICK else "3000"))
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


def rows(table):
    runs = {"robot": [], "mbsync FSync yes": [], "mbsync FSync no": []}
    shares = []
    size = 0
    for rep in range(benchlib.REPEATS):
        sb = lib.Sandbox("backlog")
        try:
            size = seed(sb, N)
            # The robot empties INBOX, so it comes last; the anchors alternate.
            order = ["mbsync FSync yes", "mbsync FSync no"][::1 - 2 * (rep % 2)] + ["robot"]
            for what in order:
                if what == "robot":
                    dt, ph, _ = robot(sb, rep)
                    shares.append((dt, ph))
                else:
                    dt = mbsync(sb, what.endswith("yes"), lib.tmp("x", "mbsync"))
                runs[what].append(N / dt)
        finally:
            sb.stop()
    where = ", ".join("%s %.0f%% (%.2f ms/msg)" % (
        k, statistics.median([100 * ph[k] / dt for dt, ph in shares]),
        1000 * statistics.median([ph[k] for dt, ph in shares]) / N) for k in PHASES)
    for anchor, target in (("mbsync FSync yes", "≥ 0.25×"), ("mbsync FSync no", "-")):
        table.add(Row("backlog of %d applications (%.1f KB) in INBOX (anchor: %s)"
                      % (N, size / N / 1024, anchor), spread(runs["robot"]),
                      spread(runs[anchor]), "msg/s", target, lower_is_better=False,
                      note=("the robot's time: " + where) if target != "-" else ""))
