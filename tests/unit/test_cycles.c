// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_cycles.c - timer-programming cycles from hand-built interval streams:
 * the seed pattern (guest 2 | EOI 11 | guest 9 | TMICT 11 -> guest 11, host
 * 22, ratio 2.00), TSC_DEADLINE, idle exits, breaks and gaps, interleaved
 * vCPUs, the worst-N heap, segment elision. Expected figures are the
 * durations the test itself laid out.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "kx_cycles.h"
#include "kx_subkey.h"
#include "tap.h"

#define US 1000ull

static const struct kx_subkey SK_EOI = { .cls = KX_SK_APIC, .id = 0xb0, .access = KX_SKA_WRITE,
					 .via = KX_SKV_MMIO_EVENT };
static const struct kx_subkey SK_EOI_X2 = { .cls = KX_SK_APIC, .id = 0xb0,
					    .access = KX_SKA_WRITE, .via = KX_SKV_MSR_EVENT,
					    .x2apic = 1 };
static const struct kx_subkey SK_TMICT = { .cls = KX_SK_APIC, .id = 0x380,
					   .access = KX_SKA_WRITE, .via = KX_SKV_APIC_EVENT };
static const struct kx_subkey SK_TMICT_X2 = { .cls = KX_SK_APIC, .id = 0x380,
					      .access = KX_SKA_WRITE, .x2apic = 1,
					      .via = KX_SKV_MSR_EVENT };
static const struct kx_subkey SK_TDL = { .cls = KX_SK_MSR, .id = 0x6e0, .access = KX_SKA_WRITE };
static const struct kx_subkey SK_LVTT = { .cls = KX_SK_APIC, .id = 0x320, .access = KX_SKA_WRITE };
static const struct kx_subkey SK_NONE;

#define REASON_HLT	7
#define REASON_EXTINT	3
#define REASON_IO	30

/* one vCPU thread's clock while the test lays out its timeline */
struct vcpu {
	int32_t tid;
	int32_t vcpu;
	uint16_t buffer;
	bool no_pid;		/* its pid not known yet (-1) */
	uint64_t now;
};

struct seen {
	int n;
	struct kx_cycle last;
	uint64_t guest_sum, host_sum;
};

static int on_cycle(void *ctx, const struct kx_cycle *cy)
{
	struct seen *s = ctx;

	s->n++;
	s->last = *cy;
	s->guest_sum += cy->guest;
	s->host_sum += cy->host;
	return 0;
}

/* @v's next interval, @dur long; @v's clock moves to its end */
static struct kx_interval next_interval(struct vcpu *v, uint32_t kind, uint64_t dur,
					const struct kx_subkey *sk, uint32_t reason, bool idle)
{
	struct kx_interval iv;

	memset(&iv, 0, sizeof(iv));
	iv.kind = kind;
	iv.tid = v->tid;
	iv.pid = v->no_pid ? -1 : 1;
	iv.vcpu = v->vcpu;
	iv.buffer = v->buffer;
	iv.start = v->now;
	iv.end = v->now + dur;
	iv.reason = reason;
	iv.idle = idle;
	if (sk)
		iv.subkey = *sk;
	v->now = iv.end;
	return iv;
}

static void feed(struct kx_cycles *c, struct vcpu *v, uint32_t kind, uint64_t dur,
		 const struct kx_subkey *sk, uint32_t reason, bool idle)
{
	struct kx_interval iv = next_interval(v, kind, dur, sk, reason, idle);

	if (kx_cycles_feed(c, &iv))
		ok(0, "feed failed");
}

static void guest(struct kx_cycles *c, struct vcpu *v, uint64_t dur)
{
	feed(c, v, KX_IV_GUEST, dur, NULL, 0, false);
}

static void exit_(struct kx_cycles *c, struct vcpu *v, uint64_t dur, const struct kx_subkey *sk)
{
	feed(c, v, KX_IV_EXIT, dur, sk, 1, false);
}

/* an I/O exit of which @user was spent in the VMM */
static void io_exit(struct kx_cycles *c, struct vcpu *v, uint64_t dur, uint64_t user)
{
	struct kx_interval iv = next_interval(v, KX_IV_EXIT, dur, NULL, REASON_IO, false);

	iv.user = user;
	if (kx_cycles_feed(c, &iv))
		ok(0, "feed failed");
}

/* Join @later into @c; both saw the same exit reason ids, so none is renumbered. */
static int join(struct kx_cycles *c, const struct kx_cycles *later)
{
	return kx_cycles_join(c, later, NULL, 0);
}

static struct kx_cycles *make(struct seen *s, uint32_t worst, bool by_host, bool lvtt)
{
	struct kx_cycles_opts o = {
		.lvtt = lvtt, .worst_by_host = by_host, .worst = worst,
		.on_cycle = s ? on_cycle : NULL, .ctx = s,
	};

	if (s)
		memset(s, 0, sizeof(*s));
	return kx_cycles_new(&o);
}

static uint64_t key_of(const struct kx_subkey *sk)
{
	struct kx_interval iv = { .kind = KX_IV_EXIT, .subkey = *sk };

	return kx_cycles_exit_key(&iv);
}

