# SPDX-License-Identifier: ISC
"""Retention (UU 27/2022): the raw mail, documents and mail out of a
closed case go retention_days (730) after the later of its close and its
certificate's end; its events, rows and SHA-256 stay and the audit trail
stays whole. A scan shared with a case not yet due stays; an open case
keeps everything; `purge --dry-run` removes nothing; a second purge does
nothing; the daemon purges once a day by itself, not again on restart."""

import json
import os
import re
import subprocess
import time

from lib import (DOCS, DOMAIN, ROOT, Robot, application, check, scan, subject_has,
                 wait_until)

BIN = os.path.join(ROOT, "disposisi")
DAY = 86400


def run(r, days, *args):
    """A command of the robot's, as if `days` days had passed."""
    env = dict(os.environ, DISPOSISI_CLOCK_OFFSET=str(int(days * DAY)))
    p = subprocess.run([BIN] + list(args[:1]) + ["-f", r.conf] + list(args[1:]),
                       capture_output=True, text=True, timeout=60, env=env)
    return p.returncode, p.stdout + p.stderr


def with_ktp(sender, name, ktp):
    """An application whose KTP scan is the given bytes."""
    m = application(sender, name=name, docs=[d for d in DOCS if d != "ktp.jpg"])
    m.add_attachment(ktp, maintype="image", subtype="jpeg", filename="ktp.jpg")
    return m


def files(r, ref):
    """Every spool file a case names: mail in, documents, mail out."""
    spool = os.path.join(r.dir, "spool")
    q = ("SELECT 'raw/' || i.sha256 FROM inbound i JOIN cases c ON c.id = i.case_id"
         " WHERE c.ref = ?1 AND i.sha256 IS NOT NULL UNION SELECT 'doc/' || d.sha256 FROM"
         " documents d JOIN cases c ON c.id = d.case_id WHERE c.ref = ?1 UNION SELECT"
         " 'out/' || substr(o.path, -64) FROM outbox o JOIN cases c ON c.id = o.case_id"
         " WHERE c.ref = ?1")
    return sorted(os.path.join(spool, p) for (p,) in r.sql(q, ref))


def present(paths):
    return [p for p in paths if os.path.exists(p)]


