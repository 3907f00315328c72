#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Hosts with hundreds of CPUs: every CPU stream of a trace.dat gets its
# share of a fixed window budget, so many streams read small windows. Those
# are read with pread, not mapped (unmapping a window costs every other
# thread of the process a TLB shootdown: 512 streams in two slices took
# 0.98 s instead of 0.57). Narrow traces keep mapping their 1 MiB windows.
# The split that cuts a trace into time slices samples page times (and
# walks a few pages for their vCPU threads) within a budget for all
# streams: sampling every stream as 8 CPUs are took 0.1 s of reads on 512
# CPUs before any slice began.
# On a 64-CPU and a 512-CPU trace the report must equal kx-synth's known
# answer and be the same for any --threads; the windows must be read, not
# mapped; the split must keep to its budget; and a file cut while its
# windows are read is bad input. With 600 vCPU threads, --by vcpu must
# give each thread what trace-cmd's text shows for it (groups are found
# by hash: a scan of them was 44 % of the instructions with 256).
. "$(dirname "$0")/../lib.sh"
D=$(dirname "$0")
. "$D/synth-lib.sh"

# 32 vCPUs on 64 CPUs (vCPU v on CPUs v and v + 32), each stream ~600 KiB:
# with one thread it reads 256 KiB windows, with two 128 KiB ones
python3 "$ROOT/bench/wide-host.py" "$ROOT/bench/busy-host.scn.in" 1200 >"$TMP/w64.scn"
# 256 vCPUs on 512 CPUs, about 30 pages a stream
python3 "$ROOT/bench/wide-host.py" "$ROOT/bench/busy-host.scn.in" 200 256 512 >"$TMP/w512.scn"
for w in w64 w512; do
	"$SYNTH" -o v6="$TMP/$w.dat" -a "$TMP/$w.answer.json" "$TMP/$w.scn" >/dev/null 2>&1
	ok $? "kx-synth writes $w.dat"
done
size=$(stat -c %s "$TMP/w64.dat")
[ "$size" -gt $((64 * 512 * 1024)) ]
ok $? "w64.dat: its streams are over 512 KiB each ($size bytes for 64 CPUs)"

pairs=
for w in w64 w512; do
	for n in 1 2 3; do
		"$KX" report --json --longest 20 --threads $n "$TMP/$w.dat" >"$TMP/$w.$n.json"
		is $? 0 "$w.dat --threads $n: report --json"
		pairs="$pairs $TMP/$w.answer.json=$TMP/$w.$n.json"
	done
	for n in 2 3; do
		same_files "$TMP/$w.1.json" "$TMP/$w.$n.json" "$w.dat: --threads $n reports as --threads 1"
	done
done
# shellcheck disable=SC2086
python3 "$D/answer_cmp.py" $pairs >"$TMP/res"
tap_results "$TMP/res" "the known answer"

# 600 vCPU threads on 512 CPUs: each thread's exits, host and guest time
# from report --by vcpu against an independent pairing of trace-cmd's text
python3 "$ROOT/bench/wide-host.py" "$ROOT/bench/busy-host.scn.in" 4 600 512 >"$TMP/v600.scn"
"$SYNTH" -o v6="$TMP/v600.dat" "$TMP/v600.scn" >/dev/null 2>&1
ok $? "kx-synth writes 600 vCPU threads on 512 CPUs"
if command -v trace-cmd >/dev/null 2>&1; then
	trace-cmd report -t -i "$TMP/v600.dat" >"$TMP/v600.txt" 2>/dev/null
	python3 "$ROOT/tests/corpus/pair_oracle.py" "$TMP/v600.txt" >"$TMP/v600.oracle"
	ok $? "trace-cmd report -t of it paired per thread"
	for n in 1 3; do
		"$KX" report --by vcpu --json --threads $n "$TMP/v600.dat" >"$TMP/v600.$n.json"
		is $? 0 "v600.dat --by vcpu --threads $n"
		got=$(python3 - "$TMP/v600.oracle" "$TMP/v600.$n.json" <<'PY'
import json, sys
want = json.load(open(sys.argv[1]))["threads"]
got = {str(v["tid"]): v for v in json.load(open(sys.argv[2]))["vcpus"]}
bad = [t for t, w in want.items() if t not in got or
       (got[t]["host"]["exits"], got[t]["host"]["total"] + got[t]["host"]["idle_total"],
        got[t]["guest"]["total"]) != (w["exits"], w["host_total"], w["guest_total"])]
print(len(want), len(got), len(bad))
PY
)
		is "$got" "600 600 0" "v600.dat --threads $n: every thread's exits, host and guest time as trace-cmd's"
	done