static void seed(bool x2apic)
{
	const char *mode = x2apic ? "x2APIC" : "xAPIC";
	struct seen s;
	struct kx_cycles *c = make(&s, 0, false, false);
	struct vcpu v = { .tid = 10, .vcpu = 0 };
	const struct kx_cycles_stats *st;
	struct kx_cycles_keyshare top[5];
	size_t ntop;

	for (int i = 0; i < 5; i++) {
		guest(c, &v, 2 * US);
		exit_(c, &v, 11 * US, x2apic ? &SK_EOI_X2 : &SK_EOI);
		guest(c, &v, 9 * US);
		exit_(c, &v, 11 * US, x2apic ? &SK_TMICT_X2 : &SK_TMICT);
	}
	ok(kx_cycles_finish(c) == 0, "%s seed: finish", mode);
	is_u64(s.n, 4, "seed: 5 timer writes make 4 cycles");
	is_u64(s.last.guest, 11 * US, "seed: guest 11us");
	is_u64(s.last.host, 22 * US, "seed: host 22us");
	is_u64(s.last.ratio, 20000, "seed: ratio 2.00");
	is_u64(s.last.exits, 2, "seed: 2 exits per cycle");
	is_u64(s.last.end - s.last.start, 33 * US, "seed: cycle spans 33us");
	is_u64(s.last.nsegs, 4, "seed: 4 segments");
	ok(s.last.segs[0].guest && s.last.segs[0].dur == 2 * US, "seed: guest 2us first");
	ok(!s.last.segs[1].guest && s.last.segs[1].dur == 11 * US &&
	   s.last.segs[1].key == key_of(&SK_EOI), "seed: then EOI 11us");
	ok(s.last.segs[2].guest && s.last.segs[2].dur == 9 * US, "seed: guest 9us");
	ok(s.last.segs[3].key == key_of(&SK_TMICT) && s.last.segs[3].dur == 11 * US,
	   "seed: TMICT 11us last");
	is_u64(s.last.nkeys, 2, "seed: two keys in the cycle");
	is_u64(s.last.keys[0].host, 11 * US, "seed: 11us per key");

	st = kx_cycles_total(c);
	is_u64(st->cycles, 4, "seed total: cycles");
	is_u64(st->timer_exits, 5, "seed total: timer exits");
	is_u64(st->guest_total, 44 * US, "seed total: guest");
	is_u64(st->host_total, 88 * US, "seed total: host");
	is_u64(st->idle_total, 0, "seed total: idle");
	is_u64(st->unfinished, 1, "seed: the tail after the last write is unfinished");
	is_u64(kx_hist_percentile(&st->ratio, 50), 20000, "seed: ratio p50");
	is_u64(kx_hist_percentile(&st->ratio, 99), 20000, "seed: ratio p99");
	is_u64(kx_hist_percentile(&st->host, 90), 22 * US, "seed: host p90");
	is_u64(st->guest.max, 11 * US, "seed: guest max");
	ntop = kx_cycles_top_keys(st, top, 5);
	is_u64(ntop, 2, "seed: two top keys");
	ok(top[0].share == 0.5 && top[1].share == 0.5, "seed: each key 50%%");
	ok(top[0].count == 4 && top[1].count == 4, "seed: each key once in each of 4 cycles");
	ok((top[0].key == key_of(&SK_EOI) && top[1].key == key_of(&SK_TMICT)) ||
	   (top[1].key == key_of(&SK_EOI) && top[0].key == key_of(&SK_TMICT)),
	   "seed: the keys are EOI and TMICT");
	is_u64(kx_cycles_nthreads(c), 1, "seed: one thread");
	kx_cycles_free(c);
}

static void tsc_deadline_and_idle(void)
{
	struct seen s;
	struct kx_cycles *c = make(&s, 0, false, false);
	struct vcpu v = { .tid = 11, .vcpu = 1 };
	const struct kx_cycles_stats *st;

	for (int i = 0; i < 3; i++) {
		guest(c, &v, 5 * US);
		exit_(c, &v, 3 * US, &SK_TDL);
	}
	is_u64(s.n, 2, "TSC_DEADLINE: 2 cycles");
	is_u64(s.last.guest, 5 * US, "TSC_DEADLINE: guest 5us");
	is_u64(s.last.host, 3 * US, "TSC_DEADLINE: host 3us");
	is_u64(s.last.ratio, 6000, "TSC_DEADLINE: ratio 0.60");

	/* guest 1 | HLT 100 (idle) | guest 1 | ext int 1 | guest 1 | TSC_DEADLINE 2 */
	guest(c, &v, 1 * US);
	feed(c, &v, KX_IV_EXIT, 100 * US, &SK_NONE, REASON_HLT, true);
	guest(c, &v, 1 * US);
	feed(c, &v, KX_IV_EXIT, 1 * US, &SK_NONE, REASON_EXTINT, false);
	guest(c, &v, 1 * US);
	exit_(c, &v, 2 * US, &SK_TDL);
	is_u64(s.n, 3, "idle cycle completes");
	is_u64(s.last.guest, 3 * US, "idle cycle: guest 3us");
	is_u64(s.last.host, 3 * US, "idle cycle: host excludes the HLT");
	is_u64(s.last.idle, 100 * US, "idle cycle: idle 100us");
	is_u64(s.last.exits, 3, "idle cycle: 3 exits");
	is_u64(s.last.idle_exits, 1, "idle cycle: 1 idle exit");
	is_u64(s.last.ratio, 10000, "idle cycle: ratio 1.00");
	ok(s.last.segs[1].idle, "idle cycle: HLT segment marked idle");
	ok(!s.last.segs[0].idle && !s.last.segs[2].idle, "idle cycle: guest segments are not idle");
	is_u64(s.last.segs[3].key, REASON_EXTINT, "exit without sub-key: keyed by reason");
	is_u64(s.last.nkeys, 2, "idle cycle: idle exit not in host keys");

	kx_cycles_finish(c);
	st = kx_cycles_thread(c, 0);
	is_u64(st->idle_total, 100 * US, "thread idle total");
	is_u64(st->host_total, 9 * US, "thread host total");
	is_u64(st->vcpu, 1, "thread vcpu id");
	st = kx_cycles_total(c);
	is_u64(st->exits, 5, "total: 5 exits in the 3 cycles");
	is_u64(st->idle_exits, 1, "total: 1 idle exit");
	ok(kx_cycles_finish(c) == 0 && kx_cycles_total(c)->cycles == 3 &&
	   kx_cycles_total(c)->exits == 5, "finishing again adds nothing");
	kx_cycles_free(c);
}

