#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The cycles command against kx-synth's known answers: seed-xapic gives
# exactly guest 11 us / host 22 us per cycle, seed-x2apic the same guest
# time and the same normalised keys, tscdeadline TSC_DEADLINE cycles with
# idle HLT; the per-cycle list equals the answer's list (trace.dat and
# perf.data); has_exits in JSON; errors, usage, and a trace without timer
# writes.
. "$(dirname "$0")/../lib.sh"

# (without the command table entry, "cycles" would be report's input file)
if ! "$KX" cycles --help 2>/dev/null | grep -q '^usage: kvmexit-stat cycles'; then
	skip "cycles command" "not in this binary's command table yet"
	done_testing
	exit
fi

run "$KX" cycles --help
is "$RC" 0 "--help exits 0"
grep -q '^usage: kvmexit-stat cycles' "$TMP/out"
ok $? "--help goes to stdout"
run "$KX" cycles
is "$RC" 2 "no file: usage error"
run "$KX" cycles --worst 0 x.dat
is "$RC" 2 "--worst 0: usage error"
grep -q "^kvmexit-stat cycles: --worst" "$TMP/err"
ok $? "bad value names the option"
run "$KX" cycles --by-host x.dat
is "$RC" 2 "--by-host without --worst: usage error"
run "$KX" cycles --bogus x.dat
is "$RC" 2 "unknown option: usage error"
run "$KX" cycles /nonexistent/t.dat
is "$RC" 3 "missing file: 3"
is "$(cat "$TMP/err")" "kvmexit-stat: /nonexistent/t.dat: cannot open: No such file or directory" \
	"missing file: one line naming the file"
[ ! -s "$TMP/out" ]
ok $? "nothing on stdout after an error"

# fixtures: committed ones if present, else synthesized now from the scenarios
fixture() {	# fixture NAME -> sets DAT PERF ANSWER, or returns 1
	if [ -f "$FIXTURES/$1.answer.json" ] && [ -f "$FIXTURES/$1.dat" ]; then
		DAT=$FIXTURES/$1.dat PERF=$FIXTURES/$1.perf.data ANSWER=$FIXTURES/$1.answer.json
		return 0
	fi
	[ -x "$SYNTH" ] && [ -f "$FIXTURES/$1.scn" ] || return 1
	"$SYNTH" -p "$TMP/$1" -a "$TMP/$1.answer.json" "$FIXTURES/$1.scn" >/dev/null 2>&1 || return 1
	DAT=$TMP/$1.dat PERF=$TMP/$1.perf.data ANSWER=$TMP/$1.answer.json
}

# compare --json totals and the --csv --list rows (completion order) with the answer
check_answer() {	# check_answer NAME INPUT ANSWER
	"$KX" cycles --json "$2" >"$TMP/c.json" 2>"$TMP/err"
	ok $? "$1: cycles --json"
	"$KX" cycles --csv --list "$2" >"$TMP/c.csv" 2>"$TMP/err"
	ok $? "$1: cycles --csv --list"
	python3 - "$TMP/c.json" "$TMP/c.csv" "$3" >"$TMP/py" 2>&1 <<'PY'
import csv, json, sys
d = json.load(open(sys.argv[1]))
rows = [r for r in csv.DictReader(open(sys.argv[2])) if r["set"] == "list"]
answer = json.load(open(sys.argv[3]))
a = answer["cycles"]
c = d["cycles"]
assert d["unit"] == "ns", d["unit"]
assert d["has_exits"] == (sum(e["count"] for e in answer["exits"]) > 0), "has_exits"
for k in ("count", "guest_total", "host_total", "idle_total"):
    assert c[k] == a[k], (k, c[k], a[k])
got = [(int(r["tid"]), int(r["vcpu"]), int(r["guest"]), int(r["host"]), int(r["idle"]),
        int(r["exits"])) for r in rows]
want = [(x["tid"], x["vcpu"], x["guest"], x["host"], x["idle"], x["exits"]) for x in a["list"]]
assert got == want, "list differs at cycle %d" % next(
    (i for i, (g, w) in enumerate(zip(got, want)) if g != w), min(len(got), len(want)))
PY
	ok $? "$1: totals and per-cycle list equal the answer"
	sed 's/^/#   /' "$TMP/py" | head -5
}