else
	skip "600 vCPU threads against trace-cmd" "trace-cmd not installed"
fi

if ! file_shim; then
	skip "how the windows are held" "no C compiler for the shim: $SHIM_ERR"
	done_testing
	exit
fi

# maps_per_open FILE N: each reader of FILE (N threads) maps the whole file
# once; more mappings are windows. Prints "OPENS MAPS".
maps_per_open() {
	rm -f "$TMP/opens" "$TMP/maps"
	KX_OPEN_LOG=$TMP/opens KX_MAP_LOG=$TMP/maps LD_PRELOAD=$SHIM \
		"$KX" report --threads "$2" "$1" >/dev/null 2>&1
	echo "$(grep -cx "$1" "$TMP/opens") $(grep -cx "$1" "$TMP/maps")"
}
for n in 1 2; do
	# shellcheck disable=SC2046
	set -- $(maps_per_open "$TMP/w64.dat" $n)
	[ "$1" -ge 1 ] && [ "$2" -eq "$1" ]
	ok $? "w64.dat --threads $n: windows read, not mapped ($1 opens, $2 mappings)"
done
# 8 CPUs: 1 MiB windows, mapped (t-windows.sh checks what they read)
sed 's/@REPS@/3000/' "$ROOT/bench/busy-host.scn.in" >"$TMP/busy.scn"
"$SYNTH" -o v6="$TMP/busy.dat" "$TMP/busy.scn" >/dev/null 2>&1
ok $? "kx-synth writes an 8-CPU trace"
# shellcheck disable=SC2046
set -- $(maps_per_open "$TMP/busy.dat" 1)
[ "$2" -gt "$1" ]
ok $? "busy.dat --threads 1: windows mapped ($1 opens, $2 mappings)"

# the split's reads (8-byte page headers, 4 KiB pages) on 512 streams: 8192
# sampled times, with --by vcpu 1024 pages walked for the vCPU threads a
# slice will hold, and each slice start found by bisection (~5 headers a
# stream); every page of every stream sampled was 24 000
for by in "" "--by vcpu"; do
	rm -f "$TMP/reads"
	# shellcheck disable=SC2086
	KX_READ_LOG=$TMP/reads LD_PRELOAD=$SHIM "$KX" report $by --threads 2 "$TMP/w512.dat" \
		>/dev/null 2>&1
	# shellcheck disable=SC2046
	set -- $(awk -v f="$TMP/w512.dat" '$1 == f && $2 <= 4096 { n++; if ($2 == 4096) p++ }
		END { print n + 0, p + 0 }' "$TMP/reads")
	[ "$1" -gt 8192 ] && [ "$1" -lt 12288 ]
	ok $? "w512.dat --threads 2 $by: the split reads within its budget ($1 small reads)"
	if [ -n "$by" ]; then
		is "$2" 1024 "w512.dat --threads 2 $by: 1024 pages walked for vCPU threads"
	else
		is "$2" 0 "w512.dat --threads 2: no page walked, the report holds nothing per thread"
	fi
done

# the file cut to half right after its first mapping (the whole file's):
# the windows of the later streams read past the end
cp "$TMP/w64.dat" "$TMP/cut.dat"
KX_SHRINK_PATH=$TMP/cut.dat KX_SHRINK_NTH=1 KX_SHRINK_TO=$((size / 2)) LD_PRELOAD=$SHIM \
	run "$KX" report --threads 1 "$TMP/cut.dat"
rejected "$TMP/cut.dat" "w64.dat cut while its windows are read"
grep -q "the file shrank while it was read" "$TMP/err"
ok $? "w64.dat cut while its windows are read: says the file shrank"
done_testing
