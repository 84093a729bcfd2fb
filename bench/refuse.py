#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""make bench: what refusing hostile mail costs. Each message is built in
a temporary directory and read by `disposisi explain` - the same screen
and parser the daemon runs - with the default limits; printed are the
wall time and the peak memory (max RSS) of that process, and the reason
it gives. Nothing here asserts a timing."""

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


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--build":
        # In a process of its own: a fork of a Python holding 30 MB would
        # count those pages as the robot's peak memory.
        with open(sys.argv[3], "wb") as f:
            f.write(dict(CASES)[sys.argv[2]]())
        return
    with tempfile.TemporaryDirectory() as d:
        print("%-28s %10s %10s  %s" % ("refusing", "seconds", "max RSS", "reason"))
        for name, build in CASES:
            path = os.path.join(d, "m.eml")
            subprocess.run([sys.executable, os.path.abspath(__file__), "--build", name, path],
                           check=True)
            t = time.monotonic()
            p = subprocess.Popen([BIN, "explain", path], stdout=subprocess.PIPE, text=True)
            out = p.stdout.read()
            _, _, ru = os.wait4(p.pid, 0)     # this run (and the parser it waited for)
            took = time.monotonic() - t
            why = [ln for ln in out.splitlines() if "unreadable" in ln or "reason" in ln]
            print("%-28s %10.3f %8.1f MB  %s" % (name, took, ru.ru_maxrss / 1024.0,
                                                 (why[0].strip() if why else out[:80])))
            sys.stdout.flush()
    print("(seconds include starting the program and its parser process)")


if __name__ == "__main__":
    main()
