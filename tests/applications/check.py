#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""How well the robot names the documents of applications made like real
ones (tests/applications/gen.py), through `disposisi explain --json`:
the real parser child, the shipped rules.

usage: tests/applications/check.py [BINARY]

Asserts, over every file of every application:
- no kind counted present that is not there (a file said to be a kind it
  does not hold, misleading names included: the text must overrule them);
- at most 5% of the files that hold a kind left unrecognised;
and prints the figures by evidence (name, text, ocr, applicant, step).
Prints "applications: N passed, N failed" last; exit 0 when none failed.
"""

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MAX_UNRECOGNISED = 0.05


def python_with_pil():
    """The generator draws with python3-pil: this Python, or Debian's."""
    try:
        import PIL  # noqa: F401
        return sys.executable
    except ImportError:
        return "/usr/bin/python3"


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "./disposisi"
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="disposisi-apps.") as out:
        subprocess.run([python_with_pil(), os.path.join(HERE, "gen.py"), out], check=True)
        expect = json.load(open(os.path.join(out, "expect.json")))
        mails = sorted(expect)
        proc = subprocess.run([binary, "explain", "--json"] +
                              [os.path.join(out, m) for m in mails], cwd=ROOT,
                              capture_output=True, text=True, timeout=1800)
        got = {}
        for line in proc.stdout.splitlines():
            r = json.loads(line)
            got[os.path.basename(r["file"])] = r
    total = unrecognised = wrong = kinds_want = kinds_got = 0
    by_evidence = {}
    for mail in mails:
        r = got.get(mail)
        if r is None:
            print("%s: no explain output" % mail)
            failed += 1
            continue
        docs = {d["filename"]: d for d in r["documents"]}
        ok = True
        for f in expect[mail]:
            d = docs.get(f["filename"])
            want = f["kinds"]
            if d is None:
                if want:
                    print("%s: %s: not among the documents" % (mail, f["filename"]))
                    ok = False
                continue
            have = d.get("kinds") or ([d["kind"]] if d.get("kind") else [])
            extra = [k for k in have if k not in want]
            if extra:
                print("%s: %s: counted as %s, holds %s (evidence %s, matched %s)" %
                      (mail, f["filename"], extra, want or "no kind", d.get("evidence"),
                       d.get("matched")))
                wrong += 1
                ok = False
            if not want:
                continue
            total += 1
            kinds_want += len(want)
            kinds_got += len([k for k in have if k in want])
            if not have:
                unrecognised += 1
                print("%s: %s: not recognised (holds %s)" % (mail, f["filename"], want))
            else:
                ev = d.get("evidence", "?")
                by_evidence[ev] = by_evidence.get(ev, 0) + 1
        if ok:
            passed += 1
        else:
            failed += 1
    share = unrecognised / total if total else 0.0
    print("applications: %d mails, %d files holding a kind; recognised %d (%s),"
          " unrecognised %d (%.1f%%); kinds %d of %d; wrongly counted %d" %
          (len(mails), total, total - unrecognised,
           ", ".join("%s %d" % kv for kv in sorted(by_evidence.items())),
           unrecognised, 100 * share, kinds_got, kinds_want, wrong))
    if share > MAX_UNRECOGNISED:
        print("applications: %.1f%% of the files left unrecognised, over %d%%" %
              (100 * share, 100 * MAX_UNRECOGNISED))
        failed += 1
    print("applications: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
