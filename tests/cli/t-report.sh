#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The report command's contract: exit statuses, one-line errors, stdout
# only for results, JSON/CSV well-formed and consistent with the text, the
# order of every list and each row's shares, --keys rows against their
# sub-keys and every reason a key came through (text, CSV, JSON, however
# long the list), --by vcpu totals and titles, filters, standard input,
# --longest in text, CSV and JSON, found again in trace-cmd's text; the
# guest-kernel share of each row against kx-synth's answer.
. "$(dirname "$0")/../lib.sh"

DAT=$CORPUS/vmx-host/ma-host-2vcpu.dat

run "$KX"
is "$RC" 2 "no arguments: usage error 2"
run "$KX" report --bogus "$DAT"
is "$RC" 2 "unknown option: 2"
run "$KX" report --top x "$DAT"
is "$RC" 2 "bad --top value: 2"
grep -q "^kvmexit-stat report: --top" "$TMP/err"
ok $? "bad value names the option"
run "$KX" report --by cpu "$DAT"
is "$RC" 2 "--by takes only vcpu"
run "$KX" report "$DAT" "$DAT"
is "$RC" 2 "two inputs to report: 2"
# --json and --csv exclude each other in every command that has both
for cmd in report cycles compare check; do
	run "$KX" $cmd --json --csv "$DAT"
	is "$RC" 2 "$cmd --json --csv: usage error 2"
	is "$(cat "$TMP/err")" "kvmexit-stat $cmd: --json and --csv exclude each other (see 'kvmexit-stat $cmd --help')" \
		"$cmd --json --csv: one line naming both"
	[ ! -s "$TMP/out" ]
	ok $? "$cmd --json --csv: nothing on stdout"
done
run "$KX" report --csv --csv "$DAT"
is "$RC" 0 "--csv twice is still CSV"
run "$KX" report --help
is "$RC" 0 "--help exits 0"
grep -q '^usage: kvmexit-stat' "$TMP/out"
ok $? "--help goes to stdout"
run "$KX" /nonexistent/trace.dat
is "$RC" 3 "missing file: 3"
is "$(cat "$TMP/err")" "kvmexit-stat: /nonexistent/trace.dat: cannot open: No such file or directory" "missing file: one line naming the file and the problem"
[ ! -s "$TMP/out" ]
ok $? "nothing on stdout after an error"
run "$KX" /dev/null
is "$RC" 3 "/dev/null: 3"
printf 'hello, world\nthis is no trace\n' >"$TMP/garbage.txt"
run "$KX" "$TMP/garbage.txt"
is "$RC" 3 "a text file that is no trace: 3"
grep -q "^kvmexit-stat: $TMP/garbage.txt: " "$TMP/err"
ok $? "error names the file"

