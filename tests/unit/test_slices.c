// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_slices.c - the report from time slices read in parallel must be the
 * single pass's, byte for byte (JSON with histograms and the 64 longest
 * exits), and the slices must
 * really be used: kx-synth (an independent writer) makes a trace with
 * vCPUs migrating between CPUs, lost events, userspace exits, long idle
 * exits and two buffers, read as 2, 3, 5 and 8 slices, with and without
 * filters, uncompressed and zstd, also with 16 KiB sub-buffers and as a
 * perf.data file whose rounds overlap in time, and the real VMX host
 * recording of the corpus in 3 to 7 slices. Inputs the slices cannot prove
 * right must fall back to the single pass: timestamps out of order, a
 * thread that never enters (kvm_entry unreadable), perf.data without
 * FINISHED_ROUND or with a sample late or early by 100 ms; a perf.data cut
 * moved in time or place must not join; compressed data on two threads is
 * left to the pipeline. The timer cycles from slices must be the single
 * pass's too, every cycle with its number, segments and keys (as --worst
 * lists them) besides the totals, also for a cycle longer than a slice;
 * --list, which prints cycles as they complete, is left to the single pass.
 */
#define _GNU_SOURCE	/* memmem */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kx_attrib.h"
#include "kx_json.h"
#include "kx_render_cycles.h"
#include "kx_slices.h"
#include "report_json.h"
#include "tap.h"

static const char scenario[] =
	"kernel 6.18\nisa vmx\nclock local\ncpus 4\nbuffer second\nseed 5\n"
	"vcpu tid=9001 vcpu=0 vm=9000 cpu=0 {\n entry\n repeat 4000 {\n"
	"  guest lognormal median=4us sigma=0.8\n  choose {\n"
	"   4: exit APIC_ACCESS apic write EOI lognormal median=2us sigma=0.5\n"
	"   2: exit MSR_WRITE msr write 0x830 val=0x2000000fd 1500ns\n"
	"   1: exit IO_INSTRUCTION pio out 0x3f8 userspace 2us lognormal median=20us sigma=1\n"
	"   1: exit HLT lognormal median=200us sigma=2\n"
	"   1: exit HLT lost 3 50us\n"
	"   1: { migrate cpu 1 ; exit EXTERNAL_INTERRUPT 900ns }\n"
	"   1: { migrate cpu 0 ; exit EXTERNAL_INTERRUPT 900ns }\n  }\n }\n"
	" exit HLT unfinished 5us\n}\n"
	"vcpu tid=9002 vcpu=1 vm=9000 cpu=2 start=3us {\n entry\n repeat 4000 {\n"
	"  guest lognormal median=3us sigma=0.8\n  choose {\n"
	"   4: exit APIC_WRITE apic write TMICT val=0x2710 1us\n"
	"   1: exit HLT lognormal median=500us sigma=2\n"
	"   1: { lost cpu 2 count 5 ; exit CPUID 700ns }\n"
	"   1: { migrate cpu 3 ; exit EXTERNAL_INTERRUPT 900ns }\n"
	"   1: { migrate cpu 2 ; exit EXTERNAL_INTERRUPT 900ns }\n"
	"   1: { entry ; exit CPUID 1us }\n  }\n }\n}\n"
	"vcpu tid=9101 vcpu=0 vm=9100 cpu=1 buffer=second start=1us {\n entry\n"
	" repeat 3000 {\n  guest lognormal median=5us sigma=0.6\n"
	"  exit MSR_WRITE msr write 0x6e0 1us\n  guest 2us\n  exit HLT 40us\n }\n}\n";

/*
 * Lost markers every 20 us on the CPU where another thread sits in 100 us
 * exits: a slice that starts while that one runs its guest defers its
 * exit, and the next marker must break it although earlier ones were kept.
 */
static const char markers[] =
	"kernel 6.18\nisa vmx\nclock local\ncpus 1\n"
	"vcpu tid=9201 vcpu=0 cpu=0 {\n entry\n repeat 600 {\n"
	"  guest 10us\n  exit HLT lost 1 10us\n }\n}\n"
	"vcpu tid=9202 vcpu=1 cpu=0 start=5us {\n entry\n repeat 60 {\n"
	"  guest 100us\n  exit CPUID 100us\n }\n}\n";

