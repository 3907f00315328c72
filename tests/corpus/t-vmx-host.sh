#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The real VMX host recording: per-reason count/total/min/max and the guest
# total from kvmexit-stat on the binary trace.dat (v7 zlib, TSC2NSEC) must
# equal an independent pairing of the `trace-cmd report -t` text beside it;
# so must the --vcpu/--pid selections, data quality and span, the 50 longest
# non-idle exits (--longest, JSON and text), the power-of-two distributions
# (--hist), the intervals inside a --time window, and the text table's
# EOI_INDUCED vectors and TMICT sub-key lines.
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
	run "$KX" report --json --longest 50 $threads "$DAT"
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
    for field in ('count', 'total', 'min', 'max', 'guest_kernel'):
        g = got[field] if got else None
        if g != want[field]:
            print(f"{reason}.{field}: got {g} want {want[field]}")
            bad += 1
    if got and got['guest_mode_known'] != want['count']:
        print(f"{reason}.guest_mode_known: got {got['guest_mode_known']} want {want['count']}")
        bad += 1
extra = set(rows) - set(oracle['exits'])
if extra:
    print("reasons only in kvmexit-stat:", sorted(extra))
    bad += 1
for field in ('count', 'total'):
    if kx['guest'][field] != oracle['guest'][field]:
        print(f"guest.{field}: got {kx['guest'][field]} want {oracle['guest'][field]}")
        bad += 1
for field, want in oracle['quality'].items():
    if kx[field] != want:
        print(f"{field}: got {kx[field]} want {want}")
        bad += 1
for field in ('first', 'last'):
    if kx['span'][field] != oracle['span'][field]:
        print(f"span.{field}: got {kx['span'][field]} want {oracle['span'][field]}")
        bad += 1
if kx['span']['duration'] != oracle['span']['last'] - oracle['span']['first']:
    print(f"span.duration: got {kx['span']['duration']}")
    bad += 1
fields = ('start', 'duration', 'tid', 'vcpu', 'comm', 'reason', 'guest_mode')
got = [{f: e[f] for f in fields} for e in kx['longest']]
want = [{f: e[f] for f in fields} for e in oracle['longest']]
if got != want:
    print("longest exits differ:", [(a, b) for a, b in zip(got, want) if a != b][:3],
          len(got), len(want))
    bad += 1
print(f"{len(oracle['exits'])} reasons and the {len(want)} longest exits compared")
sys.exit(1 if bad else 0)
PY
	rc=$?
	sed 's/^/# /' "$TMP/cmp"
	ok $rc "per-reason count/total/min/max/guest-kernel exits, guest total, orphan/unmatched/unfinished counts, span and the 50 longest non-idle exits equal the independent pairing ${threads:-(default threads)}"
done

# --longest in text: each exit at the time trace-cmd's line shows, as
# comm-tid, so the line is found by searching the report for either; the
# duration in us with three decimals; the sub-key of the two reasons whose
# exit info names one here, decoded from that info: APIC_WRITE's APIC
# offset (380: TMICT), IO_INSTRUCTION's port (bits 31:16) and direction
# (bit 3 set: in)
run "$KX" report --longest 50 --threads 1 "$DAT"
python3 - "$TMP/oracle.json" "$TMP/out" >"$TMP/cmp" <<'PY'
import json, sys
oracle = json.load(open(sys.argv[1]))
lines = open(sys.argv[2]).read().split('\n== longest non-idle exits ==\n')[1].split('\n')[1:51]
bad = 0
for line, e in zip(lines, oracle['longest']):
    want = (f"{e['at']:<20} {e['duration'] // 1000:>10}.{e['duration'] % 1000:03} {e['vcpu']:>5} "
            f"{e['guest_mode']:<6}  {e['comm'] + '-' + str(e['tid']):<28} {e['reason']}")
    info = int(e['info'][0], 16)
    if e['reason'] == 'APIC_WRITE' and info == 0x380:
        want += " / APIC TMICT write"
    elif e['reason'] == 'IO_INSTRUCTION':
        want += f" / PIO 0x{info >> 16:x} {'in' if info & 8 else 'out'}"
    if line != want:
        print(f"got  {line!r}\nwant {want!r}")
        bad += 1
print(lines[0])
sys.exit(1 if bad or len(lines) != 50 else 0)
PY
ok $? "report --longest 50: each line's time, duration, vCPU, guest mode, comm-tid and reason as trace-cmd's text gives them"
sed 's/^/# /' "$TMP/cmp"

