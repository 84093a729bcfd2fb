# SPDX-License-Identifier: ISC
"""People: a Plt. acts for the Head during the dates the rules give (the
Head copied, the decision recorded a.n.) and not after; an official's
out-of-office reply is no decision and sends the step to the standby
Plh.; without a delegate the admin is told, once; a rules edit that
changes a person re-sends the waiting disposition, and the old token
stops working."""

import calendar
import os
import re
import shutil
import signal
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from lib import (tmp, DOMAIN, ROBOT, ROOT, Robot, application, body_text, check, reply_to,
                 subject_has, wait_until)


def wib(y, mo, d, h, mi):
    return calendar.timegm((y, mo, d, h, mi, 0)) - 7 * 3600


def disp(sb, user, n=1):
    return sb.wait_mail(user, subject_has("Disposisi permohonan"), n=n,
                        what="disposition %d to %s" % (n, user))[n - 1]


def vacation(orig, sender):
    """Zimbra's out-of-office answer: RFC 3834 headers, threaded."""
    m = EmailMessage()
    m["From"] = sender
    m["To"] = ROBOT
    m["Subject"] = "Sedang cuti: " + str(orig["Subject"])
    m["Date"] = formatdate(localtime=True)
    m["Message-ID"] = make_msgid(domain=DOMAIN)
    m["In-Reply-To"] = orig["Message-ID"]
    m["Auto-Submitted"] = "auto-replied (zimbra; vacation)"
    m["Precedence"] = "bulk"
    m.set_content("Saya sedang cuti sampai tanggal 20.\n")
    return m


def test_delegates_and_absence(sb):
    rdir = tmp("r", "people-rules")
    shutil.rmtree(rdir, ignore_errors=True)
    shutil.copytree(os.path.join(ROOT, "rules"), rdir)
    with open(os.path.join(rdir, "plt.conf"), "w") as f:
        f.write('delegate kadis andi@%s 2026-12-01 2026-12-10 "Plt. Kepala Dinas" copy\n'
                'delegate kadis siti@%s standby "Plh. Kepala Dinas"\n' % (DOMAIN, DOMAIN))
    r = Robot(sb, "people")
    with open(r.conf) as f:
        text = f.read().replace(os.path.join(ROOT, "rules"), rdir)
    with open(r.conf, "w") as f:
        f.write(text)

    # During the Plt.'s dates: the Head's step goes to andi, kadis copied.
    r.start(clock=wib(2026, 12, 7, 9, 0))
    sb.send(application("budi@" + DOMAIN))
    sb.send(reply_to(disp(sb, "sekdis"), "sekdis@" + DOMAIN, "Y"))
    d = disp(sb, "andi")
    check("Plt. Kepala Dinas" in body_text(d) and "atas nama" in body_text(d),
          "the Plt. is told whom they act for")
    sb.wait_mail("kadis", subject_has("Tembusan"), what="the Head's copy")
    check([m for m in sb.messages("kadis") if "Disposisi permohonan" in str(m["Subject"])]
          == [], "the Head gets no disposition to answer")
    sb.send(reply_to(d, "andi@" + DOMAIN, "Y"))
    disp(sb, "kabid.persandian")
    check(r.sql("SELECT actor, detail FROM case_events WHERE event = 'a.n.'") ==
          [("andi@" + DOMAIN, "kadis@" + DOMAIN)], "decided by andi a.n. kadis")
    r.stop()

    # After the dates: the Head himself; his out-of-office reply sends it
    # to the standby Plh.
    r.start(clock=wib(2026, 12, 14, 9, 0))
    sb.send(application("budi@" + DOMAIN, subject="Permohonan kedua"))
    sb.send(reply_to(disp(sb, "sekdis", n=2), "sekdis@" + DOMAIN, "Y"))
    k = disp(sb, "kadis")
    sb.send(vacation(k, "kadis@" + DOMAIN))
    p = disp(sb, "siti")
    check("tidak berada di kantor" in body_text(p), "the Plh. is told why")
    ref2 = re.search(r"TTE-\d{4}-\d{5}", str(k["Subject"])).group(0)
    check(r.sql("SELECT state, step_name FROM cases WHERE ref = ?", ref2) ==
          [("proses", "kadis")], "the auto-reply decided nothing")
    # The Head's own token no longer counts; the Plh.'s does.
    sb.send(reply_to(p, "siti@" + DOMAIN, "Y"))
    kab = disp(sb, "kabid.persandian", n=2)

    # No delegate for kabid: the admin hears once, however often he is away.
    sb.send(vacation(kab, "kabid.persandian@" + DOMAIN))
    sb.send(vacation(kab, "kabid.persandian@" + DOMAIN))
    wait_until(lambda: r.scalar("SELECT count(*) FROM case_events WHERE event ="
                                " 'di-luar-kantor'") == 3, "absences recorded")
    wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0,
               "sent")
    adm = [m for m in sb.messages("admin") if "tidak di kantor" in str(m["Subject"])]
    check(len(adm) == 1, "the admin told once: %d" % len(adm))

    # A rules edit changes the Secretary: the waiting disposition moves.
    sb.send(application("siti@" + DOMAIN, subject="Permohonan ketiga"))
    old = disp(sb, "sekdis", n=3)
    ref3 = re.search(r"TTE-\d{4}-\d{5}", str(old["Subject"])).group(0)
    people = os.path.join(rdir, "people.conf")
    with open(people) as f:
        text = f.read()
    with open(people, "w") as f:
        f.write(text.replace("sekdis@" + DOMAIN, "pemohon@" + DOMAIN, 1))
    r.proc.send_signal(signal.SIGHUP)
    new = disp(sb, "pemohon")
    check(ref3 in str(new["Subject"]) and "perubahan pejabat" in body_text(new),
          "re-sent to the new Secretary with a note")
    sb.send(reply_to(old, "sekdis@" + DOMAIN, "Y"))
    sb.wait_mail("sekdis", subject_has("sudah diproses"), what="the old token is dead")
    check(r.sql("SELECT state, step_name FROM cases WHERE ref = ?", ref3) ==
          [("proses", "sekdis")], "the old holder's Y changed nothing")
    sb.send(reply_to(new, "pemohon@" + DOMAIN, "Y"))
    wait_until(lambda: r.sql("SELECT step_name FROM cases WHERE ref = ?", ref3) ==
               [("kadis",)], "the new Secretary's Y counts")
    check(r.alive(), "robot running")
