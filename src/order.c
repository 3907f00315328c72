// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * order.c - the order a run feeds a batch in when any interleaving of the
 * threads will do (see kx_order.h). A batch in delivery order needs only
 * a stable partition by thread. A time window holds each stream's events
 * in a row, in runs of one thread each: the runs are put by group, and a
 * group's in delivery order, mostly laid out whole, merged where a thread
 * came back to a CPU within the window.
 */
#include <string.h>

#include "kx_order.h"

#define GROUPS	KX_ORDER_GROUPS

bool kx_order_by_thread(const struct kx_event *e, unsigned n, uint16_t *order)
{
	unsigned at[GROUPS] = { 0 };

	for (unsigned i = 0; i < n; i++) {
		if (e[i].kind == KX_EV_LOST)
			return false;
		at[(uint32_t)e[i].tid % GROUPS]++;
	}
	for (unsigned g = 0, sum = 0; g < GROUPS; g++) {
		unsigned c = at[g];

		at[g] = sum;
		sum += c;
	}
	for (unsigned i = 0; i < n; i++)
		order[at[(uint32_t)e[i].tid % GROUPS]++] = (uint16_t)i;
	return true;
}

/*
 * Delivery order of events @i and @j of @e: time, then @tie (perf.data:
 * file order) if set, else buffer and CPU, as trace.dat merges its streams.
 */
static inline bool before(const struct kx_event *e, const uint64_t *tie, unsigned i, unsigned j)
{
	const struct kx_event *a = &e[i], *b = &e[j];

	if (a->ts != b->ts)
		return a->ts < b->ts;
	if (tie)
		return tie[i] < tie[j];
	if (a->buffer != b->buffer)
		return a->buffer < b->buffer;
	return a->cpu < b->cpu;
}

/* A run of events in delivery order: places [a, b) in the batch, or in an order of it. */
struct segment {
	unsigned a, b;
};

/* Merge neighbouring @seg (in a row) of @order until one is left. */
static void merge_segments(const struct kx_event *e, const uint64_t *tie, uint16_t *order,
			   struct segment *seg, unsigned nseg, uint16_t *tmp)
{
	while (nseg > 1) {
		unsigned k, m = 0;

		for (k = 0; k + 1 < nseg; k += 2) {
			unsigned i = seg[k].a, mid = seg[k].b, j = mid, b = seg[k + 1].b, o = i;

			while (i < mid && j < b)
				tmp[o++] = before(e, tie, order[j], order[i]) ? order[j++] : order[i++];
			while (i < mid)
				tmp[o++] = order[i++];
			while (j < b)
				tmp[o++] = order[j++];
			memcpy(order + seg[k].a, tmp + seg[k].a, (b - seg[k].a) * sizeof(*order));
			seg[m++] = (struct segment){ seg[k].a, b };
		}
		if (k < nseg)
			seg[m++] = seg[k];
		nseg = m;
	}
}

/*
 * Merge the runs @x and @y of @e into @order from @o, stably; return the
 * new end. merge_segments()'s merge, but of places in the batch itself:
 * the common case of a thread on two CPUs loads no index to compare.
 */
static unsigned merge_two(const struct kx_event *e, const uint64_t *tie, struct segment x,
			  struct segment y, uint16_t *order, unsigned o)
{
	unsigned i = x.a, j = y.a;

	while (i < x.b && j < y.b)
		order[o++] = (uint16_t)(before(e, tie, j, i) ? j++ : i++);
	while (i < x.b)
		order[o++] = (uint16_t)i++;
	while (j < y.b)
		order[o++] = (uint16_t)j++;
	return o;
}

/*
 * Put @seg[0, k), runs of events of @e each in delivery order, after
 * @order[0, o), in delivery order; return the new end. A thread is on one
 * CPU at a time, so its runs mostly follow one another in time whole:
 * then they are only laid out by their first events. Where they overlap
 * (a thread back on a CPU within the window), they are merged. Runs of
 * one stream keep their order (ties within a stream).
 */
static unsigned place_runs(const struct kx_event *e, const uint64_t *tie, struct segment *seg,
			   unsigned k, uint16_t *order, unsigned o, uint16_t *tmp)
{
	bool overlap = false;

	for (unsigned i = 1; i < k; i++) {
		struct segment s = seg[i];
		unsigned j = i;

		for (; j > 0 && before(e, tie, s.a, seg[j - 1].a); j--)
			seg[j] = seg[j - 1];
		seg[j] = s;
	}
	for (unsigned i = 1; i < k; i++)
		overlap |= before(e, tie, seg[i].a, seg[i - 1].b - 1);
	if (overlap && k == 2)
		return merge_two(e, tie, seg[0], seg[1], order, o);
	for (unsigned i = 0; i < k; i++) {
		unsigned at = o;

		for (unsigned x = seg[i].a; x < seg[i].b; x++)
			order[o++] = (uint16_t)x;
		seg[i] = (struct segment){ at, o };	/* now where it went in @order */
	}
	if (overlap)
		merge_segments(e, tie, order, seg, k, tmp);
	return o;
}

void kx_order_window(const struct kx_event *e, const struct kx_window *w, uint16_t *order)
{
	const unsigned n = w->start[w->nr_streams];
	struct segment run[KX_SOURCE_BATCH], by_group[KX_SOURCE_BATCH];
	uint8_t group[KX_SOURCE_BATCH];
	unsigned nruns = 0, first[GROUPS + 1] = { 0 }, at[GROUPS], o = 0;
	uint16_t tmp[KX_SOURCE_BATCH];

	if (w->lost) {
		for (unsigned i = 0; i < n; i++)
			order[i] = (uint16_t)i;
		for (unsigned r = 0; r < w->nr_streams; r++)
			run[r] = (struct segment){ w->start[r], w->start[r + 1] };
		merge_segments(e, w->tie, order, run, w->nr_streams, tmp);
		return;
	}
	/* each stream's events in runs of one thread, then the runs by group as they came */
	for (unsigned r = 0; r < w->nr_streams; r++)
		for (unsigned i = w->start[r], j; i < w->start[r + 1]; i = j) {
			for (j = i + 1; j < w->start[r + 1] && e[j].tid == e[i].tid; j++)
				;
			group[nruns] = (uint8_t)((uint32_t)e[i].tid % GROUPS);
			first[group[nruns] + 1]++;
			run[nruns++] = (struct segment){ i, j };
		}
	for (unsigned g = 0; g < GROUPS; g++) {
		first[g + 1] += first[g];
		at[g] = first[g];
	}
	for (unsigned i = 0; i < nruns; i++)
		by_group[at[group[i]]++] = run[i];
	for (unsigned g = 0; g < GROUPS; g++)
		if (first[g + 1] > first[g])
			o = place_runs(e, w->tie, by_group + first[g], first[g + 1] - first[g], order,
				       o, tmp);
}
