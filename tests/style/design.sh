#!/bin/sh
# SPDX-License-Identifier: ISC
# docs/design.md must not drift: every source file it names in backquotes
# (`intake.c`, `rules_p.h`, `step-*.c`) exists in src/, and every
# function it names (`store_step()`) is defined in src/ (its name at
# column 0 followed by "(", the tree's style) or is a macro of src/*.h.
# NOT_OURS lists what the document names that is not ours to define: the
# system calls it relies on, the SQL functions store.c registers and the
# tables whose index columns it writes as table(columns).
#
# usage: design.sh [DOC]
doc=${1:-docs/design.md}
cd "$(dirname "$0")/../.." || exit 1
fail=0
NOT_OURS="alarm execve fork syncfs local_time local_date cases inbound"
# Files: `name.c` / `name.h`, globs allowed (`step-*.c`, `cmd-*.c`).
for f in $(grep -o '`[a-z0-9_*-]*\.[ch]`' "$doc" | tr -d '`' | sort -u); do
	# shellcheck disable=SC2086
	set -- src/$f
	if [ ! -e "$1" ]; then
		echo "$doc: names $f, which src/ does not hold"
		fail=1
	fi
done
# Functions: `name()`, maybe with arguments written in (`store_step(st)`).
for fn in $(grep -o '`[a-z_][a-z0-9_]*(' "$doc" | tr -d '`(' | sort -u); do
	case " $NOT_OURS " in *" $fn "*) continue ;; esac
	if ! grep -q "^$fn(" src/*.c && ! grep -q "#define $fn(" src/*.h; then
		echo "$doc: names $fn(), which no file in src/ defines"
		fail=1
	fi
done
[ $fail -eq 0 ] && echo "design: every file and function docs/design.md names exists"
exit $fail
