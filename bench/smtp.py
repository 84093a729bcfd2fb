#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""make bench: the robot's outgoing mail against its anchors, side by side.

1. Outgoing mail: N mails of one size queued in the robot's outbox at once
   and the robot woken (SIGUSR1), until its log says the last was sent,
   against Python's smtplib sending the same N messages over one
   connection (STARTTLS, AUTH) to the same submission port. The two run
   interleaved, three repeats; Postfix holds what it accepts (HOLD), so
   its delivery work does not spill from one run into the next.
2. Hand-over: H applications one at a time; for each, from the moment a
   bare IDLE client on the robot's mailbox sees the EXISTS to the robot's
   last resulting mail accepted by SMTP (the robot's log).

Prints a table (figure | robot | anchor | ratio | target) with the median
and range; nothing here asserts a timing."""

import calendar
import os
import re
import signal
import smtplib
import socket
import ssl
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "regress"))
import lib  # noqa: E402
from lib import DOMAIN, ROBOT, application, wait_until  # noqa: E402

QUICK = os.environ.get("BENCH_QUICK") == "1"
N = int(os.environ.get("BENCH_SMTP_N", "50" if QUICK else "200"))
H = int(os.environ.get("BENCH_HANDOVER_N", "5" if QUICK else "20"))
SIZE = int(os.environ.get("BENCH_SMTP_SIZE", "3000"))
REPEATS = 3
RCPT = "budi@" + DOMAIN
DRAIN = re.compile(r"debug: (outbox: \d+ mail\(s\) due|timer: )")


def stamp(line):
    """The epoch time of a robot log line (UTC, milliseconds)."""
    m = re.match(r"(\d+-\d+-\d+T\d+:\d+:\d+)\.(\d+)Z", line)
    if not m:
        return None
    return calendar.timegm(time.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S")) + \
        int(m.group(2)) / 1000.0


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def message(size):
    """A notice-sized mail, CRLF, the same bytes for both senders."""
    head = ("From: Robot <%s>\r\nTo: <%s>\r\nSubject: bench\r\n"
            "Message-ID: <bench@%s>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n" % (ROBOT, RCPT, DOMAIN))
    line = "Dengan hormat, surat ini dikirim oleh robot disposisi.\r\n"
    body = (line * (size // len(line) + 1))[:max(0, size - len(head) - 2)]
    return (head + body + "\r\n").encode()


def hold(sb):
    """Postfix keeps what it accepts: only SMTP acceptance is measured."""
    conf = sb.env["SANDBOX_POSTFIX_CONF"]
    subprocess.run(["postconf", "-c", conf, "-e",
                    "smtpd_end_of_data_restrictions = check_client_access static:HOLD"],
                   check=True)
    then = time.time() - 2      # Postfix waits for a main.cf in the past
    os.utime(os.path.join(conf, "main.cf"), (then, then))
    subprocess.run(["postfix", "-c", conf, "reload"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.5)             # smtpd processes from before the reload exit


def robot_batch(r, path, rep):
    """Queues N rows, wakes the robot, returns seconds to the last 'sent'."""
    ids = []
    for i in range(N):
        r.sql("INSERT INTO outbox (kind, rcpt, message_id, path, next_attempt_at,"
              " created_at) VALUES ('bench', ?, ?, ?, 0, 0)",
              RCPT, "bench-%d-%d@%s" % (rep, i, DOMAIN), path)
    ids = [x for (x,) in r.sql("SELECT id FROM outbox WHERE message_id LIKE ?",
                               "bench-%d-%%" % rep)]
    t0 = time.time()
    os.kill(r.proc.pid, signal.SIGUSR1)
    wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE kind = 'bench'"
                                " AND status != 'sent'") == 0,
               "robot batch %d sent" % rep, timeout=600, every=0.02)
    want = set(ids)
    last = 0
    for line in r.logtext().splitlines():
        m = re.search(r"sent mail (\d+) ", line)
        if m and int(m.group(1)) in want:
            last = max(last, stamp(line))
    return last - t0


def smtplib_batch(sb, raw):
    ctx = ssl.create_default_context(cafile=sb.cafile)
    t0 = time.time()
    s = smtplib.SMTP("localhost", sb.port("SUBMISSION"), timeout=60)
    s.starttls(context=ctx)
    s.login("tte", sb.password)
    for _ in range(N):
        s.sendmail(ROBOT, [RCPT], raw)
    dt = time.time() - t0
    s.quit()
    return dt


class IdleWatcher(threading.Thread):
    """A bare IDLE client on the robot's INBOX, read-only: notes when each
    EXISTS arrives."""

    def __init__(self, sb):
        super().__init__(daemon=True)
        ctx = ssl.create_default_context(cafile=sb.cafile)
        raw = socket.create_connection(("localhost", sb.port("IMAPS")))
        self.s = ctx.wrap_socket(raw, server_hostname="localhost")
        self.f = self.s.makefile("rb")
        self.f.readline()
        self.cmd(b"a LOGIN tte " + sb.password.encode())
        self.cmd(b"b EXAMINE INBOX")
        self.s.sendall(b"c IDLE\r\n")
        self.f.readline()       # "+ idling"
        self.exists = []
        self.stop = False

    def cmd(self, line):
        self.s.sendall(line + b"\r\n")
        tag = line.split()[0]
        while not self.f.readline().startswith(tag + b" "):
            pass

    def run(self):
        count = 0
        while not self.stop:
            line = self.f.readline()
            if not line:
                return
            m = re.match(rb"\* (\d+) (EXISTS|EXPUNGE)", line)
            if m and m.group(2) == b"EXPUNGE":
                count -= 1
            elif m:
                if int(m.group(1)) > count:
                    self.exists.append(time.time())
                count = int(m.group(1))


def handover(sb, r):
    """The robot's share of each hand-over and the part of it from the
    start of the outbox drain, in seconds."""
    w = IdleWatcher(sb)
    w.start()
    shares, smtp = [], []
    try:
        for i in range(H):
            n0 = len(w.exists)
            sb.send(application("siti@" + DOMAIN, subject="Serah %d" % i))
            wait_until(lambda: len(w.exists) > n0, "EXISTS %d" % i, every=0.005)
            ref = wait_until(lambda: r.scalar(
                "SELECT c.ref FROM cases c WHERE c.subject = ? AND (SELECT count(*)"
                " FROM outbox o WHERE o.case_id = c.id AND o.status != 'sent') = 0"
                " AND (SELECT count(*) FROM outbox o WHERE o.case_id = c.id) > 0",
                "Serah %d" % i), "hand-over %d" % i, every=0.005)
            log = r.logtext().splitlines()
            sent = [k for k, l in enumerate(log) if "Z %s: sent mail " % ref in l]
            # The drain starts after the timer's look (older robots) or at
            # "outbox: N mail(s) due": the last of these before the first mail.
            start = max(k for k in range(sent[0]) if DRAIN.search(log[k]))
            shares.append(stamp(log[sent[-1]]) - w.exists[n0])
            smtp.append(stamp(log[sent[-1]]) - stamp(log[start]))
    finally:
        w.stop = True
    return shares, smtp


def spread(xs, unit=1000.0, fmt="%.1f"):
    return (fmt + " (" + fmt + "-" + fmt + ")") % (statistics.median(xs) * unit,
                                                  min(xs) * unit, max(xs) * unit)


def main():
    sb = lib.Sandbox("bench-smtp")
    r = lib.Robot(sb, "bench-smtp")
    try:
        r.start()
        wait_until(lambda: "INBOX selected" in r.logtext(), "robot ready")
        shares, drains = handover(sb, r)
        hold(sb)
        path = os.path.join(r.dir, "bench.eml")
        raw = message(SIZE)
        with open(path, "wb") as f:
            f.write(raw)
        robot, anchor = [], []
        for rep in range(REPEATS):
            robot.append(N / robot_batch(r, path, rep))
            anchor.append(N / smtplib_batch(sb, raw))
        connects = r.logtext().count("SMTP: connected")
    finally:
        r.stop()
        sb.stop()
    rm, am = statistics.median(robot), statistics.median(anchor)
    rows = [
        ("outgoing mail, %d x %d B, mails/s" % (N, SIZE),
         spread(robot, 1, "%.0f"), spread(anchor, 1, "%.0f") + " smtplib",
         "%.2fx" % (rm / am), ">= 0.9x"),
        ("hand-over, robot share p50 (%d)" % H, "%.0f ms" % (1000 * pct(shares, 50)),
         "-", "-", "<= 20 ms"),
        ("hand-over, robot share p99 (%d)" % H, "%.0f ms" % (1000 * pct(shares, 99)),
         "-", "-", "<= 100 ms"),
        ("  of which outbox drain p50 / p99", "%.0f / %.0f ms" % (
            1000 * pct(drains, 50), 1000 * pct(drains, 99)), "-", "-", "-"),
    ]
    widths = [max(len(x[i]) for x in rows + [("figure", "robot", "anchor", "ratio",
                                              "target")]) for i in range(5)]
    for row in [("figure", "robot", "anchor", "ratio", "target")] + rows:
        print(" | ".join(c.ljust(w) for c, w in zip(row, widths)))
    print("(median (range) of %d interleaved repeats; SMTP connections the robot"
          " opened: %d)" % (REPEATS, connects))


if __name__ == "__main__":
    main()
