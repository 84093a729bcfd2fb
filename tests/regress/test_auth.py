# SPDX-License-Identifier: ISC
"""Who may decide a step, through the real path: a forged From with the
case tag alone, a pass forged under the border MTA's own
Authentication-Results, an office From the MTA vouched for as another
domain, the MTA's spam verdict; each refused mail is in the case's story
(`show`, `status`), logged once, and `explain` says so without a
database."""

import json
import os
import re
import subprocess
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from lib import (DOMAIN, ROBOT, ROOT, Robot, application, attach_scan, body_text, check,
                 disposition, reply_to, subject_has, to_request, wait_until)

AUTHSERV = "mail." + DOMAIN
# What the border MTA writes for an office mail its DKIM signer vouched for.
OFFICE_PASS = "%s; dkim=pass header.d=%s header.s=zimbra" % (AUTHSERV, DOMAIN)


def tool(r, *args):
    return subprocess.run([os.path.join(ROOT, "disposisi")] + list(args) + ["-f", r.conf]
                          if args[0] != "explain" else
                          [os.path.join(ROOT, "disposisi"), "explain", "-f", r.conf]
                          + list(args[1:]), capture_output=True, text=True, timeout=120)


def with_results(msg, *results):
    """The message's bytes under Authentication-Results lines, top first."""
    top = "".join("Authentication-Results: %s\r\n" % r for r in results)
    return top.encode() + msg.as_bytes()


def to_sekdis(sb, r, extra=None):
    """A case waiting for the Secretary; its reference and disposition."""
    a = application("budi@" + DOMAIN)
    if extra is not None:
        sb.deliver(with_results(a, extra))
    else:
        sb.send(a)
    disp = sb.wait_mail("sekdis", subject_has("Disposisi"), what="disposition to sekdis")[0]
    return r.scalar("SELECT ref FROM cases"), disp


def test_tag_alone_needs_confirmation(sb):
    """Shipped defaults (no auth_serv_id): a mail with From forged as the
    Head, the case tag and Y decides nothing; the Head's own mailbox is
    asked, and the Head's Y to that carries the answer out."""
    r = Robot(sb, "tagalone").start()
    ref, disp = to_sekdis(sb, r)
    sb.send(reply_to(disp, "sekdis@" + DOMAIN, "Y"))
    sb.wait_mail("kadis", subject_has("Disposisi"), what="disposition to kadis")
    forged = EmailMessage()
    forged["From"] = "Kepala Dinas <kadis@%s>" % DOMAIN
    forged["To"] = ROBOT
    forged["Subject"] = "[%s] Y" % ref
    forged["Date"] = formatdate(localtime=True)
    forged["Message-ID"] = make_msgid(domain="attacker.example")
    forged.set_content("Y\n")
    sb.send(forged, sender="x@attacker.example")
    conf = sb.wait_mail("kadis", subject_has("Konfirmasi"), what="confirmation to kadis")[0]
    check(r.sql("SELECT state, step_name FROM cases") == [("proses", "kadis")],
          "the tag alone decided nothing")
    check(sb.count("kabid.persandian") == 0, "the next step was not sent")
    check("Y" in str(conf.get_body(preferencelist=("plain",)).get_content()),
          "the confirmation names the answer read")
    check(ref.lower() in str(conf["Reply-To"]), "answered by a token of its own")
    check(r.scalar("SELECT count(*) FROM case_events WHERE event = 'konfirmasi-diminta'")
          == 1, "asking is in the case's history")
    # The Head confirms from his own mailbox: the answer acts.
    sb.send(reply_to(conf, "kadis@" + DOMAIN, "Ya"))
    sb.wait_mail("kabid.persandian", subject_has("Disposisi"),
                 what="the confirmed Y moves the case")
    check(r.sql("SELECT verdict FROM dispatches WHERE official = ?", "kadis@" + DOMAIN)
          == [("Y",)], "recorded as the Head's Y")
    check(r.sql("SELECT state, step_name FROM cases") == [("proses", "kabid")],
          "the case moved once")


