#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""make demo: starts the mail sandbox and the robot, then plays one
application through real mail and prints what each person receives:
submission → acknowledgement → disposition → reply Y → next disposition.
The sandbox and the robot keep running afterwards; `make demo-stop` ends
them."""

import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "regress"))
import lib  # noqa: E402
from lib import DOMAIN, application, body_text, reply_to, subject_has  # noqa: E402


def show(who, m):
    print("\n" + "=" * 72)
    print("Kotak surat %s@%s menerima:" % (who, DOMAIN))
    print("  From:     %s" % m["From"])
    print("  To:       %s" % m["To"])
    if m["Reply-To"]:
        print("  Reply-To: %s" % m["Reply-To"])
    print("  Subject:  %s" % m["Subject"])
    names = [p.get_filename() for p in m.iter_attachments()]
    if names:
        print("  Lampiran: %s" % ", ".join(names))
    print("-" * 72)
    print(body_text(m).rstrip())


def stop_previous():
    """A robot left by an earlier `make demo` must not share the new sandbox."""
    try:
        with open("/tmp/dsr-demo/pid") as f:
            pid = int(f.read())
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            os.kill(pid, 0)
            time.sleep(0.1)
    except (OSError, ValueError):
        pass


def main():
    stop_previous()
    print("Starting the mail sandbox (Dovecot + Postfix on 127.0.0.1)...")
    sb = lib.Sandbox("demo")
    robot = lib.Robot(sb, "demo").start()
    with open(os.path.join(robot.dir, "pid"), "w") as f:
        f.write("%d\n" % robot.proc.pid)
    print("Robot started: config %s, log %s" % (robot.conf, robot.log))

    print("\n>>> Budi (pemohon) sends his application with 4 scans to tte@%s" % DOMAIN)
    sb.send(application("budi@" + DOMAIN, n_att=4))
    show("budi", sb.wait_mail("budi", subject_has("Tanda terima"))[0])
    disp = sb.wait_mail("sekdis", subject_has("Disposisi"))[0]
    show("sekdis", disp)

    print("\n>>> Sekretaris Dinas replies \"Y\" from her mail client")
    sb.send(reply_to(disp, "Sekretaris Dinas <sekdis@%s>" % DOMAIN, "Y"))
    show("sekdis", sb.wait_mail("sekdis", subject_has("dicatat"))[0])
    show("budi", sb.wait_mail("budi", subject_has("diteruskan"))[0])
    show("kadis", sb.wait_mail("kadis", subject_has("Disposisi"))[0])

    print("\n" + "=" * 72)
    print("What an admin sees: disposisi status -f %s TTE-...-00001" % robot.conf, flush=True)
    ref = robot.scalar("SELECT ref FROM cases")
    subprocess.run([os.path.join(lib.ROOT, "disposisi"), "status", "-f", robot.conf, ref])
    print("\nWhat the robot logged:")
    print(robot.logtext().rstrip())
    print("\nThe robot and the sandbox keep running (robot pid %d)." % robot.proc.pid)
    print("Read any mailbox: curl --cacert %s 'imaps://localhost:%d/INBOX;UID=1' -u kadis:%s"
          % (sb.cafile, sb.port("IMAPS"), sb.password))
    print("Stop everything:  make demo-stop")


if __name__ == "__main__":
    main()
