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
. "$D/synth-lib.sh"

if ! command -v perf >/dev/null 2>&1 || ! perf script --help >/dev/null 2>&1; then
	skip "perf reads synthesized perf.data" "perf not installed"
	done_testing
	exit
fi
pairs=""
kpairs=""
for scn in "$FIXTURES"/*.scn; do
	name=$(basename "$scn" .scn)
	run "$SYNTH" -o perf="$TMP/$name.perf.data" -o perf-pipe="$TMP/$name.pipe.data" \
		-e "$TMP/$name.expect" -a "$TMP/$name.answer.json" "$scn"
	is "$RC" 0 "$name: kx-synth writes perf file and pipe"
	perf script -i "$TMP/$name.perf.data" --ns >"$TMP/$name.file.script" 2>"$TMP/err"
	is "$?" 0 "$name: perf script reads the file"
	perf script -i - --ns <"$TMP/$name.pipe.data" >"$TMP/$name.pipe.script" 2>"$TMP/err"
	is "$?" 0 "$name: perf script reads the pipe stream"
	pairs="$pairs $TMP/$name.expect=$TMP/$name.file.script $TMP/$name.expect=$TMP/$name.pipe.script"
	if grep -q '^[^#]*\blost\b' "$scn"; then
		skip "$name: perf kvm stat equals the answer" "perf report ignores lost events"
		continue
	fi
	perf kvm -i "$TMP/$name.perf.data" stat report --event=vmexit >"$TMP/$name.kvmstat" 2>&1
	kpairs="$kpairs $TMP/$name.answer.json=$TMP/$name.kvmstat"
done
# shellcheck disable=SC2086
python3 "$D/report2expect.py" --check perf $pairs >"$TMP/res"
tap_results "$TMP/res" "perf script prints exactly the scenario's events and times"
# shellcheck disable=SC2086
python3 "$D/kvmstat_cmp.py" $kpairs >"$TMP/res"
tap_results "$TMP/res" "perf kvm stat count/min/max/mean per reason equal the answer"
# drained per CPU in batches: a multi-CPU file is not globally time-ordered
# (perf report -D delivers in time order but prints each record's file offset)
perf report -D -i "$FIXTURES/multi-vm.perf.data" 2>/dev/null >"$TMP/dump"
grep PERF_RECORD_SAMPLE "$TMP/dump" | awk '{ print $3, $2 }' | sort >"$TMP/byoffset"
back=$(awk '{ if (n++ && $2 < last) b++; last = $2 } END { print b + 0 }' "$TMP/byoffset")
[ "$(wc -l <"$TMP/byoffset")" -gt 1000 ] && [ "$back" -gt 0 ]
ok $? "multi-vm.perf.data: samples are not globally time-ordered in the file ($back steps back)"

# perf record reads the CPUs' rings one after another: a round holds each
# CPU's events up to its own read time, so rounds overlap in time and the
# reader must hold events back a round (perf's FINISHED_ROUND rule).
# perf-stagger writes that layout (the busy host has it); perf and
# kvmexit-stat must still read every event, in time order, as the known
# answer has them.
sed 's/@REPS@/2000/' "$ROOT/bench/busy-host.scn.in" >"$TMP/st.scn"
run "$SYNTH" -o perf="$TMP/st.perf.data" -o perf-pipe="$TMP/st.pipe.data" -e "$TMP/st.expect" \
	-a "$TMP/st.answer.json" "$TMP/st.scn"
is "$RC" 0 "perf-stagger: kx-synth writes perf file and pipe"
perf report -D -i "$TMP/st.perf.data" 2>/dev/null >"$TMP/st.dump"
python3 - "$TMP/st.dump" >"$TMP/st.rounds" <<'PY'
import re, sys
recs = []
for line in open(sys.argv[1]):
    m = re.match(r'^(?:-?\d+ )?(?:(\d+) )?(0x[0-9a-f]+) \[0x[0-9a-f]+\]: PERF_RECORD_(\w+)', line)
    if m:
        recs.append((int(m.group(2), 16), m.group(3), int(m.group(1) or 0)))
rounds = [[]]
for off, typ, ts in sorted(recs):
    if typ == "FINISHED_ROUND":
        rounds.append([])
    elif typ == "SAMPLE":
        rounds[-1].append(ts)
# newest[i]: the newest sample in rounds 0..i
newest, top = [], 0
for r in rounds:
    top = max([top] + r)
    newest.append(top)
back = sum(1 for i in range(1, len(rounds)) for t in rounds[i] if rounds[i - 1] and t < max(rounds[i - 1]))
two = sum(1 for i in range(2, len(rounds)) for t in rounds[i] if t < newest[i - 2])
print(len(rounds), back, two)
PY
read -r nr back two <"$TMP/st.rounds"
[ "$nr" -gt 20 ] && [ "$back" -gt 100 ] && [ "$two" -eq 0 ]
ok $? "perf-stagger: $nr rounds, $back samples older than the round before's newest, none older than two rounds back"
perf script -i "$TMP/st.perf.data" --ns >"$TMP/st.file.script" 2>/dev/null &&
	perf script -i - --ns <"$TMP/st.pipe.data" >"$TMP/st.pipe.script" 2>/dev/null
ok $? "perf-stagger: perf script reads file and pipe"
python3 "$D/report2expect.py" --check perf "$TMP/st.expect=$TMP/st.file.script" \
	"$TMP/st.expect=$TMP/st.pipe.script" >"$TMP/res"
tap_results "$TMP/res" "perf-stagger: perf script prints exactly the scenario's events and times"
perf kvm -i "$TMP/st.perf.data" stat report --event=vmexit >"$TMP/st.kvmstat" 2>&1
python3 "$D/kvmstat_cmp.py" "$TMP/st.answer.json=$TMP/st.kvmstat" >"$TMP/res"
tap_results "$TMP/res" "perf-stagger: perf kvm stat count/min/max/mean per reason equal the answer"
pairs=""
for n in 1 2; do
	"$KX" report --json --longest 20 --threads $n "$TMP/st.perf.data" >"$TMP/st.file.$n.json" &&
		"$KX" report --json --longest 20 --threads $n - <"$TMP/st.pipe.data" >"$TMP/st.pipe.$n.json"
	is $? 0 "perf-stagger: kvmexit-stat reads file and pipe, --threads $n"
	pairs="$pairs $TMP/st.answer.json=$TMP/st.file.$n.json $TMP/st.answer.json=$TMP/st.pipe.$n.json"
done
# shellcheck disable=SC2086
python3 "$D/answer_cmp.py" $pairs >"$TMP/res"
tap_results "$TMP/res" "perf-stagger: kvmexit-stat report --json equals the known answer"

n=$(perf script -i "$FIXTURES/lost.perf.data" --show-lost-events 2>/dev/null |
	awk '/PERF_RECORD_LOST/ { n += $NF } END { print n + 0 }')
want=$(sed -n 's/.*"lost_events":\([0-9]*\).*/\1/p' "$FIXTURES/lost.answer.json")
is "$n" "$want" "lost.perf.data: PERF_RECORD_LOST counts add up to the answer's lost_events"
done_testing
