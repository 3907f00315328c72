// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for attrib.c's helper-event counting (the index that finds a
 * key among thousands), its per-thread groups (the index that finds one
 * of hundreds of interleaved vCPU threads, also when two time slices'
 * groups are joined; one tid in two buffers; a vCPU id learnt late), its
 * sub-keys of one exit reason (thousands of MMIO addresses, also joined),
 * the name an APIC register shows when its accesses came different ways
 * (the same in any order, with other keys between), an exit's userspace
 * time and failed entry, the --longest exits (the N longest non-idle
 * ones in their documented order, also when two slices' lists are joined),
 * and for the inline kx_hist_add() (saturating total, min/max). Expected counts come from how the input is built, not
 * from the code under test.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kx_attrib.h"
#include "tap.h"

#define NKEYS	3000u
#define ROUNDS	3u
#define NTHREADS	700u

static struct kx_event mmio_write(int32_t tid, uint64_t gpa)
{
	struct kx_event ev = { .kind = KX_EV_MMIO, .tid = tid, .pid = -1, .vcpu = KX_VCPU_UNKNOWN };

	ev.u.mmio.gpa = gpa;
	ev.u.mmio.type = KX_MMIO_WRITE;
	ev.u.mmio.len = 4;
	kx_subkey_classify(&ev);	/* as the readers do while decoding */
	return ev;
}

static void many_keys(void)
{
	struct kx_attrib *a = kx_attrib_new(false, 0);
	uint64_t total = 0, wrong = 0;
	int err = 0;

	/* round-robin over the keys, alternating threads, so no hit repeats the last one */
	for (unsigned r = 0; r < ROUNDS; r++)
		for (unsigned k = 0; k < NKEYS; k++) {
			struct kx_event ev = mmio_write(100 + (int32_t)(k & 1), 0xfe000000ull + 16ull * k);

			err |= kx_attrib_event(a, &ev);
		}
	is_u64(err, 0, "no error counting 3000 keys");
	is_u64(a->nhelpers, NKEYS, "one helper entry per distinct MMIO address");
	for (uint32_t i = 0; i < a->nhelpers; i++) {
		const struct kx_attrib_helper *h = &a->helpers[i];

		total += h->count;
		if (h->count != ROUNDS || h->sk.cls != KX_SK_MMIO || h->sk.access != KX_SKA_WRITE ||
		    h->sk.id < 0xfe000000ull || h->sk.id >= 0xfe000000ull + 16ull * NKEYS ||
		    h->sk.id % 16)
			wrong++;
	}
	is_u64(wrong, 0, "every key counted 3 times with its own address");
	is_u64(total, (uint64_t)NKEYS * ROUNDS, "all events counted");
	kx_attrib_free(a);
}

/* The host interval of one exit of thread @tid in @buffer, reason 1, @ns long. */
static struct kx_interval exit_of(int32_t tid, uint16_t buffer, uint64_t ns)
{
	return (struct kx_interval){ .kind = KX_IV_EXIT, .start = 1000, .end = 1000 + ns,
				     .tid = tid, .pid = -1, .vcpu = tid % 512, .buffer = buffer,
				     .reason = 1, .subkey = { .cls = KX_SK_NONE } };
}

/*
 * Thread t (of NTHREADS, in buffer t & 1) has t % 5 + 1 exits of t ns each,
 * fed round-robin so that no interval's thread is the one before's; the
 * second half of the rounds goes to another accumulator, joined after.
 */
static void many_threads(void)
{
	struct kx_attrib *a = kx_attrib_new(true, 0), *later = kx_attrib_new(true, 0);
	uint64_t wrong = 0;
	uint32_t map[2] = { 0, 1 };
	int err = 0;

	for (unsigned r = 0; r < 5; r++)
		for (unsigned t = 0; t < NTHREADS; t++) {
			struct kx_interval iv = exit_of(1000 + (int32_t)t, t & 1, t);

			if (r < t % 5 + 1)
				err |= kx_attrib_interval(r < 2 ? a : later, &iv);
		}
	err |= kx_attrib_absorb(a, later, map, 2);
	is_u64(err, 0, "no error with 700 threads, joined");
	is_u64(a->ngroups, NTHREADS + 1, "one group per thread, and all threads'");
	for (uint32_t i = 1; i < a->ngroups; i++) {
		const struct kx_attrib_group *g = &a->groups[i];
		uint64_t t = (uint64_t)(g->tid - 1000);

		if (t >= NTHREADS || g->buffer != (t & 1) || g->nrows < 2 ||
		    g->rows[1].h.count != t % 5 + 1 || g->rows[1].h.total != t * (t % 5 + 1))
			wrong++;
	}
	is_u64(wrong, 0, "each thread's group has its own exits, whatever slice they came in");
	is_u64(a->groups[0].rows[1].h.count, NTHREADS / 5 * (1 + 2 + 3 + 4 + 5),
	       "all threads' group has every exit");
	kx_attrib_free(a);
	kx_attrib_free(later);
}

/*
 * NKEYS MMIO addresses, each exit of reason 2 on one of them round-robin:
 * address k gets k % 3 + 1 exits of k ns, the last round in a second
 * accumulator joined after.
 */
static void many_subkeys(void)
{
	struct kx_attrib *a = kx_attrib_new(false, 0), *later = kx_attrib_new(false, 0);
	const struct kx_attrib_row *row;
	uint32_t map[3] = { 0, 1, 2 };
	uint64_t wrong = 0;
	int err = 0;

	for (unsigned r = 0; r < 3; r++)
		for (unsigned k = 0; k < NKEYS; k++) {
			struct kx_interval iv = exit_of(7, 0, k);

			iv.reason = 2;
			iv.subkey = (struct kx_subkey){ .cls = KX_SK_MMIO, .id = 0xa0000 + 4 * k,
							.access = KX_SKA_WRITE };
			if (r < k % 3 + 1)
				err |= kx_attrib_interval(r < 2 ? a : later, &iv);
		}
	err |= kx_attrib_absorb(a, later, map, 3);
	is_u64(err, 0, "no error with 3000 sub-keys of one reason, joined");
	row = &a->groups[0].rows[2];
	is_u64(row->nsubs, NKEYS, "one sub-key per address");
	for (uint32_t i = 0; i < row->nsubs; i++) {
		const struct kx_attrib_sub *sub = &row->subs[i];
		uint64_t k = (sub->sk.id - 0xa0000) / 4;

		if (k >= NKEYS || sub->sk.id != 0xa0000 + 4 * k || sub->h.count != k % 3 + 1 ||
		    sub->h.total != k * (k % 3 + 1))
			wrong++;
	}
	is_u64(wrong, 0, "each address has its own exits, whatever accumulator they came in");
	is_u64(row->h.count, NKEYS / 3 * (1 + 2 + 3), "the reason has every exit");
	kx_attrib_free(a);
	kx_attrib_free(later);
}

/* The EOI write as a path says it: kvm_apic, kvm_mmio, or an x2APIC MSR. */
static const struct kx_subkey eoi_paths[3] = {
	{ .cls = KX_SK_APIC, .id = 0xb0, .access = KX_SKA_WRITE, .via = KX_SKV_APIC_EVENT },
	{ .cls = KX_SK_APIC, .id = 0xb0, .access = KX_SKA_WRITE, .via = KX_SKV_MMIO_EVENT },
	{ .cls = KX_SK_APIC, .id = 0xb0, .access = KX_SKA_WRITE, .via = KX_SKV_MSR_EVENT,
	  .x2apic = 1 },
};

/*
 * The name of reason 1's first sub-key and of the first helper key, after
 * @order's paths; with @between, an exit and a helper event of another key
 * after each (the key is then found by its index, not as the last one).
 */
static void names_after(const unsigned *order, unsigned n, bool joined, bool between,
			char *sub, char *helper)
{
	struct kx_attrib *a = kx_attrib_new(false, 0), *later = kx_attrib_new(false, 0);
	static const struct kx_subkey tmict = { .cls = KX_SK_APIC, .id = 0x380,
						.access = KX_SKA_WRITE, .via = KX_SKV_APIC_EVENT };
	uint32_t map[2] = { 0, 1 };

	for (unsigned i = 0; i < n * (between ? 2 : 1); i++) {
		struct kx_attrib *to = joined && i ? later : a;
		struct kx_interval iv = exit_of(7, 0, 100);
		struct kx_event ev = { .kind = KX_EV_APIC, .tid = 7, .key_rank = 1 };

		iv.subkey = between && i % 2 ? tmict : eoi_paths[order[between ? i / 2 : i]];
		kx_attrib_interval(to, &iv);
		ev.key = kx_subkey_pack(&iv.subkey);
		ev.key_via = iv.subkey.via;
		ev.key_x2apic = iv.subkey.x2apic;
		kx_attrib_event(to, &ev);
	}
	if (joined)
		kx_attrib_absorb(a, later, map, 2);
	kx_subkey_name(&a->groups[0].rows[1].subs[0].sk, sub, 64);
	kx_subkey_name(&a->helpers[0].sk, helper, 64);
	kx_attrib_free(a);
	kx_attrib_free(later);
}

/*
 * One register reached two or three ways (two VMs, one in xAPIC and one in
 * x2APIC mode, or kvm_apic and kvm_mmio of one access seen apart) shows
 * the most specific way whatever came first, as one pass, thread by
 * thread, or joined from slices: x2APIC MSR, else MMIO, else APIC.
 */
static void path_names(void)
{
	static const char mmio[] = "MMIO 0xfee000b0 EOI write", x2[] = "x2APIC MSR 0x80b EOI write";
	static const struct {
		unsigned n, path[3];
		const char *want;
	} cases[] = {
		{ 2, { 0, 1 }, mmio }, { 2, { 1, 0 }, mmio }, { 2, { 0, 2 }, x2 }, { 2, { 2, 0 }, x2 },
		{ 2, { 1, 2 }, x2 }, { 2, { 2, 1 }, x2 }, { 3, { 0, 1, 2 }, x2 }, { 3, { 2, 1, 0 }, x2 },
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (int variant = 0; variant < 4; variant++) {
			bool joined = variant & 1, between = variant & 2;
			char sub[64], helper[64], paths[8] = "";

			for (unsigned k = 0; k < cases[i].n; k++)
				paths[k] = (char)('0' + cases[i].path[k]);
			names_after(cases[i].path, cases[i].n, joined, between, sub, helper);
			ok(strcmp(sub, cases[i].want) == 0 && strcmp(helper, cases[i].want) == 0,
			   "paths %s%s%s: %s (got \"%s\", \"%s\")", paths, joined ? ", joined" : "",
			   between ? ", another key between" : "", cases[i].want, sub, helper);
		}
}

/*
 * Per-thread groups keyed by (buffer, tid): one tid in two buffers is two
 * threads, fed alternately. A thread's vCPU and process, unknown in its
 * first interval, are taken from the first that knows them.
 */
static void thread_keys(void)
{
	struct kx_attrib *a = kx_attrib_new(true, 0);
	struct kx_interval late = exit_of(6, 0, 50);
	int err = 0;

	for (unsigned i = 0; i < 4; i++) {
		struct kx_interval iv = exit_of(5, (uint16_t)(i & 1), 100 * ((i & 1) + 1));

		err |= kx_attrib_interval(a, &iv);
	}
	is_u64(err, 0, "no error");
	is_u64(a->ngroups, 3, "tid 5 in buffers 0 and 1: two threads");
	ok(a->groups[1].buffer == 0 && a->groups[1].rows[1].h.total == 200 &&
	   a->groups[2].buffer == 1 && a->groups[2].rows[1].h.total == 400,
	   "each has its own exits");
	late.vcpu = KX_VCPU_UNKNOWN;
	kx_attrib_interval(a, &late);
	late.vcpu = 3;
	late.pid = 77;
	kx_attrib_interval(a, &late);
	ok(a->ngroups == 4 && a->groups[3].vcpu == 3 && a->groups[3].pid == 77,
	   "a thread's vCPU and pid from its first interval that has them");
	kx_attrib_free(a);
}

/*
 * What an exit adds to its reason and sub-key besides its time: user time,
 * failed entries, whether the guest ran its kernel.
 */
static void exit_extras(void)
{
	struct kx_attrib *a = kx_attrib_new(false, 0), *b = kx_attrib_new(false, 0);
	struct kx_interval iv = exit_of(7, 0, 100);
	const struct kx_attrib_row *row;
	uint32_t map[2] = { 0, 1 };

	iv.subkey = eoi_paths[0];
	iv.guest_mode = KX_GUEST_KERNEL;
	kx_attrib_interval(b, &iv);

	iv.subkey = eoi_paths[0];
	iv.user = 30;
	iv.guest_mode = KX_GUEST_KERNEL;
	kx_attrib_interval(a, &iv);
	iv.flags = 0x80000000u;
	iv.user = 0;
	iv.guest_mode = KX_GUEST_USER;
	kx_attrib_interval(a, &iv);
	iv.subkey = (struct kx_subkey){ .cls = KX_SK_NONE };
	iv.flags = 0;
	iv.user = 12;
	iv.guest_mode = KX_GUEST_KERNEL;
	kx_attrib_interval(a, &iv);
	iv.guest_mode = KX_GUEST_MODE_UNKNOWN;
	kx_attrib_interval(a, &iv);
	row = &a->groups[0].rows[1];
	is_u64(row->h.count, 4, "four exits of the reason");
	is_u64(row->user, 54, "the reason's userspace time: 30 + 12 + 12");
	is_u64(row->failed_vmentry, 1, "one of them with a failed entry");
	ok(kx_guest_kernel(&row->modes) == 2 && kx_guest_mode_known(&row->modes) == 3,
	   "two from the guest kernel, of three whose guest_rip is known");
	ok(row->nsubs == 1 && row->subs[0].h.count == 2 && row->subs[0].user == 30,
	   "its sub-key: two exits, 30 ns in userspace");
	ok(kx_guest_kernel(&row->subs[0].modes) == 1 && kx_guest_mode_known(&row->subs[0].modes) == 2,
	   "its sub-key: one from the guest kernel, of two known");
	is_u64(kx_attrib_absorb(b, a, map, 2), 0, "joined into a slice with one exit");
	row = &b->groups[0].rows[1];
	ok(kx_guest_kernel(&row->modes) == 3 && kx_guest_mode_known(&row->modes) == 4 &&
	   kx_guest_kernel(&row->subs[0].modes) == 2 && kx_guest_mode_known(&row->subs[0].modes) == 3,
	   "joined: the guest modes add up, sub-key too");
	kx_attrib_free(a);
	kx_attrib_free(b);
}

/* A helper key a later slice met first keeps its name once joined. */
static void absorb_new_helper(void)
{
	struct kx_attrib *a = kx_attrib_new(false, 0), *later = kx_attrib_new(false, 0);
	struct kx_event ev = mmio_write(7, 0xfebd1000), other = mmio_write(7, 0xfebd2000);
	uint32_t map[2] = { 0, 1 };
	char name[64];

	kx_attrib_event(a, &other);
	kx_attrib_event(later, &ev);
	kx_attrib_event(later, &ev);
	is_u64(kx_attrib_absorb(a, later, map, 2), 0, "joined");
	ok(a->nhelpers == 2 && a->helpers[1].count == 2, "the later slice's key, counted twice");
	kx_subkey_name(&a->helpers[1].sk, name, sizeof(name));
	is_str(name, "MMIO 0xfebd1000 write", "and named as it was there");
	kx_attrib_free(a);
	kx_attrib_free(later);
}

#define NLONG	3000u
#define KEEP	37u

/* The documented order, written out here: longer; earlier; lower buffer; lower tid. */
static int rank_cmp(const void *pa, const void *pb)
{
	const struct kx_interval *a = pa, *b = pb;
	uint64_t da = a->end - a->start, db = b->end - b->start;

	if (da != db)
		return da > db ? -1 : 1;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->buffer != b->buffer)
		return a->buffer < b->buffer ? -1 : 1;
	return a->tid < b->tid ? -1 : a->tid > b->tid;
}

/* The kept exit @i of @a. */
static struct kx_attrib_exit *kept(const struct kx_attrib *a, size_t i)
{
	return kx_topn_at(&a->longest, i);
}

/*
 * NLONG exits with durations that repeat (i * 7 % 50), starts that
 * repeat across threads and buffers, interleaved with idle exits and guest
 * runs longer than any of them; the even ones go to one accumulator, the
 * odd ones to a later slice whose reason ids map 1 -> 4 and 2 -> 2. The
 * KEEP kept must be the first KEEP of the whole list sorted by rank_cmp.
 */
static void longest_exits(void)
{
	struct kx_attrib *a = kx_attrib_new(false, KEEP), *later = kx_attrib_new(true, KEEP);
	static struct kx_interval all[NLONG];
	uint32_t map[3] = { 0, 4, 2 };
	uint64_t wrong = 0;
	int err = 0;

	for (unsigned i = 0; i < NLONG; i++) {
		struct kx_interval iv = exit_of((int32_t)(i % 13), (uint16_t)(i % 3), i * 7 % 50);
		struct kx_interval idle = iv, guest = iv;

		iv.start = 1000 + i / 5;
		iv.end = iv.start + i * 7 % 50;
		iv.reason = 1 + ((i >> 1) & 1);
		iv.subkey = eoi_paths[i % 2];
		idle.idle = true;
		idle.end = idle.start + 100000;
		guest.kind = KX_IV_GUEST;
		guest.end = guest.start + 200000;
		err |= kx_attrib_interval(i & 1 ? later : a, &idle);
		err |= kx_attrib_interval(i & 1 ? later : a, &iv);
		err |= kx_attrib_interval(i & 1 ? later : a, &guest);
		all[i] = iv;
		if (i & 1)
			all[i].reason = map[iv.reason];
	}
	is_u64(err, 0, "no error");
	is_u64(a->longest.n, KEEP, "each accumulator keeps 37");
	is_u64(kx_attrib_absorb(a, later, map, 3), 0, "joined");
	is_u64(a->longest.n, KEEP, "and 37 after the join");
	kx_topn_sort(&a->longest);
	qsort(all, NLONG, sizeof(all[0]), rank_cmp);
	for (unsigned i = 0; i < KEEP; i++) {
		const struct kx_attrib_exit *e = kept(a, i);

		if (e->start != all[i].start || e->end != all[i].end || e->tid != all[i].tid ||
		    e->buffer != all[i].buffer || e->reason != all[i].reason ||
		    e->vcpu != all[i].vcpu || e->sk.id != all[i].subkey.id ||
		    e->sk.via != all[i].subkey.via)
			wrong++;
	}
	is_u64(wrong, 0, "the 37 longest non-idle exits, in order, reasons mapped, sub-keys kept");
	ok(all[0].end - all[0].start == 49 && all[KEEP].end - all[KEEP].start == 49,
	   "ties decide: more exits than kept are as long as the longest");
	kx_attrib_free(a);
	kx_attrib_free(later);

	a = kx_attrib_new(false, KEEP);
	later = kx_attrib_new(false, 0);
	for (unsigned i = 0; i < 5; i++) {
		struct kx_interval iv = exit_of(1, 0, 10 + i % 3);

		iv.start += i;
		iv.end += i;
		kx_attrib_interval(later, &iv);
		kx_attrib_interval(a, &iv);
	}
	is_u64(later->longest.n, 0, "none kept without --longest");
	kx_topn_sort(&a->longest);
	/* 10 ns at 1000, 11 at 1001, 12 at 1002, 10 at 1003, 11 at 1004 */
	ok(a->longest.n == 5 && kept(a, 0)->start == 1002 && kept(a, 1)->start == 1001 &&
	   kept(a, 2)->start == 1004 && kept(a, 3)->start == 1000 &&
	   kept(a, 4)->start == 1003, "fewer than asked: all, longest and then earliest first");
	map[1] = 1;
	is_u64(kx_attrib_absorb(later, a, map, 2), 0, "a list joined into one that keeps none");
	is_u64(later->longest.n, 0, "stays empty");
	map[1] = 1;
	kept(a, 0)->reason = 2;
	is_u64(kx_attrib_absorb(a, a, map, 2), -EINVAL,
	       "a reason just past the map (id 2 of 2) is refused");
	kx_attrib_free(a);

	/* as long and as early: the lower buffer first, whatever the tids say */
	a = kx_attrib_new(false, 2);
	for (unsigned i = 0; i < 3; i++) {
		struct kx_interval iv = exit_of(i == 2 ? 4 : 9 - (int32_t)i * 4, (uint16_t)(1 - i % 2), 10);

		kx_attrib_interval(a, &iv);
	}
	kx_topn_sort(&a->longest);
	/* kept: buffer 0 tid 5, then buffer 1 tid 4 (tid 9 of buffer 1 ranks last) */
	ok(a->longest.n == 2 && kept(a, 0)->buffer == 0 && kept(a, 0)->tid == 5 &&
	   kept(a, 1)->buffer == 1 && kept(a, 1)->tid == 4,
	   "ties of length and time: buffer, then tid");
	kx_attrib_free(a);
	kx_attrib_free(later);
}

static void hist_inline(void)
{
	struct kx_hist h;

	kx_hist_init(&h);
	is_u64(kx_hist_add(&h, UINT64_MAX - 1), 0, "first add allocates");
	kx_hist_add(&h, 5);
	kx_hist_add(&h, 300);
	is_u64(h.count, 3, "count");
	is_u64(h.total, UINT64_MAX, "total saturates");
	is_u64(h.min, 5, "min");
	is_u64(h.max, UINT64_MAX - 1, "max");
	is_u64(kx_hist_count_at(&h, 5), 1, "5 in its exact bucket");
	is_u64(kx_hist_count_at(&h, KX_HIST_BUCKETS - 1), 1, "the largest value in the last bucket");
	kx_hist_free(&h);
}

int main(void)
{
	many_keys();
	many_threads();
	many_subkeys();
	path_names();
	thread_keys();
	exit_extras();
	absorb_new_helper();
	longest_exits();
	hist_inline();
	return done_testing();
}