/*
 * Timer cycles across slice edges: vCPU 0's middle cycle runs through 20000
 * EOI exits (the slices in between see only its lead-in, more segments
 * than a cycle keeps); vCPU 1 programs its timer every few exits, vCPU 2
 * only in HLT-long cycles, and vCPU 3 in 1 ms exits: a cut in one of them
 * makes the slice after complete vCPU 1's cycles before vCPU 3 enters, and
 * the join completes vCPU 3's cycle there, at its first entry.
 */
static const char long_cycle[] =
	"kernel 6.18\nisa vmx\nclock local\ncpus 4\nseed 7\n"
	"vcpu tid=8001 vcpu=0 cpu=0 {\n entry\n"
	" repeat 1500 {\n  guest lognormal median=3us sigma=0.5\n"
	"  exit APIC_WRITE apic write TMICT val=0x100 1us\n }\n"
	" repeat 20000 {\n  guest 2us\n  choose {\n"
	"   3: exit APIC_ACCESS apic write EOI 1us\n   1: exit HLT 5us\n"
	"   1: exit EPT_MISCONFIG mmio write 0xfebd1000 len=4 2us\n  }\n }\n"
	" repeat 1500 {\n  guest 3us\n  exit MSR_WRITE msr write 0x6e0 1us\n }\n}\n"
	"vcpu tid=8002 vcpu=1 cpu=1 start=1us {\n entry\n repeat 12000 {\n"
	"  guest lognormal median=3us sigma=0.8\n  choose {\n"
	"   2: exit APIC_ACCESS apic write EOI 1us\n"
	"   1: exit APIC_WRITE apic write TMICT val=0x2710 1us\n"
	"   1: { migrate cpu 2 ; exit EXTERNAL_INTERRUPT 900ns }\n"
	"   1: { migrate cpu 1 ; exit EXTERNAL_INTERRUPT 900ns }\n  }\n }\n}\n"
	"vcpu tid=8003 vcpu=2 cpu=2 start=2us {\n entry\n repeat 100 {\n"
	"  guest 20us\n  exit HLT lognormal median=500us sigma=1\n"
	"  guest 1us\n  exit APIC_WRITE apic write TMICT val=0x10 1us\n }\n}\n"
	"vcpu tid=8004 vcpu=3 cpu=3 start=3us {\n entry\n repeat 60 {\n  guest 100us\n"
	"  exit APIC_WRITE apic write TMICT val=0x100 lognormal median=1ms sigma=0.3\n }\n}\n";

/*
 * Two vCPUs in lockstep on two CPUs: at every cut their first timer exits
 * complete at the same time, in an order only the merge of the streams
 * knows.
 */
static const char twins[] =
	"kernel 6.18\nisa vmx\nclock local\ncpus 2\n"
	"vcpu tid=6001 vcpu=0 cpu=0 {\n entry\n repeat 6000 {\n  guest 3us\n"
	"  exit APIC_WRITE apic write TMICT val=0x100 1us\n  guest 2us\n"
	"  exit APIC_ACCESS apic write EOI 1us\n }\n}\n"
	"vcpu tid=6002 vcpu=1 cpu=1 {\n entry\n repeat 6000 {\n  guest 3us\n"
	"  exit APIC_WRITE apic write TMICT val=0x100 1us\n  guest 2us\n"
	"  exit APIC_ACCESS apic write EOI 1us\n }\n}\n";

/* One vCPU, many exits: with kvm_entry unreadable, more than a slice may defer. */
static const char many_exits[] =
	"kernel 6.18\nisa vmx\nclock local\ncpus 2\n"
	"vcpu tid=7001 vcpu=0 cpu=0 {\n entry\n repeat 20000 {\n"
	"  guest 1us\n  exit CPUID 1us\n  guest 1us\n  exit HLT 2us\n }\n}\n";

#define HOST_TRACE "../shared/corpus/vmx-host/ma-host-2vcpu.dat"
/* perf record -e 'kvm:*' of a guest's APIC timer loop: 31 and 34 rounds, no exits on that host */
#define PERF_X2APIC "../shared/corpus/emulated/perf-x2apic.data"
#define PERF_XAPIC "../shared/corpus/emulated/perf-xapic.data"
/* 718 rounds, LOST records (in every slice), samples out of order, losses counted at the end */
#define PERF_LOST "../shared/corpus/local/perf-lost.data"

static char dir[64];

