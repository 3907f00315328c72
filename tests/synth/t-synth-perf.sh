#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# perf 6.1 reads the synthesized perf.data (file and pipe mode): `perf script`
# prints exactly the scenario's events and times, and `perf kvm stat report
# --event=vmexit` prints per reason the answer's count, min, max and mean.
# perf pairs exit->entry only after a thread's first kvm_entry; every fixture
# starts its threads with a lone entry, so both count the same exits. perf's
# report mode ignores PERF_RECORD_LOST, so scenarios with lost markers are
# not compared with perf kvm stat (their answer drops the straddling exits).
. "$(dirname "$0")/../lib.sh"
D=$(dirname "$0")

if ! command -v perf >/dev/null 2>&1 || ! perf script --help >/dev/null 2>&1; then
	skip "perf reads synthesized perf.data" "perf not installed"
	done_testing
	exit
fi
for scn in "$FIXTURES"/*.scn; do
	name=$(basename "$scn" .scn)
	run "$SYNTH" -o perf="$TMP/$name.perf.data" -o perf-pipe="$TMP/$name.pipe.data" \
		-e "$TMP/$name.expect" -a "$TMP/$name.answer.json" "$scn"
	is "$RC" 0 "$name: kx-synth writes perf file and pipe"
	python3 "$D/sortexpect.py" --no-lost <"$TMP/$name.expect" >"$TMP/want"
	perf script -i "$TMP/$name.perf.data" --ns >"$TMP/script" 2>"$TMP/err"
	is "$?" 0 "$name: perf script reads the file"
	python3 "$D/report2expect.py" perf <"$TMP/script" >"$TMP/got"
	same_files "$TMP/want" "$TMP/got" "$name: perf script prints exactly the scenario's events"
	perf script -i - --ns <"$TMP/$name.pipe.data" >"$TMP/script" 2>"$TMP/err"
	is "$?" 0 "$name: perf script reads the pipe stream"
	python3 "$D/report2expect.py" perf <"$TMP/script" >"$TMP/got"
	same_files "$TMP/want" "$TMP/got" "$name: perf script (pipe) prints exactly the scenario's events"
	if grep -q '^[^#]*\blost\b' "$scn"; then
		skip "$name: perf kvm stat equals the answer" "perf report ignores lost events"
		continue
	fi
	perf kvm -i "$TMP/$name.perf.data" stat report --event=vmexit >"$TMP/kvm" 2>&1
	run python3 "$D/kvmstat_cmp.py" "$TMP/$name.answer.json" <"$TMP/kvm"
	is "$RC" 0 "$name: perf kvm stat count/min/max/mean per reason equal the answer"
	[ "$RC" -eq 0 ] && continue
	sed 's/^/# /' "$TMP/out" "$TMP/kvm" | head -30
done
# drained per CPU in batches: a multi-CPU file is not globally time-ordered
# (perf report -D delivers in time order but prints each record's file offset)
perf report -D -i "$FIXTURES/multi-vm.perf.data" 2>/dev/null | python3 -c '
import sys
recs = sorted((int(l.split()[2], 16), int(l.split()[1])) for l in sys.stdin
              if "PERF_RECORD_SAMPLE" in l)
back = sum(1 for a, b in zip(recs, recs[1:]) if b[1] < a[1])
sys.exit(0 if len(recs) > 1000 and back > 0 else 1)'
ok $? "multi-vm.perf.data: samples are not globally time-ordered in the file (per-CPU drain)"
perf script -i "$FIXTURES/lost.perf.data" --show-lost-events 2>/dev/null |
	awk '/PERF_RECORD_LOST/ { n += $NF } END { print n + 0 }' >"$TMP/n"
is "$(cat "$TMP/n")" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["lost_events"])' "$FIXTURES/lost.answer.json")" \
	"lost.perf.data: PERF_RECORD_LOST counts add up to the answer's lost_events"
done_testing
