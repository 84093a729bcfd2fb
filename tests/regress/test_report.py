# SPDX-License-Identifier: ISC
"""The Head's report of a month, from cases that went through the sandbox
in November 2026 with the clock set: one played through the whole SOP
(its missing KTP and the verifier's T each sent it back to the applicant,
who came back), one the Secretary refused, one still at the Secretary.
`report --month 2026-11` is well-formed XHTML in formal Indonesian with
the right totals, the SOP's activity names, the returns drawn, no empty
section, and prints on A4 landscape; the daemon mails it to the Head on
the first office day of December, once, not again after a restart."""

import calendar
import importlib.util
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

from lib import (DOMAIN, ROOT, Robot, application, body_text, check, reply_to,
                 subject_has, wait_until)

spec = importlib.util.spec_from_file_location("demo", os.path.join(ROOT, "contrib", "demo.py"))
demo = importlib.util.module_from_spec(spec)
spec.loader.exec_module(demo)

X = "{http://www.w3.org/1999/xhtml}"


def wib(y, mo, d, h, mi):
    return calendar.timegm((y, mo, d, h, mi, 0)) - 7 * 3600


def report(r, *args):
    html = os.path.join(r.dir, "laporan.html")
    p = subprocess.run([os.path.join(ROOT, "disposisi"), "report", "-f", r.conf, "--html",
                        html] + list(args), capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, "report %s: %s" % (args, p.stderr))
    return html, open(html, encoding="utf-8").read()


def table_after(root, heading):
    """The rows (cell texts) of the first table after the h2 heading."""
    body = root.find(X + "body")
    seen = False
    for el in body:
        if el.tag == X + "h2":
            seen = "".join(el.itertext()).startswith(heading)
        elif seen and el.tag == X + "table":
            return [["".join(c.itertext()) for c in tr]
                    for tr in el.iter(X + "tr")]
    return None


def a4_pages(html):
    """Chromium's print of the page: (pages, page size) by pdfinfo."""
    browser = shutil.which("chromium")
    if not browser or not shutil.which("pdfinfo"):
        return None
    pdf = html[:-5] + ".pdf"
    subprocess.run([browser, "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--no-pdf-header-footer", "--print-to-pdf=" + pdf, "file://" + html],
                   capture_output=True, timeout=120)
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    size = re.search(r"Page size:\s+(.*)", info).group(1)
    return pages, size


def november(sb, r):
    """The month's cases: returns the played case's reference."""
    r.start(clock=wib(2026, 11, 2, 9, 0))
    d = demo.play(sb, r)
    sb.send(application("siti@" + DOMAIN, name="Siti Rahmawati binti Abdurrahman Wahid"))
    first = sb.wait_mail("sekdis", subject_has("Disposisi permohonan"), n=2,
                         what="Siti's disposition")
    mine = [m for m in first if d.ref not in str(m["Subject"])][0]
    sb.send(reply_to(mine, "sekdis@" + DOMAIN, "T bukan kewenangan dinas ini"))
    wait_until(lambda: r.scalar("SELECT count(*) FROM cases WHERE state = 'ditolak'") == 1,
               "Siti's application refused")
    sb.send(application("andi@" + DOMAIN, name="Andi Pratama"))
    wait_until(lambda: r.scalar("SELECT count(*) FROM cases") == 3, "Andi's case opened")
    wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0,
               "outbox drained")
    r.stop()
    return d.ref