# text, JSON and CSV of one run agree
run "$KX" "$DAT"
is "$RC" 0 "default command is report"
cp "$TMP/out" "$TMP/text"
run "$KX" report --json "$DAT"
cp "$TMP/out" "$TMP/json"
run "$KX" report --csv "$DAT"
cp "$TMP/out" "$TMP/csv"
python3 - "$TMP/json" "$TMP/csv" "$TMP/text" <<'PY'
import csv, json, sys
d = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2])))
text = open(sys.argv[3]).read()
assert d["schema"] == 1 and d["unit"] == "ns", "schema/unit"
reasons = [r for r in rows if r["group"] == "all" and r["subkey"] == ""]
assert len(reasons) == len(d["exits"]), "one CSV row per reason"
for e, r in zip(d["exits"], reasons):
    assert e["reason"] == r["reason"] and e["count"] == int(r["count"]) and e["total"] == int(r["total"]), e["reason"]
    # text shows the total in us with 3 decimals
    us = "%d.%03d" % (e["total"] // 1000, e["total"] % 1000)
    assert us in text, (e["reason"], us)
nonidle = sum(e["total"] for e in d["exits"] if not e["idle"])
assert nonidle == d["host"]["total"], "host total is the sum of non-idle reasons"
assert abs(sum(e["time_pct"] for e in d["exits"] if not e["idle"]) - 100) < 0.01, "Time% sums to 100"
assert all(e["time_pct"] is None for e in d["exits"] if e["idle"]), "idle rows have no Time%"
PY
ok $? "text, JSON and CSV agree; idle kept out of host total and Time%"

# the order of every list and each row's shares, from the report's own
# counts, on the real recording and on multi-vm.dat (helper keys by count
# in another order than by name)
for f in "$DAT" "$FIXTURES/multi-vm.dat"; do
	run "$KX" report --json --keys "$f"
	# the real recording has no helper events
	python3 - "$TMP/out" "$([ "$f" = "$DAT" ] || echo helpers)" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
exits, host = d["exits"], d["host"]
order = [(e["idle"], -e["total"], e["reason"]) for e in exits]
assert len(order) > 2 and order == sorted(order), "reasons: non-idle first, by host time"
for e in exits:
    subs = [(-s["total"], s["key"]) for s in e["subkeys"]]
    assert subs == sorted(subs), ("sub-keys by host time", e["reason"])
    for r in [e] + e["subkeys"]:
        assert abs(r["count_pct"] - 100 * r["count"] / host["exits"]) < 0.001, ("Count%", r)
        want = None if e["idle"] else 100 * r["total"] / host["total"]
        assert (r["time_pct"] is None) == (want is None), ("Time% of an idle reason", r)
        assert want is None or abs(r["time_pct"] - want) < 0.001, ("Time%", r)
keys = [(-k["total"], k["key"]) for k in d["keys"]]
assert len(keys) > 1 and keys == sorted(keys), "--keys by host time"
# a key is its sub-keys of that name (normalised where they have one) over the reasons
named = lambda s: s["normalized"] if isinstance(s["normalized"], str) else s["key"]
for k in d["keys"]:
    assert abs(k["count_pct"] - 100 * k["count"] / host["exits"]) < 0.001, ("key Count%", k)
    assert abs(k["time_pct"] - 100 * k["total"] / host["total"]) < 0.001, ("key Time%", k)
    subs = [s for e in exits for s in e["subkeys"] if named(s) == k["key"]]
    merged = {"count": sum(s["count"] for s in subs), "total": sum(s["total"] for s in subs),
              "min": min(s["min"] for s in subs), "max": max(s["max"] for s in subs),
              "userspace_total": sum(s["userspace_total"] for s in subs),
              "guest_kernel": sum(s["guest_kernel"] for s in subs),
              "guest_mode_known": sum(s["guest_mode_known"] for s in subs)}
    assert {f: k[f] for f in merged} == merged, ("key over its sub-keys", k["key"], merged)
    reasons = [e["reason"] for e in exits if any(named(s) == k["key"] for s in e["subkeys"])]
    assert k["reasons"] == ",".join(reasons), ("a key's reasons, in the table's order", k)
    assert k["normalized"] == isinstance(subs[0]["normalized"], str), ("normalised name or raw", k)
    assert abs(k["mean"] - k["total"] / k["count"]) < 0.001, ("key mean", k)
helpers = [(-h["count"], h["key"]) for h in d["helper_keys"]]
assert helpers == sorted(helpers), "helper keys by count"
assert len(helpers) > 1 or sys.argv[2] != "helpers", "helper keys on multi-vm.dat"
PY
	ok $? "$(basename "$f"): reasons, sub-keys, keys and helper keys in order; every Count% and Time%"
done

# --by vcpu: per-thread tables add up to the total
run "$KX" report --by vcpu --json "$DAT"
python3 - "$TMP/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
v = d["vcpus"]
assert len(v) == d["threads"], "one group per thread"
for key in ("total", "idle_total"):
    assert sum(g["host"][key] for g in v) == d["host"][key], key
assert sum(g["guest"]["total"] for g in v) == d["guest"]["total"], "guest"
assert all(g["comm"] for g in v), "threads named by comm"
PY
ok $? "--by vcpu: per-thread figures add up to the total"

# --by vcpu lists the threads in vcpu_id order, whichever showed up first:
# in multi-vm.dat thread 6101 (vcpu 0 of the second VM) exits first
first=$(trace-cmd report -i "$FIXTURES/multi-vm.dat" 2>/dev/null | grep -m1 kvm_exit)
case $first in *-6101\ *) ok 0 "trace-cmd: the first exit in multi-vm.dat is thread 6101's" ;;
*) ok 1 "trace-cmd: the first exit in multi-vm.dat is thread 6101's (got: $first)" ;; esac
run "$KX" report --by vcpu --json "$FIXTURES/multi-vm.dat"
python3 - "$TMP/out" "$FIXTURES/multi-vm.perf.data" "$KX" <<'PY'
import json, subprocess, sys
d = json.load(open(sys.argv[1]))
order = [(g["vcpu"], g["tid"]) for g in d["vcpus"]]
assert order == sorted(order), order
assert order == [(0, 5101), (0, 6101), (1, 5102), (1, 6102)], order
p = json.loads(subprocess.run([sys.argv[3], "report", "--by", "vcpu", "--json", sys.argv[2]],
                              capture_output=True, text=True).stdout)
order = [(g["pid"], g["vcpu"], g["tid"]) for g in p["vcpus"]]
assert order == sorted(order) and len({g[0] for g in order}) == 2, order
PY
ok $? "--by vcpu: threads in vcpu_id order (perf.data: per VM process first)"

# each thread's process: perf.data samples carry it (perf script prints the
# same pid/tid pairs); trace.dat events do not (common_pid is the thread)
perf script -i "$FIXTURES/multi-vm.perf.data" -F pid,tid 2>/dev/null | tr -d ' ' | sort -u >"$TMP/want"
"$KX" report --by vcpu --json "$FIXTURES/multi-vm.perf.data" |
	python3 -c 'import json, sys
for g in json.load(sys.stdin)["vcpus"]: print("%d/%d" % (g["pid"], g["tid"]))' | sort >"$TMP/got"
same_files "$TMP/want" "$TMP/got" "--by vcpu on perf.data: each thread's pid is perf script's"
"$KX" report --by vcpu --json "$FIXTURES/multi-vm.dat" |
	python3 -c 'import json, sys; print(sorted({g["pid"] for g in json.load(sys.stdin)["vcpus"]}))' >"$TMP/got"
