#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --threads N: worker threads walk and decompress the trace.dat CPU
# streams ahead while the main thread merges them, and the main thread
# walks a stream itself when the workers lag (the zlib traces here make
# them lag); for perf.data one thread walks the records ahead of the
# orderer. The output must not depend on N. report --json, report --by vcpu (both with
# the --longest exits) and cycles --json for
# --threads 1, 2, 4 and 9 (more threads than CPU streams) byte for byte, on
# synthesized multi-CPU traces (v6, v7-zstd, v7-zlib: several batches per
# stream, migrating vCPUs, lost events, instances; perf.data file, pipe
# mode on stdin and `perf record -z` compressed), and the same error
# message and status on a trace with a corrupt page in the middle, a
# perf.data stream cut short and a sort that outgrows --sort-mem. compare
# and check, which read their traces in time slices one after the other or
# (those that cannot be cut) at the same time, likewise.
. "$(dirname "$0")/../lib.sh"

sed 's/@REPS@/1000/' "$ROOT/bench/busy-host.scn.in" >"$TMP/busy.scn"
"$SYNTH" -o v6="$TMP/busy.dat" -o v7-zstd="$TMP/busy.zst.dat" -o v7-zlib="$TMP/busy.zlib.dat" \
	-o perf="$TMP/busy.perf.data" -o perf-pipe="$TMP/busy.pipe.data" \
	"$TMP/busy.scn" >/dev/null 2>&1
ok $? "kx-synth writes the busy-host trace (84004 events on 8 CPUs)"
"$SYNTH" -o v6="$TMP/lost.dat" -o v7-zstd="$TMP/lost.zst.dat" "$FIXTURES/lost.scn" >/dev/null 2>&1
"$SYNTH" -o v6="$TMP/inst.dat" "$FIXTURES/instances.scn" >/dev/null 2>&1
"$SYNTH" -o v7-zstd="$TMP/mvm.zst.dat" "$FIXTURES/multi-vm.scn" >/dev/null 2>&1

cp "$FIXTURES/lost.perf.data" "$FIXTURES/multi-vm.perf.data" "$TMP/"
python3 "$ROOT/tests/corpus/perfz.py" "$TMP/busy.perf.data" "$TMP/busy.z.perf.data" 10000 >/dev/null
ok $? "perfz.py writes a compressed copy of busy.perf.data"

for f in busy.dat busy.zst.dat busy.zlib.dat lost.dat lost.zst.dat inst.dat mvm.zst.dat \
	busy.perf.data busy.pipe.data busy.z.perf.data lost.perf.data multi-vm.perf.data; do
	for cmd in "report --json --longest 100" "report --by vcpu --longest 30" "cycles --json"; do
		out=$(echo "$cmd" | tr -c 'a-z\n' _)
		for n in 1 2 4 9; do
			# the pipe-mode stream is read from stdin, the way perf record -o - feeds it
			if [ "$f" = busy.pipe.data ]; then
				# shellcheck disable=SC2086
				"$KX" $cmd --threads $n - <"$TMP/$f" >"$TMP/$f.$out.$n" 2>&1
			else
				# shellcheck disable=SC2086
				"$KX" $cmd --threads $n "$TMP/$f" >"$TMP/$f.$out.$n" 2>&1
			fi
			echo "status $?" >>"$TMP/$f.$out.$n"
		done
		same=0
		for n in 2 4 9; do
			cmp -s "$TMP/$f.$out.1" "$TMP/$f.$out.$n" || same=1
		done
		ok $same "$f: $cmd identical for --threads 1, 2, 4, 9"
	done
done
grep -q '"exits"' "$TMP/busy.zst.dat.report___json___longest____.1" &&
	[ "$(grep -c '"start"' "$TMP/busy.zst.dat.report___json___longest____.1")" -eq 100 ]
ok $? "the compared output is a report with 100 longest exits"

# A page in the middle of the ring-buffer data (v6 data is page aligned)
# whose commit size exceeds the page: the error comes after the events
# before it, at the same point, with the same message and status.
cp "$TMP/busy.dat" "$TMP/bad.dat"
size=$(stat -c %s "$TMP/bad.dat")
printf '\377\377\377\007' | dd of="$TMP/bad.dat" bs=1 seek=$((size * 2 / 3 / 4096 * 4096 + 8)) \
	conv=notrunc 2>/dev/null
for n in 1 2 4; do
	"$KX" report --threads $n "$TMP/bad.dat" >/dev/null 2>"$TMP/bad.err.$n"
	echo "status $?" >>"$TMP/bad.err.$n"
done
grep -q 'exceeds the page size' "$TMP/bad.err.1" && grep -q 'status [1-9]' "$TMP/bad.err.1" &&
	cmp -s "$TMP/bad.err.1" "$TMP/bad.err.2" && cmp -s "$TMP/bad.err.1" "$TMP/bad.err.4"
ok $? "corrupt page: same error and status for --threads 1, 2, 4 ($(head -n 1 "$TMP/bad.err.1"))"

