# SPDX-License-Identifier: ISC
"""The robot's outgoing mail against Python's smtplib, side by side: N
mails of one size queued in the robot's outbox at once and the robot
woken (SIGUSR1), until its log says the last was sent, against smtplib
sending the same N messages over one connection (STARTTLS, AUTH) to the
same submission port; interleaved repeats. Postfix holds what it accepts
(HOLD), so its delivery work does not spill from one run into the
next."""

import os
import re
import signal
import smtplib
import ssl
import subprocess
import time

import benchlib
from benchlib import Row, lib, spread, stamp
from lib import DOMAIN, ROBOT, wait_until

N = int(os.environ.get("BENCH_SMTP_N", "50" if benchlib.QUICK else "200"))
SIZE = int(os.environ.get("BENCH_SMTP_SIZE", "3000"))
RCPT = "budi@" + DOMAIN


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


def rows(table):
    sb = lib.Sandbox("bench-smtp")
    r = lib.Robot(sb, "bench-smtp")
    try:
        r.start()
        wait_until(lambda: "INBOX selected" in r.logtext(), "robot ready")
        hold(sb)
        path = os.path.join(r.dir, "bench.eml")
        raw = message(SIZE)
        with open(path, "wb") as f:
            f.write(raw)
        robot, anchor = [], []
        for rep in range(benchlib.REPEATS):
            robot.append(N / robot_batch(r, path, rep))
            anchor.append(N / smtplib_batch(sb, raw))
        connects = r.logtext().count("SMTP: connected")
    finally:
        r.stop()
        sb.stop()
    table.add(Row("outgoing mail, %d × %d B (anchor: smtplib, one connection)" % (N, SIZE),
                  spread(robot), spread(anchor), "mails/s", "≥ 0.9×", lower_is_better=False,
                  note="the robot records each mail as sent before the next (exactly once);"
                  " SMTP connections it opened: %d" % connects))
