# SPDX-License-Identifier: ISC
"""Faults from the real servers: Dovecot restarted under IDLE, SMTP
refusing for a while or for good, a TLS certificate for the wrong host,
a database locked by another program, full disks; and outages measured
(test_outage_*: CPU, SIGTERM, time to resume, mail lost). Kill -9 at
random instants is test_torture.py."""

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time

from lib import (DOMAIN, ROOT, Failure, Robot, application, attach_scan, check, subject_has,
                 wait_until)


def log_has(r, s):
    return s in r.logtext()


def test_imap_restart_under_idle(sb):
    r = Robot(sb, "imap_restart").start()
    wait_until(lambda: log_has(r, "INBOX selected"), "robot in IDLE")
    time.sleep(0.5)
    sb.fault("imap-down")
    sb.send(application("budi@" + DOMAIN))       # Postfix keeps it queued
    wait_until(lambda: log_has(r, "reconnecting"), "robot noticed the outage")
    time.sleep(2)
    sb.fault("imap-up")
    sb.wait_mail("budi", subject_has("Tanda terima"), what="ack after restart")
    sb.wait_mail("sekdis", subject_has("Disposisi"), what="disposition after restart")
    wait_until(lambda: log_has(r, "connected again"), "reconnect logged")
    check(r.logtext().count("reconnecting") == 1, "one warning for the outage")
    check(r.alive(), "robot still running")


def test_smtp_tempfail_then_delivers(sb):
    sb.fault("smtp-tempfail", "on")
    r = Robot(sb, "smtp_tempfail").start()
    sb.deliver(application("budi@" + DOMAIN).as_bytes())
    wait_until(lambda: (r.scalar("SELECT min(attempts) FROM outbox") or 0) >= 2,
               "two failed attempts")
    check(r.sql("SELECT count(*) FROM outbox WHERE status = 'queued'") == [(2,)],
          "both mails still queued")
    check(sb.count("budi") == 0, "nothing delivered while refused")
    sb.fault("smtp-tempfail", "off")
    sb.wait_mail("budi", subject_has("Tanda terima"), what="ack once SMTP accepts")
    sb.wait_mail("sekdis", subject_has("Disposisi"), what="disposition once SMTP accepts")
    wait_until(lambda: r.sql("SELECT count(*) FROM outbox WHERE status != 'sent'") == [(0,)],
               "outbox drained")
    codes = r.sql("SELECT DISTINCT smtp_code FROM outbox")
    check((250,) in codes, "last result recorded: %s" % codes)


def test_smtp_permfail_reported(sb):
    r = Robot(sb, "smtp_permfail").start()
    # The applicant's address is refused with 550 by the server.
    sb.deliver(application("permfail@" + DOMAIN).as_bytes())
    rep = sb.wait_mail("admin", subject_has("gagal terkirim"), what="report to admin")[0]
    check("permfail@" + DOMAIN in str(rep["Subject"]), "report names the recipient")
    check(r.sql("SELECT status, smtp_code FROM outbox WHERE rcpt = ?", "permfail@" + DOMAIN)
          == [("failed", 550)], "row failed with 550")
    sb.wait_mail("sekdis", subject_has("Disposisi"), what="the case still goes on")
    # The admin sees it, and queues it again: refused again, reported again.
    import subprocess
    from lib import ROOT
    out = subprocess.run([ROOT + "/disposisi", "outbox", "-f", r.conf], capture_output=True,
                         text=True).stdout
    check("permfail@" + DOMAIN in out and "failed" in out, "outbox lists it: %s" % out)
    p = subprocess.run([ROOT + "/disposisi", "outbox", "-f", r.conf, "--all"],
                       capture_output=True, text=True)
    check(p.returncode == 0 and "1 mail(s) queued again" in p.stdout, p.stdout + p.stderr)
    wait_until(lambda: r.scalar("SELECT attempts FROM outbox WHERE rcpt = ?",
                                "permfail@" + DOMAIN) == 1 and
               r.scalar("SELECT status FROM outbox WHERE rcpt = ?", "permfail@" + DOMAIN)
               == "failed", "tried again at once")
    check(r.scalar("SELECT count(*) FROM case_events WHERE event = 'kirim-ulang'") == 1,
          "the retry in the case's history")
    # Each failure reported once (in the transaction that marks it), never twice.
    reports = "SELECT count(*) FROM outbox WHERE kind = 'gagal-kirim'"
    wait_until(lambda: r.scalar(reports) == 2, "the second failure reported")
    time.sleep(1)
    check(r.scalar(reports) == 2, "one report per failure: %d" % r.scalar(reports))
    a = subprocess.run([ROOT + "/disposisi", "audit", "-f", r.conf, "verify"],
                       capture_output=True, text=True)
    check(a.returncode == 0, "the admin's retry sealed too: %s" % (a.stdout + a.stderr))


