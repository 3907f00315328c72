#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Lost data in text dumps: the lost totals and marker counts the text reader
# reports equal the numbers printed in the dump's own lost lines, summed
# here with grep/awk: trace_pipe "CPU:N [LOST N EVENTS]", perf script
# "PERF_RECORD_LOST lost N", trace-cmd "CPU:N [N EVENTS DROPPED]".
. "$(dirname "$0")/../lib.sh"

C=$CORPUS/local

val() {
	sed -n "s/^$1: //p" "$TMP/out"
}

check() {	# check FILE.gz SED-EXPRESSION-PRINTING-EACH-COUNT LABEL
	if [ ! -f "$1" ]; then
		skip "$3" "corpus file missing"
		return
	fi
	zcat "$1" >"$TMP/dump"
	run "$KX" info "$TMP/dump"
	is "$RC" 0 "$3: info exits 0"
	sed -n "$2" "$TMP/dump" >"$TMP/counts"
	[ -s "$TMP/counts" ]
	ok $? "$3: the dump has lost lines"
	is "$(val lost_events)" "$(awk '{ s += $1 } END { print s + 0 }' "$TMP/counts")" \
		"$3: lost_events equal the sum of the lost lines"
	is "$(val lost_markers)" "$(wc -l <"$TMP/counts" | tr -d ' ')" "$3: one marker per lost line"
	is "$(val lost_unknown)" 0 "$3: every count known"
}

check "$C/ftrace-trace_pipe-lost.txt.gz" 's/^CPU:[0-9]* \[LOST \([0-9]*\) EVENTS\]$/\1/p' "trace_pipe LOST"
check "$C/perf-script-lost-head4000.txt.gz" 's/.* PERF_RECORD_LOST lost \([0-9]*\)$/\1/p' "perf script LOST"
check "$C/report-v6-missed.txt.gz" 's/.*CPU:[0-9]* \[\([0-9]*\) EVENTS DROPPED\]$/\1/p' "trace-cmd DROPPED"

# A DROPPED line without count and a tracefs "buffer started" line: unknown-size markers.
printf '%s\n' 'cpus=2' \
	'            a-1     [000]   10.000001: kvm_exit:             reason HLT rip 0x1 info 0 0' \
	'CPU:1 [EVENTS DROPPED]' \
	'            a-2     [001]   10.000002: kvm_entry:            vcpu 0 rip 0x1' >"$TMP/unk.txt"
run "$KX" info "$TMP/unk.txt"
is "$RC" 0 "DROPPED without count: info exits 0"
is "$(val lost_unknown)" 1 "DROPPED without count: one unknown-size marker"
is "$(val lost_events)" 0 "DROPPED without count: adds nothing to lost_events"
is "$(val events)" 3 "DROPPED without count: marker delivered between the events"

done_testing
