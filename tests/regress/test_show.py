# SPDX-License-Identifier: ISC
"""The admin's views read as one: `show` a header and a line per
happening in the order it was written, even within one second; one date
format (2026-12-31 23:30 WIB) in show, cases, status and outbox; `--json`
keeps every row; `cases` keeps its columns with a 60-character address."""

import json
import os
import re
import subprocess

from lib import (DOMAIN, ROOT, Robot, answer, application, both, check, disposition, outside,
                 subject_has)

# 60 characters, from outside the office, as applicants' addresses are.
LONG = "dra.siti.rahmawati.kasubbag.umum.kepegawaian.dinas@gmail.com"
BUDI = "budi@" + DOMAIN


def tool(r, *args):
    p = subprocess.run([os.path.join(ROOT, "disposisi"), args[0], "-f", r.conf] + list(args[1:]),
                       capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, "%s: %s" % (args, p.stderr))
    return p.stdout


def ordered(lines, wanted):
    """The index of each (who, what) in lines, in order, or a failure."""
    at, found = 0, []
    for who, what in wanted:
        for i in range(at, len(lines)):
            if re.match(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} WIB  %s\s+%s" % (re.escape(who),
                                                                         re.escape(what)), lines[i]):
                found.append(i)
                at = i + 1
                break
        else:
            raise AssertionError("no %r / %r after line %d in:\n%s"
                                 % (who, what, at, "\n".join(lines)))
    return found


def one_date_format(name, text):
    check(not re.search(r"\b\d{2}-\d{2}-\d{4}\b", text), "%s: a date as dd-mm-yyyy:\n%s"
          % (name, text))
    for m in re.finditer(r"\b\d{4}-\d{2}-\d{2}( \d{2}\D\d{2}( [A-Z]+)?)?", text):
        check(m.group(1) is None or re.match(r" \d{2}:\d{2} WIB$", m.group(1)),
              "%s: %r is not YYYY-MM-DD HH:MM WIB" % (name, m.group(0)))