is "$(cat "$TMP/got")" "[-1]" "--by vcpu on trace.dat: pid -1 (unknown) for every thread"
# and the text names each thread by its comm, tid and vcpu_id as trace-cmd
# prints them on the thread's kvm_entry
trace-cmd report "$FIXTURES/multi-vm.dat" 2>/dev/null |
	sed -n 's/^ *\(.*\)-\([0-9]*\) *\[.*kvm_entry: *vcpu \([0-9]*\) .*/== \1 tid \2 vcpu \3 ==/p' |
	sort -u >"$TMP/want"
"$KX" report --by vcpu "$FIXTURES/multi-vm.dat" | grep '^== .* tid ' | sort >"$TMP/got"
same_files "$TMP/want" "$TMP/got" "--by vcpu: each thread's title has trace-cmd's comm, tid and vcpu"

# a filter keeps only its threads' exits; --pid 0 and --vcpu 0 are filters
# like any other, not "no filter": no thread of this trace is tid 0, and
# vcpus 0 and 1 are two of four
for case in "--vcpu 1:subset" "--vcpu 0:subset" "--pid 0:none"; do
	opt=${case%:*} want=${case#*:}
	# shellcheck disable=SC2086
	run "$KX" report $opt --json "$DAT"
	python3 - "$TMP/out" "$TMP/json" "$want" <<'PY'
import json, sys
one = json.load(open(sys.argv[1])); allv = json.load(open(sys.argv[2]))
n = one["host"]["exits"]
assert (n == 0 if sys.argv[3] == "none" else 0 < n < allv["host"]["exits"]), (n, allv["host"]["exits"])
PY
	ok $? "$opt selects $([ "$want" = none ] && echo nothing || echo 'a strict subset')"
done

# standard input gives the same report
run sh -c "cat '$DAT' | '$KX' report --json -"
python3 - "$TMP/out" "$TMP/json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
assert a["exits"] == b["exits"] and a["guest"] == b["guest"]
PY
ok $? "trace.dat on stdin gives the same exits"
# one_vcpu ISA: a kx-synth scenario's head, one vCPU on one CPU, up to its first entry
one_vcpu() {
	printf 'kernel 6.18\nisa %s\nclock local\ncpus 1\noutput v6\n' "$1"
	printf 'vcpu tid=300 comm="CPU 0/KVM" vcpu=0 vm=299 cpu=0 {\n\tentry\n'
}
# synth_keys NAME WHAT: $TMP/NAME.dat from $TMP/NAME.scn, then its report --keys --csv
synth_keys() {
	"$SYNTH" -o v6="$TMP/$1.dat" "$TMP/$1.scn" >/dev/null 2>&1
	ok $? "kx-synth writes $2"
	run "$KX" report --keys --csv "$TMP/$1.dat"
}
# --keys: a key lists its reasons in the reason rows' order (most host
# time first), not in the order they were met. Here the TMICT write first
# comes as a short APIC_WRITE exit, then only as long APIC_ACCESS exits.
{ one_vcpu vmx; cat <<'SCN'
	guest 2us
	exit APIC_WRITE info1=0x380 1us
	repeat 5 {
		guest 2us
		exit APIC_ACCESS apic write TMICT 9us
	}
}
SCN
} >"$TMP/order.scn"
synth_keys order "a TMICT write met first as APIC_WRITE"
is "$(grep -c '^all,"APIC_ACCESS,APIC_WRITE",APIC TMICT write,' "$TMP/out")" 1 \
	"--keys --csv: the TMICT key's reasons are APIC_ACCESS (45 us) then APIC_WRITE (1 us)"
run "$KX" report --keys "$TMP/order.dat"
is "$(grep -A1 '^APIC TMICT write ' "$TMP/out" | tail -n 1)" "  via APIC_ACCESS,APIC_WRITE" \
	"--keys text: the line under the key names its reasons in the same order"
grep -q '^Sub-key / via reasons ' "$TMP/out"
ok $? "--keys text: the first column is titled for keys"
# --keys: every reason a key arrived as is listed, however long the list.
# An SEV-ES guest's MMIO write comes as npf or as one of the vmgexit
# reasons; here eight exits of eight reasons (10 us down to 3 us, so the
# table puts them in this order) each carry the same MMIO write: their
# names take 148 bytes, and "vmgexit" is part of two longer names.
REASONS="vmgexit_page_state_change vmgexit_mmio_write avic_incomplete_ipi vmgexit_ext_guest_request vmgexit_hypervisor_feature npf vmgexit task_switch"
{
	one_vcpu svm
	us=10
	for r in $REASONS; do
		printf '\tguest 2us\n\texit %s mmio write 0xfebd1000 %dus\n' "$r" $us
		us=$((us - 1))
	done
	printf '\tguest 2us\n}\n'
} >"$TMP/long.scn"
synth_keys long "one MMIO write under eight SVM reasons"
# trace-cmd: each exit (its code; names past 0x80000000 print as UNKNOWN) is
# followed by the write, so the key belongs to all eight
is "$(trace-cmd report "$TMP/long.dat" 2>/dev/null | awk '/kvm_exit:/ { open = 1 } /kvm_mmio:.*gpa 0xfebd1000/ && open { n++; open = 0 } END { print n + 0 }')" 8 \
	"trace-cmd: the MMIO write follows each of the eight exits"
