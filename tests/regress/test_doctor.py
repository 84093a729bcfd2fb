# SPDX-License-Identifier: ISC
"""`disposisi doctor` against the sandbox: healthy, every line ok and exit
0; then each fault made on purpose, each naming its problem in a FAIL line
and exiting non-zero."""

import os
import shutil
import subprocess
import time

from lib import DOMAIN, ROOT, Robot, check

AUTHSERV = "mail." + DOMAIN
# The robot's today: 1 December 2026, so that the next 12 months are what
# rules/ holds holidays for (2026 and 2027) whenever the test runs.
TODAY = time.mktime((2026, 12, 1, 10, 0, 0, 0, 0, -1))


def doctor(r, env=None):
    """Runs doctor on the robot's config: (exit status, output lines)."""
    e = dict(os.environ, DISPOSISI_CLOCK_OFFSET=str(int(TODAY - time.time())))
    e.update(env or {})
    p = subprocess.run([os.path.join(ROOT, "disposisi"), "doctor", "-f", r.conf],
                       cwd=r.dir, env=e, capture_output=True, text=True, timeout=180)
    return p.returncode, p.stdout.splitlines(), p.stderr


def healthy(sb, name, extra=""):
    """The sandbox's MTA stamps Authentication-Results as auth_serv_id says."""
    sb.fault("auth-results", AUTHSERV)
    return Robot(sb, name, extra="auth_serv_id = %s\n%s" % (AUTHSERV, extra))


def failed(r, what, words, env=None):
    """doctor exits non-zero with a FAIL line for what holding words."""
    rc, out, err = doctor(r, env)
    text = "\n".join(out) + "\n" + err
    lines = [l for l in out if l.startswith("FAIL %s:" % what)]
    check(rc != 0, "doctor exit %d with a fault in %s:\n%s" % (rc, what, text))
    check(lines and all(w in lines[0] for w in words),
          "a FAIL line for %s naming %s:\n%s" % (what, words, text))
    return out


def test_doctor_healthy(sb):
    r = healthy(sb, "dr_ok")
    rc, out, err = doctor(r)
    text = "\n".join(out) + "\n" + err
    check(rc == 0, "exit 0 when healthy:\n" + text)
    checks = out[:-1]
    check(len(checks) >= 12 and all(l.startswith("ok   ") for l in checks),
          "every line ok:\n" + text)
    for what in ("config", "rules", "holidays", "database", "spool", "parser", "IMAP login",
                 "IMAP IDLE", "SMTP login", "envelope sender", "plus-addressing",
                 "Authentication-Results", "clock"):
        check(any(l.startswith("ok   %s:" % what) for l in checks), what + " checked:\n" + text)
    check(out[-1].startswith("PASSED"), "summary:\n" + text)
    # The test mail was moved out of the INBOX to the processed folder.
    check(sb.count("tte") == 0, "no test mail left in the INBOX")
    check(sb.count("tte", "Processed") == 1, "the test mail filed in Processed")


def test_doctor_running_robot_ignores_test_mail(sb):
    r = healthy(sb, "dr_robot").start(clock=TODAY)
    time.sleep(1)
    rc, out, err = doctor(r)
    check(rc == 0, "doctor beside a running robot:\n" + "\n".join(out) + err)
    r.stop()
    # Whoever took it from the INBOX, the robot or doctor, filed it once;
    # the robot, if it did, as its own mail, ignored.
    check(sb.count("tte", "Processed") == 1, "the test mail filed in Processed")
    kinds = r.sql("SELECT kind FROM inbound")
    check(all(k == ("ignored",) for k in kinds), "the robot ignored it: %s" % kinds)
    check(r.scalar("SELECT count(*) FROM cases") == 0, "no case from the test mail")
    check(r.scalar("SELECT count(*) FROM outbox") == 0, "no answer to the test mail")


def test_doctor_imap_password(sb):
    r = healthy(sb, "dr_imappw", extra="imap_password_file = wrong")
    with open(os.path.join(r.dir, "wrong"), "w") as f:
        f.write("not-the-password\n")
    os.chmod(os.path.join(r.dir, "wrong"), 0o600)
    failed(r, "IMAP login", ["LOGIN", "imap_password_file"])


def test_doctor_smtp_closed(sb):
    r = healthy(sb, "dr_smtp")
    sb.fault("smtp-down")
    failed(r, "SMTP", ["%d" % sb.port("SUBMISSION"), "smtp_port"])


def test_doctor_no_plus_addressing(sb):
    r = healthy(sb, "dr_plus")
    sb.fault("plus-addressing", "off")
    failed(r, "plus-addressing", ["tte+doctor-", "recipient delimiter"])


def test_doctor_database_mode(sb):
    r = healthy(sb, "dr_dbmode")
    with open(r.db, "wb"):
        pass
    os.chmod(r.db, 0o644)
    failed(r, "database", ["0644", "chmod 600"])


def test_doctor_spool_mode(sb):
    r = healthy(sb, "dr_spool")
    os.makedirs(os.path.join(r.dir, "spool"))
    os.chmod(os.path.join(r.dir, "spool"), 0o755)
    failed(r, "spool", ["0755", "chmod 700"])


def test_doctor_wrong_ca(sb):
    r = healthy(sb, "dr_ca", extra="imap_ca_file = /etc/ssl/certs/ca-certificates.crt")
    failed(r, "CA", ["imap_ca_file"])


def test_doctor_holidays_missing(sb):
    rules = os.path.join(sb.dir, "rules")
    shutil.copytree(os.path.join(ROOT, "rules"), rules)
    os.unlink(os.path.join(rules, "libur-2027.conf"))
    r = healthy(sb, "dr_holiday", extra="rules_dir = " + rules)
    failed(r, "holidays", ["2027", "libur-2027.conf"])


def test_doctor_no_authentication_results(sb):
    r = Robot(sb, "dr_noar", extra="auth_serv_id = " + AUTHSERV)
    failed(r, "Authentication-Results", [AUTHSERV, "none"])


def test_doctor_envelope_sender(sb):
    """The submission server lets the robot send only as tte@, not as the
    tte+bounce-N@ the outbox uses: Postfix refuses at RCPT, so doctor
    tells it from a missing recipient delimiter by a second try."""
    r = healthy(sb, "dr_sender")
    sb.fault("sender-login", "strict")
    out = failed(r, "envelope sender", ["tte+doctor-", "plus addresses"])
    check(not any(l.startswith("FAIL plus-addressing") for l in out),
          "not taken for plus addressing:\n" + "\n".join(out))


def test_doctor_smtp_ca(sb):
    r = healthy(sb, "dr_smtpca", extra="smtp_ca_file = /etc/ssl/certs/ca-certificates.crt")
    failed(r, "CA", ["SMTP", "smtp_ca_file"])
