#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Broken perf.data files, built in $TMP from the corpus at test time: cut in
# the header, the attrs, the tracing data and mid-record; a record of size 0;
# a sample past the data end; no attrs, or attrs whose samples cannot be
# told apart; garbage after the magic; a compressed record of garbage;
# another byte order. Each must give exit status 3, one error line naming
# the file, nothing on stdout, and no crash (the suite also runs under ASan).
. "$(dirname "$0")/../lib.sh"

KVM=$CORPUS/local/perf-kvm.data
PIPE=$CORPUS/local/perf-kvm-pipe.data
if [ ! -r "$KVM" ] || [ ! -r "$PIPE" ]; then
	skip "perf.data error cases" "corpus missing"
	done_testing
	exit
fi

u64_at() {	# u64_at FILE OFFSET: little-endian u64
	od -An -t u8 -j "$2" -N 8 "$1" | tr -d ' '
}

patch() {	# patch FILE OFFSET PRINTF-BYTES
	printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

cut_copy() {	# cut_copy SRC BYTES DEST
	head -c "$2" "$1" >"$3"
}

# fails FILE PATTERN LABEL: exit 3, silent stdout, one line "kvmexit-stat: FILE: ...PATTERN..."
fails() {
	run "$KX" info "$1"
	is "$RC" 3 "$3: exit status 3"
	is "$(wc -c <"$TMP/out")" 0 "$3: nothing on stdout"
	is "$(wc -l <"$TMP/err")" 1 "$3: one line on stderr"
	grep -q "^kvmexit-stat: $1: .*$2" "$TMP/err"
	ok $? "$3: message names the file and says '$2'"
	[ "$(wc -l <"$TMP/err")" -eq 1 ] || sed 's/^/#   /' "$TMP/err" | head -5
}

data_off=$(u64_at "$KVM" 40)
data_size=$(u64_at "$KVM" 48)
attrs_off=$(u64_at "$KVM" 24)
feat_table=$((data_off + data_size))
td_off=$(u64_at "$KVM" "$feat_table")	# bit 1 (TRACING_DATA) is the first set bit

cut_copy "$KVM" 60 "$TMP/hdr.data"
fails "$TMP/hdr.data" "truncated perf.data header" "file cut in the header"

cut_copy "$KVM" $((attrs_off + 200)) "$TMP/attrs.data"
fails "$TMP/attrs.data" "attrs section .* runs past the end of the file" "file cut in the attrs"

cut_copy "$KVM" $((data_off + 5000)) "$TMP/data.data"
fails "$TMP/data.data" "data section .* runs past the end of the file" "file cut in the data"

cut_copy "$KVM" $((td_off + 3000)) "$TMP/td.data"
fails "$TMP/td.data" "feature 1 section .* runs past the end" "file cut in the tracing data"

# tracing data section declared too short: the parser itself runs out
cp "$KVM" "$TMP/tdshort.data"
patch "$TMP/tdshort.data" $((feat_table + 8)) '\310\0\0\0\0\0\0\0'	# 200 bytes
fails "$TMP/tdshort.data" "trunc" "tracing data section too short"

# first record of the data section with size 0
cp "$KVM" "$TMP/zero.data"
patch "$TMP/zero.data" $((data_off + 6)) '\0\0'
fails "$TMP/zero.data" "record of size 0 at offset $(printf 0x%x "$data_off")" "file record of size 0"

# first record larger than the whole data section (40672 bytes in perf-kvm-stat.data)
STAT=$CORPUS/local/perf-kvm-stat.data
cp "$STAT" "$TMP/long.data"
patch "$TMP/long.data" $(($(u64_at "$STAT" 40) + 6)) '\377\377'
fails "$TMP/long.data" "runs past the end of the data" "file record past the data end"

# the second SAMPLE (at 0xcaa0 + 80, perf_walk.py), well into the data, grown
# past its end: samples are read without a check per record until one does not fit
cp "$KVM" "$TMP/longsample.data"
patch "$TMP/longsample.data" $((0xcaf0 + 6)) '\377\377'
fails "$TMP/longsample.data" "record at offset 0xcaf0 (size 65535) runs past the end of the data" \
	"file SAMPLE past the data end"

# an attrs section of size 0: the samples belong to no event the file describes
cp "$KVM" "$TMP/noattrs.data"
patch "$TMP/noattrs.data" 32 '\0\0\0\0\0\0\0\0'
fails "$TMP/noattrs.data" "sample at offset 0xcaa0 before any event attribute" "no attrs"

# attr[1] (each is 128 bytes and 16 of ids) without IDENTIFIER in sample_type:
# the 92 events' samples no longer carry their id at one place
cp "$KVM" "$TMP/noid.data"
patch "$TMP/noid.data" $((attrs_off + 144 + 24 + 2)) '\0'
fails "$TMP/noid.data" "92 events whose samples carry no common IDENTIFIER/ID" "samples without a common id"

# data size 0: perf record killed before it finished the header
cp "$KVM" "$TMP/unfinished.data"
patch "$TMP/unfinished.data" 48 '\0\0\0\0\0\0\0\0'
fails "$TMP/unfinished.data" "not finished" "data size 0"

# garbage after the magic
{ printf 'PERFILE2'; head -c 200 /dev/zero | tr '\0' 'x'; } >"$TMP/garbage.data"
fails "$TMP/garbage.data" "header size .* is neither 104 (file) nor 16 (pipe)" "garbage after the magic"

# other byte order
{ printf '2ELIFREP'; tail -c +9 "$KVM"; } >"$TMP/be.data"
fails "$TMP/be.data" "big-endian" "byte-swapped magic"

# pipe mode: cut inside the tracing data, in a record header, mid-record
cut_copy "$PIPE" 20000 "$TMP/ptd.data"
fails "$TMP/ptd.data" "truncated tracing data" "pipe cut in the tracing data"
cut_copy "$PIPE" 90003 "$TMP/phdr.data"
fails "$TMP/phdr.data" "truncated record header at offset" "pipe cut in a record header"
cut_copy "$PIPE" 90020 "$TMP/prec.data"
fails "$TMP/prec.data" "truncated record at offset" "pipe cut mid-record"
# the same from stdin
run "$KX" info - <"$TMP/prec.data"
is "$RC" 3 "pipe cut mid-record from stdin: exit status 3"
is "$(wc -c <"$TMP/out")" 0 "pipe cut mid-record from stdin: nothing on stdout"
grep -q '^kvmexit-stat: (stdin): .*truncated record at offset' "$TMP/err"
ok $? "pipe cut mid-record from stdin: one message"

# pipe: the first SAMPLE (at 0x172dc, perf_walk.py) with size 0, then as a COMPRESSED record
cp "$PIPE" "$TMP/pzero.data"
patch "$TMP/pzero.data" $((0x172dc + 6)) '\0\0'
fails "$TMP/pzero.data" "record of size 0 at offset 0x172dc" "pipe record of size 0"
cp "$PIPE" "$TMP/pz.data"
patch "$TMP/pz.data" $((0x172dc)) '\121'	# type 81
fails "$TMP/pz.data" "zstd" "pipe COMPRESSED record holding no zstd data"

# pipe: only the 16-byte header is a valid, empty stream
cut_copy "$PIPE" 16 "$TMP/pempty.data"
run "$KX" info "$TMP/pempty.data"
is "$RC" 0 "pipe header alone: an empty stream"

done_testing
