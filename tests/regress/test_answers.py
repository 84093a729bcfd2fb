# SPDX-License-Identifier: ISC
"""Answers the robot must not guess at, and mail that is no answer: two
case tags in one subject move neither case and the official is asked to
answer each disposition on its own; a T written in the subject takes its
reason from the body; a read receipt (RFC 8098, or Outlook's and phones'
plain-text ones) is recorded on the case, never taken as a bounce or an
answer, and nobody is mailed about it."""

import json
import os
import re
import subprocess
from email.message import EmailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.base import MIMEBase
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid

from lib import (DOMAIN, ROBOT, ROOT, Robot, application, body_text, check, reply_to,
                 subject_has, wait_until)

SEKDIS = "sekdis@" + DOMAIN


def dispositions(sb, n):
    """The first n dispositions to the Sekretaris, by case reference."""
    ds = sb.wait_mail("sekdis", subject_has("Disposisi permohonan"), n=n, what="dispositions")
    return {re.search(r"TTE-\d{4}-\d{5}", str(d["Subject"])).group(0): d for d in ds}


def new_mail(to, subject, text):
    """A new mail (no threading), as when an official writes one."""
    m = EmailMessage()
    m["From"] = "Sekretaris Dinas Kominfo <%s>" % SEKDIS
    m["To"] = to
    m["Subject"] = subject
    m["Date"] = formatdate(localtime=True)
    m["Message-ID"] = make_msgid(domain=DOMAIN)
    m.set_content(text)
    return m


def test_two_tags_asked_again(sb):
    r = Robot(sb, "twotags").start()
    sb.send(application("budi@" + DOMAIN, name="Budi Santoso"))
    sb.send(application("siti@" + DOMAIN, name="Siti Aminah"))
    a, b = sorted(dispositions(sb, 2))
    sb.send(new_mail(ROBOT, "RE: [%s] Disposisi permohonan Sertifikat Elektronik: Budi "
                     "Santoso; [%s] Siti Aminah" % (a, b), "Y\n\nSalam,\nSekretaris Dinas\n"),
            sender=SEKDIS, rcpts=[ROBOT])
    asked = sb.wait_mail("sekdis", subject_has("lebih dari satu permohonan"),
                         what="asked to answer each disposition")[0]
    text = body_text(asked)
    check("%s dan %s" % (a, b) in text and "secara terpisah" in text,
          "the mail names both cases: %r" % text)
    check(r.sql("SELECT ref, state, step_name FROM cases ORDER BY ref") ==
          [(a, "proses", "sekdis"), (b, "proses", "sekdis")], "neither case moved")
    check(r.sql("SELECT kind, folder FROM inbound WHERE sender = ?", SEKDIS) ==
          [("command", "Quarantine")], "quarantined as a command")
    check(r.scalar("SELECT count(*) FROM dispatches WHERE answered_at IS NOT NULL") == 0,
          "no dispatch answered")


def test_subject_t_body_reason(sb):
    r = Robot(sb, "subjt").start()
    sb.send(application("budi@" + DOMAIN))
    (ref, d), = dispositions(sb, 1).items()
    reply_addr = re.search(r"<([^>]+)>", str(d["Reply-To"])).group(1)
    # Gmail, a new mail to the reply address: the command in the subject.
    sb.send(new_mail(reply_addr, "T [%s]" % ref, "Lampiran KTP buram, mohon dikirim ulang\n"),
            sender=SEKDIS, rcpts=[ROBOT])
    wait_until(lambda: r.scalar("SELECT state FROM cases") == "ditolak", "the case moves on T")
    check(r.scalar("SELECT reason FROM cases") == "Lampiran KTP buram, mohon dikirim ulang",
          "the body is the reason")
    told = sb.wait_mail("budi", lambda m: ref in str(m["Subject"]) and
                        "Lampiran KTP buram, mohon dikirim ulang" in body_text(m),
                        what="the reason relayed to the applicant")
    check(len(told) == 1, "the applicant told once")


def receipt_headers(m, orig, reader, subject_word, to):
    """A read receipt's headers, as Outlook writes them, for orig."""
    m["From"] = reader
    m["To"] = to
    m["Subject"] = "%s %s" % (subject_word, orig["Subject"])
    m["Date"] = formatdate(localtime=True)
    m["Message-ID"] = make_msgid(domain=DOMAIN)
    m["Thread-Topic"] = str(orig["Subject"])
    return m


