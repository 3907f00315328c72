#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The data quality of a selection: with --time, the lost events, discarded
# intervals, orphan entries, unmatched and unfinished exits and the vCPU
# threads are those of the window; with --vcpu and --pid, the thread-level
# ones are the selected threads' (lost events belong to CPUs: only --time
# narrows them). The lost fixture (two vCPUs; 51 gaps on CPU 0 and 10 on
# CPU 1, each breaking the exit or guest run open there) as trace.dat and
# perf.data, against the independent pairing of `trace-cmd report -t` text
# (pair_oracle.py: a "CPU:N [X EVENTS DROPPED]" line is a gap at the next
# line of CPU N) and the PERF_RECORD_LOST lines of `perf script`. Then a
# busier host: vCPUs that migrate, a second trace buffer, gaps on a CPU
# another thread sits on. Inputs this small are read in one pass whatever
# --threads says: windows joined from slices are test_slices' and, on the
# real host, t-vmx-host.sh's.
. "$(dirname "$0")/../lib.sh"

DAT=$FIXTURES/lost.dat
PERF=$FIXTURES/lost.perf.data
# independent_views: $TXT, trace-cmd's text of $DAT, and $TMP/perf-lost,
# "ns count" of each PERF_RECORD_LOST that perf script shows in $PERF
independent_views() {
	trace-cmd report -t "$DAT" >"$TXT" 2>/dev/null
	perf script --ns --show-lost-events -i "$PERF" 2>/dev/null |
		sed -n 's/.* \([0-9]*\)\.\([0-9]*\): PERF_RECORD_LOST lost \([0-9]*\)$/\1\2 \3/p' \
		>"$TMP/perf-lost"
}

TXT=$TMP/report-t.txt
independent_views
grep -q 'EVENTS DROPPED' "$TXT"
ok $? "trace-cmd report -t prints the fixture's gaps"
is "$(wc -l <"$TMP/perf-lost" | tr -d ' ')" 61 "perf script shows the perf.data file's 61 PERF_RECORD_LOST"

FIELDS="lost_events lost_markers lost_unknown discarded orphan_entries unmatched_exits unfinished_exits threads"

# want FROM TO [TID]: the oracle's counts (FIELDS order) in [FROM, TO] ns
# of $TXT, those of thread TID for the thread-level ones
want() {
	python3 "$ROOT/tests/corpus/pair_oracle.py" "$TXT" "$1" "$2" |
		python3 -c '
import json, sys
d = json.load(sys.stdin)
q = d["quality"]
if len(sys.argv) > 2:
    t = d["threads"][sys.argv[2]]
    q = dict(q, threads=int(t["in_window"]), **t["quality"])
print(" ".join(str(q[f]) for f in sys.argv[1].split()))' "$FIELDS" ${3:+"$3"}
}

# got: the same counts from the last report --json
got() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[2]))
print(" ".join(str(d[f]) for f in sys.argv[1].split()))' "$FIELDS" "$TMP/out"
}

# perf_lost FROM TO: "events markers" of the PERF_RECORD_LOST lines in [FROM, TO]
perf_lost() {
	awk -v lo="$1" -v hi="$2" '$1 + 0 >= lo + 0 && $1 + 0 <= hi + 0 { n++; s += $2 }
		END { print s + 0, n + 0 }' "$TMP/perf-lost"
}

# lost_of: "events markers" of the last report --json
lost_of() {
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
print(d["lost_events"], d["lost_markers"])' "$TMP/out"
}

# time_opt WINDOW: the --time option for WINDOW, none for "-"
time_opt() {
	[ "$1" = - ] || echo "--time $1"
}

