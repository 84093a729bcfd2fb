#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Part of make check-deb (tests/deb.sh), as root with the package
installed: starts a mail sandbox as the regress suite does, points the
installed /etc/disposisi/disposisi.conf at it as an admin would (host,
ports, the sandbox's CA), and requires the installed robot, run as its
user on its own rules, templates and /var/lib/disposisi, to pass
`disposisi doctor`. Stops the sandbox whatever happens."""

import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "regress"))
from lib import Sandbox              # noqa: E402
from test_doctor import AUTHSERV, TODAY  # noqa: E402

CONF = "/etc/disposisi/disposisi.conf"


def edit(text, key, line):
    """Replaces the one line setting key (or commented out) with line."""
    text, n = re.subn(r"^#?%s = .*$" % key, line, text, flags=re.M)
    if n != 1:
        sys.exit("check-deb: FAIL: %s sets %s %d times, not once" % (CONF, key, n))
    return text


def configure(sb):
    with open(CONF) as f:
        text = f.read()
    for key, value in (("imap_host", "localhost"), ("imap_port", sb.port("IMAPS")),
                       ("imap_ca_file", sb.cafile), ("smtp_host", "localhost"),
                       ("smtp_port", sb.port("SUBMISSION"))):
        text = edit(text, key, "%s = %s" % (key, value))
    text = edit(text, "smtp_password_file", "smtp_password_file = /etc/disposisi/password\n"
                "smtp_ca_file = " + sb.cafile)
    if "auth_serv_id = %s\n" % AUTHSERV not in text:
        sys.exit("check-deb: FAIL: %s: auth_serv_id is not %s" % (CONF, AUTHSERV))
    with open(CONF, "w") as f:
        f.write(text)
    # Written in place: the file keeps the owner and 0600 the package's
    # user gave it (tests/deb.sh).
    with open("/etc/disposisi/password", "w") as f:
        f.write(sb.password + "\n")


def main():
    sb = Sandbox("deb")
    try:
        sb.fault("auth-results", AUTHSERV)
        configure(sb)
        # The clock as test_doctor sets it: the shipped holidays cover the
        # year ahead of it whenever CI runs.
        env = dict(os.environ, DISPOSISI_CLOCK_OFFSET=str(int(TODAY - time.time())))
        p = subprocess.run(["runuser", "-u", "disposisi", "--", "disposisi", "doctor"],
                           cwd="/", env=env, capture_output=True, text=True, timeout=120)
        out = p.stdout.splitlines()
        if p.returncode != 0 or any(l.startswith("FAIL") for l in out) or \
                not out or not out[-1].startswith("PASSED"):
            sys.exit("check-deb: FAIL: disposisi doctor exit %d:\n%s%s"
                     % (p.returncode, p.stdout, p.stderr))
    finally:
        sb.stop()
    sys.stdout.write("".join("  %s\n" % l for l in out))
    print("check-deb: ok: disposisi doctor as the disposisi user on %s against the sandbox"
          % CONF)


if __name__ == "__main__":
    main()
