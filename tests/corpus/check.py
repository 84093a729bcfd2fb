#!/usr/bin/env python3
"""Check `disposisi explain --json` against the corpus expectations.

usage: tests/corpus/check.py [BINARY] [NAME ...]

BINARY defaults to ./disposisi (relative to the repository root, where the
command runs). NAMEs (e.g. y-iphone) restrict the run to those messages.
Every tests/corpus/NAME.eml must produce exactly one output line whose
"file" ends in NAME.eml; it is compared with NAME.json, which holds the
expected subset: only the keys present there are compared, recursively
(lists must have the same length and are compared element by element).
Every output line must also carry all the keys of the explain format.

Exit status: 0 if every message passed, 1 if any failed, 2 on usage errors.
Standard library only.
"""

import glob
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.relpath(HERE, ROOT)

KEYS = ("file", "message_id", "from", "kind", "case", "command", "note",
        "value", "notice", "documents", "missing", "rule", "reason", "gate")
KINDS = ("submission", "command", "notice", "auto-reply", "bounce", "receipt",
         "ignored", "invalid")
DOC_KEYS = ("filename", "content_type", "size", "sha256", "kind")
TIMEOUT = 600


def show(v):
    return json.dumps(v, ensure_ascii=False)


def compare(exp, got, path, out):
    """Append (path, expected, got) for every difference of exp within got."""
    if isinstance(exp, dict):
        if not isinstance(got, dict):
            out.append((path, exp, got))
            return
        for k, v in exp.items():
            p = "%s.%s" % (path, k) if path else k
            if k not in got:
                out.append((p, v, "<absent>"))
            else:
                compare(v, got[k], p, out)
    elif isinstance(exp, list):
        if not isinstance(got, list) or len(got) != len(exp):
            out.append((path, exp, got))
            return
        for i, (e, g) in enumerate(zip(exp, got)):
            compare(e, g, "%s[%d]" % (path, i), out)
    else:
        # bool is an int in Python: keep true/1 and false/0 apart
        if type(exp) is not type(got) and not (
                isinstance(exp, (int, float)) and isinstance(got, (int, float))
                and not isinstance(exp, bool) and not isinstance(got, bool)):
            out.append((path, exp, got))
        elif exp != got:
            out.append((path, exp, got))


def schema(got, out):
    """Problems with the shape of one output line (not its values)."""
    for k in KEYS:
        if k not in got:
            out.append((k, "<present>", "<absent>"))
    if "kind" in got and got["kind"] not in KINDS:
        out.append(("kind", "one of " + "|".join(KINDS), got["kind"]))
    if "command" in got and got["command"] not in ("Y", "T", None):
        out.append(("command", "Y|T|null", got["command"]))
    for k in ("documents", "missing"):
        if k in got and not isinstance(got[k], list):
            out.append((k, "<a list>", got[k]))
    for i, d in enumerate(got.get("documents") or []):
        if not isinstance(d, dict):
            out.append(("documents[%d]" % i, "<an object>", d))
            continue
        for k in DOC_KEYS:
            if k not in d:
                out.append(("documents[%d].%s" % (i, k), "<present>", "<absent>"))


def name_of(path):
    base = os.path.basename(str(path))
    return base[:-4] if base.endswith(".eml") else base


def main(argv):
    args = argv[1:]
    if args and args[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    binary = "./disposisi"
    if args and not os.path.exists(os.path.join(HERE, args[0] + ".eml")):
        binary = args.pop(0)
    emls = sorted(glob.glob(os.path.join(HERE, "*.eml")))
    if args:
        want = set(a[:-4] if a.endswith(".eml") else a for a in args)
        unknown = want - set(name_of(e) for e in emls)
        if unknown:
            print("check.py: no such message: %s" % " ".join(sorted(unknown)), file=sys.stderr)
            return 2
        emls = [e for e in emls if name_of(e) in want]
    if not emls:
        print("check.py: no .eml files in %s" % HERE, file=sys.stderr)
        return 2
    files = [os.path.join(CORPUS, os.path.basename(e)) for e in emls]

    cmd = [binary, "explain", "--json"] + files
    try:
        proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=TIMEOUT)
    except FileNotFoundError:
        print("check.py: cannot run %s (from %s)" % (binary, ROOT), file=sys.stderr)
        return 2
    except subprocess.TimeoutExpired:
        print("check.py: %s did not finish in %d s" % (binary, TIMEOUT), file=sys.stderr)
        return 2
    if proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
        print("note: %s exited with status %d%s" % (binary, proc.returncode,
              "".join("\n  stderr: " + l for l in tail)))

    outputs = {}
    failed_lines = 0
    for n, line in enumerate(proc.stdout.decode("utf-8", "replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as e:
            print("output line %d: not JSON (%s): %.120s" % (n, e, line))
            failed_lines += 1
            continue
        if not isinstance(obj, dict) or "file" not in obj:
            print("output line %d: no \"file\" key: %.120s" % (n, line))
            failed_lines += 1
            continue
        outputs.setdefault(name_of(obj["file"]), []).append(obj)

    passed = failed = 0
    names = [name_of(e) for e in emls]
    for name, eml in zip(names, emls):
        problems = []
        jpath = eml[:-4] + ".json"
        try:
            with open(jpath, encoding="utf-8") as f:
                exp = json.load(f)
        except (OSError, ValueError) as e:
            problems.append(("<expectation>", "%s.json readable" % name, str(e)))
            exp = None
        got = outputs.get(name, [])
        if not got:
            problems.append(("<output>", "one line", "missing"))
        elif len(got) > 1:
            problems.append(("<output>", "one line", "%d lines" % len(got)))
        else:
            schema(got[0], problems)
            if exp is not None:
                compare(exp, got[0], "", problems)
        if problems:
            failed += 1
            for key, e, g in problems:
                print("%s.eml: %s: expected %s, got %s" % (name, key, show(e), show(g)))
        else:
            passed += 1
    for extra in sorted(set(outputs) - set(names)):
        print("output for a file not in the corpus run: %s" % extra)
        failed_lines += 1

    print("corpus: %d passed, %d failed" % (passed, failed))
    return 1 if failed or failed_lines else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
