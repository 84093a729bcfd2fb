# SPDX-License-Identifier: ISC
"""BSrE's AMS on its own clock, through real Dovecot and Postfix: AMS mails
the activation link the moment a verifier registers the applicant (row 9)
and the passphrase link the moment the face check is approved (row 11),
before that verifier's Y reaches the robot. Each link reaches the
applicant at once, proves the step done, and the case goes on; the
verifiers are told their Y is not needed and a late Y is only recorded.
Row 13's verifier gets the step's mail and its reminder. A passphrase
link for an applicant writing from a shared mailbox is not relayed; a
notice two open cases could use is given to neither."""

import calendar
import os
import subprocess

from lib import (DOMAIN, ROOT, Robot, ams_notice, answer, application, body_text, check,
                 disposition, state, subject_has, to_request, wait_until)

RINA = "siti@" + DOMAIN       # already in the office: step 6 skipped
VERIFIERS = ["verifikator1", "verifikator2", "verifikator3"]


def wib(y, mo, d, h, mi):
    return calendar.timegm((y, mo, d, h, mi, 0)) - 7 * 3600


def to_registration(sb, r):
    """Rows 1-8 answered as the SOP asks; returns the case and the three
    verifiers' registration dispositions (row 9)."""
    ref = to_request(sb, RINA, "Siti Rahmawati")
    d = disposition(sb, "sekdis", ref)
    check("Jika Bapak/Ibu membalas T, permohonan dihentikan (ditolak)" in body_text(d),
          "the disposition says what T does at row 2")
    answer(sb, disposition(sb, "kadis", ref, n=2), "kadis", "Y",
           files=["permintaan-ttd.pdf"])
    return ref, [disposition(sb, v, ref, n=3) for v in VERIFIERS]


def test_ams_before_the_verifiers_y(sb):
    # Monday 7 December 2026, 09:00 WIB: office hours, so the timer acts.
    t0 = wib(2026, 12, 7, 9, 0)
    r = Robot(sb, "ams_clock").start(clock=t0)
    ref, reg = to_registration(sb, r)
    check(state(r, ref) == ("proses", "registrasi"), "at row 9")
    check("Jika Bapak/Ibu membalas T, permohonan dikembalikan kepada pemohon" in
          body_text(reg[0]), "the disposition says what T does at row 9")
    kadis = disposition(sb, "kadis", ref, n=2)
    check("dikembalikan ke langkah 7 (Verifikator Sertifikat Elektronik)" in body_text(kadis),
          "row 8's T goes back to row 7, and says so")

    # Row 9: verifier 2 registers Rina in AMS; AMS mails the link at once,
    # before any verifier's Y.
    link = "https://portal-bsre.bssn.go.id/aktivasi?token=SITI-SECRET-1"
    ams_notice(sb, "Aktivasi Akun AMS", "Yth. Siti Rahmawati,\nSilakan aktivasi akun Anda"
               " (%s):\n%s\n" % (RINA, link), RINA)
    relay = sb.wait_mail("siti", subject_has("Aktivasi akun"),
                         what="activation link relayed at once")[0]
    check(link in body_text(relay), "the applicant has the link")
    # It proves the registration: the case is at the face check, not
    # waiting at aktivasi for a notice that already came.
    face = [disposition(sb, v, ref, n=4) for v in VERIFIERS]
    check(state(r, ref) == ("proses", "verifikasi-wajah"), "moved on to row 11")
    # Each verifier is told row 9 needs no answer in row 11's disposition,
    # which reaches them at the same moment, not in a second mail.
    for told in face:
        text = body_text(told)
        check("Langkah 9 telah dinyatakan selesai" in text and
              "tautan aktivasi akun AMS" in text, "the evidence named: %s" % text)
        check("SITI-SECRET" not in told.as_string(), "no link to the officials")
    check(r.scalar("SELECT count(*) FROM outbox WHERE kind = 'tidak-perlu-dijawab'") == 0,
          "no separate 'tidak perlu dijawab' mail")
    check(r.scalar("SELECT count(*) FROM case_events WHERE event = 'tidak-dikirim' AND"
                   " detail LIKE 'tidak-perlu-dijawab, step registrasi round %: said in the next"
                   " step''s disposition'") == len(VERIFIERS),
          "each folded mail recorded on the case")
    events = [e for (e,) in r.sql("SELECT event FROM case_events e JOIN cases c ON"
                                  " c.id = e.case_id WHERE c.ref = ? ORDER BY e.id", ref)]
    check("terbukti" in events and "ams-menyelesaikan" in events,
          "the history says the notice proved row 9 and settled row 10: %s" % events)
    check(r.scalar("SELECT count(*) FROM dispatches WHERE step_name = 'registrasi'"
                   " AND answered_at IS NULL") == 0, "no registration dispatch left open")

    # The verifier's Y arrives now: recorded, "already decided", nothing moves.
    answer(sb, reg[1], "verifikator2", "Y sudah didaftarkan")
    sb.wait_mail("verifikator2", subject_has("sudah diproses"), what="late Y answered")
    check(state(r, ref) == ("proses", "verifikasi-wajah"), "the late Y changed nothing")

    # Row 11: the face check approved in AMS; the passphrase link comes
    # before the verifier's Y. It goes to Rina's own mailbox.
    ams_notice(sb, "Penyetelan Passphrase", "Yth. %s\nSetel passphrase:"
               " https://portal-bsre.bssn.go.id/p?t=SITI-SECRET-2\n" % RINA, RINA)
    p = sb.wait_mail("siti", subject_has("passphrase"), what="passphrase relayed")[0]
    check("SITI-SECRET-2" in body_text(p), "the passphrase link reached the applicant")
    # Row 13: the verifiers watch the enrolment in AMS, with a mail of their own.
    watch = [sb.wait_mail(v, subject_has("Pemantauan status"), what="row 13 to %s" % v)[0]
             for v in VERIFIERS]
    check(state(r, ref) == ("proses", "persetujuan"), "at row 13")
    check("tidak perlu membalas" in body_text(watch[0]), "row 13's mail says what to do")
    answer(sb, face[0], "verifikator1", "Y")
    sb.wait_mail("verifikator1", subject_has("sudah diproses"), n=1,
                 what="late face-check Y answered")
    wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0,
               "outbox drained")
    r.stop()

    # Row 13 waits past its standard (60 office minutes): each verifier is
    # reminded, once.
    r.run_at(t0 + 3 * 3600, "row 13 late")
    for v in VERIFIERS:
        rem = [m for m in sb.messages(v) if ref in str(m["Subject"]) and
               "Pengingat" in str(m["Subject"])]
        check(len(rem) == 1, "%s reminded once at row 13: %d" % (v, len(rem)))
        check("AMS" in body_text(rem[0]), "the reminder says to look in AMS")
    r.start(clock=t0 + 3 * 3600 + 60)

    # AMS approves and issues: the case closes.
    ams_notice(sb, "Pendaftaran Sertifikat Disetujui", "Pendaftaran %s disetujui.\n" % RINA,
               RINA)
    wait_until(lambda: state(r, ref) == ("proses", "terbit"), "approved")
    ams_notice(sb, "Sertifikat Elektronik Telah Terbit", "Sertifikat %s telah terbit.\n" % RINA,
               RINA)
    wait_until(lambda: state(r, ref) == ("selesai", "terbit"), "issued, case closed")
    wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0,
               "outbox drained")
    for user in ["sekdis", "kadis", "kabid.persandian", "sandiman", "admin"] + VERIFIERS:
        for m in sb.messages(user):
            check("SITI-SECRET" not in m.as_string(), "no AMS link in %s's mail" % user)
    check("SITI-SECRET" not in r.logtext(), "no link logged")
    check(r.stop() == 0, "clean exit")


