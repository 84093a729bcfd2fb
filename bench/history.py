# SPDX-License-Identifier: ISC
"""What years of history cost (issue 9, "History").

Two robots on one sandbox: one with an empty database, one whose database
holds BENCH_CASES closed cases (100,000; 10,000 with BENCH_QUICK=1) and
BENCH_OPEN open ones (1,000), written with the robot's own schema (made
by running the binary once, then filled with sqlite3 in one transaction:
documents, dispatches, step times, sealed events, mail in and out - about
fifteen outbox rows a case - as the robot writes them).

1. Per message: an application, then the first official's Y, through the
   real servers, each robot in turn, three rounds interleaved. From the
   robot's log: "handled" is its parse done -> the transaction committed
   (the workflow's SQL and the commit); "+ move + timer" runs on to the
   end of the timer pass that follows (the IMAP move and the timer's
   queries).
2. Admin commands: wall time of each, a fresh process each time, median
   of three, interleaved the same way.
The empty database is each row's anchor."""

import hashlib
import hmac
import os
import random
import re
import shutil
import sqlite3
import subprocess
import time

import benchlib
from benchlib import Row, lib, spread, stamp
from lib import DOMAIN, ROOT, application, reply_to, subject_has, wait_until

QUICK = benchlib.QUICK
CLOSED = int(os.environ.get("BENCH_CASES", "10000" if QUICK else "100000"))
OPEN = int(os.environ.get("BENCH_OPEN", "1000"))
ROUNDS = 3
YEAR = 365 * 86400
STEPS = ["sekdis", "kadis", "kabid", "sandiman", "periksa-berkas", "email-dinas",
         "rekomendasi", "permintaan", "registrasi", "aktivasi", "verifikasi-wajah",
         "passphrase", "persetujuan", "terbit"]
# Each step's role and the holder the shipped rules name (rules/people.conf),
# so that the robot's start finds every open case's official still in place;
# the applicant's notice steps have no dispatch.
ACTOR = {"sekdis": ("sekdis", "sekdis"), "kadis": ("kadis", "kadis"),
         "kabid": ("kabid-persandian", "kabid.persandian"),
         "sandiman": ("sandiman", "sandiman"), "email-dinas": ("egov", "egov"),
         "permintaan": ("kadis", "kadis")}
NOTICE = ("aktivasi", "passphrase", "persetujuan", "terbit")
DOCS = [("surat-permohonan.pdf", "surat-permohonan"), ("ktp.jpg", "ktp"),
        ("sk-terakhir.pdf", "sk-terakhir"), ("sk-jabatan.pdf", "sk-jabatan"),
        ("formulir-bsre.pdf", "formulir")]


def wib_year(t):
    return time.gmtime(t + 7 * 3600).tm_year


