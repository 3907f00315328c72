// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_order.c - the orders a run may feed a batch in (kx_order.h). The
 * reference is independent of the code under test: every event's
 * delivery position from a sort of the whole batch by (time, buffer,
 * CPU, place in the batch). For each thread, the order must give its
 * events in that sequence; each group of threads (tid modulo
 * KX_ORDER_GROUPS) must come in one piece; a window that may hold a
 * lost-events marker must come whole in delivery order. Windows are made
 * by hand (a thread moving between CPUs, and back within the window;
 * ties across streams) and at random: threads that run on one CPU at a
 * time and move now and then, and streams of any times and threads.
 */
#define _GNU_SOURCE	/* qsort_r() in delivery_order.h */
#include <stdlib.h>
#include <string.h>

#include "delivery_order.h"
#include "kx_order.h"
#include "tap.h"

/* A batch under test, with the reference order. */
struct batch {
	struct kx_event ev[KX_SOURCE_BATCH];
	unsigned n;
	struct kx_window w;
	uint16_t want[KX_SOURCE_BATCH];	/* delivery order */
	uint64_t tie[KX_SOURCE_BATCH];	/* w.tie when set: file order */
};

static void reference(struct batch *b)
{
	delivery_order(b->ev, b->w.tie, b->want, b->n);
}

/* Does @order give every thread's events as @b->want does, each group in one piece? */
static bool by_thread_ok(const struct batch *b, const uint16_t *order)
{
	bool seen[KX_SOURCE_BATCH] = { false }, group_done[KX_ORDER_GROUPS] = { false };
	unsigned last_group = KX_ORDER_GROUPS;

	for (unsigned i = 0; i < b->n; i++) {
		unsigned g;

		if (order[i] >= b->n || seen[order[i]])
			return false;
		seen[order[i]] = true;
		g = (uint32_t)b->ev[order[i]].tid % KX_ORDER_GROUPS;
		if (g != last_group) {
			if (group_done[g])
				return false;
			if (last_group < KX_ORDER_GROUPS)
				group_done[last_group] = true;
			last_group = g;
		}
	}
	/* per thread: the k-th event of the thread in @order is its k-th in want */
	for (unsigned i = 0; i < b->n; i++) {
		const struct kx_event *ev = &b->ev[order[i]];
		unsigned k = 0, j, m = 0;

		for (j = 0; j < i; j++)
			k += b->ev[order[j]].tid == ev->tid && b->ev[order[j]].buffer == ev->buffer;
		for (j = 0; j < b->n; j++) {
			const struct kx_event *w = &b->ev[b->want[j]];

			if (w->tid == ev->tid && w->buffer == ev->buffer && m++ == k)
				break;
		}
		if (j == b->n || b->want[j] != order[i])
			return false;
	}
	return true;
}

/* Add an event of stream (@buffer, @cpu) at the end of @b (streams in a row). */
static void add(struct batch *b, uint16_t buffer, int32_t cpu, int32_t tid, uint64_t ts,
		enum kx_event_kind kind)
{
	struct kx_event *ev = &b->ev[b->n];
	bool new_stream = !b->n || ev[-1].cpu != cpu || ev[-1].buffer != buffer;

	memset(ev, 0, sizeof(*ev));
	ev->ts = ts;
	ev->kind = kind;
	ev->cpu = cpu;
	ev->buffer = buffer;
	ev->tid = tid;
	if (new_stream)
		b->w.start[b->w.nr_streams++] = (uint16_t)b->n;
	b->n++;
	b->w.start[b->w.nr_streams] = (uint16_t)b->n;
	b->w.lost |= kind == KX_EV_LOST;
}

/*
 * Is @b's window ordered right by kx_order_window(): by thread, or whole in
 * delivery order when it may hold a lost marker?
 */
static bool window_ok(struct batch *b)
{
	uint16_t order[KX_SOURCE_BATCH];

	reference(b);
	kx_order_window(b->ev, &b->w, order);
	if (b->w.lost)
		return memcmp(order, b->want, b->n * sizeof(order[0])) == 0;
	return by_thread_ok(b, order);
}

static void check_window(struct batch *b, const char *what)
{
	ok(window_ok(b), "%s: %s", what, b->w.lost ? "the whole window in delivery order" :
	   "each thread in delivery order, groups whole");
}

/* An event of a hand-made window: stream (buffer, CPU), thread, time, kind. */
struct hand {
	uint16_t buffer;
	int32_t cpu, tid;
	uint64_t ts;
	enum kx_event_kind kind;
};

