/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_topn.h - the N items of a stream that rank first, in bounded memory:
 * a heap whose top is the last-ranked of those kept, so each newcomer is
 * compared once with it. report --longest and cycles --worst keep theirs
 * here; the order is the caller's.
 */
#ifndef KX_TOPN_H
#define KX_TOPN_H

#include <stdbool.h>
#include <stddef.h>

/* Whether @a ranks before @b. It must be a total order for the kept N to be well defined. */
typedef bool (*kx_topn_before)(const void *a, const void *b, const void *ctx);

struct kx_topn {
	unsigned char *items;	/* @cap items of @size bytes, then one spare for swaps */
	size_t size;
	size_t n;
	size_t cap;
	kx_topn_before before;
	const void *ctx;
};

/**
 * kx_topn_init() - keep the first @cap (0: none, nothing allocated) items
 * of @size bytes as @before ranks them, called with @ctx.
 * Return: 0 or -ENOMEM.
 */
int kx_topn_init(struct kx_topn *t, size_t cap, size_t size, kx_topn_before before,
		 const void *ctx);
void kx_topn_fini(struct kx_topn *t);

/** kx_topn_offer() - keep a copy of @item if it ranks among the first @cap seen. */
void kx_topn_offer(struct kx_topn *t, const void *item);

/** kx_topn_sort() - put the kept items in rank order, first first; offer none after. */
void kx_topn_sort(struct kx_topn *t);

/** kx_topn_at() - the kept item @i (heap order until kx_topn_sort()). */
static inline void *kx_topn_at(const struct kx_topn *t, size_t i)
{
	return t->items + i * t->size;
}

#endif /* KX_TOPN_H */