# compare and check read their traces in slices, one after the other, or
# (bad.dat, whose read error gives up the slices) at the same time,
# --threads shared out among them: the same output whatever N, and the
# error of the first input (in argument order) that fails, whichever
# thread meets it first.
for n in 1 2 4 9; do
	"$KX" compare --json --threads $n "$TMP/busy.dat" "$TMP/busy.zst.dat" "$TMP/lost.perf.data" \
		>"$TMP/cmp.$n" 2>&1
	echo "status $?" >>"$TMP/cmp.$n"
	"$KX" check --json --max-regress 5% --max host_guest_ratio=10 --threads $n --baseline "$TMP/lost.zst.dat" \
		"$TMP/busy.zlib.dat" >"$TMP/chk.$n" 2>&1
	echo "status $?" >>"$TMP/chk.$n"
	"$KX" compare --threads $n "$TMP/bad.dat" "$TMP/busy.zst.dat" >/dev/null 2>"$TMP/first.$n"
	echo "status $?" >>"$TMP/first.$n"
	"$KX" compare --threads $n "$TMP/busy.zlib.dat" "$TMP/bad.dat" "$TMP/nonexistent.dat" \
		>/dev/null 2>"$TMP/second.$n"
	echo "status $?" >>"$TMP/second.$n"
done
grep -q '"rows"' "$TMP/cmp.1" && grep -q '"passed"' "$TMP/chk.1"
ok $? "compare and check of traces give their documents"
# slices, not one pass: the probe and one reader per slice open the trace (fopen of the
# JSON sniffing aside), and no single pass after them; cycles and info likewise
if file_shim; then
	for n in 1 3; do
		rm -f "$TMP/opens"
		KX_OPEN_LOG="$TMP/opens" LD_PRELOAD=$SHIM "$KX" compare --threads $n "$TMP/busy.dat" \
			"$TMP/busy.zst.dat" >/dev/null 2>&1
		is "$(grep -c 'busy.dat$' "$TMP/opens") $(grep -c 'busy.zst.dat$' "$TMP/opens")" \
			"$([ $n = 1 ] && echo '1 1' || echo '4 4')" \
			"compare --threads $n: each trace opened by $([ $n = 1 ] && echo 'one pass' ||
				echo 'a probe and 3 slices')"
	done
	for cmd in cycles info; do
		rm -f "$TMP/opens"
		KX_OPEN_LOG="$TMP/opens" LD_PRELOAD=$SHIM "$KX" $cmd --threads 3 "$TMP/busy.perf.data" \
			>/dev/null 2>&1
		is "$(grep -c 'busy.perf.data$' "$TMP/opens")" 4 \
			"$cmd --threads 3: perf.data opened by a probe and 3 slices"
	done
else
	skip "compare reads its traces in slices" "no C compiler for the shim: $SHIM_ERR"
fi
for x in cmp chk first second; do
	same=0
	for n in 2 4 9; do
		cmp -s "$TMP/$x.1" "$TMP/$x.$n" || same=1
	done
	ok $same "$x: identical for --threads 1, 2, 4, 9 ($(head -n 1 "$TMP/$x.1" | cut -c 1-70))"
done
grep -q "bad.dat: .*exceeds the page size" "$TMP/first.1" && grep -q 'status 3' "$TMP/first.1"
ok $? "a trace failing midway before a good one: its error"
grep -q "bad.dat: .*exceeds the page size" "$TMP/second.1" && ! grep -q nonexistent "$TMP/second.1"
ok $? "a good trace, one failing midway, a missing file: the error of the one failing midway"

# perf.data: a pipe stream cut inside a record fails at its end, after
# every batch before it; a sort that outgrows --sort-mem fails in the
# orderer, which next() runs whatever the threads.
size=$(stat -c %s "$TMP/busy.pipe.data")
head -c $((size * 2 / 3)) "$TMP/busy.pipe.data" >"$TMP/cut.pipe.data"
for n in 1 2 4; do
	"$KX" report --threads $n - <"$TMP/cut.pipe.data" >/dev/null 2>"$TMP/cut.err.$n"
	echo "status $?" >>"$TMP/cut.err.$n"
	"$KX" report --threads $n --sort-mem 64K "$TMP/busy.perf.data" >/dev/null 2>"$TMP/mem.err.$n"
	echo "status $?" >>"$TMP/mem.err.$n"
done
grep -q 'truncated record' "$TMP/cut.err.1" && grep -q 'status 3' "$TMP/cut.err.1" &&
	cmp -s "$TMP/cut.err.1" "$TMP/cut.err.2" && cmp -s "$TMP/cut.err.1" "$TMP/cut.err.4"
ok $? "perf stream cut short: same error and status for --threads 1, 2, 4 ($(head -n 1 "$TMP/cut.err.1"))"
grep -q 'needs more than 64 KiB' "$TMP/mem.err.1" && grep -q 'status 3' "$TMP/mem.err.1" &&
	cmp -s "$TMP/mem.err.1" "$TMP/mem.err.2" && cmp -s "$TMP/mem.err.1" "$TMP/mem.err.4"
ok $? "--sort-mem exceeded: same error and status for --threads 1, 2, 4 ($(head -n 1 "$TMP/mem.err.1"))"

# A live pipe (perf record -o - | kvmexit-stat report -) whose writer is
# still there when the report fails: the walking thread, waiting in a read
# for more of the stream, must not keep the failed run from exiting. The
# writer adds a byte every 0.2 s and dies of SIGPIPE once the reader is
# gone; timeout turns a hang into status 124.
for n in 1 2; do
	{ head -c 1000000 "$TMP/busy.pipe.data"; while printf x; do sleep 0.2; done; } 2>/dev/null |
		timeout 20 "$KX" report --threads $n --sort-mem 64K - >/dev/null 2>"$TMP/live.err"
	rc=$?
	grep -q 'needs more than 64 KiB' "$TMP/live.err" && [ $rc -eq 3 ]
	ok $? "live pipe, --threads $n: the failed run exits at once with status 3 (got $rc)"
done
done_testing
