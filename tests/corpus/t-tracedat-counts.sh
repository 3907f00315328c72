#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The trace.dat reader against trace-cmd: every corpus trace.dat is read
# without error, with the record count, missed-event counts and per-event
# kvm counts that `trace-cmd report` shows. zlib files (which Debian's
# trace-cmd cannot read) are checked against the report text recorded next
# to them, or against rb_count.py, an independent ring-buffer counter that
# is itself first checked against trace-cmd on the files it can read.
. "$(dirname "$0")/../lib.sh"

L=$CORPUS/local
ORACLE="python3 $ROOT/tests/corpus/rb_count.py"

# info_val KEY: the value of "KEY: value" in $TMP/out
info_val() {
	sed -n "s/^$1: //p" "$TMP/out"
}

# check_report FILE LABEL: compare `info FILE` with the report text in $TMP/report
check_report() {
	run "$KX" info "$1"
	is "$RC" 0 "$2: info exits 0"
	is "$(grep -vc '^cpus=\|EVENTS DROPPED\]$' "$TMP/report")" "$(info_val records)" \
		"$2: records equal the report's event lines"
	is "$(grep -c 'EVENTS DROPPED\]$' "$TMP/report")" "$(info_val lost_markers)" \
		"$2: one lost marker per DROPPED line"
	is "$(sed -n 's/.*CPU:[0-9]* \[\([0-9]*\) EVENTS DROPPED\]$/\1/p' "$TMP/report" |
	      awk '{ s += $1 } END { print s + 0 }')" "$(info_val lost_events)" \
		"$2: lost events equal the DROPPED counts"
	is "$(grep -c 'CPU:[0-9]* \[EVENTS DROPPED\]$' "$TMP/report")" "$(info_val lost_unknown)" \
		"$2: markers without a count"
	# per kvm event: "event kvm_pio: N" against the report's "kvm_pio:" lines
	sed -n 's/.*\] *[0-9.]*: \(kvm_[a-z_0-9]*\): .*/\1/p' "$TMP/report" | sort | uniq -c |
		awk '{ print "event " $2 ": " $1 }' >"$TMP/want-events"
	grep '^event kvm_' "$TMP/out" | sort >"$TMP/got-events"
	same_files "$TMP/got-events" "$TMP/want-events" "$2: kvm event counts equal the report's"
}

