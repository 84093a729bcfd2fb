# SPDX-License-Identifier: ISC
"""disposisi ingest: mail handed over by an MTA's pipe instead of IMAP -
the same handling, the same bytes handled once, the mail it causes sent
(by itself when no robot runs, else by the woken robot)."""

import os
import subprocess

from lib import DOMAIN, ROOT, Robot, application, check, reply_to, subject_has, wait_until

BIN = os.path.join(ROOT, "disposisi")


def ingest(r, data):
    p = subprocess.run([BIN, "ingest", "-f", r.conf], input=data, capture_output=True,
                       timeout=60)
    return p.returncode, (p.stdout + p.stderr).decode(errors="replace")


def test_ingest_from_a_pipe(sb):
    r = Robot(sb, "ingest")
    app = application("budi@" + DOMAIN).as_bytes()
    rc, out = ingest(r, app)
    check(rc == 0, "taken: %d %s" % (rc, out))
    sb.wait_mail("budi", subject_has("Tanda terima"), what="ack sent by ingest itself")
    d = sb.wait_mail("sekdis", subject_has("Disposisi permohonan"), what="disposition")[0]
    rc, out = ingest(r, app)
    check(rc == 0 and r.scalar("SELECT count(*) FROM cases") == 1,
          "the same bytes once: %d %s" % (rc, out))
    check(r.scalar("SELECT count(*) FROM inbound WHERE kind = 'duplicate'") == 1,
          "recorded as a duplicate")
    rc, out = ingest(r, b"")
    check(rc == 0 and r.scalar("SELECT count(*) FROM inbound WHERE kind = 'malformed'") == 1,
          "an empty message is set aside, not retried for ever: %d %s" % (rc, out))

    # With the robot running, the answer it brings is sent by the robot.
    r.start()
    wait_until(lambda: "INBOX selected" in r.logtext(), "robot ready")
    rc, out = ingest(r, reply_to(d, "sekdis@" + DOMAIN, "Y").as_bytes())
    check(rc == 0, "answer taken: %s" % out)
    sb.wait_mail("kadis", subject_has("Disposisi permohonan"), what="on to kadis")
    check(r.sql("SELECT state, step_name FROM cases") == [("proses", "kadis")], "moved")
    rc, out = ingest(r, b"x")
    check(rc == 0, "garbage taken and set aside")
    p = subprocess.run([BIN, "ingest", "-f", r.conf, "/nonexistent/mail.eml"],
                       capture_output=True, text=True, timeout=60)
    check(p.returncode == 75 and "/nonexistent/mail.eml" in p.stderr,
          "an unreadable file: EX_TEMPFAIL with the reason: %s" % p.stderr)
