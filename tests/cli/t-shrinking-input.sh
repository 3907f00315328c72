#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# An input that shrinks while it is read: `trace-cmd record -o trace.dat`
# truncates the file a previous run left, perhaps while kvmexit-stat reads
# it. Reads of the lost part of a mapping raise SIGBUS; kvmexit-stat must
# exit 3 with one "kvmexit-stat: FILE: ..." line, never die of the signal.
# The shim tests/cli/file-shim.c truncates the file to half its size
# right after the Nth mapping of it, so every case is deterministic. A
# SIGBUS that is no fault on an input keeps its default action.
. "$(dirname "$0")/../lib.sh"

if ! file_shim; then
	skip "inputs shrinking while read" "no C compiler for the shim: $SHIM_ERR"
	done_testing
	exit
fi

# shrunk NTH FILE CMD [ARGS]: run CMD ARGS on a copy of FILE (last argument)
# that the NTH mapping of it cuts to half its size
shrunk() {
	_nth=$1 _src=$2
	shift 2
	_copy=$TMP/$(basename "$_src")
	cp "$_src" "$_copy"
	KX_SHRINK_PATH=$_copy KX_SHRINK_NTH=$_nth KX_SHRINK_TO=$(($(wc -c <"$_src") / 2)) \
		LD_PRELOAD=$SHIM run "$KX" "$@" "$_copy"
	COPY=$_copy
}

# the first mapping is the whole file's: one thread then reads past the cut through it
for f in lost.dat instances.v7.dat multi-vm.perf.data; do
	shrunk 1 "$FIXTURES/$f" report --threads 1
	rejected "$COPY" "$f cut after its first mapping"
	grep -q "the file shrank while it was read" "$TMP/err"
	ok $? "$f cut after its first mapping: says the file shrank"
done

# every command, thread count and mapping: bad input, or (the cut came
# after the last read) the report of the whole file
for f in lost.dat instances.v7.dat multi-vm.dat multi-vm.perf.data svm.perf.data; do
	for cmd in report cycles info; do
		cp "$FIXTURES/$f" "$TMP/$f"
		run "$KX" $cmd --threads 3 "$TMP/$f"
		cp "$TMP/out" "$TMP/whole"
		for threads in 1 3; do
			for nth in 1 2 3 4; do
				what="$f $cmd --threads $threads, cut at mapping $nth"
				shrunk $nth "$FIXTURES/$f" $cmd --threads $threads
				if [ "$RC" -eq 0 ]; then
					same_files "$TMP/out" "$TMP/whole" "$what: read before the cut, whole"
				else
					rejected "$COPY" "$what"
				fi
			done
		done
	done
done

# compare: the message names the file that shrank, not the other one
cp "$FIXTURES/seed-xapic.dat" "$TMP/base.dat"
shrunk 1 "$FIXTURES/seed-x2apic.dat" compare --threads 1 "$TMP/base.dat"
rejected "$COPY" "compare, the second file cut"

# a SIGBUS sent, not a fault on an input: the default action (killed, 128 + 7).
# Sent once it waits on its input: earlier, under ASan, the sanitizer's own
# SIGBUS handler (before main() sets ours) would abort it instead (134).
sleep 5 | "$KX" report - >/dev/null 2>&1 &
pid=$!
for _ in $(seq 40); do
	kx=$(pgrep -n -f "^$KX report -\$")
	[ -n "$kx" ] && grep -q pipe "/proc/$kx/wchan" 2>/dev/null && break
	sleep 0.1
done
kill -BUS "$kx"
wait $pid
is $? 135 "a SIGBUS from kill(2) still kills (status 135)"

done_testing
