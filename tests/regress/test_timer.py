# SPDX-License-Identifier: ISC
"""Late steps, with the clock set, never slept on: a disposition waiting
its standard time (20 office minutes) brings its official one reminder,
at 200% the supervisor one escalation - none twice across restarts, none
outside office hours; a weekend and a holiday in the calendar do not
count; a case waiting on the applicant is not reminded; the step's office
minutes are recorded against its standard."""

import calendar
import os
import re
import shutil

from lib import (tmp, DOMAIN, ROOT, Robot, application, check, reply_to, subject_has,
                 wait_until)


def wib(y, mo, d, h, mi):
    return calendar.timegm((y, mo, d, h, mi, 0)) - 7 * 3600



def reminders(sb, user, ref, word):
    return [m for m in sb.messages(user) if ref in str(m["Subject"]) and word in
            str(m["Subject"])]


def test_reminders_and_escalation(sb):
    rdir = tmp("r", "timer-rules")
    shutil.rmtree(rdir, ignore_errors=True)
    shutil.copytree(os.path.join(ROOT, "rules"), rdir)
    with open(os.path.join(rdir, "libur-test.conf"), "w") as f:
        f.write('holiday 2026-12-14 "Libur uji"\n')
    r = Robot(sb, "timer")
    with open(r.conf) as f:
        text = f.read().replace(os.path.join(ROOT, "rules"), rdir)
    with open(r.conf, "w") as f:
        f.write(text)

    # Monday 7 December 2026, 09:00 WIB: one case to sekdis, one waiting
    # for the applicant's KTP.
    t0 = wib(2026, 12, 7, 9, 0)
    r.start(clock=t0)
    sb.send(application("budi@" + DOMAIN))
    sb.send(application("andi@" + DOMAIN, docs=["surat-permohonan.pdf", "sk-terakhir.pdf",
                                                "sk-jabatan.pdf"]))
    disp = sb.wait_mail("sekdis", subject_has("Disposisi permohonan"), what="disposition")[0]
    ref = re.search(r"TTE-\d{4}-\d{5}", str(disp["Subject"])).group(0)
    wait_until(lambda: r.scalar("SELECT count(*) FROM cases WHERE state ="
                                " 'menunggu-kelengkapan'") == 1, "second case waits")
    r.stop()

    r.run_at(t0 + 10 * 60, "10 minutes: nothing yet")
    check(reminders(sb, "sekdis", ref, "Pengingat") == [], "no reminder before the standard")
    r.run_at(t0 + 25 * 60, "25 minutes: the reminder")
    rem = reminders(sb, "sekdis", ref, "Pengingat")
    check(len(rem) == 1, "one reminder at the standard time")
    check("+" in str(rem[0]["Reply-To"]), "the reminder carries the token")
    r.run_at(t0 + 27 * 60, "again: no second reminder")
    check(len(reminders(sb, "sekdis", ref, "Pengingat")) == 1, "still one reminder")
    # Killed right after its timer pass, then restarted: still one.
    r.start(clock=t0 + 28 * 60)
    n = r.logtext().count("timer: ")
    wait_until(lambda: r.logtext().count("timer: ") > n, "timer pass before the kill")
    r.kill()
    r.run_at(t0 + 29 * 60, "after kill -9")
    check(len(reminders(sb, "sekdis", ref, "Pengingat")) == 1, "one reminder across kill -9")
    check(reminders(sb, "kadis", ref, "Eskalasi") == [], "no escalation yet")
    # 17:00, over 200%, but the office has closed: the escalation waits.
    r.run_at(wib(2026, 12, 7, 17, 0), "evening")
    check(reminders(sb, "kadis", ref, "Eskalasi") == [], "nothing at night")
    r.run_at(wib(2026, 12, 8, 7, 31), "next morning")
    esc = reminders(sb, "kadis", ref, "Eskalasi")
    check(len(esc) == 1, "the Head told when the office opens")
    text = esc[0].get_body(preferencelist=("plain",)).get_content()
    check("Sekretaris Dinas Kominfo" in text and "sekdis@" not in text,
          "the escalation names who has not answered by title, not address: %s" % text)
    r.run_at(wib(2026, 12, 8, 9, 0), "later that morning")
    check(len(reminders(sb, "kadis", ref, "Eskalasi")) == 1, "one escalation, once")
    check(r.scalar("SELECT count(*) FROM reminders") == 2, "two recorded, for one case")
    import subprocess
    show = subprocess.run([os.path.join(ROOT, "disposisi"), "show", "-f", r.conf, ref],
                          capture_output=True, text=True).stdout
    check(re.search(r"robot +reminder at sekdis to Sekretaris Dinas Kominfo\n.*robot +"
                    r"escalation \(Sekretaris Dinas Kominfo late\) to Kepala Dinas Kominfo\n",
                    show, re.S) and "mailed pengingat" not in show,
          "show: the reminder, then the escalation, each one line: %s" % show)

    # Answering the reminder works; the step's time is recorded.
    r.start(clock=wib(2026, 12, 8, 9, 5))
    sb.send(reply_to(rem[0], "sekdis@" + DOMAIN, "Y"))
    sb.wait_mail("kadis", subject_has("Disposisi permohonan"), what="on to kadis")
    minutes, standard = r.sql("SELECT office_minutes, standard_minutes FROM step_times"
                              " WHERE step = 'sekdis'")[0]
    # Whole minutes between two instants each set to the second: 515 +- 1.
    check(standard == 20 and 514 <= minutes <= 516,
          "sekdis took Monday 09:00-16:00 and Tuesday 07:30-09:05: %d" % minutes)
    r.stop()

    # Friday 11 December 16:20: a new case; Saturday, Sunday and the
    # Monday holiday do not count, Tuesday morning does.
    r.start(clock=wib(2026, 12, 11, 16, 20))
    sb.send(application("siti@" + DOMAIN))
    d2 = sb.wait_mail("sekdis", subject_has("Disposisi permohonan"), n=2,
                      what="second disposition")[-1]
    ref2 = re.search(r"TTE-\d{4}-\d{5}", str(d2["Subject"])).group(0)
    wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0,
               "sent")
    r.stop()
    r.run_at(wib(2026, 12, 14, 10, 0), "the holiday")
    check(reminders(sb, "sekdis", ref2, "Pengingat") == [], "no reminder on a holiday")
    r.run_at(wib(2026, 12, 15, 7, 45), "Tuesday 07:45")
    check(len(reminders(sb, "sekdis", ref2, "Pengingat")) == 1,
          "reminded after 10 + 15 office minutes, the weekend not counted")
    waiting = r.scalar("SELECT count(*) FROM reminders r JOIN cases c ON c.id = r.case_id"
                       " WHERE c.state = 'menunggu-kelengkapan'")
    check(waiting == 0, "the case waiting on the applicant was never reminded")


