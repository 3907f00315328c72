// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * perf_order.c - reorders perf.data events by timestamp with bounded
 * memory, released up to a limit that advances at each FINISHED_ROUND mark
 * (see kx_perf_order.h). One FIFO lane per CPU holds the events that came
 * in time order for that CPU (nearly all: perf copies each CPU's ring in
 * order); a small heap of lanes merges them, and the few events older than
 * their lane's tail go through a binary min-heap instead.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "kx_grow.h"
#include "kx_packed_event.h"
#include "kx_perf_order.h"

#define MAX_LANES	1025	/* lane 0: no or unusual CPU; lane c + 1: CPU c */
#define MIN_LANE_ALLOC	256
#define PREFETCH_AHEAD	4	/* entries of a lane fetched ahead of its head */

/*
 * An event in its packed form (a 512-CPU host holds a million of them
 * between two rounds), with what the packed form leaves to its holder.
 * seq first: the key (seq, ev.ts) sits in one cache line for 7 entries of 8.
 */
struct queued {
	uint64_t seq;		/* arrival number: keeps ties in file order */
	struct kx_packed_event ev;
	int32_t cpu;
	int32_t pid;
};

/* A ring of events in (ts, seq) order: a CPU's events as they arrived. */
struct lane {
	struct queued *q;
	size_t head, nr, alloc;	/* alloc is a power of two */
};

/* A non-empty lane, with the key of its head event (no pointer chase to compare). */
struct ready {
	uint64_t ts, seq;
	uint32_t lane;
};

struct kx_perf_order {
	struct lane *lanes;
	size_t nr_lanes;
	struct ready *ready;	/* min-heap of the non-empty lanes, by head event */
	size_t nr_ready;
	struct queued *heap;	/* min-heap of the events that came out of lane order */
	size_t heap_nr, heap_alloc;
	size_t nr;		/* events queued in all */
	size_t max_nr;		/* from the memory cap */
	uint64_t seq;
	uint64_t max_ts;	/* largest ts seen so far */
	uint64_t round_max_ts;	/* max_ts at the previous FINISHED_ROUND */
	uint64_t limit;		/* events with ts <= limit may be delivered */
	uint64_t last_ts;	/* ts of the last delivered event */
	uint64_t rounds, late, peak;
	bool delivered;
};

int kx_perf_order_new(uint64_t mem_cap, struct kx_perf_order **out)
{
	struct kx_perf_order *o = calloc(1, sizeof(*o));

	*out = NULL;
	if (!o)
		return -ENOMEM;
	o->max_nr = mem_cap / sizeof(struct queued);
	*out = o;
	return 0;
}

void kx_perf_order_free(struct kx_perf_order *o)
{
	size_t i;

	if (!o)
		return;
	for (i = 0; i < o->nr_lanes; i++)
		free(o->lanes[i].q);
	free(o->lanes);
	free(o->ready);
	free(o->heap);
	free(o);
}

static inline bool before(const struct queued *a, const struct queued *b)
{
	return a->ev.ts < b->ev.ts || (a->ev.ts == b->ev.ts && a->seq < b->seq);
}

static inline struct queued *lane_head(const struct lane *l)
{
	return &l->q[l->head];
}

static inline struct queued *lane_tail(const struct lane *l)
{
	return &l->q[(l->head + l->nr - 1) & (l->alloc - 1)];
}

static inline void prefetch_entry(const struct queued *e)
{
	__builtin_prefetch(e);
	__builtin_prefetch((const char *)e + sizeof(*e) - 1);
}

static inline void deliver(struct kx_event *ev, const struct queued *e)
{
	kx_event_unpack(ev, &e->ev, e->cpu, 0, e->pid);
}

static inline bool ready_before(const struct ready *a, const struct ready *b)
{
	return a->ts < b->ts || (a->ts == b->ts && a->seq < b->seq);
}

static inline struct ready ready_of(const struct kx_perf_order *o, size_t lane)
{
	const struct queued *h = lane_head(&o->lanes[lane]);

	return (struct ready){ .ts = h->ev.ts, .seq = h->seq, .lane = (uint32_t)lane };
}

static size_t lane_index(int32_t cpu)
{
	return cpu >= 0 && cpu < MAX_LANES - 1 ? (size_t)cpu + 1 : 0;
}

/* Make lane @i exist; the lanes array and the ready heap grow together. */
static int add_lanes(struct kx_perf_order *o, size_t i)
{
	size_t n = i + 1 > o->nr_lanes * 2 ? i + 1 : o->nr_lanes * 2;
	struct lane *lanes;
	struct ready *ready;

	if (n > MAX_LANES)
		n = MAX_LANES;
	lanes = realloc(o->lanes, n * sizeof(*lanes));
	if (!lanes)
		return -ENOMEM;
	o->lanes = lanes;
	ready = realloc(o->ready, n * sizeof(*ready));
	if (!ready)
		return -ENOMEM;
	o->ready = ready;
	for (; o->nr_lanes < n; o->nr_lanes++)
		o->lanes[o->nr_lanes] = (struct lane){ 0 };
	return 0;
}

