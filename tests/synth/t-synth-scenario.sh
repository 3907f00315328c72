#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kx-synth's known answers against arithmetic done by hand from the scenario
# texts, the TSC2NSEC option against the values Linux/trace-cmd wrote for the
# same TSC frequency in a real recording, and scenario errors.
. "$(dirname "$0")/../lib.sh"

# One Python run evaluates every check: "DESCRIPTION|GOT|WANT" per line.
python3 - "$FIXTURES" >"$TMP/checks" <<'PY'
import json, sys


def load(name):
    a = json.load(open('%s/%s.answer.json' % (sys.argv[1], name)))
    r = {e['reason']: e for e in a['exits']}
    sk = {(e['reason'], s['normalized']): s for e in a['exits'] for s in e['subkeys']}
    return a, r, sk


def check(desc, got, want):
    print('%s|%s|%s' % (desc, got, want))


# seed-xapic: 200 x (guest 2us, EOI exit 11us, guest 9us, TMICT exit 11us), one orphan entry
a, r, sk = load('seed-xapic')
check('seed-xapic: 400 APIC_ACCESS exits of 11 us',
      [r['APIC_ACCESS'][k] for k in ('count', 'total', 'min', 'max')], [400, 4400000, 11000, 11000])
check('seed-xapic: 200 EOI and 200 TMICT writes',
      [sk[('APIC_ACCESS', n)]['count'] for n in ('APIC EOI write', 'APIC TMICT write')], [200, 200])
check('seed-xapic: guest 400 intervals / 2.2 ms, host 4.4 ms, 1 orphan',
      [a['guest']['count'], a['guest']['total'], a['host']['total'], a['host']['idle_total'],
       a['orphan_entries']], [400, 2200000, 4400000, 0, 1])
check('seed-xapic: 199 timer cycles, each guest 11 us, host 22 us, 2 exits',
      sorted(set((c['guest'], c['host'], c['exits']) for c in a['cycles']['list'])) +
      [a['cycles']['count']], [(11000, 22000, 2), 199])
# seed-x2apic: the same loop through MSR_WRITE, exits around 1.1-1.2 us
a, r, sk = load('seed-x2apic')
check('seed-x2apic: 400 MSR_WRITE exits, 200 EOI + 200 TMICT, mean near 1.15 us',
      [r['MSR_WRITE']['count'], sk[('MSR_WRITE', 'APIC EOI write')]['count'],
       sk[('MSR_WRITE', 'APIC TMICT write')]['count'],
       1000 < r['MSR_WRITE']['total'] / 400 < 1300], [400, 200, 200, True])
# tscdeadline: 150 x (EOI, TSC_DEADLINE, HLT)
a, r, sk = load('tscdeadline')
check('tscdeadline: HLT is idle time, MSR_WRITE host time',
      [r['MSR_WRITE']['count'], r['HLT']['count'], a['host']['idle_total'] == r['HLT']['total'],
       a['host']['total'] == r['MSR_WRITE']['total']], [300, 150, True, True])
check('tscdeadline: 149 cycles of 3 exits each',
      [sk[('MSR_WRITE', n)]['count'] for n in ('APIC EOI write', 'TSC_DEADLINE write')] +
      [a['cycles']['count'], sorted(set(c['exits'] for c in a['cycles']['list']))],
      [150, 150, 149, [3]])
check('tscdeadline: each cycle holds one 40-60 us HLT as idle',
      all(39999 <= c['idle'] <= 60001 and c['host'] > 0 for c in a['cycles']['list']), True)
# svm: the io exit with user space is 3 us + 5 us
a, r, sk = load('svm')
check('svm: SVM reasons, io = kernel 3 us + user space 5 us, 100 hlt',
      [sorted(r), r['io']['total'] == 8000 * r['io']['count'], r['hlt']['count']],
      [['avic_unaccelerated_access', 'hlt', 'io', 'msr', 'npf'], True, 100])
# lost: 100 + 50 x 7 + 10 x 3 events; the 10 MSR_WRITE exits with a marker inside are dropped
a, r, sk = load('lost')
check('lost: 480 lost events, the 10 exits straddling a marker dropped',
      [a['lost_events'], r['MSR_WRITE']['count'], r['HLT']['count']], [480, 100, 110])
PY
while IFS='|' read -r desc got want; do
	is "$got" "$want" "$desc"
done <"$TMP/checks"
[ -s "$TMP/checks" ]
ok $? "the answer checks ran"

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
bad 'subbuf-size 6000
vcpu tid=1 { guest 1us }' "subbuf-size BYTES (a power of two"
bad 'subbuf-size 2097152
vcpu tid=1 { guest 1us }' "subbuf-size BYTES (a power of two"
done_testing
