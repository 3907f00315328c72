#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kvmexit-stat check: a rules file that passes and one that fails on the
# seed-xapic trace (limits taken from the scenario: every EOI/TMICT exit
# 11 us, host/guest 2.00, 199 cycles), exact exit statuses (0, 1, 2, 3),
# JUnit XML parsed by python's xml.etree with the counts checked; every
# global figure and the timer cycles' rows at the known answer's values,
# from the trace, its saved report and its cycles document; baseline mode
# on kx-synth traces: +20% fails, +2% noise passes, an idle HLT 20% longer
# is left alone by the wildcard; a raw sub-key under two reasons and an
# exit rate; a saved report or cycles document of a trace without exits
# refused as the trace is.
. "$(dirname "$0")/../lib.sh"

X=$FIXTURES/seed-xapic

# the limits below come from the scenario; make sure its answer agrees
python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))
s = a["exits"][0]["subkeys"]
print(a["exits"][0]["reason"], [(k["normalized"], k["min"], k["max"]) for k in s],
      a["host"]["total"] / a["guest"]["total"], a["cycles"]["count"])
' "$X.answer.json" >"$TMP/answer"
is "$(cat "$TMP/answer")" \
	"APIC_ACCESS [('APIC EOI write', 11000, 11000), ('APIC TMICT write', 11000, 11000)] 2.0 199" \
	"known answer: 11 us exits, host/guest 2.0, 199 cycles"

cat >"$TMP/pass.rules" <<'R'
# seed-xapic: every EOI and TMICT exit takes 11 us
max APIC EOI write.p99 = 11us
min APIC EOI write.p50 = 11us     # exactly 11 us, so min holds too
max APIC TMICT write.max = 11.5us
max APIC 0x380 TMICT write.mean = 12000ns   # raw sub-key name
max host_guest_ratio = 2.0
min cycles.count = 199
max cycles.ratio.p90 = 2.01
max cycles.host.p99 = 22us
max lost_events = 0
max APIC_ACCESS.count = 400
max APIC_ACCESS.time_pct = 100%
min APIC EOI write.count_pct = 50%   # 200 of the 400 exits
min APIC 0x380 TMICT write.time_pct = 50%   # raw name: 200 of 400 equal exits
max PIO 0x70 out.p99? = 1us       # optional: this trace has no such key
R
run "$KX" check --rules "$TMP/pass.rules" --junit "$TMP/pass.xml" "$X.dat"
is "$RC" 0 "passing rules file: exit 0"
grep -q '^14 checks: 13 passed, 0 failed, 1 skipped$' "$TMP/out"
ok $? "14 checks: 13 passed, 1 skipped (the optional one)"
grep -Eq '^PASS +max APIC EOI write\.p99 +11\.0us +<= 11\.0us$' "$TMP/out"
ok $? "each rule printed with measured value and limit"

# exactly: "NAME = VALUE" lines in, a min and a max rule at VALUE for each out
exactly() {
	awk -F ' = ' '{ printf "min %s = %s\nmax %s = %s\n", $1, $2, $1, $2 }'
}

# every global figure, at exactly the value of the known answer, from the
# trace and from its saved report
python3 - "$X.answer.json" <<'PY' | exactly >"$TMP/globals.rules"
import json, sys
a = json.load(open(sys.argv[1]))
figs = {"host.total": "%dns" % a["host"]["total"], "host.idle_total": "%dns" % a["host"]["idle_total"],
        "host.exits": sum(e["count"] for e in a["exits"]), "guest.total": "%dns" % a["guest"]["total"],
        "guest.count": a["guest"]["count"], "lost_events": a["lost_events"],
        "discarded": a["discarded"], "orphan_entries": a["orphan_entries"],
        "unmatched_exits": 0,  # not in the answer: each exit of the scenario has its entry
        "cycles.count": a["cycles"]["count"],
        "cycles.guest_total": "%dns" % a["cycles"]["guest_total"],
        "cycles.host_total": "%dns" % a["cycles"]["host_total"]}
for name, value in figs.items():
    print("%s = %s" % (name, value))
PY
"$KX" report --json "$X.dat" >"$TMP/x.json"
for f in "$X.dat" "$TMP/x.json"; do
	run "$KX" check --rules "$TMP/globals.rules" "$f"
	case $f in *.json) want='^24 checks: 18 passed, 6 failed, 0 skipped$' ;; *) want='^24 checks: 24 passed, 0 failed, 0 skipped$' ;; esac
	grep -q "$want" "$TMP/out"
	ok $? "$(basename "$f"): every global figure equals the known answer"