if command -v trace-cmd >/dev/null 2>&1; then
	for f in "$L"/trace-v6-*.dat "$L"/trace-v7-nocomp-*.dat "$L"/trace-v7-zstd-*.dat \
		 "$CORPUS"/emulated/*.dat; do
		trace-cmd report "$f" 2>/dev/null >"$TMP/report"
		check_report "$f" "$(basename "$f")"
	done
	# The oracle agrees with trace-cmd where trace-cmd can read the file.
	for f in "$L"/trace-v7-nocomp-2inst.dat "$L"/trace-v7-zstd-2inst.dat \
		 "$CORPUS"/emulated/xapic.v7-zstd.dat; do
		is "$($ORACLE "$f" | sed -n 's/^records //p')" \
		   "$(trace-cmd report "$f" 2>/dev/null | grep -vc '^cpus=\|EVENTS DROPPED\]$')" \
		   "rb_count.py agrees with trace-cmd on $(basename "$f")"
	done
	# Lost markers come just before the first event after the gap, with its ts.
	trace-cmd report -t "$L/trace-v6-missed.dat" 2>/dev/null |
		awk '/EVENTS DROPPED\]$/ { split($0, a, "CPU:"); split(a[2], b, " ");
					  cpu = b[1]; n = substr(b[2], 2); next }
		     cpu != "" { match($0, /\] +[0-9]+\.[0-9]+:/); t = substr($0, RSTART, RLENGTH);
				 gsub(/[\] .:]/, "", t); print "lost cpu" cpu + 0 "@" t ": " n; cpu = "" }' \
		>"$TMP/want-lost"
	"$KX" info "$L/trace-v6-missed.dat" | grep '^lost cpu' >"$TMP/got-lost"
	same_files "$TMP/got-lost" "$TMP/want-lost" "lost markers: cpu, position and count as report -t"
	# One buffer selected by name: only its lines.
	trace-cmd report "$L/trace-v6-2inst.dat" 2>/dev/null >"$TMP/r2"
	run "$KX" info --buffer fmtnotes_a "$L/trace-v6-2inst.dat"
	is "$(info_val records)" "$(grep -c '^fmtnotes_a: ' "$TMP/r2")" \
		"--buffer selects one instance"
	is "$(info_val buffers)" "fmtnotes_a" "--buffer: one buffer listed"
else
	skip "trace-cmd report comparisons" "trace-cmd not installed"
fi

zcat "$L/report-v7-zlib-kvm-2inst.txt.gz" >"$TMP/report"
check_report "$L/trace-v7-zlib-kvm.dat" "trace-v7-zlib-kvm.dat"
zcat "$L/report-v6-missed.txt.gz" >"$TMP/report"
check_report "$L/trace-v6-missed.dat" "trace-v6-missed.dat (recorded text)"
zcat "$CORPUS/vmx-host/ma-host-2vcpu.report-t.txt.gz" >"$TMP/ma.txt"
cp "$TMP/ma.txt" "$TMP/report"
check_report "$CORPUS/vmx-host/ma-host-2vcpu.dat" "ma-host-2vcpu.dat"

# TSC2NSEC: first and last timestamps equal `trace-cmd report -t` to the ns.
run "$KX" info "$CORPUS/vmx-host/ma-host-2vcpu.dat"
is "$(info_val unit)" "ns" "ma-host: TSC2NSEC gives ns"
is "$(info_val first_ts)" "$(sed -n '2s/.*\] *\([0-9]*\)\.\([0-9]*\):.*/\1\2/p' "$TMP/ma.txt")" \
	"ma-host: first timestamp equals report -t"
is "$(info_val last_ts)" "$(sed -n '$s/.*\] *\([0-9]*\)\.\([0-9]*\):.*/\1\2/p' "$TMP/ma.txt")" \
	"ma-host: last timestamp equals report -t"

# kvm_exit reasons: names and counts equal the report's "reason NAME" words.
sed -n 's/.* kvm_exit: *reason \([A-Za-z_0-9-]*\) .*/exit \1/p' "$TMP/ma.txt" | sort | uniq -c |
	awk '{ print $2 " " $3 ": " $1 }' >"$TMP/want-exits"
grep '^exit ' "$TMP/out" | sort >"$TMP/got-exits"
same_files "$TMP/got-exits" "$TMP/want-exits" "ma-host: exit reasons and counts equal the report's"

# Without TSC2NSEC the x86-tsc cycles are delivered as they are, or converted
# at --tsc-khz. The option is hidden by renaming its id in a copy.
python3 - "$CORPUS/vmx-host/ma-host-2vcpu.dat" "$TMP/notsc.dat" >"$TMP/tsc" <<'EOF'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
p = b.index(b'\0', 10) + 7
p = b.index(b'\0', b.index(b'\0', p) + 1) + 1
off = struct.unpack_from('<Q', b, p)[0]
body = off + 16
end = body + struct.unpack_from('<Q', b, off + 8)[0]
while body < end:
    oid, size = struct.unpack_from('<HI', b, body)
    if oid == 14:
        mult, shift = struct.unpack_from('<II', b, body + 6)
        struct.pack_into('<H', b, body, 0x7fff)
        print(mult, shift)
    body += 6 + size
open(sys.argv[2], 'wb').write(b)
EOF
read -r mult shift <"$TMP/tsc"
run "$KX" info "$TMP/notsc.dat"
is "$(info_val unit)" "cycles" "x86-tsc without TSC2NSEC: cycles"
raw=$(info_val first_ts)
is "$(python3 -c "r, m, s = $raw, $mult, $shift
print(((r & 0xffffffff) * m >> s) + ((r >> 32) * m << (32 - s)))")" \
   "$(sed -n '2s/.*\] *\([0-9]*\)\.\([0-9]*\):.*/\1\2/p' "$TMP/ma.txt")" \
   "the raw cycles times TSC2NSEC give report -t's first timestamp"
