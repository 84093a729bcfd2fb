# SPDX-License-Identifier: ISC
"""Reading what applicants send: an application carrying five
12-megapixel phone photos of a KTP-like card (one of them turned
sideways), sent over SMTP; the time until the acknowledgement arrives
in the applicant's mailbox (every photo read by OCR in the parser child
meanwhile), and the child's CPU time and peak memory from the robot's
debug line for it."""

import re
import time

import benchlib
import docgen
from benchlib import Row, lib, spread
from lib import DOMAIN, application

CHILD = re.compile(r"parser child \d+: (\d+) ms of CPU, peak RSS (\d+) KiB")


def photos_mail(i):
    m = application("siti@" + DOMAIN, subject="Permohonan Sertifikat Elektronik %d" % i,
                    n_att=0)
    for k in range(5):
        m.add_attachment(docgen.photo(turn=90 if k == 2 else 0, seed=10 * i + k),
                         maintype="image", subtype="jpeg",
                         filename="IMG_20260310_0833%02d.jpg" % k)
    return m


def rows(table):
    sb = lib.Sandbox("photos")
    r = lib.Robot(sb, "photos").start()
    try:
        took = []
        mails = [photos_mail(i) for i in range(benchlib.REPEATS)]
        for i, m in enumerate(mails):
            t = time.monotonic()
            sb.send(m)
            # Its answer, whichever: photos alone are not all the SOP asks.
            sb.wait_mail("siti", n=i + 1, what="acknowledgement")
            took.append(time.monotonic() - t)
        children = [(int(c), int(k)) for c, k in CHILD.findall(r.logtext())]
        big = sorted(children)[-len(mails):]     # the applications' children
        cpu = [c / 1000.0 for c, _ in big]
        rss = [k / 1024.0 for _, k in big]
        table.add(Row("application with five 12-megapixel phone photos: acknowledgement sent",
                      spread(took), None, "s", "≤ 10 s",
                      note="OCR included; parser child %.1f s of CPU per application"
                      " (%.2f s per photo)" % (spread(cpu)[0], spread(cpu)[0] / 5)))
        table.add(Row("parser child's peak RSS, reading five 12-megapixel photos",
                      spread(rss), None, "MB", "≤ 256 MB",
                      note="parse_memory_max bounds its address space (1024 MiB)"))
    finally:
        r.stop()
        sb.stop()