done
# a report has no cycles: its six cycle rules fail for want of them, the rest pass
grep -c '^FAIL .*cycles\.' "$TMP/out" | grep -qx 6
ok $? "the report's JSON fails only the cycle rules"
# the cycles' rows, their counts, totals and means from the answer's totals,
# from the trace and from its `cycles --json` document
python3 - "$X.answer.json" <<'PY' | exactly >"$TMP/cycrows.rules"
import json, sys
c = json.load(open(sys.argv[1]))["cycles"]
for part in ("guest", "host"):
    for fig, value in (("count", c["count"]), ("total", "%dns" % c[part + "_total"]),
                       ("mean", "%gns" % (c[part + "_total"] / c["count"]))):
        print("cycles.%s.%s = %s" % (part, fig, value))
PY
"$KX" cycles --json "$X.dat" >"$TMP/x.cycles.json"
for f in "$X.dat" "$TMP/x.cycles.json"; do
	run "$KX" check --rules "$TMP/cycrows.rules" "$f"
	grep -q '^12 checks: 12 passed, 0 failed, 0 skipped$' "$TMP/out"
	ok $? "$(basename "$f"): the cycles' guest and host rows at the answer's count, total and mean"
done
is "$("$KX" compare --json "$TMP/x.cycles.json" "$X.dat" |
	python3 -c 'import json, sys; print([i["cycles"] for i in json.load(sys.stdin)["inputs"]])')" \
	"[199, 199]" "compare: the cycles document and the trace both count 199 cycles"

cat >"$TMP/fail.rules" <<'R'
max APIC EOI write.p99 = 10999ns
max host_guest_ratio = 1.99
min cycles.count = 200
max PIO 0x70 out.p99 = 1us        # not in the trace: a failure, not a silent pass
max lost_events = 0
R
run "$KX" check --json --junit "$TMP/fail.xml" "$X.dat" "$TMP/fail.rules"
is "$RC" 1 "failing rules file (given after the trace): exit 1"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["status"], d["tests"], d["passed"], d["failed"], d["skipped"],
      [r["status"] for r in d["results"]], d["results"][0]["measured"], d["results"][1]["measured"],
      d["results"][3]["message"])
' "$TMP/out" >"$TMP/fcheck"
is "$(cat "$TMP/fcheck")" \
	"fail 5 1 4 0 ['FAIL', 'FAIL', 'FAIL', 'FAIL', 'PASS'] 11000.0 2.0 key not found in the trace" \
	"JSON: each rule's status and measured value"

# JUnit XML: well-formed, one testcase per rule, counts right
python3 - "$TMP/pass.xml" "$TMP/fail.xml" >"$TMP/xcheck" <<'PY'
import sys
import xml.etree.ElementTree as ET
for path in sys.argv[1:]:
    root = ET.parse(path).getroot()
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    fails = [c for c in cases if c.find("failure") is not None]
    skips = [c for c in cases if c.find("skipped") is not None]
    print(root.tag, len(cases), len(fails), len(skips),
          suite.get("tests"), suite.get("failures"), suite.get("skipped"),
          root.get("tests"), root.get("failures"),
          all(f.find("failure").get("message") for f in fails))
PY
is "$(sed -n 1p "$TMP/xcheck")" "testsuites 14 0 1 14 0 1 14 0 True" "JUnit of the passing run: 14 testcases, 1 skipped"
is "$(sed -n 2p "$TMP/xcheck")" "testsuites 5 4 0 5 4 0 5 4 True" "JUnit of the failing run: 5 testcases, 4 failures with messages"

run "$KX" check --csv --max 'APIC EOI write.p99=2us' "$X.dat"
is "$RC" 1 "command-line --max that fails: exit 1"
is "$(sed -n 2p "$TMP/out" | cut -d, -f1-5)" "FAIL,max,APIC EOI write.p99,11000,2000" "CSV record of the rule"