def test_database_locked_by_another_program(sb):
    """Another program (a backup, an admin's sqlite3) holds the database's
    write lock for longer than the robot's busy timeout: a mail that went
    out meanwhile is recorded once the lock is free, never sent again, and
    mail arriving meanwhile waits in INBOX; the robot never exits."""
    import sqlite3
    sb.fault("smtp-tempfail", "on")
    r = Robot(sb, "db_locked").start()
    sb.deliver(application("budi@" + DOMAIN).as_bytes())
    wait_until(lambda: (r.scalar("SELECT min(attempts) FROM outbox") or 0) >= 1,
               "mail queued, refused once")
    hold = sqlite3.connect(r.db, timeout=30)
    hold.execute("BEGIN IMMEDIATE")
    try:
        sb.fault("smtp-tempfail", "off")
        sb.wait_mail("budi", subject_has("Tanda terima"), what="ack sent under the lock")
        sb.send(application("siti@" + DOMAIN))
        wait_until(lambda: log_has(r, "locked by another program"), "the wait said once")
        time.sleep(8)       # beyond the 5 s busy timeout
        check(r.alive(), "robot waits, does not exit")
        check(sb.count("siti") == 0, "mail behind the lock waits")
    finally:
        hold.rollback()
        hold.close()
    sb.wait_mail("siti", subject_has("Tanda terima"), what="intake goes on")
    wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0,
               "outbox drained")
    time.sleep(1)
    acks = [m for m in sb.messages("budi") if "Tanda terima" in str(m["Subject"])]
    check(len(acks) == 1, "the mail sent under the lock went once: %d" % len(acks))
    check(log_has(r, "free again"), "the end of the wait logged")
    check(r.alive(), "robot running")
    check(r.scalar("SELECT count(*) FROM inbound") == 2, "each message recorded once")


def test_kill9_during_batch_archive(sb):
    """A backlog taken in batches, the robot killed again and again just
    after a batch's commit, while its set is being moved (rows committed,
    not yet marked moved): each start moves what is left, and every
    message is still handled once and archived once."""
    users = ["budi", "siti", "andi", "pemohon"]
    n = 150
    check(sb.seed([application("%s@%s" % (users[i % 4], DOMAIN),
                               subject="Permohonan %d" % i).as_bytes()
                   for i in range(n)]) == n, "backlog in INBOX")
    r = Robot(sb, "kill9arch")
    pending = "SELECT count(*) FROM inbound WHERE imap_done = 0"

    def done():
        return r.scalar("SELECT count(*) FROM inbound WHERE imap_done = 1") == n

    caught = kills = 0
    while not done() and kills < 40:
        r.start()
        # What an earlier kill left is moved first; then wait for the next
        # batch's commit and kill at once.
        wait_until(lambda: not r.alive() or r.scalar(pending) == 0, "left-overs moved",
                   every=0.002)
        wait_until(lambda: not r.alive() or done() or r.scalar(pending), "a batch committed",
                   every=0.002)
        r.kill(signal.SIGKILL)
        kills += 1
        if r.scalar(pending):
            caught += 1
    check(caught >= 3, "killed %d times between a commit and its move" % caught)
    r.start()
    wait_until(done, "all %d messages archived" % n)
    check(r.sql("SELECT count(DISTINCT root_message_id) FROM cases") == [(n,)],
          "one case per application")
    check(r.sql("SELECT count(*) FROM inbound") == [(n,)], "each message recorded once")
    check(r.sql("SELECT count(*), count(DISTINCT message_id) FROM outbox") == [(2 * n, 2 * n)],
          "one acknowledgement and one disposition per case, queued once")
    check(sb.count("tte") == 0, "robot INBOX empty")
    check(sb.count("tte", "Processed") == n, "each message archived once")