class Seeder:
    """Rows as the robot writes them, ids in order, events sealed."""

    def __init__(self, db, key, spool, now):
        self.db, self.key, self.spool, self.now = db, key, spool, now
        self.n = dict(inbound=0, outbox=0, dispatches=0, events=0, docs=0)
        self.prev_seal = None
        self.rows = {t: [] for t in ("cases", "documents", "dispatches", "step_times",
                                     "case_events", "outbox", "inbound", "case_values",
                                     "reminders")}

    def uniq(self, what):
        self.n[what] += 1
        return self.n[what]

    def event(self, case_id, at, actor, ev, detail):
        i = self.uniq("events")
        data = "%d %d %d" % (i, case_id, at)
        for f in (self.prev_seal, actor, ev, detail):
            data += "|-" if f is None else "|%d:%s" % (len(f.encode()), f)
        seal = hmac.new(self.key, data.encode(), hashlib.sha256).hexdigest()
        self.prev_seal = seal
        self.rows["case_events"].append((i, case_id, at, actor, ev, detail, seal))

    def mail_out(self, cid, ref, kind, rcpt, at, token=None):
        i = self.uniq("outbox")
        mid = "%s.%s@%s" % (ref.lower(), token if kind == "disposisi" else
                            "%s-%012x" % (kind, i), DOMAIN)
        status, code = ("failed", 550) if i % 997 == 0 else ("sent", 250)
        self.rows["outbox"].append((i, cid, kind, rcpt, mid, "%s/out/%064x" % (self.spool, i),
                                    status, 1, at, code, None, at, at + 2))

    def mail_in(self, cid, sender, subject, kind, folder, at):
        i = self.uniq("inbound")
        self.rows["inbound"].append((i, "INBOX", 1, i, "%064x" % (1 << 200 | i),
                                     "m%d@%s" % (i, DOMAIN), sender, subject, kind,
                                     folder, None, cid, 1, at))
        return i

    def case(self, cid, ref, opened, state, nsteps, applicant, name):
        """A case that went through nsteps steps and ended in state."""
        t = opened
        closed = state in ("selesai", "ditolak", "dibatalkan")
        subject = "Permohonan Sertifikat Elektronik"
        self.mail_in(cid, applicant, subject, "submission", "Processed", t)
        for fn, kind in DOCS:
            i = self.uniq("docs")
            self.rows["documents"].append((i, cid, fn, "application/pdf", "%064x" % (2 << 200 | i),
                                           "%s/doc/%064x" % (self.spool, 2 << 200 | i),
                                           40000, kind, STEPS[0], 1))
        self.event(cid, t, "robot", "buka", "permohonan dari " + applicant)
        self.mail_out(cid, ref, "tanda-terima", applicant, t)
        step = STEPS[0]
        for k in range(nsteps):
            step = STEPS[k]
            if step in NOTICE:
                t += random.randint(600, 4 * 3600)
                self.event(cid, t, "robot", "pemberitahuan", step)
                continue
            role, holder = ACTOR.get(step, ("verifikator", "verifikator1"))
            official = "%s@%s" % (holder, DOMAIN)
            token = "%020x" % self.uniq("dispatches")
            sent = t
            t += random.randint(600, 4 * 3600)
            last = k == nsteps - 1
            waiting = last and not closed
            verdict = None if waiting else ("T" if last and state == "ditolak" else "Y")
            answer = None
            if verdict is not None:
                answer = self.mail_in(cid, official, "Re: [%s] Disposisi" % ref, "command",
                                      "Processed", t)
            self.rows["dispatches"].append((self.n["dispatches"], cid, step, k + 1, role,
                                            official, None, token, "%s.%s@%s" %
                                            (ref.lower(), token, DOMAIN), sent,
                                            None if waiting else t, verdict,
                                            "berkas tidak lengkap" if verdict == "T" else None,
                                            answer))
            self.mail_out(cid, ref, "disposisi", official, sent, token)
            if waiting:
                # Reminded and escalated already: the timer sends nothing.
                for level, who in ((1, official), (2, "")):
                    self.rows["reminders"].append((cid, step, k + 1, level, who, sent + 3600))
                break
            if k % 4 == 0:
                self.mail_out(cid, ref, "tercatat", official, t)
            self.rows["step_times"].append((cid, step, k + 1, sent, t, random.randint(5, 300),
                                            20))
            self.event(cid, t, official, "jawaban", "%s at %s" % (verdict, step))
        if step == "email-dinas" or nsteps > 5:
            self.rows["case_values"].append((cid, "email-dinas", applicant, t))
        expires = None
        if state == "selesai":
            self.mail_out(cid, ref, "selesai", applicant, t)
            expires = t + 2 * YEAR
            # No certificate ends within the expiry reminders' 30 days:
            # their mail would flood the sandbox, and an older robot
            # would have sent it long ago.
            if self.now < expires <= self.now + 31 * 86400:
                expires = self.now + 32 * 86400 + cid % 86400
        if state == "dibatalkan":
            self.event(cid, t, "admin", "batal", "permintaan pemohon")
        self.event(cid, t, "robot", "status", state)
        self.rows["cases"].append((cid, ref, applicant, name, subject, "r%d@%s" % (cid, DOMAIN),
                                   state, None, opened, t, "tte", step, max(nsteps, 1),
                                   "eb7950274173", applicant, expires, t if closed else
                                   t - 3600, None, t if closed else None, None, None))

    def flush(self):
        c = self.db
        r = self.rows
        c.executemany("INSERT INTO cases (id, ref, applicant, applicant_name, subject,"
                      " root_message_id, state, reason, opened_at, updated_at, sop, step_name,"
                      " round, rules_version, applicant_first, expires_at, step_since, renews,"
                      " closed_at, purged_at, purged_files) VALUES (%s)"
                      % ",".join("?" * 21), r["cases"])
        c.executemany("INSERT INTO documents (id, case_id, filename, content_type, sha256, path,"
                      " size, kind, step, round) VALUES (?,?,?,?,?,?,?,?,?,?)", r["documents"])
        c.executemany("INSERT INTO inbound (id, mailbox, uidvalidity, uid, sha256, message_id,"
                      " sender, subject, kind, folder, note, case_id, imap_done, received_at)"
                      " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", r["inbound"])
        c.executemany("INSERT INTO dispatches (id, case_id, step_name, round, role, official,"
                      " on_behalf, token, message_id, sent_at, answered_at, verdict, reason,"
                      " inbound_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", r["dispatches"])
        c.executemany("INSERT INTO step_times (case_id, step, round, entered_at, left_at,"
                      " office_minutes, standard_minutes) VALUES (?,?,?,?,?,?,?)",
                      r["step_times"])
        c.executemany("INSERT INTO case_events (id, case_id, at, actor, event, detail, seal)"
                      " VALUES (?,?,?,?,?,?,?)", r["case_events"])
        c.executemany("INSERT INTO outbox (id, case_id, kind, rcpt, message_id, path, status,"
                      " attempts, next_attempt_at, smtp_code, last_error, created_at, sent_at)"
                      " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", r["outbox"])
        c.executemany("INSERT INTO case_values (case_id, step, value, at) VALUES (?,?,?,?)",
                      r["case_values"])
        c.executemany("INSERT INTO reminders (case_id, step, round, level, official, at)"
                      " VALUES (?,?,?,?,?,?)", r["reminders"])
        for v in r.values():
            v.clear()