QUORUM_SOP = """
sop uji "Kuorum uji" {
	prefix UJI
	applicants any
	office-domain muaraenimkab.go.id
	requires surat-permohonan
	step tanda-tangan "1" {
		kind quorum
		actor verifikator
		quorum 3
		time 20m
		task "Menandatangani lembar verifikasi."
		yes selesai
		no reject
	}
	step selesai "2" {
		kind notice
		actor applicant
		time 20m
		task "Menunggu sertifikat."
		on certificate-issued done
	}
}
"""


def test_quorum_reminds_the_silent(sb):
    """A quorum step reminds only the members who have not answered."""
    rdir = tmp("r", "quorum-rules")
    shutil.rmtree(rdir, ignore_errors=True)
    os.makedirs(rdir)
    for f in ("people.conf", "documents.conf", "notices.conf", "calendar.conf"):
        shutil.copy(os.path.join(ROOT, "rules", f), rdir)
    with open(os.path.join(rdir, "sop-uji.conf"), "w") as f:
        f.write(QUORUM_SOP)
    r = Robot(sb, "quorumtimer")
    with open(r.conf) as f:
        text = f.read().replace(os.path.join(ROOT, "rules"), rdir)
    with open(r.conf, "w") as f:
        f.write(text)
    t0 = wib(2026, 12, 8, 9, 0)
    r.start(clock=t0)
    sb.send(application("budi@" + DOMAIN))
    first = sb.wait_mail("verifikator1", subject_has("Disposisi permohonan"),
                         what="disposition to verifikator1")[0]
    for v in ("verifikator2", "verifikator3"):
        sb.wait_mail(v, subject_has("Disposisi permohonan"), what="disposition to " + v)
    sb.send(reply_to(first, "verifikator1@" + DOMAIN, "Y"))
    wait_until(lambda: r.scalar("SELECT count(*) FROM dispatches WHERE verdict = 'Y'") == 1,
               "one Y of three")
    r.stop()
    r.run_at(t0 + 25 * 60, "25 minutes")
    # Sent is not yet delivered: wait for the two, then count all three.
    for v in ("verifikator2", "verifikator3"):
        sb.wait_mail(v, subject_has("Pengingat"), what="reminder to " + v)
    got = {v: len([m for m in sb.messages(v) if "Pengingat" in str(m["Subject"])])
           for v in ("verifikator1", "verifikator2", "verifikator3")}
    check(got == {"verifikator1": 0, "verifikator2": 1, "verifikator3": 1},
          "only the silent members reminded: %s" % got)


