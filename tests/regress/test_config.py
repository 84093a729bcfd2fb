# SPDX-License-Identifier: ISC
"""Admins' mistakes: a bad config, rules or template stops the robot at
start with exit 78 and one line naming file:line; `disposisi check` says the
same without starting. The HMAC key is created 0600 and a readable one is
refused."""

import os
import shutil
import stat
import subprocess

from lib import tmp, ROOT, Robot, check, wait_until

BIN = os.path.join(ROOT, "disposisi")


def run(*args):
    p = subprocess.run([BIN] + list(args), capture_output=True, text=True, timeout=30)
    return p.returncode, p.stderr + p.stdout


def test_config_errors(sb):
    r = Robot(sb, "config")
    rc, out = run("check", "-f", r.conf)
    check(rc == 0 and "OK" in out, "good config checks OK: %s" % out)

    with open(r.conf) as f:
        good = f.read()
    bad = good.replace("imap_port = ", "imap_port = x")
    with open(r.conf, "w") as f:
        f.write(bad)
    line = [i + 1 for i, l in enumerate(bad.splitlines()) if l.startswith("imap_port")][0]
    for cmd in ("check", "run"):
        rc, out = run(cmd, "-f", r.conf)
        check(rc == 78, "%s: exit 78 on a bad value, got %d" % (cmd, rc))
        check("%s:%d: imap_port: want a whole number" % (r.conf, line) in out,
              "%s names file:line: key: %s" % (cmd, out))

    # A rules file with a typo: file:line, nothing half-loaded.
    rules = os.path.join(r.dir, "rules")
    shutil.copytree(os.path.join(ROOT, "rules"), rules)
    with open(os.path.join(rules, "sop-tte.conf"), "a") as f:
        f.write("stpe 6 egov 30 \"typo\"\n")
    n = sum(1 for _ in open(os.path.join(rules, "sop-tte.conf")))
    with open(r.conf, "w") as f:
        f.write(good.replace(os.path.join(ROOT, "rules"), rules))
    rc, out = run("check", "-f", r.conf)
    check(rc == 78 and "sop-tte.conf:%d:1: unknown keyword \"stpe\"" % n in out,
          "rules typo located: %s" % out)
    # Two mistakes in one file: both reported, each with file:line:col.
    text = open(os.path.join(rules, "sop-tte.conf")).read().splitlines()[:-1]
    text = "\n".join(text) + "\n"
    text = text.replace("actor egov", "actor e-gov").replace("time 30m", "time 30x", 1)
    with open(os.path.join(rules, "sop-tte.conf"), "w") as f:
        f.write(text)
    rc, out = run("check", "-f", r.conf)
    check(rc == 78 and "unknown role \"e-gov\"" in out,
          "step without an official refused: %s" % out)
    check("bad duration \"30x\"" in out, "bad duration refused: %s" % out)
    check(len([l for l in out.splitlines() if "sop-tte.conf:" in l]) >= 2,
          "every mistake reported: %s" % out)

    # An official at the robot's own address would make a mail loop.
    with open(r.conf, "w") as f:
        f.write(good.replace("admin_address = admin@", "admin_address = tte@"))
    rc, out = run("check", "-f", r.conf)
    check(rc == 78 and "admin_address: must not be the robot's own address" in out,
          "admin = robot refused: %s" % out)

    # A template with an unknown variable.
    tmpl = os.path.join(r.dir, "tmpl")
    shutil.copytree(os.path.join(ROOT, "mail-templates"), tmpl)
    with open(os.path.join(tmpl, "ditolak.txt"), "a") as f:
        f.write("Salam {{nama_kepala}}\n")
    with open(r.conf, "w") as f:
        f.write(good.replace(os.path.join(ROOT, "mail-templates"), tmpl))
    rc, out = run("check", "-f", r.conf)
    check(rc == 78 and "ditolak.txt:" in out and "unknown variable {{nama_kepala}}" in out,
          "template typo located: %s" % out)


def test_hmac_key_mode(sb):
    r = Robot(sb, "hmac").start()
    key = os.path.join(r.dir, "hmac.key")
    wait_until(lambda: os.path.exists(key), "key created")
    check(stat.S_IMODE(os.stat(key).st_mode) == 0o600, "key is 0600")
    r.stop()
    spool = os.path.join(r.dir, "spool")
    check(stat.S_IMODE(os.stat(spool).st_mode) == 0o700, "spool is 0700")
    for f in (r.db, r.db + "-wal", r.db + ".lock"):
        if os.path.exists(f):
            check(stat.S_IMODE(os.stat(f).st_mode) & 0o077 == 0, "%s is private" % f)
    os.chmod(key, 0o644)
    rc, out = run("run", "-f", r.conf)
    check(rc == 78 and "must not be readable" in out, "readable key refused: %s" % out)


def test_reload_on_sighup(sb):
    """Admins edit rules/ and send SIGHUP: a good set takes effect without
    a restart; a set with a mistake is refused with file:line and the
    robot goes on with the rules it had."""
    import signal
    from lib import DOMAIN, application, subject_has
    rdir = tmp("r", "reload-rules")
    shutil.rmtree(rdir, ignore_errors=True)
    shutil.copytree(os.path.join(ROOT, "rules"), rdir)
    r = Robot(sb, "reload")
    with open(r.conf) as f:
        text = f.read().replace(os.path.join(ROOT, "rules"), rdir)
    with open(r.conf, "w") as f:
        f.write(text)
    r.start()
    wait_until(lambda: "INBOX selected" in r.logtext(), "robot ready")
    officials = os.path.join(rdir, "people.conf")
    with open(officials) as f:
        text = f.read()
    with open(officials, "w") as f:
        f.write(text.replace("sekdis@" + DOMAIN, "sandiman@" + DOMAIN, 1))
    r.proc.send_signal(signal.SIGHUP)
    wait_until(lambda: "reloaded rules" in r.logtext(), "reload logged")
    sb.send(application("budi@" + DOMAIN))
    sb.wait_mail("sandiman", subject_has("Disposisi"), what="disposition to the new holder")
    check(sb.count("sekdis") == 0, "the old holder gets nothing")

    with open(os.path.join(rdir, "sop-tte.conf")) as f:
        text = f.read()
    with open(os.path.join(rdir, "sop-tte.conf"), "w") as f:
        f.write(text.replace("actor kadis", "actor nobody", 1))
    r.proc.send_signal(signal.SIGHUP)
    wait_until(lambda: "reload refused" in r.logtext(), "bad reload refused")
    check("sop-tte.conf:" in r.logtext() and "nobody" in r.logtext(), "reason logged")
    sb.send(application("siti@" + DOMAIN))
    sb.wait_mail("sandiman", subject_has("Disposisi"), n=2, what="old rules still in force")
    check(r.alive(), "robot running")
