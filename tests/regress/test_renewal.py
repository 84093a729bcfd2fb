# SPDX-License-Identifier: ISC
"""Expiry and renewal: a finished case's applicant is reminded 30 and 7
days before the certificate ends, each once and in office hours, with the
days left on the day the mail goes (a reminder due on a Saturday says 5
on Monday); the answer to the reminder opens a renewal case (the second
SOP, rules only) linked to the old one, which carries the old case's KTP,
asks for its own letter and goes to the verifiers with both; an AMS
revocation is relayed whatever the case's state; a renewal is renewed
again. When retention removed the old case's files, the renewal asks for
the KTP and says why."""

import calendar
import datetime
import hashlib
import os
import re
import subprocess
import time


from lib import (DOMAIN, ROOT, Robot, ams_notice, application, attach_scan, body_text, check, reply_to,
                 subject_has, wait_until)


def at_ten(day):
    """10:00 WIB on a date."""
    return calendar.timegm((day.year, day.month, day.day, 10, 0, 0)) - 7 * 3600



def test_expiry_and_renewal(sb):
    r = Robot(sb, "renewal").start()
    sb.send(application("budi@" + DOMAIN))
    sb.wait_mail("sekdis", subject_has("Disposisi permohonan"), what="disposition")
    r.stop()
    # The case ran its course (test_fullsop drives every step): finished,
    # its certificate ending on a Saturday a year on.
    end = datetime.date.today() + datetime.timedelta(days=365)
    while end.weekday() != 5:
        end += datetime.timedelta(days=1)
    expires = at_ten(end)
    r.sql("UPDATE cases SET state = 'selesai', step_name = 'terbit', expires_at = ?", expires)
    ref = r.scalar("SELECT ref FROM cases")

    def reminders():
        return [m for m in sb.messages("budi") if "berakhir pada" in str(m["Subject"])]

    r.run_at(at_ten(end - datetime.timedelta(days=31)), "31 days before")
    check(reminders() == [], "nothing 31 days before")
    r.run_at(at_ten(end - datetime.timedelta(days=30)) + 300, "30 days before")
    check(len(reminders()) == 1 and "berakhir 30 hari lagi" in body_text(reminders()[0]),
          "reminded 30 days before")
    check(end.strftime("%d-%m-%Y") in str(reminders()[0]["Subject"]), "the end's date")
    r.run_at(at_ten(end - datetime.timedelta(days=29)), "29 days before")
    check(len(reminders()) == 1, "once")
    # A week before is a Saturday: the office is closed, nothing; on
    # Monday it goes, counting the days left that Monday.
    r.run_at(at_ten(end - datetime.timedelta(days=7)) + 300, "a Saturday")
    r.run_at(at_ten(end - datetime.timedelta(days=6)), "a Sunday")
    check(len(reminders()) == 1, "not at the weekend")
    monday = at_ten(end - datetime.timedelta(days=5)) - 149 * 60
    r.run_at(monday, "Monday 07:31")
    rem = reminders()
    check(len(rem) == 2, "reminded on Monday")
    text = body_text(rem[-1])
    check("berakhir 5 hari lagi" in text and "7 hari" not in text,
          "5 days left on Monday: %r" % text[:300])
    check((end - datetime.timedelta(days=5)).strftime("%d-%m-%Y") in text,
          "the date it counts from")

    # The applicant answers the reminder: a renewal case, linked.
    r.start(clock=monday + 600)
    sb.send(reply_to(rem[-1], "budi@" + DOMAIN, "Saya ingin memperbarui sertifikat."))
    ask = sb.wait_mail("budi", subject_has("belum lengkap"), what="renewal asks its document")[0]
    new = re.search(r"PBR-\d{4}-\d{5}", str(ask["Subject"])).group(0)
    check(r.sql("SELECT c.sop, o.ref FROM cases c JOIN cases o ON o.id = c.renews WHERE"
                " c.ref = ?", new) == [("pembaharuan", ref)], "linked to %s" % ref)
    text = body_text(ask)
    check("Surat Permohonan" in text, "the missing letter named")
    # The KTP its step sends is carried from the renewed case, by
    # reference; the old case's letter is not (a renewal brings its own).
    check("kami ambil dari perkara %s" % ref in text and "ktp.jpg" in text and
          "surat-permohonan.pdf" not in text, "the KTP carried, said so: %r" % text)
    ktp_sha = r.scalar("SELECT sha256 FROM documents d JOIN cases c ON c.id = d.case_id"
                       " WHERE c.ref = ? AND kind = 'ktp'", ref)
    check(r.sql("SELECT d.filename, d.sha256 FROM documents d JOIN cases c ON c.id = d.case_id"
                " WHERE c.ref = ?", new) == [("ktp.jpg", ktp_sha)], "one row, the same file")
    check(r.sql("SELECT event, detail FROM case_events e JOIN cases c ON c.id = e.case_id"
                " WHERE c.ref = ? AND event LIKE 'berkas-%'", new) ==
          [("berkas-dibawa", "ktp.jpg: ktp (from %s)" % ref)], "recorded as carried")
    m = reply_to(ask, "budi@" + DOMAIN, "Berikut surat permohonan pembaharuan.")
    attach_scan(m, "surat-permohonan-pembaharuan.pdf")
    sb.send(m)
    v = sb.wait_mail("verifikator1", subject_has("[%s] Disposisi" % new),
                     what="to the verifiers")[0]
    att = {p.get_filename(): hashlib.sha256(p.get_content()).hexdigest()
           for p in v.iter_attachments()}
    check(sorted(att) == ["ktp.jpg", "surat-permohonan-pembaharuan.pdf"] and
          att["ktp.jpg"] == ktp_sha, "the disposition sends the carried KTP: %s" % att)
    sb.send(reply_to(v, "verifikator1@" + DOMAIN, "Y"))
    wait_until(lambda: r.sql("SELECT step_name FROM cases WHERE ref = ?", new) ==
               [("persetujuan-pembaharuan",)], "waiting for BSrE")

    # A revocation for the applicant is relayed, whatever the state.
    ams_notice(sb, "Pencabutan Sertifikat Elektronik", "Sertifikat milik budi@%s telah dicabut.\n" % DOMAIN, "budi@" + DOMAIN)
    sb.wait_mail("budi", subject_has("dicabut"), what="revocation relayed")
    check(r.sql("SELECT state FROM cases WHERE ref = ?", new) == [("proses",)],
          "the relay moved nothing")
    # BSrE issues the renewed certificate: the renewal case is done, with
    # an expiry two years on from now.
    ams_notice(sb, "Sertifikat Elektronik Telah Terbit", "Sertifikat untuk budi@%s telah terbit.\n" % DOMAIN, "budi@" + DOMAIN)
    wait_until(lambda: r.sql("SELECT state FROM cases WHERE ref = ?", new) == [("selesai",)],
               "the renewal done")
    check(r.scalar("SELECT expires_at FROM cases WHERE ref = ?", new) > expires,
          "a new expiry, later than the old one")

    # Two years on, the renewed certificate is renewed again: writing
    # about the renewal case opens another, the KTP carried once more.
    sb.send(application("budi@" + DOMAIN, subject="[%s] Pembaharuan sertifikat" % new,
                        docs=["surat-permohonan-pembaharuan.pdf"]))
    ack = sb.wait_mail("budi", lambda m: "PBR" in str(m["Subject"]) and
                       "Tanda terima" in str(m["Subject"]), what="the second renewal")[0]
    again = re.search(r"PBR-\d{4}-\d{5}", str(ack["Subject"])).group(0)
    check(again != new and r.sql("SELECT o.ref FROM cases c JOIN cases o ON o.id = c.renews"
                                 " WHERE c.ref = ?", again) == [(new,)], "renews %s" % new)
    check("kami ambil dari perkara %s" % new in body_text(ack), "carried from the renewal")
    v = sb.wait_mail("verifikator1", subject_has("[%s] Disposisi" % again),
                     what="the second renewal to the verifiers")[0]
    check(sorted(p.get_filename() for p in v.iter_attachments()) ==
          ["ktp.jpg", "surat-permohonan-pembaharuan.pdf"], "with the KTP")
    check(r.alive(), "robot running")