def test_tls_wrong_host_refused(sb):
    r = Robot(sb, "tls_wrong", extra="imap_tls_name = wrong.example.org").start()
    wait_until(lambda: log_has(r, "not trusted"), "certificate refused")
    check("wrong.example.org" in r.logtext(), "log names the expected host")
    check("selected" not in r.logtext(), "never logged in")
    with open(sb.dir + "/log/dovecot.log", errors="replace") as f:
        check("user=<tte" not in f.read(), "the server saw no login")
    check(r.alive(), "robot keeps retrying, not exiting")


def test_unfetchable_message_set_aside(sb):
    """A message the server cannot hand out (Dovecot drops the session on
    an unreadable file) is set aside after a few tries, recorded for the
    admin, and the mail behind it is handled."""
    import glob
    import os
    sb.deliver(b"From: budi@" + DOMAIN.encode() + b"\r\nSubject: rusak\r\n\r\nY\r\n")
    c = sb.imap("tte")
    c.select("INBOX")           # Dovecot moves new/ to cur/ and indexes it
    c.logout()
    files = glob.glob(os.path.join(sb.dir, "mail", DOMAIN, "tte", "Maildir", "cur", "*"))
    check(len(files) == 1, "one file in cur/")
    os.chmod(files[0], 0)
    sb.send(application("siti@" + DOMAIN))
    r = Robot(sb, "unfetchable").start()
    sb.wait_mail("siti", subject_has("Tanda terima"), what="the mail behind it handled")
    check(r.scalar("SELECT count(*) FROM inbound WHERE kind = 'unfetchable'") == 1,
          "set aside and recorded")
    note = r.scalar("SELECT note FROM inbound WHERE kind = 'unfetchable'")
    check("could not be fetched" in note, "note says why: %s" % note)
    check(r.alive(), "robot running")


def fill(path, leave):
    """Fills the file system of path until about `leave` bytes are free."""
    st = os.statvfs(path)
    free = st.f_bavail * st.f_frsize
    with open(os.path.join(path, "filler"), "wb") as f:
        f.write(b"\0" * max(0, free - leave))
    return os.path.join(path, "filler")


@contextlib.contextmanager
def small_volume(path, size, r):
    """A tmpfs of size at path for the robot r; r stopped before it goes."""
    os.makedirs(path, mode=0o700)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0700" % size, "tmpfs", path],
                   check=True)
    try:
        yield path
    finally:
        r.stop()
        subprocess.run(["umount", "-l", path])


def test_full_spool_keeps_mail_in_inbox(sb):
    """A spool volume with no room: nothing is quarantined or recorded as
    the sender's fault; the robot says once that it is out of space, the
    mail stays in INBOX, and it is taken by itself when space returns."""
    r = Robot(sb, "diskfull")
    with small_volume(os.path.join(r.dir, "spool"), "4m", r) as spool:
        r.start()
        sb.send(application("siti@" + DOMAIN, name="Siti"))
        sb.wait_mail("siti", subject_has("Tanda terima"), what="room at first")
        big = application("budi@" + DOMAIN)
        attach_scan(big, "lampiran-besar.pdf", 400000)
        raw = len(big.as_bytes())
        # Room for nothing (the fetch fails), then for the raw message but
        # not its attachments (the parser fails): the message's own two
        # steps, both this machine's fault.
        for leave, what in ((64 << 10, "fetch"), (raw + (128 << 10), "parse")):
            filler = fill(spool, leave)
            n = r.logtext().count("not taking mail")
            sb.send(big if what == "fetch" else application("andi@" + DOMAIN))
            wait_until(lambda: r.logtext().count("not taking mail") > n,
                       "out of space said (%s)" % what)
            check(r.scalar("SELECT count(*) FROM inbound") == 1, "nothing recorded (%s)" % what)
            check(sb.count("tte", "Quarantine") == 0, "nothing quarantined (%s)" % what)
            check(r.alive(), "robot running (%s)" % what)
            if what == "fetch":
                os.unlink(filler)
        check(r.logtext().count("warning: not taking mail") == 1, "said once")
        check(sb.count("tte") == 2, "both waiting in INBOX")
        os.unlink(filler)
        sb.send(application("pemohon@" + DOMAIN))     # new mail wakes the robot
        for u in ("budi", "andi", "pemohon"):
            sb.wait_mail(u, subject_has("Tanda terima"), what="taken after space returned: " + u)
        check("taking mail again" in r.logtext(), "the end of the wait logged")
        check(sb.count("tte", "Quarantine") == 0, "still nothing quarantined")
        check(r.scalar("SELECT count(*) FROM cases") == 4, "every application a case")


