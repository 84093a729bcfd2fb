# SPDX-License-Identifier: ISC
"""The whole TTE SOP, all 14 steps, through real Dovecot and Postfix, from
the shipped rules/: an applicant on Gmail who forgets the KTP, five
officials, a verifier's T that goes back to the applicant and returns,
E-Gov's new mailbox as a value, the quorum of three verifiers with one
late, Ys without the document they need, the Head's signed request, and
BSrE's AMS notices - one for no case - until the certificate is issued."""

import re
import time


from lib import (tmp, DOMAIN, Robot, ams_notice, answer, application, attach_scan, body_text,
                 both, check, disposition, outside, reply_to, sop_notice, state,
                 subject_has, wait_state, wait_until)

GMAIL = "budi.santoso@gmail.com"
NEW = "budi@" + DOMAIN          # the official mailbox E-Gov makes
VERIFIERS = ["verifikator1", "verifikator2", "verifikator3"]


def test_whole_sop(sb):
    import os
    r = Robot(sb, "fullsop")
    os.makedirs(os.path.join(r.dir, "spool", "doc"), mode=0o755)   # made by hand, too open
    os.chmod(os.path.join(r.dir, "spool"), 0o755)
    os.chmod(os.path.join(r.dir, "spool", "doc"), 0o755)
    r.start()
    t0 = time.time()

    # Step 1: the application, without the KTP. The case opens and waits;
    # no official's time is spent.
    sb.send(application(GMAIL, docs=["surat-permohonan.pdf", "sk-terakhir.pdf",
                                     "sk-jabatan.pdf", "formulir-bsre.pdf"]))
    ask = sb.wait_mail("outbound", both(outside(GMAIL), subject_has("belum lengkap")),
                       what="missing documents named")[0]
    ref = re.search(r"TTE-\d{4}-\d{5}", str(ask["Subject"])).group(0)
    check("fotokopi KTP" in body_text(ask), "the KTP named in words: %s" % body_text(ask))
    check(state(r, ref) == ("menunggu-kelengkapan", "sekdis"), "waiting for documents")
    check(sb.count("sekdis") == 0, "no disposition before the file is complete")

    # The applicant answers with the KTP: the routing starts.
    m = reply_to(ask, GMAIL, "Berikut saya lampirkan KTP.")
    attach_scan(m, "ktp.jpg")
    sb.send(m)
    d = disposition(sb, "sekdis", ref)
    names = sorted(p.get_filename() for p in d.iter_attachments())
    check(names == ["ktp.jpg", "sk-jabatan.pdf", "sk-terakhir.pdf", "surat-permohonan.pdf"],
          "step 2 gets the four documents, not the BSrE form: %s" % names)

    # Steps 2, 2b, 3, 4: one hand-over each, from different clients.
    answer(sb, d, "sekdis", "Y", html=True)
    d = disposition(sb, "kadis", ref)
    answer(sb, d, "kadis", "Baik pak,\nY")
    d = disposition(sb, "kabid.persandian", ref)
    check([p.get_filename() for p in d.iter_attachments()] == ["surat-permohonan.pdf"],
          "step 3 gets only the letter")
    answer(sb, d, "kabid.persandian", "Y, terima kasih")
    d = disposition(sb, "sandiman", ref)
    answer(sb, d, "sandiman", "Setuju")

    # Step 5: every verifier is asked; one says T, the case goes back to
    # the applicant, whose new scan brings it back to step 5.
    first = [disposition(sb, v, ref) for v in VERIFIERS]
    check("formulir-bsre.pdf" in [p.get_filename() for p in first[0].iter_attachments()],
          "step 5 gets the BSrE form")
    answer(sb, first[1], "verifikator2", "T - scan KTP buram, mohon kirim ulang")
    back = sb.wait_mail("outbound", both(outside(GMAIL), subject_has("dikembalikan")),
                        what="returned to the applicant")[0]
    check("scan KTP buram" in body_text(back), "the verifier's reason relayed")
    wait_state(r, ref, ("dikembalikan", "periksa-berkas"))
    m = reply_to(back, GMAIL, "Mohon maaf, berikut scan KTP yang lebih jelas.")
    attach_scan(m, "ktp.jpg")
    sb.send(m)
    again = [disposition(sb, v, ref, n=2) for v in VERIFIERS]
    # A Y to the first round's mail comes too late: told, nothing moves.
    answer(sb, first[0], "verifikator1", "Y")
    sb.wait_mail("verifikator1", subject_has("sudah diproses"), what="already decided")
    check(state(r, ref) == ("proses", "periksa-berkas"), "the late Y changed nothing")
    answer(sb, again[0], "verifikator1", "Y")

    # Step 6: E-Gov must give the new mailbox with its Y.
    d = disposition(sb, "egov", ref)
    check(list(d.iter_attachments()) == [], "E-Gov gets no personal documents")
    answer(sb, d, "egov", "Y")
    sb.wait_mail("egov", subject_has("alamat surel dinas"), what="value asked for")
    check(state(r, ref) == ("proses", "email-dinas"), "no value, no move")
    answer(sb, d, "egov", "Y %s" % NEW)

    # Step 7: three verifiers, one letter; a Y without it is asked for it.
    q = [disposition(sb, v, ref, n=3) for v in VERIFIERS]
    answer(sb, q[0], "verifikator1", "Y")
    sb.wait_mail("verifikator1", subject_has("Mohon lampirkan"), what="letter asked for")
    answer(sb, q[0], "verifikator1", "Y", files=["rekomendasi.pdf"])
    answer(sb, q[2], "verifikator3", "Y")
    wait_until(lambda: r.scalar("SELECT count(*) FROM dispatches WHERE step_name ="
                                " 'rekomendasi' AND verdict = 'Y'") == 2, "two of three")
    check(state(r, ref) == ("proses", "rekomendasi"), "two of three is no quorum")
    answer(sb, q[1], "verifikator2", "Y")     # the late one

    # Step 8: the Head signs the request; a Y without it is asked for it.
    d = disposition(sb, "kadis", ref, n=2)
    check([p.get_filename() for p in d.iter_attachments()] == ["rekomendasi.pdf"],
          "the Head gets the recommendation")
    answer(sb, d, "kadis", "Y")
    sb.wait_mail("kadis", subject_has("Mohon lampirkan"), what="signed request asked for")
    answer(sb, d, "kadis", "Y", files=["permintaan-ttd.pdf"])

    # Step 9: registration in AMS.
    d = disposition(sb, "verifikator3", ref, n=4)
    check("permintaan-ttd.pdf" in [p.get_filename() for p in d.iter_attachments()],
          "the signed request goes on")
    answer(sb, d, "verifikator3", "Y")
    wait_state(r, ref, ("proses", "aktivasi"))

    # A notice for nobody's case goes to the admin, without its link.
    ams_notice(sb, "Aktivasi Akun AMS", "Yth. Siti,\nAktivasi: https://ams.example/a?t=SITI-LINK\n"
               "Email: siti.lain@example.org\n", "siti.lain@example.org")
    adm = sb.wait_mail("admin", subject_has("Pemberitahuan AMS"), what="admin told")[0]
    check("SITI-LINK" not in adm.as_string(), "the personal link is not copied to the admin")

    # Steps 10-14: AMS notices, each relayed to the applicant's new mailbox.
    link = "https://portal-bsre.bssn.go.id/aktivasi?token=BUDI-SECRET-1"
    sop_notice(sb, "aktivasi", NEW, "BUDI-SECRET")
    relay = sb.wait_mail("budi", subject_has("Aktivasi akun"), what="activation relayed")[0]
    check(link in body_text(relay), "the applicant gets the link")
    check("pemberitahuan-bsre.eml" in [p.get_filename() for p in relay.iter_attachments()],
          "the original attached")
    d = disposition(sb, "verifikator2", ref, n=5)
    answer(sb, d, "verifikator2", "Y")
    wait_state(r, ref, ("proses", "passphrase"))
    sop_notice(sb, "passphrase", NEW, "BUDI-SECRET")
    p = sb.wait_mail("budi", subject_has("passphrase"), what="passphrase relayed")[0]
    check("TIDAK DAPAT DIWAKILKAN" in body_text(p), "the SOP's warning")
    wait_state(r, ref, ("proses", "persetujuan"))
    sop_notice(sb, "persetujuan", NEW)
    wait_state(r, ref, ("proses", "terbit"))
    sop_notice(sb, "terbit", NEW)
    sb.wait_mail("budi", subject_has("telah terbit"), n=2, what="issued: relay and closing")
    wait_state(r, ref, ("selesai", "terbit"))
    years = r.scalar("SELECT (expires_at - strftime('%s','now')) / 86400 FROM cases")
    check(729 <= years <= 732, "expiry two years on: %s days" % years)

    # Nothing personal went where it should not; everything was sent.
    wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0,
               "outbox drained")
    for user in ["sekdis", "kadis", "kabid.persandian", "sandiman", "egov", "admin"] + VERIFIERS:
        for m in sb.messages(user):
            check("BUDI-SECRET" not in m.as_string(), "no AMS link in %s's mail" % user)
    log = r.logtext()
    check(not re.search(r"SECRET|SITI-LINK|\+ref\.", log), "no link or reply token logged")
    check("1603051208850004" not in log, "the NIK in a notice is not logged")
    for line in log.splitlines():
        if "debug:" not in line and "TTE-20" in line:
            check(re.match(r"\S+ TTE-\d{4}-\d{5}: ", line), "case reference first: " + line)
    check("was mode 0755; made 0700" in log, "the open spool closed, and said so")
    for top, dirs, files in os.walk(r.dir):
        for d in dirs:
            mode = os.stat(os.path.join(top, d)).st_mode & 0o777
            check(mode == 0o700, "%s/%s is private: %o" % (top, d, mode))
        for f in files:
            mode = os.stat(os.path.join(top, f)).st_mode & 0o777
            check(f in ("robot.log", "disposisi.conf") or mode == 0o600,
                  "%s/%s is private: %o" % (top, f, mode))
    check(sb.count("tte") == 0, "robot INBOX empty")
    check(r.scalar("SELECT count(*) FROM inbound WHERE folder = 'Quarantine'") == 1,
          "only the notice for no case set aside")
    check(r.alive(), "robot running")
    # What an admin sees of that late Y, without changing anything.
    import json
    import subprocess
    from lib import ROOT
    late = os.path.join(r.dir, "late.eml")
    with open(late, "wb") as f:
        f.write(reply_to(first[0], "verifikator1@" + DOMAIN, "Y").as_bytes())
    out = subprocess.run([os.path.join(ROOT, "disposisi"), "explain", "-f", r.conf, "--db",
                          "--json", late], capture_output=True, text=True, timeout=60)
    got = json.loads(out.stdout)
    check(got["kind"] == "command" and got["command"] == "Y" and got["case"] == ref,
          "explain reads the answer: %s" % out.stdout)
    check("already decided" in got["db"]["note"], "and what the robot would do: %s" % got)
    check(r.scalar("SELECT count(*) FROM outbox WHERE kind = 'sudah-diproses'") == 1,
          "explain sent nothing")
    # The Head's report: one self-contained, well-formed page.
    import xml.etree.ElementTree as ET
    html = os.path.join(r.dir, "laporan.html")
    out = subprocess.run([os.path.join(ROOT, "disposisi"), "report", "-f", r.conf,
                          "--html", html], capture_output=True, text=True, timeout=60)
    check(out.returncode == 0, "report: %s" % out.stderr)
    page = open(html, encoding="utf-8").read()
    ET.fromstring(page.split("\n", 2)[2] if page.startswith("<?xml") else page)
    check(ref in page and "<svg" in page and "<script" not in page and "http://" not in
          page.replace("http://www.w3.org/", ""), "self-contained, with the case's lanes")
    check(oct(os.stat(html).st_mode & 0o777) == "0o600", "the report is private")
    bad = subprocess.run([os.path.join(ROOT, "disposisi"), "report", "-f", r.conf, "--html",
                          html, "--since", "kemarin"], capture_output=True, text=True)
    check(bad.returncode == 64 and "YYYY-MM-DD" in bad.stderr, "a bad date: %s" % bad.stderr)
    out = subprocess.run([os.path.join(ROOT, "disposisi"), "audit", "-f", r.conf, "verify"],
                         capture_output=True, text=True)
    check(out.returncode == 0 and "the trail is whole" in out.stdout and "before" not in
          out.stdout, "every event sealed: %s" % (out.stdout + out.stderr))
    sent = r.scalar("SELECT count(*) FROM outbox")
    inbound = r.scalar("SELECT count(*) FROM inbound")
    print("    full SOP: %d mails in, %d out, %.1f s through the sandbox"
          % (inbound, sent, time.time() - t0))


