#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Bad inputs to the trace.dat reader: not a trace, truncated copies of
# corpus files (cut inside the header, the options, a compressed chunk,
# page data, and at evenly spaced points), a corrupted section size and
# page commit, an unsupported version, random byte flips. Each must exit 3
# with exactly one "kvmexit-stat: FILE: problem" line on stderr and nothing
# on stdout, and never crash (this also runs under ASan).
. "$(dirname "$0")/../lib.sh"

L=$CORPUS/local

# bad_input FILE DESCRIPTION [PATTERN]: rejected (lib.sh), the message matching PATTERN
bad_input() {
	run "$KX" info "$1"
	rejected "$1" "$2"
	if [ -n "${3:-}" ]; then
		grep -q -- "$3" "$TMP/err"
		ok $? "$2: says '$3'"
	fi
}

# cut SRC BYTES DST: the first BYTES of SRC
cut_file() {
	head -c "$2" "$1" >"$3"
}

# poke FILE OFFSET HEXBYTES: overwrite bytes in place
poke() {
	_bytes=""
	for _h in $(echo "$3" | sed 's/\(..\)/\1 /g'); do
		_bytes="$_bytes\\$(printf '%03o' "0x$_h")"
	done
	printf "$_bytes" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# v7 layout facts read with python (independent of the reader under test)
v7_fact() {
	python3 - "$1" "$2" <<'EOF'
import struct, sys
b = open(sys.argv[1], 'rb').read()
p = b.index(b'\0', 10) + 7
p = b.index(b'\0', p) + 1
p = b.index(b'\0', p) + 1
first = struct.unpack_from('<Q', b, p)[0]
off, sections, data = first, {}, []
while off:
    size = struct.unpack_from('<Q', b, off + 8)[0]
    body, o, off = b[off + 16:off + 16 + size], 0, 0
    while o < len(body):
        oid, osz = struct.unpack_from('<HI', body, o)
        d = body[o + 6:o + 6 + osz]
        o += 6 + osz
        if oid == 0:
            off = struct.unpack_from('<Q', d)[0]
            break
        if 16 <= oid <= 21:
            sections[oid] = struct.unpack_from('<Q', d)[0]
        if oid == 3:
            j = d.index(b'\0', d.index(b'\0', 8) + 1) + 1
            n = struct.unpack_from('<I', d, j + 4)[0]
            data += [struct.unpack_from('<IQQ', d, j + 8 + 20 * k)[1] for k in range(n)]
print({'options': first, 'header': sections[16], 'events': sections[18],
       'data': min(data)}[sys.argv[2]])
EOF
}

# -- not a trace ---------------------------------------------------------------
bad_input /dev/null "/dev/null" "empty file"
printf 'lorem ipsum dolor\nsit amet 12 34\n' >"$TMP/garbage.txt"
bad_input "$TMP/garbage.txt" "garbage text" "not a trace.dat, perf.data or known text trace"
head -c 3000 /dev/urandom | tr -d '\027' >"$TMP/random.bin"
bad_input "$TMP/random.bin" "random bytes" "not a trace.dat"
bad_input "$TMP/does-not-exist.dat" "missing file" "cannot open"

# -- unsupported version ---------------------------------------------------------
cp "$L/trace-v7-zstd-kvm.dat" "$TMP/v9.dat"
chmod u+w "$TMP/v9.dat"
poke "$TMP/v9.dat" 10 39
bad_input "$TMP/v9.dat" "version 9" "trace.dat version 9 is not supported"

# -- truncations at chosen points --------------------------------------------------
v6=$L/trace-v6-kvm.dat
cut_file "$v6" 14 "$TMP/v6-header.dat"
bad_input "$TMP/v6-header.dat" "v6 cut inside the file header" "truncated"
cut_file "$v6" 200 "$TMP/v6-headerpage.dat"
bad_input "$TMP/v6-headerpage.dat" "v6 cut inside header_page" "truncated"
cut_file "$v6" $((0x2b923 + 30)) "$TMP/v6-options.dat"
bad_input "$TMP/v6-options.dat" "v6 cut inside the options" "truncated"
cut_file "$v6" $((0x2c000 + 0x8000 + 100)) "$TMP/v6-pages.dat"
bad_input "$TMP/v6-pages.dat" "v6 cut inside page data" "past the end of the file"

nc=$L/trace-v7-nocomp-2inst.dat
cut_file "$nc" $(($(v7_fact "$nc" options) + 40)) "$TMP/nc-options.dat"
bad_input "$TMP/nc-options.dat" "v7 cut inside the options" "truncated"
cut_file "$nc" $(($(v7_fact "$nc" data) + 5000)) "$TMP/nc-pages.dat"
bad_input "$TMP/nc-pages.dat" "v7 uncompressed cut inside page data"

for f in "$L/trace-v7-zstd-kvm.dat" "$L/trace-v7-zlib-kvm.dat"; do
	name=$(basename "$f" .dat)
	cut_file "$f" $(($(v7_fact "$f" data) + 300)) "$TMP/$name-chunk.dat"
	bad_input "$TMP/$name-chunk.dat" "$name cut inside a compressed chunk"
	cut_file "$f" $(($(v7_fact "$f" events) + 100)) "$TMP/$name-events.dat"
	bad_input "$TMP/$name-events.dat" "$name cut inside the event formats"
done

# -- latency-format (non-flyrecord) file -------------------------------------------------
cp "$v6" "$TMP/latency.dat"
chmod u+w "$TMP/latency.dat"
at=$(python3 -c "import sys; print(open(sys.argv[1], 'rb').read().index(b'flyrecord\0'))" "$v6")
printf 'latency  ' | dd of="$TMP/latency.dat" bs=1 seek="$at" conv=notrunc 2>/dev/null
bad_input "$TMP/latency.dat" "latency trace.dat" "latency-format trace.dat"

# -- truncations at evenly spaced points -------------------------------------------
for f in "$v6" "$L/trace-v6-missed.dat" "$nc" "$L/trace-v7-zstd-kvm.dat" \
	 "$L/trace-v7-zlib-missed.dat"; do
	size=$(wc -c <"$f")
	name=$(basename "$f" .dat)
	fails=""
	for i in 1 2 3 4 5 6 7 8 9 10 11; do
		cut_file "$f" $((size * i / 12)) "$TMP/cut.dat"
		"$KX" info "$TMP/cut.dat" >"$TMP/out" 2>"$TMP/err"
		rc=$?
		if [ "$rc" -ne 3 ] || [ "$(wc -l <"$TMP/err")" -ne 1 ] || [ -s "$TMP/out" ]; then
			fails="$fails $i/12(rc=$rc)"
		fi
	done
	is "$fails" "" "$name cut at 11 points: exit 3, one line, no stdout"
done

# -- corrupted sizes -------------------------------------------------------------------
f=$L/trace-v7-zstd-kvm.dat
cp "$f" "$TMP/secsize.dat"
chmod u+w "$TMP/secsize.dat"
poke "$TMP/secsize.dat" $(($(v7_fact "$f" header) + 8)) ffffff7f
bad_input "$TMP/secsize.dat" "v7 section size corrupted" "section at offset"

cp "$v6" "$TMP/hpsize.dat"
chmod u+w "$TMP/hpsize.dat"
poke "$TMP/hpsize.dat" 30 ffffffff
bad_input "$TMP/hpsize.dat" "v6 header_page size corrupted" "header_page"

# commit of the first data page of fmtnotes_a cpu1 (0x2c000) beyond the page size
cp "$v6" "$TMP/commit.dat"
chmod u+w "$TMP/commit.dat"
poke "$TMP/commit.dat" $((0x2c000 + 8)) ff0f0000
bad_input "$TMP/commit.dat" "page commit beyond the page size" \
	"page data size exceeds the page size"

# a corrupted chunk: its zstd frame damaged
f=$L/trace-v7-zstd-kvm.dat
cp "$f" "$TMP/frame.dat"
chmod u+w "$TMP/frame.dat"
poke "$TMP/frame.dat" $(($(v7_fact "$f" data) + 12)) 00000000
bad_input "$TMP/frame.dat" "damaged zstd chunk" "zstd"

# -- random byte flips: a clean result or a clean error, never a crash ----------------
crashes=""
for seed in 1 2 3 4 5 6 7 8 9 10 11 12; do
	for f in "$v6" "$L/trace-v7-zstd-kvm.dat"; do
		python3 - "$f" "$TMP/flip.dat" "$seed" <<'EOF'
import random, sys
b = bytearray(open(sys.argv[1], 'rb').read())
r = random.Random(int(sys.argv[3]))
for _ in range(8):
    b[r.randrange(len(b))] = r.randrange(256)
open(sys.argv[2], 'wb').write(b)
EOF
		"$KX" info "$TMP/flip.dat" >"$TMP/out" 2>"$TMP/err"
		rc=$?
		if [ "$rc" -ne 0 ] && { [ "$rc" -ne 3 ] || [ "$(wc -l <"$TMP/err")" -ne 1 ]; }; then
			crashes="$crashes $(basename "$f")@$seed(rc=$rc)"
		fi
	done
done
is "$crashes" "" "24 randomly corrupted files: exit 0 or 3 with one line, no crash"

done_testing
