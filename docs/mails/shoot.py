#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Screenshots of the robot's mail, as delivered: plays make demo's whole
SOP (contrib/demo.py) and one complete application in a sandbox, reads each kind's first mail back
from the mailbox Postfix delivered it to (the disposition: the demo
case's last, with its earlier decisions), and renders its HTML part in headless
Chromium, 800 px wide and, for the mails people act on, 390 px (a
phone). PNGs here, trimmed to the card and reduced to a palette.
Usage: TEST_SLOT=N python3 docs/mails/shoot.py"""

import importlib.util
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "regress"))
import lib  # noqa: E402
import mailhtml  # noqa: E402
from PIL import Image, ImageChops  # noqa: E402

# Monday 7 December 2026, 09.00 WIB: the office open, the times in the
# pictures the same from run to run.
CLOCK = 1796608800
PHONE = ("disposisi", "tanda-terima", "dikembalikan", "selesai")
BACKGROUND = (0xee, 0xf1, 0xf5)


def shoot(html, png, width):
    with tempfile.TemporaryDirectory() as d:
        page = os.path.join(d, "mail.html")
        with open(page, "w", encoding="utf-8") as f:
            f.write(html)
        subprocess.run(["chromium", "--headless=new", "--no-sandbox", "--disable-gpu",
                        "--hide-scrollbars", "--window-size=%d,3000" % width,
                        "--screenshot=" + png, "file://" + page],
                       capture_output=True, timeout=120, check=True)
    im = Image.open(png).convert("RGB")
    # The page's background around the card is trimmed to a margin.
    box = ImageChops.difference(im, Image.new("RGB", im.size, BACKGROUND)).getbbox()
    if box:
        m = 12
        im = im.crop((max(box[0] - m, 0), max(box[1] - m, 0), min(box[2] + m, im.width),
                      min(box[3] + m, im.height)))
    im.quantize(colors=32, method=Image.Quantize.MEDIANCUT,
                dither=Image.Dither.NONE).save(png, optimize=True)

def main():
    spec = importlib.util.spec_from_file_location("demo", os.path.join(ROOT, "contrib",
                                                                       "demo.py"))
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    sb = lib.Sandbox("shots")
    try:
        r = lib.Robot(sb, "shots").start(clock=CLOCK)
        d = demo.play(sb, r)
        # A complete application too: its receipt and first disposition.
        sb.send(lib.application("siti@" + lib.DOMAIN, name="Siti Aminah"))
        sb.wait_mail("siti", lib.subject_has("Tanda terima"), what="receipt")
        lib.wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'")
                       == 0, "outbox drained")
        kinds = {}
        for kind, rcpt, m in mailhtml.delivered(sb, r):
            if kind not in kinds or (kind == "disposisi" and d.ref in str(m["Subject"])):
                kinds[kind] = m
        for old in os.listdir(HERE):
            if old.endswith(".png"):
                os.unlink(os.path.join(HERE, old))
        for kind, m in sorted(kinds.items()):
            html = mailhtml.html_part(m)
            shoot(html, os.path.join(HERE, kind + ".png"), 800)
            if kind in PHONE:
                shoot(html, os.path.join(HERE, kind + "-ponsel.png"), 390)
            print("%-24s %s" % (kind, m["Subject"]))
        r.stop()
    finally:
        sb.stop()


if __name__ == "__main__":
    main()