static void breaks(void)
{
	struct seen s;
	struct kx_cycles *c = make(&s, 0, false, false);
	struct vcpu v = { .tid = 12, .vcpu = 0 };
	struct kx_interval brk = { .kind = KX_IV_BREAK, .tid = 12 };
	const struct kx_cycles_stats *st;

	exit_(c, &v, 1 * US, &SK_TMICT);
	guest(c, &v, 4 * US);
	exit_(c, &v, 1 * US, &SK_EOI);
	brk.start = brk.end = v.now;
	kx_cycles_feed(c, &brk);
	/* after the break: an exit, then guest; no anchor until the next write */
	v.now += 50 * US;
	exit_(c, &v, 1 * US, &SK_EOI);
	guest(c, &v, 4 * US);
	exit_(c, &v, 1 * US, &SK_TMICT);
	is_u64(s.n, 0, "break: the open cycle is not completed");
	guest(c, &v, 7 * US);
	exit_(c, &v, 1 * US, &SK_TMICT);
	is_u64(s.n, 1, "break: the next pair of writes makes a cycle");
	is_u64(s.last.guest, 7 * US, "break: cycle after the break is clean");

	/* a gap (intervals that do not join up) also discards */
	guest(c, &v, 3 * US);
	v.now += 10 * US;
	exit_(c, &v, 1 * US, &SK_TMICT);
	is_u64(s.n, 1, "gap: no cycle across the hole");
	guest(c, &v, 2 * US);
	exit_(c, &v, 1 * US, &SK_TMICT);
	is_u64(s.n, 2, "gap: the write after the hole anchors anew");
	is_u64(s.last.guest, 2 * US, "gap: clean cycle");
	kx_cycles_finish(c);
	st = kx_cycles_total(c);
	is_u64(st->discarded, 2, "break and gap: 2 discarded");
	is_u64(st->cycles, 2, "break and gap: 2 cycles");
	kx_cycles_free(c);
}

/*
 * A thread's vCPU id and pid learnt after its first intervals, and a break
 * that the next interval joins up with: the break alone must end the cycle.
 */
static void learnt_late_and_seamless_break(void)
{
	struct seen s;
	struct kx_cycles *c = make(&s, 0, false, false);
	struct vcpu v = { .tid = 13, .vcpu = KX_VCPU_UNKNOWN, .no_pid = true };
	struct kx_interval brk = { .kind = KX_IV_BREAK, .tid = 13, .pid = -1, .vcpu = KX_VCPU_UNKNOWN };
	const struct kx_cycles_stats *st;

	exit_(c, &v, 1 * US, &SK_TMICT);
	guest(c, &v, 4 * US);
	brk.start = brk.end = v.now;
	kx_cycles_feed(c, &brk);
	v.vcpu = 5;
	v.no_pid = false;
	exit_(c, &v, 1 * US, &SK_TMICT);
	is_u64(s.n, 0, "seamless break: the open cycle is not completed");
	guest(c, &v, 2 * US);
	exit_(c, &v, 1 * US, &SK_TMICT);
	is_u64(s.n, 1, "seamless break: the writes after it make a cycle");
	is_u64(s.last.guest, 2 * US, "seamless break: only the guest time after it");
	kx_cycles_finish(c);
	is_u64(kx_cycles_nthreads(c), 1, "learnt late: still one thread");
	st = kx_cycles_thread(c, 0);
	is_u64(st->discarded, 1, "seamless break: the open cycle discarded");
	is_u64(st->vcpu, 5, "the vCPU id learnt after the first intervals");
	is_u64(st->pid, 1, "the pid learnt after the first intervals");
	kx_cycles_free(c);
}