WANT=$(echo $REASONS | tr ' ' ',')
is "$(grep -c "^all,\"$WANT\",MMIO 0xfebd1000 write," "$TMP/out")" 1 \
	"--keys --csv: all eight reasons, in the table's order, none cut off"
run "$KX" report --keys --json "$TMP/long.dat"
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert [k["reasons"] for k in d["keys"]] == [sys.argv[2]], d["keys"]
assert [e["reason"] for e in d["exits"]] == sys.argv[2].split(","), d["exits"]' "$TMP/out" "$WANT"
ok $? "--keys --json: the same eight, and they are the reason rows in order"
# a reason whose name ends another's (INVD, WBINVD) is still a reason of its own
{ one_vcpu vmx; cat <<'SCN'
	guest 2us
	exit WBINVD mmio write 0xfebd1000 5us
	guest 2us
	exit INVD mmio write 0xfebd1000 4us
	guest 2us
}
SCN
} >"$TMP/suffix.scn"
synth_keys suffix "one MMIO write under WBINVD and INVD"
is "$(grep -c '^all,"WBINVD,INVD",MMIO 0xfebd1000 write,' "$TMP/out")" 1 \
	"--keys --csv: WBINVD (5 us) then INVD (4 us)"

# --longest N: 1 to 10000
for bad in 0 10001 x; do
	run "$KX" report --longest $bad "$DAT"
	is "$RC" 2 "--longest $bad: usage error 2"
	grep -q "^kvmexit-stat report: --longest wants 1 to 10000, not '$bad'" "$TMP/err"
	ok $? "--longest $bad: the message names the option and the value"
done
# In text each exit is where trace-cmd report -t shows it: the instance,
# comm-tid and time of a kvm_exit line of that reason, its kvm_entry the
# duration later (the instance recording, whose 300 ms and 1 s of guest
# and HLT time are not exits of the list)
"$SYNTH" -o v6="$TMP/inst.dat" "$FIXTURES/instances.scn" >/dev/null 2>&1
run "$KX" report --longest 4 "$TMP/inst.dat"
is "$RC" 0 "report --longest 4 exits 0"
sed -n '/^== longest non-idle exits ==$/,/^$/p' "$TMP/out" | sed '1,2d;/^$/d' >"$TMP/longest"
is "$(wc -l <"$TMP/longest")" 4 "four exits listed"
trace-cmd report -t "$TMP/inst.dat" 2>/dev/null >"$TMP/inst.txt"
bad=0
while read -r at us vcpu guest inst comm tid reason rest; do
	# "kvmx: CPU 0/KVM-8001": the comm holds a space, split off again here
	thread="$comm ${tid%-*}-${tid##*-}"
	line=$(grep -F " $at: kvm_exit:" "$TMP/inst.txt" | grep -E "^$inst +$thread ")
	echo "$line" | grep -q "reason ${reason%% *} " || { echo "# $at: no kvm_exit $reason of $inst $thread"; bad=1; }
	# the guest ran its kernel when the rip trace-cmd prints is in the upper half
	case $(echo "$line" | sed -n 's/.* rip 0x\([0-9a-f]*\) .*/\1/p') in
	[89a-f]???????????????) mode=kernel ;;
	?*) mode=user ;;
	*) mode=none ;;
	esac
	[ "$guest" = "$mode" ] || { echo "# $at: guest $guest, trace-cmd's rip says $mode"; bad=1; }
	end=$(awk -v t="${tid##*-}" -v at="$at" '$0 ~ ("-" t " ") && /kvm_entry:/ {
		for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) ts = substr($i, 1, length($i) - 1)
		if (ts + 0 > at + 0) { print ts; exit } }' "$TMP/inst.txt")
	want=$(python3 -c 'import sys; a, b = (int(x.replace(".", "")) for x in sys.argv[1:]); print("%d.%03d" % ((b - a) // 1000, (b - a) % 1000))' "$at" "$end")
	[ "$us" = "$want" ] || { echo "# $at: $us us, trace-cmd's next kvm_entry says $want"; bad=1; }
	[ "$vcpu" = 0 ] || bad=1
