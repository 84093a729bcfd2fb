# SPDX-License-Identifier: ISC
"""The HTML part of the robot's mail, as delivered: each mail the robot
queued (its outbox row names the kind) read back from the mailbox Postfix
delivered it to, and the checks every one must pass. test_mailhtml.py
runs them in make check; docs/mails/shoot.py takes the screenshots."""

import html.parser
import re
import shutil
import subprocess

from lib import DOMAIN, check


def delivered(sb, r):
    """(kind, rcpt, message) for every mail the robot sent, oldest first,
    once the outbox has drained; mail to other domains is in 'outbound'."""
    rows = r.sql("SELECT kind, rcpt, message_id FROM outbox WHERE status = 'sent' ORDER BY id")
    boxes = {}
    out = []
    for kind, rcpt, mid in rows:
        local, _, dom = rcpt.partition("@")
        user = local.split("+")[0] if dom == DOMAIN else "outbound"
        if user not in boxes:
            boxes[user] = {str(m["Message-ID"]).strip("<>"): m for m in sb.messages(user)}
        m = boxes[user].get(mid)
        check(m is not None, "%s to %s (%s) was delivered" % (kind, rcpt, mid))
        out.append((kind, rcpt, m))
    return out


def html_part(m):
    part = m.get_body(preferencelist=("html",))
    check(part is not None and part.get_content_type() == "text/html", "an HTML part")
    return part.get_content()


class Shape(html.parser.HTMLParser):
    """What the checks need: tags, their attributes, the text; and any
    tag left open or closed twice (html.parser itself never fails)."""

    VOID = {"meta", "br", "hr", "img", "link", "input"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.text = []
        self.open = []
        self.errors = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open[-1] != tag:
            self.errors.append("</%s> closes <%s>" % (tag, self.open[-1] if self.open else ""))
        else:
            self.open.pop()

    def handle_data(self, data):
        self.text.append(data)


def tidy_errors(text):
    """HTML5 errors by Debian's tidy (warnings are Outlook's attributes:
    bgcolor, cellpadding and the like, kept on purpose)."""
    p = subprocess.run(["tidy", "-q", "-e", "-utf8", "--show-warnings", "no"],
                       input=text.encode(), capture_output=True, timeout=30)
    return p.returncode, p.stderr.decode(errors="replace").strip()


def check_html(kind, text, token=None):
    """The properties every HTML part has: valid (tidy, errors fail),
    balanced, one language, inline styles only, nothing remote, every
    link live as an <a>; a disposition's two buttons carry its token."""
    what = "%s: " % kind
    check(shutil.which("tidy") is not None, "tidy is installed (contrib/deps.sh)")
    rc, err = tidy_errors(text)
    check(rc < 2, what + "tidy finds errors: %s" % err)
    s = Shape()
    s.feed(text)
    s.close()
    check(not s.errors and not s.open, what + "tags balanced: %s %s" % (s.errors, s.open))
    tags = [t for t, _ in s.tags]
    check(text.startswith("<!DOCTYPE html>"), what + "a doctype")
    check(("html", {"lang": "id"}) in s.tags, what + "lang=id")
    check("style" not in tags and "link" not in tags and "script" not in tags,
          what + "no <style>, <link> or <script>")
    for t, a in s.tags:
        for k, v in a.items():
            check(not (k in ("src", "background") or (v and "url(" in v)),
                  what + "nothing remote: <%s %s=%r>" % (t, k, v))
    for t, a in s.tags:
        if t == "table":
            check(a.get("role") == "presentation", what + "layout tables are presentation")
    body = "".join(s.text)
    check(not re.search(r"(?<![\w\[])(?:mailto:|https?://)\S+", body) or
          all(a.get("href") for t, a in s.tags if t == "a"), what + "links live")
    widths = [a.get("style", "") for t, a in s.tags if t == "table"]
    check(any("max-width:600px" in w for w in widths), what + "600 px at most")
    buttons = [a["href"] for t, a in s.tags if t == "a" and "display:block" in a.get("style", "")]
    if token is not None:
        check(len(buttons) == 2 and all(b.startswith("mailto:") and token in b for b in buttons),
              what + "two mailto buttons with the token: %s" % buttons)
        check("Y \u2014 Setujui" in body and "T \u2014 Tolak" in body, what + "buttons' words")
    return s
