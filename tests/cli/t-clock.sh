#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Trace clocks: an x86-tsc trace without TSC2NSEC is reported in cycles and
# says so (also --hist's ranges and --longest's times); --tsc-khz converts
# it to ns; with TSC2NSEC the report is in ns.
# Expected values are worked out by hand from the scenario below.
. "$(dirname "$0")/../lib.sh"

scenario() {	# scenario EXTRA-HEADER-LINE
	cat <<SCN
kernel 6.18
isa vmx
clock x86-tsc
tsc-khz 2000000
$1
cpus 1
vcpu tid=500 comm="CPU 0/KVM" vcpu=0 vm=499 cpu=0 {
	entry
	repeat 10 {
		guest 2us
		exit MSR_WRITE msr write 0x6e0 val=0x1 11us
	}
}
SCN
}

scenario "" >"$TMP/tsc.scn"
scenario "tsc2nsec" >"$TMP/tsc2nsec.scn"
"$SYNTH" -o v6="$TMP/tsc.dat" -o v7-zstd="$TMP/tsc.v7.dat" "$TMP/tsc.scn"
ok $? "synthesize an x86-tsc trace (2 GHz) without TSC2NSEC"
"$SYNTH" -o v6="$TMP/tsc2nsec.dat" "$TMP/tsc2nsec.scn"
ok $? "and one with TSC2NSEC"

