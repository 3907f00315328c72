#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kvmexit-stat compare: xAPIC and x2APIC seed traces line up on the
# normalised EOI/TMICT keys with the ratios of the scenarios' known answers
# (kx-synth) and each input's header its answer's figures, two draws of one
# distribution are not significant, saved JSON reports compare like their
# traces, and bad inputs (malformed histograms among them) give the right
# status.
. "$(dirname "$0")/../lib.sh"

X=$FIXTURES/seed-xapic
X2=$FIXTURES/seed-x2apic

# --- xAPIC against x2APIC ---------------------------------------------------
run "$KX" compare --json "$X.dat" "$X2.dat"
is "$RC" 0 "compare xapic x2apic exits 0"
cp "$TMP/out" "$TMP/cmp.json"
# expected ratios from the known answers: mean of each normalised key, x2apic / xapic
python3 - "$TMP/cmp.json" "$X.answer.json" "$X2.answer.json" >"$TMP/check" <<'PY'
import json, sys
cmp = json.load(open(sys.argv[1]))
ans = [json.load(open(p)) for p in sys.argv[2:4]]
def mean(a, key):
    n = t = 0
    for e in a["exits"]:
        for s in e.get("subkeys", []):
            if s.get("normalized") == key:
                n += s["count"]; t += s["total"]
    return t / n
rows = {(r["kind"], r["name"]): r for r in cmp["rows"]}
for key in ("APIC EOI write", "APIC TMICT write"):
    r = rows.get(("key", key))
    if r is None:
        print("missing", key); continue
    a, b = r["inputs"]
    want = mean(ans[1], key) / mean(ans[0], key)
    got = b["ratio"]
    print(key, "present", a["present"] and b["present"])
    print(key, "ratio ok", abs(got - want) < 1e-3 * want, "got %.5f want %.5f" % (got, want))
    print(key, "status", b["status"], "p<0.001", b["p_value"] is not None and b["p_value"] < 0.001)
    print(key, "counts", a["count"], b["count"], "answer", sum(
        s["count"] for e in ans[0]["exits"] for s in e["subkeys"] if s.get("normalized") == key))
print("APIC_ACCESS", rows[("exit", "APIC_ACCESS")]["inputs"][1]["status"])
print("MSR_WRITE", rows[("exit", "MSR_WRITE")]["inputs"][1]["status"])
PY
# each input's header figures against its known answer
python3 - "$TMP/cmp.json" "$X.answer.json" "$X2.answer.json" <<'PY'
import json, sys
cmp = json.load(open(sys.argv[1]))
for inp, path in zip(cmp["inputs"], sys.argv[2:4]):
    a = json.load(open(path))
    want = {"exits": sum(e["count"] for e in a["exits"]), "guest_total": a["guest"]["total"],
            "host_total": a["host"]["total"], "cycles": a["cycles"]["count"],
            "lost_events": a["lost_events"]}
    got = {k: inp[k] for k in want}
    assert got == want, (inp["label"], got, want)
    ratio = a["host"]["total"] / a["guest"]["total"]
    assert abs(inp["host_guest_ratio"] - ratio) < 1e-6 * ratio, (inp["label"], inp["host_guest_ratio"])
PY
ok $? "each input's exits, guest and host totals, ratio, cycles and lost events are its answer's"
for key in "APIC EOI write" "APIC TMICT write"; do
	is "$(grep -c "^$key present True" "$TMP/check")" 1 "$key: one row present in both modes"
	grep -q "^$key ratio ok True" "$TMP/check"
	ok $? "$key: mean ratio equals the known answers' ($(grep "^$key ratio" "$TMP/check"))"
	grep -q "^$key status significant p<0.001 True" "$TMP/check"
	ok $? "$key: significant, p < 0.001"
	is "$(grep "^$key counts" "$TMP/check")" "$key counts 200 200 answer 200" "$key: 200 samples each"
done
is "$(grep '^APIC_ACCESS' "$TMP/check")" "APIC_ACCESS gone" "xAPIC-only exit reason is gone in B"
is "$(grep '^MSR_WRITE' "$TMP/check")" "MSR_WRITE new" "x2APIC-only exit reason is new in B"

