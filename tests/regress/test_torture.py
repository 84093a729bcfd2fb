# SPDX-License-Identifier: ISC
"""Exactly once under kill -9: the robot is killed with SIGKILL at random
instants, over and over, while cases go through every step of the shipped
SOP (rules/sop-tte.conf) - the Secretary, the Head, the Head of Division,
the Sandiman, a verifier's T back to the applicant and the applicant's
return, E-Gov's new mailbox, the three verifiers' quorum with the
recommendation letter, the Head's signed request, registration, and AMS's
notices until the certificate is issued; every sixth case the Head
refuses - with SMTP refusing for a while, and with the database's write
lock held by another program so that kills land between the server's 250
and the commit that records it.

The world's side answers what arrives, as people would: each disposition
once it is in the official's mailbox, by replying to it (its token), the
applicant's return once the case came back, each AMS notice once the case
waits for it; some answers are sent twice, as clients resend.

TORTURE_CYCLES sets the least number of kill cycles: `make check` runs a
few (the default below), `make torture` a hundred; the kills go on until
every case stands where its answers lead (CYCLES // 4 cases, at least
six). Then, with the robot left running until everything is sent and
archived: every application is one case, every answer acted on once (a
resent one told "sudah diproses" once), no step decided twice, each
disposition sent once per official per round, each case's history one
chain, every message recorded and archived once, nothing left in INBOX,
every mail the outbox queued delivered, a second copy only from a kill
between 250 and commit (then with the same Message-ID, at most one per
kill), and the sealed audit trail whole."""

import email
import email.policy
import imaplib
import os
import random
import re
import signal
import sqlite3
import subprocess
import time

from lib import (DOMAIN, ROOT, SOP_NOTICES, WAIT, Failure, Robot, answer, application, check,
                 sop_notice, wait_until)

