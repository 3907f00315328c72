#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Timer-programming cycles of a real APICv host (TMICT writes arrive as
# APIC_WRITE with info 380) equal an independent computation from the
# `trace-cmd report -t` text beside the recording: cycle count, guest,
# host and idle totals, discarded cycles, and every cycle's guest/host/idle;
# with --time, the cycles that lie wholly in the window, and those it
# leaves unfinished or discarded.
. "$(dirname "$0")/../lib.sh"

DAT=$CORPUS/vmx-host/ma-host-2vcpu.dat
TXT=$CORPUS/vmx-host/ma-host-2vcpu.report-t.txt.gz
# (without the command table entry, "cycles" would be report's input file)
if ! "$KX" cycles --help 2>/dev/null | grep -q '^usage: kvmexit-stat cycles'; then
	skip "cycles on the vmx-host corpus" "cycles not in this binary's command table yet"
	done_testing
	exit
fi
if [ ! -f "$DAT" ] || [ ! -f "$TXT" ]; then
	skip "cycles on the vmx-host corpus" "corpus not present"
	done_testing
	exit
fi

# The oracle pairs exit->entry per thread from the text alone: an exit after
# an exit or an entry after an entry loses continuity and drops the open
# cycle; HLT time is idle; a cycle ends at the entry after APIC_WRITE 380.
zcat "$TXT" | awk -v spans="$TMP/oracle.spans" '
/ kvm_exit: | kvm_entry: / {
	i = index($0, " [")
	n = split(substr($0, 1, i - 1), a, "-")
	tid = a[n]
	split(substr($0, i + 1), b, " ")
	ts = b[2]; sub(/:$/, "", ts); sub(/\./, "", ts); ts = ts + 0
	if (b[3] == "kvm_exit:") {
		if (st[tid] == "G") { if (open[tid]) g[tid] += ts - since[tid] }
		else if (st[tid] == "H") brk(tid)
		st[tid] = "H"; since[tid] = ts; reason[tid] = b[5]; info[tid] = b[9]
	} else {
		if (st[tid] == "H") ex(tid, ts - since[tid], reason[tid], info[tid])
		else if (st[tid] == "G") brk(tid)
		st[tid] = "G"; since[tid] = ts
	}
}
function brk(t) { if (open[t]) discarded++; open[t] = 0 }
function ex(t, d, r, inf) {
	if (open[t]) {
		if (r == "HLT") idl[t] += d; else h[t] += d
	}
	if (r == "APIC_WRITE" && inf == "380") {
		if (open[t]) {
			cycles++; G += g[t]; H += h[t]; I += idl[t]
			printf "%s %.0f %.0f %.0f\n", t, g[t], h[t], idl[t] > "/dev/stderr"
			# from the opening write'"'"'s kvm_exit to this kvm_entry
			printf "%.0f %.0f %.0f %.0f %.0f\n", first[t], ts, g[t], h[t], idl[t] > spans
		}
		open[t] = 1; g[t] = 0; h[t] = 0; idl[t] = 0; first[t] = since[t]
	}
}
END { printf "%.0f %.0f %.0f %.0f %.0f\n", cycles, G, H, I, discarded }
' >"$TMP/oracle" 2>"$TMP/oracle.list"
ok $? "oracle computed from the report text"

run "$KX" cycles --json "$DAT"
is "$RC" 0 "cycles --json"
python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["cycles"]
print(c["count"], c["guest_total"], c["host_total"], c["idle_total"], c["discarded"])' "$TMP/out" >"$TMP/ours"
diag "oracle: $(cat "$TMP/oracle")"
same_files "$TMP/ours" "$TMP/oracle" "cycles, guest/host/idle totals, discarded equal the oracle"
[ "$(cut -d' ' -f1 "$TMP/oracle")" -gt 1000 ]
ok $? "the recording has many cycles (the test is not vacuous)"

run "$KX" cycles "$DAT"
grep -q '^Note: no kvm_msr events recorded: TSC_DEADLINE' "$TMP/out"
ok $? "text warns that TSC_DEADLINE writes are invisible without kvm_msr"

run "$KX" cycles --csv --list "$DAT"
is "$RC" 0 "cycles --csv --list"
python3 -c '
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    if r["set"] == "list":
        print(r["tid"], r["guest"], r["host"], r["idle"])' "$TMP/out" >"$TMP/ours.list"
same_files "$TMP/ours.list" "$TMP/oracle.list" "every cycle's guest/host/idle equals the oracle's"

# --time: the cycles from whose opening TMICT exit to whose closing entry
# lie in the window, in one pass and in slices; a cycle still open at the
# window's end is unfinished, one broken in it (an exit after an exit, an
# entry after an entry) discarded: the window sees only the intervals and
# breaks inside it
for window in "25140,25150.5 25140000000000 25150500000000" \
	"25200.000000001,25252 25200000000001 25252000000000"; do
	set -- $window
	awk -v lo="$2" -v hi="$3" '$1 >= lo && $2 <= hi { n++; g += $3; h += $4; i += $5 }
		END { printf "%d %.0f %.0f %.0f\n", n, g, h, i }' "$TMP/oracle.spans" >"$TMP/want"
	zcat "$TXT" | python3 -c '
import re, sys
line_re = re.compile(r"-(\d+)\s+\[\d+\]\s+(\d+)\.(\d+):\s+(kvm_exit|kvm_entry):\s*(.*)$")
lo, hi = int(sys.argv[1]), int(sys.argv[2])
state, items = {}, {}
for line in sys.stdin:
    m = line_re.search(line)
    if not m:
        continue
    tid, ts = int(m[1]), int(m[2]) * 10**9 + int(m[3].ljust(9, "0")[:9])
    prev, seq = state.get(tid), items.setdefault(tid, [])
    if m[4] == "kvm_exit":
        if prev and prev[0] == "host":
            seq.append(("break", ts, ts))
        state[tid] = ("host", ts, re.search(r"reason APIC_WRITE .* info 380 ", m[5]) is not None)
    else:
        if prev and prev[0] == "host":
            seq.append(("open" if prev[2] else "exit", prev[1], ts))
        elif prev:
            seq.append(("break", ts, ts))
        state[tid] = ("guest", ts)
unfinished = discarded = 0
for seq in items.values():
    is_open = False
    for kind, start, end in seq:
        if lo <= start and end <= hi and kind == "open":
            is_open = True
        elif lo <= start and end <= hi and kind == "break":
            discarded += is_open
            is_open = False
    unfinished += is_open
print(unfinished, discarded)' "$2" "$3" >"$TMP/want.open"
	for threads in 1 5; do
		run "$KX" cycles --json --time "$1" --threads $threads "$DAT"
		python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["cycles"]
print(c["count"], c["guest_total"], c["host_total"], c["idle_total"])
print(c["unfinished"], c["discarded"], file=sys.stderr)' "$TMP/out" >"$TMP/ours" 2>"$TMP/ours.open"
		same_files "$TMP/ours" "$TMP/want" "cycles --time $1 --threads $threads: the cycles inside, as the oracle's ($(cat "$TMP/want"))"
		same_files "$TMP/ours.open" "$TMP/want.open" "cycles --time $1 --threads $threads: unfinished and discarded in the window ($(cat "$TMP/want.open"))"
	done
done
done_testing
