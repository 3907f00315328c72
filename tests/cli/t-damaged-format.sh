#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A recording whose kvm_exit print fmt names a field the format does not
# declare (one flipped byte) crashed libtraceevent 1.7.1. Such a format must
# make kvm_exit unreadable, never crash: the report then says the trace has
# no kvm_exit events (exit 3), for trace.dat and perf.data alike, and name
# the format as unreadable, in every output. So must a ';' in the middle of
# an expression.
. "$(dirname "$0")/../lib.sh"

# damage SRC DST GOOD BAD: DST is fixture SRC with its one GOOD replaced by BAD
damage() {
	python3 - "$FIXTURES/$1" "$TMP/$2" "$3" "$4" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read()
good, bad = sys.argv[3].encode(), sys.argv[4].encode()
assert d.count(good) == 1
open(sys.argv[2], 'wb').write(d.replace(good, bad))
PY
}

# unreadable_formats_are LIST: report --json's input.unreadable_formats in
# $TMP/out is LIST (JSON)
unreadable_formats_are() {
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
sys.exit(0 if d["input"]["unreadable_formats"] == json.loads(sys.argv[2]) else 1)' "$TMP/out" "$1"
}

for f in seed-xapic.dat seed-xapic.perf.data; do
	damage "$f" "$f" '__print_symbolic(REC->exit_reason & 0xffff' \
		'__print_symbolic(REC->exit_reasoP & 0xffff'
	run "$KX" report "$TMP/$f"
	is "$RC" 3 "$f with an undeclared field in kvm_exit's print fmt: exit 3, no crash"
	grep -qx "kvmexit-stat: $TMP/$f: no kvm_exit/kvm_entry events to pair: the format of kvm_exit is damaged or does not parse (--allow-empty accepts that)" "$TMP/err"
	ok $? "$f: kvm_exit is unreadable, and the error says why there are no exits"
	grep -q "^$TMP/$f holds no readable kvm_exit events: no exit timing is possible (the format of kvm_exit is damaged or does not parse)\.\$" "$TMP/out"
	ok $? "$f: so does the text"
	grep -qx 'unreadable event formats: kvm_exit (damaged, or they do not parse: their events are left out)' "$TMP/out"
	ok $? "$f: the text names the unreadable format after the data quality"
	run "$KX" report --json --allow-empty "$TMP/$f"
	unreadable_formats_are '["kvm_exit"]'
	ok $? "$f: the JSON names it in unreadable_formats"
	run "$KX" check --max lost_events=0 "$TMP/$f"
	is "$RC" 3 "$f: check has nothing to judge"
	grep -q 'no kvm_exit/kvm_entry events to judge: the format of kvm_exit is damaged or does not parse$' "$TMP/err"
	ok $? "$f: and says why"
	run "$KX" cycles "$TMP/$f"
	grep -q 'holds no readable kvm_exit events (their format is damaged or does not parse)' "$TMP/out"
	ok $? "$f: cycles says why it has no cycles"
	run "$KX" cycles --json "$TMP/$f"
	grep -q '"no readable kvm_exit events (their format is damaged or does not parse): no exit timing, no cycles"' "$TMP/out"
	ok $? "$f: so do its JSON notes"
	run "$KX" info "$TMP/$f"
	is "$RC" 0 "$f: info still reads the rest"
	grep -qx 'unreadable kvm_exit: its format is damaged or does not parse' "$TMP/out"
	ok $? "$f: info names the unreadable format"
done

# tscdeadline.dat with kvm_msr's print fmt naming a field it lacks: the
# cycles can no longer tell TSC_DEADLINE writes, and the note says it is
# kvm_msr's format, not its recording, that is missing.
damage tscdeadline.dat msr.dat 'REC->write ? "write" : "read", REC->ecx, REC->data' \
	'REC->write ? "write" : "read", REC->ecz, REC->data'
run "$KX" cycles "$TMP/msr.dat"
is "$RC" 0 "tscdeadline.dat with a damaged kvm_msr format: cycles exits 0"
grep -q "kvm_msr's format is damaged or does not parse: TSC_DEADLINE writes" "$TMP/out"
ok $? "tscdeadline.dat: the cycles note blames kvm_msr's format"
! grep -q 'record kvm:kvm_msr' "$TMP/out"
ok $? "tscdeadline.dat: and does not ask to record kvm_msr"

# The undamaged fixtures name no format unreadable.
run "$KX" report --json "$FIXTURES/seed-xapic.dat"
unreadable_formats_are '[]'
ok $? "seed-xapic.dat: unreadable_formats is empty"
run "$KX" report "$FIXTURES/seed-xapic.dat"
! grep -q 'unreadable' "$TMP/out"
ok $? "seed-xapic.dat: the text has no unreadable line"

# svm.dat's kvm_userspace_exit with a ';' after the operand "_" (one byte
# of __print_symbolic: a fuzzed copy) crashed libtraceevent 1.7.1, and
# trace-cmd report with it. That event becomes unreadable; the exits are
# still reported.
for f in svm.dat svm.perf.data; do
	damage "$f" "$f" '"error") : __print_symbolic(REC->reason' \
		'"error") : _;print_symbolic(REC->reason'
	run "$KX" report --json "$TMP/$f"
	is "$RC" 0 "$f with a ';' after an operand in kvm_userspace_exit's print fmt: exit 0, no crash"
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(0 if d["exits"] else 1)' \
		"$TMP/out"
	ok $? "$f: the exits are reported all the same"
	unreadable_formats_are '["kvm_userspace_exit"]'
	ok $? "$f: kvm_userspace_exit is named unreadable"
done
done_testing
