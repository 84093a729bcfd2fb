# SPDX-License-Identifier: ISC
"""Other ways to reach the server: IMAP with STARTTLS on 143-style ports,
and polling for servers without IDLE."""

import os

from lib import DOMAIN, Robot, application, check, subject_has, wait_until


def test_smtps_implicit_tls(sb):
    """Submission over implicit TLS (smtps, port 465 style)."""
    r = Robot(sb, "smtps", extra="smtp_port = %d\nsmtp_tls = implicit\n"
              % sb.port("SMTPS")).start()
    sb.send(application("budi@" + DOMAIN))
    sb.wait_mail("budi", subject_has("Tanda terima"), what="ack sent over smtps")
    check(r.scalar("SELECT count(*) FROM outbox WHERE status = 'sent'") == 2, "both sent")


def test_starttls_and_polling(sb):
    r = Robot(sb, "starttls", extra="imap_port = %d\nimap_tls = starttls\n"
              "imap_idle = no\nimap_poll_interval = 1\n" % sb.port("IMAP")).start()
    sb.send(application("budi@" + DOMAIN))
    sb.wait_mail("budi", subject_has("Tanda terima"), what="ack over STARTTLS + polling")
    check("polling every 1 s" in r.logtext(), "robot says it polls")
    # And a second message, found by the next poll.
    sb.send(application("siti@" + DOMAIN))
    sb.wait_mail("siti", subject_has("Tanda terima"), what="second ack by polling")
    check(r.scalar("SELECT count(*) FROM cases") == 2, "two cases")


# What Zimbra 8-10 advertises after login: IDLE and UIDPLUS, no MOVE.
ZIMBRA_CAPS = ("IMAP4rev1 ACL BINARY CATENATE CHILDREN CONDSTORE ENABLE ESEARCH ESORT I18NLEVEL=1"
               " ID IDLE LIST-EXTENDED LIST-STATUS LITERAL+ LOGIN-REFERRALS MULTIAPPEND NAMESPACE"
               " QRESYNC QUOTA RIGHTS=ektx SASL-IR SEARCHRES SPECIAL-USE UIDPLUS UNSELECT WITHIN")


def test_no_move_like_zimbra(sb):
    """Without MOVE (Zimbra) the robot copies, flags \\Deleted and expunges
    that UID only (UID EXPUNGE, UIDPLUS)."""
    c = sb.imap("tte")
    typ, caps = c.capability()
    c.logout()
    check(b"MOVE" not in caps[0].split(), "no MOVE advertised: %s" % caps)
    r = Robot(sb, "no_move").start()
    sb.send(application("budi@" + DOMAIN))
    sb.deliver(b"From: x@example.org\r\nSubject: iklan\r\n\r\nbeli\r\n")
    sb.wait_mail("budi", subject_has("Tanda terima"), what="ack")
    wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE imap_done = 1") == 2,
               "both archived")
    wait_until(lambda: sb.count("tte") == 0, "INBOX emptied by UID EXPUNGE")
    check(sb.count("tte", "Processed") == 1, "application copied to Processed")
    check(sb.count("tte", "Quarantine") == 1, "unknown sender copied to Quarantine")
    check(r.scalar("SELECT count(*) FROM cases") == 1, "one case")
    check(r.alive(), "robot running")


test_no_move_like_zimbra.sandbox_env = {"SANDBOX_IMAP_CAPABILITY": ZIMBRA_CAPS}


def test_mail_arriving_while_busy(sb):
    """Mail announced while the robot was busy with other mail is handled
    at once, not after the IDLE timeout (set here far beyond the wait)."""
    import time
    r = Robot(sb, "busy", extra="imap_idle_timeout = 600").start()
    wait_until(lambda: "INBOX selected" in r.logtext(), "robot in IDLE")
    for i in range(12):
        sb.send(application("budi@" + DOMAIN, subject="Permohonan %d" % i))
        time.sleep(0.07)
    wait_until(lambda: r.scalar("SELECT count(*) FROM cases") == 12,
               "all 12 handled well before the 600 s IDLE timeout", timeout=60)


def test_processed_folder_deleted(sb):
    """Someone deletes the Processed folder while the robot runs: it is
    made again and handled mail still leaves INBOX."""
    r = Robot(sb, "folder_gone").start()
    sb.send(application("budi@" + DOMAIN))
    sb.wait_mail("budi", subject_has("Tanda terima"), what="first ack")
    wait_until(lambda: sb.count("tte") == 0, "first message archived")
    c = sb.imap("tte")
    typ, _ = c.delete("Processed")
    c.logout()
    check(typ == "OK", "folder deleted")
    sb.send(application("siti@" + DOMAIN))
    sb.wait_mail("siti", subject_has("Tanda terima"), what="second ack")
    wait_until(lambda: sb.count("tte") == 0, "second message archived")
    check(sb.count("tte", "Processed") == 1, "Processed made again")
    check(r.alive(), "robot running")


