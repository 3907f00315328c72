#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Text forms the corpus lacks, written here by hand after the printers'
# formats: trace-cmd report with a "version = N" header and --raw-ts
# integer timestamps (unit cycles, converted with --tsc-khz), a tracefs
# trace with "##### CPU N buffer started ####", perf script with pid/tid
# and --ns timestamps, and a trace_pipe whose CPUs interleave slightly out
# of order.
. "$(dirname "$0")/../lib.sh"

val() {
	sed -n "s/^$1: //p" "$TMP/out"
}

printf '%s\n' 'version = 6' 'cpus=4' \
	'            vm-7     [002] 1000000: kvm_exit:             reason HLT rip 0x1 info 0 0' \
	'            vm-7     [002] 1003000: kvm_entry:            vcpu 0 rip 0x1' >"$TMP/raw.txt"
run "$KX" info "$TMP/raw.txt"
is "$RC" 0 "raw-ts report: readable"
is "$(val unit)" cycles "raw-ts report: unit cycles"
is "$(val cpus)" 4 "raw-ts report: cpus from the header"
is "$(val first_ts)/$(val last_ts)" 1000000/1003000 "raw-ts report: cycle counts kept"
run "$KX" info --tsc-khz 2000000 "$TMP/raw.txt"
is "$(val unit)" ns "raw-ts with --tsc-khz: unit ns"
is "$(val first_ts)/$(val last_ts)" 500000/501500 "raw-ts with --tsc-khz 2000000: cycles / 2 GHz"

cat >"$TMP/trace.txt" <<'TXT'
# tracer: nop
#
# entries-in-buffer/entries-written: 3/9   #P:3
#
#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION
#              | |         |   |||||     |         |
##### CPU 2 buffer started ####
       CPU 0/KVM-900     [002] d..1.   70.000010: kvm_exit: vcpu 0 reason MSR_WRITE rip 0xffffffff81001000 info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000
       CPU 0/KVM-900     [002] d..1.   70.000011: kvm_msr: msr_write 6e0 = 0x1234
       CPU 0/KVM-900     [002] d..1.   70.000013: kvm_entry: vcpu 0, rip 0xffffffff81001002 intr_info 0x00000000 error_code 0x00000000
TXT
run "$KX" info "$TMP/trace.txt"
is "$RC" 0 "tracefs trace: readable"
is "$(val format)" "ftrace trace text (us)" "tracefs trace: format name"
is "$(val cpus)" 3 "tracefs trace: cpus from #P:3"
is "$(val lost_markers)/$(val lost_unknown)" 1/1 "buffer started: one marker of unknown size"
is "$(val events)" 4 "tracefs trace: 3 kvm events and the marker"
is "$(val first_ts)" 70000010000 "tracefs trace: marker takes the next event's time"

cat >"$TMP/perf.txt" <<'TXT'
       CPU 1/KVM  4100/4102  [003]   900.000000100:        kvm:kvm_exit: reason EPT_MISCONFIG rip 0xffffffff81234567 info 0 0
       CPU 1/KVM  4100/4102  [003]   900.000000250:        kvm:kvm_mmio: mmio write len 4 gpa 0xfee000b0 val 0x0
       CPU 1/KVM  4100/4102  [003]   900.000000900:       kvm:kvm_entry: vcpu 1 rip 0xffffffff8123456a
TXT
zcat -f "$TMP/perf.txt" | "$KX" info - >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "perf script --ns with pid/tid, from stdin: readable"
is "$(val format)" "perf script text (ns)" "perf script --ns: format name"
is "$(val first_ts)/$(val last_ts)" 900000000100/900000000900 "perf script --ns: exact ns"
is "$(val cpus)" 4 "perf script: cpus = highest cpu + 1"

cat >"$TMP/pipe.txt" <<'TXT'
            vm-11    [001] d..1.   50.000020: kvm_exit: vcpu 1 reason HLT rip 0x10 info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000
            vm-10    [000] d..1.   50.000010: kvm_exit: vcpu 0 reason HLT rip 0x10 info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000
CPU:0 [LOST 7 EVENTS]
            vm-10    [000] d..1.   50.000030: kvm_entry: vcpu 0, rip 0x11 intr_info 0x00000000 error_code 0x00000000
            vm-11    [001] d..1.   50.000025: kvm_entry: vcpu 1, rip 0x11 intr_info 0x00000000 error_code 0x00000000
TXT
run "$KX" info "$TMP/pipe.txt"
is "$RC" 0 "trace_pipe slightly out of order: readable"
is "$(val format)" "ftrace trace_pipe text (us)" "trace_pipe: format name"
is "$(val first_ts)/$(val last_ts)" 50000010000/50000030000 "trace_pipe: delivered in timestamp order"
is "$(val lost_events)" 7 "trace_pipe: LOST count"

# A trace-cmd report longer than the reorder window (1024 held events)
# with lost-event lines after it: the line after a lost line adds two
# events, the marker and its own, and they must fit (this overflowed the
# window's heap by one event; check-asan runs this under ASan).
awk 'BEGIN {
	print "cpus=1"
	for (i = 0; i < 1200; i++) {
		if (i == 600 || i == 1100)
			print "CPU:0 [5 EVENTS DROPPED]"
		t = 1000000000 + i * 10
		printf "       CPU 0/KVM-7001  [000] %d.%06d: kvm_exit:             reason HLT rip 0x1 info 0 0\n", t / 1000000, t % 1000000
		t += 2
		printf "       CPU 0/KVM-7001  [000] %d.%06d: kvm_entry:            vcpu 0 rip 0x1\n", t / 1000000, t % 1000000
	}
}' >"$TMP/long-lost.txt"
run "$KX" info "$TMP/long-lost.txt"
is "$RC" 0 "long report with lost lines: readable"
is "$(val records)/$(val events)" 2400/2402 "long report: 2400 event lines, 2 lost markers delivered"
is "$(val lost_markers)/$(val lost_events)" 2/10 "long report: both lost lines counted"
run "$KX" report --json "$TMP/long-lost.txt"
is "$RC" 0 "long report with lost lines: report runs"
grep -q '"discarded": 2' "$TMP/out"
ok $? "long report: the interval across each gap is discarded"

done_testing