/* The part of an exit spent in the VMM (after kvm_userspace_exit) is summed per cycle. */
static void userspace_time(void)
{
	struct seen s;
	struct kx_cycles *c = make(&s, 0, false, false);
	struct vcpu v = { .tid = 14, .vcpu = 2 };

	exit_(c, &v, 1 * US, &SK_TMICT);
	guest(c, &v, 2 * US);
	io_exit(c, &v, 8 * US, 5 * US);
	guest(c, &v, 2 * US);
	exit_(c, &v, 1 * US, &SK_TMICT);
	is_u64(s.n, 1, "userspace: one cycle");
	is_u64(s.last.user, 5 * US, "userspace: the VMM's part of the I/O exit");
	is_u64(s.last.host, 9 * US, "userspace: host time includes it");
	kx_cycles_finish(c);
	is_u64(kx_cycles_total(c)->user_total, 5 * US, "userspace: total");
	kx_cycles_free(c);
}

/*
 * Two slices joined: the later one's zero-guest cycle, userspace time, and
 * the vCPU id and pid only it saw are added as one pass would count them.
 */
static void joined_slices(void)
{
	struct kx_cycles *c = make(NULL, 0, false, false), *later = make(NULL, 0, false, false);
	struct vcpu v = { .tid = 15, .vcpu = KX_VCPU_UNKNOWN, .no_pid = true };
	const struct kx_cycles_stats *st;

	/* the slice before: a timer write opens a cycle, an I/O exit with 3 us in the VMM */
	exit_(c, &v, 1 * US, &SK_TMICT);
	guest(c, &v, 2 * US);
	io_exit(c, &v, 8 * US, 3 * US);
	guest(c, &v, 2 * US);

	/* the later slice: its lead-in (2 us more in the VMM) ends that cycle, then one with
	 * no guest time, then one more with 5 us in the VMM; only here are the vCPU id and
	 * pid known */
	kx_cycles_mid_trace(later);
	v.vcpu = 4;
	v.no_pid = false;
	guest(later, &v, 2 * US);
	io_exit(later, &v, 4 * US, 2 * US);
	exit_(later, &v, 1 * US, &SK_TMICT);
	guest(later, &v, 0);
	exit_(later, &v, 1 * US, &SK_TMICT);
	guest(later, &v, 3 * US);
	io_exit(later, &v, 8 * US, 5 * US);
	guest(later, &v, 1 * US);
	exit_(later, &v, 1 * US, &SK_TMICT);

	ok(join(c, later) == 0, "joined slices: join");
	ok(kx_cycles_finish(c) == 0, "joined slices: finish");
	st = kx_cycles_total(c);
	is_u64(st->cycles, 3, "joined slices: 3 cycles");
	is_u64(st->zero_guest, 1, "joined slices: the later slice's zero-guest cycle");
	is_u64(st->user_total, 10 * US, "joined slices: userspace of both slices and the lead-in");
	is_u64(st->guest_total, 10 * US, "joined slices: guest 6 + 0 + 4 us");
	is_u64(kx_cycles_nthreads(c), 1, "joined slices: one thread");
	st = kx_cycles_thread(c, 0);
	is_u64(st->vcpu, 4, "joined slices: the vCPU id the later slice saw");
	is_u64(st->pid, 1, "joined slices: the pid the later slice saw");
	kx_cycles_free(later);
	kx_cycles_free(c);
}

/* Lay out @v's cycle with @n EOI exits in @c, from @from segment on (0 = from the start). */
static void long_cycle_part(struct kx_cycles *c, struct vcpu *v, int from, int to, int n)
{
	for (int i = from; i < to; i++) {
		if (i == 0)
			exit_(c, v, 1 * US, &SK_TMICT);
		else if (i == n + 1)
			exit_(c, v, 2 * US, &SK_TMICT);
		else if (i % 2)
			guest(c, v, (uint64_t)i * US);
		else
			exit_(c, v, 1 * US, &SK_EOI);
	}
}

/*
 * Three slices, the middle one all lead-in: the cycle runs through it, so
 * the join of the third must find the thread where the second left it.
 */
static void joined_through_a_slice(void)
{
	struct kx_cycles *c = make(NULL, 0, false, false), *mid = make(NULL, 0, false, false);
	struct kx_cycles *last = make(NULL, 0, false, false);
	struct vcpu v = { .tid = 18, .vcpu = 0 };
	const struct kx_cycles_stats *st;

	exit_(c, &v, 1 * US, &SK_TMICT);
	guest(c, &v, 2 * US);
	kx_cycles_mid_trace(mid);
	exit_(mid, &v, 1 * US, &SK_EOI);
	guest(mid, &v, 3 * US);
	kx_cycles_mid_trace(last);
	exit_(last, &v, 1 * US, &SK_EOI);
	guest(last, &v, 1 * US);
	exit_(last, &v, 1 * US, &SK_TMICT);
	ok(join(c, mid) == 0 && join(c, last) == 0,
	   "three slices: joined");
	kx_cycles_finish(c);
	st = kx_cycles_total(c);
	is_u64(st->cycles, 1, "three slices: the cycle through the middle one");
	is_u64(st->discarded, 0, "three slices: nothing discarded");
	is_u64(st->guest_total, 6 * US, "three slices: guest 2 + 3 + 1 us");
	is_u64(st->host_total, 3 * US, "three slices: host 1 + 1 + 1 us");
	kx_cycles_free(last);
	kx_cycles_free(mid);
	kx_cycles_free(c);
}

