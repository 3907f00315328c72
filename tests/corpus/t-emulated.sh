#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The emulated APIC-timer guest has no kvm_exit/kvm_entry: the report must
# say so (exit 3, or 0 with --allow-empty), list the kvm events it holds
# with their counts, and decode the helper events into sub-keys whose
# counts equal the APIC writes in the trace-cmd report text beside it, the
# same in xAPIC (MMIO) and x2APIC (MSR) mode, whole and inside a --time
# window.
. "$(dirname "$0")/../lib.sh"

E=$CORPUS/emulated
for mode in xapic x2apic; do
	dat=$E/$mode.v7-zstd.dat
	zcat "$E/$mode.v7-zstd.report.txt.gz" >"$TMP/$mode.txt"
	run "$KX" "$dat"
	is "$RC" 3 "$mode: a trace without exit events exits 3"
	grep -q 'no kvm_exit/kvm_entry events' "$TMP/out"
	ok $? "$mode: the report says there is no exit timing"
	is "$(wc -l <"$TMP/err")" 1 "$mode: one line on stderr"
	for ev in kvm_apic kvm_eoi kvm_mmio kvm_msr; do
		want=$(grep -c " $ev: " "$TMP/$mode.txt")
		[ "$want" -gt 0 ] || continue
		got=$(sed -n "s/.*[ ,]$ev \([0-9]*\).*/\1/p" "$TMP/out" | head -1)
		is "$got" "$want" "$mode: $ev count listed equals trace-cmd report ($want)"
	done
	run "$KX" report --allow-empty --json "$dat"
	is "$RC" 0 "$mode: --allow-empty exits 0"
	for reg in EOI TMICT; do
		want=$(grep -c "apic_write APIC_$reg " "$TMP/$mode.txt")
		got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(sum(h["count"] for h in d["helper_keys"] if h["normalized"] == sys.argv[2]))' "$TMP/out" "APIC $reg write")
		is "$got" "$want" "$mode: APIC $reg write accesses equal the text's apic_write APIC_$reg lines ($want)"
	done
	# --time keeps the helper events between its ends: those whose time in
	# the text lies between them (the text has microseconds; no event of
	# the text lies within 1 us of an end, or the two could disagree)
	case $mode in
	xapic) lo=1083.86; hi=1083.9 ;;
	*) lo=1084.34; hi=1084.37 ;;
	esac
	near=$(awk -v lo=$lo -v hi=$hi '/ kvm_/ { t = $3; sub(/:$/, "", t)
		if ((t >= lo - 0.000001 && t <= lo + 0.000001) || (t >= hi - 0.000001 && t <= hi + 0.000001)) n++ }
		END { print n + 0 }' "$TMP/$mode.txt")
	is "$near" 0 "$mode: no event within 1 us of $lo or $hi"
	run "$KX" report --allow-empty --json --time "$lo,$hi" "$dat"
	for reg in EOI TMICT; do
		want=$(awk -v lo=$lo -v hi=$hi -v reg="APIC_$reg" '$0 ~ ("apic_write " reg " ") {
			t = $3; sub(/:$/, "", t); if (t >= lo && t <= hi) n++ } END { print n + 0 }' "$TMP/$mode.txt")
		got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(sum(h["count"] for h in d["helper_keys"] if h["normalized"] == sys.argv[2]))' "$TMP/out" "APIC $reg write")
		[ "$want" -gt 0 ] && [ "$got" = "$want" ]
		ok $? "$mode: --time $lo,$hi: APIC $reg write accesses inside, as the text's ($got, want $want)"
	done
	# the ends are included: a window of the one instant of an EOI write
	# (read from the text, whose times are the ones the window compares)
	at=$(awk '/apic_write APIC_EOI / { n++ } n == 10 { t = $3; sub(/:$/, "", t); print t; exit }' "$TMP/$mode.txt")
	run "$KX" report --allow-empty --json --time "$at,$at" "$TMP/$mode.txt"
	got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(sum(h["count"] for h in d["helper_keys"] if h["normalized"] == "APIC EOI write"))' "$TMP/out")
	is "$got" 1 "$mode: --time $at,$at on the text: the EOI write at that instant"
done
done_testing