done <"$TMP/longest"
ok $bad "each line: a kvm_exit of its reason in trace-cmd's text, at its time, for its instance and thread, with its rip's guest mode; the next kvm_entry its duration later"
head -1 "$TMP/longest" | grep -q '^1000\.[0-9]\{9\} .* kvmx: CPU 0/KVM-8001 '
ok $? "time with nine decimals, thread after its instance"
# the list is the JSON's and the CSV's; without --longest, JSON has none
run "$KX" report --longest 4 --json "$TMP/inst.dat"
cp "$TMP/out" "$TMP/longest.json"
run "$KX" report --longest 4 --csv "$TMP/inst.dat"
python3 - "$TMP/longest.json" "$TMP/out" "$TMP/longest" <<'PY'
import csv, json, sys
j = json.load(open(sys.argv[1]))['longest']
rows = list(csv.DictReader(open(sys.argv[2])))
text = [l.split()[0] for l in open(sys.argv[3])]
assert len(j) == len(rows) == len(text) == 4, (len(j), len(rows))
for i, (e, r, t) in enumerate(zip(j, rows, text)):
    assert int(r['rank']) == i + 1
    for k in ('start', 'duration', 'tid', 'pid', 'vcpu', 'code'):
        assert int(r[k]) == e[k], (k, r[k], e[k])
    for k in ('comm', 'buffer', 'reason', 'subkey', 'normalized', 'guest_mode'):
        assert r[k] == (e[k] or ''), (k, r[k], e[k])
    assert r['unit'] == 'ns' and e['buffer'] == 'kvmx'
    assert t == '%d.%09d' % divmod(e['start'], 10**9), (t, e['start'])
durations = [e['duration'] for e in j]
assert durations == sorted(durations, reverse=True)
PY
ok $? "--longest: JSON, CSV (a row each, ranked) and text list the same exits, longest first"
run "$KX" report --json "$TMP/inst.dat"
grep -q '"longest"' "$TMP/out"
ok $((!$?)) "without --longest, JSON has no longest list"
# the bounds themselves are taken
run "$KX" report --longest 1 --json "$TMP/inst.dat"
python3 -c 'import json, sys; assert len(json.load(open(sys.argv[1]))["longest"]) == 1' "$TMP/out"
ok $? "--longest 1: one exit"
# more asked than there are: every non-idle exit, none of the idle ones
run "$KX" report --longest 10000 --json "$TMP/inst.dat"
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
busy = sum(e["count"] for e in d["exits"] if not e["idle"])
assert len(d["longest"]) == busy > 0, (len(d["longest"]), busy)
assert not {e["reason"] for e in d["longest"]} & {e["reason"] for e in d["exits"] if e["idle"]}' "$TMP/out"
ok $? "--longest 10000: each of the non-idle exits once, no idle one"
# counts in the head lines agree with their nouns: one vCPU thread on one
# CPU (suffix.dat), one thread on two CPUs (the instance recording)
run "$KX" report "$TMP/suffix.dat"
grep -q '^input: .*, 1 CPU$' "$TMP/out" && grep -q '^span: .*, 1 vCPU thread$' "$TMP/out"
ok $? "one CPU, one vCPU thread: singular"
run "$KX" report "$TMP/inst.dat"
grep -q '^input: .*, 2 CPUs, buffers kvmx' "$TMP/out" && grep -q '^span: .*, 1 vCPU thread$' "$TMP/out"
ok $? "two CPUs, one vCPU thread"
# --hist is for the text table: with --json or --csv a usage error
for fmt in --json --csv; do
	run "$KX" report --hist $fmt "$TMP/inst.dat"
	is "$RC" 2 "--hist $fmt: usage error 2"
done
# with --keys a distribution per key, named and counted as the key rows
# of --keys --csv; with --by vcpu one set per table
run "$KX" report --keys --csv "$TMP/inst.dat"
awk -F, '$1 == "all" { print $3 ", " $7 " exits" }' "$TMP/out" | sort >"$TMP/keys.want"
run "$KX" report --keys --hist "$TMP/inst.dat"
sed -n '/^distributions/,$p' "$TMP/out" | grep ' exits$' | sort >"$TMP/keys.got"
[ -s "$TMP/keys.want" ] && cmp -s "$TMP/keys.want" "$TMP/keys.got"
ok $? "--keys --hist: one distribution per key, with its count ($(tr '\n' ';' <"$TMP/keys.got"))"
run "$KX" report --by vcpu --hist "$FIXTURES/multi-vm.dat"
is "$(grep -c '^distributions (ns, ' "$TMP/out")" "$(($(grep -c '^== ' "$TMP/out")))" \
	"--by vcpu --hist: distributions under every table"
# an instance the trace does not have is a usage error in every command
# that reads traces, as the man page's EXIT STATUS says (it was 3 in
# report, compare and check)
for cmd in report cycles info "compare $TMP/inst.dat" "check --max host_guest_ratio=1"; do
	# shellcheck disable=SC2086
	run "$KX" $cmd --buffer nosuch "$TMP/inst.dat"
	is "$RC" 2 "${cmd%% *} --buffer nosuch: usage error 2"
	is "$(cat "$TMP/err")" "kvmexit-stat: $TMP/inst.dat: no buffer named 'nosuch' (buffers: (top), kvmx)" \
		"${cmd%% *} --buffer nosuch: one line naming the buffers there are"
