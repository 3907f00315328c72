#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kvmexit-stat's own report on every output kind of every fixture scenario
# (trace.dat v6, v7 none/zlib/zstd, perf.data file, perf pipe via stdin)
# equals the scenario's known answer computed by kx-synth (answer_cmp.py).
. "$(dirname "$0")/../lib.sh"
D=$(dirname "$0")

"$KX" report --json "$FIXTURES/seed-xapic.dat" >"$TMP/probe" 2>/dev/null &&
	grep -q '"exits"' "$TMP/probe"
have_report=$?
"$KX" cycles --json "$FIXTURES/seed-xapic.dat" >"$TMP/probe" 2>/dev/null &&
	grep -q '"count"' "$TMP/probe"
have_cycles=$?
for scn in "$FIXTURES"/*.scn; do
	name=$(basename "$scn" .scn)
	if [ "$have_report" -ne 0 ]; then
		skip "$name: kvmexit-stat report equals the known answer" "report not available"
		continue
	fi
	kinds="v6 v7-none v7-zlib v7-zstd perf"
	"$SYNTH" -o v7-zstd="$TMP/probe.dat" "$scn" 2>/dev/null || kinds="v6 v7-none v7-zlib perf"
	args=""
	for k in $kinds; do
		args="$args -o $k=$TMP/$name.$k"
	done
	# shellcheck disable=SC2086
	run "$SYNTH" $args -o perf-pipe="$TMP/$name.pipe" -a "$TMP/$name.answer.json" "$scn"
	is "$RC" 0 "$name: kx-synth writes $kinds perf-pipe"
	for k in $kinds pipe; do
		if [ "$k" = pipe ]; then
			"$KX" report --json - <"$TMP/$name.pipe" >"$TMP/rep.json" 2>"$TMP/err"
		else
			"$KX" report --json "$TMP/$name.$k" >"$TMP/rep.json" 2>"$TMP/err"
		fi
		rc=$?
		run python3 "$D/answer_cmp.py" "$TMP/$name.answer.json" "$TMP/rep.json"
		[ "$rc" -eq 0 ] || RC=1
		is "$RC" 0 "$name.$k: kvmexit-stat report --json equals the known answer"
		[ "$RC" -eq 0 ] || sed 's/^/# /' "$TMP/out" "$TMP/err" | head -20
	done
	if [ "$have_cycles" -ne 0 ]; then
		skip "$name: kvmexit-stat cycles equals the known answer" "cycles not available"
		continue
	fi
	"$KX" cycles --json "$TMP/$name.v6" >"$TMP/cyc.json" 2>"$TMP/err"
	run python3 "$D/answer_cmp.py" "$TMP/$name.answer.json" "$TMP/cyc.json" --cycles
	is "$RC" 0 "$name: kvmexit-stat cycles --json totals equal the known answer"
done
done_testing