def test_retention(sb):
    r = Robot(sb, "retention").start()
    ktp = scan("ktp.jpg")
    sb.send(with_ktp("budi@" + DOMAIN, "Budi Santoso", ktp))
    sb.send(with_ktp("siti@" + DOMAIN, "Siti Rahma", ktp))
    sb.send(application("andi@" + DOMAIN, name="Andi Wijaya"))
    sb.wait_mail("sekdis", subject_has("Disposisi permohonan"), n=3, what="three cases")
    wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0,
               "sent")
    r.stop()
    ref = dict(r.sql("SELECT applicant, ref FROM cases"))
    budi, siti, andi = (ref[w + "@" + DOMAIN] for w in ("budi", "siti", "andi"))
    sha = r.scalar("SELECT d.sha256 FROM documents d JOIN cases c ON c.id = d.case_id"
                   " WHERE d.filename = 'ktp.jpg' AND c.ref = ?", budi)
    shared = os.path.join(r.dir, "spool", "doc", sha)
    # Postfix delivers the three in any order: the cases are numbered so.
    check(sorted(r.scalar("SELECT group_concat(c.ref) FROM documents d JOIN cases c ON"
                          " c.id = d.case_id WHERE d.sha256 = ?", sha).split(",")) ==
          sorted([budi, siti]), "one KTP scan in two cases")

    # Budi's case ran its course (test_fullsop drives every step): issued,
    # the certificate ends in a year. Siti's is cancelled now, for real.
    now = int(time.time())
    r.sql("UPDATE cases SET state = 'selesai', step_name = 'terbit', expires_at = ?,"
          " closed_at = ? WHERE ref = ?", now + 365 * DAY, now, budi)
    rc, out = run(r, 0, "cancel", siti, "--reason", "Permohonan ganda")
    check(rc == 0, "cancel: %s" % out)
    # While its mail waits to be sent, a case is never purged.
    rc, out = run(r, 800, "purge", "--dry-run")
    check(rc == 0 and "no closed case" in out, "mail still queued: %s" % out)
    r.start()
    sb.wait_mail("siti", subject_has("dibatalkan"), what="the applicant told")
    wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0,
               "sent")
    r.stop()
    held = {c: files(r, c) for c in (budi, siti, andi)}
    check(all(len(present(held[c])) == len(held[c]) >= 7 for c in held),
          "every file there: %s" % {c: len(held[c]) for c in held})
    docs_before = r.sql("SELECT id, sha256 FROM documents ORDER BY id")
    rows_before = r.sql("SELECT (SELECT count(*) FROM inbound), (SELECT count(*) FROM outbox)")

    # Nothing is due before 730 days.
    rc, out = run(r, 700, "purge")
    check(rc == 0 and "no closed case" in out, "nothing due at 700 days: %s" % out)

    # 800 days on: Siti's case is past keeping, Budi's certificate ended
    # only 435 days ago, Andi's case is open.
    rc, out = run(r, 800, "purge", "--dry-run")
    check(rc == 0 and siti in out and "would remove" in out and budi not in out and
          andi not in out and "1 kept for a case not yet due" in out,
          "dry run lists Siti's case: %s" % out)
    check(all(len(present(held[c])) == len(held[c]) for c in held), "a dry run removes nothing")
    check(r.scalar("SELECT count(*) FROM case_events WHERE event = 'hapus-data'") == 0,
          "nor records anything")

    # A file of hers written again just now (the same bytes came for
    # another case not yet committed): her case is left untouched.
    raw = [p for p in held[siti] if "/raw/" in p][0]
    st = os.stat(raw)
    os.utime(raw, (now + 800 * DAY - 60, now + 800 * DAY - 60))
    rc, out = run(r, 800, "purge")
    check(rc == 0 and "left untouched" in out and len(present(held[siti])) == len(held[siti]),
          "a file in use leaves the case: %s" % out)
    os.utime(raw, (st.st_atime, st.st_mtime))

    # A run killed after removing a file, before its COMMIT: the next
    # one finishes the case and counts the file as gone.
    os.unlink([p for p in held[siti] if "/out/" in p][0])
    rc, out = run(r, 800, "purge")
    m = re.search(r"%s: removed (\d+) file\(s\), (\d+) bytes" % siti, out)
    check(rc == 0 and m and int(m.group(1)) == len(held[siti]) - 2 and int(m.group(2)) > 0 and
          "1 already gone" in out, "purge: %s" % out)
    check(present(held[siti]) == [shared], "her files gone but the shared KTP: %s"
          % present(held[siti]))
    check(len(present(held[budi])) == len(held[budi]) and
          len(present(held[andi])) == len(held[andi]), "the other cases keep their files")
    detail = r.sql("SELECT e.actor, e.detail FROM case_events e JOIN cases c ON c.id ="
                   " e.case_id WHERE e.event = 'hapus-data'")
    check(len(detail) == 1 and detail[0][0] == "retensi" and
          detail[0][1].startswith("%s file(s)" % m.group(1)) and "Siti" not in detail[0][1] and
          "kept for a case not yet due" in detail[0][1], "one sealed event: %s" % detail)
    check(r.sql("SELECT id, sha256 FROM documents ORDER BY id") == docs_before and
          r.sql("SELECT (SELECT count(*) FROM inbound), (SELECT count(*) FROM outbox)") ==
          rows_before, "rows and SHA-256 kept")
    rc, out = run(r, 800, "audit", "verify")
    check(rc == 0 and "the trail is whole" in out, "audit verify: %s" % out)

    rc, out = run(r, 800, "show", siti)
    check(rc == 0 and re.search(r"Removed: +\d{4}-\d{2}-\d{2} \(retention", out), "show: %s" % out)
    rc, out = run(r, 800, "show", siti, "--json")
    shown = json.loads(out.splitlines()[0])
    check(shown["case"][0]["files_removed"] and
          all(len(d["sha256"]) == 64 for d in shown["documents"]) and
          any(e["what"] == "hapus-data" for e in shown["timeline"]), "show --json")
    exp = os.path.join(r.dir, "ekspor")
    rc, out = run(r, 800, "export", siti, exp)
    check(rc == 0 and "removed under retention" in out and
          os.path.exists(os.path.join(exp, "kasus.json")), "export: %s" % out)

    rc, out = run(r, 800, "purge")
    check(rc == 0 and "no closed case" in out, "a second purge does nothing: %s" % out)
    check(r.scalar("SELECT count(*) FROM case_events WHERE event = 'hapus-data'") == 1,
          "and records nothing")

    # The daemon, 1100 days on: Budi's certificate ended 735 days ago.
    runs = r.logtext().count("retention: ")
    r.start(clock=now + 1100 * DAY)
    wait_until(lambda: r.logtext().count("retention: ") > runs, "the daily run")
    r.stop()
    line = [l for l in r.logtext().splitlines() if "retention: " in l][-1]
    check("1 case(s) past 730 days" in line, "one line with the counts: %s" % line)
    check(present(held[budi]) == [] and not os.path.exists(shared),
          "Budi's files gone, and the KTP with them")
    check(len(present(held[andi])) == len(held[andi]), "the open case keeps its files")
    check(r.scalar("SELECT count(*) FROM case_events WHERE event = 'hapus-data'") == 2,
          "Budi's purge recorded")
    last = r.scalar("SELECT last_run FROM jobs WHERE name = 'retensi'")
    check(abs(last - (now + 1100 * DAY)) < 600, "the run's time kept: %s" % last)

    # Restarted the same day, it does not run again.
    n = r.logtext().count("timer: ")
    r.start(clock=now + 1100 * DAY + 3600)
    wait_until(lambda: r.logtext().count("timer: ") > n, "a timer pass")
    r.stop()
    check(r.logtext().count("retention: ") == runs + 1, "once a day")
    rc, out = run(r, 1100, "audit", "verify")
    check(rc == 0 and "the trail is whole" in out, "audit verify: %s" % out)