def test_without_plus_addressing(sb):
    """For servers that do not deliver robot+tag@: reply_plus_address = no
    keeps the token out of the address; a reply still counts (the token
    is in In-Reply-To) and so does a new mail from a mailto link (the
    token is in the subject)."""
    import re
    import urllib.parse
    from email.message import EmailMessage
    from lib import ROBOT, body_text, reply_to
    r = Robot(sb, "no_plus", extra="reply_plus_address = no").start()
    sb.send(application("budi@" + DOMAIN))
    disp = sb.wait_mail("sekdis", subject_has("Disposisi"), what="disposition")[0]
    check(ROBOT in str(disp["Reply-To"]) and "+" not in str(disp["Reply-To"]),
          "plain Reply-To: %s" % disp["Reply-To"])
    sb.send(reply_to(disp, "sekdis@" + DOMAIN, "Y"))
    kadis = sb.wait_mail("kadis", subject_has("Disposisi"), what="Y by reply")[0]
    # Kadis uses the T link: a brand-new mail built from the mailto URL.
    link = re.search(r"Tolak \(T\): (mailto:\S+)", body_text(kadis)).group(1)
    u = urllib.parse.urlparse(link)
    q = urllib.parse.parse_qs(u.query)
    m = EmailMessage()
    m["From"] = "kadis@" + DOMAIN
    m["To"] = u.path
    m["Subject"] = q["subject"][0]
    m.set_content(q["body"][0] + "berkas belum lengkap")
    sb.send(m)
    sb.wait_mail("budi", subject_has("tidak dapat diteruskan"), what="T by mailto link")
    check(r.sql("SELECT state, reason FROM cases") == [("ditolak", "berkas belum lengkap")],
          "case stopped with the reason from the link mail")


def submission_log(sb, what, since=0):
    """How many times Postfix's submission service logged what, from
    byte since of its log on."""
    with open(sb.dir + "/log/postfix.log", errors="replace") as f:
        f.seek(since)
        return sum(1 for line in f if "/submission/smtpd[" in line and what in line)


def test_smtp_session_kept(sb):
    """The SMTP session outlives an outbox drain: the mail of two
    applications goes over one connection. A Postfix restart cuts it and
    the next mail reconnects; after smtp_idle_max it is closed (QUIT) and
    the next mail opens a new one. Every mail goes out once."""
    users = ["budi", "siti", "andi"]
    log = sb.dir + "/log/postfix.log"
    r = Robot(sb, "smtp_kept", extra="smtp_idle_max = 8\n").start()
    wait_until(lambda: "INBOX selected" in r.logtext(), "robot ready")

    def apply(i):
        sb.send(application("%s@%s" % (users[i], DOMAIN), subject="Permohonan %d" % i))
        wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status = 'sent'")
                   == 2 * (i + 1), "both mails of application %d sent" % i)

    # Counted from here on: the sandbox's own probes of the port are not the robot's.
    since = os.path.getsize(log)
    apply(0)
    apply(1)
    check(r.logtext().count("outbox: 2 mail(s) due") == 2, "two drains")
    n = submission_log(sb, " connect from ", since)
    check(n == 1, "two drains, one connection: %d" % n)
    check("closing the session" not in r.logtext(), "not idle yet")
    sb.fault("smtp-restart")
    since = os.path.getsize(log)
    apply(2)
    n = r.logtext().count("SMTP: connected to")
    check(n == 2, "one new connection after the restart: %d" % n)
    wait_until(lambda: "SMTP: closing the session, idle for" in r.logtext(),
               "session closed after smtp_idle_max")
    wait_until(lambda: submission_log(sb, "quit=1", since) == 1, "the idle session ended with QUIT")
    users.append("pemohon")
    apply(3)
    n = r.logtext().count("SMTP: connected to")
    check(n == 3, "a new connection after the idle limit: %d" % n)
    for u in users:
        acks = sb.wait_mail(u, subject_has("Tanda terima"))
        check(len(acks) == 1, "one acknowledgement for %s: %d" % (u, len(acks)))
    disp = sb.wait_mail("sekdis", n=4)
    check(len(disp) == 4 and len(set(m["Message-ID"] for m in disp)) == 4,
          "four dispositions, each once: %d" % len(disp))
