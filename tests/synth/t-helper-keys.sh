#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# helper_keys counts register accesses: one access that shows as two helper
# events of its thread (kvm_msr 0x830 + kvm_apic ICR, kvm_mmio 0xfee000b0 +
# kvm_apic EOI) counts once, even when other vCPUs' helper events come
# between the two in time. Checked against trace-cmd report on traces where
# several vCPUs do that at once: each APIC register's count equals its
# kvm_apic lines (every access has exactly one), the MMIO doorbell's its
# kvm_mmio lines, TSC_DEADLINE's its kvm_msr lines; with --vcpu N, the
# kvm_apic lines of the threads whose kvm_entry names vcpu N; with --pid
# TID, those of thread TID.
. "$(dirname "$0")/../lib.sh"

sed 's/@REPS@/2000/' "$ROOT/bench/busy-host.scn.in" >"$TMP/busy.scn"
"$SYNTH" -o v6="$TMP/busy.dat" "$TMP/busy.scn" >/dev/null 2>&1
ok $? "kx-synth writes the 4-vCPU busy-host trace"

# count JSON NAME: the helper_keys count of the key named NAME (raw or normalised)
count() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(sum(h["count"] for h in d["helper_keys"] if sys.argv[2] in (h["key"], h["normalized"])))' "$1" "$2"
}

for f in "$TMP/busy.dat" "$FIXTURES/multi-vm.dat"; do
	name=${f##*/}
	trace-cmd report -i "$f" >"$TMP/text" 2>/dev/null
	run "$KX" report --json "$f"
	is "$RC" 0 "$name: report --json"
	for reg in EOI TMICT ICR; do
		want=$(grep -c "kvm_apic: *apic_write APIC_$reg " "$TMP/text")
		[ "$want" -gt 0 ] || continue
		is "$(count "$TMP/out" "APIC $reg write")" "$want" \
			"$name: APIC $reg writes = trace-cmd's kvm_apic APIC_$reg lines ($want)"
	done
	want=$(grep -c "kvm_mmio: *mmio write len 4 gpa 0xfebd1000" "$TMP/text")
	[ "$want" -gt 0 ] && is "$(count "$TMP/out" "MMIO 0xfebd1000 write")" "$want" \
		"$name: MMIO doorbell writes = trace-cmd's kvm_mmio lines ($want)"
	want=$(grep -c "kvm_msr: *msr_write 6e0 " "$TMP/text")
	[ "$want" -gt 0 ] && is "$(count "$TMP/out" "TSC_DEADLINE write")" "$want" \
		"$name: TSC_DEADLINE writes = trace-cmd's kvm_msr 6e0 lines ($want)"

	# --vcpu N: a helper event is its thread's, and the thread is the vCPU
	# its kvm_entry lines name; --pid TID: that thread's alone. One pass over
	# the text counts the APIC writes both ways: "vcpu V REG count" and
	# "tid TID REG count"
	awk '
	{ tid = ""; for (i = 2; i <= NF; i++) if ($i ~ /^\[[0-9]+\]$/) { tid = $(i - 1); break }
	  sub(/.*-/, "", tid) }
	/ kvm_entry: / { for (i = 1; i < NF; i++) if ($i == "vcpu") { v = $(i + 1); sub(/,/, "", v); vcpu[tid] = v } }
	/ kvm_apic: *apic_write APIC_(EOI|TMICT|ICR) / {
		for (i = 1; i <= NF; i++) if ($i ~ /^APIC_/) reg = substr($i, 6)
		n["vcpu " vcpu[tid] " " reg]++
		n["tid " tid " " reg]++ }
	END { for (k in n) print k, n[k] }' "$TMP/text" | sort >"$TMP/split"
	sed -n 's/^vcpu //p' "$TMP/split" >"$TMP/per-vcpu"
	sed -n 's/^tid //p' "$TMP/split" >"$TMP/per-tid"
	[ -s "$TMP/per-vcpu" ]
	ok $? "$name: trace-cmd's kvm_apic lines split by vCPU"
	while read -r v reg want; do
		run "$KX" report --json --vcpu "$v" "$f"
		is "$(count "$TMP/out" "APIC $reg write")" "$want" \
			"$name --vcpu $v: APIC $reg writes = that vCPU's kvm_apic lines ($want)"
	done <"$TMP/per-vcpu"
	[ "$(cut -d' ' -f1 "$TMP/per-tid" | sort -u | wc -l)" -gt 1 ]
	ok $? "$name: trace-cmd's kvm_apic lines split by thread, more than one"
	for tid in $(cut -d' ' -f1 "$TMP/per-tid" | sort -u); do
		"$KX" report --json --pid "$tid" "$f" >"$TMP/pid.json"
		grep "^$tid " "$TMP/per-tid" >"$TMP/this-tid"
		while read -r _ reg want; do
			is "$(count "$TMP/pid.json" "APIC $reg write")" "$want" \
				"$name --pid $tid: APIC $reg writes = that thread's kvm_apic lines ($want)"
		done <"$TMP/this-tid"
	done
done

# A helper event before its thread's first kvm_exit/kvm_entry, and one of a
# thread that never shows one, belong to no vCPU: --vcpu leaves them out
# and says how many (the rule of the man page, applied by hand).
cat >"$TMP/hv.txt" <<'EOT'
cpus=2
         CPU 0/KVM-500   [000]    10.000100: kvm_apic:             apic_write APIC_EOI = 0x0
         CPU 0/KVM-500   [000]    10.000200: kvm_entry:            vcpu 0 rip 0xffffffff81000000
         CPU 0/KVM-500   [000]    10.000300: kvm_exit:             reason APIC_ACCESS rip 0xffffffff81000010 info 10b0 0
         CPU 0/KVM-500   [000]    10.000301: kvm_apic:             apic_write APIC_EOI = 0x0
         CPU 0/KVM-500   [000]    10.000302: kvm_entry:            vcpu 0 rip 0xffffffff81000014
         CPU 1/KVM-501   [001]    10.000400: kvm_apic:             apic_write APIC_EOI = 0x0
EOT
field() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
for case in ":3:0" "--vcpu 0:1:2" "--vcpu 1:0:2"; do
	opt=${case%%:*} rest=${case#*:}
	# shellcheck disable=SC2086
	run "$KX" report --json $opt "$TMP/hv.txt"
	is "$(count "$TMP/out" "APIC EOI write")" "${rest%%:*}" "hv.txt ${opt:-(no filter)}: EOI writes counted"
	is "$(field "$TMP/out" helpers_without_vcpu)" "${rest#*:}" \
		"hv.txt ${opt:-(no filter)}: helper events without a vCPU"
done
run "$KX" report --vcpu 0 "$TMP/hv.txt"
grep -q "^note: --vcpu left out 2 helper events whose threads showed no vcpu_id" "$TMP/out"
ok $? "hv.txt --vcpu 0: the text report says what --vcpu left out"
done_testing