def check_month(r, ref):
    html, page = report(r, "--month", "2026-11")
    root = ET.fromstring(page.split("\n", 2)[2])
    if shutil.which("xmllint"):
        x = subprocess.run(["xmllint", "--noout", html], capture_output=True, text=True)
        check(x.returncode == 0, "xmllint: %s" % x.stderr)
    check("perkara" not in page.lower(), "no court word: 'permohonan' throughout")
    check("November 2026" in page, "the period named")
    summary = table_after(root, "Ringkasan")
    check(summary is not None and len(summary) == 2, "one SOP had applications: %s" % summary)
    row = summary[1]
    check(row[0] == "Permohonan Tanda Tangan Elektronik (TTE)" and row[1:5] ==
          ["3", "1", "1", "1"], "received 3, finished 1, refused 1, open 1: %s" % row)
    check(row[5] == "100% (1 dari 1)" and row[6] == "0" and row[7] == "0",
          "the played case finished on time, the same day: %s" % row)
    check("Pembaharuan" not in page, "the renewal SOP had none: no section of it")
    check("Waktu per kegiatan: Permohonan Tanda Tangan" in page, "the TTE's activities")
    for act in ("Memeriksa kelengkapan berkas", "Mendaftarkan pemohon pada AMS",
                "Set passphrase oleh pemohon sendiri"):
        check(act in page, "the activity named as the SOP does: " + act)
    check(not re.search(r">\s*2b kadis", page), "no internal step names")
    listing = table_after(root, "Daftar permohonan")
    names = [row[2] for row in listing[1:]]
    check(names == ["Budi Santoso", "Siti Rahmawati binti Abdurrahman Wahid", "Andi Pratama"],
          "every application listed, names whole: %s" % names)
    lanes = page.split("<section class=\"case\">")[1:]
    check(len(lanes) == 3, "a swimlane per application")
    played = [s for s in lanes if ref in s][0]
    check(played.count(">dikembalikan<") == 2 and "stroke-dasharray" in played,
          "the missing KTP and the verifier's T drawn back to the applicant")
    check(">selesai<" in played and ">ditolak<" in lanes[1], "how each closed case ended")
    check(">menunggu<" in lanes[2], "Andi's waits at the Secretary")
    return html


def test_report_month(sb):
    r = Robot(sb, "report")
    ref = november(sb, r)
    html = check_month(r, ref)
    pages = a4_pages(html)
    if pages is not None:
        w, h = (float(v) for v in re.findall(r"[\d.]+", pages[1])[:2])
        check("(A4)" in pages[1] and w > h, "A4 landscape: %s" % pages[1])
        # The totals and the list; the activities; two swimlanes a page.
        check(pages[0] == 4, "four pages: %d" % pages[0])
    shutil.copy(html, os.path.join(r.dir, "november.html"))
    _, page = report(r, "--month", "2026-10")
    check("Tidak ada permohonan" in page and "<h2>" not in page, "an empty month: one line")
    bad = subprocess.run([os.path.join(ROOT, "disposisi"), "report", "-f", r.conf, "--html",
                          html, "--month", "2026-13"], capture_output=True, text=True)
    check(bad.returncode == 64 and "YYYY-MM" in bad.stderr, "a bad month: %s" % bad.stderr)

    # Tuesday 1 December, the office opens: the Head gets November's.
    r.run_at(wib(2026, 12, 1, 7, 35), "the first office day")
    got = [m for m in sb.messages("kadis") if "Laporan bulanan" in str(m["Subject"])]
    check(len(got) == 1, "one report mail to the Head: %d" % len(got))
    m = got[0]
    check("November 2026" in str(m["Subject"]), "the month in the subject")
    text = body_text(m)
    check("Yth. Kepala Dinas Kominfo" in text and "Permohonan diterima        : 3" in text
          and "Selesai (sertifikat terbit): 1" in text, "formal, with the totals: " + text)
    att = [p for p in m.iter_attachments() if p.get_filename() == "laporan-2026-11.html"]
    check(len(att) == 1 and "Laporan Pelaksanaan SOP" in att[0].get_content(),
          "the report attached")
    # Killed after its pass, restarted the same day and the next: once.
    r.start(clock=wib(2026, 12, 1, 9, 0))
    n = r.logtext().count("timer: ")
    wait_until(lambda: r.logtext().count("timer: ") > n, "a timer pass")
    r.kill()
    r.run_at(wib(2026, 12, 2, 8, 0), "the next day")
    got = [m for m in sb.messages("kadis") if "Laporan bulanan" in str(m["Subject"])]
    check(len(got) == 1, "still one report mail: %d" % len(got))
    check(r.scalar("SELECT count(*) FROM outbox WHERE kind = 'laporan-bulanan'") == 1,
          "one queued, ever")