# every row's cells: the base is "base"; a cell in both inputs has each
# delta_/ratio_ figure from the two inputs' own figures on the row (delta
# and ratio: the metric, mean); a new or gone cell has none; the row's
# status is its most notable cell's
python3 - "$TMP/cmp.json" >"$TMP/cells" <<'PY'
import json, sys
cmp = json.load(open(sys.argv[1]))
rank = ["significant", "new", "gone", "not_significant", "untested"]
bad = []
for r in cmp["rows"]:
    a, b = r["inputs"]
    name = "%s %s" % (r["kind"], r["name"])
    if a["status"] != "base":
        bad.append(name + ": base status " + a["status"])
    if r["status"] != b["status"] or b["status"] not in rank:
        bad.append(name + ": row status %s, cell %s" % (r["status"], b["status"]))
    if a["present"] and b["present"]:
        want = {"delta": b["mean"] - a["mean"], "ratio": b["mean"] / a["mean"]}
        for f in ("count", "mean", "p50", "p90", "p99", "total", "time_pct"):
            known = a[f] is not None and b[f] is not None
            want["delta_" + f] = b[f] - a[f] if known else None
            want["ratio_" + f] = b[f] / a[f] if known and a[f] else None
        for k, w in want.items():
            g = b.get(k)
            if (g is None) != (w is None) or (w is not None and abs(g - w) > 1e-3 + 1e-6 * abs(w)):
                bad.append("%s: %s %s, want %s" % (name, k, g, w))
    elif b["delta"] is not None or b["ratio"] is not None:
        bad.append(name + ": %s cell with delta %s ratio %s" % (b["status"], b["delta"], b["ratio"]))
print(len(cmp["rows"]), "rows", len(bad), "bad")
for x in bad:
    print(x)
PY
is "$(head -n 1 "$TMP/cells")" "8 rows 0 bad" "every cell's status, deltas and ratios from the inputs' own figures"
sed -n '2,$s/^/# /p' "$TMP/cells"

# the order of the lines: most notable status first (significant, new, gone,
# not significant, untested), then the largest |log ratio| of the metric
# over the inputs, then kind and name
cat >"$TMP/order.py" <<'PY'
import json, math, sys
status = ["significant", "new", "gone", "not_significant", "untested", "base", "absent"]
kinds = ["exit", "key", "rawkey", "guest", "cycles.guest", "cycles.host", "cycles.ratio"]
def key(r):
    change = max([abs(math.log(c["ratio"])) for c in r["inputs"][1:]
                  if c.get("ratio") is not None and c["ratio"] > 0] + [0])
    kind = r["name"] if r["kind"] == "cycles" else r["kind"]
    return (status.index(r["status"]), change, kinds.index(kind), r["name"])
rows = [key(r) for r in json.load(open(sys.argv[1]))["rows"]]
bad = 0
for a, b in zip(rows, rows[1:]):
    # ratios are printed to 6 decimals: changes that close may go either way,
    # and only lines with no ratio at all (change 0) are surely tied
    near = abs(a[1] - b[1]) <= 1e-5 * max(a[1], 1)
    if a[0] > b[0] or (a[0] == b[0] and (a[1] < b[1] and not near or
                                          a[1] == b[1] == 0 and a[2:] > b[2:])):
        print("out of order:", a, b)
        bad += 1
print(len(rows), "rows", bad, "out of order")
PY
python3 "$TMP/order.py" "$TMP/cmp.json" >"$TMP/order"
is "$(head -n 1 "$TMP/order")" "8 rows 0 out of order" "xapic/x2apic lines ordered by status, change, kind and name"
sed -n '2,$s/^/# /p' "$TMP/order"

# cell JSON NAME: the row NAME's count in each input and its second cell's status
cell() {
	python3 -c '
import json, sys
rows = {r["name"]: r for r in json.load(open(sys.argv[1]))["rows"]}
a, b = rows[sys.argv[2]]["inputs"]
print(a["count"], b["count"], b["status"])' "$1" "$2"
}

# --min-samples N tests a row with N samples in each input, not one with fewer
for n in 200 201; do
	run "$KX" compare --json --min-samples $n "$X.dat" "$X2.dat"
	is "$(cell "$TMP/out" "APIC EOI write")" "200 200 $([ $n = 200 ] && echo significant || echo untested)" \
		"--min-samples $n: APIC EOI write, 200 samples each, $([ $n = 200 ] && echo tested || echo untested)"
