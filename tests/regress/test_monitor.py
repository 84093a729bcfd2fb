# SPDX-License-Identifier: ISC
"""Monitoring, with the clock set: `disposisi status` says first what
needs a person and exits 1 while anything does (mail that could not be
delivered, mail quarantined within a day, the mailbox not read for a
quarter of an hour, mail waiting an hour to go out, a step past its
escalation, a year without holidays), 0 when nothing does; --json has the same for scripts; the
daemon's metrics file parses as Prometheus' text format and holds no
address or name; under systemd the daemon says READY=1, pings the
watchdog while it waits in IDLE, and STOPPING=1. A backup taken while
the daemon works restores whole: the trail verifies, a case shows its
history and documents, and the daemon carries on from the backup's
moment, each new answer handled once."""

import calendar
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import stat
import subprocess
import time
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from lib import (tmp, DOMAIN, ROBOT, ROOT, Robot, answer, application, check, disposition,
                 state, subject_has, wait_state, wait_until)


def wib(y, mo, d, h, mi):
    return calendar.timegm((y, mo, d, h, mi, 0)) - 7 * 3600


# Monday 7 December 2026, 09:00 WIB: rules/ holds holidays through 2027.
T0 = wib(2026, 12, 7, 9, 0)


def status(r, when, *args):
    """`disposisi status` as if it were when: (exit status, stdout)."""
    env = dict(os.environ, DISPOSISI_CLOCK_OFFSET=str(int(when - time.time())))
    p = subprocess.run([os.path.join(ROOT, "disposisi"), "status", "-f", r.conf] + list(args),
                       capture_output=True, text=True, timeout=60, env=env)
    return p.returncode, p.stdout


def attention(out):
    """The kinds of the lines under "Needs a person:", in order."""
    head = out.split("\n\n")[0].splitlines()
    check(head[0].startswith("Needs a person:"), "the attention list comes first:\n" + out)
    return [l.strip().split(":")[0] for l in head[1:]]


# The text exposition format, strictly: HELP and TYPE once per family,
# before its samples, which stand together; names, labels and escapes as
# https://prometheus.io/docs/instrumenting/exposition_formats/ gives them.
NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(r"(%s)(\{(?:%s)(?:,%s)*\})? (-?[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?"
                    r"|[+-]Inf|NaN)$" % (NAME, LABEL, LABEL))
COMMENT = re.compile(r"# (HELP|TYPE) (%s) (.*)$" % NAME)


def parse_metrics(text):
    """{(name, labels): value}; fails on anything the format refuses."""
    check(text.endswith("\n"), "the file ends with a newline")
    types, helps, done, samples, current = {}, {}, set(), {}, None
    for n, line in enumerate(text[:-1].split("\n"), 1):
        m = COMMENT.match(line)
        if m:
            kind, name, rest = m.groups()
            table = types if kind == "TYPE" else helps
            check(name not in table and name not in done,
                  "line %d: %s %s once, before its samples" % (n, kind, name))
            if kind == "TYPE":
                check(rest in ("counter", "gauge", "histogram", "summary", "untyped"),
                      "line %d: type %s" % (n, rest))
            table[name] = rest
            continue
        m = SAMPLE.match(line)
        check(m is not None, "line %d is a sample: %r" % (n, line))
        name = m.group(1)
        check(name in types, "line %d: %s has a TYPE before it" % (n, name))
        if name != current:
            check(name not in done, "line %d: the samples of %s stand together" % (n, name))
            if current is not None:
                done.add(current)
            current = name
        key = (name, m.group(2) or "")
        check(key not in samples, "line %d: %s once" % (n, key))
        samples[key] = float(m.group(3))
    return samples


def metric(samples, name, labels=""):
    check((name, labels) in samples, "metric %s%s in %s" % (name, labels, sorted(samples)))
    return samples[(name, labels)]


