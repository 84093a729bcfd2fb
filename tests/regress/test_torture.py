# SPDX-License-Identifier: ISC
"""Exactly once under kill -9: the robot is killed with SIGKILL at random
instants, over and over, while applications come in, officials' Y/T
answers advance the cases, and the outbox sends - with SMTP refusing for a
while, and with the database's write lock held by another program so that
kills land between the server's 250 and the commit that records it.

TORTURE_CYCLES sets the number of kill cycles: `make check` runs a few
(the default below), `make torture` a hundred or more. At the end, with
the robot left running until every case stands where its answers lead:
every application is one case, every answer acted on once, no step decided
twice, every message recorded and archived once, every mail the outbox
queued delivered, a second copy only from a kill between 250 and commit
(then with the same Message-ID, at most one per kill), and the sealed
audit trail whole."""

import email
import email.policy
import os
import random
import re
import signal
import sqlite3
import subprocess
import time

from lib import (DOMAIN, ROOT, Failure, Robot, application, check, reply_to, wait_until)

CYCLES = int(os.environ.get("TORTURE_CYCLES", "24") or 24)
USERS = ["budi", "siti", "andi", "pemohon"]
OFFICIALS = ["sekdis", "kadis"]


def closed_office_clock():
    """The last Sunday 10:00 WIB: the office is closed, so the timer sends
    no reminders and takes no lock of its own; only the kills vary."""
    wib = 7 * 3600
    now = time.time()
    day = int((now + wib) // 86400) * 86400 - wib        # today 00:00 WIB
    wday = time.gmtime(now + wib).tm_wday                # Monday = 0
    t = day - ((wday + 1) % 7) * 86400 + 10 * 3600
    return t if t < now else t - 7 * 86400


def verdict_for(step, i):
    """What the official answers on case number i (opening order): sekdis
    refuses every fifth, kadis every second of the rest."""
    if step == "sekdis":
        return "T: berkas tidak sesuai" if i % 5 == 4 else "Y"
    return "T: SK jabatan kedaluwarsa" if i % 2 == 1 else "Y"


def expected_state(i):
    if i % 5 == 4:
        return ("ditolak", "sekdis")
    return ("ditolak", "kadis") if i % 2 == 1 else ("proses", "kabid")


class Torture:
    def __init__(self, sb):
        self.sb = sb
        self.seed = int(os.environ.get("TORTURE_SEED") or time.time())
        self.rnd = random.Random(self.seed)
        # Batches of two: kills land between a batch's commit and the next.
        self.r = Robot(sb, "torture", extra="imap_batch_max = 2")
        self.offset = closed_office_clock() - time.time()
        self.delivered = 0          # messages put into the robot's INBOX
        self.apps = {}              # application Message-ID -> number i
        self.replies = {}           # reply Message-ID -> (case ref, step, verdict)
        self.answered = set()       # disposition Message-IDs answered
        self.last_uid = {u: 0 for u in OFFICIALS}
        self.tempfail = False       # SMTP refusing the robot
        self.kills = 0
        self.midway = dict(intake=0, decisions=0, outbox=0)
        self.window = 0             # kills seen between a 250 and its commit
        self.window_rows = {}       # outbox id -> acceptances counted as window
        self.unsettled = ""         # what the end still waits for
        self.plog = os.path.join(sb.dir, "log", "postfix.log")

    # --- the robot's world, read from outside ------------------------------
    def robot_now(self):
        return time.time() + self.offset

    def start(self):
        return self.r.start(clock=self.robot_now())

    def selected(self):
        """How many times the robot has been in its mailbox."""
        if not os.path.exists(self.r.log):
            return 0
        return self.r.logtext().count(" selected, UIDVALIDITY")

    def q(self, sql, *args):
        return self.r.scalar(sql, *args) or 0

    COUNTS = dict(inbound="SELECT count(*) FROM inbound",
                  commands="SELECT count(*) FROM inbound WHERE kind = 'command'",
                  sent="SELECT count(*) FROM outbox WHERE status = 'sent'",
                  queued="SELECT count(*) FROM outbox WHERE status = 'queued'")

    def snapshot(self):
        return {k: self.q(v) for k, v in self.COUNTS.items()}

    def accepted(self):
        """Message-ID -> how many times Postfix took a mail with it: its
        cleanup names the Message-ID while the mail is still coming in,
        its queue manager takes it only once it is committed (the 250)."""
        try:
            with open(self.plog, errors="replace") as f:
                text = f.read()
        except FileNotFoundError:
            return {}
        ids = dict(re.findall(r"cleanup\[\d+\]: (\w+): message-id=<([^>]*)>", text))
        n = {}
        for qid in re.findall(r"qmgr\[\d+\]: (\w+): from=.*\(queue active\)", text):
            if qid in ids:
                n[ids[qid]] = n.get(ids[qid], 0) + 1
        return n

    def note_window(self, conn=None):
        """Counts outbox rows still queued that Postfix already accepted:
        a kill between the 250 and the commit (each acceptance once)."""
        q = "SELECT id, message_id FROM outbox WHERE status = 'queued'"
        try:
            rows = conn.execute(q).fetchall() if conn else self.r.sql(q)
        except sqlite3.OperationalError:
            return 0        # killed before it made its database
        acc = self.accepted()
        hit = 0
        for oid, mid in rows:
            n = acc.get(mid.strip("<>"), 0)
            if n > self.window_rows.get(oid, 0):
                hit += n - self.window_rows.get(oid, 0)
                self.window_rows[oid] = n
        return hit

    # --- the world's side: mail in --------------------------------------
    def deliver_application(self):
        i = len(self.apps)
        m = application("%s@%s" % (USERS[i % len(USERS)], DOMAIN),
                        subject="Permohonan %d" % i)
        self.apps[m["Message-ID"].strip("<>")] = i
        self.sb.deliver(m.as_bytes())       # LMTP: works while SMTP refuses
        self.delivered += 1

    def new_dispositions(self, user):
        """Dispositions that arrived for user since the last look."""
        c = self.sb.imap(user)
        out = []
        try:
            c.select("INBOX", readonly=True)
            typ, data = c.uid("SEARCH", None, "UID %d:*" % (self.last_uid[user] + 1))
            for uid in (int(x) for x in data[0].split()):
                if uid <= self.last_uid[user]:
                    continue        # "N:*" always matches the last message
                typ, d = c.uid("FETCH", str(uid), "(BODY.PEEK[])")
                m = email.message_from_bytes(d[0][1], policy=email.policy.default)
                self.last_uid[user] = uid
                if "Disposisi permohonan" in str(m["Subject"]):
                    out.append(m)
        finally:
            c.logout()
        return out

    def answer_dispositions(self):
        """Answers each new disposition once (a resent copy carries the
        same Message-ID and is not answered again)."""
        for user in OFFICIALS:
            for d in self.new_dispositions(user):
                if d["Message-ID"] in self.answered:
                    continue
                self.answered.add(d["Message-ID"])
                ref = re.search(r"TTE-\d{4}-\d{5}", str(d["Subject"])).group(0)
                i = self.apps[self.r.scalar("SELECT root_message_id FROM cases WHERE ref = ?",
                                            ref).strip("<>")]
                text = verdict_for(user, i)
                m = reply_to(d, "%s@%s" % (user, DOMAIN), text, html=(i % 3 == 0))
                self.replies[m["Message-ID"].strip("<>")] = (ref, user, text[0])
                self.sb.deliver(m.as_bytes())
                self.delivered += 1

    # --- one kill --------------------------------------------------------
    def cycle(self):
        """Starts the robot and kills it: at a random instant of its start
        or of its work, or just after it committed one more message,
        answer or sent mail of the ones waiting, so that some kills surely
        land in the middle."""
        before = self.snapshot()
        aims = ["start", "random", "random"]
        if self.delivered > before["inbound"] + 1:
            aims.append("inbound")
        if len(self.replies) > before["commands"] + 1:
            aims += ["commands", "commands"]
        if not self.tempfail and self.q("SELECT count(*) FROM outbox WHERE status = 'queued'"
                                        " AND next_attempt_at <= ?", self.robot_now()) > 1:
            aims.append("sent")
        aim = self.rnd.choice(aims)
        n = self.selected()
        self.start()
        if aim == "start":
            time.sleep(self.rnd.uniform(0.005, 0.1))
        elif aim == "random":
            # Timed from the robot in its mailbox: the same spread of
            # kills whether it starts in 40 ms or (ASan) in 400.
            wait_until(lambda: not self.r.alive() or self.selected() > n,
                       "robot in its mailbox", every=0.005)
            time.sleep(self.rnd.uniform(0, 0.25))
        else:
            col = aim
            end = time.time() + 2
            while (time.time() < end and self.r.alive() and
                   self.q(self.COUNTS[col]) == before[col]):
                time.sleep(0.002)
            time.sleep(self.rnd.uniform(0, 0.005))
        self.r.kill(signal.SIGKILL)
        self.kills += 1
        after = self.snapshot()
        self.window += self.note_window()
        if after["inbound"] > before["inbound"] and self.delivered > after["inbound"]:
            self.midway["intake"] += 1
        if (after["commands"] > before["commands"] and
                len(self.replies) > after["commands"]):
            self.midway["decisions"] += 1
        if after["sent"] > before["sent"] and after["queued"] > 0:
            self.midway["outbox"] += 1

    def covered(self):
        return (self.midway["intake"] >= 2 and self.midway["decisions"] >= 2 and
                self.midway["outbox"] >= 2)

    def lock_cycle(self):
        """Another program takes the write lock once the robot is idle and
        its retries are about to fall due: the robot sends one mail, gets
        its 250 and waits for the lock to record it; killed there, the
        mail goes out again at the next start, same Message-ID."""
        if self.q("SELECT count(*) FROM outbox WHERE status = 'queued'") == 0:
            return self.cycle()
        # The backoff still running (what a refusal a second ago leaves).
        self.r.sql("UPDATE outbox SET next_attempt_at = ? WHERE status = 'queued'",
                   int(self.robot_now()) + 2)
        n = self.selected()
        self.start()
        wait_until(lambda: self.selected() > n, "robot in its mailbox")
        wait_until(lambda: self.q("SELECT count(*) FROM inbound WHERE imap_done = 0") == 0
                   and self.q("SELECT count(*) FROM inbound") == self.delivered,
                   "robot idle before the lock")
        hold = sqlite3.connect(self.r.db, timeout=30, isolation_level=None)
        try:
            hold.execute("BEGIN IMMEDIATE")
            hit = 0
            end = time.time() + 6
            while not hit and time.time() < end:
                hit = self.note_window(hold)
                time.sleep(0.05)
            self.r.kill(signal.SIGKILL)
            self.kills += 1
            self.window += hit + self.note_window(hold)
            self.midway["outbox"] += 1 if hit else 0
        finally:
            hold.rollback()
            hold.close()

    # --- the end ---------------------------------------------------------
    def settled(self):
        """True once every case stands where its answers lead, nothing
        waits in the outbox and every message is recorded and archived."""
        self.answer_dispositions()
        self.unsettled = "%d cases of %d" % (self.q("SELECT count(*) FROM cases"),
                                             len(self.apps))
        if self.q("SELECT count(*) FROM cases") != len(self.apps):
            return False
        for i in range(len(self.apps)):
            got = self.r.sql("SELECT ref, state, step_name FROM cases "
                             "WHERE root_message_id = ?", self.root(i))
            if got[0][1:] != expected_state(i):
                self.unsettled = "%s at %s, should be at %s" % (got[0][0], got[0][1:],
                                                                 expected_state(i))
                return False
        self.unsettled = "outbox, inbound or moves pending"
        return (self.q("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0 and
                self.q("SELECT count(*) FROM inbound WHERE imap_done = 0") == 0 and
                self.q("SELECT count(*) FROM inbound") == self.delivered)

    def root(self, i):
        return [k for k, v in self.apps.items() if v == i][0]


def header_ids(sb, user, folder="INBOX"):
    """The Message-ID of every mail in a folder, duplicates kept."""
    c = sb.imap(user)
    try:
        c.select('"%s"' % folder, readonly=True)
        typ, data = c.uid("SEARCH", None, "ALL")
        if not data[0]:
            return []
        typ, d = c.uid("FETCH", b",".join(data[0].split()).decode(),
                       "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        return [re.search(rb"<([^>]*)>", x[1]).group(1).decode()
                for x in d if isinstance(x, tuple)]
    finally:
        c.logout()


def test_torture_kill9(sb):
    check(CYCLES >= 10, "TORTURE_CYCLES=%d: at least 10 (a refusal and a held lock)" % CYCLES)
    t0 = time.time()
    t = Torture(sb)
    r = t.r
    for _ in range(10):
        t.deliver_application()
    # CYCLES kills, and more (up to three times as many) until kills have
    # landed midway through each kind of work: a slow robot (ASan) sends
    # fewer dispositions per cycle, so answers come later.
    c = 0
    while c < CYCLES or (not t.covered() and c < 3 * CYCLES):
        # New applications while the robot keeps up (under ASan it is
        # slower), so that dispositions go out and answers come back.
        if c < CYCLES * 0.6 and t.delivered - (r.scalar("SELECT count(*) FROM inbound")
                                               or 0) < 4:
            for _ in range(2):
                t.deliver_application()
        t.answer_dispositions()
        phase = c % 10
        if phase == 4 and c + 3 < CYCLES:
            sb.fault("smtp-tempfail", "on")
            t.tempfail = True
        elif phase == 7 and t.tempfail:
            sb.fault("smtp-tempfail", "off")
            t.tempfail = False
        if phase == 7 and c + 1 < CYCLES:
            t.lock_cycle()
        else:
            t.cycle()
        c += 1
    if t.tempfail:
        sb.fault("smtp-tempfail", "off")
    t.start()
    try:
        wait_until(t.settled, "every case where its answers lead", every=0.5)
    except Failure as e:
        raise Failure("%s: %s" % (e, t.unsettled))
    n = len(t.apps)

    # Every application one case, every message recorded and archived once.
    check(r.sql("SELECT count(DISTINCT root_message_id) FROM cases") == [(n,)],
          "one case per application")
    refs = [x for (x,) in r.sql("SELECT ref FROM cases")]
    check(len(set(refs)) == n, "distinct case references")
    check(r.scalar("SELECT count(*) FROM inbound") == t.delivered,
          "each message recorded once: %s of %d" % (r.scalar("SELECT count(*) FROM inbound"),
                                                    t.delivered))
    check(r.scalar("SELECT count(DISTINCT message_id) FROM inbound") == t.delivered,
          "no message recorded twice")
    wait_until(lambda: sb.count("tte") == 0, "robot INBOX empty")
    check(len(header_ids(sb, "tte")) == 0, "nothing left in INBOX")
    archived = header_ids(sb, "tte", "Processed")
    check(len(archived) == t.delivered and len(set(archived)) == t.delivered,
          "each message archived once: %d (%d distinct) of %d"
          % (len(archived), len(set(archived)), t.delivered))

    # Every answer acted on once, on the dispatch it answered.
    for mid, (ref, step, verdict) in t.replies.items():
        rows = r.sql("SELECT i.kind, c.ref FROM inbound i JOIN cases c ON c.id = i.case_id "
                     "WHERE i.message_id = ?", mid)
        check(rows == [("command", ref)], "answer %s to %s: %s" % (mid, ref, rows))
        d = r.sql("SELECT d.step_name, d.verdict FROM dispatches d JOIN inbound i "
                  "ON i.id = d.inbound_id WHERE i.message_id = ?", mid)
        check(d == [(step, verdict)], "answer %s decided %s once: %s" % (mid, step, d))
    # No step decided twice; each case's history one consistent chain.
    dup = r.sql("SELECT case_id, step_name, round, count(*) FROM dispatches "
                "WHERE verdict IS NOT NULL GROUP BY 1, 2, 3 HAVING count(*) > 1")
    check(dup == [], "a step decided twice: %s" % dup)
    dup = r.sql("SELECT case_id, event, detail, count(*) FROM case_events "
                "GROUP BY 1, 2, 3 HAVING count(*) > 1")
    check(dup == [], "an event recorded twice: %s" % dup)
    for (cid,) in r.sql("SELECT id FROM cases"):
        at = None
        rnd = 0
        for (detail,) in r.sql("SELECT detail FROM case_events WHERE case_id = ? AND "
                               "event = 'state' ORDER BY id", cid):
            m = re.fullmatch(r"(.*) -> (.*) \(round (\d+)\)", detail)
            check(m is not None, "state event: %s" % detail)
            check(at is None or m.group(1) == at, "case %d: from %s, was at %s"
                  % (cid, m.group(1), at))
            check(int(m.group(3)) in (rnd, rnd + 1), "case %d: round %s after %d"
                  % (cid, m.group(3), rnd))
            at, rnd = m.group(2), int(m.group(3))
        st = r.sql("SELECT state || ' at ' || step_name, round FROM cases WHERE id = ?", cid)
        check(st == [(at, rnd)], "case %d: %s, history says %s round %d" % (cid, st, at, rnd))
        steps = [s for (s,) in r.sql("SELECT step_name FROM dispatches WHERE case_id = ? "
                                     "ORDER BY id", cid)]
        check(len(steps) == len(set(steps)), "case %d: a step dispatched twice: %s"
              % (cid, steps))

    # Every mail queued arrived; a second copy only with the same
    # Message-ID, after a kill between its 250 and the commit.
    check(r.scalar("SELECT count(*) FROM outbox WHERE kind = 'tanda-terima'") == n,
          "%d acknowledgements queued" % n)
    check(r.scalar("SELECT count(*) FROM outbox WHERE kind = 'disposisi' AND rcpt = ?",
                   "sekdis@" + DOMAIN) == n, "%d dispositions to sekdis queued" % n)
    rows = r.sql("SELECT rcpt, message_id FROM outbox")
    want = {}
    for rcpt, mid in rows:
        want.setdefault(rcpt.split("@")[0], []).append(mid.strip("<>"))
    resends = 0
    for user, mids in want.items():
        def arrived():
            acc = t.accepted()
            got = header_ids(sb, user)
            return (got, acc) if len(got) == sum(acc.get(m, 0) for m in mids) else None
        got, acc = wait_until(arrived, "every accepted mail in %s's INBOX" % user)
        check(sorted(set(got)) == sorted(mids), "%s got exactly the outbox's Message-IDs: "
              "%d distinct, %d queued" % (user, len(set(got)), len(mids)))
        for mid in mids:
            check(got.count(mid) == acc.get(mid, 0), "%s: %s delivered %d times, accepted %d"
                  % (user, mid, got.count(mid), acc.get(mid, 0)))
            resends += got.count(mid) - 1
    check(resends <= t.kills, "at most one resend per kill: %d resends, %d kills"
          % (resends, t.kills))
    check(resends >= t.window, "each kill between 250 and commit resent: %d < %d"
          % (resends, t.window))

    a = subprocess.run([ROOT + "/disposisi", "audit", "-f", r.conf, "verify"],
                       capture_output=True, text=True)
    check(a.returncode == 0, "sealed trail whole after the kills: %s" % (a.stdout + a.stderr))
    check(r.alive(), "robot running")

    print("torture: %d kills; killed midway through intake %d, answers %d, "
          "sending %d, between 250 and commit %d; %d resends; %d applications, %d answers, "
          "%d mails out; %.0f s (TORTURE_SEED=%d)"
          % (t.kills, t.midway["intake"], t.midway["decisions"],
             t.midway["outbox"], t.window, resends, n, len(t.replies), len(rows),
             time.time() - t0, t.seed), flush=True)
    check(t.covered(), "kills landed midway through each kind of work: %s" % t.midway)
    check(t.window >= 1, "a kill landed between a 250 and its commit")