def test_rules_edit_with_open_cases(sb):
    """Steps are referred to by name: adding a step or renaming one that no
    open case waits on takes effect on reload; removing the step an open
    case waits on is refused with file:line, and the case goes on."""
    import os
    import shutil
    import signal
    from lib import ROOT
    rdir = tmp("r", "edit-rules")
    shutil.rmtree(rdir, ignore_errors=True)
    shutil.copytree(os.path.join(ROOT, "rules"), rdir)
    r = Robot(sb, "ruleedit")
    with open(r.conf) as f:
        text = f.read().replace(os.path.join(ROOT, "rules"), rdir)
    with open(r.conf, "w") as f:
        f.write(text)
    r.start()
    sb.send(application("siti@" + DOMAIN))
    d = sb.wait_mail("sekdis", subject_has("Disposisi"), what="disposition")[0]
    ref = re.search(r"TTE-\d{4}-\d{5}", str(d["Subject"])).group(0)
    sop = os.path.join(rdir, "sop-tte.conf")
    orig = open(sop).read()

    # The open case waits at sekdis: renaming that step is refused.
    with open(sop, "w") as f:
        f.write(orig.replace("step sekdis \"2\"", "step sekretaris \"2\""))
    r.proc.send_signal(signal.SIGHUP)
    wait_until(lambda: "reload refused" in r.logtext(), "reload refused")
    check("step sekdis is gone, but open cases wait there (%s)" % ref in r.logtext(),
          "the stranded case named: %s" % r.logtext()[-600:])

    # Renaming kadis (nobody waits there) and adding a step: accepted.
    new_step = ("\tstep arsip \"2c\" {\n\t\tkind decision\n\t\tactor sandiman\n"
                "\t\ttime 10m\n\t\ttask \"Mencatat surat masuk.\"\n\t\tyes kabid\n"
                "\t\tno reject\n\t}\n")
    edited = (orig.replace("yes kadis", "yes kepala-dinas")
              .replace("step kadis \"2b\"", "step kepala-dinas \"2b\"")
              .replace("\tstep kabid \"3\"", new_step + "\tstep kabid \"3\"")
              .replace("sk-jabatan\n\t\tyes kabid\n", "sk-jabatan\n\t\tyes arsip\n", 1))
    with open(sop, "w") as f:
        f.write(edited)
    r.proc.send_signal(signal.SIGHUP)
    wait_until(lambda: "reloaded rules" in r.logtext(), "reload accepted")
    answer(sb, d, "sekdis", "Y")
    d = sb.wait_mail("kadis", subject_has("Disposisi"), what="disposition to kadis")[0]
    wait_state(r, ref, ("proses", "kepala-dinas"))
    answer(sb, d, "kadis", "Y")
    sb.wait_mail("sandiman", subject_has("Disposisi"), what="the new step's actor")
    wait_state(r, ref, ("proses", "arsip"))
    versions = r.sql("SELECT DISTINCT rules_version FROM cases")
    check(len(versions) == 1 and len(versions[0][0]) == 12, "the case keeps its version")
