#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every committed broken input, through every command that reads a trace
# and through standard input: exit 3, exactly one line on stderr of the
# form "kvmexit-stat: FILE: problem", nothing on stdout, no crash.
. "$(dirname "$0")/../lib.sh"

for f in "$FIXTURES"/bad/*; do
	case $f in *.md) continue ;; esac
	name=${f##*/}
	for cmd in report cycles info; do
		run "$KX" "$cmd" "$f"
		lines=$(wc -l <"$TMP/err")
		if [ "$RC" -eq 3 ] && [ "$lines" -eq 1 ] && [ ! -s "$TMP/out" ] &&
		   grep -q "^kvmexit-stat: $f: ." "$TMP/err"; then
			ok 0 "$cmd $name: exit 3, one line naming the file"
		else
			ok 1 "$cmd $name: exit 3, one line naming the file"
			diag "rc=$RC stderr: $(head -3 "$TMP/err")"
		fi
	done
	run sh -c "'$KX' report - < '$f'"
	[ "$RC" -eq 3 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q '^kvmexit-stat: (stdin): .' "$TMP/err"
	ok $? "report - < $name: exit 3, one line"
done
done_testing