static void hand_made(void)
{
	static const struct {
		const char *what;
		struct hand ev[8];	/* up to a kind of 0 */
	} cases[] = {
		{ "a thread that moved from CPU 4 to CPU 0", {	/* CPU 0's stream first */
			{ 0, 0, 7, 300, KX_EV_EXIT }, { 0, 0, 7, 310, KX_EV_ENTRY },
			{ 0, 0, 8, 305, KX_EV_EXIT },
			{ 0, 4, 7, 100, KX_EV_EXIT }, { 0, 4, 7, 200, KX_EV_ENTRY } } },
		{ "a thread back on its CPU within the window", {	/* 39: 7's group */
			{ 0, 0, 7, 100, KX_EV_EXIT }, { 0, 0, 7, 110, KX_EV_ENTRY },
			{ 0, 0, 7, 300, KX_EV_EXIT }, { 0, 0, 7, 310, KX_EV_ENTRY },
			{ 0, 1, 7, 200, KX_EV_EXIT }, { 0, 1, 7, 210, KX_EV_ENTRY },
			{ 0, 1, 39, 205, KX_EV_EXIT } } },
		{ "ties across streams", {	/* by buffer, then CPU */
			{ 1, 0, 7, 100, KX_EV_EXIT }, { 0, 3, 7, 100, KX_EV_ENTRY },
			{ 0, 2, 7, 100, KX_EV_APIC }, { 0, 2, 7, 100, KX_EV_MSR } } },
		{ "a window holding a lost marker", {
			{ 0, 1, 7, 100, KX_EV_EXIT }, { 0, 1, -1, 150, KX_EV_LOST },
			{ 0, 1, 7, 150, KX_EV_ENTRY },
			{ 0, 0, 8, 120, KX_EV_EXIT }, { 0, 0, 8, 160, KX_EV_ENTRY } } },
	};
	struct batch b;

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		memset(&b, 0, sizeof(b));
		for (const struct hand *h = cases[c].ev; h->kind; h++)
			add(&b, h->buffer, h->cpu, h->tid, h->ts, h->kind);
		check_window(&b, cases[c].what);
	}
}

/* Threads on one CPU at a time, moving now and then, recorded per CPU. */
static void moving_threads(struct batch *b, unsigned seed)
{
	struct { int32_t cpu; uint64_t ts; int32_t tid; } rec[KX_SOURCE_BATCH];
	int32_t where[12];
	unsigned nthreads = 1 + (unsigned)rand() % 12, ncpus = 1 + (unsigned)rand() % 16;
	unsigned total = 1 + (unsigned)rand() % KX_SOURCE_BATCH;
	uint64_t now = seed;

	for (unsigned t = 0; t < nthreads; t++)
		where[t] = (int32_t)(t % ncpus);
	for (unsigned i = 0; i < total; i++) {
		unsigned t = (unsigned)rand() % nthreads;

		if (rand() % 8 == 0)
			where[t] = (int32_t)((unsigned)rand() % ncpus);
		now += (uint64_t)(rand() % 3);	/* ties too */
		rec[i].cpu = where[t];
		rec[i].ts = now;
		rec[i].tid = (int32_t)(100 + t * 16);	/* 100, 116, 132 ...: groups shared */
	}
	int32_t cpus[16];

	for (unsigned c = 0; c < ncpus; c++)
		cpus[c] = (int32_t)c;
	for (unsigned c = ncpus; c > 1; c--) {	/* the streams in any order */
		unsigned j = (unsigned)rand() % c;
		int32_t x = cpus[c - 1];

		cpus[c - 1] = cpus[j];
		cpus[j] = x;
	}
	memset(b, 0, sizeof(*b));
	for (unsigned c = 0; c < ncpus; c++)
		for (unsigned i = 0; i < total; i++)
			if (rec[i].cpu == cpus[c])
				add(b, 0, rec[i].cpu, rec[i].tid, rec[i].ts, KX_EV_EXIT);
}

/* Streams of any times and threads, two buffers. */
static void any_streams(struct batch *b, bool with_lost)
{
	unsigned nstreams = 1 + (unsigned)rand() % KX_WINDOW_STREAMS;

	memset(b, 0, sizeof(*b));
	for (unsigned s = 0; s < nstreams && b->n < KX_SOURCE_BATCH; s++) {
		unsigned len = 1 + (unsigned)rand() % (KX_SOURCE_BATCH / nstreams);
		uint64_t ts = (uint64_t)(rand() % 50);

		for (unsigned i = 0; i < len && b->n < KX_SOURCE_BATCH; i++) {
			bool lost = with_lost && rand() % 40 == 0;

			ts += (uint64_t)(rand() % 20);
			add(b, (uint16_t)(s % 2), (int32_t)(s / 2), lost ? -1 : rand() % 70, ts,
			    lost ? KX_EV_LOST : KX_EV_ENTRY);
		}
	}
}

