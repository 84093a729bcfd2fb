#!/bin/sh
# SPDX-License-Identifier: ISC
# The house's size limits: no file in src/ over 900 lines, no function
# over 80 (from the line naming it to its closing brace). A function is
# written in the tree's style: its name at column 0, its body between a
# `{` and a `}` each alone at column 0.
#
# usage: lengths.sh [SRC...]	(default: src/*.c src/*.h)
MAXFILE=900
MAXFUNC=80
[ $# -eq 0 ] && set -- src/*.c src/*.h
awk -v maxfile=$MAXFILE -v maxfunc=$MAXFUNC '
function over(what) {
	print "FAIL: " what
	bad = 1
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
			over(f ": " lines[f] " lines (max " maxfile ")")
		}
	exit bad
}' "$@"
