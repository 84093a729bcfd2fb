#!/bin/sh
# SPDX-License-Identifier: ISC
# The house's size limits: no file in src/ over 900 lines, no function
# over 80 (from the line naming it to its closing brace). A function is
# written in the tree's style: its name at column 0, its body between a
# `{` and a `}` each alone at column 0.
#
# usage: lengths.sh [-r FILE...] [SRC...]
#   SRC    the files checked (default: src/*.c src/*.h)
#   -r     files only reported on, not failed on (those another branch
#          is splitting), listed before the files checked
MAXFILE=900
MAXFUNC=80
report=
while [ "$1" = -r ]; do
	report="$report $2"
	shift 2
done
[ $# -eq 0 ] && set -- src/*.c src/*.h
awk -v maxfile=$MAXFILE -v maxfunc=$MAXFUNC -v report="$report" '
BEGIN {
	n = split(report, r, " ")
	for (i = 1; i <= n; i++)
		soft[r[i]] = 1
}
function over(what) {
	if (FILENAME in soft)
		print "report: " what
	else {
		print "FAIL: " what
		bad = 1
	}
}
FNR == 1 { name = ""; start = 0 }
/^[A-Za-z_][A-Za-z0-9_]*\(/ { name = $0; sub(/\(.*/, "", name); start = FNR }
/^\{$/ { open = (start > 0) }
/^\}$/ && open {
	len = FNR - start + 1
	if (len > maxfunc)
		over(FILENAME ":" start ": " name "() is " len " lines (max " maxfunc ")")
	open = 0
	start = 0
}
{ lines[FILENAME] = FNR }
END {
	for (f in lines)
		if (lines[f] > maxfile) {
			FILENAME = f
			over(f ": " lines[f] " lines (max " maxfile ")")
		}
	exit bad
}' "$@"