if fixture seed-xapic; then
	XDAT=$DAT
	check_answer "seed-xapic trace.dat" "$DAT" "$ANSWER"
	check_answer "seed-xapic perf.data" "$PERF" "$ANSWER"
	run "$KX" cycles --list "$DAT"
	is "$RC" 0 "seed-xapic --list"
	want="guest 2.0us | APIC EOI write 11.0us | guest 9.0us | APIC TMICT write 11.0us => guest 11.0us host 22.0us ratio 2.00"
	n=$(grep -c "^vcpu 0 tid 24601 #[0-9]*: $want\$" "$TMP/out")
	is "$n" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cycles"]["count"])' "$ANSWER")" \
		"seed-xapic: every cycle reads '$want'"
	run "$KX" cycles --json "$DAT"
	python3 - "$TMP/out" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["cycles"]
assert c["guest"]["p50"] == 11000 and c["guest"]["p99"] == 11000, c["guest"]
assert c["host"]["p50"] == 22000 and c["host"]["max"] == 22000, c["host"]
assert c["ratio"]["p50"] == 2.0 and c["ratio"]["p90"] == 2.0 and c["ratio"]["p99"] == 2.0, c["ratio"]
names = sorted((k["name"], k["share"]) for k in c["top_subkeys"])
assert names == [("APIC EOI write", 0.5), ("APIC TMICT write", 0.5)], names
PY
	ok $? "seed-xapic JSON: guest 11000, host 22000, ratio 2.00, EOI and TMICT 50% each"
	grep -q '^0 .* 24601 CPU 0/KVM .* 2189.0 .* 4378.0' <<EOF
$("$KX" cycles "$DAT")
EOF
	ok $? "seed-xapic text: per-vCPU guest/host totals in us"
	run "$KX" cycles --vcpu 1 "$DAT"
	is "$RC" 0 "a filter that leaves no timer writes: exit 0"
	grep -q '^No timer-programming exits' "$TMP/out"
	ok $? "... and says so plainly"
else
	skip "seed-xapic" "no fixture and no kx-synth"
fi

if fixture seed-x2apic; then
	check_answer "seed-x2apic trace.dat" "$DAT" "$ANSWER"
	check_answer "seed-x2apic perf.data" "$PERF" "$ANSWER"
	run "$KX" cycles --json "$DAT"
	python3 - "$TMP/out" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["cycles"]
assert c["guest"]["p50"] == 11000 and c["guest"]["max"] == 11000, c["guest"]
assert sorted(k["name"] for k in c["top_subkeys"]) == ["APIC EOI write", "APIC TMICT write"]
PY
	ok $? "seed-x2apic: guest 11000 per cycle, the same normalised keys as xAPIC"
	run "$KX" cycles --list "$DAT"
	grep '^vcpu ' "$TMP/out" >"$TMP/lines"
	n=$(grep -c '^vcpu 0 tid 24701 #[0-9]*: guest 2.0us | APIC EOI write [0-9.]*us | guest 9.0us | APIC TMICT write [0-9.]*us => guest 11.0us host [0-9.]*us ratio 0\.[0-9][0-9]$' "$TMP/lines")
	is "$n" "$(wc -l <"$TMP/lines" | tr -d ' ')" "seed-x2apic --list lines have the xAPIC shape"
	[ "$n" -gt 0 ]
	ok $? "seed-x2apic --list printed cycles"
else
	skip "seed-x2apic" "no fixture and no kx-synth"
fi

if fixture tscdeadline; then
	check_answer "tscdeadline trace.dat" "$DAT" "$ANSWER"
	check_answer "tscdeadline perf.data" "$PERF" "$ANSWER"
	run "$KX" cycles --list "$DAT"
	grep -q '| TSC_DEADLINE write [0-9.]*us => .* idle [0-9.]*us ratio' "$TMP/out"
	ok $? "tscdeadline: cycles end with the TSC_DEADLINE write, idle shown"
	grep -q '| HLT [0-9.]*us (idle) |' "$TMP/out"
	ok $? "tscdeadline: HLT marked idle in the list"
	# --worst 5: the five highest host/guest ratios of the answer's list
	run "$KX" cycles --worst 5 --csv "$DAT"
	python3 - "$TMP/out" "$ANSWER" <<'PY'
