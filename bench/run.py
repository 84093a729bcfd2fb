#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""make bench: the project's speed record. Each module adds rows to one
table (figure | robot | anchor | ratio | target), measured through the
same real Dovecot and Postfix as the tests, side by side with its anchor
where there is one; printed, and written as JSON to bench/last.json.
BENCH_QUICK=1 runs small sizes; BENCH_REPEATS sets the repeats (3).
Nothing here asserts a timing: targets are read, not enforced."""

import importlib
import os
import sys

import benchlib

MODULES = ["handover", "smtp", "backlog", "pipeline", "history", "refuse", "photos"]


def main():
    only = sys.argv[1:]
    table = benchlib.Table()
    for name in MODULES:
        if only and name not in only:
            continue
        print("%s:" % name, flush=True)
        importlib.import_module(name).rows(table)
    table.emit(os.path.join(benchlib.HERE, "last.json"))


if __name__ == "__main__":
    main()