def test_full_database_volume_keeps_mail_in_inbox(sb):
    """The database's volume full: the transaction is rolled back, the
    robot says so once and keeps running (it used to exit), the mail stays
    in INBOX and is taken when space returns."""
    r = Robot(sb, "dbfull", extra="database = db/disposisi.db")
    r.db = os.path.join(r.dir, "db", "disposisi.db")
    with small_volume(os.path.dirname(r.db), "2m", r) as dbdir:
        r.start()
        sb.send(application("siti@" + DOMAIN, name="Siti"))
        sb.wait_mail("siti", subject_has("Tanda terima"), what="room at first")
        filler = fill(dbdir, 0)
        sb.send(application("budi@" + DOMAIN))
        wait_until(lambda: "not taking mail" in r.logtext(), "out of space said")
        check(r.alive(), "robot running")
        check(sb.count("tte") == 1 and sb.count("tte", "Quarantine") == 0,
              "the mail waits in INBOX, not in Quarantine")
        os.unlink(filler)
        sb.send(application("andi@" + DOMAIN))
        for u in ("budi", "andi"):
            sb.wait_mail(u, subject_has("Tanda terima"), what="taken after space returned: " + u)
        check(r.scalar("SELECT count(*) FROM cases") == 3, "every application a case")


# --- Outages: the robot breathes, listens and loses nothing ---------------
#
# Each test_outage_* holds a fault for OUTAGE seconds (a few in make check,
# FAULT_OUTAGE=600 in make torture) and prints its figures: the robot's CPU
# during the outage (utime + stime from /proc), how long a SIGTERM took,
# how long after the fault the queued mail was delivered, and mail lost.

OUTAGE = float(os.environ.get("FAULT_OUTAGE", "12") or 12)
TARPIT = float(os.environ.get("FAULT_TARPIT", "2") or 2)
CPU_MAX = 0.05          # of the outage's wall time


def cpu_seconds(r):
    """CPU the robot process has used so far (user + system)."""
    with open("/proc/%d/stat" % r.proc.pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def hold(r, seconds):
    """Lets the robot live through seconds of a fault; its CPU share."""
    c0, t0 = cpu_seconds(r), time.time()
    time.sleep(seconds)
    used = cpu_seconds(r) - c0
    return used, used / (time.time() - t0)


def timed_stop(r, sig=signal.SIGTERM):
    """Sends sig and returns the seconds until the robot exited; a robot
    still running after 10 s is killed and the test fails."""
    t0 = time.time()
    r.proc.send_signal(sig)
    try:
        rc = r.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        r.kill()
        raise Failure("robot ignored signal %d for 10 s" % sig)
    took = time.time() - t0
    check(rc == 0, "clean stop, exit %d" % rc)
    check(log_has(r, "disposisi stopping"), "stopped its own way")
    r.proc = None
    return took


def delivered_ids(sb, users):
    """Message-ID -> copies in the users' INBOXes."""
    n = {}
    for u in users:
        for m in sb.messages(u):
            mid = str(m["Message-ID"]).strip("<>")
            n[mid] = n.get(mid, 0) + 1
    return n


def all_delivered(sb, r, t0):
    """Waits until every outbox row is sent and in its mailbox once;
    returns the seconds from t0 (the fault's end)."""
    wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0,
               "outbox drained", timeout=max(60, OUTAGE))
    took = time.time() - t0
    rows = r.sql("SELECT rcpt, message_id FROM outbox")
    users = sorted({rcpt.split("@")[0] for rcpt, _ in rows})
    want = sorted(mid.strip("<>") for _, mid in rows)
    got = wait_until(lambda: (lambda d: d if sum(d.values()) >= len(want) else None)(
        delivered_ids(sb, users)), "every mail in its mailbox")
    check(sorted(got) == want, "the outbox's mails arrived: %s" % got)
    check(all(v == 1 for v in got.values()), "no mail twice: %s" % got)
    return took


