#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The perf.data reader against perf itself: every corpus perf.data (file and
# pipe mode, also fed through stdin) is read without error, with the sample
# count, per-kvm-event counts and lost totals that `perf script` shows, and
# the first/last delivered timestamps equal perf's (the full ordered list is
# compared in tests/unit/test_perf_reader.c); zstd-compressed copies
# (perf record -z) read like their originals.
. "$(dirname "$0")/../lib.sh"

info_val() {
	sed -n "s/^$1: //p" "$TMP/out"
}

# A 35 MB kx-synth recording (multi-vm with 100x the repeats): the file
# reader gives its mapped pages back as it goes; file mode, pipe mode and
# pipe from stdin must agree with each other and with kx-synth's event list.
big_synth_checks() {
	if [ -x "$SYNTH" ] && [ -r "$FIXTURES/multi-vm.scn" ]; then
		sed 's/repeat \([0-9]*\)/repeat \100/' "$FIXTURES/multi-vm.scn" >"$TMP/big.scn"
		"$SYNTH" -o perf="$TMP/big.perf.data" -o perf-pipe="$TMP/big.pipe.data" \
			-e "$TMP/big.expect" "$TMP/big.scn"
		ok $? "kx-synth writes a 35 MB recording"
		run "$KX" info "$TMP/big.perf.data"
		grep -v '^file:\|^format:' "$TMP/out" >"$TMP/big-file"
		is "$(info_val events)" "$(grep -cE ' kvm_(exit|entry|apic|msr|mmio|pio|userspace_exit|eoi) ' "$TMP/big.expect")" \
			"35 MB file: every expected event delivered"
		is "$(info_val 'event kvm_exit')" "$(grep -c ' kvm_exit ' "$TMP/big.expect")" \
			"35 MB file: kvm_exit count"
		run "$KX" info - <"$TMP/big.pipe.data"
		grep -v '^file:\|^format:' "$TMP/out" >"$TMP/big-pipe"
		same_files "$TMP/big-pipe" "$TMP/big-file" "35 MB: pipe from stdin reads like the file"
	else
		skip "35 MB kx-synth recording" "kx-synth not built"
	fi
}

if ! command -v perf >/dev/null 2>&1 || ! perf script --help >/dev/null 2>&1; then
	skip "perf script comparisons" "perf not installed"
	big_synth_checks
	done_testing
	exit
fi

# The events kvmexit-stat delivers, as perf script names them.
DELIVERED='kvm:(kvm_exit|kvm_entry|kvm_apic|kvm_msr|kvm_mmio|kvm_pio|kvm_userspace_exit|kvm_eoi):'

check_file() {	# check_file FILE LABEL [stdin]
	f=$1
	label=$2
	perf script -i "$f" 2>/dev/null >"$TMP/script"
	perf script --show-lost-events -i "$f" 2>/dev/null | grep 'PERF_RECORD_LOST lost' >"$TMP/lost"
	perf script --ns -F time,event -i "$f" 2>/dev/null >"$TMP/times"
	if [ "$3" = stdin ]; then
		run "$KX" info - <"$f"
	else
		run "$KX" info "$f"
	fi
	is "$RC" 0 "$label: info exits 0"
	is "$(wc -c <"$TMP/err")" 0 "$label: nothing on stderr"
	is "$(info_val records)" "$(wc -l <"$TMP/script")" "$label: records equal perf script's samples"
	awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^kvm:kvm_[a-z_0-9]*:$/) { print $i; break } }' \
		"$TMP/script" | sed 's/^kvm:\(.*\):$/\1/' | sort | uniq -c |
		awk '{ print "event " $2 ": " $1 }' >"$TMP/want-events"
	grep '^event kvm_' "$TMP/out" | sort >"$TMP/got-events"
	same_files "$TMP/got-events" "$TMP/want-events" "$label: kvm event counts equal perf script's"
	is "$(info_val lost_markers)" "$(wc -l <"$TMP/lost")" \
		"$label: one lost marker per PERF_RECORD_LOST line"
	is "$(info_val lost_events)" "$(awk '{ s += $NF } END { print s + 0 }' "$TMP/lost")" \
		"$label: lost events equal perf script --show-lost-events"
	# delivered events: kvm ones plus lost markers, perf's times in ns
	{
		grep -E "$DELIVERED" "$TMP/times" | awk '{ t = $1; sub(":", "", t); sub("\\.", "", t); sub("^0+", "", t); print t }'
		perf script --ns --show-lost-events -F time -i "$f" 2>/dev/null |
			grep 'PERF_RECORD_LOST' | awk '{ t = $1; sub(":", "", t); sub("\\.", "", t); sub("^0+", "", t); print t }'
	} | sort -n >"$TMP/want-ts"
	is "$(info_val events)" "$(wc -l <"$TMP/want-ts")" "$label: delivered events = kvm events + lost markers"
	if [ -s "$TMP/want-ts" ]; then
		is "$(info_val first_ts)" "$(head -1 "$TMP/want-ts")" "$label: first timestamp"
		is "$(info_val last_ts)" "$(tail -1 "$TMP/want-ts")" "$label: last timestamp"
	fi
}

