/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * delivery_order.h - the order the sources deliver events in, for the
 * unit tests to check orders against, written apart from the code under
 * test: a sort by time, then file order (perf.data) or buffer and CPU
 * (trace.dat), then place in the batch.
 * Its includer defines _GNU_SOURCE (qsort_r()).
 */
#ifndef KX_TEST_DELIVERY_ORDER_H
#define KX_TEST_DELIVERY_ORDER_H

#include <stdlib.h>

#include "kx_event.h"

/* What qsort_r() compares with: the events and, if set, their ranks among equal times. */
struct delivery {
	const struct kx_event *e;
	const uint64_t *tie;
};

static int by_delivery(const void *a, const void *b, void *arg)
{
	const struct delivery *d = arg;
	uint16_t i = *(const uint16_t *)a, j = *(const uint16_t *)b;
	const struct kx_event *x = &d->e[i], *y = &d->e[j];

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (d->tie && d->tie[i] != d->tie[j])
		return d->tie[i] < d->tie[j] ? -1 : 1;
	if (!d->tie && x->buffer != y->buffer)
		return x->buffer < y->buffer ? -1 : 1;
	if (!d->tie && x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	return i < j ? -1 : i > j;
}

/*
 * @idx[0, n): the indices of @e in delivery order: by time, then by @tie
 * if set (perf.data: file order), else by buffer and CPU; then by place.
 */
static inline void delivery_order(const struct kx_event *e, const uint64_t *tie, uint16_t *idx,
				  size_t n)
{
	struct delivery d = { e, tie };

	for (size_t i = 0; i < n; i++)
		idx[i] = (uint16_t)i;
	qsort_r(idx, n, sizeof(*idx), by_delivery, &d);
}

#endif /* KX_TEST_DELIVERY_ORDER_H */
