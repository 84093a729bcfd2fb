# SPDX-License-Identifier: ISC
"""Helpers for the regress suite: a private Dovecot + Postfix (tests/sandbox),
the real disposisi binary, and mail sent and read over real SMTP and IMAP.

Waits are bounded polls, never timing assertions: the machines are shared."""

import email
import email.policy
import imaplib
import os
import re
import shutil
import signal
import smtplib
import sqlite3
import ssl
import subprocess
import time
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOMAIN = "muaraenimkab.go.id"
ROBOT = "tte@" + DOMAIN
WAIT = float(os.environ.get("REGRESS_WAIT", "60"))
# TEST_SLOT=N lets N+1 checkouts run the suite at once: its own /tmp names
# and ports 1000*N above the sandbox's defaults.
SLOT = int(os.environ.get("TEST_SLOT", "0") or 0)
PORTS = dict(IMAP=10143, IMAPS=10993, SMTP=10025, SUBMISSION=10587, SMTPS=10465, LMTP=10024)


def tmp(kind, name):
    """/tmp/dsK-NAME (K: x sandbox, r robot), or /tmp/dsK<slot>-NAME."""
    return "/tmp/ds%s%s-%s" % (kind, SLOT or "", name)


class Failure(AssertionError):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def wait_until(pred, what, timeout=WAIT, every=0.2):
    """Polls pred() until it returns something true; fails after timeout."""
    end = time.time() + timeout
    while True:
        r = pred()
        if r:
            return r
        if time.time() > end:
            raise Failure("timed out waiting for " + what)
        time.sleep(every)


