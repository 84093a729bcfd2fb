#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Runs every test_* function of tests/regress/test_*.py, each with a fresh
mail sandbox, and prints "N passed, N failed". Usage: run.py [NAME-FILTER]"""

import importlib.util
import os
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import lib  # noqa: E402


SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


def sanitizer_check():
    """Under make check-asan, a sanitizer report in a robot's log fails the
    test even when the behaviour looked right. Stopping first lets
    LeakSanitizer report at exit."""
    for r in lib.Robot.created:
        r.stop()
        if os.path.exists(r.log):
            text = r.logtext()
            for mark in SANITIZER_MARKS:
                if mark in text:
                    raise lib.Failure("sanitizer report in %s: %s" % (r.log, mark))


def main():
    filt = sys.argv[1] if len(sys.argv) > 1 else ""
    passed = failed = 0
    for fn in sorted(os.listdir(HERE)):
        if not (fn.startswith("test_") and fn.endswith(".py")):
            continue
        spec = importlib.util.spec_from_file_location(fn[:-3], os.path.join(HERE, fn))
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for name in sorted(n for n in dir(mod) if n.startswith("test_")):
            if filt not in name:
                continue
            t0 = time.time()
            sb = robot = None
            try:
                fn = getattr(mod, name)
                sb = lib.Sandbox(name[5:][:20], getattr(fn, "sandbox_env", None))
                fn(sb)
                sanitizer_check()
                passed += 1
                print("ok   %s (%.1f s)" % (name, time.time() - t0), flush=True)
            except Exception:
                failed += 1
                print("FAIL %s (%.1f s)" % (name, time.time() - t0), flush=True)
                traceback.print_exc()
                for r in lib.Robot.created:
                    if os.path.exists(r.log):
                        print("--- %s (last 60 lines) ---" % r.log)
                        print("\n".join(r.logtext().splitlines()[-60:]))
            finally:
                for r in lib.Robot.created:
                    try:
                        r.kill()
                    except Exception:
                        pass
                lib.Robot.created.clear()
                if sb is not None:
                    try:
                        sb.stop()
                    except Exception:
                        traceback.print_exc()
    print("regress: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