/*
 * @b as perf.data's orderer cuts it: events of threads on any CPU came
 * in one file order, times coarse so that they tie across CPUs; the
 * window holds them CPU by CPU, each with its rank in the file.
 */
static void file_order(struct batch *b, bool with_lost)
{
	struct kx_event in_file[KX_SOURCE_BATCH];
	unsigned n = 1 + (unsigned)rand() % KX_SOURCE_BATCH, ncpus = 1 + (unsigned)rand() % 12;
	uint64_t ts[16] = { 0 };

	for (unsigned i = 0; i < n; i++) {
		unsigned c = (unsigned)rand() % ncpus;
		bool lost = with_lost && rand() % 40 == 0;

		ts[c] += (uint64_t)(rand() % 3);	/* a CPU's own times never go back */
		memset(&in_file[i], 0, sizeof(in_file[i]));
		in_file[i].ts = ts[c];
		in_file[i].cpu = (int32_t)c;
		in_file[i].tid = lost ? -1 : rand() % 40;
		in_file[i].kind = lost ? KX_EV_LOST : KX_EV_EXIT;
	}
	memset(b, 0, sizeof(*b));
	for (unsigned c = 0; c < ncpus; c++)
		for (unsigned i = 0; i < n; i++)
			if ((unsigned)in_file[i].cpu == (c + 5) % ncpus) {	/* CPUs in any order */
				b->tie[b->n] = i;
				add(b, 0, in_file[i].cpu, in_file[i].tid, in_file[i].ts, in_file[i].kind);
			}
	b->w.tie = b->tie;
}

static void random_windows(void)
{
	static struct batch b;
	unsigned bad_moving = 0, bad_any = 0, bad_lost = 0, lost_windows = 0, bad_file = 0;

	srand(7);
	for (unsigned round = 0; round < 3000; round++) {
		moving_threads(&b, round);
		bad_moving += !window_ok(&b);
		file_order(&b, round % 2);
		bad_file += !window_ok(&b);
		any_streams(&b, false);
		bad_any += !window_ok(&b);
		any_streams(&b, true);
		lost_windows += b.w.lost;
		bad_lost += !window_ok(&b);
	}
	is_u64(bad_moving, 0, "3000 windows of threads moving between CPUs: all by thread");
	is_u64(bad_any, 0, "3000 windows of any streams, up to KX_WINDOW_STREAMS: all by thread");
	ok(lost_windows > 1000, "over 1000 of 3000 windows hold a lost marker (%u)", lost_windows);
	is_u64(bad_lost, 0, "those come whole in delivery order, the others by thread");
	is_u64(bad_file, 0, "3000 windows whose equal times go by file order (perf.data)");
}

/* A batch in delivery order: partitioned by thread, or refused with a lost marker. */
static void merged_batches(void)
{
	static struct batch b;
	unsigned bad = 0, refused = 0, lost = 0;

	srand(11);
	for (unsigned round = 0; round < 2000; round++) {
		uint16_t order[KX_SOURCE_BATCH];
		bool has_lost = false;

		any_streams(&b, round % 2);
		reference(&b);
		/* the batch as the merge delivers it */
		for (unsigned i = 0; i < b.n; i++) {
			order[i] = b.want[i];
			has_lost |= b.ev[i].kind == KX_EV_LOST;
		}
		{
			struct kx_event merged[KX_SOURCE_BATCH];

			for (unsigned i = 0; i < b.n; i++)
				merged[i] = b.ev[order[i]];
			memcpy(b.ev, merged, b.n * sizeof(merged[0]));
		}
		reference(&b);
		lost += has_lost;
		if (!kx_order_by_thread(b.ev, b.n, order))
			refused += has_lost;
		else
			bad += has_lost || !by_thread_ok(&b, order);
	}
	ok(lost > 500, "merged batches with a lost marker: %u of 2000", lost);
	is_u64(refused, lost, "kx_order_by_thread() refuses exactly those");
	is_u64(bad, 0, "and partitions the others by thread in their order");
}

int main(void)
{
	hand_made();
	random_windows();
	merged_batches();
	return done_testing();
}