# check_window LABEL ALL WINDOW FROM TO THREADS: report --json of $DAT and
# $PERF with --time WINDOW ("-": none), i.e. [FROM, TO] ns, and --threads
# THREADS. trace.dat's counts are the oracle's, and so are perf.data's if
# ALL is 1; perf.data's lost events and gaps are perf script's in it.
check_window() {
	w=$(want "$4" "$5")
	# shellcheck disable=SC2046
	run "$KX" report --json --threads "$6" $(time_opt "$3") "$DAT"
	is "$(got)" "$w" "$1trace.dat --time $3 --threads $6: $FIELDS as the text's pairing has them"
	# shellcheck disable=SC2046
	run "$KX" report --json --threads "$6" $(time_opt "$3") "$PERF"
	[ "$2" = 0 ] || is "$(got)" "$w" "$1perf.data --time $3 --threads $6: the same"
	is "$(lost_of)" "$(perf_lost "$4" "$5")" \
		"$1perf.data --time $3 --threads $6: lost events and gaps of perf script's LOST lines in it"
}

# the windows: none; the middle, with two gaps; from the first gap's
# 1000.001666 on (the interval it breaks began before); to just before
# it; between CPU 0's last gap and CPU 1's first (none); from CPU 0's
# last on. No end falls between a gap's PERF_RECORD_LOST time and the
# next event of its CPU, 1 ns later.
for window in "- 0 18446744073709551615" \
	"1000.0012,1000.0017 1000001200000 1000001700000" \
	"1000.00166, 1000001660000 18446744073709551615" \
	",1000.001665 0 1000001665000" \
	"1000.0034,1000.0039 1000003400000 1000003900000" \
	"1000.0033, 1000003300000 18446744073709551615"; do
	set -- $window
	check_window "" 1 "$1" "$2" "$3" 1
	check_window "" 1 "$1" "$2" "$3" 3
done
# the oracle's windows are not all alike: the test above can fail
is "$(want 1000001200000 1000001700000 | cut -d' ' -f1-4)" "107 2 0 2" \
	"the middle window has two gaps of the 61 (100 and 7 events), breaking two intervals"

# --vcpu, --pid: the thread-level counts of the selected thread; lost
# events stay the CPUs' (of the window with --time)
for sel in "--vcpu 0 7001" "--vcpu 1 7002" "--pid 7001 7001"; do
	set -- $sel
	for window in "- 0 18446744073709551615" "1000.0012,1000.0017 1000001200000 1000001700000"; do
		# shellcheck disable=SC2086
		set -- $sel $window
		# shellcheck disable=SC2046
		run "$KX" report --json "$1" "$2" $(time_opt "$4") "$DAT"
		is "$(got)" "$(want "$5" "$6" "$3")" \
			"$1 $2 --time $4: the thread's anomalies and one thread, the window's gaps"
	done
done

# the text says what the counts cover, and shows the window's
run "$KX" report --time 1000.0012,1000.0017 "$DAT"
grep -q '^window: 1000.001200000 to 1000.001700000 (--time): intervals wholly inside it, data quality and threads in it$' "$TMP/out"
ok $? "text: the window line says the data quality is the window's"
# shellcheck disable=SC2046
set -- $(want 1000001200000 1000001700000)
grep -q "^data quality: lost events $1 ($2 gaps, $3 of unknown size), discarded intervals $4, orphan entries $5, unmatched exits $6, unfinished exits $7," "$TMP/out"
ok $? "text: the data-quality line has the window's counts"
grep -q "^span: 500.000 us, $8 vCPU threads$" "$TMP/out"
ok $? "text: the span line has the window's threads"

# check: a lost_events rule judges the window. The whole trace lost
# events; the window between the two CPUs' gaps lost none.
run "$KX" check --max lost_events=0 "$DAT"
is "$RC" 1 "check --max lost_events=0 on the whole trace fails"
run "$KX" check --time 1000.0034,1000.0039 --max lost_events=0 --max discarded=0 "$DAT"
is "$RC" 0 "check --time between the gaps: lost_events and discarded 0, passes"
run "$KX" check --time 1000.0012,1000.0017 --max lost_events=0 "$DAT"
is "$RC" 1 "check --time around two gaps fails"
grep -q "^FAIL  *max lost_events  *107 " "$TMP/out"
ok $? "and says 107 events were lost in it"