/* Double a full lane, unwrapping its ring. */
static int grow_lane(struct lane *l)
{
	size_t alloc = l->alloc ? l->alloc * 2 : MIN_LANE_ALLOC;
	struct queued *q = malloc(alloc * sizeof(*q));
	size_t i;

	if (!q)
		return -ENOMEM;
	for (i = 0; i < l->nr; i++)
		q[i] = l->q[(l->head + i) & (l->alloc - 1)];
	free(l->q);
	l->q = q;
	l->head = 0;
	l->alloc = alloc;
	return 0;
}

static void ready_add(struct kx_perf_order *o, struct ready r)
{
	size_t i = o->nr_ready++;

	while (i > 0 && ready_before(&r, &o->ready[(i - 1) / 2])) {
		o->ready[i] = o->ready[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	o->ready[i] = r;
}

/* Put @r (the new key of the top lane, or the last entry) in place from the top. */
static void ready_sift_down(struct kx_perf_order *o, struct ready r)
{
	size_t i = 0;

	for (;;) {
		size_t l = 2 * i + 1, m;

		if (l >= o->nr_ready)
			break;
		m = l + 1 < o->nr_ready && ready_before(&o->ready[l + 1], &o->ready[l]) ? l + 1 : l;
		if (!ready_before(&o->ready[m], &r))
			break;
		o->ready[i] = o->ready[m];
		i = m;
	}
	o->ready[i] = r;
}

static int heap_push(struct kx_perf_order *o, const struct queued *e)
{
	size_t i;

	if (o->heap_nr == o->heap_alloc) {
		struct queued *heap = kx_grow(o->heap, &o->heap_alloc, sizeof(*heap), 64);

		if (!heap)
			return -ENOMEM;
		o->heap = heap;
	}
	i = o->heap_nr++;
	while (i > 0 && before(e, &o->heap[(i - 1) / 2])) {
		o->heap[i] = o->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	o->heap[i] = *e;
	return 0;
}

static void heap_pop(struct kx_perf_order *o, struct kx_event *ev)
{
	const struct queued *last;
	size_t i = 0;

	deliver(ev, &o->heap[0]);
	last = &o->heap[--o->heap_nr];
	for (;;) {
		size_t l = 2 * i + 1, m;

		if (l >= o->heap_nr)
			break;
		m = l + 1 < o->heap_nr && before(&o->heap[l + 1], &o->heap[l]) ? l + 1 : l;
		if (!before(&o->heap[m], last))
			break;
		o->heap[i] = o->heap[m];
		i = m;
	}
	o->heap[i] = *last;
}

/* Room for @n more events at the tail of lane @li: the lane made or grown if needed. */
static __attribute__((noinline)) int make_room(struct kx_perf_order *o, size_t li, size_t n)
{
	int err = 0;

	if (li >= o->nr_lanes)
		err = add_lanes(o, li);
	while (!err && o->lanes[li].alloc - o->lanes[li].nr < n)
		err = grow_lane(&o->lanes[li]);
	return err;
}

/*
 * Queue @evs[0..@n), all of one CPU, at the tail of lane @li. The lane's
 * ring and the orderer's counters are read into locals once: for all the
 * compiler knows, writing an entry could change them.
 */
static int push_lane(struct kx_perf_order *o, size_t li, const struct kx_event *evs, unsigned n)
{
	struct lane *l;
	struct queued *q;
	uint64_t seq = o->seq, max_ts = o->max_ts, tail_ts = 0;
	uint64_t floor = o->delivered ? o->last_ts : 0;	/* older than this is late */
	size_t head, mask, nr, late = 0;
	unsigned i;
	int err = 0;

	if (o->nr + n > o->max_nr)
		return -E2BIG;
	if (__builtin_expect(li >= o->nr_lanes || o->lanes[li].alloc - o->lanes[li].nr < n, 0)) {
		err = make_room(o, li, n);
		if (err)
			return err;
	}
	l = &o->lanes[li];
	q = l->q;
	head = l->head;
	mask = l->alloc - 1;
	nr = l->nr;
	if (nr)
		tail_ts = lane_tail(l)->ev.ts;
	for (i = 0; i < n; i++) {
		struct queued *e = &q[(head + nr) & mask];

		kx_event_pack(&e->ev, &evs[i]);
		e->cpu = evs[i].cpu;
		e->pid = evs[i].pid;
		if (e->ev.ts > max_ts)
			max_ts = e->ev.ts;
		if (e->ev.ts < floor) {
			e->ev.ts = floor;
			late++;
		}
		e->seq = seq++;
		if (nr && e->ev.ts < tail_ts) {
			err = heap_push(o, e);	/* out of its lane's order: the rare case */
			if (err)
				break;
		} else {
			tail_ts = e->ev.ts;
			if (!nr++)
				ready_add(o, ready_of(o, li));
		}
	}
	l->nr = nr;
	o->seq = seq;
	o->max_ts = max_ts;
	o->late += late;
	o->nr += i;	/* all @n, or those before one the heap had no room for */
	if (o->nr > o->peak)
		o->peak = o->nr;
	return err;
}

int kx_perf_order_push(struct kx_perf_order *o, const struct kx_event *evs, unsigned n)
{
	for (unsigned i = 0, j; i < n; i = j) {
		int err;

		for (j = i + 1; j < n && evs[j].cpu == evs[i].cpu; j++)
			;
		err = push_lane(o, lane_index(evs[i].cpu), evs + i, j - i);
		if (err)
			return err;
	}
	return 0;
}

void kx_perf_order_saw(struct kx_perf_order *o, uint64_t ts)
{
	if (ts > o->max_ts)
		o->max_ts = ts;
}

void kx_perf_order_round(struct kx_perf_order *o)
{
	o->rounds++;
	o->limit = o->round_max_ts;
	o->round_max_ts = o->max_ts;
}

void kx_perf_order_finish(struct kx_perf_order *o)
{
	o->limit = UINT64_MAX;
}

int kx_perf_order_pop(struct kx_perf_order *o, struct kx_event *ev)
{
	const struct ready *top = o->nr_ready ? &o->ready[0] : NULL;
	struct lane *l;

	if (o->heap_nr && (!top || o->heap[0].ev.ts < top->ts ||
			   (o->heap[0].ev.ts == top->ts && o->heap[0].seq < top->seq))) {
		if (o->heap[0].ev.ts > o->limit)
			return 0;
		heap_pop(o, ev);
	} else {
		if (!top || top->ts > o->limit)
			return 0;
		l = &o->lanes[top->lane];
		deliver(ev, lane_head(l));
		l->head = (l->head + 1) & (l->alloc - 1);
		/* a lane is read front to back, interleaved with the others: fetch ahead */
		prefetch_entry(&l->q[(l->head + PREFETCH_AHEAD) & (l->alloc - 1)]);
		if (--l->nr)
			ready_sift_down(o, ready_of(o, top->lane));
		else if (--o->nr_ready)
			ready_sift_down(o, o->ready[o->nr_ready]);
	}
	o->nr--;
	o->last_ts = ev->ts;
	o->delivered = true;
	return 1;
}

/* The lanes' new heads in the ready heap, the emptied ones out. */
static void rebuild_ready(struct kx_perf_order *o)
{
	size_t n = 0;

	for (size_t i = 0; i < o->nr_ready; i++)
		if (o->lanes[o->ready[i].lane].nr)
			o->ready[n++] = ready_of(o, o->ready[i].lane);
	o->nr_ready = 0;
	for (size_t i = 0; i < n; i++)
		ready_add(o, o->ready[i]);
}

unsigned kx_perf_order_window(struct kx_perf_order *o, struct kx_event *evs, unsigned max,
			      struct kx_window *w, uint64_t *tie)
{
	const size_t lanes = o->nr_ready;
	uint64_t end = o->limit == UINT64_MAX ? UINT64_MAX : o->limit + 1;
	unsigned k, n = 0;

	if (!lanes || lanes > KX_WINDOW_STREAMS)
		return 0;
	/* an event out of its lane's order comes after the window, from its heap */
	if (o->heap_nr && o->heap[0].ev.ts < end)
		end = o->heap[0].ev.ts;
	k = max / (unsigned)lanes;
	for (size_t i = 0; i < lanes; i++) {
		const struct lane *l = &o->lanes[o->ready[i].lane];

		if (l->nr > k && l->q[(l->head + k) & (l->alloc - 1)].ev.ts < end)
			end = l->q[(l->head + k) & (l->alloc - 1)].ev.ts;
	}
	kx_window_open(w, tie);
	for (size_t i = 0; i < lanes; i++) {
		struct lane *l = &o->lanes[o->ready[i].lane];
		/* in locals: the events written could be the lane's fields, for all the compiler knows */
		const struct queued *q = l->q;
		size_t head = l->head, nr = l->nr, mask = l->alloc - 1;
		unsigned from = n;
		bool lost = false;

		for (; nr && q[head].ev.ts < end; nr--, head = (head + 1) & mask) {
			deliver(&evs[n], &q[head]);
			tie[n] = q[head].seq;
			lost |= q[head].ev.kind == KX_EV_LOST;
			n++;
		}
		l->head = head;
		l->nr = nr;
		if (n != from)
			kx_window_add(w, from, n, evs[from].ts, evs[n - 1].ts, lost);
	}
	if (!n)
		return 0;
	rebuild_ready(o);
	o->nr -= n;
	o->last_ts = w->last_ts;
	o->delivered = true;
	return n;
}

uint64_t kx_perf_order_limit(const struct kx_perf_order *o)
{
	return o->limit;
}

uint64_t kx_perf_order_rounds(const struct kx_perf_order *o)
{
	return o->rounds;
}

uint64_t kx_perf_order_late(const struct kx_perf_order *o)
{
	return o->late;
}

uint64_t kx_perf_order_peak(const struct kx_perf_order *o)
{
	return o->peak;
}
