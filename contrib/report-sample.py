#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Makes docs/report.png: a month of applications played through the mail
sandbox with the clock set (November 2026), then `disposisi report --month
2026-11` and Chromium's picture of it. One application goes through the
whole SOP (contrib/demo.py); the others meet late answers across days, a
T that sends the case back to the applicant, a refusal, a missing KTP.
Also prints the report to PDF and says how many A4 pages it takes."""

import calendar
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "regress"))
sys.path.insert(0, HERE)
import lib  # noqa: E402
from lib import DOMAIN, application, attach_scan, reply_to, subject_has  # noqa: E402
import demo  # noqa: E402


def wib(d, h, mi):
    return calendar.timegm((2026, 11, d, h, mi, 0)) - 7 * 3600


class Month:
    def __init__(self, sb, r):
        self.sb, self.r = sb, r

    def at(self, day, h, mi, fn):
        """Runs the robot at that moment while fn acts, then stops it."""
        self.r.start(clock=wib(day, h, mi))
        fn()
        lib.wait_until(lambda: self.r.scalar("SELECT count(*) FROM outbox WHERE status ="
                                             " 'queued'") == 0, "outbox drained")
        self.r.stop()

    def apply(self, who, name, docs=None):
        n = self.r.scalar("SELECT count(*) FROM cases")
        self.sb.send(application(who, name=name, docs=docs))
        lib.wait_until(lambda: self.r.scalar("SELECT count(*) FROM cases") == n + 1, "opened")
        return self.r.scalar("SELECT ref FROM cases ORDER BY id DESC LIMIT 1")

    def answer(self, user, ref, text, n=1):
        d = self.sb.wait_mail(user, subject_has("[%s] Disposisi permohonan" % ref), n=n,
                              what="disposition to " + user)[n - 1]
        self.sb.send(reply_to(d, "%s@%s" % (user, DOMAIN), text))
        lib.wait_until(lambda: self.r.scalar(
            "SELECT count(*) FROM dispatches d JOIN cases c ON c.id = d.case_id WHERE"
            " c.ref = ? AND d.official = ? AND d.answered_at IS NOT NULL", ref,
            "%s@%s" % (user, DOMAIN)) >= n, "answer taken")

    def resubmit(self, who, ref, files):
        box = who.split("@")[0] if who.endswith("@" + DOMAIN) else "outbound"
        back = self.sb.wait_mail(box, lambda m: ref in str(m["Subject"]) and
                                 ("dikembalikan" in str(m["Subject"]) or "belum lengkap"
                                  in str(m["Subject"])), what="returned")[-1]
        m = reply_to(back, who, "Berikut berkas perbaikan.")
        for f in files:
            attach_scan(m, f)
        self.sb.send(m)
        lib.wait_until(lambda: self.r.scalar("SELECT state FROM cases WHERE ref = ?", ref)
                       == "proses", "back in the office")


def play(sb, r):
    m = Month(sb, r)
    r.start(clock=wib(2, 9, 0))
    demo.play(sb, r)
    r.stop()
    s = {}
    dewi, rina = "pemohon@" + DOMAIN, "rina.marlina@yahoo.co.id"
    m.at(3, 8, 10, lambda: s.update(b=m.apply("siti@" + DOMAIN, "Siti Rahmawati")))
    m.at(3, 10, 40, lambda: m.answer("sekdis", s["b"], "Y"))
    m.at(4, 9, 0, lambda: m.answer("kadis", s["b"], "Y"))
    m.at(4, 9, 35, lambda: m.answer("kabid.persandian", s["b"], "Y"))
    m.at(4, 14, 0, lambda: m.answer("sandiman", s["b"], "T NIP pada SK Jabatan tidak terbaca"))
    m.at(5, 8, 0, lambda: m.resubmit("siti@" + DOMAIN, s["b"], ["sk-jabatan.pdf"]))
    m.at(5, 8, 30, lambda: m.answer("sandiman", s["b"], "Y", n=2))
    m.at(9, 9, 15, lambda: s.update(c=m.apply("andi@" + DOMAIN, "Andi Pratama")))
    m.at(9, 13, 0, lambda: m.answer("sekdis", s["c"], "T Pemohon bukan ASN Kabupaten Muara Enim"))
    m.at(16, 10, 5, lambda: s.update(d=m.apply(dewi, "Dewi Lestari Kusumawardhani")))
    m.at(16, 10, 20, lambda: m.answer("sekdis", s["d"], "Y"))
    m.at(17, 8, 0, lambda: m.answer("kadis", s["d"], "Y"))
    m.at(23, 11, 0, lambda: s.update(e=m.apply(rina, "Rina Marlina", docs=[
        "surat-permohonan.pdf", "sk-terakhir.pdf", "sk-jabatan.pdf"])))
    return s


def main():
    out = os.path.join(lib.ROOT, "docs", "report.png")
    sb = lib.Sandbox("sample")
    r = lib.Robot(sb, "sample")
    try:
        play(sb, r)
        r.start(clock=wib(30, 16, 30))
        html = os.path.join(r.dir, "laporan.html")
        subprocess.run([os.path.join(lib.ROOT, "disposisi"), "report", "-f", r.conf,
                        "--html", html, "--month", "2026-11"], check=True)
        r.stop()
        subprocess.run(["chromium", "--headless=new", "--no-sandbox", "--disable-gpu",
                        "--hide-scrollbars", "--window-size=1123,1588",
                        "--screenshot=" + out, "file://" + html], check=True,
                       capture_output=True)
        pdf = html[:-5] + ".pdf"
        subprocess.run(["chromium", "--headless=new", "--no-sandbox", "--disable-gpu",
                        "--no-pdf-header-footer", "--print-to-pdf=" + pdf, "file://" + html],
                       check=True, capture_output=True)
        info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
        print("%s\n%s: %s" % (out, pdf, " ".join(re.findall(r"(?:Pages|Page size):.*", info))))
    finally:
        r.kill()
        sb.stop()


if __name__ == "__main__":
    main()