# the busier host: 8101 moves between CPUs 0 and 1 and loses events in its
# HLTs; 8102 drops events on CPU 0, where 8101 may sit, and enters twice
# in a row; 8201, in the second buffer, loses events in each HLT. Windows
# at 30 to 70 % of its 14.4 ms, its first and its second half. perf.data
# has no buffers: there 8201's gaps on CPU 1 also break 8101 when it sits
# on CPU 1, so only its lost counts are compared (with perf script's).
cat >"$TMP/busy.scn" <<'SCN'
kernel 6.18
isa vmx
clock local
cpus 3
buffer second
seed 11
vcpu tid=8101 comm="CPU 0/KVM" vcpu=0 vm=8100 cpu=0 {
	entry
	repeat 400 {
		guest lognormal median=4us sigma=0.8
		choose {
			3: exit APIC_ACCESS apic write EOI 2us
			1: exit HLT lost 3 50us
			1: { migrate cpu 1 ; exit EXTERNAL_INTERRUPT 900ns }
			1: { migrate cpu 0 ; exit EXTERNAL_INTERRUPT 900ns }
		}
	}
	exit HLT unfinished 5us
}
vcpu tid=8102 comm="CPU 1/KVM" vcpu=1 vm=8100 cpu=2 start=3us {
	entry
	repeat 400 {
		guest 3us
		choose {
			2: exit APIC_WRITE apic write TMICT val=0x2710 1us
			1: { lost cpu 0 count 5 ; exit CPUID 700ns }
			1: { entry ; exit CPUID 1us }
		}
	}
}
vcpu tid=8201 comm="CPU 0/KVM" vcpu=0 vm=8200 cpu=1 buffer=second start=1us {
	entry
	repeat 300 {
		guest 5us
		exit MSR_WRITE msr write 0x6e0 1us
		guest 2us
		exit HLT lost 2 40us
	}
}
SCN
"$SYNTH" -o v6="$TMP/busy.dat" -o perf="$TMP/busy.perf.data" "$TMP/busy.scn" >/dev/null 2>&1
ok $? "kx-synth writes the busier host"
DAT=$TMP/busy.dat
PERF=$TMP/busy.perf.data
TXT=$TMP/busy.txt
independent_views
is "$(grep -c 'EVENTS DROPPED' "$TXT")/$(wc -l <"$TMP/perf-lost" | tr -d ' ')" 398/398 \
	"trace-cmd and perf script show its 398 gaps"
for window in "- 0 18446744073709551615" \
	"1000.00432,1000.01008 1000004320000 1000010080000" \
	",1000.0072 0 1000007200000" \
	"1000.0072, 1000007200000 18446744073709551615"; do
	set -- $window
	check_window "busier host, " 0 "$1" "$2" "$3" 1
	check_window "busier host, " 0 "$1" "$2" "$3" 2
done
# vcpu 0 is a thread of each VM, 8101 and 8201
run "$KX" report --json --vcpu 0 --time 1000.00432,1000.01008 "$DAT"
is "$(got)" "$(python3 "$ROOT/tests/corpus/pair_oracle.py" "$TXT" 1000004320000 1000010080000 |
	python3 -c '
import json, sys
d = json.load(sys.stdin)
q, chosen = d["quality"], [d["threads"]["8101"], d["threads"]["8201"]]
q = dict(q, threads=sum(t["in_window"] for t in chosen),
         **{k: sum(t["quality"][k] for t in chosen) for k in chosen[0]["quality"]})
print(" ".join(str(q[f]) for f in sys.argv[1].split()))' "$FIELDS")" \
	"busier host, --vcpu 0 --time 1000.00432,1000.01008: the two threads' anomalies, the window's gaps"

done_testing
