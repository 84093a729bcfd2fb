# SPDX-License-Identifier: ISC
"""What attached files say, read by the confined parser child, through
the real path: mail in over SMTP and IMAP, files read (text layer, OCR),
nothing of their text in the log or the database."""

import os

import docgen
from lib import DOMAIN, Robot, application, check, subject_has, wait_until

# Words and numbers of the synthetic card that must never leave memory.
SECRETS = ["1603015203880004", "RAHMAWATI", "SUDIRMAN"]


def secrets_kept(r):
    """None of the card's text in the robot's log or database files."""
    log = r.logtext()
    for s in SECRETS:
        check(s not in log, "%s not in the log" % s)
    for fn in os.listdir(r.dir):
        if fn.startswith("disposisi.db"):
            with open(os.path.join(r.dir, fn), "rb") as f:
                data = f.read()
            for s in SECRETS:
                check(s.encode() not in data, "%s not in %s" % (s, fn))


def test_identical_attachments_both_kept(sb):
    """The same phone photo attached twice (a common slip) was quarantined
    as 'unreadable MIME: the parser's file ... No such file': both are
    kept now, one file with both names, and the application answered."""
    r = Robot(sb, "twice").start()
    m = application("siti@" + DOMAIN, name="Siti Rahmawati")
    photo = docgen.photo(size=(2000, 1500))
    for name in ("IMG_20260310_083355.jpg", "IMG_20260310_083355(1).jpg"):
        m.add_attachment(photo, maintype="image", subtype="jpeg", filename=name)
    sb.send(m)
    sb.wait_mail("siti", subject_has("Tanda terima"), what="the acknowledgement")
    wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE imap_done = 1") == 1,
               "recorded and moved")
    check(r.scalar("SELECT folder FROM inbound") == "Processed",
          "not quarantined: %s" % r.sql("SELECT folder, note FROM inbound"))
    rows = r.sql("SELECT filename, sha256 FROM documents WHERE filename LIKE 'IMG_%'"
                 " ORDER BY filename")
    check([f for f, _ in rows] == ["IMG_20260310_083355(1).jpg", "IMG_20260310_083355.jpg"],
          "both names kept: %s" % rows)
    check(len(set(s for _, s in rows)) == 1, "one content: %s" % rows)
    check(len(os.listdir(os.path.join(r.dir, "spool", "doc"))) ==
          r.scalar("SELECT count(DISTINCT sha256) FROM documents"), "one file in the spool")
    check("parser child" in r.logtext() and "peak RSS" in r.logtext(),
          "the child's CPU and memory logged at debug")
    secrets_kept(r)