done
# --time START,END: malformed windows are usage errors naming the option
for bad in "" "," "25140" "x,1" "1,x" "2,1" "1.5,1.25" "1.0123456789," ",-1" "1,,2"; do
	run "$KX" report --time "$bad" "$TMP/inst.dat"
	is "$RC" 2 "--time '$bad': usage error 2"
	grep -q "^kvmexit-stat report: --time wants START,END" "$TMP/err"
	ok $? "--time '$bad': the message says what it wants"
done
# the same window in other spellings gives the same report; an end equal
# to an exit's entry keeps that exit (the ends are included)
run "$KX" report --json --time 1000.000002,1000.000013 "$TMP/inst.dat"
is "$RC" 0 "--time around one exit and no guest run: exit 0"
cp "$TMP/out" "$TMP/w1.json"
run "$KX" report --json --time 1000.000002000,1000.0000130 "$TMP/inst.dat"
cmp -s "$TMP/w1.json" "$TMP/out"
ok $? "--time: trailing zeros of the decimals change nothing"
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert [(e["reason"], e["count"], e["total"]) for e in d["exits"]] == [("APIC_ACCESS", 1, 11000)], d["exits"]
assert d["guest"]["count"] == 0 and d["window"] == {"start": 1000000002000, "end": 1000000013000}
assert d["has_exits"] is True' "$TMP/w1.json"
ok $? "--time 1000.000002,1000.000013: the one EOI exit from 2 to 13 us (trace-cmd's first kvm_exit and kvm_entry after it), no guest run"
# a window that holds a guest run and no exit: the 9 us run from trace-cmd's
# second kvm_entry (1000.000013) to the kvm_exit after it (1000.000022)
trace-cmd report -t "$FIXTURES/seed-xapic.dat" 2>/dev/null | grep -m2 ' kvm_entry:' | tail -n 1 |
	grep -q ' 1000.000013000: kvm_entry:'
ok $? "trace-cmd: seed-xapic.dat's second kvm_entry at 1000.000013"
run "$KX" report --json --time 1000.000013,1000.000022 "$FIXTURES/seed-xapic.dat"
is "$RC" 0 "--time around one guest run and no exit: exit 0"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
assert d["has_exits"] is True and d["exits"] == [] and d["guest"]["count"] == 1 and d["guest"]["total"] == 9000, d' "$TMP/out"
ok $? "--time around one guest run: has_exits, that 9 us run, no exit row"
run "$KX" report --json --time 1000.000002,1000.000012999 "$TMP/inst.dat"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["exits"] == [], d["exits"]' "$TMP/out"
ok $? "--time ending 1 ns before that entry: the exit is left out, not cut"
# a start past what 64-bit ns hold (2^64 ns is 18446744073.709551616 s)
run "$KX" report --time 18446744073.709551616, "$TMP/inst.dat"
is "$RC" 2 "--time past 2^64 ns: usage error 2"
is "$(cat "$TMP/err")" "kvmexit-stat: $TMP/inst.dat: --time: the start is past the end of 64-bit ns" \
	"--time past 2^64 ns: one line saying so"
# where the trace's events lie, as trace-cmd prints them: its first and last times
span=$(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) {
	t = substr($i, 1, length($i) - 1); if (first == "") first = t; last = t; break } }
	END { print first " to " last }' "$TMP/inst.txt")
is "$span" "1000.000000000 to 1001.302005000" "trace-cmd: the instance recording runs from 1000 s to 1001.302005 s"
run "$KX" report --json --time 18446744073.709551615, "$TMP/inst.dat"
is "$RC" 3 "--time 2^64 - 1 ns: taken, but nothing lies in it: exit 3"
is "$(cat "$TMP/err")" "kvmexit-stat: $TMP/inst.dat: no exit or guest run passes --vcpu, --pid or --time; the trace's events run from $span (--allow-empty accepts that)" \
	"--time after the trace: one line saying that nothing passes, and where the trace lies"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["has_exits"] is False and d["exits"] == [], d' "$TMP/out"
ok $? "--time after the trace: JSON says has_exits false, no exit rows"
run "$KX" report --allow-empty --time 18446744073.709551615, "$TMP/inst.dat"
is "$RC" 0 "--time after the trace, --allow-empty: exit 0"
grep -q "^$TMP/inst.dat: no exit or guest run passes --vcpu, --pid or --time; the trace's events run from $span: nothing to time.\$" "$TMP/out"
ok $? "--time after the trace, --allow-empty: the text says nothing passes, not that the trace has no exits"
# compare and check say it the same way; a window before the trace too
for cmd in "compare $TMP/inst.dat" "check --max host.exits=1000"; do
	# shellcheck disable=SC2086
	run "$KX" $cmd --time ,999.5 "$TMP/inst.dat"
	is "$RC" 3 "${cmd%% *} --time before the trace: exit 3"
	grep -qF "kvmexit-stat: $TMP/inst.dat: no exit or guest run passes --vcpu, --pid or --time; the trace's events run from $span" "$TMP/err"
	ok $? "${cmd%% *} --time before the trace: the message says where the trace lies"
