#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Time windows (kx_source_opts.windows), checked by test_windows against
# the same file read in time order: a busy host (4 vCPUs that move
# between two CPUs twice a pass, 8 CPUs) as trace.dat v6, v7-zlib and
# v7-zstd, and as perf.data (its CPUs drained 20 us apart, so rounds
# overlap in time), also with every 300th sample 30 us older (out of its
# CPU's order: merged) and with one 100 ms older (late: raised to the
# time delivered last, as the merge does); and two vCPUs whose every event ties in time with the other's,
# exits and entries at one time too, so that batches end between equal
# times: a window must not take a time whose equals wait in a stream's
# next batch; and the busy host with one page's time a thousand seconds
# ahead, so that its CPU's time goes back after it: no window may be cut
# across that. test_run: the report fed thread by thread from those
# windows is the report fed in time order.
. "$(dirname "$0")/../lib.sh"

cat >"$TMP/tie.scn" <<'SCN'
kernel 6.18
isa vmx
clock local
cpus 2
output v6
vcpu tid=500 comm="CPU 0/KVM" vcpu=0 vm=499 cpu=0 {
	entry
	repeat 20000 {
		guest 1us
		exit HLT 0ns
	}
}
vcpu tid=501 comm="CPU 1/KVM" vcpu=1 vm=499 cpu=1 {
	entry
	repeat 20000 {
		guest 1us
		exit HLT 0ns
	}
}
SCN
"$SYNTH" -o v6="$TMP/tie.dat" "$TMP/tie.scn" >/dev/null 2>&1
ok $? "kx-synth writes two vCPUs tied in time"

sed 's/@REPS@/3000/' "$ROOT/bench/busy-host.scn.in" >"$TMP/busy.scn"
"$SYNTH" -o v6="$TMP/busy.dat" -o v7-zlib="$TMP/busy.zlib.dat" -o v7-zstd="$TMP/busy.zstd.dat" \
	-o perf="$TMP/busy.perf.data" "$TMP/busy.scn" >/dev/null 2>&1
ok $? "kx-synth writes the busy host as v6, v7-zlib, v7-zstd and perf.data"
# the page at the middle of the file (page-aligned, in the data): its time + 1000 s
python3 - "$TMP/busy.dat" "$TMP/back.dat" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
mid = len(d) // 2 // 4096 * 4096
struct.pack_into('<Q', d, mid, struct.unpack_from('<Q', d, mid)[0] + 10**12)
open(sys.argv[2], 'wb').write(d)
PY
ok $? "busy host with one page 1000 s ahead"
# perf.data SAMPLEs: IDENTIFIER, IP, TID, TIME: the time at byte 32
python3 - "$TMP/busy.perf.data" "$TMP/aged.perf.data" "$TMP/late.perf.data" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
off, size = struct.unpack_from('<QQ', d, 40)
samples, at = [], off
while at + 8 <= off + size:
    kind, _, length = struct.unpack_from('<IHH', d, at)
    if kind == 9:
        samples.append(at)
    at += length
def older(data, at, ns):
    struct.pack_into('<Q', data, at + 32, struct.unpack_from('<Q', data, at + 32)[0] - ns)
aged = bytearray(d)
for at in samples[1::300]:
    older(aged, at, 30000)
open(sys.argv[2], 'wb').write(aged)
older(d, samples[len(samples) // 2], 100000000)
open(sys.argv[3], 'wb').write(d)
PY
ok $? "busy host's perf.data with samples out of order, and one late"
"$KX" info "$TMP/back.dat" >"$TMP/info" 2>&1
is "$?" 0 "it still reads"
for f in busy.dat busy.zlib.dat busy.zstd.dat busy.perf.data aged.perf.data late.perf.data \
	tie.dat back.dat; do
	"$KX_BUILD/tests/test_windows" "$TMP/$f" >"$TMP/tap" 2>&1
	is "$?" 0 "$f: test_windows passes"
	grep -q "^ok .*windows not in time order" "$TMP/tap"
	ok $? "$f: windows out of time order were checked"
done
"$KX_BUILD/tests/test_run" "$TMP/busy.dat" "$TMP/busy.zstd.dat" "$TMP/busy.perf.data" \
	"$TMP/aged.perf.data" "$TMP/late.perf.data" "$TMP/tie.dat" "$TMP/back.dat" >"$TMP/tap" 2>&1
is "$?" 0 "test_run: the same reports fed from windows as in time order"
grep -c "^ok .*time windows" "$TMP/tap" | grep -qx 14
ok $? "test_run compared 14 reports fed from windows"
done_testing
