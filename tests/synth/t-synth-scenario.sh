#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kx-synth's known answers against arithmetic done by hand from the scenario
# texts, the TSC2NSEC option against the values Linux/trace-cmd wrote for the
# same TSC frequency in a real recording, and scenario errors.
. "$(dirname "$0")/../lib.sh"

answer() {	# answer NAME PYTHON-EXPR: evaluate EXPR with a = the fixture's answer
	python3 -c 'import json, sys
a = json.load(open(sys.argv[1]))
r = {e["reason"]: e for e in a["exits"]}
sk = {(e["reason"], s["normalized"]): s for e in a["exits"] for s in e["subkeys"]}
print(eval(sys.argv[2]))' "$FIXTURES/$1.answer.json" "$2"
}

# seed-xapic: 200 x (guest 2us, EOI exit 11us, guest 9us, TMICT exit 11us), one orphan entry
is "$(answer seed-xapic '[r["APIC_ACCESS"][k] for k in ("count","total","min","max")]')" \
	"[400, 4400000, 11000, 11000]" "seed-xapic: 400 APIC_ACCESS exits of 11 us"
is "$(answer seed-xapic '[sk[("APIC_ACCESS", n)]["count"] for n in ("APIC EOI write", "APIC TMICT write")]')" \
	"[200, 200]" "seed-xapic: 200 EOI and 200 TMICT writes"
is "$(answer seed-xapic '[a["guest"]["count"], a["guest"]["total"], a["host"]["total"], a["host"]["idle_total"], a["orphan_entries"]]')" \
	"[400, 2200000, 4400000, 0, 1]" "seed-xapic: guest 400 intervals / 2.2 ms, host 4.4 ms, 1 orphan"
is "$(answer seed-xapic 'sorted(set((c["guest"], c["host"], c["exits"]) for c in a["cycles"]["list"])) + [a["cycles"]["count"]]')" \
	"[(11000, 22000, 2), 199]" "seed-xapic: 199 timer cycles, each guest 11 us, host 22 us"
# tscdeadline: 150 x (EOI, TSC_DEADLINE, HLT)
is "$(answer tscdeadline '[r["MSR_WRITE"]["count"], r["HLT"]["count"], a["host"]["idle_total"] == r["HLT"]["total"], a["host"]["total"] == r["MSR_WRITE"]["total"]]')" \
	"[300, 150, True, True]" "tscdeadline: HLT is idle time, MSR_WRITE host time"
is "$(answer tscdeadline '[sk[("MSR_WRITE", n)]["count"] for n in ("APIC EOI write", "TSC_DEADLINE write")] + [a["cycles"]["count"], set(c["exits"] for c in a["cycles"]["list"])]')" \
	"[150, 150, 149, {3}]" "tscdeadline: 149 cycles of 3 exits each"
is "$(answer tscdeadline 'all(40000 <= c["idle"] <= 60002 and c["host"] > 0 for c in a["cycles"]["list"])')" \
	"True" "tscdeadline: each cycle holds one 40-60 us HLT as idle"
# svm: the io exit with user space is 3 us + 5 us
is "$(answer svm '[sorted(r), r["io"]["total"] == 8000 * r["io"]["count"], r["hlt"]["count"]]')" \
	"[['avic_unaccelerated_access', 'hlt', 'io', 'msr', 'npf'], True, 100]" "svm: SVM reasons, io = kernel 3 us + user space 5 us"
# lost: 100 + 50 x 7 + 10 x 3 events; the 10 MSR_WRITE exits with a marker inside are dropped
is "$(answer lost '[a["lost_events"], r["MSR_WRITE"]["count"], r["HLT"]["count"]]')" \
	"[480, 100, 110]" "lost: 480 lost events, the 10 exits straddling a marker dropped"

# TSC2NSEC: a real 6.5 host at 2918400 kHz recorded mult 735842807 shift 31
# (../shared/corpus/vmx-host/ma-host-2vcpu.dat); kx-synth must compute the same
if command -v trace-cmd >/dev/null 2>&1; then
	trace-cmd dump --options "$FIXTURES/tscdeadline.dat" >"$TMP/opts" 2>&1
	grep -A1 'Option TSC2NSEC' "$TMP/opts" | grep -q '^735842807 31 0 '
	ok $? "tscdeadline: TSC2NSEC mult/shift as Linux computes them for 2918400 kHz"
else
	skip "tscdeadline: TSC2NSEC mult/shift" "trace-cmd not installed"
fi

# errors: a clear message and status 1, no output
bad() {	# bad TEXT EXPECTED-MESSAGE-PART
	printf '%s\n' "$1" >"$TMP/bad.scn"
	run "$SYNTH" -o v6="$TMP/bad.dat" "$TMP/bad.scn"
	[ "$RC" -eq 1 ] && grep -q "$2" "$TMP/err" && [ ! -e "$TMP/bad.dat" ]
	ok $? "rejects: $2"
}
bad 'vcpu tid=1 { exit NO_SUCH_REASON 1us }' "unknown exit reason"
bad 'vcpu tid=1 { exit HLT }' "needs a duration"
bad 'kernel 5.4' "kernel 6.18|6.5"
bad 'isa svm
vcpu tid=1 { exit HLT 1us }' "unknown exit reason 'HLT' for isa svm"
bad 'cpus 2
vcpu tid=1 cpu=2 { guest 1us }' "cpu=2 but cpus 2"
bad 'vcpu tid=1 { repeat 3 { guest 1us }' "missing '}'"
bad 'vcpu tid=1 { exit MSR_WRITE msr write 0x838 lognormal median=1us 1us }' "sigma"
bad 'clock x86-tsc
vcpu tid=1 { guest 1us }' "tsc-khz"
done_testing