import csv, json, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["set"] == "worst"]
lst = json.load(open(sys.argv[2]))["cycles"]["list"]
want = sorted(lst, key=lambda x: -x["host"] / x["guest"])[:5]
assert len(rows) == 5, len(rows)
assert [(int(r["guest"]), int(r["host"])) for r in rows] == [(x["guest"], x["host"]) for x in want]
PY
	ok $? "tscdeadline --worst 5 = the answer's five highest ratios, in order"
	run "$KX" cycles --csv "$DAT"
	python3 - "$TMP/out" "$ANSWER" <<'PY'
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1])))
assert all(len(r) == len(rows[0]) for r in rows), [len(r) for r in rows]
d = [dict(zip(rows[0], r)) for r in rows[1:]]
a = json.load(open(sys.argv[2]))["cycles"]
assert [r["vcpu"] for r in d] == ["0", "all"], d
for r in d:
    assert int(r["cycles"]) == a["count"] and int(r["idle_total"]) == a["idle_total"], r
PY
	ok $? "tscdeadline --csv: one row per vCPU and all, every row as wide as the header"
	run "$KX" cycles --worst 3 --by-host --json "$DAT"
	python3 - "$TMP/out" "$ANSWER" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["worst"]
lst = json.load(open(sys.argv[2]))["cycles"]["list"]
assert [x["host"] for x in w] == sorted((x["host"] for x in lst), reverse=True)[:3]
PY
	ok $? "tscdeadline --worst 3 --by-host = the three largest host times"
	# the same run without TSC2NSEC: the unit is TSC cycles, and the output says so
	if [ -x "$SYNTH" ] && sed '/^tsc2nsec/d' "$FIXTURES/tscdeadline.scn" >"$TMP/tsc.scn" &&
	   "$SYNTH" -p "$TMP/tsc" "$TMP/tsc.scn" >/dev/null 2>&1; then
		run "$KX" cycles --list "$TMP/tsc.dat"
		grep -q 'times in TSC cycles' "$TMP/out"
		ok $? "cycle clock: the text says the unit is TSC cycles"
		grep -q '^vcpu 0 tid 31001 #1: guest [0-9]*cyc | HLT [0-9]*cyc (idle) |.* ratio 0\.[0-9][0-9]$' "$TMP/out"
		ok $? "cycle clock: --list in cyc"
		run "$KX" cycles --json "$TMP/tsc.dat"
		python3 - "$TMP/out" "$ANSWER" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
a = json.load(open(sys.argv[2]))["cycles"]
c = d["cycles"]
assert d["unit"] == "cycles" and c["count"] == a["count"], (d["unit"], c["count"])
# 2918400 kHz: 2.9184 cycles per ns, within rounding of each timestamp
for k in ("guest_total", "host_total", "idle_total"):
    assert abs(c[k] / 2.9184 - a[k]) <= 2 * a["count"] + 2, (k, c[k], a[k])
PY
		ok $? "cycle clock: JSON unit cycles, totals = answer ns x 2.9184"
	else
		skip "cycle clock" "no kx-synth"
	fi
else
	skip "tscdeadline" "no fixture and no kx-synth"
fi

# the other scenarios: SVM (msr/AVIC/npf exits), two VMs with migrating
# threads, lost events (cycles across a gap are discarded), an instance buffer
for name in svm multi-vm lost instances; do
	if fixture "$name"; then
		check_answer "$name trace.dat" "$DAT" "$ANSWER"
		check_answer "$name perf.data" "$PERF" "$ANSWER"
	else
		skip "$name" "no fixture and no kx-synth"
	fi
done

# a real recording without kvm_exit/kvm_entry (emulated backend): a clear note, exit 0
EMU=$CORPUS/emulated/xapic.v7-zstd.dat
if [ -f "$EMU" ]; then
	run "$KX" cycles "$EMU"
	is "$RC" 0 "no timer-programming exits: exit 0"
	grep -q '^No timer-programming exits .* no kvm_exit events' "$TMP/out"
	ok $? "no timer-programming exits: said plainly, with the reason"
	! grep -q 'p50' "$TMP/out"
	ok $? "no empty table presented as a result"
	run "$KX" cycles --json "$EMU"
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["cycles"]["count"] == 0 and any("no cycles" in n for n in d["notes"]) and d["has_exits"] is False' "$TMP/out"
	ok $? "JSON: count 0, a note and has_exits false"
else
	skip "emulated corpus" "not present"
fi

done_testing
