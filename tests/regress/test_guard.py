# SPDX-License-Identifier: ISC
"""The robot's guards, through the real path: the parser child confined by
Landlock to the few files it needs (proved as an unprivileged user, where
file modes alone would let it read), a robot that cannot confine its parser
refusing to start, the audit seal's newest end kept outside the database,
and floods of mail held for the admin."""

import ctypes
import errno
import os
import shutil
import subprocess

from lib import DOMAIN, SLOT, Robot, application, check, subject_has, wait_until

# Landlock's system calls on x86-64 and arm64 alike.
LANDLOCK_SYSCALLS = (444, 445, 446)


def test_parser_child_landlock_unprivileged(sb):
    """Run as an unprivileged user, as the unit runs it: the parser child
    is that same user, so file modes let it read a 0600 file of its own
    under /etc (where the README keeps the mailbox password); Landlock
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
