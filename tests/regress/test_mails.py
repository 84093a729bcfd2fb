# SPDX-License-Identifier: ISC
"""Which mails go out is the rules' choice (rules/mails.conf): an office
that wants the applicant's progress notes and the Secretary's receipts,
and no receipt for anyone else, writes so, and the mails follow through
real Dovecot and Postfix; a mail switched off is recorded on the case and
`show` says why; a line switching off a mail the workflow needs is
refused by `check` with file:line:col and the reason."""

import os
import re
import subprocess

from lib import (DOMAIN, ROOT, application, body_text, check, disposition, reply_to,
                 robot_with_rules, subject_has, wait_until)

BIN = os.path.join(ROOT, "disposisi")
BUDI = "budi@" + DOMAIN
MAILS = """# test_mails: the office's own choice.
mail kemajuan on
mail tercatat off
mail tercatat on sekdis
"""


def run(*args):
    p = subprocess.run([BIN] + list(args), capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout + p.stderr


def test_mails_switched_by_rules(sb):
    r, rules = robot_with_rules(sb, "mails_on_off", {"mails.conf": MAILS})
    r.start()
    sb.send(application(BUDI))
    ack = sb.wait_mail("budi", subject_has("Tanda terima"), what="the receipt")[0]
    ref = re.search(r"TTE-\d{4}-\d{5}", str(ack["Subject"])).group(0)
    d = disposition(sb, "sekdis", ref)

    # The Secretary's Y: her receipt (on for sekdis) and the applicant's
    # progress note (on) both go out.
    sb.send(reply_to(d, "sekdis@" + DOMAIN, "Y"))
    k = disposition(sb, "kadis", ref)
    rcpt = sb.wait_mail("sekdis", subject_has("dicatat"), what="the Secretary's receipt")[0]
    check("Sekretaris Dinas Kominfo" in body_text(rcpt), "addressed by title")
    sb.wait_mail("budi", subject_has("diteruskan"), what="the first progress note")

    # The Head's Y: no receipt for him (off for everyone else), recorded
    # on the case with the line that switched it off; the applicant's
    # second progress note goes out.
    sb.send(reply_to(k, "kadis@" + DOMAIN, "Y"))
    disposition(sb, "kabid.persandian", ref)
    sb.wait_mail("budi", subject_has("diteruskan"), n=2, what="the second progress note")
    wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0,
               "outbox drained")
    check(not any("dicatat" in str(m["Subject"]) for m in sb.messages("kadis")),
          "the Head got no receipt: %s" % [str(m["Subject"]) for m in sb.messages("kadis")])
    where = "%s/mails.conf:3" % rules
    check(r.sql("SELECT actor, detail FROM case_events WHERE event = 'tidak-dikirim'") ==
          [("kadis@" + DOMAIN, "tercatat, step kadis round 2: off by " + where)],
          "recorded: %s" % r.sql("SELECT actor, detail FROM case_events WHERE"
                                 " event = 'tidak-dikirim'"))
    check(r.sql("SELECT rcpt, kind FROM outbox WHERE kind IN ('tercatat', 'kemajuan')"
                " ORDER BY id") ==
          [("sekdis@" + DOMAIN, "tercatat"), (BUDI, "kemajuan"), (BUDI, "kemajuan")],
          "exactly the mails switched on were queued")
    rc, out = run("show", "-f", r.conf, ref)
    check(rc == 0 and "not mailed (tercatat, step kadis round 2: off by " + where in out,
          "show says why the Head's receipt never left: %s" % out)

    # A mail the workflow needs cannot be switched off: check names the
    # line and the reason.
    r.stop()
    with open(os.path.join(rules, "mails.conf"), "a") as f:
        f.write("mail kelengkapan-kurang off\nmail disposisi off\n")
    rc, out = run("check", "-f", r.conf)
    check(rc == 78 and "mails.conf:5:6: mail kelengkapan-kurang cannot be switched off: the"
          " case waits for the applicant's missing documents" in out and
          "mails.conf:6:6: mail disposisi cannot be switched off: it is step" in out,
          "check refuses, with file:line:col and why: %s" % out)