# --hist: every reason's and the guest runs' counts per power-of-two range
# of ns, as the pairing of the text gives them; a range reads as bpftrace
# writes it ([1K, 2K) is 1024 to 2047 ns), ranges between the first and last
# that hold any are all shown, the fullest has the 40-character bar
run "$KX" report --hist --threads 1 "$DAT"
python3 - "$TMP/oracle.json" "$TMP/out" >"$TMP/cmp" <<'PY'
import json, re, sys
oracle = json.load(open(sys.argv[1]))['log2']
text = open(sys.argv[2]).read().split('\ndistributions (ns, ')[1]
got, name = {}, None
for line in text.split('\n'):
    head = re.match(r'^(\S.*), (\d+) (exits|runs)$', line)
    row = re.match(r'^  \[(\w+)(?:, (\w+)\))?\]? +(\d+) \|(@*) *\|$', line)
    if head:
        name = head.group(1).replace(' (idle)', '')
        got[name] = {'rows': [], 'count': int(head.group(2))}
    elif row and name:
        hi = row.group(2) or str(int(row.group(1)) * 2)  # [0] and [1]: one value each
        value = int(hi.rstrip('KMG')) * 1024 ** ('KMG'.find(hi[-1]) + 1 if hi[-1] in 'KMG' else 0)
        bits = value.bit_length() - 1 if row.group(2) else int(row.group(1))
        got[name]['rows'].append((bits, int(row.group(3)), len(row.group(4))))
        # the label exactly as bpftrace writes 2^e: 512, 1K, 2K ... 512K, 1M
        pow2 = lambda e: str(1 << e) if e < 10 else f"{1 << e % 10}{' KMGTPE'[e // 10]}"
        want_label = f"[{bits}]" if bits < 2 else f"[{pow2(bits - 1)}, {pow2(bits)})"
        if line.split()[0] + (' ' + line.split()[1] if bits >= 2 else '') != want_label:
            print(name, 'label', line.split()[:2], 'want', want_label)
            got[name]['count'] = None
bad = 0
for name, want in oracle.items():
    rows = got.get(name, {'rows': []})['rows']
    have = {str(b): n for b, n, _ in rows if n}
    if have != want:
        print(name, 'counts', have, 'want', want)
        bad += 1
    bits = [b for b, _, _ in rows]
    most = max(n for _, n, _ in rows) if rows else 0
    span = [int(b) for b in want]
    if bits != list(range(min(span), max(span) + 1)) \
            or any((w == 40) != (n == most) or (n > 0) != (w > 0) for _, n, w in rows):
        print(name, 'ranges or bars', rows)
        bad += 1
    if got.get(name, {}).get('count') != sum(want.values()):
        print(name, 'count line', got.get(name))
        bad += 1
if set(got) != set(oracle):
    print('names', sorted(got), sorted(oracle))
    bad += 1
print(f"{len(oracle)} distributions compared")
sys.exit(1 if bad else 0)
PY
ok $? "report --hist: each reason's and the guest runs' power-of-two ranges hold the independent pairing's counts"
sed 's/^/# /' "$TMP/cmp"

# --time START,END: the exits and guest runs that lie wholly in the
# window, as the independent pairing of the whole text keeps them, and the
# data quality and vCPU threads of the window; the span is the window's
# part of the trace; open ends; in one pass and in slices
for window in "25140,25150.5 25140000000000 25150500000000" \
	"25200.000000001, 25200000000001 18446744073709551615" \
	",25160.123456789 0 25160123456789"; do
	set -- $window
	python3 "$ROOT/tests/corpus/pair_oracle.py" "$TXT" "$2" "$3" >"$TMP/window.json"
	for threads in 1 5; do
		run "$KX" report --json --longest 50 --time "$1" --threads $threads "$DAT"
		python3 - "$TMP/window.json" "$TMP/out" "$2" "$3" >"$TMP/cmp" <<'PY'
import json, sys
oracle = json.load(open(sys.argv[1]))
kx = json.load(open(sys.argv[2]))
lo, hi = int(sys.argv[3]), int(sys.argv[4])
got = {e['reason']: [e[k] for k in ('count', 'total', 'min', 'max')] for e in kx['exits']}
want = {r: [e[k] for k in ('count', 'total', 'min', 'max')] for r, e in oracle['exits'].items()}
fields = ('start', 'duration', 'tid', 'vcpu', 'reason')
bad = [what for what, ok in (
    ('exits', got == want),
    ('guest', [kx['guest'][k] for k in ('count', 'total')] ==
              [oracle['guest'][k] for k in ('count', 'total')]),
    ('longest', [{f: e[f] for f in fields} for e in kx['longest']] ==
                [{f: e[f] for f in fields} for e in oracle['longest']]),
    ('span', (kx['span']['first'], kx['span']['last']) ==
             (max(lo, oracle['span']['first']), min(hi, oracle['span']['last']))),
    ('window', kx['window'] == {'start': lo or None, 'end': hi if hi < 2**64 - 1 else None}),
    ('quality', {f: kx[f] for f in oracle['quality']} == oracle['quality']),
) if not ok]
print(f"{sum(e['count'] for e in kx['exits'])} exits, {kx['guest']['count']} guest runs;",
      'differ:', bad or 'none')
sys.exit(1 if bad or not kx['exits'] else 0)
PY
		ok $? "report --time $1 --threads $threads: the intervals wholly inside, as the pairing of the text has them; data quality, span and window"
		sed 's/^/# /' "$TMP/cmp"
	done