def seed(robot, closed, nopen):
    """Fills the robot's database (its schema made by the binary)."""
    now = int(time.time())
    with open(os.path.join(robot.dir, "hmac.key")) as f:
        key = f.read().strip().encode()
    db = sqlite3.connect(robot.db, isolation_level=None)
    db.execute("PRAGMA synchronous=OFF")
    db.execute("BEGIN")
    s = Seeder(db, key, os.path.join(robot.dir, "spool"), now)
    random.seed(9)
    total = closed + nopen
    seq = {}
    people = max(1, closed // 3)
    for cid in range(1, total + 1):
        if cid <= closed:
            opened = now - 3 * YEAR + (cid * (3 * YEAR - 60 * 86400)) // closed
            u = random.random()
            state, nsteps = (("selesai", len(STEPS)) if u < 0.8 else
                             ("ditolak", random.randint(1, 5)) if u < 0.95 else
                             ("dibatalkan", random.randint(1, 3)))
        else:
            opened = now - 30 * 86400 + ((cid - closed) * 29 * 86400) // max(nopen, 1)
            state, nsteps = "proses", random.randint(1, 4)    # one official each
        y = wib_year(opened)
        seq[y] = seq.get(y, 0) + 1
        who = cid % people
        applicant = "pegawai%d@%s" % (who, DOMAIN)
        s.case(cid, "TTE-%d-%05d" % (y, seq[y]), opened, state, nsteps, applicant,
               "Pegawai %d" % who)
        if cid % 10 == 0:       # mail that joined no case
            s.mail_in(None, applicant if cid % 20 == 0 else "orang%d@example.org" % cid,
                      "Tanya", "invalid", "Quarantine", opened)
        if cid % 2000 == 0:
            s.flush()
    s.flush()
    db.executemany("INSERT INTO case_seq VALUES (?, ?)", sorted(seq.items()))
    # The daily retention run is done for today.
    db.execute("INSERT OR REPLACE INTO jobs VALUES ('retensi', ?)", (now,))
    db.execute("COMMIT")
    # The seal checkpoint, as the robot writes it after its commits.
    last = db.execute("SELECT id, seal FROM case_events ORDER BY id DESC LIMIT 1").fetchone()
    with open(robot.db + ".seal", "w") as f:
        f.write("%d %s\n" % last)
    os.chmod(robot.db + ".seal", 0o600)
    counts = {t: db.execute("SELECT count(*) FROM %s" % t).fetchone()[0]
              for t in ("cases", "outbox", "case_events", "dispatches", "inbound", "documents")}
    db.close()
    return counts


def handled(text):
    """(parse done -> commit, -> end of the next timer pass), per message."""
    out = []
    lines = text.splitlines()
    for i, l in enumerate(lines):
        if "debug: message from" not in l:
            continue
        t0 = stamp(l)
        done = next(j for j in range(i + 1, len(lines)) if " -> " in lines[j] and
                    re.search(r": message \d+ from ", lines[j]))
        timer = next(j for j in range(done + 1, len(lines)) if "debug: timer:" in lines[j])
        out.append((stamp(lines[done]) - t0, stamp(lines[timer]) - t0))
    return out


def one_round(sb, r, n):
    """An application and the first official's Y; the robot's times."""
    start = len(r.logtext())
    r.start()
    wait_until(lambda: "INBOX selected" in r.logtext()[start:], "robot ready")
    sb.send(application("budi@" + DOMAIN, subject="Permohonan Sertifikat Elektronik %d" % n))

    def done(k):
        text = r.logtext()[start:]
        return len(re.findall(r": message \d+ from .* -> ", text)) >= k and \
            text.count("debug: timer:") >= k + 1 and text
    text = wait_until(lambda: done(1), "application handled")
    ref = re.search(r"(TTE-\d+-\d+): message \d+ from budi", text).group(1)
    disp = sb.wait_mail("sekdis", subject_has("[%s]" % ref), what="disposition of " + ref)[0]
    sb.send(reply_to(disp, "Sekretaris Dinas <sekdis@%s>" % DOMAIN, "Y"))
    wait_until(lambda: done(2), "answer handled")
    wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status = 'queued'") == 0,
               "outbox drained")
    r.stop()
    return ref, handled(r.logtext()[start:])


