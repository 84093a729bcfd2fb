#!/bin/sh
# SPDX-License-Identifier: ISC
# man/disposisi.rules.5 documents every keyword the rules parser accepts,
# in the place of its block, and names none the parser does not know.
#
# The parser's side is read from its tables in src/rules*.c: each
# `struct keyword NAME[] = {` table, and the block it serves from the
# `block_init(&b, "WHAT", ..., NAME, ...)` that opens it ("file" is the
# top level); the step kinds (`struct kind_entry`) and the targets
# (`struct target_word`) are values, written `Cm` in the page.
#
# The page's side: a keyword is documented by an `Ic KEYWORD` on the
# `.It` line of a list item whose list belongs to its block - the item
# `.It Ic sop` for a sop's keywords, the section "Top level" for the
# top level's, "Steps" for a step's - or in the text of its block's own
# item (a notice's keywords are written inline).
#
# usage: keywords.sh [PAGE]
page=${1:-man/disposisi.rules.5}
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# "block keyword" a line, from the keyword tables.
awk '
/^[ \t]*block_init\(&b, "/ {
	split($0, q, "\"")
	if (match($0, /[a-z_]+_kw,/))
		blk[substr($0, RSTART, RLENGTH - 1)] = q[2]
}
/struct keyword [a-z_]+\[\] = \{/ {
	match($0, /[a-z_]+\[\]/)
	tab = substr($0, RSTART, RLENGTH - 2)
	next
}
tab != "" && /^\};/ { tab = "" }
tab != "" && /^[ \t]*\{ "/ {
	split($0, q, "\"")
	n++
	kt[n] = tab
	kw[n] = q[2]
}
END {
	for (i = 1; i <= n; i++) {
		if (!(kt[i] in blk)) {
			print "? " kt[i]
			continue
		}
		print blk[kt[i]], kw[i]
	}
}' src/rules*.c | sort -u >"$tmp/parser"
# Values: step kinds and targets.
awk '
/struct (kind_entry|target_word) [a-z_]+\[\] = \{/ { on = 1; next }
on && /^\};/ { on = 0 }
on && /^[ \t]*\{ "/ { split($0, q, "\""); print q[2] }
' src/rules*.c | sort -u >"$tmp/values"

# "block keyword" a line for each keyword the page documents, and every
# word it marks Ic or Cm.
awk -v ic="$tmp/ic" -v cm="$tmp/cm" '
function owner(d) {
	return (d == 0 ? sect : item[d])
}
/^\.Sh / { sect = ""; depth = 0 }
/^\.Ss Top level/ { sect = "file" }
/^\.Ss Steps/ { sect = "step" }
/^\.Bl/ { depth++; item[depth] = ""; next }
/^\.El/ { depth--; next }
/^\./ {
	isit = $1 == ".It"
	sub(/^\./, "", $1)
	if (isit)
		item[depth] = $2 == "Ic" ? $3 : ""
	for (i = 1; i < NF; i++) {
		if ($i == "Cm")
			for (j = i + 1; j <= NF && $j !~ /^[A-Z][a-z]$/; j++)
				if ($j ~ /^[a-z]/)
					print $j >cm
		if ($i != "Ic")
			continue
		print $(i + 1) >ic
		o = isit ? owner(depth - 1) : owner(depth)
		if (o != "")
			print o, $(i + 1)
	}
}' "$page" | sort -u >"$tmp/page"
sort -u -o "$tmp/ic" "$tmp/ic"

fail=0
while read -r blk kw; do
	if [ "$blk" = "?" ]; then
		echo "keywords.sh: keyword table $kw: no block_init names its" \
		    "block (teach this script where it is documented)"
		fail=1
	elif ! grep -qx "$blk $kw" "$tmp/page"; then
		[ "$blk" = file ] && where="the top level" || where="a $blk block"
		echo "$page: lacks \"$kw\" of $where (the parser accepts it)"
		fail=1
	fi
done <"$tmp/parser"
while read -r v; do
	if ! grep -qx "$v" "$tmp/cm"; then
		echo "$page: lacks the value \"$v\" (Cm $v)"
		fail=1
	fi
done <"$tmp/values"
cut -d' ' -f2 "$tmp/parser" | sort -u >"$tmp/known"
while read -r w; do
	case $w in "{"|"}") continue ;; esac
	if ! grep -qx -- "$w" "$tmp/known"; then
		echo "$page: names \"Ic $w\", a keyword the parser does not know"
		fail=1
	fi
done <"$tmp/ic"
[ $fail = 0 ] && echo "keywords: $page documents the parser's" \
    "$(wc -l <"$tmp/parser") keywords where their blocks are, and no other"
exit $fail