def figures(name, outage, cpu, stop=None, resume=None):
    print("fault %s: outage %.0f s, robot CPU %.2f s (%.2f%%), SIGTERM exit %s,"
          " delivered %s after it, mail lost 0, duplicates 0"
          % (name, outage, cpu[0], 100 * cpu[1],
             "-" if stop is None else "%.2f s" % stop,
             "-" if resume is None else "%.1f s" % resume), flush=True)
    check(cpu[1] < CPU_MAX, "%s: robot used %.1f%% CPU during the outage"
          % (name, 100 * cpu[1]))
    check(stop is None or stop < 5, "%s: SIGTERM took %.1f s" % (name, stop or 0))


def ingest(r, msg, timeout=30):
    """`disposisi ingest` as an MTA's pipe runs it; (exit code, seconds)."""
    t0 = time.time()
    p = subprocess.run([ROOT + "/disposisi", "ingest", "-f", r.conf], input=msg.as_bytes(),
                       capture_output=True, timeout=timeout)
    return p.returncode, time.time() - t0


class Relay:
    """A TCP relay on loopback in front of a sandbox port, the real server
    behind it: waits `delay` seconds before passing on each piece the
    server sends (a tarpit: 30 s per command), and with refuse_move
    answers an IMAP UID MOVE or UID COPY itself with NO [OVERQUOTA], as
    a server whose quota is exhausted does."""

    def __init__(self, port, delay=0.0, refuse_move=False):
        self.target, self.delay, self.refuse_move = port, delay, refuse_move
        self.pieces = self.refused = 0
        self.ls = socket.socket()
        self.ls.bind(("127.0.0.1", 0))
        self.ls.listen(8)
        self.port = self.ls.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                c, _ = self.ls.accept()
                s = socket.create_connection(("127.0.0.1", self.target))
            except OSError:
                return
            threading.Thread(target=self.down, args=(s, c), daemon=True).start()
            threading.Thread(target=self.up, args=(c, s), daemon=True).start()

    @staticmethod
    def pipe(src, dst, each):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                each(data)
        except OSError:
            pass
        for x in (src, dst):
            with contextlib.suppress(OSError):
                x.shutdown(socket.SHUT_RDWR)

    def down(self, s, c):
        def each(data):
            time.sleep(self.delay)
            self.pieces += 1
            c.sendall(data)
        self.pipe(s, c, each)

    def up(self, c, s):
        buf = [b""]

        def each(data):
            if not self.refuse_move:
                return s.sendall(data)
            buf[0] += data
            while b"\r\n" in buf[0]:
                line, buf[0] = buf[0].split(b"\r\n", 1)
                w = line.split(b" ")
                if len(w) > 2 and w[1].upper() == b"UID" and w[2].upper() in (b"MOVE", b"COPY"):
                    self.refused += 1
                    c.sendall(w[0] + b" NO [OVERQUOTA] Quota exceeded (mailbox for user is full)\r\n")
                else:
                    s.sendall(line + b"\r\n")
        self.pipe(c, s, each)

    def close(self):
        self.ls.close()