done

# one input under --min-samples is enough to leave a row untested: multi-vm's
# APIC TMICT writes are 242, and 92 in its thread 5101 alone
"$KX" report --json "$FIXTURES/multi-vm.dat" >"$TMP/all.json"
"$KX" report --json --pid 5101 "$FIXTURES/multi-vm.dat" >"$TMP/one.json"
for case in "100 all one untested" "100 one all untested" "92 all one significant" "92 one all significant"; do
	# shellcheck disable=SC2086
	set -- $case
	run "$KX" compare --json --min-samples "$1" "$TMP/$2.json" "$TMP/$3.json"
	is "$(cell "$TMP/out" "APIC TMICT write")" "$([ "$2" = all ] && echo 242 92 || echo 92 242) $4" \
		"--min-samples $1, $2 against $3: APIC TMICT write $4"
done
python3 "$TMP/order.py" "$TMP/out" >"$TMP/order"
is "$(head -n 1 "$TMP/order")" "16 rows 0 out of order" "multi-vm thread against all: lines ordered by status, change, kind and name"
sed -n '2,$s/^/# /p' "$TMP/order"

run "$KX" compare "$X.dat" "$X2.dat"
is "$RC" 0 "text compare exits 0"
# the verdict line: 11.0us -> ~1.1us, -90%, significant
grep -Eq '^  APIC EOI write +11\.0us -> 1\.[0-9]+us +-90% +significant \(p<0\.001\)$' "$TMP/out"
ok $? "text verdict line for APIC EOI write"
grep -Eq '^  APIC TMICT write +11\.0us -> 1\.[0-9]+us +-89% +significant \(p<0\.001\)$' "$TMP/out"
ok $? "text verdict line for APIC TMICT write"
grep -q '^  APIC_ACCESS (exit) *gone in B' "$TMP/out"
ok $? "text says the APIC_ACCESS exits are gone in B"

run "$KX" compare --csv "$X.dat" "$X2.dat"
python3 - "$TMP/out" "$TMP/cmp.json" >"$TMP/csvcheck" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
js = json.load(open(sys.argv[2]))
print(len(rows) == 2 * len(js["rows"]))
eoi = [r for r in rows if r["name"] == "APIC EOI write" and r["input"] == "B"][0]
want = [r for r in js["rows"] if r["name"] == "APIC EOI write"][0]["inputs"][1]
print(abs(float(eoi["ratio"]) - want["ratio"]) < 1e-6 and eoi["status"] == "significant")
PY
is "$(cat "$TMP/csvcheck" | tr '\n' ' ')" "True True " "CSV: one record per row and input, same figures as JSON"

# --- saved JSON reports compare like their traces ---------------------------
"$KX" report --json "$X.dat" >"$TMP/x.json"
run "$KX" compare --json "$TMP/x.json" "$X2.dat"
is "$RC" 0 "compare a saved report with a trace"
python3 - "$TMP/out" "$TMP/cmp.json" >"$TMP/jcheck" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
def get(d, k):
    return [r for r in d["rows"] if r["name"] == k][0]["inputs"][1]
for k in ("APIC EOI write", "APIC TMICT write"):
    x, y = get(a, k), get(b, k)
    print(abs(x["ratio"] - y["ratio"]) < 1e-4 * y["ratio"] and x["status"] == y["status"]
          and abs(x["p_value"] - y["p_value"]) < 1e-9)
PY
is "$(cat "$TMP/jcheck" | tr '\n' ' ')" "True True " "saved JSON baseline gives the trace's ratios and p-values"

# --- three inputs, raw keys, another headline figure ------------------------
run "$KX" compare --json --raw-keys --metric p99 "$X.dat" "$X2.dat" "$TMP/x.json"
is "$RC" 0 "three inputs compare"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
rows = {(r["kind"], r["name"]): r for r in d["rows"]}
eoi = rows[("key", "APIC EOI write")]["inputs"]
raw = rows.get(("rawkey", "APIC 0xb0 EOI write"))
print(d["metric"], [i["label"] for i in eoi], eoi[2]["status"], eoi[2]["ratio"],
      abs(eoi[1]["ratio"] - eoi[1]["p99"] / eoi[0]["p99"]) < 1e-6,
      raw is not None and raw["inputs"][1]["status"])
