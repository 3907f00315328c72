#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Debian's trace-cmd reads every synthesized trace.dat (v6, v7 none, v7 zstd)
# and prints exactly the scenario's events, fields and nanosecond timestamps
# (report2expect.py parses its text; kx-synth --expect says what must be
# there). v7 zlib, which this trace-cmd cannot read, must hold the same
# metadata and pages as v7 none (v7pages.py decompresses with Python zlib).
. "$(dirname "$0")/../lib.sh"
D=$(dirname "$0")
. "$D/synth-lib.sh"

if ! command -v trace-cmd >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
	skip "trace-cmd report of synthesized files" "trace-cmd or python3 not installed"
	done_testing
	exit
fi
pairs=""
zpairs=""
for scn in "$FIXTURES"/*.scn; do
	name=$(basename "$scn" .scn)
	kinds="v6 v7-none v7-zstd"
	run "$SYNTH" -o v6="$TMP/$name.v6.dat" -o v7-none="$TMP/$name.v7-none.dat" \
		-o v7-zlib="$TMP/$name.v7-zlib.dat" -o v7-zstd="$TMP/$name.v7-zstd.dat" \
		-e "$TMP/$name.expect" "$scn"
	if [ "$RC" -ne 0 ] && grep -q zstd "$TMP/err"; then
		kinds="v6 v7-none"
		run "$SYNTH" -o v6="$TMP/$name.v6.dat" -o v7-none="$TMP/$name.v7-none.dat" \
			-o v7-zlib="$TMP/$name.v7-zlib.dat" -e "$TMP/$name.expect" "$scn"
		skip "$name: v7-zstd" "kx-synth built without libzstd"
	fi
	is "$RC" 0 "$name: kx-synth writes $kinds v7-zlib"
	for k in $kinds; do
		trace-cmd report -t -N "$TMP/$name.$k.dat" >"$TMP/$name.$k.report" 2>"$TMP/err"
		is "$?" 0 "$name.$k: trace-cmd report reads it"
		pairs="$pairs $TMP/$name.expect=$TMP/$name.$k.report"
	done
	zpairs="$zpairs $TMP/$name.v7-none.dat=$TMP/$name.v7-zlib.dat"
done
# shellcheck disable=SC2086
python3 "$D/report2expect.py" --check trace-cmd $pairs >"$TMP/res"
tap_results "$TMP/res" "trace-cmd prints exactly the scenario's events, fields and times"
# shellcheck disable=SC2086
python3 "$D/v7pages.py" $zpairs >"$TMP/res"
tap_results "$TMP/res" "decompresses to the v7-none metadata sections and pages"
# each marker must really be in the file: trace-cmd prints one dropped-events line for it
n=$(trace-cmd report -N "$FIXTURES/lost.dat" 2>/dev/null | grep -c 'EVENTS DROPPED')
is "$n" "$(grep -c ' LOST ' "$TMP/lost.expect")" \
	"lost: trace-cmd shows one dropped-events line per marker"
done_testing
