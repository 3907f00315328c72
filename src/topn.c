// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * topn.c - a bounded heap of the items that rank first: the parent of
 * every item ranks after it, so the top is the first to give way.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kx_topn.h"

int kx_topn_init(struct kx_topn *t, size_t cap, size_t size, kx_topn_before before,
		 const void *ctx)
{
	*t = (struct kx_topn){ .size = size, .cap = cap, .before = before, .ctx = ctx };
	if (!cap)
		return 0;
	t->items = calloc(cap + 1, size);
	return t->items ? 0 : -ENOMEM;
}

void kx_topn_fini(struct kx_topn *t)
{
	free(t->items);
	t->items = NULL;
}

static void swap(struct kx_topn *t, size_t i, size_t j)
{
	void *spare = kx_topn_at(t, t->cap);

	memcpy(spare, kx_topn_at(t, i), t->size);
	memcpy(kx_topn_at(t, i), kx_topn_at(t, j), t->size);
	memcpy(kx_topn_at(t, j), spare, t->size);
}

/* whether item @i ranks before item @j */
static bool before(const struct kx_topn *t, size_t i, size_t j)
{
	return t->before(kx_topn_at(t, i), kx_topn_at(t, j), t->ctx);
}

/* Restore the heap below @i, over the first @n items. */
static void sift_down(struct kx_topn *t, size_t i, size_t n)
{
	for (;;) {
		size_t last = i, l = 2 * i + 1, r = l + 1;

		if (l < n && before(t, last, l))
			last = l;
		if (r < n && before(t, last, r))
			last = r;
		if (last == i)
			return;
		swap(t, i, last);
		i = last;
	}
}

void kx_topn_offer(struct kx_topn *t, const void *item)
{
	size_t i;

	if (t->n == t->cap) {
		if (!t->cap || !t->before(item, kx_topn_at(t, 0), t->ctx))
			return;
		memcpy(kx_topn_at(t, 0), item, t->size);
		sift_down(t, 0, t->n);
		return;
	}
	i = t->n++;
	memcpy(kx_topn_at(t, i), item, t->size);
	for (; i > 0 && before(t, (i - 1) / 2, i); i = (i - 1) / 2)
		swap(t, i, (i - 1) / 2);
}

void kx_topn_sort(struct kx_topn *t)
{
	/* heap sort: the last-ranked kept goes to the back each round */
	for (size_t end = t->n; end-- > 1;) {
		swap(t, 0, end);
		sift_down(t, 0, end);
	}
}