' "$TMP/out" >"$TMP/tcheck"
is "$(cat "$TMP/tcheck")" "p99 ['A', 'B', 'C'] not_significant 1.0 True gone" \
	"C (A saved) equals A; B's ratio is on p99; the xAPIC raw key is gone in B"

# --- one distribution, two seeds: not significant ---------------------------
cat >"$TMP/noise.scn" <<'SCN'
kernel 6.18
isa vmx
clock local
cpus 2
seed 1
output v6
vcpu tid=24701 comm="CPU 0/KVM" vcpu=0 vm=24690 cpu=0 {
	entry
	repeat 300 {
		guest lognormal median=2000ns sigma=0.1
		exit MSR_WRITE msr write 0x80b lognormal median=1100ns sigma=0.2
		guest 9us
		exit MSR_WRITE msr write 0x838 val=0x186a0 lognormal median=1200ns sigma=0.2
	}
}
SCN
sed 's/^seed 1$/seed 2/' "$TMP/noise.scn" >"$TMP/noise2.scn"
if "$SYNTH" -o v6="$TMP/n1.dat" "$TMP/noise.scn" && "$SYNTH" -o v6="$TMP/n2.dat" "$TMP/noise2.scn"; then
	cmp -s "$TMP/n1.dat" "$TMP/n2.dat"
	ok $((!$?)) "the two seeds give different traces"
	run "$KX" compare --json "$TMP/n1.dat" "$TMP/n2.dat"
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
st = {r["name"]: r["inputs"][1]["status"] for r in d["rows"]}
print(sorted(set(st.values())), st.get("APIC EOI write"), st.get("APIC TMICT write"))
' "$TMP/out" >"$TMP/ncheck"
	is "$(cat "$TMP/ncheck")" "['not_significant'] not_significant not_significant" \
		"same distribution, different seeds: every row not significant"
else
	skip "the two seeds give different traces" "kx-synth failed"
	skip "same distribution, different seeds: every row not significant" "kx-synth failed"
fi

# --- one run as trace.dat and as perf.data: identical -------------------------
run "$KX" compare --json "$X2.dat" "$X2.perf.data"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(len(d["rows"]), all(r["inputs"][1]["p_value"] == 1 and r["inputs"][1]["ratio"] == 1 for r in d["rows"]))
' "$TMP/out" >"$TMP/pcheck"
is "$(cat "$TMP/pcheck")" "7 True" "seed-x2apic as trace.dat and perf.data: 7 rows, all identical (p = 1)"

# --- a trace against itself --------------------------------------------------
MA=$CORPUS/vmx-host/ma-host-2vcpu.dat
if [ -f "$MA" ]; then
	run "$KX" compare --json "$MA" "$MA"
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(all(r["inputs"][1]["status"] in ("not_significant", "untested") for r in d["rows"]),
      all(r["inputs"][1]["p_value"] in (None, 1) for r in d["rows"]), len(d["rows"]) > 10)
' "$TMP/out" >"$TMP/scheck"
	is "$(cat "$TMP/scheck")" "True True True" "real recording against itself: nothing significant, p = 1"
else
	skip "real recording against itself: nothing significant, p = 1" "no corpus"
fi

# --- errors ------------------------------------------------------------------
run "$KX" compare "$X.dat"
is "$RC" 2 "one input: usage error (2)"
run "$KX" compare --metric p42 "$X.dat" "$X2.dat"
is "$RC" 2 "bad --metric: usage error (2)"
run "$KX" compare --alpha 1.5 "$X.dat" "$X2.dat"
is "$RC" 2 "bad --alpha: usage error (2)"
run "$KX" compare "$X.dat" "$TMP/nonexistent.dat"
is "$RC" 3 "missing input: input error (3)"
is "$(cat "$TMP/err")" "kvmexit-stat: $TMP/nonexistent.dat: cannot open: No such file or directory" \
	"missing input: worded as report words it"
