# SPDX-License-Identifier: ISC
"""The same message again - a copy put back into INBOX, or every message
renumbered by a UIDVALIDITY change - is recognised by its content and never
handled twice."""

import imaplib
import subprocess
import time

from lib import DOMAIN, Robot, application, check, subject_has, wait_until


def append(sb, raw):
    c = sb.imap("tte")
    try:
        typ, _ = c.append("INBOX", None, imaplib.Time2Internaldate(time.time()), raw)
        check(typ == "OK", "APPEND")
    finally:
        c.logout()


def raw_processed(sb):
    c = sb.imap("tte")
    try:
        c.select("Processed", readonly=True)
        typ, d = c.uid("FETCH", "1:*", "(BODY.PEEK[])")
        return d[0][1]
    finally:
        c.logout()


def uidvalidity(sb):
    c = sb.imap("tte")
    try:
        typ, d = c.status("INBOX", "(UIDVALIDITY)")
        return d[0]
    finally:
        c.logout()


def test_same_bytes_and_uidvalidity_change(sb):
    r = Robot(sb, "dedup").start()
    sb.send(application("budi@" + DOMAIN))
    sb.wait_mail("budi", subject_has("Tanda terima"), what="ack")
    wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE imap_done = 1") == 1,
               "first message archived")
    raw = raw_processed(sb)

    # 1. A copy of the handled message appears in INBOX again.
    append(sb, raw)
    wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE kind = 'duplicate'") == 1,
               "copy recognised")

    # 2. The server renumbers the mailbox (new UIDVALIDITY) while the robot is away.
    r.stop()
    before = uidvalidity(sb)
    new = int(before.split(b"UIDVALIDITY ")[1].rstrip(b")")) + 1000
    subprocess.run(["doveadm", "-c", sb.env["SANDBOX_DOVECOT_CONF"], "mailbox", "update",
                    "-u", "tte", "--uid-validity", str(new), "INBOX"], check=True)
    append(sb, raw)
    after = uidvalidity(sb)
    check(after != before, "UIDVALIDITY changed: %s -> %s" % (before, after))
    r.start()
    wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE kind = 'duplicate'") == 2,
               "copy under the new UIDVALIDITY recognised")
    check("UIDVALIDITY changed" in r.logtext(), "change logged")
    wait_until(lambda: sb.count("tte") == 0, "INBOX emptied")
    check(r.scalar("SELECT count(*) FROM cases") == 1, "still one case")
    check(len([m for m in sb.messages("budi") if "Tanda terima" in m["Subject"]]) == 1,
          "one acknowledgement")
    check(sb.count("sekdis") == 1, "one disposition")