class Sandbox:
    """A fresh mail sandbox under a short temp dir, torn down by pid files."""

    def __init__(self, name, env=None):
        self.dir = tmp("x", name)
        self.start_env = dict(env or {})
        if SLOT:
            for k, v in PORTS.items():
                self.start_env.setdefault("SANDBOX_%s_PORT" % k, str(v + 1000 * SLOT))
        self.stop()         # by pid files: a leftover instance, then its files
        try:
            self.script("start", env=self.start_env)
        except Exception:
            self.stop()     # whatever half started must not linger
            raise
        self.env = {}
        with open(os.path.join(self.dir, "env")) as f:
            for line in f:
                if "=" in line:
                    k, v = line.strip().split("=", 1)
                    self.env[k] = v.strip("'\"")
        self.password = self.env["SANDBOX_PASSWORD"]
        self.cafile = self.env["SANDBOX_CAFILE"]

    def script(self, name, *args, env=None):
        e = dict(os.environ)
        e.update(env or {})
        subprocess.run([os.path.join(ROOT, "tests/sandbox", name), self.dir] + list(args),
                       check=True, env=e, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

    def fault(self, *args):
        self.script("fault", *args)

    def stop(self):
        self.script("stop", env={"SANDBOX_PURGE": "1"})

    def port(self, what):
        return int(self.env["SANDBOX_%s_PORT" % what])

    # --- SMTP -------------------------------------------------------------
    def send(self, msg, sender=None, rcpts=None):
        """Submits a message on the MX-like port, as a remote server would."""
        with smtplib.SMTP("127.0.0.1", self.port("SMTP"), timeout=30) as s:
            if isinstance(msg, bytes):
                s.sendmail(sender, rcpts, msg)
            else:
                s.send_message(msg, from_addr=sender, to_addrs=rcpts)

    def deliver(self, raw, rcpt="tte@" + DOMAIN):
        """Delivers bytes as they are straight into a mailbox over LMTP:
        Postfix would repair a mail without From or Date on the way."""
        with smtplib.LMTP("127.0.0.1", self.port("LMTP"), timeout=30) as s:
            s.sendmail("x@example.org", [rcpt], raw)

    def seed(self, raws, user="tte"):
        """Writes messages straight into a user's Maildir (LMTP delivers
        only ~110 a second) and lets Dovecot index them."""
        c = self.imap(user)
        c.select("INBOX")           # the first SELECT makes the Maildir
        c.logout()
        md = os.path.join(self.dir, "mail", DOMAIN, user, "Maildir")
        for i, raw in enumerate(raws):
            with open(os.path.join(md, "new", "%d.S%dP%d.seed" % (time.time(), i,
                                                                  os.getpid())), "wb") as f:
                f.write(raw)
        subprocess.run(["chown", "-R", "mail:mail", md], check=True)
        c = self.imap(user)
        typ, d = c.select("INBOX")
        c.logout()
        return int(d[0])

    # --- IMAP -------------------------------------------------------------
    def imap(self, user):
        ctx = ssl.create_default_context(cafile=self.cafile)
        c = imaplib.IMAP4_SSL("localhost", self.port("IMAPS"), ssl_context=ctx)
        c.login(user, self.password)
        return c

    def messages(self, user, folder="INBOX"):
        """Every message in a folder, parsed, oldest first."""
        c = self.imap(user)
        try:
            typ, _ = c.select('"%s"' % folder, readonly=True)
            if typ != "OK":
                return []
            typ, data = c.uid("SEARCH", None, "ALL")
            out = []
            for uid in data[0].split():
                typ, d = c.uid("FETCH", uid, "(BODY.PEEK[])")
                raw = d[0][1]
                out.append(email.message_from_bytes(raw, policy=email.policy.default))
            return out
        finally:
            c.logout()

    def count(self, user, folder="INBOX"):
        return len(self.messages(user, folder))

    def wait_mail(self, user, pred=lambda m: True, n=1, folder="INBOX", what=None):
        """Waits until at least n messages matching pred are in the folder."""
        def got():
            ms = [m for m in self.messages(user, folder) if pred(m)]
            return ms if len(ms) >= n else None
        return wait_until(got, what or "%d mail(s) for %s in %s" % (n, user, folder))


def subject_has(s):
    return lambda m: s in str(m.get("Subject", ""))


def body_text(m):
    part = m.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


PDF_HEAD = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
DOCS = ["surat-permohonan.pdf", "ktp.jpg", "sk-terakhir.pdf", "sk-jabatan.pdf",
        "formulir-bsre.pdf"]


def scan(filename, n=2048):
    """Bytes a scanner makes: the format's header, then data."""
    head = JPEG_HEAD if filename.endswith((".jpg", ".jpeg")) else PDF_HEAD
    return head + os.urandom(n) + ("dokumen %s" % filename).encode()


def attach_scan(m, filename, n=2048):
    maintype, subtype = (("image", "jpeg") if filename.endswith((".jpg", ".jpeg"))
                         else ("application", "pdf"))
    m.add_attachment(scan(filename, n), maintype=maintype, subtype=subtype,
                     filename=filename)


def application(sender, subject="Permohonan Sertifikat Elektronik", n_att=5, name="Budi Santoso",
                docs=None):
    """An application with scans; n_att of DOCS (all four the SOP requires
    and the BSrE form by default), or the names in docs."""
    m = EmailMessage()
    m["From"] = "%s <%s>" % (name, sender)
    m["To"] = ROBOT
    m["Subject"] = subject
    m["Date"] = formatdate(localtime=True)
    m["Message-ID"] = make_msgid(domain=DOMAIN)
    m.set_content("Dengan hormat,\n\nBersama ini saya mengajukan permohonan "
                  "Sertifikat Elektronik.\n\nHormat saya,\n%s\n" % name)
    for filename in (docs if docs is not None else DOCS[:n_att]):
        attach_scan(m, filename)
    return m


def ams_notice(sb, subject, body, to, lmtp=False):
    """A mail as BSrE's AMS sends it, which the office copies to the robot:
    over SMTP, or (lmtp) straight into its mailbox, which works while SMTP
    refuses. Returns the mail."""
    m = EmailMessage()
    m["From"] = "AMS BSrE <noreply@bsre.bssn.go.id>"
    m["To"] = to
    m["Subject"] = subject
    m["Date"] = formatdate(localtime=True)
    m["Message-ID"] = make_msgid(domain="bsre.bssn.go.id")
    m.set_content(body)
    if lmtp:
        sb.deliver(m.as_bytes())
    else:
        sb.send(m, sender="noreply@bsre.bssn.go.id", rcpts=[ROBOT])
    return m


# What AMS sends a case waiting at each notice step of rules/sop-tte.conf,
# naming the applicant's official mailbox (addr); secret marks the
# personal links, which only that mailbox may see.
SOP_NOTICES = {
    "aktivasi": ("Aktivasi Akun AMS", "Yth. Budi Santoso,\nSilakan aktivasi akun Anda "
                 "(%(addr)s):\nhttps://portal-bsre.bssn.go.id/aktivasi?token=%(secret)s-1\n"),
    "passphrase": ("Penyetelan Passphrase",
                   "Yth. %(addr)s\nSetel passphrase: https://x/p?t=%(secret)s-2\n"),
    "persetujuan": ("Pendaftaran Sertifikat Disetujui",
                    "Pendaftaran %(addr)s (NIK 1603051208850004) disetujui.\n"),
    "terbit": ("Sertifikat Elektronik Telah Terbit", "Sertifikat untuk %(addr)s telah terbit.\n"),
}


def sop_notice(sb, step, addr, secret="SECRET", lmtp=False):
    """Sends the AMS notice the case of addr waits for at step."""
    subject, body = SOP_NOTICES[step]
    return ams_notice(sb, subject, body % dict(addr=addr, secret=secret), addr, lmtp=lmtp)


def reply_to(orig, sender, text, use_reply_to=True, html=False):
    """A reply as a mail client builds it: quoted original, threading headers."""
    m = EmailMessage()
    m["From"] = sender
    to = orig.get("Reply-To") if use_reply_to and orig.get("Reply-To") else orig["From"]
    m["To"] = str(to)
    subj = str(orig["Subject"])
    m["Subject"] = subj if subj.lower().startswith("re:") else "Re: " + subj
    m["Date"] = formatdate(localtime=True)
    m["Message-ID"] = make_msgid(domain=DOMAIN)
    m["In-Reply-To"] = orig["Message-ID"]
    m["References"] = orig["Message-ID"]
    quoted = "\n".join("> " + l for l in body_text(orig).splitlines())
    body = "%s\n\nPada %s, %s menulis:\n%s\n" % (text, orig["Date"], orig["From"], quoted)
    if html:
        m.set_content(body)
        m.add_alternative("<div dir=\"ltr\">%s</div><div class=\"gmail_quote\">%s</div>"
                          % (text.replace("\n", "<br>"), quoted.replace("\n", "<br>")),
                          subtype="html")
    else:
        m.set_content(body)
    return m


def disposition(sb, user, ref, n=1):
    """The n-th disposition of case ref to user, waited for."""
    return sb.wait_mail(user, subject_has("[%s] Disposisi permohonan" % ref), n=n,
                        what="disposition %d of %s to %s" % (n, ref, user))[n - 1]


def outside(addr):
    """Mail to other domains lands in the sandbox's outbound mailbox."""
    local, dom = addr.split("@")
    return lambda m: ("outbound+%s=%s@" % (local, dom)) in str(m.get("Delivered-To", ""))


def both(*preds):
    return lambda m: all(p(m) for p in preds)


def state(r, ref):
    """Where the case is: (state, step)."""
    return r.sql("SELECT state, step_name FROM cases WHERE ref = ?", ref)[0]


def wait_state(r, ref, want):
    wait_until(lambda: state(r, ref) == want, "%s at %s (now %s)" % (ref, want,
                                                                   state(r, ref)))


def answer(sb, orig, who, text, files=(), html=False, lmtp=False):
    """who's reply (a user of the domain, or an address) to the robot's
    mail orig, with scans of files attached: sent over SMTP, or (lmtp)
    delivered straight to the address it replies to, which works while
    SMTP refuses. Returns the reply."""
    m = reply_to(orig, who if "@" in who else "%s@%s" % (who, DOMAIN), text, html=html)
    for f in files:
        attach_scan(m, f)
    if lmtp:
        sb.deliver(m.as_bytes(), rcpt=parseaddr(str(m["To"]))[1])
    else:
        sb.send(m)
    return m


def to_request(sb, applicant, name):
    """An application from the office answered through rows 2-7 as the
    SOP asks (row 6 skipped); returns the case, now at row 8 (the Head
    signs the request)."""
    sb.send(application(applicant, name=name))
    d = sb.wait_mail("sekdis", subject_has("Disposisi permohonan"), what="row 2")[0]
    ref = re.search(r"TTE-\d{4}-\d{5}", str(d["Subject"])).group(0)
    answer(sb, d, "sekdis", "Y")
    answer(sb, disposition(sb, "kadis", ref), "kadis", "Y")
    answer(sb, disposition(sb, "kabid.persandian", ref), "kabid.persandian", "Y")
    answer(sb, disposition(sb, "sandiman", ref), "sandiman", "Y")
    answer(sb, disposition(sb, "verifikator1", ref), "verifikator1", "Y")
    q = [disposition(sb, v, ref, n=2) for v in ("verifikator1", "verifikator2",
                                                 "verifikator3")]
    answer(sb, q[0], "verifikator1", "Y", files=["rekomendasi.pdf"])
    answer(sb, q[1], "verifikator2", "Y")
    answer(sb, q[2], "verifikator3", "Y")
    return ref


class Robot:
    """The real binary with a config pointing at the sandbox."""

    created = []        # every robot of the current test, for the runner

    def __init__(self, sb, name, extra="", limits=False):
        """limits: the shipped rate limits; without, none (tests send
        dozens of mails a minute from one address)."""
        name = name[:20]
        Robot.created.append(self)
        self.sb = sb
        self.dir = tmp("r", name)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        with open(os.path.join(self.dir, "password"), "w") as f:
            f.write(sb.password + "\n")
        os.chmod(os.path.join(self.dir, "password"), 0o600)
        self.conf = os.path.join(self.dir, "disposisi.conf")
        self.db = os.path.join(self.dir, "disposisi.db")
        self.log = os.path.join(self.dir, "robot.log")
        with open(self.conf, "w") as f:
            f.write("""# written by tests/regress/lib.py
imap_host = localhost
imap_port = %(imaps)d
imap_tls = implicit
imap_user = tte
imap_password_file = password
imap_ca_file = %(ca)s
imap_idle_timeout = 30
smtp_host = localhost
smtp_port = %(sub)d
smtp_tls = starttls
smtp_user = tte
smtp_password_file = password
smtp_ca_file = %(ca)s
smtp_retry_min = 1
smtp_retry_max = 4
robot_address = %(robot)s
admin_address = admin@%(dom)s
database = disposisi.db
spool_dir = spool
rules_dir = %(root)s/rules
templates_dir = %(root)s/mail-templates
hmac_secret_file = hmac.key
%(limits)s
%(extra)s
""" % dict(imaps=sb.port("IMAPS"), sub=sb.port("SUBMISSION"), ca=sb.cafile,
           robot=ROBOT, dom=DOMAIN, root=ROOT, extra=extra,
           limits="" if limits else
           "limit_sender_cases = 0\nlimit_sender_mails = 0\nlimit_cases = 0\nlimit_mails = 0"))
        self.proc = None

    def start(self, clock=None, env=None, user=None, preexec=None):
        """clock: the epoch time the robot takes for now at start (it
        runs on from there); tests set time instead of sleeping. env:
        more environment for the robot. user: run it as that user (its
        directory given to it), as the unit does. preexec: called in the
        child before the robot is executed."""
        env = dict(os.environ, **(env or {}))
        env.pop("DISPOSISI_CLOCK_OFFSET", None)
        if clock is not None:
            env["DISPOSISI_CLOCK_OFFSET"] = str(int(clock - time.time()))
        self.logf = open(self.log, "ab")
        argv = [os.path.join(ROOT, "disposisi"), "run", "-v", "-v", "-f", self.conf]
        if user is not None:
            import pwd
            pw = pwd.getpwnam(user)
            subprocess.run(["chown", "-R", "%d:%d" % (pw.pw_uid, pw.pw_gid), self.dir],
                           check=True)
            argv = ["setpriv", "--reuid=%d" % pw.pw_uid, "--regid=%d" % pw.pw_gid,
                    "--clear-groups"] + argv
        self.proc = subprocess.Popen(argv, stdout=self.logf, stderr=self.logf, cwd=self.dir,
                                     env=env, preexec_fn=preexec)
        return self

    def run_at(self, when, what):
        """Runs the robot as if it were `when` until its timer has looked
        and its outbox is drained, then stops it."""
        self.start(clock=when)
        n = self.logtext().count("timer: ")
        wait_until(lambda: self.logtext().count("timer: ") > n, "timer pass: " + what)
        wait_until(lambda: self.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'")
                   == 0, "outbox drained: " + what)
        self.stop()

    def kill(self, sig=signal.SIGKILL):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=60)
        rc = self.proc.returncode if self.proc else None
        self.proc = None
        return rc

    def stop(self):
        return self.kill(signal.SIGTERM)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def sql(self, q, *args):
        """Runs q; a test sets up a state with it only while the robot is
        stopped."""
        c = sqlite3.connect(self.db, timeout=10)
        try:
            rows = c.execute(q, args).fetchall()
            c.commit()
            return rows
        finally:
            c.close()

    def scalar(self, q, *args):
        """One value, or None while the database is not created yet."""
        try:
            rows = self.sql(q, *args)
        except sqlite3.OperationalError:
            return None
        return rows[0][0] if rows else None

    def logtext(self):
        with open(self.log, errors="replace") as f:
            return f.read()


def robot_with_rules(sb, name, files):
    """A robot (not started) on a copy of the shipped rules/ with files
    ({"name.conf": text}) written over it; and the copy's path."""
    r = Robot(sb, name)
    rules = os.path.join(r.dir, "rules")
    shutil.copytree(os.path.join(ROOT, "rules"), rules)
    for fn, text in files.items():
        with open(os.path.join(rules, fn), "w") as f:
            f.write(text)
    conf = open(r.conf).read().replace(os.path.join(ROOT, "rules"), rules)
    with open(r.conf, "w") as f:
        f.write(conf)
    return r, rules
