# SPDX-License-Identifier: ISC
"""The robot's guards, through the real path: the parser child confined by
Landlock to the few files it needs (proved as an unprivileged user, where
file modes alone would let it read), a robot that cannot confine its parser
refusing to start, the audit seal's newest end kept outside the database,
and floods of mail held for the admin."""

import ctypes
import errno
import os
import re
import shutil
import subprocess

from lib import DOMAIN, ROOT, SLOT, Robot, application, check, subject_has, wait_until

# Landlock's system calls on x86-64 and arm64 alike.
LANDLOCK_SYSCALLS = (444, 445, 446)


def test_parser_child_landlock_unprivileged(sb):
    """Run as an unprivileged user, as the unit runs it: the parser child
    is that same user, so file modes let it read a 0600 file of its own
    under /etc (where docs/admin.md keeps the mailbox password); Landlock
    alone stops the open, and the reason is kept with the message."""
    secret_dir = "/etc/disposisi-regress%s" % (SLOT or "")
    secret = os.path.join(secret_dir, "password")
    shutil.rmtree(secret_dir, ignore_errors=True)
    os.makedirs(secret_dir)
    try:
        with open(secret, "w") as f:
            f.write("rahasia\n")
        os.chmod(secret, 0o600)
        subprocess.run(["chown", "-R", "nobody", secret_dir], check=True)
        mode = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup",
                               "--clear-groups", "cat", secret], capture_output=True)
        check(mode.stdout == b"rahasia\n", "file modes let the robot's user read it")
        r = Robot(sb, "landlock")
        r.start(user="nobody", env={"DISPOSISI_PARSER_FAULT": "read",
                                    "DISPOSISI_PARSER_FAULT_FILE": secret})
        wait_until(lambda: "parser: a child per message as this user, Landlock on"
                   in r.logtext(), "the robot started unprivileged")
        sb.send(application("budi@" + DOMAIN))
        wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE imap_done = 1") == 1,
                   "message recorded and moved")
        note = r.scalar("SELECT note FROM inbound")
        check("open %s: Permission denied" % secret in note,
              "the child's open refused by Landlock, reason kept: %s" % note)
        check(r.alive(), "the robot goes on")
    finally:
        shutil.rmtree(secret_dir, ignore_errors=True)


def no_landlock():
    """In the robot's child before exec: Landlock's calls answer EPERM, as
    under a kernel without it or a service manager's filter."""
    sc = ctypes.CDLL("libseccomp.so.2")
    sc.seccomp_init.restype = ctypes.c_void_p
    ctx = sc.seccomp_init(0x7fff0000)                  # SCMP_ACT_ALLOW
    for nr in LANDLOCK_SYSCALLS:
        sc.seccomp_rule_add(ctypes.c_void_p(ctx), 0x00050000 | errno.EPERM, nr, 0)
    if sc.seccomp_load(ctypes.c_void_p(ctx)) != 0:
        os._exit(99)


def test_parser_unconfined_refused(sb):
    """Without Landlock the robot does not start (exit 78, one line why)
    unless the config says in words that it may run unconfined."""
    r = Robot(sb, "nolandlock").start(preexec=no_landlock)
    rc = r.proc.wait(timeout=30)
    check(rc == 78, "exit status 78: %s" % rc)
    lines = [l for l in r.logtext().splitlines() if "Landlock" in l]
    check(len(lines) == 1 and "parser_confinement = allow-unconfined-i-understand"
          in lines[0], "one line saying why: %s" % lines)
    check(sb.count("tte", "Quarantine") == 0 and r.scalar("SELECT count(*) FROM inbound")
          in (None, 0), "nothing taken")
    r2 = Robot(sb, "unconfined", extra="parser_confinement = allow-unconfined-i-understand")
    r2.start(preexec=no_landlock)
    wait_until(lambda: "running unconfined" in r2.logtext(), "a warning when allowed")
    sb.send(application("budi@" + DOMAIN))
    sb.wait_mail("budi", subject_has("Tanda terima"), what="mail handled when allowed")


