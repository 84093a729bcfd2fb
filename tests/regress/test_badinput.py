# SPDX-License-Identifier: ISC
"""Bad input gets a clear answer and loses nothing: malformed mail, unknown
senders, machine mail, oversize mail, missing attachments, unreadable and
wrong-sender replies. The next good message is always still handled."""

import time
from email.message import EmailMessage
from email.utils import make_msgid, formatdate

from lib import (DOMAIN, ROBOT, Robot, application, attach_scan, body_text, check,
                 reply_to, subject_has, wait_until)


def plain(sender, subject, text, **headers):
    m = EmailMessage()
    m["From"] = sender
    m["To"] = ROBOT
    m["Subject"] = subject
    m["Date"] = formatdate(localtime=True)
    m["Message-ID"] = make_msgid(domain="example.org")
    for k, v in headers.items():
        m[k.replace("_", "-")] = v
    m.set_content(text)
    return m


def folder_kinds(r):
    return dict(r.sql("SELECT kind, count(*) FROM inbound GROUP BY kind"))


def test_quarantine_and_silence(sb):
    r = Robot(sb, "quarantine", extra="max_message_size = 65536").start()
    # 1. Garbage without headers. 2. No From. 3. Unknown outside sender.
    # 4. Out-of-office with Auto-Submitted. 5. A DSN. 6. Oversize.
    sb.deliver(b"\x00\xff garbage that is no mail\r\n\r\nat all\r\n")
    sb.deliver(b"Subject: no sender\r\nTo: tte@muaraenimkab.go.id\r\n\r\nY\r\n")
    sb.send(plain("spam@example.org", "Penawaran", "Beli sekarang"),
            sender="spam@example.org", rcpts=[ROBOT])
    # Spam with a PDF that names no document: no case, no answer either.
    invoice = plain("spam@example.org", "Invoice 2231", "See attached")
    attach_scan(invoice, "invoice-2231.pdf")
    sb.send(invoice, sender="spam@example.org", rcpts=[ROBOT])
    sb.send(plain("sekdis@" + DOMAIN, "Di luar kantor", "Saya cuti.",
                  Auto_Submitted="auto-replied (zimbra; vacation)", Precedence="bulk"))
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText
    dsn = MIMEMultipart("report", report_type="delivery-status")
    dsn["From"] = "MAILER-DAEMON@" + DOMAIN
    dsn["To"] = ROBOT
    dsn["Subject"] = "Undelivered Mail Returned to Sender"
    dsn.attach(MIMEText("failed"))
    sb.send(dsn)
    sb.send(plain("siti@" + DOMAIN, "Permohonan", "lihat lampiran"), rcpts=[ROBOT])
    big = application("siti@" + DOMAIN, subject="Permohonan besar sekali", n_att=1)
    big.add_attachment(b"x" * 200000, maintype="application", subtype="pdf", filename="besar.pdf")
    sb.send(big)
    many = application("siti@" + DOMAIN, subject="Banyak", n_att=1)
    for i in range(25):
        many.add_attachment(b"x%d" % i, maintype="image", subtype="png", filename="%d.png" % i)
    sb.send(many)
    # Then a good application: it must still be handled.
    sb.send(application("andi@" + DOMAIN, name="Andi"))
    sb.wait_mail("andi", subject_has("Tanda terima"), what="ack after bad input")
    sb.wait_mail("siti", subject_has("lampiran tidak ada"), what="missing attachment notice")

    wait_until(lambda: sb.count("tte") == 0, "robot INBOX emptied")
    kinds = folder_kinds(r)
    check(kinds.get("malformed") == 2, "two malformed: %s" % kinds)
    check(kinds.get("invalid") == 2, "two from an unknown sender: %s" % kinds)
    check(kinds.get("auto-reply") == 1 and kinds.get("bounce") == 1,
          "an auto-reply and a bounce: %s" % kinds)
    check(kinds.get("too-large") == 1, "one oversize: %s" % kinds)
    check(kinds.get("submission") == 3, "three submissions: %s" % kinds)
    check(sb.count("tte", "Quarantine") == 6, "six in Quarantine")
    check(r.scalar("SELECT count(*) FROM cases") == 1, "only the good application opened a case")
    # No backscatter: nobody but the applicants got anything.
    check(sb.count("outbound") == 0, "nothing sent outside the domain")
    check(sb.count("sekdis") == 1, "sekdis got only the new disposition")
    # The raw bytes of the malformed ones are kept in the spool.
    notes = [n for (n,) in r.sql("SELECT note FROM inbound WHERE kind = 'malformed'")]
    check(all("kept as" in n for n in notes), "malformed notes name the spool copy: %s" % notes)
    check(r.alive(), "robot still running")


