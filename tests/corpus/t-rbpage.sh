#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The trace.dat reader walks ring-buffer pages with its own inline walker
# (kx_rbpage) instead of a kbuffer call per event: libtraceevent's kbuffer
# stays the reference. Every page of the real v7 recordings and of v7
# fixtures with time extends and lost events is walked both ways
# (test_rbpage): every event's ts, position, size and every missed count
# must agree. Pages are extracted by rb_pages.py (independent of our code).
. "$(dirname "$0")/../lib.sh"

UNIT=$KX_BUILD/tests/test_rbpage
[ -x "$UNIT" ] || { skip "test_rbpage" "not built (make unit)"; done_testing; exit 0; }
"$SYNTH" -o v7-none="$TMP/lost.v7.dat" "$FIXTURES/lost.scn" >/dev/null 2>&1
n=0
for f in "$CORPUS"/local/trace-v7-*.dat "$CORPUS"/emulated/*.v7-zstd.dat \
	 "$FIXTURES/instances.v7.dat" "$TMP/lost.v7.dat"; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	args=$(python3 "$(dirname "$0")/rb_pages.py" "$f" "$TMP/pages$n")
	# shellcheck disable=SC2086
	"$UNIT" $args >"$TMP/out" 2>&1
	grep -q '^ok .* 0 differences' "$TMP/out" && ! grep -q '^not ok' "$TMP/out"
	ok $? "$(basename "$f"): $(grep -c '0 differences' "$TMP/out") streams as kbuffer walks them"
	grep -v '^ok\|^1\.\.' "$TMP/out" | head -5
done
[ $n -ge 8 ]
ok $? "at least 8 recordings walked ($n)"
done_testing
