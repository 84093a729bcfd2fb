# SPDX-License-Identifier: ISC
"""A disk that fails under the robot's reads (tests/fault/fault.c, an
LD_PRELOAD shim: reads of the database's pages holding the disposition's
token fail with EIO). An official's answer met by the failing read is not
taken for an unknown token: nothing is recorded, the mail stays in INBOX
and the robot says so once; when the disk reads again the answer is
taken, exactly once, and the case moves on."""

import os
import subprocess

from lib import (DOMAIN, ROOT, Robot, application, check, reply_to, subject_has,
                 wait_until)

SEKDIS = "Sekretaris Dinas <sekdis@%s>" % DOMAIN


def fault_shim(where):
    """Builds the shim for this test, outside the robot's build."""
    so = os.path.join(where, "fault.so")
    subprocess.run(["cc", "-O2", "-Wall", "-Werror", "-D_GNU_SOURCE", "-shared", "-fPIC",
                    "-o", so, os.path.join(ROOT, "tests", "fault", "fault.c"),
                    "-lsqlite3", "-ldl"], check=True)
    return so


def test_read_fault_answer_waits(sb):
    r = Robot(sb, "readfault")
    ctl = os.path.join(r.dir, "fault")
    asan = os.environ.get("ASAN_OPTIONS", "")
    r.start(env={"LD_PRELOAD": fault_shim(r.dir), "DISPOSISI_FAULT": ctl,
                 # An ASan build wants its runtime first; the shim is no sanitizer.
                 "ASAN_OPTIONS": (asan + ":" if asan else "") + "verify_asan_link_order=0"})
    sb.send(application("budi@" + DOMAIN))
    disp = sb.wait_mail("sekdis", subject_has("Disposisi"), what="disposition")[0]
    ref, token = r.sql("SELECT c.ref, d.token FROM cases c JOIN dispatches d"
                       " ON d.case_id = c.id")[0]
    wait_until(lambda: sb.count("tte") == 0, "the application archived")
    taken = r.scalar("SELECT count(*) FROM inbound")

    # The disk fails under the disposition's rows; the answer arrives.
    with open(ctl, "w") as f:
        f.write(token)
    sb.send(reply_to(disp, SEKDIS, "Y"))
    wait_until(lambda: "not taking mail" in r.logtext(), "the failed read stalls intake")
    check("database: SELECT id, case_id, step_name" in r.logtext(),
          "the failed read is said, with its statement")
    check(r.scalar("SELECT count(*) FROM inbound") == taken, "nothing of the answer recorded")
    check(r.sql("SELECT state, step_name FROM cases") == [("proses", "sekdis")],
          "the case did not move")
    check(r.scalar("SELECT count(*) FROM dispatches WHERE answered_at IS NOT NULL") == 0,
          "the disposition is not answered")
    check(sb.count("tte") == 1 and sb.count("tte", "Quarantine") == 0,
          "the answer waits in INBOX, not in Quarantine")
    check("unknown token" not in r.logtext(), "never taken for an unknown token")
    check(r.alive(), "robot running")

    # The disk reads again: new mail wakes the robot, the answer is taken.
    os.unlink(ctl)
    sb.send(application("siti@" + DOMAIN, name="Siti Aminah"))
    sb.wait_mail("kadis", subject_has(ref), what="the answer taken: disposition to kadis")
    check(r.sql("SELECT state, step_name FROM cases WHERE ref = ?", ref) == [("proses", "kadis")],
          "the case moved on the answer")
    check(r.scalar("SELECT count(*) FROM dispatches WHERE token = ? AND verdict = 'Y'", token)
          == 1, "answered once")
    wait_until(lambda: sb.count("tte") == 0, "INBOX emptied")
    check(sb.count("tte", "Quarantine") == 0, "nothing quarantined")
    check(r.logtext().count("warning: not taking mail") == 1, "the wait said once")
    check("taking mail again" in r.logtext(), "the end of the wait said")
    wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0,
               "outbox drained")
    check(r.scalar("SELECT count(*) FROM case_events WHERE event = 'tidak-dikirim' AND"
                   " detail LIKE 'tercatat, step %: off by %'") == 1,
          "the answer's receipt (off by rules/mails.conf) recorded once")