done
# an exit and an entry of two threads: both read, neither completes anything
printf '%s\n' \
	'       CPU 0/KVM-100   [000]    10.000000100: kvm_exit:             reason HLT rip 0xffffffff81000000 info 0 0' \
	'       CPU 1/KVM-200   [001]    10.000000200: kvm_entry:            vcpu 1 rip 0xffffffff81000000' \
	>"$TMP/half.txt"
run "$KX" report "$TMP/half.txt"
is "$RC" 3 "an unfinished exit and an orphan entry alone: exit 3"
is "$(cat "$TMP/err")" "kvmexit-stat: $TMP/half.txt: no complete exit or guest run (--allow-empty accepts that)" \
	"one line saying no interval is complete"
grep -q 'unfinished exits 1' "$TMP/out" && grep -q 'orphan entries 1' "$TMP/out"
ok $? "and the data-quality line counts the two"
# --pid and --vcpu that select no thread say the same, in every command
for cmd in "report" "report --csv" "compare $TMP/inst.dat" "check --max host.exits=1000"; do
	# shellcheck disable=SC2086
	run "$KX" $cmd --pid 999999 "$TMP/inst.dat"
	is "$RC" 3 "${cmd%% *} --pid of no thread: exit 3"
	grep -q "^kvmexit-stat: $TMP/inst.dat: no exit or guest run passes --vcpu, --pid or --time" "$TMP/err"
	ok $? "${cmd%% *} --pid of no thread: the message says nothing passes"
done
run "$KX" cycles --vcpu 77 "$TMP/inst.dat"
is "$RC" 0 "cycles --vcpu of no thread: exit 0 (no cycles is not an error there)"
grep -q "^No timer-programming exits (APIC TMICT or TSC_DEADLINE writes) in $TMP/inst.dat pass --vcpu, --pid or --time: no cycles to report.\$" "$TMP/out"
ok $? "cycles --vcpu of no thread: the text says none passes the filters"
# --time given twice: the second replaces the first, ends left out too;
# a window of one instant is a window; a start too long to be a time is refused
run "$KX" report --json --time 1000.1,1000.2 --time 1000.3, "$TMP/inst.dat"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["window"] == {"start": 1000300000000, "end": None}, d["window"]' "$TMP/out"
ok $? "--time twice: the second one, its end open"
run "$KX" report --json --time 1000.1,1000.2 --time ,1000.3 "$TMP/inst.dat"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["window"] == {"start": None, "end": 1000300000000}, d["window"]' "$TMP/out"
ok $? "--time twice: the second one, its start open"
run "$KX" report --time 1000.000002,1000.000002 "$TMP/inst.dat"
is "$RC" 3 "--time START,START: one instant, taken (no interval lies in it: exit 3)"
grep -q '^window: 1000.000002000 to 1000.000002000 (--time)' "$TMP/out"
ok $? "and shown as it was given"
run "$KX" report --time 1000.3, "$TMP/inst.dat"
grep -q '^window: 1000.300000000 to the end (--time)' "$TMP/out"
ok $? "--time START,: the text says 'to the end'"
run "$KX" report --time ,1000.3 "$TMP/inst.dat"
grep -q '^window: the start to 1000.300000000 (--time)' "$TMP/out"
ok $? "--time ,END: the text says 'the start'"
run "$KX" report --time "$(printf '%064d' 1000)," "$TMP/inst.dat"
is "$RC" 2 "--time with a 64-character start: refused"
# --hist at the edges of the ranges: exits of 0, 1, 2 and 3 ns, and one of
# 2^63 ns (trace-cmd text: the ts are whatever the lines say)
python3 - "$TMP/edges.txt" <<'PY'
import sys
lines, t = ["cpus=1"], 10**9
def line(ev, rest):
    lines.append(f"       CPU 0/KVM-61  [000]  {t // 10**9}.{t % 10**9:09d}: {ev}: {rest}")
line("kvm_entry", "vcpu 0 rip 0xffffffff81000000")
for d in (0, 1, 2, 3, 2**63):
    t += 100
    line("kvm_exit", "reason CPUID rip 0xffffffff81000000 info 0 0")
    t += d
    line("kvm_entry", "vcpu 0 rip 0xffffffff81000000")
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
run "$KX" report --hist "$TMP/edges.txt"
sed -n '/^CPUID, 5 exits$/,/^$/p' "$TMP/out" | awk '/^  \[/ { n++ }
	/^  \[0\] +1 / { a++ } /^  \[1\] +1 / { a++ } /^  \[2, 4\) +2 / { a++ } /^  \[8E, 16E\) +1 / { a++ }
	END { print n, a }' >"$TMP/edges.got"
is "$(cat "$TMP/edges.got")" "65 4" \
	"--hist: [0], [1], [2, 4) and [8E, 16E) hold 1, 1, 2 and 1, and every range between is shown (65 lines)"