# --- usage and input errors --------------------------------------------------
printf 'max APIC EOI write.p99 = 11us\n# fine so far\nmax APIC EOI write.p98 = 11us\n' >"$TMP/bad.rules"
run "$KX" check --rules "$TMP/bad.rules" "$X.dat"
is "$RC" 2 "bad rule in a file: exit 2"
grep -q "bad.rules:3: .*unknown field 'p98'" "$TMP/err"
ok $? "the message names file and line: $(cat "$TMP/err")"
run "$KX" check --max 'APIC EOI write.p99=11 parsecs' "$X.dat"
is "$RC" 2 "bad unit: exit 2"
run "$KX" check --max 'APIC EOI write.p99=2%' "$X.dat"
is "$RC" 2 "percent on a duration: exit 2"
run "$KX" check "$X.dat"
is "$RC" 2 "no rules: exit 2"
run "$KX" check --max-regress 10% "$X.dat"
is "$RC" 2 "--max-regress without --baseline: exit 2"
run "$KX" check --rules "$TMP/nonexistent.rules" "$X.dat"
is "$RC" 2 "missing rules file: exit 2"
run "$KX" check --max lost_events=0 "$TMP/nonexistent.dat"
is "$RC" 3 "missing input: exit 3"
head -c 1000 "$X.dat" >"$TMP/cut.dat"
run "$KX" check --max lost_events=0 "$TMP/cut.dat"
is "$RC" 3 "truncated trace: exit 3"
printf '{"tool": "kvmexit-stat", "schema": 1, "unit": "ns", "exits": [' >"$TMP/cut.json"
run "$KX" check --max lost_events=0 "$TMP/cut.json"
is "$RC" 3 "truncated JSON report: exit 3"

printf 'cpus=1\n          <idle>-0     [000]   100.000001: sched_switch:         prev_comm=a prev_pid=1 prev_prio=120 prev_state=S ==> next_comm=b next_pid=2 next_prio=120\n' >"$TMP/nokvm.txt"
run "$KX" check --max lost_events=0 "$TMP/nokvm.txt"
is "$RC" 3 "a trace without kvm_exit/kvm_entry: exit 3"
# what was saved of such a trace is judged as the trace is: the real
# emulated-backend recording, which trace-cmd shows without one kvm_exit
EMU=$CORPUS/emulated/xapic.v7-zstd.dat
if [ -f "$EMU" ]; then
	trace-cmd report "$EMU" >"$TMP/emu.txt" 2>/dev/null
	[ "$(grep -c ' kvm_[a-z_]*:' "$TMP/emu.txt")" -gt 0 ] && ! grep -q ' kvm_exit:' "$TMP/emu.txt"
	ok $? "trace-cmd: $(basename "$EMU") holds kvm events, none of them kvm_exit"
	run "$KX" check --max host.exits=5 "$EMU"
	is "$RC" 3 "that trace: exit 3"
	"$KX" report --allow-empty --json "$EMU" >"$TMP/noexits.json"
	"$KX" cycles --json "$EMU" >"$TMP/noexits.cycles.json"
	for f in noexits.json noexits.cycles.json; do
		run "$KX" check --max host.exits=5 --max cycles.count=5 "$TMP/$f"
		is "$RC" 3 "$f of it: exit 3, not a pass"
		is "$(cat "$TMP/err")" "kvmexit-stat: $TMP/$f: made from a trace without timed exits (or with none its filters passed): nothing to judge" \
			"$f: one line naming the file and why"
		[ ! -s "$TMP/out" ]
		ok $? "$f: no verdict on stdout"
		run "$KX" check --max host.exits=5 --baseline "$TMP/$f" --max-regress 10% "$X.dat"
		is "$RC" 3 "$f as the baseline: exit 3"
	done
	# a cycles document of a version before "has_exits" is not known to lack exits
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1])); del d["has_exits"]; json.dump(d, open(sys.argv[2], "w"))' \
		"$TMP/noexits.cycles.json" "$TMP/old.cycles.json"
	run "$KX" check --max cycles.count=5 "$TMP/old.cycles.json"
	is "$RC" 0 "a cycles document without has_exits is judged"
else
	skip "saved reports of a trace without exits" "no $EMU"
fi

