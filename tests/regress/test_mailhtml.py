# SPDX-License-Identifier: ISC
"""The HTML part of the robot's mail, as Postfix delivered it: every kind
make demo's whole SOP sends passes tidy and the layout's rules
(mailhtml.check_html), a disposition carries two mailto buttons with its
token and the case's earlier decisions, and an applicant's name or an
official's reason written as markup stays text."""

import base64
import importlib.util
import os
import re

from lib import DOMAIN, ROBOT, ROOT, Robot, answer, application, body_text, check, disposition, \
    reply_to, subject_has, wait_until
import mailhtml

HOSTILE = '<img src="http://evil.example/x.png" onerror="alert(1)"> Budi & <b>Santoso</b>'
BUDI = "budi@" + DOMAIN
REASON = 'T <a href="http://evil.example/">klik</a> KTP & "NIK" <script>x</script>'


def drained(r):
    wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0,
               "outbox drained")


def test_mailhtml_every_kind(sb):
    spec = importlib.util.spec_from_file_location("demo", os.path.join(ROOT, "contrib",
                                                                       "demo.py"))
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    r = Robot(sb, "mailhtml").start()
    demo.play(sb, r)
    drained(r)
    mails = mailhtml.delivered(sb, r)
    kinds = set()
    for kind, rcpt, m in mails:
        token = None
        if kind == "disposisi":     # the Message-ID names the token last
            token = re.search(r"\.([0-9a-z]+)@", str(m["Message-ID"])).group(1)
            check(r.scalar("SELECT count(*) FROM dispatches WHERE token = ? AND official = ?",
                           token, rcpt) == 1, "%s's token" % rcpt)
        mailhtml.check_html(kind, mailhtml.html_part(m), token)
        kinds.add(kind)
    check({"disposisi", "dikembalikan", "kelengkapan-kurang", "selesai", "berkas-diterima",
           "pemantauan-ams", "ams-aktivasi", "ams-terbit"} <= kinds,
          "the demo's kinds: %s" % sorted(kinds))
    # A step that sends no document says so once, not "attached" after it.
    bare = [body_text(m) for kind, _, m in mails if kind == "disposisi" and
            "(tidak ada berkas)" in body_text(m)]
    check(bare and not any("Berkas terlampir" in t for t in bare),
          "a disposition without documents says so once (%d)" % len(bare))
    # The last disposition shows what came before, in both parts.
    last = [m for kind, _, m in mails if kind == "disposisi"][-1]
    text = body_text(last)
    check("Keputusan sebelumnya" in text and "(Sekretaris Dinas Kominfo): Y" in text,
          "earlier decisions in the text: %s" % text)
    html = mailhtml.html_part(last)
    check("(Sekretaris Dinas Kominfo): Y" in html and "alasan: scan KTP buram" in html,
          "earlier decisions in the HTML")


def test_mailhtml_hostile_text(sb):
    r = Robot(sb, "mailhtmlx").start()
    # The name as a client sends one with specials: an encoded word, raw
    # (Python's header policy would refold it).
    m = application(BUDI, name=HOSTILE)
    del m["From"]
    word = base64.b64encode(HOSTILE.encode()).decode()
    sb.send(b"From: =?utf-8?b?%s?= <%s>\r\n" % (word.encode(), BUDI.encode()) + m.as_bytes(),
            sender=BUDI, rcpts=[ROBOT])
    d = sb.wait_mail("sekdis", subject_has("Disposisi permohonan"), what="row 2")[0]
    ref = re.search(r"TTE-\d{4}-\d{5}", str(d["Subject"])).group(0)
    # An HTML-only reply quoting the layout whole, in no container a
    # client marks as a quote: the note on top is where the robot cuts.
    y = reply_to(d, "sekdis@" + DOMAIN, "Y")
    quoted = re.search(r"<body[^>]*>(.*)</body>", mailhtml.html_part(d), re.S).group(1)
    y.set_content("<div>Y</div><div><br></div><div>%s</div>" % quoted, subtype="html")
    sb.send(y)
    answer(sb, disposition(sb, "kadis", ref), "kadis", REASON)
    # The Head's T refuses (rules/sop-tte.conf): the applicant is told why.
    no = sb.wait_mail("budi", subject_has("tidak dapat diteruskan"), what="the refusal")[0]
    drained(r)
    for kind, rcpt, m in mailhtml.delivered(sb, r):
        html = mailhtml.html_part(m)
        s = mailhtml.check_html(kind, html)
        tags = {t for t, _ in s.tags}
        check(not tags & {"img", "b", "script"}, "%s to %s: markup stays text" % (kind, rcpt))
        hrefs = [a.get("href", "") for t, a in s.tags if t == "a"]
        check(not any("evil" in h for h in hrefs), "%s: no link from a sender" % kind)
        if "Budi" in "".join(s.text):
            check("&lt;img src=" in html and "&lt;b&gt;Santoso&lt;/b&gt;" in html,
                  "%s: the name escaped" % kind)
    s = mailhtml.check_html("ditolak", mailhtml.html_part(no))
    check("<script>x</script>" in "".join(s.text), "the reason, as text")