# --longest names each exit's own buffer: the longest exit is in the
# second of two buffers, the next in the top one (trace-cmd prints the
# instance before the thread on that kvm_exit line)
cat >"$TMP/twobuf.scn" <<'SCN'
kernel 6.18
isa vmx
clock local
cpus 2
buffer second
output v6
vcpu tid=300 comm="CPU 0/KVM" vcpu=0 vm=299 cpu=0 {
	entry
	guest 2us
	exit CPUID 5us
	guest 2us
}
vcpu tid=400 comm="CPU 0/KVM" vcpu=0 vm=399 cpu=1 buffer=second {
	entry
	guest 3us
	exit CPUID 9us
	guest 2us
}
SCN
"$SYNTH" -o v6="$TMP/twobuf.dat" "$TMP/twobuf.scn" >/dev/null 2>&1
ok $? "kx-synth writes one vCPU in each of two buffers"
run "$KX" report --longest 2 "$TMP/twobuf.dat"
sed -n '/^== longest non-idle exits ==$/,/^$/p' "$TMP/out" | awk 'NF > 3 && $1 ~ /^[0-9]/' >"$TMP/twobuf.have"
# kvm_exit times from trace-cmd, the instance's first
trace-cmd report -t "$TMP/twobuf.dat" 2>/dev/null | awk '/kvm_exit:/ {
	for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) t = substr($i, 1, length($i) - 1)
	print ($1 == "second:" ? 0 : 1), t }' | sort | cut -d' ' -f2 >"$TMP/twobuf.times"
{
	printf '%-20s %14s %5s %-6s  %-28s %s\n' "$(sed -n 1p "$TMP/twobuf.times")" 9.000 0 \
		kernel "second: CPU 0/KVM-400" CPUID
	printf '%-20s %14s %5s %-6s  %-28s %s\n' "$(sed -n 2p "$TMP/twobuf.times")" 5.000 0 \
		kernel "CPU 0/KVM-300" CPUID
} >"$TMP/twobuf.want"
cmp -s "$TMP/twobuf.want" "$TMP/twobuf.have"
ok $? "--longest 2: the second buffer's 9 us exit, then the top buffer's 5 us, at trace-cmd's times"
sed 's/^/# want /' "$TMP/twobuf.want"
sed 's/^/# have /' "$TMP/twobuf.have"

# GKern%: each reason's and sub-key's exits from the guest kernel, in text,
# CSV and JSON, against kx-synth's known answer for guest-user.scn (exits in
# guest user code and kernel, mixed within reasons)
GU=$FIXTURES/guest-user
"$KX" report --json "$GU.dat" >"$TMP/gu.json" && "$KX" report --csv "$GU.dat" >"$TMP/gu.csv" &&
	"$KX" report "$GU.dat" >"$TMP/gu.txt"
ok $? "guest-user.dat: report in text, CSV and JSON"
python3 - "$GU.answer.json" "$TMP/gu.json" "$TMP/gu.csv" "$TMP/gu.txt" <<'PY'
import csv, json, sys
ans, rep = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
want = {}
for e in ans['exits']:
    want[(e['reason'], '')] = (e['guest_kernel'], e['count'])
    for sk in e['subkeys']:
        want[(e['reason'], sk['normalized'])] = (sk['guest_kernel'], sk['count'])
def pct(k, n):
    return '%.2f%%' % (100.0 * k / n)
bad = []
mixed = [r for r, (k, n) in want.items() if 0 < k < n]
if len(mixed) < 2 or not any(k == 0 for k, n in want.values()):
    bad.append('the fixture lacks reasons all user and mixed: %r' % want)
got = {}
for e in rep['exits']:
    got[(e['reason'], '')] = e
    for sk in e['subkeys']:
        got[(e['reason'], sk['normalized'] or sk['key'])] = sk
for key, (k, n) in want.items():
    g = got.get(key, {})
    if (g.get('guest_kernel'), g.get('guest_mode_known'), g.get('guest_kernel_pct')) != \
       (k, n, round(100.0 * k / n, 3)):
        bad.append('json %r: %r, want %r' % (key, g, (k, n)))
rows = {(r['reason'], r['normalized']): r for r in csv.DictReader(open(sys.argv[3]))}
for key, (k, n) in want.items():
    r = rows.get(key, {})
    if (r.get('guest_kernel'), r.get('guest_mode_known'), r.get('guest_kernel_pct')) != \
       (str(k), str(n), '%.3f' % (100.0 * k / n)):
        bad.append('csv %r: %r' % (key, r))
text = {}
reason = None
for line in open(sys.argv[4]):
    if not line.strip() or line.startswith(('Reason', ' ' * 10)):
        continue
    if not line[34:].split() or not line[34:].split()[0].isdigit():
        continue
    if line[0] != ' ':
        reason = line[:34].strip()
        if reason.endswith(' (idle)'):
            reason = reason[:-len(' (idle)')]
        text[(reason, '')] = line.split()[-1]
    else:
        text[(reason, line[:34].strip())] = line.split()[-1]
for key, (k, n) in want.items():
    if text.get(key) != pct(k, n):
        bad.append('text %r: %r, want %s' % (key, text.get(key), pct(k, n)))
print('\n'.join(bad) or '%d rows, %d of them mixed' % (len(want), len(mixed)))
sys.exit(1 if bad else 0)
PY
ok $? "guest-user.dat: GKern%, guest_kernel, guest_mode_known and guest_kernel_pct of every row as kx-synth's answer"
done_testing