def test_row13_replies_and_escalation(sb):
    """Row 13 waits for BSrE, not for an answer: a verifier's Y is told
    so; a T with its reason (BSrE rejected in AMS) reaches the admin and
    the case waits on for AMS's own notice; the escalation says no notice
    came from BSrE; once AMS approves, row 13's mails are closed (status
    shows nobody waiting there) and a later reply is late."""
    t0 = wib(2026, 12, 7, 9, 0)
    r = Robot(sb, "row13").start(clock=t0)
    ref, reg = to_registration(sb, r)
    ams_notice(sb, "Aktivasi Akun AMS", "Yth. Siti Rahmawati,\nSilakan aktivasi akun Anda"
               " (%s):\nhttps://portal-bsre.bssn.go.id/aktivasi?token=R13-1\n" % RINA, RINA)
    sb.wait_mail("siti", subject_has("Aktivasi akun"), what="activation link relayed")
    ams_notice(sb, "Penyetelan Passphrase", "Yth. %s\nSetel passphrase:"
               " https://portal-bsre.bssn.go.id/p?t=R13-2\n" % RINA, RINA)
    watch = [sb.wait_mail(v, subject_has("Pemantauan status"), what="row 13 to %s" % v)[0]
             for v in VERIFIERS]
    check(state(r, ref) == ("proses", "persetujuan"), "at row 13")

    answer(sb, watch[0], "verifikator1", "Y")
    told = sb.wait_mail("verifikator1", subject_has("menunggu pemberitahuan BSrE"),
                        what="a Y at row 13 answered")[0]
    check("balasan Y atau T tidak diperlukan" in body_text(told), "no Y/T needed, said so")
    why = "BSrE menolak pendaftaran: swafoto tidak sesuai dengan foto KTP"
    answer(sb, watch[1], "verifikator2", "T " + why)
    rep = sb.wait_mail("admin", subject_has("Laporan Verifikator"), what="the admin told")[0]
    check(why in body_text(rep) and "Verifikator Sertifikat Elektronik" in body_text(rep)
          and "verifikator2@" not in body_text(rep),
          "the admin has the reason and the reporter, by title: %s" % body_text(rep))
    ack = sb.wait_mail("verifikator2", subject_has("diteruskan kepada admin"),
                       what="the reporter told")[0]
    check(why in body_text(ack), "the reporter's reason repeated")
    check(state(r, ref) == ("proses", "persetujuan"),
          "a verifier's T is no rejection: AMS's notice decides")
    check(r.scalar("SELECT count(*) FROM dispatches WHERE step_name = 'persetujuan' AND"
                   " answered_at IS NULL") == 3, "the verifiers still watch")
    wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0,
               "outbox drained")
    r.stop()

    # Past 200% of row 13's standard of 60 office minutes: the verifiers'
    # supervisor (calendar.conf) hears that BSrE has not answered.
    r.run_at(t0 + 3 * 3600, "row 13 escalated")
    esc = sb.wait_mail("kabid.persandian", subject_has("Eskalasi"), what="escalated")
    check(len(esc) == 1, "escalated once: %d" % len(esc))
    text = body_text(esc[0])
    check("belum ada pemberitahuan dari BSrE sejak" in text and
          "mohon diperiksa status pendaftaran di AMS" in text and
          "belum dijawab oleh" not in text, "the wording fits row 13: %s" % text)
    r.start(clock=t0 + 3 * 3600 + 60)

    ams_notice(sb, "Pendaftaran Sertifikat Disetujui", "Pendaftaran %s disetujui.\n" % RINA,
               RINA)
    wait_until(lambda: state(r, ref) == ("proses", "terbit"), "approved")
    check(r.scalar("SELECT count(*) FROM dispatches WHERE step_name = 'persetujuan' AND"
                   " answered_at IS NULL") == 0, "row 13's mails closed as the case moved on")
    out = subprocess.run([os.path.join(ROOT, "disposisi"), "status", "-f", r.conf],
                         capture_output=True, text=True, timeout=60).stdout
    rows = [l for l in out.split("Mail not yet delivered")[0].splitlines() if ref in l]
    check(len(rows) == 1 and "verifikator" not in rows[0],
          "status: nobody waiting at row 13: %s" % rows)
    answer(sb, watch[2], "verifikator3", "Y")
    sb.wait_mail("verifikator3", subject_has("sudah diproses"), what="a later reply is late")
    check(state(r, ref) == ("proses", "terbit"), "and moves nothing")
    check(r.stop() == 0, "clean exit")