static char *path_in(const char *name)
{
	static char buf[4][128];
	static unsigned i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

/* --longest: the longest exits' list is part of the report compared */
#define LONGEST	64

/* The single pass, as kvmexit-stat report --threads 1 makes it. */
static char *single_pass(const char *path, const struct kx_filter *filter, bool by_thread)
{
	struct kx_source_opts so = { .threads = 1 };
	struct kx_diag diag = { "" };
	struct kx_attrib *a = kx_attrib_new(by_thread, LONGEST);
	struct kx_report *r = NULL;
	struct kx_run run;

	if (!a || kx_run_open(&run, path, &so, filter, &diag) < 0)
		return NULL;
	run.on_helper = kx_attrib_event;
	run.helper_ctx = a;
	if (kx_run_stream(&run, kx_attrib_interval, a, &diag) || kx_report_build(&run, a, &r))
		r = NULL;
	kx_run_close(&run);
	return r ? report_json(r) : NULL;
}

static int sliced(const char *path, unsigned threads, const struct kx_filter *filter,
		  bool by_thread, char **json, struct kx_slices_stats *st)
{
	struct kx_source_opts so = { .threads = threads };
	struct kx_report *r;
	int err = kx_slices_report(path, &so, filter, by_thread, LONGEST, &r, st);

	*json = err ? NULL : report_json(r);
	return err;
}

/*
 * Every count of @threads (0-terminated) cuts @path in as many slices (with
 * @by_thread, where each slice holds every vCPU's histograms, as many as
 * the memory budget holds: at least two), with the single pass's report.
 */
static void same_in(const char *path, const char *name, const unsigned *threads,
		    const struct kx_filter *filter, bool by_thread, const char *what)
{
	char *want = single_pass(path, filter, by_thread);

	ok(want != NULL, "%s, %s: the single pass reads it", name, what);
	for (; *threads; threads++) {
		struct kx_slices_stats st;
		char *got = NULL, msg[160];
		int err = sliced(path, *threads, filter, by_thread, &got, &st);

		snprintf(msg, sizeof(msg), "%s, %s, %u threads: read in slices", name, what,
			 *threads);
		is_u64(err, 0, msg);
		snprintf(msg, sizeof(msg), "%s, %s: %u slices", name, what, *threads);
		if (by_thread)
			ok(st.slices >= 2 && st.slices <= *threads, "%s (%u)", msg, st.slices);
		else
			is_u64(st.slices, *threads, msg);
		ok(st.deferred > 0, "%s, %s, %u slices: %zu events replayed", name, what,
		   *threads, st.deferred);
		ok(want && got && strcmp(want, got) == 0, "%s, %s, %u slices: the same report",
		   name, what, *threads);
		free(got);
	}
	free(want);
}

static void same_as_single_pass(const char *name, const struct kx_filter *filter, bool by_thread,
				const char *what)
{
	static const unsigned threads[] = { 2, 3, 5, 8, 0 };

	/* compressed data is cut from three threads on */
	same_in(path_in(name), name, threads + (strstr(name, ".zst") ? 1 : 0), filter, by_thread,
		what);
}

static void not_split(const char *name, const char *why)
{
	struct kx_filter all = { .vcpu = -1, .pid = -1 };
	char *got = NULL, msg[160];

	snprintf(msg, sizeof(msg), "%s: %s, left to the single pass", name, why);
	is_u64(sliced(path_in(name), 2, &all, false, &got, NULL), KX_SLICES_NOT_SPLIT, msg);
	free(got);
}

/* Copy @from to @to with @old (each of its occurrences after @after) turned into @new. */
static int rewrite(const char *from, const char *to, const char *after, const char *old,
		   const char *new)
{
	FILE *f = fopen(from, "rb");
	char *d, *p;
	long n;
	int ret = -1;

	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	d = malloc((size_t)n + 1);
	if (d && fread(d, 1, (size_t)n, f) == (size_t)n) {
		p = memmem(d, (size_t)n, after, strlen(after));
		/* within the next 1000 bytes: the one format block */
		for (char *q = p; p && (q = memmem(q, (size_t)(d + n - q), old, strlen(old))) &&
				  q < p + 1000; q++) {
			memcpy(q, new, strlen(new));
			ret = 0;
		}
		fclose(f);
		f = fopen(to, "wb");
		if (!f || fwrite(d, 1, (size_t)n, f) != (size_t)n)
			ret = -1;
	}
	if (f)
		fclose(f);
	free(d);
	return ret;
}

/* Copy @from to @to, changed on the way by @change (0 or -1). Return: 0 or -1. */
static int copy_changed(const char *from, const char *to,
			int (*change)(unsigned char *d, long n, const void *arg), const void *arg)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	unsigned char *d = NULL;
	long n = -1;
	int ret = -1;

	if (in && out && !fseek(in, 0, SEEK_END) && (n = ftell(in)) > 0 && !fseek(in, 0, SEEK_SET))
		d = malloc((size_t)n);
	if (d && fread(d, 1, (size_t)n, in) == (size_t)n && change(d, n, arg) == 0)
		ret = fwrite(d, 1, (size_t)n, out) == (size_t)n ? 0 : -1;
	if (in)
		fclose(in);
	if (out && fclose(out))
		ret = -1;
	free(d);
	return ret;
}