CYCLES = int(os.environ.get("TORTURE_CYCLES", "24") or 24)
CASES = max(6, CYCLES // 4)
VERIFIERS = ["verifikator1", "verifikator2", "verifikator3"]
OFFICIALS = ["sekdis", "kadis", "kabid.persandian", "sandiman", "egov"] + VERIFIERS


def closed_office_clock():
    """The last Sunday 10:00 WIB: the office is closed, so the timer sends
    no reminders and takes no lock of its own; only the kills vary."""
    wib = 7 * 3600
    now = time.time()
    day = int((now + wib) // 86400) * 86400 - wib        # today 00:00 WIB
    wday = time.gmtime(now + wib).tm_wday                # Monday = 0
    t = day - ((wday + 1) % 7) * 86400 + 10 * 3600
    return t if t < now else t - 7 * 86400


def applicant(i):
    """Applicants write from outside, so E-Gov's step is not skipped."""
    return "pemohon%d@gmail.com" % i


def new_mailbox(i):
    """The official mailbox E-Gov makes for case i (budi's, by its tag)."""
    return "budi+c%d@%s" % (i, DOMAIN)


def refused(i):
    return i % 6 == 5


def expected_state(i):
    return ("ditolak", "kadis") if refused(i) else ("selesai", "terbit")


def expected_dispatches(i):
    """(step, official) of every disposition case i gets, sorted."""
    one = [("sekdis", "sekdis"), ("kadis", "kadis")]
    group = []
    if not refused(i):
        one += [("kabid", "kabid.persandian"), ("sandiman", "sandiman"),
                ("email-dinas", "egov"), ("permintaan", "kadis")]
        group = ["periksa-berkas", "periksa-berkas", "rekomendasi", "registrasi",
                 "verifikasi-wajah", "persetujuan"]     # row 13: watched in AMS
    return sorted([(s, "%s@%s" % (u, DOMAIN)) for s, u in one] +
                  [(s, "%s@%s" % (v, DOMAIN)) for s in group for v in VERIFIERS])


def mailbox_of(rcpt):
    """The sandbox mailbox a robot's mail to rcpt lands in."""
    local, dom = rcpt.split("@")
    return local.split("+")[0] if dom == DOMAIN else "outbound"


class Mailbox:
    """New mail in a user's INBOX since the last look, over one IMAP
    session kept open (opened again if the server dropped it)."""

    def __init__(self, sb, user):
        self.sb = sb
        self.user = user
        self.last = 0
        self.c = None

    def new(self):
        try:
            return self.fetch()
        except (imaplib.IMAP4.abort, OSError):
            self.c = None
            return self.fetch()

    def fetch(self):
        if self.c is None:
            self.c = self.sb.imap(self.user)
        self.c.select("INBOX", readonly=True)
        typ, data = self.c.uid("SEARCH", None, "UID %d:*" % (self.last + 1))
        uids = [u for u in data[0].split() if int(u) > self.last]  # "N:*" holds the last
        if not uids:
            return []
        typ, data = self.c.uid("FETCH", b",".join(uids).decode(), "(UID BODY.PEEK[])")
        out = []
        for x in data:
            if isinstance(x, tuple):
                self.last = max(self.last, int(re.search(rb"UID (\d+)", x[0]).group(1)))
                out.append(email.message_from_bytes(x[1], policy=email.policy.default))
        return out

    def close(self):
        if self.c is not None:
            try:
                self.c.logout()
            except (imaplib.IMAP4.error, OSError):
                pass
            self.c = None


class LogTail:
    """A growing log file read on from where the last look ended, whole
    lines only."""

    def __init__(self, path):
        self.path = path
        self.at = 0

    def lines(self):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.at)
                chunk = f.read()
        except FileNotFoundError:
            return b""
        chunk = chunk[:chunk.rfind(b"\n") + 1]
        self.at += len(chunk)
        return chunk


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
        self.inputs = {}            # Message-ID of all we put in -> (what, case ref)
        self.replies = {}           # answer Message-ID -> (ref, step, verdict; None: resent)
        self.seen = set()           # robot's mails already answered or passed over
        self.t_round = {}           # ref -> round of the verifier's T
        self.letter = set()         # refs whose quorum got the letter
        self.noticed = set()        # (ref, step) whose AMS notice was sent
        self.boxes = {u: Mailbox(sb, u) for u in OFFICIALS + ["outbound"]}
        self.tempfail = False       # SMTP refusing the robot
        self.kills = 0
        self.life = 0.3             # the most a "random" kill waits, s
        self.midway = dict(intake=0, decisions=0, outbox=0)
        self.after = {}             # what a kill came right after -> kills
        self.window = 0             # kills seen between a 250 and its commit
        self.window_rows = {}       # outbox id -> acceptances counted as window
        self.unsettled = ""         # what the end still waits for
        self.robot_log = LogTail(self.r.log)
        self.nselected = 0
        self.plog = LogTail(os.path.join(sb.dir, "log", "postfix.log"))
        self.queued_ids = {}        # Postfix queue id -> Message-ID
        self.acc = {}               # Message-ID -> acceptances

    # --- the robot's world, read from outside ------------------------------
    def robot_now(self):
        return time.time() + self.offset

    def start(self):
        return self.r.start(clock=self.robot_now())

    def selected(self):
        """How many times the robot has been in its mailbox."""
        self.nselected += self.robot_log.lines().count(b" selected, UIDVALIDITY")
        return self.nselected

    def q(self, sql, *args):
        return self.r.scalar(sql, *args) or 0

    COUNTS = dict(inbound="SELECT count(*) FROM inbound",
                  commands="SELECT count(*) FROM inbound WHERE kind = 'command'",
                  sent="SELECT count(*) FROM outbox WHERE status = 'sent'",
                  queued="SELECT count(*) FROM outbox WHERE status = 'queued'",
                  last="SELECT max(id) FROM inbound")

    def snapshot(self):
        return {k: self.q(v) for k, v in self.COUNTS.items()}

    def accepted(self):
        """Message-ID -> how many times Postfix took a mail with it: its
        cleanup names the Message-ID while the mail is still coming in,
        its queue manager takes it only once it is committed (the 250)."""
        text = self.plog.lines().decode(errors="replace")
        self.queued_ids.update(re.findall(r"cleanup\[\d+\]: (\w+): message-id=<([^>]*)>",
                                          text))
        for qid in re.findall(r"qmgr\[\d+\]: (\w+): from=.*\(queue active\)", text):
            if qid in self.queued_ids:
                mid = self.queued_ids[qid]
                self.acc[mid] = self.acc.get(mid, 0) + 1
        return self.acc

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

    def case_of(self, ref):
        return self.apps[self.r.scalar("SELECT root_message_id FROM cases WHERE ref = ?",
                                       ref).strip("<>")]

    # --- the world's side: mail in --------------------------------------
    def put(self, m, what, ref=None, deliver=True):
        """Notes a mail for the robot (delivered over LMTP: it works while
        SMTP refuses) and what it is."""
        if deliver:
            self.sb.deliver(m.as_bytes())
        self.inputs[m["Message-ID"].strip("<>")] = (what, ref)
        self.delivered += 1

    def deliver_application(self):
        i = len(self.apps)
        m = application(applicant(i), subject="Permohonan %d" % i, name="Pemohon %d" % i)
        self.apps[m["Message-ID"].strip("<>")] = i
        self.put(m, "permohonan")

    def script(self, ref, i, step, rnd, user):
        """What user answers to case i's disposition at step (its round
        rnd): (verdict, text, files), or None for no answer."""
        v = VERIFIERS
        if step == "kadis" and refused(i):
            return ("T", "T: SK jabatan kedaluwarsa", ())
        if step == "sandiman":
            return ("Y", "Setuju", ())
        if step == "periksa-berkas":
            # One verifier sends the file back; after the applicant's
            # return another passes it. The rest leave it to them.
            if ref not in self.t_round:
                if user != v[i % 3]:
                    return None
                self.t_round[ref] = rnd
                return ("T", "T - scan KTP buram, mohon kirim ulang", ())
            return (("Y", "Y", ()) if user == v[(i + 1) % 3] and rnd > self.t_round[ref]
                    else None)
        if step == "email-dinas":
            return ("Y", "Y %s" % new_mailbox(i), ())
        if step == "rekomendasi":
            # All three; the first answer carries the letter, so it is
            # also the first the robot reads (delivery order).
            first = ref not in self.letter
            self.letter.add(ref)
            return ("Y", "Y", ("rekomendasi.pdf",) if first else ())
        if step == "permintaan":
            return ("Y", "Y, terlampir surat permintaan", ("permintaan-ttd.pdf",))
        if step == "registrasi" and user != v[(i + 2) % 3]:
            return None
        if step == "verifikasi-wajah" and user != v[i % 3]:
            return None
        return ("Y", "Y", ())

    def dispatch_of(self, d):
        """The case, step and round a disposition asks for: its row was
        committed before it was sent."""
        rows = self.r.sql("SELECT c.ref, d.step_name, d.round FROM outbox o "
                          "JOIN dispatches d ON d.case_id = o.case_id "
                          "JOIN cases c ON c.id = o.case_id "
                          "WHERE o.message_id = ? AND instr(o.message_id, d.token) > 0",
                          d["Message-ID"].strip().strip("<>"))
        check(len(rows) == 1, "disposition %s: %s" % (d["Message-ID"], rows))
        return rows[0]

    def answer_dispositions(self):
        """Answers each disposition that arrived, once, by replying to it
        (a copy the robot sent again carries the same Message-ID)."""
        for user in OFFICIALS:
            for d in self.boxes[user].new():
                if ("Disposisi permohonan" not in str(d["Subject"]) or
                        d["Message-ID"] in self.seen):
                    continue
                self.seen.add(d["Message-ID"])
                ref, step, rnd = self.dispatch_of(d)
                i = self.case_of(ref)
                what = self.script(ref, i, step, rnd, user)
                if what is None:
                    continue
                verdict, text, files = what
                m = answer(self.sb, d, user, text, files, html=(i % 3 == 0), lmtp=True)
                self.replies[m["Message-ID"].strip("<>")] = (ref, step, verdict)
                self.put(m, step, ref, deliver=False)
                if step == "registrasi" and i % 2 == 0:
                    # The client sends it again: told once, acts never.
                    m = answer(self.sb, d, user, text, files, lmtp=True)
                    self.replies[m["Message-ID"].strip("<>")] = (ref, step, None)
                    self.put(m, step, ref, deliver=False)

    def answer_returns(self):
        """The applicant answers the file sent back with a clearer KTP."""
        for back in self.boxes["outbound"].new():
            if "dikembalikan" not in str(back["Subject"]) or back["Message-ID"] in self.seen:
                continue
            self.seen.add(back["Message-ID"])
            ref = re.search(r"TTE-\d{4}-\d{5}", str(back["Subject"])).group(0)
            m = answer(self.sb, back, applicant(self.case_of(ref)),
                       "Mohon maaf, berikut scan KTP yang lebih jelas.", ["ktp.jpg"], lmtp=True)
            self.put(m, "kembali", ref, deliver=False)

    def send_notices(self):
        """AMS's notice for each case that waits for one, once."""
        try:
            waiting = self.r.sql("SELECT ref, step_name FROM cases WHERE state = 'proses' AND "
                                 "step_name IN (%s)" % ",".join("?" * len(SOP_NOTICES)),
                                 *SOP_NOTICES)
        except sqlite3.OperationalError:
            return          # killed before it made its database
        for ref, step in waiting:
            if (ref, step) not in self.noticed:
                self.noticed.add((ref, step))
                m = sop_notice(self.sb, step, new_mailbox(self.case_of(ref)), lmtp=True)
                self.put(m, step, ref, deliver=False)

    def act(self):
        self.answer_dispositions()
        self.answer_returns()
        self.send_notices()

    # --- one kill --------------------------------------------------------
    def cycle(self):
        """Starts the robot and kills it: at a random instant of its start
        or of its work, or just after it committed one more message,
        answer or sent mail of the ones waiting, so that some kills surely
        land in the middle."""
        before = self.snapshot()
        aims = ["start", "random", "random"]
        if self.delivered > before["inbound"] + 1:
            aims += ["inbound", "inbound"]
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
            time.sleep(self.rnd.uniform(0, self.life))
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
            # What the last commits before the kill were for.
            for what in {self.inputs.get(mid, ("?",))[0] for (mid,) in
                         self.r.sql("SELECT message_id FROM inbound WHERE id > ?",
                                    before["last"])}:
                self.after[what] = self.after.get(what, 0) + 1
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
    def at_ends(self):
        """True once every case stands where its answers lead."""
        self.unsettled = "%d cases of %d" % (self.q("SELECT count(*) FROM cases"),
                                             len(self.apps))
        if self.q("SELECT count(*) FROM cases") != len(self.apps):
            return False
        for (mid, i) in self.apps.items():
            got = self.r.sql("SELECT ref, state, step_name FROM cases "
                             "WHERE root_message_id = ?", mid)
            if got[0][1:] != expected_state(i):
                self.unsettled = "%s at %s, should be at %s" % (got[0][0], got[0][1:],
                                                                 expected_state(i))
                return False
        return True

    def settled(self):
        """at_ends, nothing waits in the outbox and every message is
        recorded and archived."""
        self.act()
        if not self.at_ends():
            return False
        self.unsettled = "outbox, inbound or moves pending"
        return (self.q("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0 and
                self.q("SELECT count(*) FROM inbound WHERE imap_done = 0") == 0 and
                self.q("SELECT count(*) FROM inbound") == self.delivered)

    def close(self):
        for b in self.boxes.values():
            b.close()


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


def wait_progress(pred, progress, what):
    """wait_until, but giving up only after WAIT seconds in which
    progress() did not change: the whole SOP takes a while."""
    last, end = None, time.time() + WAIT
    while not pred():
        p = progress()
        if p != last:
            last, end = p, time.time() + WAIT
        elif time.time() > end:
            raise Failure("no progress in %d s waiting for %s" % (WAIT, what))
        time.sleep(0.5)


def test_torture_kill9(sb):
    check(CYCLES >= 10, "TORTURE_CYCLES=%d: at least 10 (a refusal and a held lock)" % CYCLES)
    t0 = time.time()
    t = Torture(sb)
    try:
        torture(sb, t, t0)
    finally:
        t.close()


def torture(sb, t, t0):
    r = t.r
    # Three applications at once, the rest over the first half of the
    # minimum cycles: cases at every step when the kills land.
    arrive = [0] * 3 + [int((k + 1) * CYCLES * 0.5 / (CASES - 3)) for k in range(CASES - 3)]
    # CYCLES kills, and more (up to six times as many) until every case
    # stands where its answers lead and kills have landed midway through
    # each kind of work.
    c = 0
    while c < CYCLES or ((not t.at_ends() or not t.covered()) and c < 6 * CYCLES):
        if c == CYCLES:
            t.life = 0.6    # past the minimum: the cases on faster, kills as random
        while len(t.apps) < CASES and arrive[len(t.apps)] <= c:
            t.deliver_application()
        t.act()
        # Every ten cycles SMTP refuses for three and the lock is held
        # once; past the minimum every twenty (each lock costs seconds).
        phase = c % (10 if c < CYCLES else 20)
        if phase == 4:
            sb.fault("smtp-tempfail", "on")
            t.tempfail = True
        elif phase == 7 and t.tempfail:
            sb.fault("smtp-tempfail", "off")
            t.tempfail = False
        if phase == 7:
            t.lock_cycle()
        else:
            t.cycle()
        c += 1
    if t.tempfail:
        sb.fault("smtp-tempfail", "off")
    t.start()
    try:
        wait_progress(t.settled, t.snapshot, "every case where its answers lead")
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
    for mid, (what, ref) in t.inputs.items():     # the returns and notices
        if what == "kembali" or what in SOP_NOTICES:
            rows = r.sql("SELECT i.kind, c.ref FROM inbound i JOIN cases c ON c.id = i.case_id "
                         "WHERE i.message_id = ?", mid)
            want = "submission" if what == "kembali" else "notice"
            check(rows == [(want, ref)], "%s %s on %s: %s" % (what, mid, ref, rows))
    wait_until(lambda: sb.count("tte") == 0, "robot INBOX empty")
    check(len(header_ids(sb, "tte")) == 0, "nothing left in INBOX")
    archived = header_ids(sb, "tte", "Processed")
    check(len(archived) == t.delivered and len(set(archived)) == t.delivered,
          "each message archived once: %d (%d distinct) of %d"
          % (len(archived), len(set(archived)), t.delivered))

    # Every answer acted on once, on the dispatch it answered; one sent
    # again is told so once and decides nothing.
    for mid, (ref, step, verdict) in t.replies.items():
        rows = r.sql("SELECT i.kind, c.ref FROM inbound i JOIN cases c ON c.id = i.case_id "
                     "WHERE i.message_id = ?", mid)
        check(rows == [("command", ref)], "answer %s to %s: %s" % (mid, ref, rows))
        d = r.sql("SELECT d.step_name, d.verdict FROM dispatches d JOIN inbound i "
                  "ON i.id = d.inbound_id WHERE i.message_id = ?", mid)
        want = [(step, verdict)] if verdict else []
        check(d == want, "answer %s decided %s: %s" % (mid, want, d))
    resent = sum(1 for (_, _, v) in t.replies.values() if v is None)
    deciding = len(t.replies) - resent
    check(r.scalar("SELECT count(*) FROM outbox WHERE kind = 'sudah-diproses'") == resent,
          "each answer sent again told once: %d" % resent)
    check(r.scalar("SELECT count(*) FROM case_events WHERE event = 'tidak-dikirim' AND"
                   " detail LIKE 'tercatat, step %: off by %'") == deciding,
          "each answer's receipt (off by rules/mails.conf) recorded once: %d" % deciding)
    # No step decided twice (a group's other dispositions are closed with
    # verdict '-' when the case leaves the step), each disposition sent
    # once per official and round; each case's history one consistent chain.
    dup = r.sql("SELECT case_id, step_name, round, official, count(*) FROM dispatches "
                "GROUP BY 1, 2, 3, 4 HAVING count(*) > 1")
    check(dup == [], "a disposition sent twice: %s" % dup)
    dup = r.sql("SELECT case_id, step_name, round, count(*) FROM dispatches "
                "WHERE verdict IN ('Y', 'T') AND step_name != 'rekomendasi' "
                "GROUP BY 1, 2, 3 HAVING count(*) > 1")
    check(dup == [], "a step decided twice: %s" % dup)
    dup = r.sql("SELECT case_id, event, detail, count(*) FROM case_events WHERE event"
                " NOT IN ('disposisi', 'tidak-dikirim') GROUP BY 1, 2, 3 HAVING count(*) > 1")
    check(dup == [], "an event recorded twice: %s" % dup)
    # Like a disposition, a mail not sent is each recipient's.
    dup = r.sql("SELECT case_id, actor, detail, count(*) FROM case_events WHERE event ="
                " 'tidak-dikirim' GROUP BY 1, 2, 3 HAVING count(*) > 1")
    check(dup == [], "a mail not sent recorded twice: %s" % dup)
    for mid, i in t.apps.items():
        (cid,) = r.sql("SELECT id FROM cases WHERE root_message_id = ?", mid)[0]
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
        got = sorted(r.sql("SELECT step_name, official FROM dispatches WHERE case_id = ?", cid))
        check(got == expected_dispatches(i), "case %d's dispositions: %s" % (cid, got))
        check(r.scalar("SELECT count(*) FROM outbox WHERE case_id = ? AND kind IN"
                       " ('disposisi', 'pemantauan-ams')", cid) == len(got),
              "case %d: one mail per disposition" % cid)
        relays = sorted(r.sql("SELECT kind, rcpt FROM outbox WHERE case_id = ? AND "
                              "(kind LIKE 'ams-%' OR kind = 'selesai')", cid))
        want = [] if refused(i) else sorted(
            (k, new_mailbox(i)) for k in ("ams-aktivasi", "ams-passphrase", "ams-disetujui",
                                          "ams-terbit", "selesai"))
        check(relays == want, "case %d: each notice relayed once: %s" % (cid, relays))

    # Every mail queued arrived; a second copy only with the same
    # Message-ID, after a kill between its 250 and the commit.
    check(r.scalar("SELECT count(*) FROM outbox WHERE kind = 'tanda-terima'") == n,
          "%d acknowledgements queued" % n)
    rows = r.sql("SELECT rcpt, message_id FROM outbox")
    want = {}
    for rcpt, mid in rows:
        want.setdefault(mailbox_of(rcpt), []).append(mid.strip("<>"))
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

    done = sum(1 for i in t.apps.values() if not refused(i))
    print("torture: %d kills; killed midway through intake %d, answers %d, sending %d, "
          "between 250 and commit %d; %d resends; %d cases (%d through all 14 steps), "
          "%d messages in (%d answers), %d mails out; %.0f s (TORTURE_SEED=%d)"
          % (t.kills, t.midway["intake"], t.midway["decisions"], t.midway["outbox"],
             t.window, resends, n, done, t.delivered, len(t.replies), len(rows),
             time.time() - t0, t.seed), flush=True)
    print("torture: kills right after committing mail for: %s"
          % ", ".join("%s %d" % kv for kv in sorted(t.after.items())), flush=True)
    check(t.covered(), "kills landed midway through each kind of work: %s" % t.midway)
    check(t.window >= 1, "a kill landed between a 250 and its commit")
