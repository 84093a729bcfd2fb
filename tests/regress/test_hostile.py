# SPDX-License-Identifier: ISC
"""Hostile mail through the real path: traversal file names, broken MIME
structure, deep nesting, header floods, NUL bytes, lying encodings. Every
one ends recorded and moved, the robot keeps running, nothing is written
outside its spool, and the next good message is handled."""

import os
import re
import signal

from lib import DOMAIN, Robot, application, check, subject_has, wait_until

B = "budi@" + DOMAIN


def hostile():
    yield (b"From: " + B.encode() + b"\r\nSubject: traversal\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\n"
           b"lampiran\r\n--x\r\nContent-Type: application/pdf\r\n"
           b"Content-Disposition: attachment; filename=\"../../../../tmp/dsx-pwned\"\r\n"
           b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--x\r\n"
           b"Content-Type: application/pdf\r\nContent-Disposition: attachment;"
           b" filename*=UTF-8''%2E%2E%2F%2E%2E%2Fetc%2Fpasswd%00.pdf\r\n\r\nxx\r\n--x--\r\n")
    yield (b"From: " + B.encode() + b"\r\nSubject: no boundary\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: multipart/mixed\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nY\r\n")
    nested = b"Y\r\n"
    for i in range(200):
        nested = (b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (i, i)
                  + nested + b"\r\n--b%d--\r\n" % i)
    yield b"From: " + B.encode() + b"\r\nSubject: nested\r\nMIME-Version: 1.0\r\n" + nested
    yield (b"From: " + B.encode() + b"\r\nSubject: flood\r\n"
           + b"".join(b"X-Junk-%d: %s\r\n" % (i, b"a" * 900) for i in range(3000)) + b"\r\nY\r\n")
    yield (b"From: " + B.encode() + b"\r\nSubject: nul\x00byte\r\nContent-Type: text/plain;"
           b" charset=utf-16\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\x00\r\n")
    yield (b"From: =?UTF-8?B?////?= <" + B.encode() + b">\r\nSubject: =?x-unknown?Q?=FF=FE?=\r\n"
           b"Content-Type: text/plain; charset=x-unknown-charset\r\n\r\n\xff\xfe\xfd T\r\n")
    yield (b"From: <>\r\nSubject: empty from\r\n\r\nY\r\n")
    yield (b"From: a@b@c, , <@>\r\nTo: ;;;\r\nSubject: bad addresses\r\n\r\nY\r\n")
    yield b"\r\n\r\n\r\n"
    yield (b"From: " + B.encode() + b"\r\nSubject: long line\r\n\r\n" + b"Y" * 2000000 + b"\r\n")


def test_hostile_mail(sb):
    r = Robot(sb, "hostile").start()
    msgs = list(hostile())
    for raw in msgs:
        sb.deliver(raw)
    sb.send(application("siti@" + DOMAIN, name="Siti"))
    sb.wait_mail("siti", subject_has("Tanda terima"), what="good application after hostile mail")
    wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE imap_done = 1")
               == len(msgs) + 1, "every message recorded and moved")
    check(sb.count("tte") == 0, "INBOX emptied")
    check(r.alive(), "robot survived")
    check(not os.path.exists("/tmp/dsx-pwned"), "no file written outside the spool")
    told = [m for m in sb.messages("budi") if "lampiran tidak ada" in str(m["Subject"])]
    check(len(told) == 3, "missing-attachment answers limited to 3 a day: %d" % len(told))
    names = [n for (n,) in r.sql("SELECT filename FROM documents")]
    check(all("/" not in n for n in names), "document names are no paths: %s" % names)
    spool = os.path.join(r.dir, "spool")
    for root, dirs, files in os.walk(spool):
        for f in files:
            check(len(f) == 64 or root.endswith("tmp"), "spool names are digests: %s" % f)


def test_programs_and_winmail(sb):
    """An application carrying a program is never forwarded (quarantined,
    no answer); one whose only attachment is winmail.dat is no
    application: the sender is told what to attach."""
    r = Robot(sb, "programs").start()
    bad = application(B, subject="Permohonan dengan program", n_att=1)
    bad.add_attachment(b"MZ\x90\x00", maintype="application", subtype="octet-stream",
                       filename="scan_ktp.pdf.exe")
    sb.send(bad)
    tnef = application(B, subject="Permohonan dari Outlook", n_att=0)
    tnef.add_attachment(b"\x78\x9f\x3e\x22", maintype="application", subtype="ms-tnef",
                        filename="winmail.dat")
    sb.send(tnef)
    told = sb.wait_mail("budi", subject_has("lampiran tidak ada"), what="told what to attach")[0]
    from lib import body_text
    check("winmail.dat" in body_text(told), "the notice explains winmail.dat")
    wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE imap_done = 1") == 2,
               "both handled")
    check(r.scalar("SELECT count(*) FROM cases") == 0, "no case opened")
    note = r.scalar("SELECT note FROM inbound WHERE folder = 'Quarantine'")
    check(note and "program" in note, "program quarantined with a reason: %s" % note)
    check(sb.count("sekdis") == 0, "nothing forwarded to officials")
    check(len(sb.messages("budi")) == 1, "no answer to the mail with the program")


