# SPDX-License-Identifier: ISC
"""make demo, in the test suite: the very script README's first command
runs plays the whole SOP against this sandbox; its end state is checked,
and the Head's report of it is well-formed and renders in a browser."""

import importlib.util
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

from lib import ROOT, Robot, check

spec = importlib.util.spec_from_file_location("demo", os.path.join(ROOT, "contrib", "demo.py"))
demo = importlib.util.module_from_spec(spec)
spec.loader.exec_module(demo)


def test_demo_plays_the_whole_sop(sb):
    r = Robot(sb, "demoquick").start()
    d = demo.play(sb, r)
    check(r.sql("SELECT state, step_name FROM cases WHERE ref = ?", d.ref) ==
          [("selesai", "terbit")], "the case closed at the last step")
    steps = [s for (s,) in r.sql("SELECT DISTINCT step FROM step_times")]
    check(len(steps) == 14, "every step recorded: %s" % steps)
    # The last relay may still be on its way when the case closes.
    sb.wait_mail("budi", lambda m: "Sertifikat Elektronik telah terbit" in str(m["Subject"])
                 and "pemberitahuan-bsre.eml" in [p.get_filename() for p in m.iter_attachments()],
                 what="the applicant got the relayed issued notice")
    html = os.path.join(r.dir, "laporan.html")
    p = subprocess.run([os.path.join(ROOT, "disposisi"), "report", "-f", r.conf, "--html",
                        html], capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, "report: %s" % p.stderr)
    text = open(html, encoding="utf-8").read()
    ET.fromstring(text.split("\n", 2)[2])
    if shutil.which("xmllint"):
        x = subprocess.run(["xmllint", "--noout", html], capture_output=True, text=True)
        check(x.returncode == 0, "xmllint: %s" % x.stderr)
    browser = shutil.which("chromium")
    if browser:
        png = os.path.join(r.dir, "laporan.png")
        subprocess.run([browser, "--headless=new", "--no-sandbox", "--disable-gpu",
                        "--window-size=1000,1800", "--screenshot=" + png, "file://" + html],
                       capture_output=True, timeout=120)
        check(os.path.exists(png) and os.path.getsize(png) > 20000,
              "the report renders in Chromium")