run "$KX" info --tsc-khz 2000000 "$TMP/notsc.dat"
is "$(info_val unit)" "ns" "--tsc-khz converts cycles to ns"
is "$(info_val tsc_khz)" "2000000" "--tsc-khz is reported"
is "$(info_val first_ts)" "$(python3 -c "print($raw * 1000000 // 2000000)")" \
   "--tsc-khz: ns = cycles * 10^6 / kHz"

# A compressed options section (trace-cmd reads them; writers so far do not
# make them): the last one of a zlib file, appended again compressed and
# linked from the previous one, reads the same.
python3 - "$L/trace-v7-zlib-kvm.dat" "$TMP/zopts.dat" <<'EOF'
import struct, sys, zlib
b = bytearray(open(sys.argv[1], 'rb').read())
p = b.index(b'\0', 10) + 7
p = b.index(b'\0', b.index(b'\0', p) + 1) + 1
link, off = p, struct.unpack_from('<Q', b, p)[0]
while True:
    size = struct.unpack_from('<Q', b, off + 8)[0]
    done = off + 16 + size - 8      # DONE {u64 next} is the last option
    nxt = struct.unpack_from('<Q', b, done)[0]
    if not nxt:
        break
    link, off = done, nxt
sid, flags, desc, size = struct.unpack_from('<HHIQ', b, off)
body = bytes(b[off + 16:off + 16 + size])
z = zlib.compress(body, 9)
payload = struct.pack('<II', len(z), len(body)) + z
struct.pack_into('<Q', b, link, len(b))
b[off:off + 16 + size] = bytes(16 + size)   # the plain copy is gone
b += struct.pack('<HHIQ', sid, 1, desc, len(payload)) + payload
open(sys.argv[2], 'wb').write(b)
EOF
"$KX" info "$L/trace-v7-zlib-kvm.dat" | grep -v '^file:' >"$TMP/a"
"$KX" info "$TMP/zopts.dat" | grep -v '^file:' >"$TMP/b"
same_files "$TMP/b" "$TMP/a" "a compressed options section reads like the plain one"

# zlib files without a report text: against the independent counter.
for f in "$L"/trace-v7-zlib-2inst.dat "$L"/trace-v7-zlib-missed.dat; do
	name=$(basename "$f")
	$ORACLE "$f" >"$TMP/oracle"
	run "$KX" info "$f"
	is "$RC" 0 "$name: info exits 0"
	is "$(info_val records)" "$(sed -n 's/^records //p' "$TMP/oracle")" "$name: records"
	is "$(info_val lost_markers)" "$(grep -c '^lost ' "$TMP/oracle")" "$name: lost markers"
	is "$(info_val lost_events)" \
	   "$(awk '/^lost/ && $3 != "unknown" { s += $3 } END { print s + 0 }' "$TMP/oracle")" \
		"$name: lost events"
done

# Unknown buffer name: usage error naming the buffers there are.
run "$KX" info --buffer nosuch "$L/trace-v7-zstd-2inst.dat"
is "$RC" 2 "unknown --buffer: exit 2"
want="kvmexit-stat: $L/trace-v7-zstd-2inst.dat: no buffer named 'nosuch'"
is "$(cat "$TMP/err")" "$want (buffers: (top), fmtnotes_b, fmtnotes_a)" \
   "unknown --buffer: the message lists the buffers"
is "$(wc -c <"$TMP/out")" 0 "unknown --buffer: nothing on stdout"

# stdin: a pipe is spilled to a temporary file and reads the same.
"$KX" info "$L/trace-v7-zstd-kvm.dat" | grep -v '^file:' >"$TMP/a"
cat "$L/trace-v7-zstd-kvm.dat" | "$KX" info - | grep -v '^file:' >"$TMP/b"
same_files "$TMP/b" "$TMP/a" "a trace.dat on a pipe reads like the file"

done_testing