def test_forged_sender_with_auth_serv_id(sb):
    """With auth_serv_id set, only mail the border MTA authenticated for
    its From domain opens or decides a case; forged or unauthenticated
    mail is quarantined without an answer."""
    from lib import reply_to
    r = Robot(sb, "auth", extra="auth_serv_id = mail.%s\nauth_require_internal = yes"
              % DOMAIN).start()
    good = "mail.%s; dkim=pass header.d=%s header.s=zimbra" % (DOMAIN, DOMAIN)
    forged = "evil.example; dkim=pass header.d=%s" % DOMAIN
    a = application("siti@" + DOMAIN, subject="tanpa A-R")
    sb.deliver(a.as_bytes())
    a = application("andi@" + DOMAIN, subject="A-R palsu")
    a["Authentication-Results"] = forged
    sb.deliver(a.as_bytes())
    a = application(B, subject="asli")
    a["Authentication-Results"] = good
    sb.deliver(a.as_bytes())
    disp = sb.wait_mail("sekdis", subject_has("Disposisi"), what="disposition")[0]
    # A forged Y with the right token but no authentication: no decision.
    y = reply_to(disp, "sekdis@" + DOMAIN, "Y")
    sb.deliver(y.as_bytes())
    wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE imap_done = 1") == 4,
               "all handled")
    check(r.scalar("SELECT count(*) FROM cases") == 1, "one case, the authenticated one")
    check(r.scalar("SELECT applicant FROM cases") == B, "opened for budi")
    check(r.sql("SELECT state, step_name FROM cases") == [("proses", "sekdis")], "unauthenticated Y ignored")
    notes = [n for (n,) in r.sql("SELECT note FROM inbound WHERE folder = 'Quarantine'")]
    check(len(notes) == 3 and all("authenticat" in n.lower() or "Authentication-Results" in n
                                  for n in notes), "reasons: %s" % notes)
    check(sb.count("siti") == 0 and sb.count("andi") == 0, "no answer to the unauthenticated")
    # The same Y, authenticated, decides.
    y = reply_to(disp, "sekdis@" + DOMAIN, "Y")
    y["Authentication-Results"] = "mail.%s; spf=pass smtp.mailfrom=sekdis@%s" % (DOMAIN, DOMAIN)
    sb.deliver(y.as_bytes())
    sb.wait_mail("kadis", subject_has("Disposisi"), what="authenticated Y decides")


def test_applicant_text_stays_text(sb):
    """A display name and a subject carrying links and encoded tabs reach
    the officials on one line each, with no link a client could follow:
    only the robot's own Y/T links are live. (Encoded line breaks are
    refused outright: test_encoded_line_breaks_and_paths_refused.)"""
    import base64
    import re
    from lib import ROBOT, body_text
    r = Robot(sb, "inert_text").start()

    def ew(s):
        return b"=?utf-8?b?" + base64.b64encode(s.encode()) + b"?="
    raw = application("siti@" + DOMAIN).as_bytes()
    name = ew("Siti\t\tBalas Y: mailto:%s?subject=Y" % ROBOT)
    subj = b"Permohonan Sertifikat Elektronik https://evil.example/p " + ew("\tKlik di sini")
    raw = re.sub(rb"(?m)^From: .*$", b"From: " + name + b" <siti@" + DOMAIN.encode() + b">", raw)
    raw = re.sub(rb"(?m)^Subject: .*$", b"Subject: " + subj, raw)
    sb.deliver(raw)
    d = sb.wait_mail("sekdis", subject_has("Disposisi"), what="disposition")[0]
    html = d.get_body(preferencelist=("html",)).get_content()
    hrefs = re.findall(r'href="([^"]*)"', html)
    check(hrefs and all(h.startswith("mailto:tte+") for h in hrefs),
          "only the robot's own links are live: %s" % hrefs)
    text = body_text(d)
    check("evil.example" in text and "https://evil" not in text, "the link defused in text")
    check("mailto[:]" in text and "\tBalas Y" not in text and "\tKlik di sini" not in text,
          "the name and subject kept on one line, tabs flattened")
    check("\n" not in str(d["Subject"]) and "Balas Y" in str(d["Subject"]),
          "one-line subject: %r" % str(d["Subject"]))
    check(r.alive(), "robot running")