def test_replies_unclear_wrong_sender(sb):
    r = Robot(sb, "replies").start()
    sb.send(application("budi@" + DOMAIN))
    disp = sb.wait_mail("sekdis", subject_has("Disposisi"), what="disposition")[0]

    # Someone else answers with sekdis's token: ignored, quarantined, told why.
    sb.send(reply_to(disp, "kadis@" + DOMAIN, "Y"))
    nope = sb.wait_mail("kadis", subject_has("tidak dapat diterima"), what="not-yours notice")[0]
    check("Sekretaris Dinas Kominfo" in body_text(nope) and "sekdis@" not in body_text(nope),
          "notice names the official by title, not address: %s" % body_text(nope))
    check("+" not in str(nope.get("Reply-To", "")), "notice carries no token")
    # The same from outside the office: no mail at all (no backscatter).
    sb.send(reply_to(disp, "orang@example.org", "Y"))
    # Sekdis writes something that is no decision.
    sb.send(reply_to(disp, "sekdis@" + DOMAIN, "Terima kasih, akan saya cek"))
    q = sb.wait_mail("sekdis", subject_has("belum dapat dibaca"), what="not-understood")[0]
    check("Terima kasih, akan saya cek" in body_text(q), "the line read is quoted back")
    # T without a reason: asked for one.
    sb.send(reply_to(disp, "sekdis@" + DOMAIN, "T"))
    sb.wait_mail("sekdis", subject_has("alasan"), what="reason request")
    check(r.sql("SELECT state, step_name FROM cases") == [("proses", "sekdis")], "case unchanged")
    check(r.sql("SELECT count(*) FROM inbound WHERE kind IN ('command', 'invalid') AND"
                " folder='Quarantine'") == [(2,)], "wrong senders quarantined")
    check(sb.count("outbound") == 0, "nothing to the outside sender")
    # Replying to the robot's question (its own token) with Y works.
    sb.send(reply_to(q, "sekdis@" + DOMAIN, "Ya"))
    sb.wait_mail("kadis", subject_has("Disposisi"), what="disposition to kadis")
    # A second Y to the same step gets "already decided", state unchanged.
    sb.send(reply_to(disp, "sekdis@" + DOMAIN, "Y"))
    sb.wait_mail("sekdis", subject_has("sudah diproses"), what="already-decided")
    check(r.sql("SELECT state, step_name FROM cases") == [("proses", "kadis")], "case at step 1 once")
    check(len([m for m in sb.messages("kadis") if "Disposisi" in m["Subject"]]) == 1,
          "kadis got one disposition only")


def test_no_question_loop(sb):
    """A responder without RFC 3834 headers that answers every mail with
    the same text: the robot asks at most three times a day, then stays
    silent; the case does not move."""
    r = Robot(sb, "noloop").start()
    sb.send(application("budi@" + DOMAIN))
    last = sb.wait_mail("sekdis", subject_has("Disposisi"), what="disposition")[0]
    for i in range(5):
        sb.send(reply_to(last, "sekdis@" + DOMAIN, "Pesan Anda sudah kami terima."))
        if i < 3:
            last = sb.wait_mail("sekdis", subject_has("belum dapat dibaca"), n=i + 1,
                                what="question %d" % (i + 1))[-1]
    wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE kind = 'command'") == 5,
               "all five handled")
    wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0,
               "outbox drained")
    check(r.scalar("SELECT count(*) FROM outbox WHERE kind = 'tidak-dipahami'") == 3,
          "three questions, no more")
    check("not answering sekdis@%s again today" % DOMAIN in r.logtext(), "silence logged")
    check(r.sql("SELECT state, step_name FROM cases") == [("proses", "sekdis")], "case unchanged")


