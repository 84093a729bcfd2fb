#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""make demo: starts the mail sandbox and the robot (its shipped rules and
templates), then plays one TTE application through all 14 steps of the
SOP with scripted people answering by mail: the applicant forgets the KTP
and sends it, the verifier says T and the applicant corrects, E-Gov gives
the new mailbox, three verifiers sign, the Head signs the request, BSrE's
AMS sends its notices. It prints a line per step as it happens, then the
case's history. The sandbox and the robot keep running afterwards; `make
demo-stop` ends them."""

import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "regress"))
import lib  # noqa: E402
from lib import DOMAIN, application, attach_scan, reply_to, subject_has  # noqa: E402

GMAIL = "budi.santoso@gmail.com"
NEW = "budi@" + DOMAIN


def stop_previous():
    """A robot left by an earlier `make demo` must not share the new sandbox."""
    try:
        with open("/tmp/dsr-demo/pid") as f:
            pid = int(f.read())
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            os.kill(pid, 0)
            time.sleep(0.1)
    except (OSError, ValueError):
        pass


class Demo:
    def __init__(self, sb, robot):
        self.sb = sb
        self.r = robot
        self.ref = None
        self.t0 = time.time()

    def say(self, who, what):
        print("%6.1fs  %-26s %s" % (time.time() - self.t0, who, what), flush=True)

    def step(self, want):
        """Waits until the case is at a step, and says who it waits on."""
        lib.wait_until(lambda: self.r.sql("SELECT state, step_name FROM cases WHERE ref = ?",
                                          self.ref) == [("proses", want)], "step " + want)
        who = self.r.sql("SELECT group_concat(official, ', ') FROM dispatches d JOIN cases c"
                         " ON c.id = d.case_id WHERE c.ref = ? AND d.step_name = c.step_name"
                         " AND d.round = c.round AND d.answered_at IS NULL", self.ref)[0][0]
        self.done()
        self.say("robot", "step %s: waits on %s" % (want, who or "a notice from BSrE"))

    def done(self):
        """The step just left, in office minutes against its standard."""
        rows = self.r.sql("SELECT t.step, t.office_minutes, t.standard_minutes FROM step_times"
                          " t JOIN cases c ON c.id = t.case_id WHERE c.ref = ? ORDER BY t.id"
                          " DESC LIMIT 1", self.ref)
        if rows and rows[0] != getattr(self, "last", None):
            self.last = rows[0]
            self.say("robot", "  step %s took %d office minutes (standard %d)" % rows[0])

    def disp(self, user, n=1):
        return self.sb.wait_mail(user, subject_has("[%s] Disposisi permohonan" % self.ref),
                                 n=n, what="disposition to " + user)[n - 1]

    def answer(self, user, n, text, files=(), html=False):
        d = self.disp(user, n)
        m = reply_to(d, "%s@%s" % (user, DOMAIN), text, html=html)
        for f in files:
            attach_scan(m, f)
        self.sb.send(m)
        self.say(user, "answers %r%s" % (text.replace("\n", " / "),
                                         " + " + ", ".join(files) if files else ""))

    def notice(self, subject, body):
        lib.ams_notice(self.sb, subject, body, NEW)
        self.say("BSrE AMS", "mails %r" % subject)


def play(sb, robot):
    d = Demo(sb, robot)
    d.say(GMAIL, "applies, with the letter, SK terakhir, SK jabatan, BSrE form (no KTP)")
    sb.send(application(GMAIL, docs=["surat-permohonan.pdf", "sk-terakhir.pdf",
                                     "sk-jabatan.pdf", "formulir-bsre.pdf"]))
    ask = sb.wait_mail("outbound", subject_has("belum lengkap"), what="missing KTP")[0]
    d.ref = re.search(r"TTE-\d{4}-\d{5}", str(ask["Subject"])).group(0)
    d.say("robot", "%s opened; asks for the missing KTP" % d.ref)
    m = reply_to(ask, GMAIL, "Berikut KTP saya.")
    attach_scan(m, "ktp.jpg")
    sb.send(m)
    d.say(GMAIL, "sends ktp.jpg")
    d.step("sekdis")
    d.answer("sekdis", 1, "Y", html=True)
    d.step("kadis")
    d.answer("kadis", 1, "Baik pak,\nY")
    d.step("kabid")
    d.answer("kabid.persandian", 1, "Y, terima kasih")
    d.step("sandiman")
    d.answer("sandiman", 1, "Setuju")
    d.step("periksa-berkas")
    d.answer("verifikator2", 1, "T - scan KTP buram, mohon kirim ulang")
    back = sb.wait_mail("outbound", subject_has("dikembalikan"), what="returned")[0]
    d.say("robot", "returns the case to the applicant with the reason")
    m = reply_to(back, GMAIL, "Berikut scan KTP yang lebih jelas.")
    attach_scan(m, "ktp.jpg")
    sb.send(m)
    d.say(GMAIL, "sends a sharper ktp.jpg")
    d.disp("verifikator1", 2)
    d.answer("verifikator1", 2, "Y")
    d.step("email-dinas")
    d.answer("egov", 1, "Y " + NEW)
    d.step("rekomendasi")
    d.answer("verifikator1", 3, "Y", files=["rekomendasi.pdf"])
    d.answer("verifikator3", 3, "Y")
    d.answer("verifikator2", 3, "Y")
    d.step("permintaan")
    d.answer("kadis", 2, "Y", files=["permintaan-ttd.pdf"])
    d.step("registrasi")
    d.answer("verifikator3", 4, "Y")
    d.step("aktivasi")
    d.notice("Aktivasi Akun AMS", "Yth. Budi Santoso (%s),\nSilakan aktivasi akun:\n"
             "https://portal-bsre.bssn.go.id/aktivasi?token=contoh\n" % NEW)
    d.step("verifikasi-wajah")
    d.answer("verifikator2", 5, "Y")
    d.step("passphrase")
    d.notice("Penyetelan Passphrase", "Yth. %s\nSetel passphrase:\n"
             "https://portal-bsre.bssn.go.id/passphrase?token=contoh\n" % NEW)
    d.step("persetujuan")
    d.notice("Pendaftaran Sertifikat Disetujui", "Pendaftaran %s disetujui.\n" % NEW)
    d.step("terbit")
    d.notice("Sertifikat Elektronik Telah Terbit", "Sertifikat untuk %s telah terbit.\n" % NEW)
    lib.wait_until(lambda: robot.sql("SELECT state FROM cases WHERE ref = ?", d.ref) ==
                   [("selesai",)], "case closed")
    d.done()
    d.say("robot", "%s closed: certificate issued, valid two years" % d.ref)
    return d


def main():
    stop_previous()
    print("Starting the mail sandbox (Dovecot + Postfix on 127.0.0.1)...", flush=True)
    sb = lib.Sandbox("demo")
    robot = lib.Robot(sb, "demo").start()
    with open(os.path.join(robot.dir, "pid"), "w") as f:
        f.write("%d\n" % robot.proc.pid)
    print("Robot started: config %s, log %s\n" % (robot.conf, robot.log), flush=True)
    d = play(sb, robot)
    lib.wait_until(lambda: robot.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'")
                   == 0, "outbox drained")
    print("\nThe case's timeline (disposisi show):", flush=True)
    subprocess.run([os.path.join(lib.ROOT, "disposisi"), "show", "-f", robot.conf, d.ref])
    report = os.path.join(robot.dir, "laporan.html")
    subprocess.run([os.path.join(lib.ROOT, "disposisi"), "report", "-f", robot.conf,
                    "--html", report], stdout=subprocess.DEVNULL)
    print("\nThe Head's report: %s" % report)
    print("\n%d mails in, %d out, in %.0f s." % (
        robot.scalar("SELECT count(*) FROM inbound"),
        robot.scalar("SELECT count(*) FROM outbox"), time.time() - d.t0))
    print("\nThe robot and the sandbox keep running (robot pid %d)." % robot.proc.pid)
    print("Mailboxes (password %s): tte sekdis kadis kabid.persandian sandiman verifikator1-3"
          " egov budi admin; mail to other domains is in 'outbound'." % sb.password)
    print("Read one: curl --cacert %s 'imaps://localhost:%d/INBOX;UID=1' -u kadis:%s"
          % (sb.cafile, sb.port("IMAPS"), sb.password))
    print("Stop everything:  make demo-stop")


if __name__ == "__main__":
    main()