def test_show_readable(sb):
    assert len(LONG) == 60
    r = Robot(sb, "show").start()
    # Without the KTP: the case opens and waits, its events and mail in
    # the second the mail came.
    sb.send(application(LONG, name="Siti Rahmawati", docs=["surat-permohonan.pdf",
                                                           "sk-terakhir.pdf", "sk-jabatan.pdf"]))
    ask = sb.wait_mail("outbound", both(outside(LONG), subject_has("belum lengkap")),
                       what="missing documents named")[0]
    siti = re.search(r"TTE-\d{4}-\d{5}", str(ask["Subject"])).group(0)
    sb.send(application(BUDI))
    d = sb.wait_mail("sekdis", subject_has("Disposisi permohonan"), what="disposition")[0]
    ref = re.search(r"TTE-\d{4}-\d{5}", str(d["Subject"])).group(0)
    # Two answers handled in one batch (the robot stopped while they
    # came): each mail's effects follow it, not the other mail.
    check(r.stop() == 0, "stopped")
    answer(sb, d, "sekdis", "Y", lmtp=True)
    answer(sb, d, "sekdis", "Y, sudah saya jawab", lmtp=True)
    r.start()
    disposition(sb, "kadis", ref)
    sb.wait_mail("sekdis", subject_has("sudah diproses"), what="the second answer told")

    # The rows of one handling share a second (and here two handlings
    # often do): the lines must still be in the order they were written.
    same = r.scalar("SELECT count(*) FROM case_events e JOIN inbound i ON i.case_id ="
                    " e.case_id AND i.received_at = e.at JOIN cases c ON c.id = e.case_id"
                    " WHERE c.ref = ?", ref)
    check(same >= 2, "events in the mail's second: %s" % same)
    show = tool(r, "show", ref)
    head, _, body = show.partition("\n\n")
    check(head.startswith(ref) and "Applicant:  Budi Santoso <%s>" % BUDI in head and
          "State:      open (proses) at step kadis" in head and
          re.search(r"Waits:      at step kadis on Kepala Dinas Kominfo <kadis@%s>\n"
                    r"\s+since \d{4}-\d{2}-\d{2} \d{2}:\d{2} WIB: \d+ office minutes of a"
                    r" standard \d+" % re.escape(DOMAIN), head) and
          re.search(r"ktp: \S+", head), "the header:\n%s" % head)
    lines = body.splitlines()
    ordered(lines, [("pemohon", "new application: case opened at step sekdis"),
                    ("robot", "documents recognised: "),
                    ("robot", "mailed tanda-terima to pemohon"),
                    ("robot", "now at step sekdis, disposition to Sekretaris Dinas Kominfo"),
                    ("Sekretaris Dinas Kominfo", "Y at step sekdis"),
                    ("robot", "not mailed (tercatat, step sekdis round 1: off by"),
                    ("robot", "now at step kadis, disposition to Kepala Dinas Kominfo"),
                    ("Sekretaris Dinas Kominfo", "answer to a step already decided"),
                    ("robot", "mailed sudah-diproses to Sekretaris Dinas Kominfo")])
    check(all(re.match(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} WIB  ", l) for l in lines),
          "every line begins with its time:\n%s" % body)
    check("Message-ID" not in show and not re.search(r"[0-9a-f]{64}", show),
          "identifiers and hashes only with -v")
    verbose = tool(r, "show", ref, "-v")
    check("Message-ID <%s>" % d["Message-ID"].strip().strip("<>") in verbose,
          "-v: the disposition's Message-ID")
    check(re.search(r"seal [0-9a-f]{64}", verbose), "-v: the seals")

    # --json: every row of every source, under the keys scripts use.
    shown = json.loads(tool(r, "show", ref, "--json"))
    rows = r.scalar("SELECT (SELECT count(*) FROM inbound WHERE case_id = c.id) +"
                    " (SELECT count(*) FROM outbox WHERE case_id = c.id) +"
                    " (SELECT count(*) FROM case_events WHERE case_id = c.id) +"
                    " (SELECT count(*) FROM dispatches WHERE case_id = c.id AND"
                    " answered_at IS NOT NULL) FROM cases c WHERE ref = ?", ref)
    check(len(shown["timeline"]) == rows and
          all({"time", "what", "who", "detail", "message_id"} <= set(e) for e in shown["timeline"])
          and {m for (m,) in r.sql("SELECT message_id FROM outbox")} & {
              e["message_id"] for e in shown["timeline"]} and
          shown["case"][0]["case"] == ref and len(shown["dispositions"]) == 2 and
          all(len(x["sha256"]) == 64 for x in shown["documents"]),
          "--json keeps everything: %d of %d rows" % (len(shown["timeline"]), rows))
    check([e["time"] for e in shown["timeline"]] == sorted(e["time"] for e in shown["timeline"]),
          "--json in time order")
    check(all(re.match(r"[0-9a-f]{64}$", e["seal"]) for e in shown["timeline"]
              if e["source"] == "event") and
          all(e["status"] == "sent" for e in shown["timeline"] if e["source"] == "out") and
          any(e["source"] == "answer" and e["inbound"] and e["step"] == "sekdis"
              for e in shown["timeline"]), "--json: seals, mail states, answers and their mail")

    # cases: the 60-character address cut, every column where its head is.
    cases = tool(r, "cases", "--all")
    rows = cases.splitlines()
    head = rows[0]
    cols = [head.index(h) for h in ("CASE", "APPLICANT", "SOP", "STEP", "WAITING ON", "SINCE",
                                    "MIN/STD")]
    check(len(rows) == 3, "two cases: %s" % cases)
    for row in rows[1:]:
        cells = [row[a:b].rstrip() for a, b in zip(cols, cols[1:] + [None])]
        check(all(c and row[p - 1] == " " for c, p in zip(cells, cols)) and
              cells[2] == "tte" and re.match(r"TTE-\d{4}-\d{5}$", cells[0]),
              "aligned under the heads:\n%s" % cases)
    long_row = [x for x in rows if siti in x][0]
    check(LONG not in long_row and "\u2026" in long_row and
          "pemohon" in long_row, "the long address cut, the applicant's turn: %s" % long_row)
    budi_row = [x for x in rows if ref in x][0]
    check(BUDI in budi_row and "kadis <kadis@" in budi_row and
          re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} WIB\s+\d+/\d+", budi_row),
          "an open case: on whom, since when, minutes: %s" % budi_row)

    # A closed case: its outcome and the day, no waiting-on.
    p = subprocess.run([os.path.join(ROOT, "disposisi"), "cancel", "-f", r.conf, siti,
                        "--reason", "Permohonan ganda"], capture_output=True, text=True)
    check(p.returncode == 0, p.stderr)
    closed = [x for x in tool(r, "cases", "--closed").splitlines() if siti in x]
    check(len(closed) == 1 and re.search(r"dibatalkan \d{4}-\d{2}-\d{2}\s", closed[0]),
          "closed: the outcome and its date: %s" % closed)
    gone = tool(r, "show", siti)
    check("State:      cancelled (dibatalkan) at step sekdis: Permohonan ganda" in gone and
          "Closed:" in gone and "Waits:" not in gone, "show of a cancelled case:\n%s" % gone)

    for name, text in (("show", show), ("show -v", verbose), ("cases", cases),
                       ("show cancelled", gone), ("status", tool(r, "status")),
                       ("outbox", tool(r, "outbox"))):
        one_date_format(name, text)
    check(r.alive(), "robot running")