/*
 * A cycle opened in one slice (@cut segments in: the timer write alone, or
 * a few more) and finished by a lead-in with too many segments to keep in
 * the next: joined, it keeps the segments one pass keeps, with the same
 * count elided.
 */
static void joined_elided_lead_in(int cut)
{
	struct kx_cycles *one = make(NULL, 1, false, false);
	struct kx_cycles *c = make(NULL, 1, false, false), *later = make(NULL, 1, false, false);
	struct vcpu v = { .tid = 16, .vcpu = 0 }, w = v;
	const int n = 2 * KX_CYCLE_SEGS;	/* guest, EOI, guest, ... between the writes */
	const struct kx_cycle *a, *b;
	bool same;

	long_cycle_part(one, &v, 0, n + 2, n);
	long_cycle_part(c, &w, 0, cut, n);
	kx_cycles_mid_trace(later);
	long_cycle_part(later, &w, cut, n + 2, n);
	ok(join(c, later) == 0, "elided lead-in, cut at %d: join", cut);
	kx_cycles_finish(one);
	kx_cycles_finish(c);
	ok(kx_cycles_worst(one, &a) == 1 && kx_cycles_worst(c, &b) == 1,
	   "elided lead-in, cut at %d: one cycle each way", cut);
	ok(a->segs_elided > 0, "elided lead-in, cut at %d: one pass elides some", cut);
	ok(b->nsegs == a->nsegs && b->segs_elided == a->segs_elided,
	   "elided lead-in, cut at %d: %u segments kept, %llu elided (one pass: %u, %llu)", cut,
	   b->nsegs, (unsigned long long)b->segs_elided, a->nsegs,
	   (unsigned long long)a->segs_elided);
	same = a->nsegs == b->nsegs;
	for (uint32_t i = 0; same && i < a->nsegs; i++)
		same = a->segs[i].dur == b->segs[i].dur && a->segs[i].key == b->segs[i].key &&
		       a->segs[i].guest == b->segs[i].guest;
	ok(same, "elided lead-in, cut at %d: each kept segment as one pass keeps it", cut);
	kx_cycles_free(one);
	kx_cycles_free(later);
	kx_cycles_free(c);
}

/*
 * @n exit reasons in a cycle, each longer than the one before: the cycle
 * keeps the KX_CYCLE_KEYS with the most host time, most first, and sums
 * the others' host time apart. The second of two such cycles is checked:
 * nothing carries over from the first.
 */
static void keys_in_a_cycle(uint32_t n)
{
	struct seen s;
	struct kx_cycles *c = make(&s, 0, false, false);
	struct vcpu v = { .tid = 17, .vcpu = 0 };
	uint64_t other = 0;
	bool sorted = true;

	/* n + 1 keys with the timer write, the longest: the n + 1 - KX_CYCLE_KEYS shortest do not fit */
	for (uint32_t r = 0; r + KX_CYCLE_KEYS < n + 1; r++)
		other += (r + 1) * US;
	exit_(c, &v, 1 * US, &SK_TMICT);
	for (int cycle = 0; cycle < 2; cycle++) {
		for (uint32_t r = 0; r < n; r++) {
			guest(c, &v, 1 * US);
			feed(c, &v, KX_IV_EXIT, (r + 1) * US, &SK_NONE, 100 + r, false);
		}
		guest(c, &v, 1 * US);
		exit_(c, &v, 30 * US, &SK_TMICT);
	}
	ok(s.n == 2, "%u keys: two cycles", n);
	ok(s.last.other_host == other, "%u keys: %llu ns of other keys' host time", n,
	   (unsigned long long)other);
	ok(s.last.nkeys == (n + 1 < KX_CYCLE_KEYS ? n + 1 : KX_CYCLE_KEYS),
	   "%u keys: as many as a cycle keeps", n);
	ok(s.last.keys[0].key == key_of(&SK_TMICT), "%u keys: the timer write's 30us first", n);
	ok(s.last.keys[1].key == 100 + n - 1, "%u keys: then the longest exit", n);
	for (uint32_t k = 2; k < s.last.nkeys; k++)
		sorted = sorted && s.last.keys[k].key == s.last.keys[k - 1].key - 1;
	ok(sorted, "%u keys: the rest by host time, most first", n);
	kx_cycles_free(c);
}

/*
 * Two threads' cycles completed in a join at one time, with the same
 * number of the later slice's own cycles before them: which came first is
 * not known, and the join says so. A time apart, they are ordered.
 */
static void joined_at_one_time(uint64_t apart)
{
	struct kx_cycles *c = make(NULL, 4, false, false), *later = make(NULL, 4, false, false);
	struct vcpu a = { .tid = 19, .vcpu = 0 }, b = { .tid = 20, .vcpu = 1 };

	exit_(c, &a, 1 * US, &SK_TMICT);
	exit_(c, &b, 1 * US, &SK_TMICT);
	guest(c, &a, 2 * US);
	guest(c, &b, 2 * US);
	kx_cycles_mid_trace(later);
	guest(later, &a, 1 * US);
	guest(later, &b, 1 * US + apart);
	exit_(later, &a, 1 * US, &SK_TMICT);
	exit_(later, &b, 1 * US, &SK_TMICT);
	is_u64(join(c, later), apart ? 0 : KX_CYCLES_APART,
	       apart ? "joined a time apart: ordered" : "joined at one time: order not known");
	kx_cycles_free(later);
	kx_cycles_free(c);
}

