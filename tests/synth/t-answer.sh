#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kvmexit-stat's own report on every output kind of every fixture scenario
# (trace.dat v6, v7 none/zlib/zstd, perf.data file, perf pipe via stdin)
# equals the scenario's known answer computed by kx-synth (answer_cmp.py),
# its 20 longest exits included,
# and their --csv --keys reports are the same bytes, whole and in a --time
# window.
. "$(dirname "$0")/../lib.sh"
D=$(dirname "$0")
. "$D/synth-lib.sh"

"$KX" report --json "$FIXTURES/seed-xapic.dat" >"$TMP/probe" 2>/dev/null &&
	grep -q '"exits"' "$TMP/probe"
have_report=$?
"$KX" cycles --json "$FIXTURES/seed-xapic.dat" >"$TMP/probe" 2>/dev/null &&
	grep -q '"count"' "$TMP/probe"
have_cycles=$?
kinds="v6 v7-none v7-zlib v7-zstd perf"
"$SYNTH" -o v7-zstd="$TMP/probe.dat" "$FIXTURES/seed-xapic.scn" 2>/dev/null ||
	kinds="v6 v7-none v7-zlib perf"
pairs=""
cpairs=""
for scn in "$FIXTURES"/*.scn; do
	name=$(basename "$scn" .scn)
	if [ "$have_report" -ne 0 ]; then
		skip "$name: kvmexit-stat report equals the known answer" "report not available"
		continue
	fi
	args=""
	for k in $kinds; do
		args="$args -o $k=$TMP/$name.$k"
	done
	# shellcheck disable=SC2086
	run "$SYNTH" $args -o perf-pipe="$TMP/$name.pipe" -a "$TMP/$name.answer.json" "$scn"
	is "$RC" 0 "$name: kx-synth writes $kinds perf-pipe"
	for k in $kinds pipe; do
		if [ "$k" = pipe ]; then
			"$KX" report --json --longest 20 - <"$TMP/$name.pipe" >"$TMP/$name.$k.json" 2>"$TMP/err"
		else
			"$KX" report --json --longest 20 "$TMP/$name.$k" >"$TMP/$name.$k.json" 2>"$TMP/err"
		fi
		[ "$?" -eq 0 ] || { echo "# $name.$k: kvmexit-stat failed"; sed 's/^/#   /' "$TMP/err"; }
		pairs="$pairs $TMP/$name.answer.json=$TMP/$name.$k.json"
	done
	# one recording in every format: the same rows in the same order, ties
	# included (reason lists and equal rows follow the order names are met in);
	# and the same part of it in a --time window (1.5 ms from 0.5 ms in)
	for opts in "--csv --keys" "--csv --keys --time 1000.0005,1000.002"; do
		# shellcheck disable=SC2086
		"$KX" report $opts "$TMP/$name.v6" >"$TMP/$name.v6.csv" 2>&1
		for k in $kinds pipe; do
			[ "$k" = v6 ] && continue
			if [ "$k" = pipe ]; then
				# shellcheck disable=SC2086
				"$KX" report $opts - <"$TMP/$name.pipe" >"$TMP/$name.$k.csv" 2>&1
			else
				# shellcheck disable=SC2086
				"$KX" report $opts "$TMP/$name.$k" >"$TMP/$name.$k.csv" 2>&1
			fi
			run cmp "$TMP/$name.v6.csv" "$TMP/$name.$k.csv"
			is "$RC" 0 "$name: report $opts of $k is v6's, byte for byte"
		done
	done
	if [ "$have_cycles" -eq 0 ]; then
		"$KX" cycles --json "$TMP/$name.v6" >"$TMP/$name.cycles.json" 2>"$TMP/err"
		cpairs="$cpairs $TMP/$name.answer.json=$TMP/$name.cycles.json"
	fi
done
if [ -n "$pairs" ]; then
	# shellcheck disable=SC2086
	python3 "$D/answer_cmp.py" $pairs >"$TMP/res"
	tap_results "$TMP/res" "kvmexit-stat report --json equals the known answer"
fi
if [ "$have_cycles" -ne 0 ]; then
	skip "kvmexit-stat cycles equals the known answers" "cycles not available"
elif [ -n "$cpairs" ]; then
	# shellcheck disable=SC2086
	python3 "$D/answer_cmp.py" --cycles $cpairs >"$TMP/res"
	tap_results "$TMP/res" "kvmexit-stat cycles --json totals equal the known answer"
fi
done_testing
