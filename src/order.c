// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * order.c - the order a run feeds a batch in when any interleaving of the
 * threads will do (see kx_order.h). A batch in delivery order needs only
 * a stable partition by thread. A time window holds each stream's events
 * in a row; a thread's, from each stream, are then put in delivery order.
 */
#include <string.h>

#include "kx_order.h"

#define GROUPS	KX_ORDER_GROUPS

/* Events @e[from, to) into @order by group, each at the end so far of its group in @end. */
static void place_by_group(const struct kx_event *e, unsigned from, unsigned to, uint16_t *order,
			   unsigned *end)
{
	for (unsigned i = from; i < to; i++)
		order[end[(uint32_t)e[i].tid % GROUPS]++] = (uint16_t)i;
}

/* Count @n events by group into @start, then make @start and @end where each group begins. */
static void group_bounds(const struct kx_event *e, unsigned n, unsigned *start, unsigned *end)
{
	memset(start, 0, GROUPS * sizeof(*start));
	for (unsigned i = 0; i < n; i++)
		start[(uint32_t)e[i].tid % GROUPS]++;
	for (unsigned g = 0, sum = 0; g < GROUPS; g++) {
		unsigned c = start[g];

		start[g] = end[g] = sum;
		sum += c;
	}
}

bool kx_order_by_thread(const struct kx_event *e, unsigned n, uint16_t *order)
{
	unsigned start[GROUPS], end[GROUPS];

	for (unsigned i = 0; i < n; i++)
		if (e[i].kind == KX_EV_LOST)
			return false;
	group_bounds(e, n, start, end);
	place_by_group(e, 0, n, order, end);
	return true;
}

/* Delivery order: time, then buffer and CPU, as the sources merge their streams. */
static inline bool before(const struct kx_event *a, const struct kx_event *b)
{
	if (a->ts != b->ts)
		return a->ts < b->ts;
	if (a->buffer != b->buffer)
		return a->buffer < b->buffer;
	return a->cpu < b->cpu;
}

/* Runs of events in delivery order: @order[a, b). */
struct segment {
	unsigned a, b;
};

/* Merge neighbouring @seg (in a row) of @order until one is left. */
static void merge_segments(const struct kx_event *e, uint16_t *order, struct segment *seg,
			   unsigned nseg, uint16_t *tmp)
{
	while (nseg > 1) {
		unsigned k, m = 0;

		for (k = 0; k + 1 < nseg; k += 2) {
			unsigned i = seg[k].a, mid = seg[k].b, j = mid, b = seg[k + 1].b, o = i;

			while (i < mid && j < b)
				tmp[o++] = before(&e[order[j]], &e[order[i]]) ? order[j++] : order[i++];
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
 * Put a group's @nseg segments, each from another stream of a window and
 * in a row, in delivery order. A thread is on one CPU at a time, so its
 * segments mostly follow one another in time whole: then they are only
 * laid out by their first events. Where they overlap (a thread back on a
 * CPU within the window), they are merged. Events of different streams
 * never tie.
 */
static void order_segments(const struct kx_event *e, uint16_t *order, struct segment *seg,
			   unsigned nseg, uint16_t *tmp)
{
	const unsigned from = seg[0].a, to = seg[nseg - 1].b;
	uint8_t by_first[KX_WINDOW_STREAMS];
	bool moved = false;
	unsigned o = from;

	for (unsigned i = 0; i < nseg; i++) {
		unsigned j = i;

		for (; j > 0 && before(&e[order[seg[i].a]], &e[order[seg[by_first[j - 1]].a]]); j--)
			by_first[j] = by_first[j - 1];
		by_first[j] = (uint8_t)i;
		moved |= j != i;
	}
	for (unsigned i = 1; i < nseg; i++) {
		const struct segment *prev = &seg[by_first[i - 1]], *next = &seg[by_first[i]];

		if (before(&e[order[next->a]], &e[order[prev->b - 1]])) {
			merge_segments(e, order, seg, nseg, tmp);
			return;
		}
	}
	if (!moved)
		return;
	for (unsigned i = 0; i < nseg; i++)
		for (unsigned k = seg[by_first[i]].a; k < seg[by_first[i]].b; k++)
			tmp[o++] = order[k];
	memcpy(order + from, tmp + from, (to - from) * sizeof(*order));
}

void kx_order_window(const struct kx_event *e, const struct kx_window *w, uint16_t *order)
{
	const unsigned n = w->start[w->nr_streams];
	uint16_t tmp[KX_SOURCE_BATCH];
	uint16_t edge[KX_WINDOW_STREAMS][GROUPS];	/* where each stream's events of a group end */
	unsigned start[GROUPS], end[GROUPS];

	if (w->lost) {
		struct segment seg[KX_WINDOW_STREAMS];

		for (unsigned i = 0; i < n; i++)
			order[i] = (uint16_t)i;
		for (unsigned r = 0; r < w->nr_streams; r++)
			seg[r] = (struct segment){ w->start[r], w->start[r + 1] };
		merge_segments(e, order, seg, w->nr_streams, tmp);
		return;
	}
	group_bounds(e, n, start, end);
	for (unsigned r = 0; r < w->nr_streams; r++) {
		place_by_group(e, w->start[r], w->start[r + 1], order, end);
		for (unsigned g = 0; g < GROUPS; g++)
			edge[r][g] = (uint16_t)end[g];
	}
	for (unsigned g = 0; g < GROUPS; g++) {
		struct segment seg[KX_WINDOW_STREAMS];
		unsigned nseg = 0, from = start[g];

		for (unsigned r = 0; r < w->nr_streams && from < end[g]; r++) {
			if (edge[r][g] > from)
				seg[nseg++] = (struct segment){ from, edge[r][g] };
			from = edge[r][g];
		}
		if (nseg > 1)
			order_segments(e, order, seg, nseg, tmp);
	}
}