done

# --vcpu and --pid: the figures of the threads they select, and no other's
# (vcpu 0 is a thread in each of the two VMs, vcpu 1 one thread, pid one thread)
for filter in "--vcpu 0" "--vcpu 1" "--pid 60251" "--pid 52679"; do
	# shellcheck disable=SC2086
	run "$KX" report --json $filter "$DAT"
	is "$RC" 0 "report --json $filter exits 0"
	python3 - "$TMP/oracle.json" "$TMP/out" $filter >"$TMP/cmp" <<'PY'
import json, sys
oracle = json.load(open(sys.argv[1]))
kx = json.load(open(sys.argv[2]))
what, value = sys.argv[3], int(sys.argv[4])
chosen = [t for tid, t in oracle['threads'].items()
          if (t['vcpu'] if what == '--vcpu' else int(tid)) == value]
want, guest = {}, {'count': 0, 'total': 0}
for t in chosen:
    guest['count'] += t['guest_count']
    guest['total'] += t['guest_total']
    for reason, r in t['reasons'].items():
        w = want.setdefault(reason, dict(r, count=0, total=0, guest_kernel=0))
        w['count'] += r['count']
        w['total'] += r['total']
        w['guest_kernel'] += r['guest_kernel']
        w['min'] = min(w['min'], r['min'])
        w['max'] = max(w['max'], r['max'])
got = {e['reason']: {f: e[f] for f in ('count', 'total', 'min', 'max', 'guest_kernel')}
       for e in kx['exits']}
quality = {f: sum(t['quality'][f] for t in chosen) for f in chosen[0]['quality']} if chosen else {}
quality['threads'] = len(chosen)
bad = 0
if got != want:
    print("per-reason figures differ:", got, want)
    bad += 1
if {f: kx[f] for f in quality} != quality:
    print("data quality differs:", {f: kx[f] for f in quality}, quality)
    bad += 1
if {f: kx['guest'][f] for f in ('count', 'total')} != guest:
    print("guest differs:", kx['guest'], guest)
    bad += 1
print(f"{len(chosen)} threads, {len(want)} reasons, {sum(w['count'] for w in want.values())} exits")
sys.exit(1 if bad or not chosen else 0)
PY
	rc=$?
	sed 's/^/# /' "$TMP/cmp"
	ok $rc "report $filter: per-reason figures (guest-kernel exits too), guest time, data quality and number of the selected threads in the independent pairing"
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
# EOI_INDUCED's sub-keys are its vectors (info1 in the text), all with the
# normalised name "APIC EOI write": the text table tells them apart by the
# raw name, and each line's count is that vector's in trace-cmd's text.
# APIC_WRITE's one sub-key (info1 380, TMICT) goes by its normalised name.
zcat "$TXT" | awk '/kvm_exit:.*reason EOI_INDUCED / { n[$(NF - 1)]++ }
	/kvm_exit:.*reason APIC_WRITE .* info 380 / { tmict++ }
	END { for (v in n) printf "EOI_INDUCED   APIC EOI write (EOI vector 0x%s) %d\n", v, n[v]
		printf "APIC_WRITE   APIC TMICT write %d\n", tmict }' | sort >"$TMP/subs.want"
run "$KX" report --threads 1 "$DAT"
awk '/^[A-Z]/ { reason = $1; next }
	/^  / && (reason == "EOI_INDUCED" || reason == "APIC_WRITE") {
		c = $(NF - 9); $0 = substr($0, 1, 40); sub(/ +$/, ""); print reason, $0, c }' \
	"$TMP/out" | sort >"$TMP/subs.got"
[ "$(wc -l <"$TMP/subs.want")" -eq 3 ] && cmp -s "$TMP/subs.want" "$TMP/subs.got"
ok $? "EOI_INDUCED: a line per vector, named by it; APIC_WRITE: TMICT by its normalised name; counts as trace-cmd shows"
sed 's/^/# want /' "$TMP/subs.want"
sed 's/^/# got  /' "$TMP/subs.got"
# the host/guest ratio line of each vCPU thread, from the pairing of the
# text (host time without HLT over guest time); two significant digits
# below 0.01, where three decimals would read 0.000 (tid 52679: 0.00011)
for tid in $(python3 -c 'import json, sys; print(" ".join(json.load(open(sys.argv[1]))["threads"]))' "$TMP/oracle.json"); do
	run "$KX" report --pid "$tid" "$DAT"
	want=$(python3 -c 'import json, sys
t = json.load(open(sys.argv[1]))["threads"][sys.argv[2]]
r = (t["host_total"] - t["reasons"].get("HLT", {"total": 0})["total"]) / t["guest_total"]
print("host/guest ratio: " + ("%.2g" % r if 0 < r < 0.01 else "%.3f" % r))' "$TMP/oracle.json" "$tid")
	is "$(grep '^host/guest ratio:' "$TMP/out")" "$want" "--pid $tid: $want"
done
done_testing
