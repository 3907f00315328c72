#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# info reads its input the way the analysing commands do: the same
# --buffer (top = the top buffer), --tsc-khz, --sort-mem and --threads,
# with the same one-line usage errors; --vcpu and --pid are not info
# options (it counts every event).
. "$(dirname "$0")/../lib.sh"

INST=$FIXTURES/instances.dat
PERF=$FIXTURES/multi-vm.perf.data

# instances.dat: the kvm events are in instance kvmx, the top buffer is empty
"$KX" info --buffer top "$INST" >"$TMP/top" 2>&1
is $? 0 "--buffer top: status 0"
"$KX" info --buffer "" "$INST" >"$TMP/empty" 2>&1
same_files "$TMP/top" "$TMP/empty" "--buffer top reads what --buffer \"\" reads"
grep -qx 'buffers: (top)' "$TMP/top" && grep -qx 'records: 0' "$TMP/top"
ok $? "--buffer top: the top buffer only, with no records"
"$KX" info --buffer kvmx "$INST" >"$TMP/kvmx" 2>&1
grep -qx 'buffers: kvmx' "$TMP/kvmx" && grep -qx 'records: 220' "$TMP/kvmx"
ok $? "--buffer kvmx: the instance's 220 records"

# a sort that needs more memory than allowed is refused, as by report
"$KX" info --sort-mem 4K "$PERF" >"$TMP/out" 2>"$TMP/err"
is $? 3 "--sort-mem 4K on multi-vm.perf.data: status 3"
[ ! -s "$TMP/out" ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
	grep -q 'raise the limit with --sort-mem$' "$TMP/err"
ok $? "one line on stderr naming --sort-mem, nothing on stdout"
"$KX" report --sort-mem 4K "$PERF" >/dev/null 2>"$TMP/report.err"
sed 's/^kvmexit-stat: [^:]*: //' "$TMP/err" >"$TMP/err.msg"
sed 's/^kvmexit-stat: [^:]*: //' "$TMP/report.err" >"$TMP/report.msg"
same_files "$TMP/err.msg" "$TMP/report.msg" "the same message as report's"
"$KX" info --sort-mem 1G "$PERF" >"$TMP/big" 2>&1
is $? 0 "--sort-mem 1G: status 0"
"$KX" info "$PERF" >"$TMP/default" 2>&1
same_files "$TMP/big" "$TMP/default" "--sort-mem 1G counts what the default counts"

# the counts do not depend on the reading threads
for f in "$PERF" "$FIXTURES/lost.perf.data" "$FIXTURES/instances.v7.dat" "$INST"; do
	"$KX" info --threads 1 "$f" >"$TMP/t1" 2>&1
	same=$?
	for n in 2 4; do
		"$KX" info --threads $n "$f" >"$TMP/t$n" 2>&1 || same=1
		cmp -s "$TMP/t1" "$TMP/t$n" || same=1
	done
	ok $same "$(basename "$f"): info identical for --threads 1, 2, 4"
done

# usage errors: status 2, one line on stderr, nothing on stdout
for args in "--threads 0" "--threads many" "--sort-mem 0" "--tsc-khz 0" "--vcpu 1" "--pid 1"; do
	# shellcheck disable=SC2086
	"$KX" info $args "$INST" >"$TMP/out" 2>"$TMP/err"
	st=$?
	[ $st -eq 2 ] && [ ! -s "$TMP/out" ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
		grep -q '^kvmexit-stat info: ' "$TMP/err"
	ok $? "info $args: usage error, status 2 ($(cat "$TMP/err"))"
done
for files in "" "$INST $INST"; do
	# shellcheck disable=SC2086
	"$KX" info $files >"$TMP/out" 2>"$TMP/err"
	st=$?
	[ $st -eq 2 ] && [ ! -s "$TMP/out" ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
		grep -q "^kvmexit-stat info: .* (see 'kvmexit-stat info --help')$" "$TMP/err"
	ok $? "info with $(echo $files | wc -w) files: usage error, status 2 ($(cat "$TMP/err"))"
done
if [ -w /dev/full ]; then
	"$KX" info "$INST" >/dev/full 2>"$TMP/err"
	is $? 4 "output that cannot be written: status 4"
	[ "$(cat "$TMP/err")" = "kvmexit-stat: cannot write the output" ]
	ok $? "one line says so"
else
	skip "output that cannot be written" "no /dev/full"
	skip "one line says so" "no /dev/full"
fi
done_testing