# --- baseline mode -------------------------------------------------------------
# one scenario, exit medians scaled by 1.20 and 1.02, each with its own seed
mk() {	# mk NAME SEED SCALE
	cat >"$TMP/$1.scn" <<SCN
kernel 6.18
isa vmx
clock local
cpus 2
seed $2
output v6
vcpu tid=24701 comm="CPU 0/KVM" vcpu=0 vm=24690 cpu=0 {
	entry
	repeat 300 {
		guest 2us
		exit MSR_WRITE msr write 0x80b lognormal median=$(awk "BEGIN { print int(1100 * $3) }")ns sigma=0.2
		guest 9us
		exit MSR_WRITE msr write 0x838 val=0x186a0 lognormal median=$(awk "BEGIN { print int(1200 * $3) }")ns sigma=0.2
		guest 3us
		exit HLT $(awk "BEGIN { print int(20000 * $3) }")ns
	}
}
SCN
	"$SYNTH" -o v6="$TMP/$1.dat" "$TMP/$1.scn"
}
if mk base 1 1 && mk up20 2 1.20 && mk up2 3 1.02; then
	"$KX" report --json "$TMP/base.dat" >"$TMP/base.json"
	run "$KX" check --baseline "$TMP/base.json" --max-regress 10% --junit "$TMP/up20.xml" "$TMP/up20.dat"
	is "$RC" 1 "+20%: regression detected (exit 1)"
	grep -Eq '^FAIL +max-regress APIC EOI write\.mean .*regressed \+(19|2[01])\.[0-9]% \(limit \+10\.0%\), significant' "$TMP/out"
	ok $? "+20%: APIC EOI write.mean fails as a significant regression"
	grep -Eq '^FAIL +max-regress APIC TMICT write\.mean ' "$TMP/out"
	ok $? "+20%: APIC TMICT write.mean fails"
	grep -q 'HLT' "$TMP/out"
	is "$?" 1 "+20%: the idle HLT, 20% longer too, is not judged by the wildcard"
	python3 -c '
import sys, xml.etree.ElementTree as ET
s = ET.parse(sys.argv[1]).getroot().find("testsuite")
print(int(s.get("failures")) == len(s.findall("testcase/failure")) >= 2)
' "$TMP/up20.xml" >"$TMP/x20"
	is "$(cat "$TMP/x20")" "True" "+20%: JUnit lists the failures"

	run "$KX" check --baseline "$TMP/base.json" --max-regress 10% "$TMP/up2.dat"
	is "$RC" 0 "+2% noise: passes (exit 0)"
	grep -q ' 0 failed' "$TMP/out"
	ok $? "+2% noise: no rule fails"

	run "$KX" check --baseline "$TMP/base.dat" --max-regress 'APIC EOI write.p99=5%' "$TMP/up20.dat"
	is "$RC" 1 "per-key p99 limit, trace as baseline: +20% fails"
	run "$KX" check --baseline "$TMP/base.dat" --max-regress 10% "$TMP/up20.dat"
	grep -q 'HLT' "$TMP/out"
	is "$?" 1 "trace as baseline: the idle HLT is not judged by the wildcard either"
	run "$KX" check --baseline "$TMP/base.dat" --max-regress 1% --alpha 1e-300 "$TMP/up20.dat"
	is "$RC" 0 "a difference that is not significant at alpha does not fail"
	run "$KX" check --baseline "$TMP/base.json" --max-regress 10% --min-samples 1000 "$TMP/up20.dat"
	is "$RC" 0 "too few samples: every key skipped, exit 0"
	grep -q '^SKIP .*too few samples to judge (300 in the baseline, 300 here; need 1000)' "$TMP/out"
	ok $? "the skip says why"
	run "$KX" check --baseline "$TMP/base.json" --max-regress 'APIC EOI write.mean=10%' \
		--max-regress 'No such key.mean?=10%' --max-regress 'Gone key.mean=10%' "$TMP/up2.dat"
	is "$RC" 1 "a named key missing from both runs fails, the optional one is skipped"
else
	for t in 1 2 3 4 5 6 7 8 9 10 11 12 13; do
		skip "baseline mode $t" "kx-synth failed"
	done