def test_tag_alone_document_travels(sb):
    """Row 8 answered by a new mail naming the case by tag alone, Y with
    the signed request attached: the Head's own mailbox is asked, and his
    bare Y to that carries the answer out with the file, as the original
    would have: the case moves past row 8 with the document recorded, and
    row 9's verifiers get it."""
    r = Robot(sb, "tagdoc").start()
    ref = to_request(sb, "siti@" + DOMAIN, "Siti Rahmawati")
    disposition(sb, "kadis", ref, n=2)
    m = EmailMessage()
    m["From"] = "Kepala Dinas <kadis@%s>" % DOMAIN
    m["To"] = ROBOT
    m["Subject"] = "[%s] Surat permintaan penerbitan Sertifikat Elektronik" % ref
    m["Date"] = formatdate(localtime=True)
    m["Message-ID"] = make_msgid(domain=DOMAIN)
    m.set_content("Y\n")
    attach_scan(m, "surat-permintaan-ttd.pdf")
    sb.send(m)
    conf = sb.wait_mail("kadis", subject_has("Konfirmasi"), what="confirmation to kadis")[0]
    check(r.sql("SELECT state, step_name FROM cases") == [("proses", "permintaan")],
          "the tag alone decided nothing")
    check(r.scalar("SELECT count(*) FROM documents WHERE kind = 'surat-permintaan'") == 0,
          "nor added a document to the case")
    sb.send(reply_to(conf, "kadis@" + DOMAIN, "Y"))
    reg = disposition(sb, "verifikator1", ref, n=3)
    check(r.sql("SELECT state, step_name FROM cases") == [("proses", "registrasi")],
          "the confirmed Y moved the case past row 8")
    check(r.sql("SELECT filename, step FROM documents WHERE kind = 'surat-permintaan'") ==
          [("surat-permintaan-ttd.pdf", "permintaan")], "the signed request recorded")
    check("surat-permintaan-ttd.pdf" in [p.get_filename() for p in reg.iter_attachments()],
          "row 9's verifiers get the file")
    check(not [x for x in sb.messages("kadis") if "Mohon lampirkan" in body_text(x)],
          "the Head was not asked for the file again")


def test_forged_results_under_the_mta_s(sb):
    """The border MTA's header (the topmost with its id) says dkim and spf
    fail; a pass forged lower in the same mail is ignored and named: the
    Secretary's T rejects nothing, the case's story and one log line say
    why, and explain without --db reads the same."""
    r = Robot(sb, "forgedar", extra="auth_serv_id = " + AUTHSERV).start()
    ref, disp = to_sekdis(sb, r, OFFICE_PASS)
    t = reply_to(disp, "sekdis@" + DOMAIN, "T KTP palsu")
    t["Authentication-Results"] = "%s; dmarc=pass header.from=%s" % (AUTHSERV, DOMAIN)
    raw = with_results(t, "%s; dkim=fail header.d=%s; spf=fail smtp.mailfrom=sekdis@%s"
                       % (AUTHSERV, DOMAIN, DOMAIN))
    sb.deliver(raw)
    wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE imap_done = 1") == 2,
               "both handled")
    check(r.sql("SELECT state, step_name FROM cases") == [("proses", "sekdis")],
          "the forged T rejected nothing")
    note = r.scalar("SELECT note FROM inbound WHERE folder = 'Quarantine'")
    check("failed authentication" in note and "forged" in note, "why: %s" % note)
    check(r.scalar("SELECT c.ref FROM inbound i JOIN cases c ON c.id = i.case_id"
                   " WHERE i.folder = 'Quarantine'") == ref, "the refused mail names its case")
    lines = [l for l in r.logtext().splitlines() if "failed authentication" in l]
    check(len(lines) == 1 and ref in lines[0], "logged once, with the case: %s" % lines)
    check(len(sb.messages("sekdis")) == 1, "nobody told the forger anything")
    # explain without a database applies the same policy.
    eml = os.path.join(r.dir, "forged.eml")
    with open(eml, "wb") as f:
        f.write(raw)
    out = tool(r, "explain", "--json", eml)
    got = json.loads(out.stdout)
    check(got["kind"] == "invalid" and got["gate"]["verdict"] == "refuse"
          and got["gate"]["forged"] == 1 and "failed authentication" in got["gate"]["why"],
          "explain refuses it: %s" % out.stdout)
    check("limits" in got["not_applied"], "and says what needs --db: %s" % got)
    text = tool(r, "explain", eml).stdout
    check("gate      refuse: sender failed authentication" in text and "--db" in text,
          "explain's text says so: %s" % text)


def test_office_from_authenticated_elsewhere(sb):
    """From says the Secretary, the border MTA vouched only for gmail.com
    and gave no verdict for the office: outside mail. Her answer, token
    and all, does not act; she is told nothing; `show` and `status` tell
    the admin."""
    r = Robot(sb, "elsewhere", extra="auth_serv_id = " + AUTHSERV).start()
    ref, disp = to_sekdis(sb, r, OFFICE_PASS)
    y = reply_to(disp, "sekdis@" + DOMAIN, "Y")
    sb.deliver(with_results(y, "%s; dkim=pass header.d=gmail.com; spf=pass"
                            " smtp.mailfrom=attacker@gmail.com" % AUTHSERV))
    wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE imap_done = 1") == 2,
               "both handled")
    check(r.sql("SELECT state, step_name FROM cases") == [("proses", "sekdis")],
          "the case did not move")
    check(sb.count("kadis") == 0 and len(sb.messages("sekdis")) == 1,
          "no next step, and the Secretary is told nothing")
    detail = r.scalar("SELECT detail FROM case_events WHERE event = 'ditolak-masuk'")
    check(detail and "another domain" in detail, "the case's history says why: %s" % detail)
    show = tool(r, "show", ref).stdout
    check("mail refused: " in show and "another domain" in show, "show lists it: %s" % show)
    status = tool(r, "status").stdout
    part = status.split("Refused mail aimed at cases")[1].split("Last 20")[0]
    check(re.search(r"ditolak-masuk\s+1\s", part),
          "status counts it: %s" % part)