def free_port():
    """A loopback port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def outsider():
    m = EmailMessage()
    m["From"] = "spam@example.org"
    m["To"] = ROBOT
    m["Subject"] = "Invoice 2231"
    m["Date"] = formatdate(localtime=True)
    m["Message-ID"] = make_msgid(domain="example.org")
    m.set_content("See attached")
    return m


def test_monitor_status_and_metrics(sb):
    r = Robot(sb, "monitor", extra="metrics_file = metrics.prom")
    prom = os.path.join(r.dir, "metrics.prom")
    r.start(clock=T0)
    sb.send(application("budi@" + DOMAIN))
    sb.wait_mail("sekdis", subject_has("Disposisi permohonan"), what="disposition")
    wait_until(lambda: os.path.exists(prom), "the metrics file written")
    rc, out = status(r, T0 + 60)
    check(rc == 0 and attention(out) == [] and out.startswith("Needs a person: nothing"),
          "nothing needs a person, exit 0 (%d):\n%s" % (rc, out))
    check("Open cases:" in out and "Last 20 messages" in out, "the sections follow:\n" + out)

    # Mail the server refuses for good, and mail quarantined.
    sb.deliver(application("permfail@" + DOMAIN).as_bytes())
    sb.wait_mail("admin", subject_has("gagal terkirim"), what="the refusal reported")
    sb.send(outsider(), sender="spam@example.org", rcpts=[ROBOT])
    wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE folder = 'Quarantine'")
               == 1, "the outsider's mail quarantined")
    rc, out = status(r, T0 + 120)
    check(rc == 1 and attention(out) == ["undelivered", "quarantine"],
          "undelivered and quarantined mail need a person, exit 1 (%d):\n%s" % (rc, out))
    rc, js = status(r, T0 + 120, "--json")
    doc = json.loads(js)
    check(rc == 1 and [a["what"] for a in doc["attention"]] == ["undelivered", "quarantine"],
          "--json: the same list (%d): %s" % (rc, js))
    h = doc["health"]
    check(h["mail_failed"] == 1 and h["quarantined_24h"] == 1 and h["last_imap_sync"] >= T0 - 2
          and h["last_smtp_sent"] >= T0 - 2, "--json: the figures: %s" % h)
    check({"sop": "tte", "step": "sekdis", "cases": 2} in h["open_cases"],
          "--json: open cases by step: %s" % h["open_cases"])
    check(set(doc["views"]) == {"open", "undelivered", "held", "refused", "last"},
          "--json: the text's sections too: %s" % sorted(doc["views"]))

    # A restart writes the metrics at once (then once a minute).
    r.stop()
    os.unlink(prom)
    r.start(clock=T0 + 180)
    wait_until(lambda: os.path.exists(prom), "the metrics written at start")
    with open(prom) as f:
        text = f.read()
    samples = parse_metrics(text)
    check(metric(samples, "disposisi_cases_open", '{sop="tte",step="sekdis"}') == 2,
          "two cases at sekdis")
    check(metric(samples, "disposisi_mail_failed") == 1, "one failed")
    check(metric(samples, "disposisi_quarantined_24h") == 1, "one quarantined")
    check(metric(samples, "disposisi_mail_received_total") == 3, "three mails in")
    check(metric(samples, "disposisi_mail_sent_total") ==
          r.scalar("SELECT count(*) FROM outbox WHERE status = 'sent'"), "the mail sent")
    check(metric(samples, "disposisi_last_imap_sync_timestamp_seconds") >= T0 + 179,
          "the last sync: this run's")
    check(metric(samples, "disposisi_last_smtp_success_timestamp_seconds") >= T0 - 2,
          "the last mail sent")
    check(metric(samples, "disposisi_attention") == 2, "two things need a person")
    check("@" not in text and "Budi" not in text and "budi" not in text and
          "TTE-" not in text, "no address, name or case in the metrics:\n" + text)
    check(stat.S_IMODE(os.stat(prom).st_mode) == 0o644, "readable by node-exporter")
    r.stop()

    # The submission server out of reach: a third case's mail waits.
    with open(r.conf, "a") as f:
        f.write("smtp_port = %d\n" % free_port())
    r.start(clock=T0 + 240)
    sb.send(application("andi@" + DOMAIN, name="Andi"))
    wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status = 'queued'") == 2,
               "the receipt and the disposition wait")
    r.stop()
    rc, out = status(r, T0 + 30 * 60)
    check("unsent" not in attention(out), "not within the hour:\n" + out)
    rc, out = status(r, T0 + 2 * 3600)
    check(rc == 1 and "unsent" in attention(out) and "localhost up?" in out,
          "mail waiting over an hour named (%d):\n%s" % (rc, out))

    # Two days later, the daemon stopped: the mailbox unread, the three
    # cases past their escalation (200% of 20 office minutes); the
    # quarantine is older than a day.
    rc, out = status(r, wib(2026, 12, 9, 9, 0))
    kinds = attention(out)
    check(rc == 1 and kinds == ["escalation"] * 3 + ["undelivered", "unsent", "imap"],
          "escalations and the mailbox unread (%d):\n%s" % (rc, out))
    check("last read" in out and "office minutes" in out, "said in words:\n" + out)

    # The rules without 2027's holidays, a month before 2027.
    rdir = tmp("r", "monitor-rules")
    shutil.rmtree(rdir, ignore_errors=True)
    shutil.copytree(os.path.join(ROOT, "rules"), rdir)
    os.unlink(os.path.join(rdir, "libur-2027.conf"))
    with open(r.conf) as f:
        text = f.read().replace(os.path.join(ROOT, "rules"), rdir)
    with open(r.conf, "w") as f:
        f.write(text)
    rc, out = status(r, wib(2026, 12, 9, 9, 0))
    check(rc == 1 and "holidays" in attention(out) and "libur-2027.conf" in out,
          "the missing year named (%d):\n%s" % (rc, out))


def test_monitor_watchdog(sb):
    """systemd's protocol over a datagram socket, as sd_notify(3) speaks
    it: READY=1 once the loop runs, WATCHDOG=1 at least every half of
    WatchdogSec while the daemon waits in IDLE, STOPPING=1 at the end."""
    path = tmp("notify", "sock")
    if os.path.exists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    s.settimeout(30)
    r = Robot(sb, "watchdog")
    r.start(env={"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "4000000"})
    got = []
    try:
        first = s.recv(4096).decode()
        while first == "WATCHDOG=1":        # a batch of mail proves alive too
            first = s.recv(4096).decode()
        check("READY=1" in first and "STATUS=reading localhost" in first,
              "READY=1 with a status: %r" % first)
        t = time.monotonic()
        while time.monotonic() - t < 9:
            got.append((time.monotonic(), s.recv(4096).decode()))
        pings = [at for at, m in got if m == "WATCHDOG=1"]
        check(len(pings) >= 4, "pings while idle: %s" % got)
        gaps = [b - a for a, b in zip(pings, pings[1:])]
        check(max(gaps) < 2.6, "a ping at least every 2 s (WatchdogSec/2): %s" % gaps)
        check("no IDLE" not in r.logtext(), "the daemon waits in IDLE, not polling")
        r.proc.send_signal(signal.SIGTERM)
        while True:
            m = s.recv(4096).decode()
            if m != "WATCHDOG=1":
                break
        check(m == "STOPPING=1", "STOPPING=1 at the end: %r" % m)
        check(r.proc.wait(timeout=30) == 0, "clean exit")
    finally:
        s.close()
        os.unlink(path)



def tool(r, *args):
    p = subprocess.run([os.path.join(ROOT, "disposisi"), args[0], "-f", r.conf] + list(args[1:]),
                       capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout + p.stderr


def test_monitor_backup_restore(sb):
    r = Robot(sb, "backup", extra="backup_keep = 2")
    bdir = os.path.join(r.dir, "backups")
    r.start()
    sb.send(application("budi@" + DOMAIN))
    d1 = sb.wait_mail("sekdis", subject_has("Disposisi permohonan"), what="row 2")[0]
    ref = re.search(r"TTE-\d{4}-\d{5}", str(d1["Subject"])).group(0)
    # The backup while the daemon takes in more mail.
    for who in ("siti", "andi"):
        sb.send(application(who + "@" + DOMAIN, name=who.title()))
    # Two older backups and a file none of them names: backup_keep = 2
    # keeps the newer old one and today's, and the files they name.
    for d in (bdir, os.path.join(bdir, "spool"), os.path.join(bdir, "spool", "doc")):
        os.mkdir(d, 0o700)
    for old in ("disposisi-2020-01-01.db", "disposisi-2020-01-02.db"):
        src, dst = sqlite3.connect(r.db), sqlite3.connect(os.path.join(bdir, old))
        src.backup(dst)
        src.close()
        dst.close()
    stray = os.path.join(bdir, "spool", "doc", "0" * 64)
    with open(stray, "w") as f:
        f.write("a purged case's scan")
    rc, out = tool(r, "backup", bdir)
    check(rc == 0 and "checked" in out, "backup while the daemon runs (%d): %s" % (rc, out))
    check(not os.path.exists(os.path.join(bdir, "disposisi-2020-01-01.db")) and
          os.path.exists(os.path.join(bdir, "disposisi-2020-01-02.db")) and
          not os.path.exists(stray), "the oldest backup and the stray file removed: %s"
          % os.listdir(bdir))
    os.unlink(os.path.join(bdir, "disposisi-2020-01-02.db"))
    dbs = [f for f in os.listdir(bdir) if f.endswith(".db")]
    check(len(dbs) == 1 and re.match(r"disposisi-\d{4}-\d{2}-\d{2}\.db$", dbs[0]),
          "one copy named by the date: %s" % dbs)
    backup = os.path.join(bdir, dbs[0])
    check(stat.S_IMODE(os.stat(backup).st_mode) == 0o600 and
          stat.S_IMODE(os.stat(bdir).st_mode) == 0o700, "private")
    docs = r.sql("SELECT d.sha256 FROM documents d JOIN cases c ON c.id = d.case_id"
                 " WHERE c.ref = ?", ref)
    check(docs and all(os.path.exists(os.path.join(bdir, "spool", "doc", h)) for (h,) in docs),
          "the case's documents are in the backup's spool")
    # After the backup: more mail handled, the case moves on.
    sb.wait_mail("sekdis", subject_has("Disposisi permohonan"), n=3, what="all three at row 2")
    answer(sb, d1, "sekdis", "Y")
    disposition(sb, "kadis", ref)
    wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0,
               "outbox drained")
    rc, out = tool(r, "restore", backup)
    check(rc != 0 and "another disposisi runs" in out, "no restore under a running daemon: %s"
          % out)
    check(r.stop() == 0, "clean stop")
    events = r.scalar("SELECT max(id) FROM case_events")

    # The state lost but for the config and the trail's checkpoint.
    for f in os.listdir(r.dir):
        if f.startswith("disposisi.db") and not f.endswith(".seal") or f in ("spool",
                                                                            "hmac.key"):
            p = os.path.join(r.dir, f)
            shutil.rmtree(p) if os.path.isdir(p) else os.unlink(p)
    # Copied back by hand, the database is behind the checkpoint: said.
    shutil.copy(backup, r.db)
    rc, out = status(r, time.time())
    check(rc == 1 and "audit" in attention(out) and "are missing" in out,
          "status names the checkpoint ahead (%d):\n%s" % (rc, out))
    os.unlink(r.db)
    rc, out = tool(r, "restore", backup)
    check(rc == 0 and "restored" in out, "restore (%d): %s" % (rc, out))
    check("checkpoint was ahead" in out and os.path.exists(r.db + ".seal.before-restore"),
          "the checkpoint ahead of the backup is said and kept aside: %s" % out)
    check(r.scalar("SELECT max(id) FROM case_events") < events, "the trail is the backup's")
    rc, out = tool(r, "audit", "verify")
    check(rc == 0 and "whole" in out, "audit verify passes (%d): %s" % (rc, out))
    rc, out = tool(r, "show", ref)
    check(rc == 0 and "sekdis" in out and "Documents:" in out,
          "show: the history and documents (%d): %s" % (rc, out))
    rc, out = tool(r, "show", ref, "--json")
    check(rc == 0 and docs[0][0] in out, "show --json: the documents' SHA-256 (%d)" % rc)
    check(all(os.path.exists(os.path.join(r.dir, "spool", "doc", h)) for (h,) in docs),
          "the documents are back in the spool")
    check(state(r, ref) == ("proses", "sekdis"), "the case at the backup's moment")

    # The daemon carries on: the Secretary answers again, once handled.
    r.start()
    answer(sb, d1, "sekdis", "Y")
    wait_state(r, ref, ("proses", "kadis"))
    disposition(sb, "kadis", ref, n=2)
    wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0,
               "outbox drained")
    time.sleep(3)
    mine = [m for m in sb.messages("kadis") if ref in str(m["Subject"])]
    check(len(mine) == 2, "one disposition before the restore, one after: %d" % len(mine))
    check(r.scalar("SELECT count(*) FROM dispatches d JOIN cases c ON c.id = d.case_id"
                   " WHERE c.ref = ? AND d.step_name = 'kadis'", ref) == 1,
          "one dispatch at kadis in the restored database")
    rc, out = tool(r, "audit", "verify")
    check(rc == 0, "the trail verifies on (%d): %s" % (rc, out))
    check(r.stop() == 0, "clean stop")