for f in "$CORPUS"/local/perf-*.data "$CORPUS"/emulated/perf-*.data; do
	check_file "$f" "$(basename "$f")"
done
check_file "$CORPUS/local/perf-kvm-pipe.data" "perf-kvm-pipe.data from stdin" stdin
check_file "$CORPUS/local/perf-kvm.data" "perf-kvm.data (file mode) from stdin" stdin

# formats as the reader names them
run "$KX" info "$CORPUS/local/perf-kvm-pipe.data"
is "$(info_val format)" "perf.data (pipe)" "pipe mode is named"
is "$(info_val cpus)" "$(perf report --header-only -i "$CORPUS/local/perf-kvm.data" 2>/dev/null |
	sed -n 's/^# nrcpus avail *: *//p')" "cpus from the NRCPUS feature"
run "$KX" info "$CORPUS/local/perf-kvm.data"
is "$(info_val format)" "perf.data" "file mode is named"
is "$(info_val unit)" "ns" "unit ns"

# perf-lost.data: its LOST_SAMPLES records repeat the LOST drops; the note says so
run "$KX" info "$CORPUS/local/perf-lost.data"
grep -q '^note: .*LOST_SAMPLES' "$TMP/out"
ok $? "perf-lost.data: the note mentions the LOST_SAMPLES counters"

# perf record -z: compressed copies made by perfz.py with the zstd command.
# perf script must read each copy exactly like the original (the copy is
# right), then kvmexit-stat info must print the same as for the original.
if command -v zstd >/dev/null 2>&1 && grep -q '^HAVE_ZSTD *= *1' "$ROOT/config.mk"; then
	for f in perf-kvm.data perf-kvm-pipe.data perf-lost.data; do
		python3 "$ROOT/tests/corpus/perfz.py" "$CORPUS/local/$f" "$TMP/z-$f" 10000
		perf script --show-lost-events -i "$CORPUS/local/$f" >"$TMP/want" 2>/dev/null
		perf script --show-lost-events -i "$TMP/z-$f" >"$TMP/got" 2>/dev/null
		same_files "$TMP/got" "$TMP/want" "zstd copy of $f: perf script reads it like the original"
		"$KX" info "$CORPUS/local/$f" | grep -v '^file:' >"$TMP/want"
		run "$KX" info "$TMP/z-$f"
		grep -v '^file:' "$TMP/out" >"$TMP/got"
		same_files "$TMP/got" "$TMP/want" "zstd copy of $f: info equals the original's"
	done
	run "$KX" info - <"$TMP/z-perf-kvm-pipe.data"
	grep -v '^file:' "$TMP/out" >"$TMP/got"
	"$KX" info "$CORPUS/local/perf-kvm-pipe.data" | grep -v '^file:' >"$TMP/want"
	same_files "$TMP/got" "$TMP/want" "zstd pipe stream from stdin"
	python3 "$ROOT/tests/corpus/perfz.py" "$CORPUS/local/perf-kvm.data" "$TMP/zcut.data" 10000 5
	run "$KX" info "$TMP/zcut.data"
	is "$RC" 3 "zstd stream ending inside a record: exit status 3"
	grep -q 'compressed records end inside a record' "$TMP/err"
	ok $? "zstd stream ending inside a record: says so"
else
	skip "perf record -z copies" "zstd command or libzstd missing"
fi

big_synth_checks

done_testing
