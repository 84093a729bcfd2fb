#!/bin/sh
# SPDX-License-Identifier: ISC
# Runs the unit test programs given as arguments, then the regress suite
# against real Dovecot and Postfix, and prints the total as
# "N passed, N failed" on the last line.
set -u
cd "$(dirname "$0")/.." || exit 1
passed=0
failed=0
add() {
	# $1: a line "N passed, N failed" (maybe prefixed by "word: ")
	set -- $(echo "$1" | sed -E 's/^([a-z]+: )?([0-9]+) passed, ([0-9]+) failed$/\2 \3/')
	passed=$((passed + $1))
	failed=$((failed + $2))
}
for t in "$@"; do
	out=$("./$t" 2>&1)
	rc=$?
	echo "$out" | grep -v '^[0-9]* passed' | sed "s|^|$t: |"
	line=$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -1)
	echo "$t: ${line:-no result (exit $rc)}"
	if [ -z "$line" ]; then failed=$((failed + 1)); else add "$line"; fi
	# A crash or sanitizer report after the summary still fails.
	if [ -n "$line" ] && [ $rc -ne 0 ]; then failed=$((failed + 1)); fi
done
# What the robot makes of real clients' mail: tests/corpus/*.eml.
line=$(python3 tests/corpus/check.py ./disposisi 2>&1 | tee /dev/stderr |
    grep -E '^corpus: [0-9]+ passed, [0-9]+ failed$' | tail -1)
echo "${line:-corpus: no result}"
if [ -z "$line" ]; then failed=$((failed + 1)); else add "$line"; fi
# Documents named as offices name them: tests/applications/gen.py.
line=$(python3 tests/applications/check.py ./disposisi 2>&1 | tee /dev/stderr |
    grep -E '^applications: [0-9]+ passed, [0-9]+ failed$' | tail -1)
echo "${line:-applications: no result}"
if [ -z "$line" ]; then failed=$((failed + 1)); else add "$line"; fi
log=$(mktemp)
python3 tests/regress/run.py ${REGRESS_FILTER:-} 2>&1 | tee "$log"
line=$(grep -E '^regress: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
rm -f "$log"
if [ -z "$line" ]; then failed=$((failed + 1)); else add "$line"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