def test_followups_without_token(sb):
    """Mail about a case that carries no token: the applicant's is recorded
    in the case history (no new case) and its scans join the case; an
    official's is an answer only to a step of theirs that waits."""
    r = Robot(sb, "followups").start()
    sb.send(application("budi@" + DOMAIN))
    ack = sb.wait_mail("budi", subject_has("Tanda terima"), what="ack")[0]
    ref = r.scalar("SELECT ref FROM cases")
    # The applicant answers the acknowledgement with one more scan.
    more = reply_to(ack, "budi@" + DOMAIN, "Berikut SK Jabatan yang terbaru.")
    more.add_attachment(b"%PDF-1.4 sk", maintype="application", subtype="pdf",
                        filename="sk-jabatan.pdf")
    sb.send(more)
    # The official writes a fresh mail instead of replying.
    sb.wait_mail("budi", subject_has("Berkas tambahan"), what="more documents acknowledged")
    check(r.scalar("SELECT count(*) FROM documents") == 6, "the scan joined the case")
    # Someone in the office who holds no step here writes about the case.
    sb.send(plain("kabid.persandian@" + DOMAIN, "[%s] Y" % ref, "Y"))
    wait_until(lambda: r.scalar("SELECT count(*) FROM case_events WHERE event = 'surat'")
               == 1, "recorded, not taken as a decision")
    check(r.sql("SELECT state, step_name FROM cases") == [("proses", "sekdis")],
          "no decision from someone whose step it is not")
    # The step's own official writes a fresh mail with the case's tag (a
    # client that dropped the threading headers): the tag proves nothing,
    # so her own mailbox is asked, and her Y to that is the answer.
    sb.send(plain("sekdis@" + DOMAIN, "[%s] Y" % ref, "Y"))
    conf = sb.wait_mail("sekdis", subject_has("Konfirmasi"), what="confirmation")[0]
    sb.send(reply_to(conf, "sekdis@" + DOMAIN, "Y"))
    nxt = sb.wait_mail("kadis", subject_has("Disposisi"), what="disposition to kadis")[0]
    check(r.scalar("SELECT count(*) FROM cases") == 1, "no second case")
    events = [e for (e,) in r.sql("SELECT event FROM case_events")]
    check(events.count("surat-susulan") == 1, "the applicant's mail recorded: %s" % events)
    names = sorted(p.get_filename() for p in nxt.iter_attachments())
    check(names.count("sk-jabatan.pdf") == 2 and "ktp.jpg" in names,
          "the new scan goes on with the rest: %s" % names)
    check(r.sql("SELECT state, step_name FROM cases") == [("proses", "kadis")], "case moved on")


def test_replayed_message_id(sb):
    """A message whose Message-ID was acted on before, with other bytes (a
    copy by another route, or a replay with a changed answer), is set
    aside: one message, one effect."""
    r = Robot(sb, "replay").start()
    sb.send(application("budi@" + DOMAIN))
    disp = sb.wait_mail("sekdis", subject_has("Disposisi"), what="disposition")[0]
    y = reply_to(disp, "sekdis@" + DOMAIN, "Y")
    sb.send(y)
    sb.wait_mail("kadis", subject_has("Disposisi"), what="Y taken")
    t = reply_to(disp, "sekdis@" + DOMAIN, "T KTP palsu")
    t.replace_header("Message-ID", y["Message-ID"])
    sb.send(t)
    wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE imap_done = 1") == 3,
               "all handled")
    note = r.scalar("SELECT note FROM inbound WHERE folder = 'Quarantine'")
    check(note and "handled before" in note, "replay set aside: %s" % note)
    check(r.sql("SELECT state, step_name FROM cases") == [("proses", "kadis")],
          "the replayed T changed nothing")
    check(len([m for m in sb.messages("sekdis") if "sudah diproses" in str(m["Subject"])]) == 0,
          "and drew no answer")


def test_bounce_tied_to_case(sb):
    """Every mail leaves with its own return path (VERP): a bounce of a
    disposition names its case; the case records it, the admin is told
    once, the bounce's sender never; the case does not move."""
    r = Robot(sb, "bounce").start()
    sb.send(application("budi@" + DOMAIN))
    disp = sb.wait_mail("sekdis", subject_has("Disposisi"), what="disposition")[0]
    oid = r.scalar("SELECT id FROM outbox WHERE kind = 'disposisi'")
    verp = "tte+bounce-%d@%s" % (oid, DOMAIN)
    check(verp in str(disp["Return-Path"]), "the return path names the mail: %s"
          % disp["Return-Path"])
    dsn = ("From: MAILER-DAEMON@mail.example.org\r\nTo: %s\r\n"
           "Subject: Undelivered Mail Returned to Sender\r\n"
           "Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
           "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n"
           "\r\n--b\r\nContent-Type: text/plain\r\n\r\nMailbox full.\r\n"
           "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n\r\n"
           "Final-Recipient: rfc822; sekdis@%s\r\nAction: failed\r\nStatus: 5.2.2\r\n"
           "\r\n--b--\r\n" % (verp, DOMAIN))
    for _ in range(2):
        sb.send(dsn.encode(), sender="", rcpts=[verp])
    wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE kind = 'bounce'") == 2,
               "both bounces handled")
    wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0,
               "sent")
    adm = [m for m in sb.messages("admin") if "bounce" in str(m["Subject"])]
    check(len(adm) == 1 and "sekdis@" + DOMAIN in str(adm[0]["Subject"]),
          "the admin told once: %d" % len(adm))
    check(r.scalar("SELECT count(*) FROM case_events WHERE event = 'surel-pantul'") == 1,
          "the case records it")
    check(r.sql("SELECT state, step_name FROM cases") == [("proses", "sekdis")],
          "the case did not move")