run "$KX" compare "$X.dat" "$TMP"
is "$RC" 3 "a directory: input error (3)"
is "$(cat "$TMP/err")" "kvmexit-stat: $TMP: is a directory" "a directory: worded as report words it"
head -c 300 "$TMP/x.json" >"$TMP/cut.json"
run "$KX" compare "$TMP/cut.json" "$X.dat"
is "$RC" 3 "truncated JSON report: input error (3)"
grep -q "cut.json: JSON: .* at end of document" "$TMP/err"
ok $? "the message says where the JSON ends: $(cat "$TMP/err")"
# a saved report of a trace without exits is refused as that trace is
python3 -c 'import json, sys
d = json.load(open(sys.argv[1])); d["has_exits"] = False; json.dump(d, open(sys.argv[2], "w"))' \
	"$TMP/x.json" "$TMP/noexits.json"
run "$KX" compare "$X.dat" "$TMP/noexits.json"
is "$RC" 3 "a saved report without exits: input error (3)"
is "$(cat "$TMP/err")" "kvmexit-stat: $TMP/noexits.json: made from a trace without timed exits (or with none its filters passed): nothing to judge" \
	"a saved report without exits: one line naming the file"
printf '{"tool": "other", "schema": 1}\n' >"$TMP/other.json"
run "$KX" compare "$TMP/other.json" "$X.dat"
is "$RC" 3 "JSON that is no kvmexit-stat report: input error (3)"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
d["exits"][0]["hist"][0][1] -= 1
json.dump(d, open(sys.argv[2], "w"))
' "$TMP/x.json" "$TMP/tampered.json"
run "$KX" compare "$TMP/tampered.json" "$X.dat"
is "$RC" 3 "a histogram that does not add up to its count: input error (3)"
grep -q "does not add up\|holds 399 samples" "$TMP/err"
ok $? "the message names the histogram: $(cat "$TMP/err")"
# a histogram entry that is not [bucket_low, count] with ascending bucket
# lows and a count: refused, naming the entry (multi-vm.dat's first
# reason with two buckets or more)
"$KX" report --json "$FIXTURES/multi-vm.dat" >"$TMP/mv.json"
for how in three repeated zero swapped; do
	python3 - "$TMP/mv.json" "$TMP/bad-hist.json" "$how" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
e = [e for e in d["exits"] if len(e["hist"]) >= 2][0]
h = e["hist"]
if sys.argv[3] == "three":
    h[1].append(0)
elif sys.argv[3] == "repeated":
    h[1][0] = h[0][0]
elif sys.argv[3] == "zero":
    e["count"] -= h[1][1]
    h[1][1] = 0
else:
    h[0], h[1] = h[1], h[0]
json.dump(d, open(sys.argv[2], "w"))
PY
	run "$KX" compare "$TMP/bad-hist.json" "$X.dat"
	is "$RC" 3 "a histogram entry $how: input error (3)"
	grep -q "\"hist\" of '.*': entry 1 is" "$TMP/err"
	ok $? "$how: the message names the entry: $(cat "$TMP/err")"
done
# --- corrupted saved reports: a clean answer or one error line, never a crash --
python3 - "$TMP/x.json" "$TMP" <<'PY'
import random, sys
data = open(sys.argv[1], "rb").read()
rng = random.Random(6)
for i in range(40):
    b = bytearray(data)
    kind = i % 4
    if kind == 0:
        for _ in range(rng.randint(1, 8)):
            b[rng.randrange(len(b))] = rng.randrange(256)
    elif kind == 1:
        b = b[:rng.randrange(len(b))]
    elif kind == 2:
        p = rng.randrange(len(b)); del b[p:p + rng.randint(1, 40)]
    else:
        p = rng.randrange(len(b)); b[p:p] = rng.choice([b"[", b"{", b"]]]", b"\\u", b"1e999", b"-", b'"'])
    open("%s/fuzz%02d.json" % (sys.argv[2], i), "wb").write(bytes(b))
PY
bad=""
for f in "$TMP"/fuzz*.json; do
	"$KX" compare "$f" "$TMP/x.json" >/dev/null 2>"$TMP/ferr"
	rc=$?
	if [ "$rc" -ne 0 ] && { [ "$rc" -ne 3 ] || [ "$(wc -l <"$TMP/ferr")" -ne 1 ]; }; then
		bad="$bad $(basename "$f")(rc=$rc)"
	fi
done
is "$bad" "" "40 corrupted saved reports: exit 0, or 3 with one error line"
done_testing
