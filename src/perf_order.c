// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * perf_order.c - reorders perf.data events by timestamp with bounded
 * memory: a binary min-heap keyed by (ts, arrival number), released up to a
 * limit that advances at each FINISHED_ROUND mark (see kx_perf_order.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "kx_perf_order.h"

struct queued {
	struct kx_event ev;
	uint64_t seq;		/* arrival number: keeps ties in file order */
};

struct kx_perf_order {
	struct queued *heap;
	size_t nr, alloc;
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
	if (!o)
		return;
	free(o->heap);
	free(o);
}

static bool before(const struct queued *a, const struct queued *b)
{
	return a->ev.ts < b->ev.ts || (a->ev.ts == b->ev.ts && a->seq < b->seq);
}

static void swap_entries(struct queued *a, struct queued *b)
{
	struct queued t = *a;

	*a = *b;
	*b = t;
}

static int grow(struct kx_perf_order *o)
{
	size_t alloc = o->alloc ? o->alloc * 2 : 1024;
	struct queued *heap;

	if (alloc > o->max_nr)
		alloc = o->max_nr;
	if (alloc <= o->nr)
		return -E2BIG;
	heap = realloc(o->heap, alloc * sizeof(*heap));
	if (!heap)
		return -ENOMEM;
	o->heap = heap;
	o->alloc = alloc;
	return 0;
}

int kx_perf_order_push(struct kx_perf_order *o, const struct kx_event *ev)
{
	size_t i;
	int err;

	if (o->nr == o->alloc) {
		err = grow(o);
		if (err)
			return err;
	}
	i = o->nr++;
	o->heap[i].ev = *ev;
	o->heap[i].seq = o->seq++;
	if (o->delivered && ev->ts < o->last_ts) {
		o->heap[i].ev.ts = o->last_ts;
		o->late++;
	}
	kx_perf_order_saw(o, ev->ts);
	while (i > 0 && before(&o->heap[i], &o->heap[(i - 1) / 2])) {
		swap_entries(&o->heap[i], &o->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	if (o->nr > o->peak)
		o->peak = o->nr;
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
	size_t i = 0;

	if (!o->nr || o->heap[0].ev.ts > o->limit)
		return 0;
	*ev = o->heap[0].ev;
	o->last_ts = ev->ts;
	o->delivered = true;
	o->heap[0] = o->heap[--o->nr];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < o->nr && before(&o->heap[l], &o->heap[m]))
			m = l;
		if (r < o->nr && before(&o->heap[r], &o->heap[m]))
			m = r;
		if (m == i)
			break;
		swap_entries(&o->heap[i], &o->heap[m]);
		i = m;
	}
	return 1;
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
