#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The real VMX host recording: per-reason count/total/min/max and the guest
# total from kvmexit-stat on the binary trace.dat (v7 zlib, TSC2NSEC) must
# equal an independent pairing of the `trace-cmd report -t` text beside it.
. "$(dirname "$0")/../lib.sh"

DAT=$CORPUS/vmx-host/ma-host-2vcpu.dat
TXT=$CORPUS/vmx-host/ma-host-2vcpu.report-t.txt.gz
if [ ! -f "$DAT" ]; then
	skip "vmx-host corpus" "not found at $DAT"
	done_testing
	exit
fi

python3 "$ROOT/tests/corpus/pair_oracle.py" "$TXT" >"$TMP/oracle.json"
ok $? "oracle pairs the report text"
# the default threads, then five time slices (this zlib trace is cut from three threads on)
for threads in "" "--threads 5"; do
	# shellcheck disable=SC2086
	run "$KX" report --json $threads "$DAT"
	is "$RC" 0 "report --json $threads exits 0"
	cp "$TMP/out" "$TMP/kx.json"

	python3 - "$TMP/oracle.json" "$TMP/kx.json" >"$TMP/cmp" <<'PY'
import json, sys
oracle = json.load(open(sys.argv[1]))
kx = json.load(open(sys.argv[2]))
rows = {e['reason']: e for e in kx['exits']}
bad = 0
for reason, want in sorted(oracle['exits'].items()):
    got = rows.get(reason)
    for field in ('count', 'total', 'min', 'max'):
        g = got[field] if got else None
        if g != want[field]:
            print(f"{reason}.{field}: got {g} want {want[field]}")
            bad += 1
extra = set(rows) - set(oracle['exits'])
if extra:
    print("reasons only in kvmexit-stat:", sorted(extra))
    bad += 1
for field in ('count', 'total'):
    if kx['guest'][field] != oracle['guest'][field]:
        print(f"guest.{field}: got {kx['guest'][field]} want {oracle['guest'][field]}")
        bad += 1
print(f"{len(oracle['exits'])} reasons compared")
sys.exit(1 if bad else 0)
PY
	rc=$?
	sed 's/^/# /' "$TMP/cmp"
	ok $rc "per-reason count/total/min/max and guest total equal the independent pairing ${threads:-(default threads)}"
done

# the same recording as text gives the same answer as the binary
zcat "$TXT" >"$TMP/report-t.txt"
run "$KX" report --json "$TMP/report-t.txt"
if [ "$RC" -eq 0 ]; then
	python3 - "$TMP/kx.json" "$TMP/out" <<'PY'
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
key = lambda d: sorted((e['reason'], e['count'], e['total'], e['min'], e['max']) for e in d['exits'])
sys.exit(0 if key(a) == key(b) and a['guest'] == b['guest'] else 1)
PY
	ok $? "the report -t text twin gives identical per-reason figures"
else
	ok 1 "the report -t text twin is readable"
	sed 's/^/# /' "$TMP/err"
fi
done_testing