def test_outage_smtp_refusing(sb):
    """The submission port closed (Postfix stopped): each failed connection
    backs off (smtp_retry_min doubling to smtp_retry_max), the drain stops
    at the first refusal instead of trying every row, SIGTERM stops the
    robot at once, `ingest` commits and returns, and once the port opens
    everything queued goes out, once. It used to make ~2,200 connections
    a second at 95% CPU and ignore SIGTERM; ingest never returned."""
    r = Robot(sb, "smtp_refusing").start()
    wait_until(lambda: log_has(r, "INBOX selected"), "robot in its mailbox")
    sb.fault("smtp-down")
    sb.deliver(application("budi@" + DOMAIN).as_bytes())
    sb.deliver(application("siti@" + DOMAIN, name="Siti").as_bytes())
    wait_until(lambda: r.scalar("SELECT count(*) FROM outbox") == 4, "mail queued")
    cpu = hold(r, OUTAGE)
    check(cpu[1] < CPU_MAX, "robot used %.1f%% CPU while refused" % (100 * cpu[1]))
    tries = r.scalar("SELECT sum(attempts) FROM outbox")
    # 1, 2, 4, 4, ... s between tries: about OUTAGE / 4 + 3 of them.
    check(tries <= OUTAGE / 4 + 6, "%d connection attempts in %.0f s" % (tries, OUTAGE))
    check(r.logtext().count("no mail is sent until it answers") == 1, "one warning")
    t0 = time.time()
    r.proc.send_signal(signal.SIGHUP)
    wait_until(lambda: log_has(r, "reloaded rules"), "SIGHUP honoured", timeout=5)
    hup = time.time() - t0
    stop = timed_stop(r)
    # With no daemon, ingest takes the mail and tries sending, bounded.
    rc, took = ingest(r, application("andi@" + DOMAIN))
    check(rc == 0 and took < 15, "ingest: exit %d after %.1f s" % (rc, took))
    check(r.scalar("SELECT count(*) FROM cases") == 3, "ingest committed the case")
    r.start()
    time.sleep(2)
    sb.fault("smtp-up")
    resume = all_delivered(sb, r, time.time())
    check(log_has(r, "answering again"), "the end of the outage said")
    figures("smtp refusing", OUTAGE, cpu, stop, resume)
    print("fault smtp refusing: %d connection attempts, SIGHUP reload %.2f s,"
          " ingest returned in %.2f s" % (tries, hup, took))


def test_outage_servers_restart_together(sb):
    """Zimbra restarting: IMAP and SMTP down together. The robot backs off
    on both, stops at once when told, and takes and sends everything when
    they are back."""
    r = Robot(sb, "servers_down", extra="imap_retry_max = 8").start()
    wait_until(lambda: log_has(r, "INBOX selected"), "robot in its mailbox")
    sb.fault("smtp-down")
    sb.deliver(application("budi@" + DOMAIN).as_bytes())
    wait_until(lambda: r.scalar("SELECT count(*) FROM outbox") == 2, "mail queued")
    sb.fault("imap-down")
    wait_until(lambda: log_has(r, "reconnecting") or log_has(r, "retrying with backoff"),
               "the IMAP outage noticed")
    cpu = hold(r, OUTAGE / 2)
    stop = timed_stop(r)
    r.start()
    cpu2 = hold(r, OUTAGE / 2)
    cpu = (cpu[0] + cpu2[0], (cpu[1] + cpu2[1]) / 2)
    sb.fault("imap-up")
    sb.fault("smtp-up")
    t0 = time.time()
    sb.send(application("siti@" + DOMAIN, name="Siti"))
    sb.wait_mail("siti", subject_has("Tanda terima"), what="new mail after the restart")
    resume = all_delivered(sb, r, t0)
    check(r.scalar("SELECT count(*) FROM cases") == 2, "both applications are cases")
    figures("imap+smtp down", OUTAGE, cpu, stop, resume)


def test_outage_smtp_unresolvable(sb):
    """The SMTP host name does not resolve: backoff, one clear warning, the
    reason in `disposisi status`; with the name fixed, the mail goes."""
    r = Robot(sb, "smtp_nxdomain", extra="smtp_host = smtp.disposisi.invalid").start()
    sb.deliver(application("budi@" + DOMAIN).as_bytes())
    wait_until(lambda: log_has(r, "no mail is sent until it answers"), "the outage said")
    check("smtp.disposisi.invalid" in r.logtext() and "resolve" in r.logtext(),
          "the log names the host and why")
    st = subprocess.run([ROOT + "/disposisi", "status", "-f", r.conf], capture_output=True,
                        text=True).stdout
    check("resolve" in st, "status shows why the mail waits: %s" % st)
    cpu = hold(r, OUTAGE / 2)
    stop = timed_stop(r)
    with open(r.conf, "a") as f:
        f.write("smtp_host = localhost\n")
    t0 = time.time()
    r.start()
    resume = all_delivered(sb, r, t0)
    figures("smtp name unresolvable", OUTAGE / 2, cpu, stop, resume)


