#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Thousands of sub-keys of one exit reason (MMIO to a range of addresses:
# a framebuffer, a device's registers). Statistics, the --keys list, the
# lines of a comparison and check's rows are found by name or key through
# indexes, not by comparing with every one before (which grew with the
# square of the keys). The report must equal kx-synth's known answer for
# any --threads, and compare and check must align every key with itself.
. "$(dirname "$0")/../lib.sh"
D=$(dirname "$0")
. "$D/synth-lib.sh"

KEYS=3000
python3 - "$KEYS" >"$TMP/keys.scn" <<'EOF'
import sys
n = int(sys.argv[1])
print("kernel 6.18\nisa vmx\nclock local\ncpus 2\nseed 3")
print("vcpu tid=4001 vcpu=0 vm=4000 cpu=0 {\n\tentry\n\trepeat 4 {")
for i in range(n):
    print("\t\tguest 2us")
    print("\t\texit EPT_MISCONFIG mmio write 0x%x len=4 lognormal median=%dns sigma=0.2"
          % (0xa0000 + 4 * i, 500 + i % 700))
print("\t}\n}")
EOF
"$SYNTH" -o v6="$TMP/keys.dat" -o perf="$TMP/keys.perf.data" -a "$TMP/keys.answer.json" \
	"$TMP/keys.scn" >/dev/null 2>&1
ok $? "kx-synth writes $KEYS MMIO addresses, 4 exits each"

pairs=
for f in keys.dat keys.perf.data; do
	for n in 1 3; do
		"$KX" report --json --keys --threads $n "$TMP/$f" >"$TMP/$f.$n.json"
		is $? 0 "$f --threads $n: report --json --keys"
		pairs="$pairs $TMP/keys.answer.json=$TMP/$f.$n.json"
	done
done
# shellcheck disable=SC2086
python3 "$D/answer_cmp.py" $pairs >"$TMP/res"
tap_results "$TMP/res" "the known answer"
n=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(len(d["exits"][0]["subkeys"]), len(d["keys"]), sum(k["count"] for k in d["keys"]))' \
	"$TMP/keys.dat.1.json")
is "$n" "$KEYS $KEYS $((KEYS * 4))" "one sub-key and one --keys line per address, 4 exits each"

# compare the trace with itself: every key on one line with both inputs
"$KX" compare --json "$TMP/keys.dat" "$TMP/keys.perf.data" >"$TMP/cmp.json"
is $? 0 "compare v6 with perf.data of the same scenario"
n=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
keys = [r for r in d["rows"] if r["kind"] == "key"]
whole = [r for r in keys if all(c.get("count") == 4 for c in r["inputs"])]
print(len(keys), len(whole))' "$TMP/cmp.json")
is "$n" "$KEYS $KEYS" "compare: one line per key, 4 exits in each input"

# check against a saved report of the same trace: a rule per reason and key
"$KX" check --json --baseline "$TMP/keys.dat.1.json" --max-regress 10% --min-samples 2 \
	"$TMP/keys.perf.data" >"$TMP/check.json"
is $? 0 "check perf.data against the saved v6 report: passes"
n=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
r = [x for x in d["results"] if x["op"] == "max-regress"]
print(len(r), sum(x["status"] == "PASS" and x["change_pct"] == 0 for x in r))' "$TMP/check.json")
is "$n" "$((KEYS + 1)) $((KEYS + 1))" "check: the reason and every key unchanged"
done_testing