def receipt(orig, reader, subject_word, to):
    """An Exchange read receipt (RFC 8098) for orig."""
    m = receipt_headers(MIMEMultipart("report", report_type="disposition-notification"),
                        orig, reader, subject_word, to)
    m.attach(MIMEText("Your message\n\n  To: %s\n  Subject: %s\n\nwas read on %s.\n"
                      % (reader, orig["Subject"], formatdate(localtime=True))))
    mdn = MIMEBase("message", "disposition-notification")
    mdn.set_payload("Final-Recipient: RFC822; %s\r\n"
                    "Disposition: automatic-action/MDN-sent-automatically; displayed\r\n"
                    "X-Display-Name: Sekretaris Dinas Kominfo\r\n"
                    "Original-Message-ID: %s\r\n" % (reader, orig["Message-ID"]))
    m.attach(mdn)
    return m


def test_read_receipt_recorded(sb):
    r = Robot(sb, "receipt").start()
    sb.send(application("budi@" + DOMAIN))
    (ref, d), = dispositions(sb, 1).items()
    sent = r.scalar("SELECT count(*) FROM outbox")
    # Some servers send the receipt to the envelope sender, where bounces
    # come back (VERP): it must still not read as one.
    verp = "tte+bounce-%d@%s" % (r.scalar("SELECT id FROM outbox WHERE kind = 'disposisi'"),
                                 DOMAIN)
    sb.send(receipt(d, SEKDIS, "Read:", verp), sender=SEKDIS, rcpts=[verp])
    sb.send(receipt(d, SEKDIS, "Dibaca:", ROBOT), sender=SEKDIS, rcpts=[ROBOT])
    wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE kind = 'receipt'") == 2,
               "both receipts handled")
    check(r.sql("SELECT state, step_name FROM cases") == [("proses", "sekdis")], "case unmoved")
    check(r.scalar("SELECT count(*) FROM outbox") == sent, "nobody mailed about a receipt")
    check(r.scalar("SELECT count(*) FROM case_events WHERE event = 'surel-pantul'") == 0,
          "no bounce recorded")
    check(r.sql("SELECT event, actor FROM case_events WHERE event = 'dibaca'") ==
          [("dibaca", SEKDIS)], "recorded once per mail and reader")
    p = subprocess.run([os.path.join(ROOT, "disposisi"), "show", "-f", r.conf, ref, "--json"],
                       capture_output=True, text=True, timeout=60)
    shown = json.loads(p.stdout)
    check(any(e["what"] == "dibaca" and d["Message-ID"].strip("<>") in (e["detail"] or "")
              for e in shown["timeline"]), "show lists the receipt: %s" % shown["timeline"])
    check(sb.count("admin") == 0, "the admin hears of no delivery failure")


def plain_receipt(orig, reader, subject_word, text):
    """A read receipt in plain text, without the report part, as Outlook
    (through some servers) and phone clients send one: threaded to orig."""
    m = receipt_headers(EmailMessage(), orig, reader, subject_word, ROBOT)
    m["In-Reply-To"] = orig["Message-ID"]
    m["References"] = orig["Message-ID"]
    m.set_content(text)
    return m


def test_plain_text_receipt_no_answer(sb):
    r = Robot(sb, "ptreceipt").start()
    sb.send(application("budi@" + DOMAIN))
    (ref, d), = dispositions(sb, 1).items()
    sent = r.scalar("SELECT count(*) FROM outbox")
    sb.send(plain_receipt(d, SEKDIS, "Read:", "Your message\n\n  To: Sekretaris Dinas\n"
                          "  Subject: %s\n  Sent: %s\n\nwas read on %s.\n"
                          % (d["Subject"], d["Date"], formatdate(localtime=True))))
    sb.send(plain_receipt(d, SEKDIS, "Telah dibaca:", "Pesan Anda kepada %s dengan subjek"
                          " \"%s\" telah dibaca pada 25/11/2026 10.21.\n"
                          % (SEKDIS, d["Subject"])))
    wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE sender = ?", SEKDIS) == 2,
               "both receipts handled")
    check(r.sql("SELECT kind FROM inbound WHERE sender = ?", SEKDIS) ==
          [("receipt",), ("receipt",)], "each a receipt, not an answer")
    check(r.sql("SELECT state, step_name FROM cases") == [("proses", "sekdis")], "case unmoved")
    check(r.scalar("SELECT count(*) FROM outbox") == sent, "nobody mailed: no 'tidak dipahami'")
    check(r.sql("SELECT event, actor FROM case_events WHERE event = 'dibaca'") ==
          [("dibaca", SEKDIS)], "recorded once per mail and reader")
    # The disposition still waits for the Secretary's real answer.
    sb.send(reply_to(d, SEKDIS, "Y"))
    sb.wait_mail("kadis", subject_has("Disposisi"), what="the real Y still acts")