field() {	# field JSON-FILE EXPR
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

for f in tsc.dat tsc.v7.dat; do
	run "$KX" report --json "$TMP/$f"
	is "$RC" 0 "$f: report"
	cp "$TMP/out" "$TMP/r.json"
	is "$(field "$TMP/r.json" 'd["unit"]')" cycles "$f: unit is cycles"
	# 11 us at 2 GHz = 22000 cycles per exit, 10 exits
	is "$(field "$TMP/r.json" 'd["exits"][0]["total"]')" 220000 "$f: exit total 220000 cycles"
	is "$(field "$TMP/r.json" 'd["guest"]["total"]')" 40000 "$f: guest 10 x 2 us = 40000 cycles"
	run "$KX" report "$TMP/$f"
	grep -q 'unit: TSC cycles' "$TMP/out"
	ok $? "$f: the text says the unit is cycles"
	# in cycles, --hist and --longest say so: 22000 cycles lie in
	# [16384, 32768), the 4000 of a guest run in [2048, 4096); each exit at
	# the raw time trace-cmd report prints on its kvm_exit line
	run "$KX" report --hist --longest 3 "$TMP/$f"
	grep -A1 '^MSR_WRITE, 10 exits$' "$TMP/out" | grep -q '^  \[16K, 32K) *10 |@\{40\}|$' &&
		grep -A1 '^guest runs, 10 runs$' "$TMP/out" | grep -q '^  \[2K, 4K) *10 |@\{40\}|$' &&
		grep -q '^distributions (cycles, ' "$TMP/out" && grep -q '^Exit at (cycles) *Host cyc ' "$TMP/out"
	ok $? "$f: --hist ranges of cycles, --longest in cycles"
	trace-cmd report "$TMP/$f" 2>/dev/null | sed -n 's/.*\]\([0-9]*\): kvm_exit: .*/\1/p' | head -3 >"$TMP/want"
	sed -n '/^Exit at (cycles)/,/^$/p' "$TMP/out" | awk 'NF > 3 && $1 ~ /^[0-9]+$/ { print $1 }' >"$TMP/got"
	[ -s "$TMP/want" ] && cmp -s "$TMP/want" "$TMP/got"
	ok $? "$f: --longest times are trace-cmd's raw kvm_exit times ($(tr '\n' ' ' <"$TMP/got"))"
	# --time is in cycles too: decimals are refused (exit 2), whole cycles
	# keep the exits between them: from the first kvm_exit (2000000004000)
	# to the second's entry, 26000 + 22000 cycles later, two exits
	run "$KX" report --time 2000000004000.5, "$TMP/$f"
	is "$RC" 2 "$f: --time with decimals on a cycle clock: usage error"
	grep -q "^kvmexit-stat: .*: --time: the start has decimals, but this trace's clock counts cycles" "$TMP/err"
	ok $? "$f: and the message says why"
	for cmd in cycles "compare $TMP/$f" "check --max host_guest_ratio=9"; do
		# shellcheck disable=SC2086
		run "$KX" $cmd --time 2000000004000.5, "$TMP/$f"
		is "$RC" 2 "$f: ${cmd%% *} --time with decimals on a cycle clock: usage error too"
	done
	run "$KX" report --json --time 2000000004000,2000000052000 "$TMP/$f"
	is "$(field "$TMP/out" '[(e["count"], e["total"]) for e in d["exits"]]')" "[(2, 44000)]" \
		"$f: --time in cycles keeps the two exits inside"
	run "$KX" report --json --tsc-khz 2000000 "$TMP/$f"
	cp "$TMP/out" "$TMP/r.json"
	is "$(field "$TMP/r.json" 'd["unit"]')" ns "$f --tsc-khz: unit ns"
	is "$(field "$TMP/r.json" 'd["exits"][0]["total"]')" 110000 "$f --tsc-khz: exit total 110 us"
	is "$(field "$TMP/r.json" 'd["input"]["tsc_khz"]')" 2000000 "$f --tsc-khz: the rate is in the report"
done

run "$KX" report --json "$TMP/tsc2nsec.dat"
cp "$TMP/out" "$TMP/r.json"
is "$(field "$TMP/r.json" 'd["unit"]')" ns "TSC2NSEC trace: unit ns"
# TSC2NSEC rounds each timestamp down; 22000 cycles is exactly 11000 ns at 2 GHz
is "$(field "$TMP/r.json" 'd["exits"][0]["max"]')" 11000 "TSC2NSEC trace: an exit lasts 11000 ns"
is "$(field "$TMP/r.json" 'd["exits"][0]["count"]')" 10 "TSC2NSEC trace: 10 exits"
# compare refuses inputs of different units, wherever the odd one is
for args in "tsc2nsec.dat tsc.dat" "tsc2nsec.dat tsc2nsec.dat tsc.dat"; do
	# shellcheck disable=SC2086
	run "$KX" compare $(for f in $args; do echo "$TMP/$f"; done)
	is "$RC" 3 "compare $args: input error (3)"
	grep -q "tsc.dat.*cycles" "$TMP/err"
	ok $? "compare $args: the error names the input in cycles ($(head -n 1 "$TMP/err"))"
done

# DATE (us, hex) and OFFSET (ns, negative) options: timestamps as trace-cmd report -t shows them
cat >"$TMP/date.scn" <<'SCN'
kernel 6.18
isa vmx
clock local
date-option 0x3e8
offset-option -5000
cpus 1
vcpu tid=5 comm="CPU 0/KVM" vcpu=0 vm=4 cpu=0 {
	entry
	guest 2us
	exit HLT 3us
}
SCN
"$SYNTH" -o v6="$TMP/date.dat" -o v7-none="$TMP/date7.dat" "$TMP/date.scn"
for f in date.dat date7.dat; do
	if command -v trace-cmd >/dev/null 2>&1; then
		want=$(trace-cmd report -t "$TMP/$f" 2>/dev/null |
			sed -n 's/.*] *\([0-9]*\)\.\([0-9]*\): kvm_entry:.*/\1\2/p' | head -1)
	else
		want=1000000995000	# 1000 s start + 1000 us DATE - 5000 ns OFFSET
	fi
	got=$("$KX" info "$TMP/$f" | sed -n 's/^first_ts: //p')
	is "$got" "$want" "$f: DATE and OFFSET applied as trace-cmd report -t does"
done

run "$KX" report --tsc-khz 0 "$TMP/tsc.dat"
is "$RC" 2 "--tsc-khz 0 is a usage error"
done_testing