def test_limits_before_work(sb):
    """Mail built to wear out a parser is refused before it is parsed or
    written out: each lands in Quarantine with the limit it broke, no
    part of it reaches the spool, and the mail behind it is handled."""
    r = Robot(sb, "limits")
    with open(r.conf, "a") as f:
        f.write("mime_max_parts = 50\n")
    r.start()
    head = b"From: " + B.encode() + b"\r\nSubject: Permohonan Sertifikat Elektronik\r\n"
    parts = b"".join(b"--p\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment;"
                     b" filename=\"ktp%d.pdf\"\r\n\r\n%%PDF-1.4\r\n" % i for i in range(60))
    nested = b"Y\r\n"
    for i in range(30):
        nested = (b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (i, i)
                  + nested + b"\r\n--b%d--\r\n" % i)
    tiny = b"".join(b"--p\r\nContent-Type: text/plain\r\n\r\nx\r\n" for i in range(5000))
    bad = [
        (head + b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=p\r\n\r\n"
         + tiny + b"--p--\r\n", "more than 300 lines begin with"),
        (head + b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=p\r\n\r\n"
         + parts + b"--p--\r\n", "mime_max_parts (50)"),
        (head + b"MIME-Version: 1.0\r\n" + nested, "mime_max_depth (20)"),
        (head + b"X-Big: " + b"a" * 9000 + b"\r\n\r\nY\r\n", "header_max_line"),
        (head + b"".join(b"X-Junk-%d: %s\r\n" % (i, b"a" * 900) for i in range(1200))
         + b"\r\nY\r\n", "header_max_size"),
        (head + b"\r\nY\rT\r\n", "CR without LF"),
        (head + b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=p\r\n\r\n"
         b"--p\r\nContent-Type: text/plain\r\n\r\nY\r\n", "closing boundary never comes"),
    ]
    for raw, _ in bad:
        sb.deliver(raw)
    sb.send(application("siti@" + DOMAIN, name="Siti"))
    sb.wait_mail("siti", subject_has("Tanda terima"), what="the good mail behind")
    wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE imap_done = 1")
               == len(bad) + 1, "every message recorded and moved")
    notes = [n for (n,) in r.sql("SELECT note FROM inbound WHERE folder = 'Quarantine'")]
    for _, why in bad:
        check(any(why in n for n in notes), "refused for %s: %s" % (why, notes))
    docs = os.listdir(os.path.join(r.dir, "spool", "doc"))
    check(len(docs) == r.scalar("SELECT count(*) FROM documents"),
          "no part of a refused message in the spool: %d files" % len(docs))
    check(len(sb.messages("budi")) == 0 and sb.count("sekdis") == 1,
          "no answer to the refused, the good one forwarded")
    # Dovecot turns NUL into 0x80; an MTA pipe hands it over as it is.
    import subprocess
    from lib import ROOT
    p = subprocess.run([ROOT + "/disposisi", "ingest", "-f", r.conf],
                       input=head + b"\r\nY\x00\r\n", capture_output=True)
    check(p.returncode == 0, "ingest records it: %s" % p.stderr)
    check(r.scalar("SELECT count(*) FROM inbound WHERE note LIKE '%NUL byte%'") == 1,
          "refused for its NUL byte")
    check(r.alive(), "robot running")


def test_parser_child_confined(sb):
    """The parser runs in a confined child: one that reaches for the
    database or the network dies, one that crashes or hangs costs only its
    message, quarantined with the reason; the robot goes on."""
    r = Robot(sb, "jail", extra="parse_timeout = 2")
    faults = [({"DISPOSISI_PARSER_FAULT": "escape", "DISPOSISI_PARSER_FAULT_FILE": r.db},
               "signal 31"),
              ({"DISPOSISI_PARSER_FAULT": "crash"}, "signal 6"),
              ({"DISPOSISI_PARSER_FAULT": "hang"}, "parse_timeout")]
    for i, (env, why) in enumerate(faults):
        r.start(env=env)
        sb.send(application("budi@" + DOMAIN, subject="Permohonan %d" % i))
        wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE imap_done = 1")
                   == i + 1, "message %d recorded and moved" % i)
        note = r.scalar("SELECT note FROM inbound ORDER BY id DESC LIMIT 1")
        check(why in note, "quarantined for its parser: %s" % note)
        check(r.alive(), "robot survived a parser that %s" % env["DISPOSISI_PARSER_FAULT"])
        r.stop()
    check(sb.count("tte", "Quarantine") == len(faults), "each one quarantined")
    check(r.scalar("SELECT count(*) FROM cases") == 0, "none acted on")
    r.start()
    sb.send(application("siti@" + DOMAIN, name="Siti"))
    sb.wait_mail("siti", subject_has("Tanda terima"), what="a good application afterwards")
    # The parser process itself killed: started again at the next message.
    def parser(pid):
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f, open("/proc/%s/stat" % pid) as g:
                return (f.read().startswith(b"disposisi-parser") and
                        g.read().rsplit(")", 1)[1].split()[1] == str(r.proc.pid))
        except OSError:
            return False        # gone meanwhile
    parsers = [p for p in os.listdir("/proc") if p.isdigit() and parser(p)]
    check(len(parsers) == 1, "one parser process, the robot's child: %s" % parsers)
    os.kill(int(parsers[0]), signal.SIGKILL)
    sb.send(application("andi@" + DOMAIN, name="Andi"))
    sb.wait_mail("andi", subject_has("Tanda terima"), what="an application after the parser died")
    tmp = os.path.join(r.dir, "spool", "tmp")
    check(os.listdir(tmp) == [], "no work directory left: %s" % os.listdir(tmp))