def audit(r):
    p = subprocess.run([os.path.join(ROOT, "disposisi"), "audit", "-f", r.conf, "verify"],
                       capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def test_seal_checkpoint_sees_the_end(sb):
    """The newest seal leaves the database after every commit that adds
    events: a trail whose last events were deleted is named by audit
    verify; a checkpoint older than the database (a kill between COMMIT
    and its write) is no alarm; a cut tail written over by new events is
    not blessed."""
    r = Robot(sb, "seal").start()
    cp = r.db + ".seal"
    sb.send(application("budi@" + DOMAIN))
    sb.wait_mail("budi", subject_has("Tanda terima"), what="a case opened")
    wait_until(lambda: os.path.exists(cp), "the checkpoint written")
    older = open(cp).read()
    sb.send(application("siti@" + DOMAIN, name="Siti"))
    sb.wait_mail("siti", subject_has("Tanda terima"), what="a second case")
    r.stop()
    last, seal = r.sql("SELECT id, seal FROM case_events ORDER BY id DESC LIMIT 1")[0]
    check(open(cp).read() == "%d %s\n" % (last, seal), "the checkpoint names the newest event")
    check(os.stat(cp).st_mode & 0o777 == 0o600, "0600")
    rc, out = audit(r)
    check(rc == 0 and "the trail is whole" in out and "checkpoint's #%d" % last in out,
          "a normal run passes: %s" % out)

    # As after a kill between COMMIT and the checkpoint's write.
    with open(cp, "w") as f:
        f.write(older)
    rc, out = audit(r)
    check(rc == 0 and "the trail is whole" in out, "a database ahead of it passes: %s" % out)
    with open(cp, "w") as f:
        f.write("%d %s\n" % (last, seal))

    r.sql("DELETE FROM case_events WHERE id = ?", last)
    rc, out = audit(r)
    check(rc == 65 and ("events after #%d are missing: the checkpoint %s says #%d with seal %s"
                        % (last - 1, cp, last, seal)) in out, "the cut tail named: %s" % out)

    # New events take the cut one's place: the checkpoint keeps its word.
    r.start()
    sb.send(application("andi@" + DOMAIN, name="Andi"))
    sb.wait_mail("andi", subject_has("Tanda terima"), what="a third case")
    r.stop()
    check(open(cp).read() == "%d %s\n" % (last, seal), "the evidence is kept")
    check("the checkpoint is left as it is" in r.logtext(), "and the robot says so")
    rc, out = audit(r)
    check(rc == 65 and "event #%d is not the one the checkpoint" % last in out,
          "a tail written again named: %s" % out)
    os.unlink(cp)
    rc, out = audit(r)
    check(rc == 65 and "checkpoint %s is missing" % cp in out, "a missing checkpoint: %s" % out)


def test_flood_held_for_the_admin(sb):
    """40 applications from one address in a minute, under the shipped
    limits: five open cases, the rest are held in Held, not acted on and
    not answered; the admin is told once; status names the sender;
    another sender is not held; a held mail moved back to INBOX is
    handled."""
    flood = "pemohon@" + DOMAIN
    r = Robot(sb, "flood", limits=True).start()
    for i in range(40):
        sb.send(application(flood, subject="Permohonan Sertifikat Elektronik %d" % i))
    wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE imap_done = 1") == 40,
               "all 40 recorded and moved", timeout=180)
    check(r.scalar("SELECT count(*) FROM cases") == 5, "five cases opened")
    check(r.scalar("SELECT count(*) FROM inbound WHERE kind = 'held'") == 35, "35 held")
    sb.wait_mail("admin", subject_has("Surel ditahan"), what="the admin told")
    wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0,
               "outbox drained")
    check(len([m for m in sb.messages("admin") if "Surel ditahan" in str(m["Subject"])]) == 1,
          "the admin told once")
    check(len(sb.messages("pemohon")) == 5, "five acknowledgements, none for held mail")
    check(r.scalar("SELECT count(*) FROM outbox WHERE kind = 'disposisi'") == 5,
          "five dispositions")
    check(sb.count("tte", "Held") == 35, "35 in the Held folder")
    note = r.scalar("SELECT note FROM inbound WHERE kind = 'held' LIMIT 1")
    check("limit_sender_cases 5" in note, "the limit named: %s" % note)
    p = subprocess.run([os.path.join(ROOT, "disposisi"), "status", "-f", r.conf],
                       capture_output=True, text=True)
    held = p.stdout.split("Mail held over a limit")[1].split("Last 20")[0]
    check(re.search(r"^ +%s +35 " % re.escape(flood), held, re.M),
          "status names the sender: %s" % held)

    sb.send(application("siti@" + DOMAIN, name="Siti"))
    sb.wait_mail("siti", subject_has("Tanda terima"), what="another sender not held")

    # The admin releases one: moved back to INBOX, it is handled.
    c = sb.imap("tte")
    c.select("Held")
    uid = c.uid("SEARCH", None, "ALL")[1][0].split()[0]
    typ, _ = c.uid("MOVE", uid, "INBOX")
    check(typ == "OK", "moved back")
    c.logout()
    sb.wait_mail("pemohon", n=6, what="the released application acknowledged")
    check(r.scalar("SELECT count(*) FROM cases WHERE applicant = ?", flood) == 6,
          "the released mail opened its case")
    check(r.scalar("SELECT count(*) FROM inbound WHERE kind = 'held'") == 34, "34 still held")
    check(r.scalar("SELECT count(*) FROM inbound") == 41, "its row followed it, no duplicate")
    check("released from Held by the admin" in r.logtext(), "the release logged")


def test_flood_of_everyone(sb):
    """Past the office-wide limit of new cases, applications from
    different addresses are held too, and the admin is told once."""
    r = Robot(sb, "floodall", limits=True, extra="limit_cases = 2").start()
    for user in ("budi", "siti", "andi", "pemohon"):
        sb.send(application("%s@%s" % (user, DOMAIN)))
    wait_until(lambda: r.scalar("SELECT count(*) FROM inbound WHERE imap_done = 1") == 4,
               "all four recorded and moved")
    check(r.scalar("SELECT count(*) FROM cases") == 2, "two cases opened")
    held = r.sql("SELECT sender, note FROM inbound WHERE kind = 'held'")
    check(len(held) == 2 and all("limit_cases 2" in n for _, n in held),
          "two held for everyone's limit: %s" % held)
    wait_until(lambda: r.scalar("SELECT count(*) FROM outbox WHERE status != 'sent'") == 0,
               "outbox drained")
    check(r.scalar("SELECT count(*) FROM outbox WHERE kind = 'surel-ditahan'") == 1,
          "the admin told once")
    sb.wait_mail("admin", subject_has("Surel ditahan"), what="the admin's mail")
