# SPDX-License-Identifier: ISC
"""An installed robot upgrades in place: a database of the first schema
(cases on the five-step chain by index) is migrated at start, its open
case keeps its place by name, the indexes of every later version are
there, and the answer to a disposition sent before the upgrade still
counts."""

import sqlite3
import time
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from lib import DOMAIN, ROBOT, Robot, check, subject_has, wait_until

# The first schema, as version 1 of the program created it.
V1 = """
CREATE TABLE mailbox_state (mailbox TEXT PRIMARY KEY, uidvalidity INTEGER NOT NULL,
  last_uid INTEGER NOT NULL);
CREATE TABLE inbound (id INTEGER PRIMARY KEY, mailbox TEXT NOT NULL,
  uidvalidity INTEGER NOT NULL, uid INTEGER NOT NULL, sha256 TEXT UNIQUE, message_id TEXT,
  sender TEXT, subject TEXT, kind TEXT NOT NULL, folder TEXT NOT NULL, note TEXT,
  case_id INTEGER REFERENCES cases(id), imap_done INTEGER NOT NULL DEFAULT 0,
  received_at INTEGER NOT NULL, UNIQUE (mailbox, uidvalidity, uid));
CREATE INDEX inbound_pending ON inbound(mailbox, imap_done);
CREATE TABLE case_seq (year INTEGER PRIMARY KEY, last INTEGER NOT NULL);
CREATE TABLE cases (id INTEGER PRIMARY KEY, ref TEXT UNIQUE NOT NULL,
  applicant TEXT NOT NULL, applicant_name TEXT, subject TEXT, root_message_id TEXT,
  state TEXT NOT NULL, step INTEGER NOT NULL, reason TEXT, opened_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL);
CREATE TABLE documents (id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES
  cases(id), filename TEXT NOT NULL, content_type TEXT, sha256 TEXT NOT NULL,
  path TEXT NOT NULL, size INTEGER NOT NULL);
CREATE TABLE dispatches (id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES
  cases(id), step INTEGER NOT NULL, role TEXT NOT NULL, official TEXT NOT NULL,
  token TEXT UNIQUE NOT NULL, message_id TEXT NOT NULL, sent_at INTEGER NOT NULL,
  answered_at INTEGER, verdict TEXT, reason TEXT, inbound_id INTEGER REFERENCES inbound(id));
CREATE TABLE case_events (id INTEGER PRIMARY KEY, case_id INTEGER REFERENCES cases(id),
  at INTEGER NOT NULL, actor TEXT, event TEXT NOT NULL, detail TEXT);
CREATE TABLE outbox (id INTEGER PRIMARY KEY, case_id INTEGER REFERENCES cases(id),
  kind TEXT NOT NULL, rcpt TEXT NOT NULL, message_id TEXT UNIQUE NOT NULL, path TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'queued', attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL, smtp_code INTEGER, last_error TEXT,
  created_at INTEGER NOT NULL, sent_at INTEGER);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
PRAGMA user_version=1;
"""
TOKEN = "0123456789abcdef0123"