/*
 * A ring-buffer page in the middle of the data (v6 pages are 4 KiB aligned)
 * whose header time is 1000 s late: its events come out of order.
 */
static int unorder(unsigned char *d, long n, const void *arg)
{
	long mid = n / 2 / 4096 * 4096;
	uint64_t ts;

	(void)arg;
	memcpy(&ts, d + mid, sizeof(ts));
	ts += 1000000000000ull;
	memcpy(d + mid, &ts, sizeof(ts));
	return 0;
}

/*
 * A perf.data file with each record of @type turned into @new_type (0:
 * kept; with @late_half, only past the middle SAMPLE), the time of the
 * middle SAMPLE @age ns older (IDENTIFIER, IP, TID, TIME: at byte 32 of the
 * record), and with @end_losses the last SAMPLE turned into the losses perf
 * counts at the end of the run (LOST_SAMPLES without a time, 7 lost) and a
 * record of an unknown type filling the rest.
 */
struct perf_change {
	uint32_t type, new_type;
	uint64_t age;
	bool late_half, end_losses;
};

static int change_perf(unsigned char *d, long n, const void *arg)
{
	const struct perf_change *c = arg;
	uint64_t off, size, samples = 0, seen = 0, last = 0;

	memcpy(&off, d + 40, 8);	/* the data section: { u64 offset, size } after attrs */
	memcpy(&size, d + 48, 8);
	for (int pass = 0; pass < 2; pass++) {
		for (uint64_t at = off; at + 8 <= off + size && at + 8 <= (uint64_t)n;) {
			uint32_t t;
			uint16_t len;

			memcpy(&t, d + at, 4);
			memcpy(&len, d + at + 6, 2);
			if (len < 8)
				return -1;
			if (pass == 0 && t == 9) {
				samples++;
				last = at;
			}
			if (pass == 1 && t == 9 && ++seen == samples / 2 && c->age) {
				uint64_t ts;

				memcpy(&ts, d + at + 32, 8);
				ts -= c->age;
				memcpy(d + at + 32, &ts, 8);
			}
			if (pass == 1 && c->new_type && t == c->type &&
			    (!c->late_half || seen > samples / 2))
				memcpy(d + at, &c->new_type, 4);
			at += len;
		}
	}
	if (c->end_losses && last) {
		/* { u32 type, u16 misc, u16 size }, then the body */
		static const unsigned char losses[16] = { 13, 0, 0, 0, 0, 0, 16, 0, 7 };
		unsigned char filler[8] = { 0xff, 0x7f, 0, 0, 0, 0 };
		uint16_t len;

		memcpy(&len, d + last + 6, 2);
		len -= 16;
		memcpy(filler + 6, &len, 2);
		memcpy(d + last, losses, sizeof(losses));
		memcpy(d + last + 16, filler, sizeof(filler));
	}
	return 0;
}

/* Open @path as the slice between @from and @to (either NULL: the end) and read it through. */
static struct kx_source *read_slice_of(const char *path, const struct kx_cut *from,
				       const struct kx_cut *to)
{
	struct kx_source_opts so = { .threads = 1, .slices = 2 };
	struct kx_source *src;
	const struct kx_event *evs;
	struct kx_diag diag;

	so.slice_start = from ? from->ts : 0;
	so.slice_start_pos = from ? from->pos : 0;
	so.slice_end = to ? to->ts : 0;
	so.slice_end_pos = to ? to->pos : 0;
	if (kx_source_open(path, &so, &src, &diag) < 0)
		return NULL;
	while (kx_source_next_batch(src, &evs, &diag) > 0)
		;
	return src;
}

/*
 * The cut kx_source_split() makes in perf.data file @name, moved by @dt ns
 * and, with @next_record, to the record after it (not after a round end):
 * the two slices on either side must not join, unless nothing was moved.
 */
