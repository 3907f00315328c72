#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The emulated APIC-timer guest has no kvm_exit/kvm_entry: the report must
# say so (exit 3, or 0 with --allow-empty), list the kvm events it holds
# with their counts, and decode the helper events into sub-keys whose
# counts equal the APIC writes in the trace-cmd report text beside it, the
# same in xAPIC (MMIO) and x2APIC (MSR) mode.
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
done
done_testing