def test_outage_smtp_untrusted_certificate(sb):
    """The submission server's certificate replaced by one the robot does
    not trust: refused before AUTH, the admin sees why in the log and in
    `disposisi status`; trusted again, the mail goes, once."""
    r = Robot(sb, "smtp_untrusted")
    other = os.path.join(r.dir, "other-ca.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-keyout", os.path.join(r.dir, "other-key.pem"), "-out", other],
                   check=True, capture_output=True)
    with open(r.conf, "a") as f:
        f.write("smtp_ca_file = %s\n" % other)
    r.start()
    sb.deliver(application("budi@" + DOMAIN).as_bytes())
    wait_until(lambda: log_has(r, "no mail is sent until it answers"), "the refusal said")
    line = [l for l in r.logtext().splitlines() if "no mail is sent" in l][0]
    check("certificate" in line.lower(), "the log line says why: %s" % line)
    st = subprocess.run([ROOT + "/disposisi", "status", "-f", r.conf], capture_output=True,
                        text=True).stdout
    check("certificate" in st.lower(), "status shows why: %s" % st)
    with open(os.path.join(sb.dir, "log", "postfix.log"), errors="replace") as f:
        check("sasl_method" not in f.read(), "no password sent to the untrusted server")
    cpu = hold(r, OUTAGE / 2)
    stop = timed_stop(r)
    with open(r.conf, "a") as f:
        f.write("smtp_ca_file = %s\n" % sb.cafile)
    t0 = time.time()
    r.start()
    resume = all_delivered(sb, r, t0)
    figures("smtp certificate untrusted", OUTAGE / 2, cpu, stop, resume)


def test_outage_smtp_tarpit(sb):
    """The submission server answers each command only after FAULT_TARPIT
    seconds (30 in make torture): SIGTERM in the middle of a transaction
    stops the robot within a second, the robot idles meanwhile, and once
    the tarpit ends the mail goes out, once."""
    relay = Relay(sb.port("SUBMISSION"), delay=TARPIT)
    r = Robot(sb, "smtp_tarpit", extra="smtp_port = %d\nsmtp_timeout = %d"
              % (relay.port, max(120, 10 * TARPIT)))
    try:
        r.start()
        sb.deliver(application("budi@" + DOMAIN).as_bytes())
        wait_until(lambda: relay.pieces >= 3, "robot inside a slow SMTP session",
                   timeout=60 + 5 * TARPIT)
        cpu = hold(r, 2 * TARPIT)
        sent = r.scalar("SELECT count(*) FROM outbox WHERE status = 'sent'")
        stop = timed_stop(r)
        check(sent < 2, "stopped in the middle of the sending")
        relay.delay = 0         # the tarpit ends
        t0 = time.time()
        r.start()
        resume = all_delivered(sb, r, t0)
    finally:
        relay.close()
    figures("smtp tarpit %.0f s a command" % TARPIT, 2 * TARPIT, cpu, stop, resume)


def test_outage_imap_move_refused(sb):
    """IMAP answers NO [OVERQUOTA] to every UID MOVE: the mail is handled
    once, the move is tried a few times and given up (the message stays in
    INBOX, said in the log), the robot idles and stops at once; with room
    again, new mail is moved as before."""
    relay = Relay(sb.port("IMAP"), refuse_move=True)
    r = Robot(sb, "imap_quota", extra="imap_port = %d\nimap_tls = none\n"
              "imap_allow_plaintext = yes\nimap_idle_timeout = 2" % relay.port)
    try:
        r.start()
        sb.deliver(application("budi@" + DOMAIN).as_bytes())
        wait_until(lambda: log_has(r, "giving up moving it"), "the move given up")
        cpu = hold(r, OUTAGE)
        check(relay.refused <= 6, "%d moves tried" % relay.refused)
        stop = timed_stop(r)
        r.start()
        relay.refuse_move = False
        t0 = time.time()
        sb.deliver(application("siti@" + DOMAIN, name="Siti").as_bytes())
        wait_until(lambda: sb.count("tte", "Processed") == 1, "new mail moved again")
        resume = time.time() - t0
        all_delivered(sb, r, t0)
        check(sb.count("tte") == 1, "the message refused stays in INBOX")
        check(r.scalar("SELECT count(*) FROM inbound") == 2, "each message recorded once")
        check(r.scalar("SELECT count(*) FROM cases") == 2, "each application one case")
    finally:
        relay.close()
    figures("imap move refused (quota)", OUTAGE, cpu, stop, resume)