static void moved_cut(const char *name, int64_t dt, bool next_record, const char *what)
{
	struct kx_source_opts probe = { .threads = 1, .slice_start = 1 };
	struct kx_source *src, *a, *b;
	struct kx_diag diag;
	struct kx_cut cut;
	bool joins, moved = dt || next_record;

	if (kx_source_open(path_in(name), &probe, &src, &diag) < 0 ||
	    kx_source_split(src, 2, 0, 0, &cut) != 1) {
		ok(0, "%s: cut in two", name);
		kx_source_close(src);
		return;
	}
	kx_source_close(src);
	cut.ts += (uint64_t)dt;
	if (next_record) {
		FILE *f = fopen(path_in(name), "rb");
		uint16_t size = 0;

		if (f && !fseek(f, (long)cut.pos + 6, SEEK_SET) && fread(&size, 2, 1, f) == 1)
			cut.pos += size;
		if (f)
			fclose(f);
	}
	a = read_slice_of(path_in(name), NULL, &cut);
	b = read_slice_of(path_in(name), &cut, NULL);
	joins = a && b && kx_source_joins(a, b);
	ok(joins == !moved, "%s, cut %s: the slices %s", name, what, moved ? "do not join" : "join");
	kx_source_close(a);
	kx_source_close(b);
}

/* Write @text to @name.scn and run kx-synth with @outputs ("-o v6=... "). Return: 0 or -1. */
/*
 * The worst cycles listed: the comparisons see their numbers (seq,
 * index), segments and keys, not only the totals. 200 of them (0.5 MiB a
 * slice) leave room for 8 slices in the split's memory budget.
 */
#define WORST_LISTED	200

/* The cycles summary of @c (read from @src, as @co says): JSON, then the text tables. */
static char *cycles_summary(struct kx_cycles *c, const struct kx_source *src,
			    const struct kx_cycles_opts *co)
{
	struct kx_cycles_render r = { .cycles = c, .src = src, .file = "f", .worst = co->worst,
				      .by_host = co->worst_by_host };
	struct kx_json j;
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (kx_cycles_finish(c) == 0) {
		kx_json_init(&j, f, true);
		kx_cycles_json_begin(&j, &r, false);
		kx_cycles_json_end(&j, &r, false);
		kx_cycles_text_summary(f, &r);
	}
	fclose(f);
	return buf;
}

/* The cycles of one pass, as kvmexit-stat cycles --threads 1 finds them; *@n: how many. */
static char *cycles_single_pass(const char *path, const struct kx_filter *filter,
				const struct kx_cycles_opts *co, uint64_t *n)
{
	struct kx_source_opts so = { .threads = 1 };
	struct kx_diag diag = { "" };
	struct kx_cycles *c = kx_cycles_new(co);
	struct kx_run run;
	char *out = NULL;

	if (c && kx_run_open(&run, path, &so, filter, &diag) == 0) {
		if (kx_run_stream(&run, kx_cycles_sink, c, &diag) == 0) {
			out = cycles_summary(c, run.src, co);
			*n = kx_cycles_total(c)->cycles;
		}
		kx_run_close(&run);
	}
	kx_cycles_free(c);
	return out;
}

static int count_cycle(void *ctx, const struct kx_cycle *cy)
{
	return 0;
}

/* As same_in(), for the timer cycles read as @co says. */
static void cycles_opts_same_in(const char *path, const char *name, const unsigned *threads,
				const struct kx_filter *filter, const struct kx_cycles_opts *co,
				const char *what)
{
	uint64_t n = 0;
	char *want = cycles_single_pass(path, filter, co, &n);

	ok(want && n > 0, "%s, %s: the single pass finds %" PRIu64 " cycles", name, what, n);
	for (; *threads; threads++) {
		struct kx_source_opts so = { .threads = *threads };
		struct kx_slices_stats st;
		struct kx_cycles *c = NULL;
		struct kx_run run;
		char *got = NULL;
		int err = kx_slices_cycles(path, &so, filter, co, &run, &c, &st);

		ok(err == 0, "%s, %s, %u threads: cycles read in slices (%d)", name, what, *threads,
		   err);
		if (!err) {
			got = cycles_summary(c, run.src, co);
			kx_cycles_free(c);
			kx_run_close(&run);
		}
		is_u64(st.slices, *threads, "cycles: as many slices as threads");
		ok(want && got && strcmp(want, got) == 0, "%s, %s, %u slices: the same cycles",
		   name, what, *threads);
		free(got);
	}
	free(want);
}

