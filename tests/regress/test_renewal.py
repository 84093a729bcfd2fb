# SPDX-License-Identifier: ISC
"""Expiry and renewal: a finished case's applicant is reminded 30 and 7
days before the certificate ends, each once and in office hours; the
answer to the reminder opens a renewal case (the second SOP, rules only)
linked to the old one, which asks for its document and goes to the
verifiers; an AMS revocation is relayed whatever the case's state."""

import calendar
import datetime
import re


from lib import (DOMAIN, Robot, ams_notice, application, attach_scan, body_text, check, reply_to,
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
    check("Surat Permohonan" in body_text(ask), "the missing letter named")
    m = reply_to(ask, "budi@" + DOMAIN, "Berikut surat permohonan pembaharuan.")
    attach_scan(m, "surat-permohonan-pembaharuan.pdf")
    sb.send(m)
    v = sb.wait_mail("verifikator1", subject_has("[%s] Disposisi" % new),
                     what="to the verifiers")[0]
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
    check(r.alive(), "robot running")
