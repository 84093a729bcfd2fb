# SPDX-License-Identifier: ISC
"""The admin's commands while the robot runs: cases lists who a case
waits on; resend, reassign and cancel change the case through the same
paths as mail, are recorded with the reason, wake the robot so the mail
goes out at once, and refuse bad arguments with one clear line, changing
nothing."""

import json
import os
import re
import subprocess

from lib import DOMAIN, ROOT, Robot, application, check, reply_to, subject_has, wait_until

BIN = os.path.join(ROOT, "disposisi")


def run(*args):
    p = subprocess.run([BIN] + list(args), capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout + p.stderr


def test_admin_commands(sb):
    # A long IDLE: only the wake-up can make the mail go out quickly.
    r = Robot(sb, "admin", extra="imap_idle_timeout = 600").start()
    sb.send(application("budi@" + DOMAIN))
    d = sb.wait_mail("sekdis", subject_has("Disposisi permohonan"), what="disposition")[0]
    ref = re.search(r"TTE-\d{4}-\d{5}", str(d["Subject"])).group(0)

    rc, out = run("cases", "-f", r.conf)
    check(rc == 0 and ref in out and "sekdis@" + DOMAIN in out, "cases lists it: %s" % out)
    check(run("-f", r.conf, "cases") == (rc, out), "-f FILE may come before the command too")
    rc, out = run("cases", "-f", r.conf, "--json")
    row = json.loads(out.splitlines()[0])
    check(row["case"] == ref and row["step"] == "sekdis" and row["late"] is False and
          row["standard_minutes"] == 20, "cases --json: %s" % out)
    rc, out = run("cases", "-f", r.conf, "--late")
    check(rc == 0 and ref not in out, "not late yet: %s" % out)
    rc, out = run("cases", "-f", r.conf, "--bogus")
    check(rc == 64 and "usage" in out, "a bad option: %s" % out)

    rc, out = run("help")
    check(rc == 0 and all(c in out for c in ("cases", "show", "resend", "reassign", "cancel",
                                               "outbox", "ingest", "report", "explain")),
          "help lists every command: %s" % out)
    rc, out = run("cancel", "--help")
    check(rc == 0 and out.startswith("usage: disposisi cancel"), "CMD --help: %s" % out)
    rc, out = run("resend", "-f", r.conf, "TTE-1999-00001")
    check(rc == 65 and "no case" in out, "resend of no case: %s" % out)
    rc, out = run("resend", "-f", r.conf, ref)
    check(rc == 0, "resend: %s" % out)
    again = sb.wait_mail("sekdis", subject_has("Disposisi permohonan"), n=2,
                         what="the disposition again")[-1]
    check(again["Reply-To"] == d["Reply-To"] and again["Message-ID"] != d["Message-ID"],
          "same token, a new Message-ID")

    rc, out = run("reassign", "-f", r.conf, ref, "kadis", "x@" + DOMAIN, "--reason", "uji")
    check(rc == 65 and "whose actor is sekdis" in out, "wrong role refused: %s" % out)
    rc, out = run("reassign", "-f", r.conf, "TTE-1999-00001", "sekdis", "x@" + DOMAIN,
                  "--reason", "uji")
    check(rc == 65 and "no case" in out, "unknown case refused: %s" % out)
    rc, out = run("reassign", "-f", r.conf, ref, "sekdis", "pemohon@" + DOMAIN)
    check(rc == 64 and "--reason" in out, "reason required: %s" % out)
    rc, out = run("reassign", "-f", r.conf, ref, "sekdis", "pemohon@" + DOMAIN,
                  "--reason", "Sekretaris cuti panjang")
    check(rc == 0, "reassign: %s" % out)
    p = sb.wait_mail("pemohon", subject_has("Disposisi permohonan"), what="to the new person")[0]
    sb.send(reply_to(d, "sekdis@" + DOMAIN, "Y"))
    sb.wait_mail("sekdis", subject_has("sudah diproses"), what="the old token is dead")
    check(r.sql("SELECT state, step_name FROM cases") == [("proses", "sekdis")], "unmoved")
    check(r.sql("SELECT detail FROM case_events WHERE event = 'dialihkan'") ==
          [("Sekretaris cuti panjang",)], "the reason in the history")

    rc, out = run("show", "-f", r.conf, ref, "--json")
    shown = json.loads(out)
    what = [e["what"] for e in shown["timeline"]]
    check(rc == 0 and shown["case"][0]["state"] == "proses" and
          "dialihkan" in what and any(w.startswith("mail in") for w in what) and
          any(w.startswith("mail out") for w in what) and
          all(len(d["sha256"]) == 64 for d in shown["documents"]),
          "show --json: the timeline, documents with SHA-256: %s" % what)
    rc, out = run("show", "-f", r.conf, ref)
    check(rc == 0 and out.startswith(ref) and "reassigned: Sekretaris cuti panjang" in out,
          "show: text: %s" % out)
    rc, out = run("show", "-f", r.conf, "TTE-1999-00001")
    check(rc == 65 and "no case" in out, "show of no case: %s" % out)

    rc, out = run("cancel", "-f", r.conf, ref, "--reason", "Permohonan ganda")
    check(rc == 0, "cancel: %s" % out)
    sb.wait_mail("budi", subject_has("dibatalkan"), what="the applicant told")
    check(r.sql("SELECT state FROM cases") == [("dibatalkan",)], "cancelled")
    rc, out = run("cancel", "-f", r.conf, ref, "--reason", "lagi")
    check(rc == 65 and "already closed" in out, "cancelling a closed case: %s" % out)
    sb.send(reply_to(p, "pemohon@" + DOMAIN, "Y"))
    wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE sender = ?",
                                "pemohon@" + DOMAIN) == 1, "handled")
    check(r.sql("SELECT state FROM cases") == [("dibatalkan",)], "a cancelled case stays so")

    wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0,
               "sent")
    rc, out = run("outbox", "-f", r.conf)
    check(rc == 0 and "every mail is delivered" in out, "outbox: %s" % out)
    rc, out = run("outbox", "-f", r.conf, "--retry", "999")
    check(rc == 65 and "no such" in out, "retry of nothing: %s" % out)
    check(r.alive(), "robot running")

    # An applicant's data request: everything held about the case.
    import hashlib
    exp = os.path.join(r.dir, "ekspor")
    rc, out = run("export", "-f", r.conf, ref, exp)
    check(rc == 0 and ref in out, "export: %s" % out)
    check(oct(os.stat(exp).st_mode & 0o777) == "0o700", "the export is private")
    case = json.load(open(os.path.join(exp, "kasus.json")))
    check(case["case"][0]["case"] == ref and case["timeline"], "kasus.json: the case")
    docs = sorted(os.listdir(os.path.join(exp, "dokumen")))
    held = r.sql("SELECT id, filename, sha256 FROM documents WHERE case_id ="
                 " (SELECT id FROM cases WHERE ref = ?)", ref)
    check(len(docs) == len(held) > 0, "every document: %s" % docs)
    for i, name, sha in held:
        data = open(os.path.join(exp, "dokumen", "%d-%s" % (i, name)), "rb").read()
        check(hashlib.sha256(data).hexdigest() == sha, "%s as received" % name)
    n_in = r.scalar("SELECT count(*) FROM inbound WHERE case_id = (SELECT id FROM cases"
                    " WHERE ref = ?)", ref)
    n_out = r.scalar("SELECT count(*) FROM outbox WHERE case_id = (SELECT id FROM cases"
                     " WHERE ref = ?)", ref)
    check(len(os.listdir(os.path.join(exp, "surel-masuk"))) == n_in > 0 and
          len(os.listdir(os.path.join(exp, "surel-keluar"))) == n_out > 0,
          "every mail in and out")
    for top, _, files in os.walk(exp):
        for f in files:
            check(os.stat(os.path.join(top, f)).st_mode & 0o077 == 0, "%s private" % f)
    check(r.scalar("SELECT count(*) FROM case_events WHERE event = 'ekspor-data'") == 1,
          "the export in the case's history")
    rc, out = run("export", "-f", r.conf, ref, exp)
    check(rc == 73 and "File exists" in out, "never over an earlier export: %s" % out)
    rc, out = run("export", "-f", r.conf, "TTE-1999-00001", exp + "2")
    check(rc == 65 and "no case" in out and not os.path.exists(exp + "2"),
          "export of no case: %s" % out)
    # By person: every case of the address, and mail that joined none.
    rc, out = run("export", "-f", r.conf, "BUDI@" + DOMAIN, exp + "-budi")
    check(rc == 0 and os.path.exists(os.path.join(exp + "-budi", ref, "kasus.json")),
          "export of a person's cases: %s" % out)
    check(r.scalar("SELECT count(*) FROM case_events WHERE event = 'ekspor-data'") == 2,
          "that export in the case's history too")
    sb.deliver(b"From: andi@" + DOMAIN.encode() + b"\r\nSubject: halo\r\n\r\nhalo\r\n")
    wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE sender = ?",
                                "andi@" + DOMAIN) == 1, "andi's mail handled")
    rc, out = run("export", "-f", r.conf, "andi@" + DOMAIN, exp + "-andi")
    loose = os.path.join(exp + "-andi", "surel-lain")
    check(rc == 0 and "no case" in out and os.listdir(loose) == ["001.eml"] and
          b"halo" in open(os.path.join(loose, "001.eml"), "rb").read(),
          "mail that joined no case: %s" % out)

    # The history the robot and the admin wrote is whole; an edit, a
    # removal or a row slipped in with sqlite3 is named by audit verify.
    rc, out = run("audit", "-f", r.conf, "verify")
    n = r.scalar("SELECT count(*) FROM case_events")
    check(rc == 0 and ("%d event(s) sealed, the trail is whole" % n) in out,
          "audit verify: %s" % out)
    mark = r.db + ".seal.verified"
    verified = r.scalar("SELECT max(id) FROM case_events")
    check(open(mark).read().split()[0] == str(verified) and
          os.stat(mark).st_mode & 0o777 == 0o600, "where it was found whole is kept")
    # Later events: verify checks those after the mark, --full all.
    rc, out = run("export", "-f", r.conf, ref, exp + "3")
    check(rc == 0, "a second export: %s" % out)
    r.stop()
    ids = [i for (i,) in r.sql("SELECT id FROM case_events ORDER BY id")]
    later = [i for i in ids if i > verified]
    check(len(later) >= 1, "the export's event after the mark: %s" % later)
    detail = r.scalar("SELECT detail FROM case_events WHERE id = ?", later[0])
    r.sql("UPDATE case_events SET detail = 'diubah' WHERE id = ?", later[0])
    rc, out = run("audit", "-f", r.conf, "verify")
    check(rc == 65 and ("event %d (%s" % (later[0], ref)) in out,
          "an edit after the mark named: %s" % out)
    r.sql("UPDATE case_events SET detail = ? WHERE id = ?", detail, later[0])
    rc, out = run("audit", "-f", r.conf, "verify")
    check(rc == 0 and ("%d event(s) sealed since #%d" % (len(later), verified)) in out,
          "only the events after the mark: %s" % out)
    r.sql("UPDATE case_events SET detail = 'diubah' WHERE id = ?", ids[3])
    rc, out = run("audit", "-f", r.conf, "verify")
    check(rc == 0 and "0 event(s) sealed since #%d" % later[-1] in out,
          "before the mark is not read again: %s" % out)
    rc, out = run("audit", "-f", r.conf, "verify", "--full")
    check(rc == 65 and ("event %d (%s" % (ids[3], ref)) in out,
          "an edit before the mark named by --full: %s" % out)
    r.sql("DELETE FROM case_events WHERE id = ?", ids[3])
    rc, out = run("audit", "-f", r.conf, "verify", "--full")
    check(rc == 65 and ("event %d " % ids[4]) in out, "a removal named: %s" % out)
    # The event the mark names removed: verify checks from the first.
    r.sql("DELETE FROM case_events WHERE id = ?", later[-1])
    rc, out = run("audit", "-f", r.conf, "verify")
    check(rc == 65 and ("event %d " % ids[4]) in out, "a cut mark checks all: %s" % out)
    rc, out = run("audit", "-f", r.conf, "check")
    check(rc == 64 and "usage" in out, "a wrong word: %s" % out)
