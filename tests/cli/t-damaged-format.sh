#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A recording whose kvm_exit print fmt names a field the format does not
# declare (one flipped byte) crashed libtraceevent 1.7.1. Such a format must
# make kvm_exit unreadable, never crash: the report then says the trace has
# no kvm_exit events (exit 3), for trace.dat and perf.data alike. So must
# a ';' in the middle of an expression.
. "$(dirname "$0")/../lib.sh"

for f in seed-xapic.dat seed-xapic.perf.data; do
	python3 - "$FIXTURES/$f" "$TMP/$f" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read()
good = b'__print_symbolic(REC->exit_reason & 0xffff'
assert d.count(good) == 1
open(sys.argv[2], 'wb').write(d.replace(good, b'__print_symbolic(REC->exit_reasoP & 0xffff'))
PY
	run "$KX" report "$TMP/$f"
	is "$RC" 3 "$f with an undeclared field in kvm_exit's print fmt: exit 3, no crash"
	grep -q 'no kvm_exit/kvm_entry' "$TMP/err"
	ok $? "$f: kvm_exit is unreadable, and the report says why it has no exits"
	run "$KX" info "$TMP/$f"
	is "$RC" 0 "$f: info still reads the rest"
done

# svm.dat's kvm_userspace_exit with a ';' after the operand "_" (one byte
# of __print_symbolic: a fuzzed copy) crashed libtraceevent 1.7.1, and
# trace-cmd report with it. That event becomes unreadable; the exits are
# still reported.
for f in svm.dat svm.perf.data; do
	python3 - "$FIXTURES/$f" "$TMP/$f" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read()
good = b'"error") : __print_symbolic(REC->reason'
assert d.count(good) == 1
open(sys.argv[2], 'wb').write(d.replace(good, b'"error") : _;print_symbolic(REC->reason'))
PY
	run "$KX" report --json "$TMP/$f"
	is "$RC" 0 "$f with a ';' after an operand in kvm_userspace_exit's print fmt: exit 0, no crash"
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(0 if d["exits"] else 1)' \
		"$TMP/out"
	ok $? "$f: the exits are reported all the same"
done
done_testing