def run_cmd(args):
    t0 = time.time()
    p = subprocess.run([os.path.join(ROOT, "disposisi")] + args, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    dt = time.time() - t0
    return dt, p.returncode, p.stderr.strip()


def rows(table):
    sb = lib.Sandbox("history")
    robots = {"empty": lib.Robot(sb, "hist-empty"), "history": lib.Robot(sb, "hist-big")}
    try:
        for r in robots.values():   # the schema and key, as the binary makes them
            r.start()
            wait_until(lambda: "INBOX selected" in r.logtext(), "robot ready")
            r.stop()
        t0 = time.time()
        counts = seed(robots["history"], CLOSED, OPEN)
        size = os.path.getsize(robots["history"].db)
        print("history: %d closed + %d open cases seeded in %.1f s; %s; %.0f MiB"
              % (CLOSED, OPEN, time.time() - t0,
                 ", ".join("%s %d" % kv for kv in counts.items()), size / 2**20))

        msg = {k: {"app": [], "y": [], "app+": [], "y+": []} for k in robots}
        refs = {}
        for n in range(ROUNDS):
            for k, r in robots.items():
                ref, ((a, a2), (y, y2)) = one_round(sb, r, n)
                refs.setdefault(k, ref)
                msg[k]["app"].append(a)
                msg[k]["app+"].append(a2)
                msg[k]["y"].append(y)
                msg[k]["y+"].append(y2)

        old = sqlite3.connect(robots["history"].db)
        closed_ref, applicant = old.execute(
            "SELECT ref, applicant FROM cases WHERE state = 'selesai' ORDER BY id DESC"
            " LIMIT 1").fetchone()
        old.close()
        refs["history-closed"] = closed_ref
        since = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 30 * 86400))
        out = "/tmp/ds%s-history" % (lib.SLOT or "")
        cmds = [
            # The floor under every command: the program's start alone
            # (its ~100 shared libraries loaded and relocated).
            ("version (program start)", lambda r, k: ["version"]),
            ("status", lambda r, k: ["status", "-f", r.conf]),
            ("status CASE", lambda r, k: ["status", "-f", r.conf, refs[k]]),
            ("cases (open)", lambda r, k: ["cases", "-f", r.conf]),
            ("show CASE", lambda r, k: ["show", "-f", r.conf, refs[k]]),
            ("show --json CASE", lambda r, k: ["show", "-f", r.conf, refs[k], "--json"]),
            ("show CASE (closed, old)", lambda r, k: ["show", "-f", r.conf,
                                                      refs["history-closed"] if k == "history"
                                                      else refs[k]]),
            ("report --since 30 days", lambda r, k: ["report", "-f", r.conf, "--html",
                                                     out + ".html", "--since", since]),
            ("outbox", lambda r, k: ["outbox", "-f", r.conf]),
            ("export CASE", lambda r, k: ["export", "-f", r.conf, refs[k], out + "-x%d" %
                                          random.randint(0, 1 << 30)]),
            ("export ADDRESS", lambda r, k: ["export", "-f", r.conf, applicant if k == "history"
                                             else "budi@" + DOMAIN, out + "-x%d" %
                                             random.randint(0, 1 << 30)]),
            # The first run checks all and marks where it found the trail
            # whole; the median is a run from that mark.
            ("audit verify", lambda r, k: ["audit", "-f", r.conf, "verify"]),
            ("audit verify --full", lambda r, k: ["audit", "-f", r.conf, "verify", "--full"]),
            ("purge --dry-run", lambda r, k: ["purge", "-f", r.conf, "--dry-run"]),
        ]
        adm = {c: {k: [] for k in robots} for c, _ in cmds}
        for name, argv in cmds:
            for n in range(ROUNDS):
                for k, r in robots.items():
                    dt, rc, err = run_cmd(argv(r, k))
                    if rc != 0:
                        print("  %s (%s): exit %d: %s" % (name, k, rc, err[:200]))
                    adm[name][k].append(dt)
        for p in os.listdir("/tmp"):
            if p.startswith(os.path.basename(out)):
                p = os.path.join("/tmp", p)
                shutil.rmtree(p) if os.path.isdir(p) else os.unlink(p)

        def ms(xs):
            return spread([1000 * x for x in xs])
        for label, key in (("application: handled", "app"),
                           ("application: + move + timer", "app+"),
                           ("Y answer: handled", "y"), ("Y answer: + move + timer", "y+")):
            table.add(Row("history: %s (anchor: empty database)" % label,
                          ms(msg["history"][key]), ms(msg["empty"][key]), "ms",
                          "≤ 1.2× empty"))
        for name, _ in cmds:
            table.add(Row("history: %s (anchor: empty database)" % name, ms(adm[name]["history"]),
                          ms(adm[name]["empty"]), "ms",
                          "≤ 1,000 ms" if name in ("audit verify", "purge --dry-run") else
                          "-" if name == "audit verify --full" else "< 50 ms",
                          note="reads the whole history by design" if
                          name == "audit verify --full" else ""))
    finally:
        for r in robots.values():
            r.stop()
        sb.stop()