def test_ams_personal_and_ambiguous(sb):
    r = Robot(sb, "ams_shared").start()
    shared = "tu@" + DOMAIN       # people.conf: shared-mailbox
    sb.send(application(shared, name="Tata Usaha"))
    sb.wait_mail("sekdis", subject_has("Disposisi permohonan"), what="case opened")

    # A passphrase link naming only the shared mailbox: not relayed there.
    ams_notice(sb, "Penyetelan Passphrase", "Yth. %s\nSetel passphrase:"
               " https://portal-bsre.bssn.go.id/p?t=TU-SECRET\n" % shared, shared)
    adm = sb.wait_mail("admin", subject_has("tidak diteruskan"), what="admin told")[0]
    check("TU-SECRET" not in adm.as_string(), "the admin gets no link")
    check("kotak surat bersama" in body_text(adm), "the admin is told why")
    wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0,
               "outbox drained")
    for m in sb.messages("tu"):
        check("TU-SECRET" not in m.as_string(), "no passphrase link to a shared mailbox")
    check(r.scalar("SELECT count(*) FROM case_notices WHERE event = 'passphrase-link'") == 1,
          "the notice is still kept as the case's evidence")

    # Two open cases of one address could both use an activation link:
    # neither is guessed, the admin is told, without the body.
    andi = "andi.pratama@gmail.com"
    sb.send(application(andi, name="Andi Pratama"))
    sb.send(application(andi, name="Andi Pratama", subject="Permohonan TTE (kirim ulang)"))
    wait_until(lambda: r.scalar("SELECT count(*) FROM cases WHERE applicant = ?", andi) == 2,
               "two cases of one applicant")
    ams_notice(sb, "Aktivasi Akun AMS", "Email: %s\nhttps://portal-bsre.bssn.go.id/a?t="
               "ANDI-SECRET\n" % andi, andi)
    adm = sb.wait_mail("admin", subject_has("Pemberitahuan AMS"), what="admin told")[0]
    check("lebih dari satu perkara" in body_text(adm), "several cases: none guessed")
    check("ANDI-SECRET" not in adm.as_string(), "without the body")
    check(r.scalar("SELECT count(*) FROM case_notices WHERE event = 'activation-link'") == 0,
          "kept on no case")
    check(r.stop() == 0, "clean exit")
