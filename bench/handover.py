# SPDX-License-Identifier: ISC
"""Hand-over: an official's Y reply submitted over SMTP until the next
official's disposition is accepted by SMTP, for the robot and, at the
same time, a bare Python client that re-enters IDLE before each reply,
fetches the new message and sends one mail over a kept SMTP connection
(the least any robot must do). The reply goes, in one SMTP transaction,
to the robot and to the bare client's own mailbox on the same Dovecot:
in the robot's, the robot moves it away before Dovecot tells a second
session of it. The robot's share runs from the EXISTS the bare client
saw to the robot's last 250."""

import queue
import threading
import time

import benchlib
from benchlib import Row, lib, pct, spread, stamp
from lib import DOMAIN, application, reply_to, subject_has, wait_until

N = 8 if benchlib.QUICK else 25
ANCHOR = "andi"         # the bare client's mailbox


class Anchor(threading.Thread):
    """The bare IDLE client: on each new message, fetch it and send one mail."""

    def __init__(self, sb, user):
        super().__init__(daemon=True)
        self.sb, self.out, self.ready = sb, queue.Queue(), threading.Event()
        self.c = sb.imap(user)
        self.exists = int(self.c.select("INBOX")[1][0])
        self.last = max([int(u) for u in self.c.uid("SEARCH", "ALL")[1][0].split()] or [0])
        import smtplib
        import ssl
        self.smtp = smtplib.SMTP("127.0.0.1", sb.port("SUBMISSION"), timeout=30)
        self.smtp.starttls(context=ssl.create_default_context(cafile=sb.cafile))
        self.smtp.login(user, sb.password)
        self.stop = False

    def idle(self):
        """IDLE until a new message is announced; the time it was."""
        c = self.c
        tag = c._new_tag()
        c.send(tag + b" IDLE\r\n")
        c.readline()                        # + idling
        self.ready.set()
        while True:
            line = c.readline()
            t = time.time()
            words = line.split()
            if len(words) == 3 and words[2] == b"EXPUNGE":
                self.exists -= 1
            elif len(words) == 3 and words[2] == b"EXISTS":
                n = int(words[1])
                grew = n > self.exists
                self.exists = n
                if grew:
                    break
        self.ready.clear()
        c.send(b"DONE\r\n")
        while not c.readline().startswith(tag):
            pass
        return t

    def run(self):
        while not self.stop:
            t_exists = self.idle()
            uids = [int(u) for u in self.c.uid("SEARCH", "UID %d:*" % (self.last + 1))[1][0]
                    .split()]
            for u in uids:
                if u > self.last:
                    self.c.uid("FETCH", str(u), "(BODY.PEEK[])")
                    self.last = u
            self.smtp.sendmail(ANCHOR + "@" + DOMAIN, ["outbound@" + DOMAIN],
                               b"From: %s@%s\r\nSubject: anchor\r\n\r\nok\r\n"
                               % (ANCHOR.encode(), DOMAIN.encode()))
            self.out.put((t_exists, time.time()))


def rows(table):
    sb = lib.Sandbox("handover")
    r = lib.Robot(sb, "handover").start()
    try:
        wait_until(lambda: "INBOX selected" in r.logtext(), "robot ready")
        for i in range(N * benchlib.REPEATS):
            sb.send(application("budi@" + DOMAIN, subject="Serah %d" % i))
        disp = sb.wait_mail("sekdis", subject_has("Disposisi"), n=N * benchlib.REPEATS,
                            what="dispositions")
        wait_until(lambda: sb.count("tte") == 0 and
                   r.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0,
                   "robot idle", timeout=120)
        a = Anchor(sb, ANCHOR)
        a.start()
        robot, anchor, share = [[] for _ in range(benchlib.REPEATS)], \
            [[] for _ in range(benchlib.REPEATS)], []
        for i, d in enumerate(disp):
            ref = str(d["Subject"]).split("]")[0].lstrip("[")
            a.ready.wait(30)
            time.sleep(0.05)                # both settled in IDLE
            before = r.scalar("SELECT count(*) FROM outbox WHERE status = 'sent'")
            t0 = time.time()
            y = reply_to(d, "sekdis@" + DOMAIN, "Y")
            sb.send(y, rcpts=[str(y["To"]), ANCHOR + "@" + DOMAIN])
            t_exists, t_anchor = a.out.get(timeout=60)
            wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status = 'sent'")
                       > before and sb.count("tte") == 0, "robot handed over", every=0.01)
            sent = [stamp(l) for l in r.logtext().splitlines()
                    if ref + ": sent mail" in l]
            t_robot = max(s for s in sent if s >= t0 - 1)
            robot[i % benchlib.REPEATS].append(t_robot - t0)
            anchor[i % benchlib.REPEATS].append(t_anchor - t0)
            share.append(t_robot - t_exists)
        a.stop = True
        ms = 1000.0
        for p in (50, 99):
            table.add(Row("hand-over, Y submitted -> next disposition 250, p%d" % p,
                          spread([ms * pct(x, p) for x in robot]),
                          spread([ms * pct(x, p) for x in anchor]), "ms",
                          "≤ 1.05× the bare IDLE client"))
        table.add(Row("robot's share, EXISTS -> last 250, p50", spread(
            [ms * pct(share[k::benchlib.REPEATS], 50) for k in range(benchlib.REPEATS)]),
            None, "ms", "≤ 15 ms"))
        table.add(Row("robot's share, EXISTS -> last 250, p99", spread(
            [ms * pct(share[k::benchlib.REPEATS], 99) for k in range(benchlib.REPEATS)]),
            None, "ms", "≤ 50 ms"))
    finally:
        r.stop()
        sb.stop()