def test_upgrade_keeps_open_cases(sb):
    r = Robot(sb, "migrate")
    db = sqlite3.connect(r.db)
    db.executescript(V1)
    db.execute("INSERT INTO cases VALUES (1, 'TTE-2026-00001', 'budi@%s', 'Budi', 'Permohonan',"
               " 'root@x', 'proses', 1, NULL, 0, 0)" % DOMAIN)
    db.execute("INSERT INTO cases VALUES (2, 'TTE-2026-00002', 'siti@%s', 'Siti', 'Permohonan',"
               " 'root2@x', 'disposisi-selesai', 4, NULL, 0, 0)" % DOMAIN)
    # A case closed before version 5: retention counts from its last change.
    closed = int(time.time()) - 86400
    db.execute("INSERT INTO cases VALUES (3, 'TTE-2026-00003', 'andi@%s', 'Andi', 'Permohonan',"
               " 'root3@x', 'ditolak', 2, 'berkas palsu', 0, ?)" % DOMAIN, (closed,))
    db.execute("INSERT INTO dispatches VALUES (1, 1, 1, 'kadis', 'kadis@%s', ?, 'm', 0, NULL,"
               " NULL, NULL, NULL)" % DOMAIN, (TOKEN,))
    db.execute("INSERT INTO case_events VALUES (1, 1, 0, 'sekdis@%s', 'Y', 'lama')" % DOMAIN)
    db.commit()
    db.close()
    r.start()
    wait_until(lambda: "schema upgraded from version 1 to 2" in r.logtext(), "upgrade logged")
    check(r.sql("SELECT state, step_name, round FROM cases WHERE id < 3 ORDER BY id") ==
          [("proses", "kadis", 1), ("proses", "email-dinas", 1)],
          "open cases keep their place by name: %s" % r.sql("SELECT * FROM cases"))
    wait_until(lambda: "schema upgraded from version 13 to 14" in r.logtext(), "last step logged")
    check(r.scalar("PRAGMA user_version") == 14, "schema version 14, step by step")
    check(r.scalar("SELECT count(*) FROM confirmations") == 0, "the confirmations table made")
    check(r.scalar("SELECT count(*) FROM confirmation_docs") == 0, "and the table of their files")
    check("schema upgraded from version 3 to 4" in r.logtext(), "each step logged")
    # Version 6: an index behind every lookup; three replace narrower ones.
    idx = dict(r.sql("SELECT name, sql FROM sqlite_master WHERE type = 'index'"
                     " AND sql IS NOT NULL"))
    for name in ("cases_state", "cases_opened", "cases_name", "inbound_sender", "outbox_rcpt",
                 "outbox_unsent", "outbox_case", "case_events_case"):
        check(name in idx, "index %s made by the upgrade: %s" % (name, sorted(idx)))
    check("cases_expires" not in idx, "cases_expires replaced by cases_state")
    # Then AMS notices kept on a case until their step (case_notices).
    check("case_notices_case" in idx, "kept notices looked up by case")
    check(r.scalar("SELECT count(*) FROM case_notices") == 0, "no notice kept yet")
    check("created_at" in idx["outbox_case"] and "event" in idx["case_events_case"],
          "outbox_case and case_events_case widened: %s" % idx)
    check(r.sql("SELECT id, closed_at, purged_at FROM cases ORDER BY id") ==
          [(1, None, None), (2, None, None), (3, closed, None)],
          "a closed case's close time from its last change, nothing purged")

    # The Head answers the disposition mailed before the upgrade.
    m = EmailMessage()
    m["From"] = "kadis@" + DOMAIN
    m["To"] = "tte+tte-2026-00001.%s@%s" % (TOKEN, DOMAIN)
    m["Subject"] = "Re: [TTE-2026-00001] Disposisi permohonan Sertifikat Elektronik: Budi"
    m["Date"] = formatdate(localtime=True)
    m["Message-ID"] = make_msgid(domain=DOMAIN)
    m["In-Reply-To"] = "<tte-2026-00001.%s@%s>" % (TOKEN, DOMAIN)
    m.set_content("Y\n")
    sb.send(m, rcpts=[ROBOT])
    sb.wait_mail("kabid.persandian", subject_has("[TTE-2026-00001] Disposisi"),
                 what="the old token still counts")
    check(r.sql("SELECT state, step_name FROM cases WHERE id = 1") == [("proses", "kabid")],
          "moved on by name")
    import subprocess
    from lib import ROOT
    out = subprocess.run([ROOT + "/disposisi", "audit", "-f", r.conf, "verify"],
                         capture_output=True, text=True).stdout
    check("the trail is whole; 1 earlier event(s) from before the seal" in out,
          "events from before the seal counted apart: %s" % out)
