# SPDX-License-Identifier: ISC
"""The SOP slice end to end through real Dovecot and Postfix: application →
acknowledgement + disposition → Y → next disposition → T with a reason."""

import time

from lib import (DOMAIN, ROBOT, Robot, application, body_text, check, reply_to,
                 subject_has, wait_until)

BUDI = "budi@" + DOMAIN


def year_wib():
    return time.gmtime(time.time() + 7 * 3600).tm_year


def test_sop_slice(sb):
    r = Robot(sb, "sop_slice").start()
    ref = "TTE-%d-00001" % year_wib()
    sb.send(application(BUDI))

    ack = sb.wait_mail("budi", subject_has(ref), what="acknowledgement")[0]
    check("Tanda terima" in ack["Subject"], "ack subject: %s" % ack["Subject"])
    check(ack["Auto-Submitted"] == "auto-generated", "ack lacks Auto-Submitted")
    check(ref in body_text(ack), "ack body names the case")

    disp = sb.wait_mail("sekdis", subject_has("[%s]" % ref), what="disposition to sekdis")[0]
    check("+" in str(disp["Reply-To"]), "disposition Reply-To carries a token")
    names = sorted(p.get_filename() for p in disp.iter_attachments())
    check(names == ["ktp.jpg", "sk-jabatan.pdf", "sk-terakhir.pdf", "surat-permohonan.pdf"],
          "documents attached to the disposition: %s" % names)
    check(disp.get_body(preferencelist=("html",)) is not None, "HTML alternative")

    # Sekretaris Dinas answers Y from a client that honours Reply-To.
    sb.send(reply_to(disp, "Sekretaris Dinas <sekdis@%s>" % DOMAIN, "Y"))
    kadis = sb.wait_mail("kadis", subject_has(ref), what="disposition to kadis")[0]
    # rules/mails.conf: no progress note, no receipt; each is recorded
    # on the case instead, once, naming the line that switched it off.
    notsent = "SELECT actor, substr(detail, 1, instr(detail, ' by ')) FROM case_events" \
              " WHERE event = 'tidak-dikirim' AND detail LIKE '%mails.conf:%' ORDER BY actor"
    wait_until(lambda: len(r.sql(notsent)) == 2, "progress note and receipt recorded")
    check(r.sql(notsent) == [(BUDI, "kemajuan, step sekdis round 1: off "),
                             ("sekdis@" + DOMAIN, "tercatat, step sekdis round 1: off ")],
          "recorded: %s" % r.sql(notsent))
    check(r.scalar("SELECT count(*) FROM outbox WHERE kind IN ('kemajuan', 'tercatat')") == 0,
          "and not queued")
    check(r.sql("SELECT state, step_name FROM cases WHERE ref = ?", ref) == [("proses", "kadis")],
          "case at step 1")

    # Kepala Dinas answers T with a reason, in HTML, replying to From (the
    # token then travels in In-Reply-To only).
    sb.send(reply_to(kadis, "kadis@" + DOMAIN, "T: KTP tidak terbaca", use_reply_to=False,
                     html=True))
    rej = sb.wait_mail("budi", subject_has("tidak dapat diteruskan"), what="rejection")[0]
    check("KTP tidak terbaca" in body_text(rej), "reason relayed to the applicant")
    check(r.sql("SELECT state, reason FROM cases WHERE ref = ?", ref) ==
          [("ditolak", "KTP tidak terbaca")], "case stopped with the reason")

    # Everything handled is out of INBOX and in Processed, flagged.
    wait_until(lambda: sb.count("tte") == 0, "robot INBOX emptied")
    check(sb.count("tte", "Processed") == 3, "three messages in Processed")
    check(r.sql("SELECT count(*) FROM inbound WHERE imap_done = 1") == [(3,)],
          "three inbound rows, all archived")
    check(r.sql("SELECT count(*) FROM outbox WHERE status != 'sent'") == [(0,)],
          "every outbox row sent")
    check(r.alive(), "robot still running")
    check(r.stop() == 0, "clean exit on SIGTERM")

    # The admin's view, without an SQL client.
    import subprocess
    from lib import ROOT
    out = subprocess.run([ROOT + "/disposisi", "status", "-f", r.conf, ref.lower()],
                         capture_output=True, text=True).stdout
    check("rejected (ditolak)" in out and "KTP tidak terbaca" in out and
          "Kepala Dinas Kominfo" in out,
          "status shows the decision: %s" % out)
    out = subprocess.run([ROOT + "/disposisi", "status", "-f", r.conf],
                         capture_output=True, text=True).stdout
    check("Last 20 messages" in out and "T at step kadis" in out, "overview: %s" % out)


def test_documents_too_big_to_attach(sb):
    """Scans over max_attachments are listed in the disposition, not
    attached, so the mail is not refused by the officials' server."""
    r = Robot(sb, "too_big", extra="max_attachments = 3000").start()
    sb.send(application(BUDI))
    disp = sb.wait_mail("sekdis", subject_has("Disposisi"), what="disposition")[0]
    check(list(disp.iter_attachments()) == [], "no attachments")
    text = body_text(disp)
    check("ktp.jpg" in text and "tidak dilampirkan" in text, "documents listed, reason given")
    check("too big to attach" in r.logtext(), "logged")