/* @w's cycle of thread @tid that ended at @end, NULL if none */
static const struct kx_cycle *cycle_at(const struct kx_cycle *w, size_t n, int32_t tid,
				       uint64_t end)
{
	for (size_t i = 0; i < n; i++)
		if (w[i].tid == tid && w[i].end == end)
			return &w[i];
	return NULL;
}

/* Which analysis of a join reads an interval: the slice before, the later one, or replayed. */
enum slice_part { BEFORE, LATER, REPLAYED };

/*
 * Cycles completed while joining are numbered as one pass numbers them:
 * after the later slice's own cycles that came first, whether a lead-in
 * or a replayed event completed them.
 */
static void joined_seq_as_one_pass(void)
{
	/* threads a, b, d, in time order; each exit is a timer write */
	static const struct {
		int thread;
		bool guest;
		uint64_t dur;
		enum slice_part part;
	} steps[] = {
		/* the slice before: each thread opens a cycle */
		{ 0, false, 1 * US, BEFORE }, { 1, false, 1 * US, BEFORE },
		{ 2, false, 1 * US, BEFORE }, { 0, true, 2 * US, BEFORE },
		{ 1, true, 1 * US, BEFORE }, { 2, true, 1 * US, BEFORE },
		/* the later slice: b's lead-in ends at 3, its own cycle at 5, a's lead-in at 8 */
		{ 1, false, 1 * US, LATER }, { 1, true, 1 * US, LATER },
		{ 1, false, 1 * US, LATER }, { 0, true, 4 * US, LATER },
		{ 0, false, 1 * US, LATER },
		/* d's write at 9 was deferred after the later slice's first own cycle */
		{ 2, true, 7 * US, BEFORE }, { 2, false, 1 * US, REPLAYED },
	};
	struct kx_cycles *one = make(NULL, 8, false, false);
	struct kx_cycles *c = make(NULL, 8, false, false), *later = make(NULL, 8, false, false);
	struct vcpu split[3] = { { .tid = 21, .vcpu = 0 }, { .tid = 22, .vcpu = 1 },
				 { .tid = 23, .vcpu = 2 } };
	struct vcpu whole[3] = { split[0], split[1], split[2] };
	const struct kx_cycle *w1, *wj;
	size_t n1, nj;
	bool same = true;

	kx_cycles_mid_trace(later);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct kx_cycles *to = steps[i].part == LATER ? later : c;
		int t = steps[i].thread;

		if (steps[i].part == REPLAYED)
			kx_cycles_replay_at(c, 1);
		if (steps[i].guest) {
			guest(to, &split[t], steps[i].dur);
			guest(one, &whole[t], steps[i].dur);
		} else {
			exit_(to, &split[t], steps[i].dur, &SK_TMICT);
			exit_(one, &whole[t], steps[i].dur, &SK_TMICT);
		}
	}
	ok(join(c, later) == 0, "joined seq: join");

	kx_cycles_finish(one);
	kx_cycles_finish(c);
	n1 = kx_cycles_worst(one, &w1);
	nj = kx_cycles_worst(c, &wj);
	is_u64(n1, 4, "joined seq: one pass has 4 cycles");
	is_u64(nj, n1, "joined seq: as many joined");
	for (size_t i = 0; i < n1; i++) {
		const struct kx_cycle *j = cycle_at(wj, nj, w1[i].tid, w1[i].end);

		same = same && j && j->seq == w1[i].seq && j->index == w1[i].index;
	}
	ok(same, "joined seq: each cycle numbered as in one pass");
	kx_cycles_free(one);
	kx_cycles_free(later);
	kx_cycles_free(c);
}

/* A join takes two unfinished analyses, the first from the start and without a callback. */
static void join_refused(void)
{
	struct seen s;
	struct kx_cycles *c = make(NULL, 0, false, false), *later = make(NULL, 0, false, false);
	struct kx_cycles *cb = make(&s, 0, false, false);

	is_u64(join(cb, later), -EINVAL, "join into one with a callback");
	kx_cycles_mid_trace(cb);
	is_u64(join(later, c), 0, "join of two fresh ones");
	kx_cycles_free(cb);
	cb = make(NULL, 0, false, false);
	kx_cycles_mid_trace(cb);
	is_u64(join(cb, later), -EINVAL, "join into a mid-trace one");
	kx_cycles_finish(later);
	is_u64(join(c, later), -EINVAL, "join of a finished one");
	kx_cycles_finish(c);
	kx_cycles_free(later);
	later = make(NULL, 0, false, false);
	is_u64(join(c, later), -EINVAL, "join into a finished one");
	kx_cycles_free(later);
	kx_cycles_free(cb);
	kx_cycles_free(c);
}