def test_timer_reads_only_due(sb):
    """Each waiting disposition carries when its next threshold falls
    (office minutes reckoned once), so a pass reads only what is due; a
    change of the rules makes every one be reckoned again."""
    rdir = tmp("r", "due-rules")
    shutil.rmtree(rdir, ignore_errors=True)
    shutil.copytree(os.path.join(ROOT, "rules"), rdir)
    r = Robot(sb, "due")
    with open(r.conf) as f:
        text = f.read().replace(os.path.join(ROOT, "rules"), rdir)
    with open(r.conf, "w") as f:
        f.write(text)
    t0 = wib(2026, 12, 7, 15, 50)        # Monday, ten minutes before closing
    r.start(clock=t0)
    sb.send(application("budi@" + DOMAIN))
    sb.wait_mail("sekdis", subject_has("Disposisi permohonan"), what="disposition")
    wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0,
               "sent")
    r.stop()
    r.run_at(t0 + 60, "a minute later")
    sent, due = r.sql("SELECT sent_at, due_at FROM dispatches WHERE step_name = 'sekdis'")[0]
    # 20 office minutes: 10 on Monday, 10 from Tuesday's 07:30.
    check(due - sent == wib(2026, 12, 8, 7, 40) - t0,
          "the reminder falls due Tuesday 07:40 (%d s after sending)" % (due - sent))
    # A start reckons every waiting row (the rules may have changed while
    # stopped); the pass after the next batch reads only the new case's.
    starts = r.logtext().count(" starting: ")
    r.start(clock=t0 + 120)

    def this_run():
        log = r.logtext()
        return log.split(" starting: ")[-1] if log.count(" starting: ") > starts else ""
    wait_until(lambda: "timer: " in this_run(), "the start's pass")
    sb.send(application("siti@" + DOMAIN))
    sb.wait_mail("sekdis", subject_has("Disposisi permohonan"), n=2, what="second one")
    wait_until(lambda: this_run().count("timer: ") >= 2, "a pass after the batch")
    passes = this_run().split("timer: ")[1:]
    check(passes[0].startswith("1 disposition(s) due"), "the start reckons: " + passes[0][:30])
    check(passes[1].startswith("1 disposition(s) due"),
          "the pass read the new disposition only: " + passes[1][:30])
    r.stop()

    # The standard time shortened while the robot was stopped: reckoned
    # again at the start, the reminder goes at once.
    with open(os.path.join(rdir, "sop-tte.conf")) as f:
        sop = f.read()
    with open(os.path.join(rdir, "sop-tte.conf"), "w") as f:
        f.write(sop.replace("actor sekdis\n\t\ttime 20m", "actor sekdis\n\t\ttime 5m", 1))
    r.run_at(t0 + 8 * 60, "after the change")
    check(len(reminders(sb, "sekdis", "TTE-", "Pengingat")) == 2,
          "both reminded at 5 office minutes under the new rules")
    due2 = r.scalar("SELECT due_at FROM dispatches WHERE step_name = 'sekdis' ORDER BY id")
    check(due2 == sent + 10 * 60, "then due at 200%% for the escalation: %d" % (due2 - sent))