def test_renewal_after_retention(sb):
    """A renewal of a case whose files retention removed cannot carry its
    KTP: the applicant is told why and asked for it."""
    r = Robot(sb, "renewal-purged").start()
    sb.send(application("budi@" + DOMAIN))
    sb.wait_mail("sekdis", subject_has("Disposisi permohonan"), what="disposition")
    wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0,
               "sent")
    r.stop()
    now = int(time.time())
    r.sql("UPDATE cases SET state = 'selesai', step_name = 'terbit', closed_at = ?,"
          " expires_at = ?", now - 1500 * 86400, now - 800 * 86400)
    ref = r.scalar("SELECT ref FROM cases")
    # A day later (files just written are left alone), retention runs.
    p = subprocess.run([os.path.join(ROOT, "disposisi"), "purge", "-f", r.conf],
                       capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, DISPOSISI_CLOCK_OFFSET="86400"))
    check(p.returncode == 0 and "%s: removed" % ref in p.stdout + p.stderr,
          "purged: %s" % (p.stdout + p.stderr))

    r.start(clock=now + 86400 + 60)
    sb.send(application("budi@" + DOMAIN, subject="[%s] Pembaharuan sertifikat" % ref,
                        docs=["surat-permohonan-pembaharuan.pdf"]))
    ask = sb.wait_mail("budi", subject_has("belum lengkap"), what="the KTP asked for")[0]
    new = re.search(r"PBR-\d{4}-\d{5}", str(ask["Subject"])).group(0)
    text = body_text(ask)
    check("fotokopi KTP" in text.split("Berkas yang telah kami terima")[0] and
          "Berkas perkara %s telah dihapus sesuai masa retensi" % ref in text,
          "asked, and told why: %r" % text)
    check(r.sql("SELECT event FROM case_events e JOIN cases c ON c.id = e.case_id WHERE"
                " c.ref = ? AND event LIKE 'berkas-%'", new) == [("berkas-tidak-dibawa",)],
          "recorded as not carried")
    check(r.scalar("SELECT count(*) FROM documents d JOIN cases c ON c.id = d.case_id"
                   " WHERE c.ref = ? AND kind = 'ktp'", new) == 0, "nothing carried")
    m = reply_to(ask, "budi@" + DOMAIN, "Berikut fotokopi KTP saya.")
    attach_scan(m, "ktp.jpg")
    sb.send(m)
    v = sb.wait_mail("verifikator1", subject_has("[%s] Disposisi" % new),
                     what="to the verifiers")[0]
    check(sorted(p.get_filename() for p in v.iter_attachments()) ==
          ["ktp.jpg", "surat-permohonan-pembaharuan.pdf"], "with the new KTP")
    check(r.alive(), "robot running")