/* Guest intervals one after the other make one segment of their sum. */
static void guest_in_a_row(void)
{
	struct seen s;
	struct kx_cycles *c = make(&s, 0, false, false);
	struct vcpu v = { .tid = 24, .vcpu = 0 };

	exit_(c, &v, 1 * US, &SK_TMICT);
	guest(c, &v, 1 * US);
	guest(c, &v, 2 * US);
	exit_(c, &v, 1 * US, &SK_TMICT);
	ok(s.n == 1 && s.last.nsegs == 2 && s.last.segs[0].guest &&
	   s.last.segs[0].dur == 3 * US, "two guest intervals in a row: one segment");
	kx_cycles_free(c);
}

static void interleaved(void)
{
	struct seen s;
	struct kx_cycles *c = make(&s, 0, false, false);
	struct vcpu a = { .tid = 20, .vcpu = 1 };
	struct vcpu b = { .tid = 21, .vcpu = 0 };
	struct vcpu b2 = { .tid = 21, .vcpu = 0, .buffer = 1 };	/* same tid, other buffer */
	const struct kx_cycles_stats *sa, *sb, *sb2, *tot;

	exit_(c, &a, 1 * US, &SK_TMICT);
	exit_(c, &b, 1 * US, &SK_TDL);
	exit_(c, &b2, 1 * US, &SK_TDL);
	for (int i = 0; i < 4; i++) {
		guest(c, &a, 10 * US);
		guest(c, &b, 3 * US);
		guest(c, &b2, 1 * US);
		exit_(c, &b, 6 * US, &SK_TDL);
		exit_(c, &a, 5 * US, &SK_TMICT);
		exit_(c, &b2, 1 * US, &SK_TDL);
	}
	kx_cycles_finish(c);
	is_u64(kx_cycles_nthreads(c), 3, "interleaved: three threads");
	/* sorted by (buffer, vcpu, tid) */
	sb = kx_cycles_thread(c, 0);
	sa = kx_cycles_thread(c, 1);
	sb2 = kx_cycles_thread(c, 2);
	ok(sb->tid == 21 && sb->buffer == 0 && sa->tid == 20 && sb2->buffer == 1,
	   "interleaved: thread order");
	is_u64(sa->cycles, 4, "vcpu 1: 4 cycles");
	is_u64(sa->guest_total, 40 * US, "vcpu 1: guest");
	is_u64(sa->host_total, 20 * US, "vcpu 1: host");
	is_u64(kx_hist_percentile(&sa->ratio, 50), 5000, "vcpu 1: ratio 0.50");
	is_u64(sb->cycles, 4, "vcpu 0: 4 cycles");
	is_u64(sb->host_total, 24 * US, "vcpu 0: host");
	is_u64(kx_hist_percentile(&sb->ratio, 50), 20000, "vcpu 0: ratio 2.00");
	is_u64(sb2->guest_total, 4 * US, "buffer 1 thread kept apart");
	tot = kx_cycles_total(c);
	is_u64(tot->cycles, 12, "total: 12 cycles");
	is_u64(tot->host_total, 48 * US, "total: host");
	is_u64(tot->ratio.max, 20000, "total: ratio max");
	is_u64(tot->ratio.min, 5000, "total: ratio min");
	kx_cycles_free(c);
}

static void many_threads(void)
{
	struct seen s;
	struct kx_cycles *c = make(&s, 0, false, false);
	static struct vcpu v[300];
	bool each = true;

	for (int i = 0; i < 300; i++)
		v[i] = (struct vcpu){ .tid = 1000 + i, .vcpu = i };
	/* round-robin over 300 threads: every thread needs its own state */
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < 300; i++) {
			if (round)
				guest(c, &v[i], (uint64_t)(i + 1) * US);
			exit_(c, &v[i], 1 * US, &SK_TMICT);
		}
	kx_cycles_finish(c);
	is_u64(kx_cycles_nthreads(c), 300, "300 threads");
	for (size_t i = 0; i < 300; i++) {
		const struct kx_cycles_stats *st = kx_cycles_thread(c, i);

		each = each && st->vcpu == (int32_t)i && st->cycles == 2 &&
		       st->guest_total == 2 * (i + 1) * US;
	}
	ok(each, "each of 300 interleaved threads has its own 2 cycles");
	kx_cycles_free(c);
}

static void worst(bool by_host)
{
	struct seen s;
	struct kx_cycles *c = make(&s, 2, by_host, false);
	struct vcpu v = { .tid = 30 };
	/* host per cycle with guest 10us: ratios 1.0 5.0 3.0 5.0 2.0 */
	static const uint64_t host[] = { 10, 50, 30, 50, 20 };
	const struct kx_cycle *w;
	size_t n;

	exit_(c, &v, 1 * US, &SK_TMICT);
	for (int i = 0; i < 5; i++) {
		guest(c, &v, 10 * US);
		exit_(c, &v, host[i] * US, &SK_TMICT);
	}
	kx_cycles_finish(c);
	n = kx_cycles_worst(c, &w);
	is_u64(n, 2, by_host ? "worst by host: 2 kept" : "worst by ratio: 2 kept");
	is_u64(w[0].host, 50 * US, "worst: first is a 50us one");
	is_u64(w[0].index, 2, "worst: tie goes to the earlier cycle");
	is_u64(w[1].index, 4, "worst: then the later 50us one");
	kx_cycles_free(c);

	c = make(&s, 3, by_host, false);
	v.now = 0;
	exit_(c, &v, 1 * US, &SK_TMICT);
	for (int i = 0; i < 5; i++) {
		guest(c, &v, 10 * US);
		exit_(c, &v, host[i] * US, &SK_TMICT);
	}
	kx_cycles_finish(c);
	n = kx_cycles_worst(c, &w);
	ok(n == 3 && w[0].host == 50 * US && w[1].host == 50 * US && w[2].host == 30 * US,
	   "worst 3: 50 50 30");
	kx_cycles_free(c);
}