def test_parser_that_cannot_run_stops_the_start(sb):
    """A parser child that cannot confine itself would fail every message:
    the robot says so at start and exits 78 (config) instead."""
    r = Robot(sb, "jailfail", extra="parse_user = no-such-user").start()
    rc = r.proc.wait(timeout=30)
    check(rc == 78, "exit status 78: %s" % rc)
    check("the parser child cannot run here" in r.logtext() and "no-such-user" in r.logtext(),
          "the reason logged")
    check(sb.count("tte", "Quarantine") == 0, "nothing taken")


def test_encoded_line_breaks_and_paths_refused(sb):
    """Encoded words that decode to a line break in a header the robot
    copies (Subject, the sender's name) and file names that decode to a way
    up a path are refused before any part is written; a long folded
    Subject, as Outlook writes it, is not."""
    import base64
    r = Robot(sb, "encwords").start()

    def b64(s):
        return "=?UTF-8?B?%s?=" % base64.b64encode(s.encode()).decode()

    bad = [("Subject", b64("Permohonan TTE\r\nBcc: semua@muaraenimkab.go.id"), "the Subject"),
           ("From", "%s <budi@%s>" % (b64("Budi\nKlik Y di sini"), DOMAIN), "sender's name")]
    for header, value, why in bad:
        # Written as bytes: Python's own headers would decode the words.
        raw = application("budi@" + DOMAIN).as_bytes()
        raw = re.sub(rb"(?m)^" + header.encode() + rb": .*$",
                     (header + ": " + value).encode(), raw, count=1)
        sb.deliver(raw)
        wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE note LIKE ?",
                                    "%" + why + "%") == 1, "refused: " + why)
    m = application("budi@" + DOMAIN, docs=[])
    m.add_attachment(b"%PDF-1.4 x", maintype="application", subtype="pdf",
                     filename="..\\..\\windows\\ktp.pdf")
    sb.send(m)
    wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE note LIKE ?",
                                "%path up%") == 1, "refused: a file name climbing a path")
    check(r.scalar("SELECT count(*) FROM documents") == 0, "no part written")
    folded = application("siti@" + DOMAIN, name="Siti",
                         subject="Permohonan Penerbitan Sertifikat Elektronik untuk "
                                 "Pejabat Struktural Dinas Komunikasi dan Informatika "
                                 "Kabupaten Muara Enim — Tahun Anggaran 2026")
    sb.send(folded)
    sb.wait_mail("siti", subject_has("Tanda terima"), what="a long folded Subject taken")
    check(sb.count("tte", "Quarantine") == 3, "three quarantined")


def test_trusted_results_read_by_the_robot(sb):
    """The trusted MTA's Authentication-Results decide whether a From is
    real; the robot reads them from the raw message itself, not from the
    parser child, so a child taken over by its message cannot drop them."""
    r = Robot(sb, "authres", extra="auth_serv_id = mail.%s" % DOMAIN).start()
    for verdict, who in (("fail", "budi"), ("pass", "siti")):
        raw = application("%s@%s" % (who, DOMAIN), name=who.title()).as_bytes()
        ar = ("Authentication-Results: mail.%s;\r\n\tspf=%s smtp.mailfrom=%s;\r\n"
              "\tdmarc=%s header.from=%s\r\n" % (DOMAIN, verdict, DOMAIN, verdict, DOMAIN))
        sb.deliver(ar.encode() + raw)
    sb.wait_mail("siti", subject_has("Tanda terima"), what="the authenticated one taken")
    wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE imap_done = 1") == 2,
               "both recorded and moved")
    note = r.scalar("SELECT note FROM inbound WHERE sender LIKE 'budi%'")
    check("failed authentication" in note, "the forged one refused: %s" % note)
    check(r.scalar("SELECT count(*) FROM cases") == 1, "one case")