/* As same_in(), for the timer cycles, the worst listed (@by_host: by host time). */
static void cycles_same_in(const char *path, const char *name, const unsigned *threads,
			   const struct kx_filter *filter, bool by_host, const char *what)
{
	const struct kx_cycles_opts co = { .worst = WORST_LISTED, .worst_by_host = by_host };

	cycles_opts_same_in(path, name, threads, filter, &co, what);
}

static int synth(const char *build, const char *name, const char *text, const char *outputs)
{
	char cmd[1024], scn[128];
	FILE *f;

	snprintf(scn, sizeof(scn), "%s.scn", path_in(name));
	f = fopen(scn, "w");
	if (!f || fputs(text, f) < 0 || fclose(f))
		return -1;
	snprintf(cmd, sizeof(cmd), "'%s/kx-synth' %s '%s' >/dev/null", build, outputs, scn);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const char *build = getenv("KX_BUILD") ? getenv("KX_BUILD") : "build";
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	struct kx_filter all = { .vcpu = -1, .pid = -1 }, vcpu1 = { .vcpu = 1, .pid = -1 },
			 tid = { .vcpu = -1, .pid = 9101 };
	/* --time 1000.3,1001.6 of s.dat's 1000 to 1001.95 s: its data quality is the window's */
	struct kx_filter middle = { .vcpu = -1, .pid = -1,
				    .from = { .whole = 1000, .ns = 300000000, .decimals = true,
					      .set = true },
				    .to = { .whole = 1001, .ns = 600000000, .decimals = true,
					    .set = true } };
	char outputs[512], cmd[128];

	snprintf(dir, sizeof(dir), "%s/kx-slices-XXXXXX", tmp);
	if (!ok(mkdtemp(dir) != NULL, "a temporary directory"))
		return done_testing();
	snprintf(outputs, sizeof(outputs), "-o v6='%s' -o v7-none='%s' -o v7-zstd='%s'",
		 path_in("s.dat"), path_in("s.v7.dat"), path_in("s.zst.dat"));
	if (!ok(synth(build, "s", scenario, outputs) == 0,
		"kx-synth writes the trace (v6, v7 none and zstd)"))
		return done_testing();

	same_as_single_pass("s.dat", &all, false, "report");
	same_as_single_pass("s.dat", &all, true, "--by vcpu");
	same_as_single_pass("s.dat", &vcpu1, true, "--vcpu 1 --by vcpu");
	same_as_single_pass("s.dat", &tid, false, "--pid 9101");
	same_as_single_pass("s.dat", &middle, false, "--time 1000.3,1001.6");
	same_as_single_pass("s.v7.dat", &all, true, "--by vcpu");
	same_as_single_pass("s.zst.dat", &all, true, "--by vcpu");
	same_as_single_pass("s.zst.dat", &vcpu1, false, "--vcpu 1");

	/* 16 KiB sub-buffers: a quarter of the pages to cut at */
	{
		static const unsigned big_threads[] = { 2, 3, 0 };
		char big[sizeof(scenario) + 32];

		snprintf(big, sizeof(big), "subbuf-size 16384\n%s", scenario);
		snprintf(outputs, sizeof(outputs), "-o v6='%s' -o v7-zstd='%s'",
			 path_in("s16k.dat"), path_in("s16k.zst.dat"));
		ok(synth(build, "s16k", big, outputs) == 0,
		   "kx-synth writes it with 16 KiB sub-buffers (v6, zstd)");
		same_in(path_in("s16k.dat"), "s16k.dat", big_threads, &all, true, "--by vcpu");
		same_in(path_in("s16k.zst.dat"), "s16k.zst.dat", big_threads + 1, &all, false,
			"report");
	}

	snprintf(outputs, sizeof(outputs), "-o v6='%s'", path_in("markers.dat"));
	ok(synth(build, "markers", markers, outputs) == 0, "kx-synth writes 600 lost markers");
	same_as_single_pass("markers.dat", &all, true, "--by vcpu");

	/* the real VMX host recording (zlib, 2 vCPUs on 20 CPUs): 3 to 7 slices of 64+ pages */
	if (access(HOST_TRACE, R_OK) == 0) {
		static const unsigned host_threads[] = { 3, 4, 5, 6, 7, 0 };

		same_in(HOST_TRACE, "ma-host-2vcpu.dat", host_threads, &all, true, "--by vcpu");
	} else {
		ok(1, "# SKIP %s not found", HOST_TRACE);
	}

	not_split("s.zst.dat", "compressed, two threads: the pipeline");
	ok(copy_changed(path_in("s.dat"), path_in("unordered.dat"), unorder, NULL) == 0,
	   "a copy out of order");
	not_split("unordered.dat", "a page's events out of order");
	snprintf(outputs, sizeof(outputs), "-o v6='%s'", path_in("many.dat"));
	ok(synth(build, "many", many_exits, outputs) == 0, "kx-synth writes 80000 events");
	ok(rewrite(path_in("many.dat"), path_in("noentry.dat"), "name: kvm_entry", "vcpu_id",
		   "vcpu_ix") == 0, "a copy whose kvm_entry has no vcpu_id field");
	not_split("noentry.dat", "no thread ever enters a slice: too many events deferred");

	/* perf.data: CPUs read 20 us apart in a round, so rounds overlap in time as perf's do */
	{
		char staggered[sizeof(scenario) + 32];

		snprintf(staggered, sizeof(staggered), "perf-stagger 20us\n%s", scenario);
		snprintf(outputs, sizeof(outputs), "-o perf='%s'", path_in("s.perf.data"));
		ok(synth(build, "sp", staggered, outputs) == 0,
		   "kx-synth writes it as perf.data, rounds overlapping");
	}
	same_as_single_pass("s.perf.data", &all, false, "report");
	same_as_single_pass("s.perf.data", &all, true, "--by vcpu");
	same_as_single_pass("s.perf.data", &middle, false, "--time 1000.3,1001.6");
	same_as_single_pass("s.perf.data", &tid, false, "--pid 9101");
	ok(copy_changed(path_in("s.perf.data"), path_in("noround.perf.data"), change_perf,
			&(struct perf_change){ .type = 68, .new_type = 0x7fff }) == 0,
	   "a copy without FINISHED_ROUND records");
	not_split("noround.perf.data", "no rounds: cannot be cut");
	ok(copy_changed(path_in("s.perf.data"), path_in("late.perf.data"), change_perf,
			&(struct perf_change){ .age = 100000000 }) == 0,
	   "a copy with a sample 100 ms late");
	not_split("late.perf.data", "a late event: one pass raises its time");
	ok(copy_changed(path_in("s.perf.data"), path_in("early.perf.data"), change_perf,
			&(struct perf_change){ .age = (uint64_t)-100000000 }) == 0,
	   "a copy with a sample 100 ms early");
	not_split("early.perf.data", "an event newer than the cut before it");
	/* end-of-run losses make a marker in one pass only if no LOST record is in the file */
	ok(copy_changed(path_in("s.perf.data"), path_in("endloss.perf.data"), change_perf,
			&(struct perf_change){ .type = 2, .new_type = 0x7fff, .end_losses = true }) == 0,
	   "a copy whose only losses are counted at the end of the run");
	{
		char *one = single_pass(path_in("endloss.perf.data"), &all, false);

		ok(one && strstr(one, "\"lost_events\": 7,") && strstr(one, "\"lost_markers\": 1,"),
		   "endloss.perf.data: one pass makes the end marker, 7 lost");
		free(one);
	}
	{
		/* --time: losses with no time count in every window, once in one that reaches the end */
		const struct kx_time ms1 = { .whole = 1000, .ns = 1000000, .decimals = true, .set = true };
		struct kx_filter before = { .vcpu = -1, .pid = -1, .to = ms1 };
		struct kx_filter to_end = { .vcpu = -1, .pid = -1, .from = ms1 };
		char *early = single_pass(path_in("endloss.perf.data"), &before, false);
		char *late = single_pass(path_in("endloss.perf.data"), &to_end, false);

		ok(early && strstr(early, "\"lost_events\": 7,") &&
		   strstr(early, "\"lost_markers\": 1,"),
		   "endloss.perf.data --time ,1000.001: the end-of-run losses count there too");
		ok(late && strstr(late, "\"lost_events\": 7,") && strstr(late, "\"lost_markers\": 1,"),
		   "endloss.perf.data --time 1000.001,: and once in a window to the end");
		free(early);
		free(late);
	}
	same_in(path_in("endloss.perf.data"), "endloss.perf.data", (const unsigned[]){ 2, 3, 0 },
		&all, false, "report: the last slice makes the marker");
	ok(copy_changed(path_in("s.perf.data"), path_in("halfloss.perf.data"), change_perf,
			&(struct perf_change){ .type = 2, .new_type = 0x7fff, .late_half = true,
					       .end_losses = true }) == 0,
	   "a copy with LOST records in its first half, losses counted at the end");
	not_split("halfloss.perf.data", "the last slice alone would make an end marker");
	moved_cut("s.perf.data", 0, false, "where it was made");
	moved_cut("s.perf.data", -1000, false, "1 us earlier");
	moved_cut("s.perf.data", 1000000000000, false, "past the last event");
	moved_cut("s.perf.data", 0, true, "one record later");

	/* real perf record files: ID_INDEX first, COMM/MMAP prologue, non-kvm samples */
	if (access(PERF_X2APIC, R_OK) == 0 && access(PERF_LOST, R_OK) == 0) {
		static const unsigned real_threads[] = { 2, 3, 6, 0 };
		same_in(PERF_X2APIC, "perf-x2apic.data", real_threads, &all, false, "report");
		same_in(PERF_XAPIC, "perf-xapic.data", real_threads, &all, true, "--by vcpu");
		/* 1.3 MB: four slices of 256 KiB at most */
		same_in(PERF_LOST, "perf-lost.data", (const unsigned[]){ 2, 3, 4, 0 }, &all, false,
			"report");
	} else {
		ok(1, "# SKIP the corpus perf.data files not found");
	}

	/* the timer cycles: TMICT and TSC_DEADLINE writes on three threads, broken by lost events */
	{
		static const unsigned threads[] = { 2, 3, 5, 8, 0 };
		struct kx_source_opts so = { .threads = 3 };
		struct kx_cycles_opts list = { .on_cycle = count_cycle };
		struct kx_cycles *c = NULL;
		struct kx_run run;

		cycles_same_in(path_in("s.dat"), "s.dat", threads, &all, false, "cycles");
		cycles_same_in(path_in("s.dat"), "s.dat", threads, &all, true, "cycles, by host");
		cycles_same_in(path_in("s.dat"), "s.dat", threads, &vcpu1, false, "cycles --vcpu 1");
		cycles_same_in(path_in("s.dat"), "s.dat", threads, &tid, false, "cycles --pid 9101");
		cycles_same_in(path_in("s.zst.dat"), "s.zst.dat", threads + 1, &all, false, "cycles");
		cycles_same_in(path_in("s.perf.data"), "s.perf.data", threads, &all, false, "cycles");
		if (access(HOST_TRACE, R_OK) == 0)
			cycles_same_in(HOST_TRACE, "ma-host-2vcpu.dat",
				       (const unsigned[]){ 3, 5, 7, 0 }, &all, false, "cycles");
		snprintf(outputs, sizeof(outputs), "-o v6='%s' -o perf='%s'", path_in("long.dat"),
			 path_in("long.perf.data"));
		ok(synth(build, "long", long_cycle, outputs) == 0,
		   "kx-synth writes a cycle of 20000 exits (v6, perf.data)");
		/* by host time: the long cycle is the worst */
		cycles_same_in(path_in("long.dat"), "long.dat", threads, &all, true, "cycles");
		cycles_same_in(path_in("long.perf.data"), "long.perf.data", threads, &all, true,
			       "cycles");
		snprintf(outputs, sizeof(outputs), "-o v6='%s'", path_in("twins.dat"));
		ok(synth(build, "twins", twins, outputs) == 0, "kx-synth writes two vCPUs in lockstep");
		cycles_opts_same_in(path_in("twins.dat"), "twins.dat", threads, &all,
				    &(struct kx_cycles_opts){ 0 }, "cycles, no worst listed");
		{
			struct kx_cycles_opts worst = { .worst = 10 };

			is_u64(kx_slices_cycles(path_in("twins.dat"), &so, &all, &worst, &run, &c,
						NULL), KX_SLICES_NOT_SPLIT,
			       "twins.dat, cycles --worst: cycles completed at the same time in the "
			       "join, order unknown: one pass");
		}
		is_u64(kx_slices_cycles(path_in("s.dat"), &so, &all, &list, &run, &c, NULL),
		       KX_SLICES_NOT_SPLIT, "cycles --list: one pass (cycles as they complete)");
	}

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ok(system(cmd) == 0, "the temporary directory is removed");
	return done_testing();
}
