#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The trace.dat reader maps each uncompressed CPU stream a window (at most
# 1 MiB) at a time and reads compressed chunks with pread. On a trace whose
# streams span several windows (~3 MiB each), v6 (windows) and v7-zstd
# (chunks) of the same scenario must give the same report, with every
# event of the scenario read (4 vCPUs x (1 + 21 x 6000) events).
. "$(dirname "$0")/../lib.sh"

sed 's/@REPS@/6000/' "$ROOT/bench/busy-host.scn.in" >"$TMP/busy.scn"
"$SYNTH" -o v6="$TMP/busy.dat" -o v7-zstd="$TMP/busy.zst.dat" "$TMP/busy.scn" >/dev/null 2>&1
ok $? "kx-synth writes the busy-host trace, 504,004 events on 8 CPUs"
size=$(stat -c %s "$TMP/busy.dat")
[ "$size" -gt $((8 * 2 * 1048576)) ]
ok $? "its v6 streams are over 2 MiB each ($size bytes for 8 CPUs)"

for f in busy.dat busy.zst.dat; do
	for n in 1 2; do
		"$KX" report --json --threads $n "$TMP/$f" >"$TMP/$f.$n.json"
		is $? 0 "$f --threads $n: report --json"
	done
done
# everything but the input section (file name, format, record counts)
strip() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
ev = d["input"]["events"]
print(sum(ev.get(k, 0) for k in ("kvm_exit", "kvm_entry", "kvm_apic", "kvm_msr", "kvm_mmio", "kvm_eoi")))
del d["input"]
print(json.dumps(d, sort_keys=True))' "$1"
}
strip "$TMP/busy.dat.1.json" >"$TMP/v6.1"
is "$(head -n 1 "$TMP/v6.1")" 504004 "v6: every event of the scenario read"
for x in busy.dat.2 busy.zst.dat.1 busy.zst.dat.2; do
	strip "$TMP/$x.json" >"$TMP/$x.s"
	same_files "$TMP/v6.1" "$TMP/$x.s" "$x: the same report as v6 with one thread"
done
done_testing
