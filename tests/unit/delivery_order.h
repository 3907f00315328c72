/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * delivery_order.h - the order the sources deliver events in, for the
 * unit tests to check orders against, written apart from the code under
 * test: a sort by time, then buffer, then CPU, then place in the batch.
 * Its includer defines _GNU_SOURCE (qsort_r()).
 */
#ifndef KX_TEST_DELIVERY_ORDER_H
#define KX_TEST_DELIVERY_ORDER_H

#include <stdlib.h>

#include "kx_event.h"

static int by_delivery(const void *a, const void *b, void *events)
{
	const struct kx_event *e = events;
	uint16_t i = *(const uint16_t *)a, j = *(const uint16_t *)b;
	const struct kx_event *x = &e[i], *y = &e[j];

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->buffer != y->buffer)
		return x->buffer < y->buffer ? -1 : 1;
	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	return i < j ? -1 : i > j;
}

/* @idx[0, n): the indices of @e in delivery order. */
static inline void delivery_order(const struct kx_event *e, uint16_t *idx, size_t n)
{
	for (size_t i = 0; i < n; i++)
		idx[i] = (uint16_t)i;
	qsort_r(idx, n, sizeof(*idx), by_delivery, (void *)e);
}

#endif /* KX_TEST_DELIVERY_ORDER_H */