/*
 * The 8 worst of 20 cycles, host times 20 us down to 1 then 1 to 20: each
 * of the first eight climbs the heap to its top, three levels deep.
 */
static void worst_of_many(void)
{
	struct kx_cycles *c = make(NULL, 8, true, false);
	struct vcpu v = { .tid = 31 };
	const struct kx_cycle *w;
	bool in_order = true;
	size_t n;

	exit_(c, &v, 1 * US, &SK_TMICT);
	for (uint64_t i = 0; i < 40; i++) {
		guest(c, &v, 10 * US);
		exit_(c, &v, (i < 20 ? 20 - i : i - 19) * US, &SK_TMICT);
	}
	kx_cycles_finish(c);
	n = kx_cycles_worst(c, &w);
	is_u64(n, 8, "worst 8 of 40: 8 kept");
	for (size_t k = 0; k < n; k++)
		in_order = in_order && w[k].host == (20 - k / 2) * US &&
			   w[k].index == (k % 2 ? 40 - k / 2 : k / 2 + 1);
	ok(in_order, "worst 8 of 40: 20, 20, 19, 19 ... 17 us, the earlier of each first");
	kx_cycles_free(c);
}

static void elision_and_edges(void)
{
	struct seen s;
	struct kx_cycles *c = make(&s, 0, false, false);
	struct vcpu v = { .tid = 40 };

	exit_(c, &v, 1 * US, &SK_TMICT);
	for (int i = 0; i < 50; i++) {
		guest(c, &v, 1 * US);
		exit_(c, &v, 1 * US, &SK_EOI);
	}
	guest(c, &v, 1 * US);
	exit_(c, &v, 2 * US, &SK_TMICT);
	is_u64(s.last.exits, 51, "long cycle: 51 exits");
	is_u64(s.last.nsegs, KX_CYCLE_SEGS, "long cycle: segments capped");
	is_u64(s.last.segs_elided, 102 - KX_CYCLE_SEGS, "long cycle: elided count");
	ok(s.last.segs[KX_CYCLE_SEGS - 1].dur == 2 * US &&
	   s.last.segs[KX_CYCLE_SEGS - 1].key == key_of(&SK_TMICT),
	   "long cycle: the timer write is kept last");
	is_u64(s.last.host, 52 * US, "long cycle: host exact despite elision");

	/* back-to-back writes with a zero-length guest interval */
	guest(c, &v, 0);
	exit_(c, &v, 1 * US, &SK_TMICT);
	is_u64(s.last.ratio, KX_RATIO_INF, "no guest time: ratio infinite");
	kx_cycles_finish(c);
	is_u64(kx_cycles_total(c)->zero_guest, 1, "zero-guest cycle counted");
	is_u64(kx_cycles_total(c)->ratio.count, 1, "and kept out of the ratio histogram");
	kx_cycles_free(c);

	/* LVTT counts only when asked */
	c = make(&s, 0, false, false);
	v.now = 0;
	exit_(c, &v, 1 * US, &SK_LVTT);
	guest(c, &v, 1 * US);
	exit_(c, &v, 1 * US, &SK_LVTT);
	is_u64(s.n, 0, "LVTT: no cycle by default");
	kx_cycles_free(c);
	c = make(&s, 0, false, true);
	v.now = 0;
	exit_(c, &v, 1 * US, &SK_LVTT);
	guest(c, &v, 1 * US);
	exit_(c, &v, 1 * US, &SK_LVTT);
	is_u64(s.n, 1, "LVTT: a cycle with --lvtt");
	kx_cycles_free(c);

	c = make(NULL, 0, false, false);
	kx_cycles_finish(c);
	is_u64(kx_cycles_total(c)->cycles, 0, "empty input: no cycles");
	is_u64(kx_cycles_nthreads(c), 0, "empty input: no threads");
	kx_cycles_free(c);
}

int main(void)
{
	seed(false);
	seed(true);
	is_u64(key_of(&SK_EOI), key_of(&SK_EOI_X2), "xAPIC and x2APIC EOI: one cycle key");
	tsc_deadline_and_idle();
	breaks();
	learnt_late_and_seamless_break();
	userspace_time();
	joined_slices();
	joined_through_a_slice();
	joined_elided_lead_in(1);
	joined_elided_lead_in(3);
	keys_in_a_cycle(5);
	keys_in_a_cycle(KX_CYCLE_KEYS + 4);
	joined_at_one_time(0);
	joined_at_one_time(1 * US);
	joined_seq_as_one_pass();
	guest_in_a_row();
	join_refused();
	interleaved();
	many_threads();
	worst(false);
	worst(true);
	worst_of_many();
	elision_and_edges();
	return done_testing();
}
