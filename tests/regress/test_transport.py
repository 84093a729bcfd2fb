# SPDX-License-Identifier: ISC
"""Other ways to reach the server: IMAP with STARTTLS on 143-style ports,
and polling for servers without IDLE."""

from lib import DOMAIN, Robot, application, check, subject_has


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
