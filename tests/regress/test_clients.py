# SPDX-License-Identifier: ISC
"""Replies as real clients write them (tests/regress/replies/*.eml: Outlook
in Indonesian, German and French, Gmail web and Android, iPhone, Zimbra web;
commands in the subject; quoted-printable,
base64, windows-1252, HTML only), sent through SMTP to a live case each.
The file name says what the robot must read: Y-, T- or U- (unclear)."""

import os
import re

from email.utils import make_msgid

from lib import DOMAIN, ROBOT, Robot, application, check, subject_has, wait_until

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "replies")


def test_real_client_replies(sb):
    r = Robot(sb, "clients").start()
    names = sorted(f for f in os.listdir(HERE) if f.endswith(".eml"))
    for i, name in enumerate(names):
        sb.send(application("budi@" + DOMAIN, subject="Permohonan %s" % name))
    disps = sb.wait_mail("sekdis", subject_has("Disposisi"), n=len(names), what="dispositions")
    by_subject = {}
    for d in disps:
        ref = re.search(r"TTE-\d{4}-\d{5}", str(d["Subject"])).group(0)
        by_subject[r.scalar("SELECT subject FROM cases WHERE ref = ?", ref)] = (ref, d)
    for name in names:
        ref, d = by_subject["Permohonan %s" % name]
        with open(os.path.join(HERE, name), "rb") as f:
            raw = f.read().decode("latin-1")
        reply_addr = re.search(r"<([^>]+)>", str(d["Reply-To"])).group(1)
        raw = (raw.replace("{{FROM}}", "sekdis@" + DOMAIN).replace("{{TO}}", reply_addr)
               .replace("{{ROBOT}}", ROBOT).replace("{{SUBJECT}}", str(d["Subject"]))
               .replace("{{REF}}", ref)
               .replace("{{MSGID}}", d["Message-ID"].strip("<>"))
               .replace("{{NEWID}}", make_msgid(domain=DOMAIN).strip("<>")))
        sb.send(raw.encode("latin-1"), sender="sekdis@" + DOMAIN, rcpts=[ROBOT])
    wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE kind = 'command'")
               == len(names), "all replies handled")
    for name in names:
        ref, _ = by_subject["Permohonan %s" % name]
        state, step, reason = r.sql("SELECT state, step_name, reason FROM cases WHERE ref = ?",
                                    ref)[0]
        want = name[0]
        if want == "Y":
            check((state, step) == ("proses", "kadis"), "%s: read as Y (%s, %s)" % (name, state, step))
        elif want == "T":
            check(state == "ditolak" and reason, "%s: read as T with a reason (%s, %r)"
                  % (name, state, reason))
        else:
            check((state, step) == ("proses", "sekdis"), "%s: not taken as a decision" % name)
    reasons = dict(r.sql("SELECT subject, reason FROM cases WHERE state = 'ditolak'"))
    check("KTP buram, mohon dipindai ulang" in reasons["Permohonan T-iphone.eml"],
          "iPhone reason, format=flowed joined: %r" % reasons)
    check("SK terakhir sudah kedaluwarsa" in reasons["Permohonan T-outlook-1252-base64.eml"],
          "Outlook reason: %r" % reasons)
    check("Original Message" not in reasons["Permohonan T-outlook-1252-base64.eml"],
          "quote cut from the reason")
    check(reasons["Permohonan T-samsung.eml"] == "foto KTP tidak jelas",
          "Samsung reason without its label: %r" % reasons["Permohonan T-samsung.eml"])
    check(reasons["Permohonan T-zimbra-text.eml"] == "SK Jabatan belum dilampirkan.",
          "Zimbra reason: %r" % reasons["Permohonan T-zimbra-text.eml"])
    check(reasons["Permohonan T-outlook-fr-subject.eml"] == "SK Jabatan sudah kedaluwarsa",
          "Outlook (fr): T and its reason in the subject, the De :/Objet : block cut: %r"
          % reasons["Permohonan T-outlook-fr-subject.eml"])
    check(reasons["Permohonan T-outlook-subject-tail.eml"]
          == "Lampiran KTP buram, mohon dikirim ulang.",
          "Outlook: ' - T' after the subject, the reason from the body: %r"
          % reasons["Permohonan T-outlook-subject-tail.eml"])
