/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_idmap.h - a small hash map from a 64-bit key to a 32-bit value: the
 * perf.data reader's sample id -> attr and tid -> comm slot, the split's
 * vCPU thread census, the statistics' thread -> group, sub-key and
 * helper key. Open addressing with linear probing, kept at most half full.
 * Memory grows with distinct keys only.
 */
#ifndef KX_IDMAP_H
#define KX_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kx_idmap {
	uint64_t *keys;
	uint32_t *vals;
	bool *used;
	size_t nr, alloc;	/* alloc is 0 or a power of two */
};

/** kx_idmap_put() - set @key to @val (insert or replace). Return: 0 or -ENOMEM. */
int kx_idmap_put(struct kx_idmap *m, uint64_t key, uint32_t val);

/* The slot of @key in @m (allocated): where it is, or where it would go. */
static inline size_t kx_idmap_slot(const struct kx_idmap *m, uint64_t key)
{
	uint64_t h = (key ^ key >> 33) * 0xff51afd7ed558ccdULL;
	size_t i = (size_t)(h ^ h >> 33) & (m->alloc - 1);

	while (m->used[i] && m->keys[i] != key)
		i = (i + 1) & (m->alloc - 1);
	return i;
}

/**
 * kx_idmap_get() - the value of @key in *@val (inline: the statistics look
 * a key up for every exit). Return: true if present.
 */
static inline bool kx_idmap_get(const struct kx_idmap *m, uint64_t key, uint32_t *val)
{
	size_t s;

	if (!m->alloc)
		return false;
	s = kx_idmap_slot(m, key);
	if (!m->used[s])
		return false;
	*val = m->vals[s];
	return true;
}

/** kx_idmap_fini() - free the storage of a zero-initialised or used map. */
void kx_idmap_fini(struct kx_idmap *m);

#endif /* KX_IDMAP_H */