fi
# --- raw sub-keys over reasons, a second exit reason, a rate ------------------
# TMICT written through the APIC page (100 exits, half 9 us, half 11 us)
# and trapped by APIC_WRITE (50 of 4 us, behind the EOI writes' 50 of 5 us
# there): the raw key's row sums both (150, mean 8 us, 4 to 11 us, 50% of
# the 300 exits, 1200 of the 1550 us of host time), from the trace and
# from its saved report alike; the EOI's raw row is APIC_WRITE's alone,
# and the port (no other name) has none. The rate is a count over the
# trace's span, taken here from trace-cmd's first and last timestamps.
cat >"$TMP/twokeys.scn" <<'SCN'
kernel 6.18
isa vmx
clock local
cpus 1
seed 4
vcpu tid=31001 vcpu=0 vm=31000 cpu=0 {
	entry
	repeat 50 {
		guest 6us
		exit APIC_ACCESS apic write TMICT 9us
		guest 6us
		exit APIC_ACCESS apic write TMICT 11us
		guest 6us
		exit APIC_WRITE apic write TMICT 4us
		guest 6us
		exit APIC_WRITE apic write EOI 5us
		guest 6us
		exit IO_INSTRUCTION pio out 0x3f8 2us
		guest 6us
		exit HLT 30us
	}
}
SCN
run "$SYNTH" -o v6="$TMP/twokeys.dat" "$TMP/twokeys.scn"
is "$RC" 0 "kx-synth writes the two-reasons trace"
rate=$(trace-cmd report -t "$TMP/twokeys.dat" 2>/dev/null |
	awk '$4 ~ /:$/ { t = substr($4, 1, length($4) - 1); if (!n++) first = t; last = t }
	     END { if (n) printf "%.4f %.4f", 100 / (last - first) * 0.9999, 100 / (last - first) * 1.0001 }')
exactly >"$TMP/twokeys.rules" <<'R'
APIC 0x380 TMICT write.count = 150
APIC 0x380 TMICT write.mean = 8us
APIC 0x380 TMICT write.min = 4us
APIC 0x380 TMICT write.max = 11us
APIC 0x380 TMICT write.count_pct = 50%
R
cat >>"$TMP/twokeys.rules" <<R
min HLT.count = 50
min APIC 0xb0 EOI write.count = 50
min APIC 0x380 TMICT write.time_pct = 77.41%
max APIC 0x380 TMICT write.time_pct = 77.42%
min APIC_ACCESS.rate = ${rate% *}
max APIC_ACCESS.rate = ${rate#* }
R
"$KX" report --json "$TMP/twokeys.dat" >"$TMP/twokeys.json"
for f in twokeys.dat twokeys.json; do
	run "$KX" check --rules "$TMP/twokeys.rules" "$TMP/$f"
	grep -q '^16 checks: 16 passed, 0 failed, 0 skipped$' "$TMP/out"
	ok $? "$f: raw key over two reasons 150 at 8 us (4 to 11 us, 50% of 300 exits, 1200 of 1550 us), 50 HLT, APIC_ACCESS at 100 over the span ($rate/s)"
	"$KX" compare --json --raw-keys "$TMP/$f" "$TMP/$f" | python3 -c '
import json, sys
rows = json.load(sys.stdin)["rows"]
print(sorted((r["name"], r["inputs"][0]["count"]) for r in rows if r["kind"] == "rawkey"))'  >"$TMP/raw"
	is "$(cat "$TMP/raw")" "[('APIC 0x380 TMICT write', 150), ('APIC 0xb0 EOI write', 50)]" \
		"$f: compare --raw-keys has one row a raw name, none for the port"
done

# --- the README's CI example: its rules file and its GitLab command line ----
mkdir -p "$TMP/ci/perf" "$TMP/ci/kvmexit-stat"
sed -n '/<!-- gate.rules -->/,/<!-- \/gate.rules -->/p' "$ROOT/README.md" | sed '1,2d;$d' | sed '$d' \
	>"$TMP/ci/perf/gate.rules"
cp "$FIXTURES/seed-x2apic.dat" "$TMP/ci/perf/run.dat"
"$KX" report --json "$FIXTURES/seed-x2apic.dat" >"$TMP/ci/perf/baseline.json"
ln -s "$KX" "$TMP/ci/kvmexit-stat/kvmexit-stat"
cmd=$(grep -- '- kvmexit-stat/kvmexit-stat check ' "$ROOT/README.md" | sed 's/^ *- //')
[ -n "$cmd" ] && grep -q '^max-regress 10%$' "$TMP/ci/perf/gate.rules"
ok $? "README: GitLab command and gate.rules found"
(cd "$TMP/ci" && sh -c "$cmd") >"$TMP/out" 2>"$TMP/err"
is "$?" 1 "README gate on seed-x2apic: exit 1 (its host/guest ratio 0.21 is over 0.1)"
is "$(grep -c '^FAIL' "$TMP/out") $(grep -c '^FAIL .*host_guest_ratio' "$TMP/out") $(grep -c '^SKIP .*TSC_DEADLINE' "$TMP/out")" \
	"1 1 1" "README gate: only host_guest_ratio fails, the optional TSC_DEADLINE rule is skipped"
python3 -c 'import sys, xml.etree.ElementTree as ET; r = ET.parse(sys.argv[1]).getroot(); print(r.get("failures"))' \
	"$TMP/ci/kvmexit-gate.xml" >"$TMP/cix"
is "$(cat "$TMP/cix")" "1" "README gate: the JUnit file it names is written"
done_testing
