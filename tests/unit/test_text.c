// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for text_line.c and text_kvm.c: timestamps exact to the ns,
 * the event line layouts and lost lines (lines quoted from the corpus
 * samples), and every kvm event text form (corpus lines where a sample has
 * them, else the kernel's print fmt filled in by hand); numbers at the
 * edges of their types, and lines that look like events but must be refused.
 */
#include <string.h>

#include "kx_exitnames.h"
#include "kx_subkey.h"
#include "kx_text.h"
#include "tap.h"

static struct kx_text_span sp(const char *s)
{
	struct kx_text_span x = { s, strlen(s) };

	return x;
}

static bool span_eq(struct kx_text_span s, const char *want)
{
	return s.len == strlen(want) && memcmp(s.p, want, s.len) == 0;
}

static void test_ts(void)
{
	uint64_t ts = 0;
	unsigned d = 99;

	ok(kx_text_parse_ts("532.386036", 10, &ts, &d) == 0, "us timestamp parses");
	is_u64(ts, 532386036000ull, "us timestamp in ns");
	is_u64(d, 6, "us: 6 digits");
	ok(kx_text_parse_ts("25135.606831953", 15, &ts, &d) == 0, "ns timestamp parses");
	is_u64(ts, 25135606831953ull, "ns timestamp exact");
	is_u64(d, 9, "ns: 9 digits");
	ok(kx_text_parse_ts("0.000000001", 11, &ts, &d) == 0 && ts == 1, "1 ns");
	ok(kx_text_parse_ts("1.5", 3, &ts, &d) == 0 && ts == 1500000000ull && d == 1, "1 digit: 1.5 s");
	ok(kx_text_parse_ts("98765432109876", 14, &ts, &d) == 0, "integer (raw cycles) parses");
	is_u64(ts, 98765432109876ull, "cycles kept as is");
	is_u64(d, 0, "cycles: 0 digits");
	/* 2^64-1 ns is the largest value; one more overflows */
	ok(kx_text_parse_ts("18446744073.709551615", 21, &ts, &d) == 0 && ts == UINT64_MAX,
	   "largest ns value exact");
	ok(kx_text_parse_ts("18446744073.709551616", 21, &ts, &d) < 0, "ns overflow refused");
	ok(kx_text_parse_ts("18446744073709551616", 20, &ts, &d) < 0, "integer overflow refused");
	ok(kx_text_parse_ts("12a.5", 5, &ts, &d) < 0, "garbage seconds refused");
	ok(kx_text_parse_ts("12.", 3, &ts, &d) < 0, "no fraction digits refused");
	ok(kx_text_parse_ts(".5", 2, &ts, &d) < 0, "no seconds refused");
	ok(kx_text_parse_ts("1.1234567890", 12, &ts, &d) < 0, "10 fraction digits refused");
	ok(kx_text_parse_ts("", 0, &ts, &d) < 0, "empty refused");
}

/* Numbers in the fields: 0x and hex digits of either case, the ends of 64 bits. */
static void test_numbers(void)
{
	uint64_t v = 0;

	ok(kx_text_parse_u64("0x380", 5, 16, &v) == 0 && v == 0x380, "0x hex");
	ok(kx_text_parse_u64("0X1F", 4, 16, &v) == 0 && v == 0x1f, "0X hex, upper-case digits");
	ok(kx_text_parse_u64("fa", 2, 16, &v) == 0 && v == 0xfa, "bare lower-case hex");
	ok(kx_text_parse_u64("AF", 2, 16, &v) == 0 && v == 0xaf, "bare upper-case hex, A and F");
	ok(kx_text_parse_u64("0x", 2, 16, &v) < 0, "0x alone refused");
	ok(kx_text_parse_u64("1G", 2, 16, &v) < 0, "G is no hex digit");
	ok(kx_text_parse_u64("1A", 2, 10, &v) < 0, "hex digit in a decimal refused");
	ok(kx_text_parse_u64("1x5", 3, 10, &v) < 0, "x inside a decimal refused");
	ok(kx_text_parse_u64("18446744073709551615", 20, 10, &v) == 0 && v == UINT64_MAX,
	   "2^64 - 1 in decimal");
	ok(kx_text_parse_u64("ffffffffffffffff", 16, 16, &v) == 0 && v == UINT64_MAX,
	   "2^64 - 1 in hex");
	ok(kx_text_parse_u64("10000000000000000", 17, 16, &v) < 0, "2^64 in hex refused");
}

static int parse(enum kx_text_layout layout, const char *line, struct kx_text_line *tl)
{
	return kx_text_parse_line(layout, line, strlen(line), tl);
}

/* Lines that look like events but break the layout: each must be refused. */
static const struct {
	enum kx_text_layout layout;
	const char *line, *why;
} refused[] = {
	{ KX_TEXT_FTRACE, "            bash-16877   [000]   532.386036: sched_switch",
	  "event name without its colon" },
	{ KX_TEXT_FTRACE, "            bash-16877   [000]   532.386036: a:b c",
	  "colon inside a word is no event name" },
	{ KX_TEXT_FTRACE, "            bash-16877   [000]   532.386036 sched_switch: a",
	  "timestamp without its colon" },
	{ KX_TEXT_FTRACE, "            bash-16877   [000] d:.2.   532.386036: sched_switch: a",
	  "a colon in the latency flags" },
	{ KX_TEXT_PERF, "         kvmmini 16690 [000]   510.494614: kvm:: x",
	  "perf: empty event name" },
	{ KX_TEXT_PERF, "         kvmmini 16690 [000]   510.494614: :kvm_pio: x",
	  "perf: empty system" },
	{ KX_TEXT_PERF, "         kvmmini 16690 [000]   510.494614: kvm_pio: x",
	  "perf: event without its system" },
	{ KX_TEXT_PERF, "         kvmmini 16690 [000]   510.494614: kvm:kvm_pio x",
	  "perf: sys:event without the closing colon" },
	{ KX_TEXT_PERF, "          :16099 16099 [000]   462.998547: PERF_RECORD_LOST lost x",
	  "PERF_RECORD_LOST without a count" },
	{ KX_TEXT_PERF, "          :16099 16099 [000]   462.998547: PERF_RECORD_LOST gone 3",
	  "PERF_RECORD_LOST in other words" },
	{ KX_TEXT_FTRACE, "           abc12   [000]   532.386036: sched_switch: a",
	  "comm and pid without the '-' between them" },
	{ KX_TEXT_FTRACE, "fmtnotes_a:  kvmmini-16454   1   490.414418: kvm_fpu: load",
	  "report -l CPU without its latency flags" },
};

static void test_lines(void)
{
	struct kx_text_line tl;
	struct kx_text_lost lost;
	const char *l;

	/* report-v7-zstd-kvm.txt.gz: instance prefix, padded event name, trailing blank */
	l = "fmtnotes_a:          kvmmini-16493 [001]   493.205492: kvm_pio:              pio_write at 0x3f8 size 1 count 1 val 0x0 ";
	ok(parse(KX_TEXT_FTRACE, l, &tl) == 0, "trace-cmd line with instance parses");
	ok(span_eq(tl.instance, "fmtnotes_a"), "instance name");
	ok(span_eq(tl.comm, "kvmmini"), "comm");
	is_u64(tl.tid, 16493, "pid");
	is_u64(tl.pid, (uint64_t)-1, "no process id in this layout");
	is_u64(tl.cpu, 1, "cpu");
	is_u64(tl.ts, 493205492000ull, "ts");
	ok(span_eq(tl.event, "kvm_pio"), "event name");
	ok(span_eq(tl.text, "pio_write at 0x3f8 size 1 count 1 val 0x0"), "text, blanks trimmed");
	/* the same line from an instance made with -B a: a name of one letter */
	l = "a:          kvmmini-16493 [001]   493.205492: kvm_pio:              pio_write at 0x3f8 size 1 count 1 val 0x0";
	ok(parse(KX_TEXT_FTRACE, l, &tl) == 0 && span_eq(tl.instance, "a") && tl.tid == 16493,
	   "instance of one letter");

	/* report-v7-zlib-kvm-2inst.txt.gz: comm with ':' and '-' */
	l = "fmtnotes_b:  memfd:sealed-91-2320  [001]   491.564598: sched_switch:         memfd:sealed-91:2320 [120] S ==> swapper/1:0 [120]";
	ok(parse(KX_TEXT_FTRACE, l, &tl) == 0, "comm with ':' and '-' parses");
	ok(span_eq(tl.comm, "memfd:sealed-91"), "comm split at the last -pid");
	is_u64(tl.tid, 2320, "pid after the last '-'");

	/* ma-host-2vcpu.report-t.txt.gz: comm with spaces, ns timestamp */
	l = "       CPU 1/KVM-60251 [004] 25135.716192976: kvm_entry:             vcpu 1 rip 0xffffffffbb51c00b";
	ok(parse(KX_TEXT_FTRACE, l, &tl) == 0, "comm with spaces parses");
	ok(span_eq(tl.comm, "CPU 1/KVM"), "comm with spaces kept whole");
	is_u64(tl.tid, 60251, "tid");
	is_u64(tl.cpu, 4, "cpu");
	is_u64(tl.ts, 25135716192976ull, "ns ts");
	is_u64(tl.ts_digits, 9, "9 digits");
	is_u64(tl.instance.len, 0, "no instance");
	/* a tid is an int32: its largest value parses, one past it does not */
	l = "       CPU 1/KVM-2147483647 [004] 25135.716192976: kvm_entry:             vcpu 1 rip 0x0";
	ok(parse(KX_TEXT_FTRACE, l, &tl) == 0 && tl.tid == INT32_MAX, "tid 2^31 - 1");
	l = "       CPU 1/KVM-3000000000 [004] 25135.716192976: kvm_entry:             vcpu 1 rip 0x0";
	ok(parse(KX_TEXT_FTRACE, l, &tl) < 0, "tid past 2^31 - 1 refused");

	l = " qemu-system-x86-52679 [004] 25135.666107586: kvm_exit:             reason APIC_WRITE rip 0xffffffff960db918 info 380 0";
	ok(parse(KX_TEXT_FTRACE, l, &tl) == 0 && span_eq(tl.comm, "qemu-system-x86") && tl.tid == 52679,
	   "comm with '-' split at the last -pid");

	/* trace-cmd report -l of trace-v6-kvm.dat: cpu without brackets, glued to the flags */
	l = "fmtnotes_a:  kvmmini-16454   1d..1.   490.414418: kvm_update_master_clock: masterclock 0 hostclock 0x1 offsetmatched 0";
	ok(parse(KX_TEXT_FTRACE, l, &tl) == 0, "report -l line parses");
	ok(span_eq(tl.comm, "kvmmini") && tl.tid == 16454 && tl.cpu == 1, "report -l: comm, pid, cpu");
	ok(tl.ts == 490414418000ull && span_eq(tl.event, "kvm_update_master_clock"), "report -l: ts, event");
	ok(parse(KX_TEXT_FTRACE, "  kvmmini-16454   12.....   490.414420: kvm_fpu: load", &tl) == 0 && tl.cpu == 12,
	   "report -l: two-digit cpu");
	ok(parse(KX_TEXT_FTRACE, "  kvmmini-16454   d..1.   490.414420: kvm_fpu: load", &tl) < 0,
	   "report -l: flags without cpu refused");

	/* ftrace-trace_pipe-lost.txt.gz: latency flags column */
	l = "            sort-16284   [001] d.h1.   534.525958: sched_stat_runtime: comm=sort pid=16284 runtime=3995147 [ns]";
	ok(parse(KX_TEXT_FTRACE, l, &tl) == 0, "trace_pipe line with flags parses");
	ok(span_eq(tl.comm, "sort") && tl.tid == 16284 && tl.cpu == 1, "comm, pid, cpu");
	is_u64(tl.ts, 534525958000ull, "ts after the flags");
	ok(span_eq(tl.event, "sched_stat_runtime"), "event");

	/* perf-script-kvm.txt.gz */
	l = "         kvmmini 16690 [000]   510.494614:                        kvm:kvm_pio: pio_write at 0x3f8 size 1 count 1 val 0x0 ";
	ok(parse(KX_TEXT_PERF, l, &tl) == 0, "perf script line parses");
	ok(span_eq(tl.comm, "kvmmini") && tl.tid == 16690 && tl.cpu == 0, "perf comm, tid, cpu");
	ok(span_eq(tl.system, "kvm") && span_eq(tl.event, "kvm_pio"), "perf sys:event");
	is_u64(tl.ts, 510494614000ull, "perf ts");
	ok(parse(KX_TEXT_FTRACE, l, &tl) < 0, "perf line is no ftrace line");

	/* perf-script-lost-head4000.txt.gz */
	l = " kworker/1:1H-kb    59 [001]   463.119767: sched:sched_stat_runtime: comm=kworker/1:1H pid=59 runtime=45435 [ns]";
	ok(parse(KX_TEXT_PERF, l, &tl) == 0 && span_eq(tl.comm, "kworker/1:1H-kb") && tl.tid == 59,
	   "perf comm with '-' and ':'");
	l = "          :16099 16099 [000]   462.998547: PERF_RECORD_LOST lost 3";
	ok(parse(KX_TEXT_PERF, l, &tl) == 0 && tl.is_lost && tl.lost == 3 && tl.cpu == 0,
	   "perf PERF_RECORD_LOST line");
	ok(span_eq(tl.comm, ":16099"), "perf unknown comm printed as :tid");
	ok(span_eq(tl.event, "PERF_RECORD_LOST") && tl.system.len == 0, "PERF_RECORD_LOST is the event");
	l = "            perf 15916/15917 [001]   463.119628: sched:sched_switch: x";
	ok(parse(KX_TEXT_PERF, l, &tl) == 0 && tl.pid == 15916 && tl.tid == 15917, "perf pid/tid");
	l = "         kvmmini 16690 [000]   510.494614:          1 kvm:kvm_pio: pio_write at 0x3f8 size 1 count 1 val 0x0";
	ok(parse(KX_TEXT_PERF, l, &tl) == 0 && span_eq(tl.event, "kvm_pio"), "perf with period column");
	ok(parse(KX_TEXT_FTRACE, "            bash-16877   [000] d..2.   53x.386036: sched_switch: a", &tl) < 0,
	   "garbage timestamp refused");
	ok(parse(KX_TEXT_FTRACE, "            bash-16877   [0x0]   532.386036: sched_switch: a", &tl) < 0,
	   "garbage cpu refused");
	ok(parse(KX_TEXT_FTRACE, "# tracer: nop", &tl) < 0, "header is no event line");
	/* the event name's colon: at the end of the line, or followed by a blank */
	l = "            bash-16877   [000]   532.386036: sched_switch:";
	ok(parse(KX_TEXT_FTRACE, l, &tl) == 0 && span_eq(tl.event, "sched_switch") && tl.text.len == 0,
	   "event name ending the line, no text");
	/* a counter clock's timestamp can be one digit, in either CPU form */
	ok(parse(KX_TEXT_FTRACE, "            bash-16877   [000]   5: sched_switch: a", &tl) == 0 && tl.ts == 5,
	   "timestamp of one digit");
	ok(parse(KX_TEXT_FTRACE, "fmtnotes_a:  kvmmini-16454   1d..1.   5: kvm_fpu: load", &tl) == 0 &&
	   tl.ts == 5 && tl.cpu == 1, "report -l: timestamp of one digit");
	/* perf's "sys:event:" token: both parts, and its colon at the end */
	l = "         kvmmini 16690 [000]   510.494614: kvm:e: x";
	ok(parse(KX_TEXT_PERF, l, &tl) == 0 && span_eq(tl.system, "kvm") && span_eq(tl.event, "e"),
	   "perf event of one letter");
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		ok(parse(refused[i].layout, refused[i].line, &tl) < 0, "refused: %s", refused[i].why);
	/* a thread name may hold " [7] " (prctl takes any bytes): the first
	   candidate CPU field is not preceded by comm-pid and is passed over */
	l = "     my [7] thread-4242 [003]    10.000001: kvm_entry:            vcpu 0 rip 0x0";
	ok(parse(KX_TEXT_FTRACE, l, &tl) == 0 && span_eq(tl.comm, "my [7] thread") && tl.tid == 4242 &&
	   tl.cpu == 3, "comm holding [7]: the CPU field after comm-pid");
	l = "     my [7] thread  4242 [003]    10.000001:                 kvm:kvm_entry: vcpu 0 rip 0x0";
	ok(parse(KX_TEXT_PERF, l, &tl) == 0 && span_eq(tl.comm, "my [7] thread") && tl.tid == 4242 &&
	   tl.cpu == 3, "perf: comm holding [7]: the CPU field after the tid");

	ok(kx_text_parse_lost("fmtnotes_c: CPU:1 [1313 EVENTS DROPPED]", 39, &lost) == 0,
	   "trace-cmd DROPPED line");
	ok(lost.cpu == 1 && lost.count == 1313 && span_eq(lost.instance, "fmtnotes_c"),
	   "DROPPED cpu, count, instance");
	ok(kx_text_parse_lost("CPU:3 [EVENTS DROPPED]", 22, &lost) == 0 && lost.cpu == 3 &&
	   lost.count == KX_LOST_UNKNOWN, "DROPPED without count");
	ok(kx_text_parse_lost("CPU:0 [LOST 1956 EVENTS]", 24, &lost) == 0 && lost.cpu == 0 &&
	   lost.count == 1956, "trace_pipe LOST line");
	ok(kx_text_parse_lost("##### CPU 1 buffer started ####", 31, &lost) == 0 && lost.cpu == 1 &&
	   lost.count == KX_LOST_UNKNOWN, "tracefs buffer started line");
	ok(kx_text_parse_lost("CPU:0 [LOST x EVENTS]", 21, &lost) < 0, "garbage count refused");
	ok(kx_text_parse_lost("CPU: [LOST 3 EVENTS]", 20, &lost) < 0, "no CPU number refused");
	ok(kx_text_parse_lost("CPU:0 [LOST 1956 EVENTS]  ", 26, &lost) == 0 && lost.count == 1956,
	   "trailing blanks after a LOST line");
	ok(kx_text_parse_lost("##### CPU 2147483647 buffer started ####", 40, &lost) == 0 &&
	   lost.cpu == INT32_MAX, "buffer started on CPU 2^31 - 1");
	ok(kx_text_parse_lost("##### CPU 2147483648 buffer started ####", 40, &lost) < 0,
	   "buffer started on a CPU past int32 refused");

	ok(kx_text_is_kvm_system("kvm_exit", 8), "kvm_exit is kvm");
	ok(kx_text_is_kvm_system("vcpu_match_mmio", 15), "vcpu_match_mmio is kvm");
	ok(!kx_text_is_kvm_system("kvm_mmu_get_page", 16), "kvm_mmu_* is kvmmmu");
	ok(!kx_text_is_kvm_system("kvm_tdp_mmu_spte_changed", 24), "kvm_tdp_mmu_* is kvmmmu");
	ok(!kx_text_is_kvm_system("sched_switch", 12), "sched_switch is not kvm");
}

static struct kx_text_kvm kvm;

static int kvmline(const char *event, const char *text, struct kx_event *ev)
{
	memset(ev, 0x5a, sizeof(*ev));
	return kx_text_parse_kvm(&kvm, sp(event), sp(text), ev);
}

static const char *reason(const struct kx_event *ev)
{
	return kx_names_get(kvm.names, ev->u.exit.reason);
}

static void test_exit(void)
{
	struct kx_event ev;
	uint32_t code;
	enum kx_isa isa;

	/* ma-host-2vcpu.report-t.txt.gz: libtraceevent kvm plugin form */
	ok(kvmline("kvm_exit", "reason APIC_WRITE rip 0xffffffff960db918 info 380 0", &ev) == 1,
	   "plugin kvm_exit parses");
	is_u64(ev.kind, KX_EV_EXIT, "kind exit");
	is_str(reason(&ev), "APIC_WRITE", "reason name");
	is_u64(ev.u.exit.code, 56, "APIC_WRITE code 56");
	is_u64(ev.u.exit.isa, KX_ISA_VMX, "VMX");
	/* the reader classifies the exit: APIC_WRITE's qualification 0x380 is TMICT */
	ok(ev.key_rank == 0 && ev.key_via == KX_SKV_EXIT_INFO &&
	   kx_subkey_unpack(ev.key).cls == KX_SK_APIC && kx_subkey_unpack(ev.key).id == 0x380 &&
	   kx_subkey_unpack(ev.key).access == KX_SKA_WRITE, "exit's own key: APIC 0x380 write");
	is_u64(ev.u.exit.info1, 0x380, "info1 hex without 0x");
	is_u64(ev.u.exit.info2, 0, "info2");
	is_u64(ev.u.exit.has_info, 1, "has info");
	is_u64(ev.u.exit.flags, 0, "no flags");
	is_u64((uint32_t)ev.vcpu, (uint32_t)KX_VCPU_UNKNOWN, "no vcpu in plugin form");
	is_u64(ev.u.exit.guest_mode, KX_GUEST_KERNEL, "rip in the upper half: guest kernel");

	/* kernel >= 5.14 print fmt, formats.md §6 */
	ok(kvmline("kvm_exit", "vcpu 0 reason EXCEPTION_NMI rip 0x40048d info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x80000b0e error_code 0x00000000", &ev) == 1,
	   "new kvm_exit parses");
	is_str(reason(&ev), "EXCEPTION_NMI", "new: reason");
	is_u64(ev.u.exit.code, 0, "new: code 0");
	is_u64(ev.vcpu, 0, "new: vcpu");
	is_u64(ev.key, 0, "new: EXCEPTION_NMI names no sub-key");
	is_u64(ev.u.exit.guest_mode, KX_GUEST_USER, "new: rip 0x40048d: guest user");
	ok(kvmline("kvm_exit", "vcpu 3 reason EPT_VIOLATION rip 0xffffffff81000000 info1 0x0000000000000d82 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000 requests 0x0000000000000000", &ev) == 1,
	   "kvm_exit with requests parses");
	ok(ev.vcpu == 3 && ev.u.exit.info1 == 0xd82 && ev.u.exit.code == 48 && ev.u.exit.has_info,
	   "requests form fields");
	ok(kvmline("kvm_exit", "vcpu 2147483647 reason HLT rip 0x1 info 0 0", &ev) == 1 &&
	   ev.vcpu == INT32_MAX, "vcpu 2^31 - 1");

	/* kernel < 5.14 */
	ok(kvmline("kvm_exit", "reason EPT_VIOLATION rip 0xffffffff8104a2b0 info d82 0", &ev) == 1 &&
	   ev.u.exit.info1 == 0xd82 && ev.u.exit.code == 48, "old kvm_exit");

	ok(kvmline("kvm_exit", "vcpu 0 reason ENCLS FAILED_VMENTRY rip 0x0 info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000", &ev) == 1,
	   "FAILED_VMENTRY flag parses");
	is_str(reason(&ev), "ENCLS", "flag word not part of the name");
	is_u64(ev.u.exit.flags, 0x80000000u, "flag bit");

	ok(kvmline("kvm_exit", "reason UNKNOWN (74) rip 0x1000 info 0 0", &ev) == 1, "plugin unknown code");
	is_u64(ev.u.exit.code, 74, "plugin unknown: code from the number");
	is_str(reason(&ev), "74", "plugin unknown: named in decimal like the binary readers");
	ok(kvmline("kvm_exit", "vcpu 0 reason 0x63 rip 0x1000 info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000", &ev) == 1,
	   "kernel unknown code");
	is_u64(ev.u.exit.code, 0x63, "kernel unknown: hex code");
	is_str(reason(&ev), "99", "kernel unknown: named in decimal");
	ok(kvmline("kvm_exit", "reason NO_SUCH_REASON rip 0x1000 info 0 0", &ev) == 1 &&
	   ev.u.exit.code == KX_CODE_UNKNOWN, "name not in the tables: code unknown");
	ok(kvmline("kvm_exit", "reason 123 rip 0x1000 info 0 0", &ev) == 1 && ev.u.exit.code == 123,
	   "a bare number is decimal");
	ok(kvmline("kvm_exit", "reason UNKNOWN (4294967295) rip 0x1000 info 0 0", &ev) == 1 &&
	   strcmp(reason(&ev), "4294967295") == 0, "plugin unknown code 2^32 - 1");
	/* a name as long as the lookup's buffer is not looked up, but kept */
	ok(kvmline("kvm_exit", "reason ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKL rip 0x1 info 0 0",
		   &ev) == 1 && ev.u.exit.code == KX_CODE_UNKNOWN && strlen(reason(&ev)) == 64,
	   "reason name of 64 characters");

	/* SVM names */
	ok(kvmline("kvm_exit", "vcpu 1 reason npf rip 0xffffffff81001234 info1 0x0000000000000006 info2 0x00000000fee000b0 intr_info 0x00000000 error_code 0x00000000", &ev) == 1,
	   "SVM npf parses");
	ok(kx_exitcode("npf", &code, &isa), "exitnames knows npf");
	ok(ev.u.exit.code == code && ev.u.exit.isa == KX_ISA_SVM, "npf code and SVM");
	is_u64(ev.u.exit.info2, 0xfee000b0, "npf info2");
	ok(kvmline("kvm_exit", "reason hlt rip 0x1 info 0 0", &ev) == 1 && ev.u.exit.code == 0x78 &&
	   ev.u.exit.isa == KX_ISA_SVM, "SVM hlt");
	ok(kvmline("kvm_exit", "reason io rip 0x1 info 3f80220 0", &ev) == 1 && ev.u.exit.code == 0x7b,
	   "SVM io");
	ok(kvmline("kvm_exit", "reason msr rip 0x1 info 1 0", &ev) == 1 && ev.u.exit.code == 0x7c,
	   "SVM msr");
	ok(kvmline("kvm_exit", "reason avic_unaccelerated_access rip 0x1 info 3800000000 0", &ev) == 1 &&
	   ev.u.exit.code == 0x402, "SVM avic_unaccelerated_access");
	ok(kvmline("kvm_exit", "reason PF excp rip 0x1 info 2 7f0000", &ev) == 1, "SVM name with a blank");
	is_str(reason(&ev), "PF excp", "name with a blank kept whole");

	ok(kvmline("kvm_exit", "reason HLT rip 0xZZ info 0 0", &ev) < 0, "garbage rip refused");
	ok(kvmline("kvm_exit", "reason HLT rip 0x1 info1 zz", &ev) < 0, "garbage info1 refused");
	ok(kvmline("kvm_exit", "reason HLT", &ev) < 0, "no rip refused");
	ok(kvmline("kvm_exit", "vcpu x reason HLT rip 0x1 info 0 0", &ev) < 0, "garbage vcpu refused");
}

static void test_helpers(void)
{
	struct kx_event ev;

	/* ma-host-2vcpu.report-t.txt.gz */
	ok(kvmline("kvm_entry", "vcpu 1 rip 0xffffffffbb51c00b", &ev) == 1 && ev.kind == KX_EV_ENTRY &&
	   ev.vcpu == 1, "plugin kvm_entry");
	ok(kvmline("kvm_entry", "vcpu 2, rip 0x40048d intr_info 0x00000000 error_code 0x00000000", &ev) == 1 &&
	   ev.vcpu == 2, "new kvm_entry");
	ok(kvmline("kvm_entry", "vcpu 2, rip 0x40048d intr_info 0x00000000 error_code 0x00000000[immediate exit]", &ev) == 1,
	   "kvm_entry with immediate exit");

	/* xapic.v7-zstd.report.txt.gz */
	ok(kvmline("kvm_apic", "apic_write APIC_TMICT = 0x186a0", &ev) == 1 && ev.kind == KX_EV_APIC,
	   "kvm_apic TMICT");
	ok(ev.u.apic.reg == 0x380 && ev.u.apic.write == 1 && ev.u.apic.val == 0x186a0, "TMICT fields");
	ok(kvmline("kvm_apic", "apic_write APIC_EOI = 0x0", &ev) == 1 && ev.u.apic.reg == 0xb0, "EOI 0xb0");
	ok(kvmline("kvm_apic", "apic_read APIC_SELF_IPI = 0x0", &ev) == 1 && ev.u.apic.reg == 0x3f0 &&
	   ev.u.apic.write == 0, "SELF_IPI read");
	ok(kvmline("kvm_apic", "apic_read 0x3a0 = 0x5", &ev) == 1 && ev.u.apic.reg == 0x3a0 &&
	   ev.u.apic.val == 5, "unnamed register as hex");
	ok(kvmline("kvm_apic", "apic_write APIC_NOPE = 0x0", &ev) < 0, "unknown name refused");
	ok(kvmline("kvm_apic", "apic_read ffffffff = 0x0", &ev) == 1 && ev.u.apic.reg == UINT32_MAX,
	   "register 2^32 - 1 as hex");

	/* x2apic.v7-zstd.report.txt.gz */
	ok(kvmline("kvm_msr", "msr_write 838 = 0x186a0", &ev) == 1 && ev.kind == KX_EV_MSR &&
	   ev.u.msr.index == 0x838 && ev.u.msr.write == 1 && ev.u.msr.data == 0x186a0 &&
	   ev.u.msr.exception == 0, "kvm_msr write");
	ok(kvmline("kvm_msr", "msr_read 1b = 0xfee00900", &ev) == 1 && ev.u.msr.index == 0x1b &&
	   ev.u.msr.write == 0, "kvm_msr read");
	ok(kvmline("kvm_msr", "msr_write 6e0 = 0x1234 (#GP)", &ev) == 1 && ev.u.msr.exception == 1,
	   "kvm_msr #GP");
	ok(kvmline("kvm_msr", "msr_write 83g = 0x0", &ev) < 0, "garbage msr index refused");
	ok(kvmline("kvm_msr", "msr_write ffffffff = 0x0", &ev) == 1 && ev.u.msr.index == UINT32_MAX,
	   "msr index 2^32 - 1");

	ok(kvmline("kvm_mmio", "mmio write len 4 gpa 0xfee000f0 val 0x1ff", &ev) == 1 &&
	   ev.kind == KX_EV_MMIO && ev.u.mmio.type == KX_MMIO_WRITE && ev.u.mmio.len == 4 &&
	   ev.u.mmio.gpa == 0xfee000f0 && ev.u.mmio.val == 0x1ff, "kvm_mmio write");
	ok(kvmline("kvm_mmio", "mmio read len 4 gpa 0xfee00030 val 0x50014", &ev) == 1 &&
	   ev.u.mmio.type == KX_MMIO_READ, "kvm_mmio read");
	ok(kvmline("kvm_mmio", "mmio unsatisfied-read len 4 gpa 0xfee00030 val 0x0", &ev) == 1 &&
	   ev.u.mmio.type == KX_MMIO_UNSATISFIED_READ, "kvm_mmio unsatisfied-read");
	/* a type the print fmt has no name for is printed as its number */
	ok(kvmline("kvm_mmio", "mmio 7 len 4 gpa 0xfee00030 val 0x0", &ev) == 1 && ev.u.mmio.type == 7,
	   "kvm_mmio type by number");
	ok(kvmline("kvm_mmio", "mmio ffffffff len 4 gpa 0x0 val 0x0", &ev) == 1 &&
	   ev.u.mmio.type == UINT32_MAX, "kvm_mmio type 2^32 - 1");

	/* ftrace-trace-kvm.txt.gz (trailing blank trimmed by the line parser) */
	ok(kvmline("kvm_pio", "pio_write at 0x3f8 size 1 count 1 val 0x0", &ev) == 1 &&
	   ev.kind == KX_EV_PIO && ev.u.pio.port == 0x3f8 && ev.u.pio.write == 1 &&
	   ev.u.pio.size == 1 && ev.u.pio.count == 1 && ev.u.pio.val == 0, "kvm_pio");
	ok(kvmline("kvm_pio", "pio_read at 0x60 size 2 count 4 val 0xab (...)", &ev) == 1 &&
	   ev.u.pio.write == 0 && ev.u.pio.count == 4 && ev.u.pio.val == 0xab, "kvm_pio read, count > 1");

	ok(kvmline("kvm_userspace_exit", "reason KVM_EXIT_IO (2)", &ev) == 1 &&
	   ev.kind == KX_EV_USERSPACE_EXIT && ev.u.uexit.reason == 2 && ev.u.uexit.err == 0,
	   "kvm_userspace_exit IO");
	ok(kvmline("kvm_userspace_exit", "reason KVM_EXIT_HLT (5)", &ev) == 1 && ev.u.uexit.reason == 5,
	   "kvm_userspace_exit HLT");
	ok(kvmline("kvm_userspace_exit", "reason restart (4)", &ev) == 1 && ev.u.uexit.err == -4,
	   "kvm_userspace_exit restart");
	ok(kvmline("kvm_userspace_exit", "reason error (14)", &ev) == 1 && ev.u.uexit.err == -14,
	   "kvm_userspace_exit error");
	ok(kvmline("kvm_userspace_exit", "reason restart (-4)", &ev) == 1 && ev.u.uexit.err == -4 &&
	   ev.u.uexit.reason == 0, "kvm_userspace_exit with the errno's sign");
	ok(kvmline("kvm_userspace_exit", "reason KVM_EXIT_MMIO (2147483647)", &ev) == 1 &&
	   ev.u.uexit.reason == INT32_MAX && ev.u.uexit.err == 0, "kvm_userspace_exit reason 2^31 - 1");

	/* x2apic.v7-zstd.report.txt.gz */
	ok(kvmline("kvm_eoi", "apicid 0 vector -1", &ev) == 1 && ev.kind == KX_EV_EOI &&
	   ev.u.eoi.apicid == 0 && ev.u.eoi.vector == -1, "kvm_eoi vector -1");
	ok(kvmline("kvm_eoi", "apicid 1f vector 236", &ev) == 1 && ev.u.eoi.apicid == 0x1f &&
	   ev.u.eoi.vector == 236, "kvm_eoi apicid in hex");
	/* the vector is an int: both of its ends (one past each: refused_kvm) */
	ok(kvmline("kvm_eoi", "apicid 0 vector 2147483647", &ev) == 1 && ev.u.eoi.vector == INT32_MAX,
	   "kvm_eoi vector 2^31 - 1");
	ok(kvmline("kvm_eoi", "apicid 0 vector -2147483648", &ev) == 1 && ev.u.eoi.vector == INT32_MIN,
	   "kvm_eoi vector -2^31");

	ok(kvmline("kvm_fpu", "load", &ev) == 0, "other kvm event: not decoded");
}

/* "[FAILED TO PARSE] name=value ...": libtraceevent's output when a print fmt does not parse */
/* kvm event texts that must be refused: numbers past their types, broken forms */
static const struct {
	const char *event, *text, *why;
} refused_kvm[] = {
	{ "kvm_exit", "vcpu 2147483648 reason HLT rip 0x1 info 0 0", "vcpu past int32" },
	{ "kvm_exit", "reason UNKNOWN (4294967296) rip 0x1000 info 0 0", "plugin unknown code past 32 bits" },
	{ "kvm_exit", "reason EPT_VIOLATION rip 0x1 info d82", "old form without info2" },
	{ "kvm_apic", "apic_read 100000000 = 0x0", "register past 32 bits" },
	{ "kvm_apic", "apic_write", "apic_write without a register" },
	{ "kvm_apic", "[FAILED TO PARSE] rw=0 reg=4294967296 val=0", "raw u32 field past 32 bits" },
	{ "kvm_msr", "msr_write 100000000 = 0x0", "msr index past 32 bits" },
	{ "kvm_msr", "msr_ 838 = 0x0", "neither read nor write" },
	{ "kvm_msr", "msr_write838 = 0x0", "write glued to the index" },
	{ "kvm_mmio", "mmio bogus len 4 gpa 0xfee00030 val 0x0", "kvm_mmio of an unknown type" },
	{ "kvm_mmio", "mmio 100000000 len 4 gpa 0x0 val 0x0", "kvm_mmio type past 32 bits" },
	{ "kvm_userspace_exit", "reason KVM_EXIT_MMIO (2147483648)", "kvm_userspace_exit reason past int32" },
	{ "kvm_userspace_exit", "reason KVM_EXIT_IO 2", "number without parentheses" },
	{ "kvm_userspace_exit", "reason KVM_EXIT_IO (2", "unclosed parenthesis" },
	{ "kvm_userspace_exit", "reason KVM_EXIT_IO (22", "unclosed parenthesis after two digits" },
	{ "kvm_userspace_exit", "reason KVM_EXIT_IO 2)", "unopened parenthesis" },
	{ "kvm_userspace_exit", "reason KVM_EXIT_IO ()", "empty parentheses" },
	{ "kvm_eoi", "apicid 0 vector 2147483648", "kvm_eoi vector past int" },
	{ "kvm_eoi", "apicid 0 vector -2147483649", "kvm_eoi vector below int" },
	{ "kvm_eoi", "apicid 0 vector x", "kvm_eoi vector not a number" },
	{ "kvm_eoi", "apicid 0 vector 5 x", "kvm_eoi with more after the vector" },
};

static void test_raw(void)
{
	struct kx_event ev;

	ok(kvmline("kvm_exit", "[FAILED TO PARSE] exit_reason=2147483681 guest_rip=0xffffffff81001000 isa=1 info1=0x380 info2=0x0 intr_info=0 error_code=0 vcpu_id=2 requests=0x0", &ev) == 1,
	   "raw kvm_exit parses");
	is_str(reason(&ev), "INVALID_STATE", "raw: VMX name of code 33");
	is_u64(ev.u.exit.code, 33, "raw: code, flags masked");
	is_u64(ev.u.exit.flags, 0x80000000u, "raw: flag bits");
	is_u64(ev.u.exit.isa, KX_ISA_VMX, "raw: isa");
	ok(ev.u.exit.info1 == 0x380 && ev.u.exit.has_info, "raw: info1");
	is_u64(ev.vcpu, 2, "raw: vcpu_id");
	is_u64(ev.u.exit.guest_mode, KX_GUEST_KERNEL, "raw: guest_rip in the upper half");
	ok(kvmline("kvm_exit", "[FAILED TO PARSE] exit_reason=1024 guest_rip=0x1 isa=2 info1=0x6 info2=0xfee000b0", &ev) == 1 &&
	   ev.u.exit.code == 0x400 && ev.u.exit.isa == KX_ISA_SVM, "raw SVM exit");
	is_u64(ev.u.exit.guest_mode, KX_GUEST_USER, "raw: guest_rip 0x1: guest user");
	/* SVM NPF: info2 0xfee000b0 is EOI in the APIC page, info1 bit 1 a write */
	ok(ev.key_via == KX_SKV_EXIT_INFO && kx_subkey_unpack(ev.key).cls == KX_SK_APIC &&
	   kx_subkey_unpack(ev.key).id == 0xb0 && kx_subkey_unpack(ev.key).access == KX_SKA_WRITE,
	   "raw SVM NPF: the reader classifies it as APIC EOI write");
	is_str(reason(&ev), "npf", "raw SVM: name from the table");
	ok(kvmline("kvm_exit", "[FAILED TO PARSE] exit_reason=999 guest_rip=0x1 isa=1", &ev) == 1,
	   "raw exit of an unnamed code");
	is_str(reason(&ev), "999", "unnamed code: named in decimal");
	ok(kvmline("kvm_exit", "[FAILED TO PARSE] guest_rip=0x1 isa=1", &ev) < 0, "raw exit without exit_reason refused");
	ok(kvmline("kvm_entry", "[FAILED TO PARSE] vcpu_id=3 rip=0x10 immediate_exit=0", &ev) == 1 &&
	   ev.kind == KX_EV_ENTRY && ev.vcpu == 3, "raw kvm_entry");
	ok(kvmline("kvm_apic", "[FAILED TO PARSE] rw=1 reg=896 val=100000", &ev) == 1 &&
	   ev.kind == KX_EV_APIC && ev.u.apic.reg == 0x380 && ev.u.apic.write == 1 &&
	   ev.u.apic.val == 100000, "raw kvm_apic");
	ok(kvmline("kvm_msr", "[FAILED TO PARSE] write=1 ecx=2104 data=100000 exception=0", &ev) == 1 &&
	   ev.kind == KX_EV_MSR && ev.u.msr.index == 0x838 && ev.u.msr.data == 100000 &&
	   ev.u.msr.write == 1 && ev.u.msr.exception == 0, "raw kvm_msr");
	ok(kvmline("kvm_mmio", "[FAILED TO PARSE] type=2 len=4 gpa=4276093104 val=0", &ev) == 1 &&
	   ev.kind == KX_EV_MMIO && ev.u.mmio.gpa == 0xfee000b0 && ev.u.mmio.type == KX_MMIO_WRITE &&
	   ev.u.mmio.len == 4 && ev.u.mmio.val == 0, "raw kvm_mmio");
	ok(kvmline("kvm_pio", "[FAILED TO PARSE] rw=1 port=1016 size=1 count=1 val=65 data=ARRAY[41, 00]", &ev) == 1 &&
	   ev.kind == KX_EV_PIO && ev.u.pio.port == 0x3f8 && ev.u.pio.val == 65 && ev.u.pio.write == 1 &&
	   ev.u.pio.size == 1 && ev.u.pio.count == 1, "raw kvm_pio, array field skipped");
	ok(kvmline("kvm_userspace_exit", "[FAILED TO PARSE] reason=2 errno=-4", &ev) == 1 &&
	   ev.kind == KX_EV_USERSPACE_EXIT && ev.u.uexit.reason == 2 && ev.u.uexit.err == -4,
	   "raw kvm_userspace_exit, negative errno");
	ok(kvmline("kvm_eoi", "[FAILED TO PARSE] apicid=0 vector=-1", &ev) == 1 && ev.kind == KX_EV_EOI &&
	   ev.u.eoi.apicid == 0 && ev.u.eoi.vector == -1,
	   "raw kvm_eoi");
	/* trace-cmd report -R */
	ok(kvmline("kvm_exit", "exit_reason=12 guest_rip=0xffffffff81001000 isa=1 info1=0x0 info2=0x0", &ev) == 1,
	   "report -R kvm_exit");
	is_str(reason(&ev), "HLT", "report -R: name of code 12");
	/* x2apic.v7-zstd.dat through trace-cmd report -R: ecx printed with %x */
	ok(kvmline("kvm_msr", "write=1 ecx=80f data=0x1ff exception=0", &ev) == 1 && ev.u.msr.index == 0x80f &&
	   ev.u.msr.data == 0x1ff, "report -R kvm_msr: ecx in hex");
	ok(kvmline("kvm_eoi", "apicid=1f vector=64", &ev) == 1 && ev.u.eoi.apicid == 0x1f &&
	   ev.u.eoi.vector == 64, "report -R kvm_eoi: apicid in hex");
	ok(kvmline("kvm_apic", "rw=1 reg=240 val=0x1ff", &ev) == 1 && ev.u.apic.reg == 0xf0,
	   "report -R kvm_apic: reg in decimal");
	ok(kvmline("kvm_mmio", "type=2 len=4 gpa=0xfee000f0 val=0x1ff", &ev) == 1 &&
	   ev.u.mmio.gpa == 0xfee000f0, "report -R kvm_mmio");
	ok(kvmline("kvm_msr", "write=1 ecx=8zz data=0x1ff exception=0", &ev) < 0, "report -R garbage ecx refused");
	ok(kvmline("kvm_apic", "[FAILED TO PARSE] rw=0 reg=4294967295 val=0", &ev) == 1 &&
	   ev.u.apic.reg == UINT32_MAX, "raw u32 field at 2^32 - 1");
	/* more fields than the raw parser keeps: the first sixteen are read, no more */
	ok(kvmline("kvm_apic", "[FAILED TO PARSE] rw=1 reg=896 val=5 a=1 b=2 c=3 d=4 e=5 f=6 g=7 h=8 i=9 j=10 k=11 l=12 m=13 n=14 o=15 p=16",
		   &ev) == 1 && ev.u.apic.reg == 0x380 && ev.u.apic.val == 5, "raw line of nineteen fields");
}

static void test_refused_kvm(void)
{
	struct kx_event ev;

	for (size_t i = 0; i < sizeof(refused_kvm) / sizeof(refused_kvm[0]); i++)
		ok(kvmline(refused_kvm[i].event, refused_kvm[i].text, &ev) < 0, "refused: %s: %s",
		   refused_kvm[i].event, refused_kvm[i].why);
}

int main(void)
{
	struct kx_names *names = kx_names_new();

	kx_text_kvm_init(&kvm, names);
	test_ts();
	test_numbers();
	test_lines();
	test_exit();
	test_helpers();
	test_raw();
	test_refused_kvm();
	kx_text_kvm_free(&kvm);
	kx_names_free(names);
	return done_testing();
}