def test_spam_verdict_quarantines(sb):
    """The MTA's spam verdict on an application with a PDF: quarantined,
    no case, no mail to anyone."""
    r = Robot(sb, "spam").start()
    a = application("budi@" + DOMAIN)
    sb.deliver(b"X-Spam-Flag: YES\r\nX-Spam-Status: Yes, score=12.3 required=5.0\r\n"
               + a.as_bytes())
    wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE imap_done = 1") == 1,
               "handled")
    check(r.scalar("SELECT count(*) FROM cases") == 0, "no case")
    check(r.scalar("SELECT folder FROM inbound") == "Quarantine", "quarantined")
    check("spam" in r.scalar("SELECT note FROM inbound"), "the note says spam")
    check(r.scalar("SELECT count(*) FROM outbox") == 0, "no mail to anyone")
    sb.send(application("siti@" + DOMAIN, name="Siti"))
    sb.wait_mail("siti", subject_has("Tanda terima"), what="the next application taken")
    check(sb.count("budi") == 0, "the spam's sender heard nothing")


def test_check_warns_without_auth_serv_id(sb):
    """`check` warns when outside mail reaches the robot unauthenticated."""
    r = Robot(sb, "checkwarn")
    out = tool(r, "check").stdout
    check("OK" in out and "warning: auth_serv_id is not set" in out, out)
    r2 = Robot(sb, "checkok", extra="auth_serv_id = " + AUTHSERV)
    check("warning" not in tool(r2, "check").stdout, "no warning once set")


def test_internal_relay_path(sb):
    """With auth_serv_id set, office mail the border MTA stamped nothing
    on counts when its whole Received path is internal_relays (Postfix and
    Dovecot here, on 127.0.0.1); its answer by token acts, but by the tag
    alone it is still confirmed first (no DKIM pass for the office)."""
    r = Robot(sb, "relays", extra="auth_serv_id = %s\ninternal_relays = 127.0.0.0/8, ::1"
              % AUTHSERV).start()
    ref, disp = to_sekdis(sb, r)
    sb.send(reply_to(disp, "sekdis@" + DOMAIN, "Y"))
    kadis = sb.wait_mail("kadis", subject_has("Disposisi"), what="the Y by token acts")[0]
    tag = EmailMessage()
    tag["From"] = "kadis@" + DOMAIN
    tag["To"] = ROBOT
    tag["Subject"] = "[%s] Y" % ref
    tag["Date"] = formatdate(localtime=True)
    tag["Message-ID"] = make_msgid(domain=DOMAIN)
    tag.set_content("Y\n")
    sb.send(tag)
    sb.wait_mail("kadis", subject_has("Konfirmasi"), what="the tag alone is confirmed")
    check(r.sql("SELECT state, step_name FROM cases") == [("proses", "kadis")],
          "not before the confirmation")
    check(kadis is not None and r.scalar("SELECT count(*) FROM case_events"
                                         " WHERE event = 'ditolak-masuk'") == 0,
          "nothing refused")


def test_attacks_in_the_case_story(sb):
    """A program sent to a case and an answer from someone without the
    role are refused, each in the case's history (show) with its reason,
    counted by status, and logged once with the case."""
    r = Robot(sb, "story").start()
    ref, disp = to_sekdis(sb, r)
    bad = reply_to(disp, "sekdis@" + DOMAIN, "Y")
    bad.add_attachment(b"MZ\x90\x00" + b"\x00" * 64, maintype="application",
                       subtype="pdf", filename="scan.pdf")
    sb.send(bad)
    sb.send(reply_to(disp, "kabid.persandian@" + DOMAIN, "Y"))
    wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE imap_done = 1") == 3,
               "all handled")
    check(r.sql("SELECT state, step_name FROM cases") == [("proses", "sekdis")],
          "the case did not move")
    ev = dict(r.sql("SELECT event, detail FROM case_events WHERE event IN"
                    " ('ditolak-masuk', 'jawaban-ditolak')"))
    check("program" in ev.get("ditolak-masuk", ""), "the program: %s" % ev)
    check("sekdis@" in ev.get("jawaban-ditolak", ""), "the wrong sender: %s" % ev)
    show = tool(r, "show", ref).stdout
    check("mail refused: " in show and "answer refused: " in show, "show lists both: %s" % show)
    status = tool(r, "status").stdout
    check(re.search(r"jawaban-ditolak\s+1\s", status), "counted: %s" % status)
    mine = [l for l in r.logtext().splitlines() if " message " in l and "Quarantine" in l]
    check(len(mine) == 2 and all(l.split()[1].rstrip(":") == ref for l in mine),
          "one line each, with the case: %s" % mine)
