#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""What refusing hostile mail costs. Each message is built in a temporary
directory and read by `disposisi explain` - the same screen and parser
the daemon runs - with the default limits: the wall time of the whole
program (its start and its parser process included), its peak memory
and the reason it gives."""

import os
import subprocess
import sys
import tempfile
import time

BIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "disposisi")
HEAD = b"From: budi@muaraenimkab.go.id\r\nSubject: Permohonan\r\nMIME-Version: 1.0\r\n"


def tiny_parts(size):
    part = b"--p\r\nContent-Type: text/plain\r\n\r\nx\r\n"
    return (HEAD + b"Content-Type: multipart/mixed; boundary=p\r\n\r\n"
            + part * (size // len(part)) + b"--p--\r\n")


def nested(levels):
    body = b"Y\r\n"
    for i in range(levels):
        body = (b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (i, i)
                + body + b"\r\n--b%d--\r\n" % i)
    return HEAD + body


def big_header(size):
    line = b"X-Junk: " + b"a" * 900 + b"\r\n"
    return HEAD + line * (size // len(line)) + b"\r\nY\r\n"


CASES = [
    ("30 MB of tiny MIME parts", lambda: tiny_parts(30 * 1024 * 1024)),
    ("1,000-level nesting", lambda: nested(1000)),
    ("1 MB header", lambda: big_header(1024 * 1024)),
    ("30 MB header, one line", lambda: HEAD + b"X-Big: " + b"a" * (30 << 20) + b"\r\n\r\nY\r\n"),
]


def build(argv):
    """In a process of its own, so the bench's Python stays small."""
    with open(argv[3], "wb") as f:
        f.write(dict(CASES)[argv[2]]())


def rows(table):
    from benchlib import Row
    with tempfile.TemporaryDirectory() as d:
        for name, _ in CASES:
            path = os.path.join(d, "m.eml")
            subprocess.run([sys.executable, os.path.abspath(__file__), "--build", name, path],
                           check=True)
            took, rss = [], []
            for _ in range(3):
                # GNU time forks the robot itself: a child of this Python
                # would count the Python's pages as its own peak.
                t = time.monotonic()
                out = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", path + ".rss", BIN,
                                      "explain", path], capture_output=True, text=True).stdout
                took.append(time.monotonic() - t)
                with open(path + ".rss") as f:
                    rss.append(int(f.read().split()[-1]) / 1024.0)
            why = [ln.split(":", 1)[-1].strip() for ln in out.splitlines() if "unreadable" in ln]
            table.add(Row("refusing %s (explain, whole program)" % name,
                          (sorted(took)[1], min(took), max(took)), None, "s", "well under 1 s",
                          note="%.1f MB peak; %s" % (max(rss), why[0] if why else out[:60])))


if __name__ == "__main__" and len(sys.argv) == 4 and sys.argv[1] == "--build":
    build(sys.argv)