def test_outage_database_locked_sigterm(sb):
    """Another program holds the database's write lock: the robot waits
    for it, idle, and a SIGTERM ends the wait at once (it used to sit out
    SQLite's 5 s busy timeout, then up to 30 s of sleep)."""
    import sqlite3
    r = Robot(sb, "db_locked_term").start()
    sb.send(application("siti@" + DOMAIN, name="Siti"))
    sb.wait_mail("siti", subject_has("Tanda terima"), what="the robot at work")
    lock = sqlite3.connect(r.db, timeout=30)
    lock.execute("BEGIN IMMEDIATE")
    try:
        sb.send(application("budi@" + DOMAIN))
        wait_until(lambda: log_has(r, "locked by another program"), "the wait said")
        cpu = hold(r, OUTAGE / 2)
        stop = timed_stop(r)
    finally:
        lock.rollback()
        lock.close()
    t0 = time.time()
    r.start()
    resume = all_delivered(sb, r, t0) if sb.wait_mail(
        "budi", subject_has("Tanda terima"), what="mail taken after the lock") else None
    figures("database locked", OUTAGE / 2, cpu, stop, resume)


def _backlog_handled_once(sb, r, n):
    wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE imap_done = 1") == n,
               "all %d messages archived" % n, timeout=240)
    check(r.sql("SELECT count(*), count(DISTINCT sha256) FROM inbound") == [(n, n)],
          "each message recorded once")
    check(r.sql("SELECT count(DISTINCT root_message_id) FROM cases") == [(n,)],
          "one case per application")
    check(sb.count("tte") == 0 and sb.count("tte", "Processed") == n, "each archived once")
    tmp = os.path.join(r.dir, "spool", "tmp")
    left = [f for f in os.listdir(tmp) if os.path.isfile(os.path.join(tmp, f))]
    check(not left, "no temp file left: %s" % left)


def test_fetch_ahead_backlog(sb):
    """A backlog is fetched ahead by a second, read-only session while the
    robot handles the batch before: most messages come from it, each is
    still handled once, and the temp files it wrote are all taken. Dovecot
    restarted in the middle cuts both sessions: nothing is lost, the rest
    is taken by the next sync (ahead again)."""
    n = 120
    users = ["budi", "siti", "andi", "pemohon"]
    check(sb.seed([application("%s@%s" % (users[i % 4], DOMAIN),
                               subject="Permohonan %d" % i).as_bytes()
                   for i in range(n)]) == n, "backlog in INBOX")
    r = Robot(sb, "ahead").start()
    wait_until(lambda: (r.scalar("SELECT count(*) FROM inbound") or 0) >= n // 3,
               "a third handled", every=0.01)
    sb.fault("imap-restart")
    _backlog_handled_once(sb, r, n)
    got = [int(m.split()[0]) for m in r.logtext().split("fetch-ahead:")[1:]]
    check(got and sum(got) >= n // 3,
          "fetch-ahead gave %s messages of %d" % (got, n))


def test_fetch_ahead_off(sb):
    """imap_fetch_ahead = no: one session only, the same result."""
    n = 40
    check(sb.seed([application("budi@" + DOMAIN, subject="Permohonan %d" % i).as_bytes()
                   for i in range(n)]) == n, "backlog in INBOX")
    r = Robot(sb, "noahead", extra="imap_fetch_ahead = no\n").start()
    _backlog_handled_once(sb, r, n)
    check("fetch-ahead" not in r.logtext(), "no second session")
