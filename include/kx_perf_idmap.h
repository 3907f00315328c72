/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_perf_idmap.h - a small hash map from a 64-bit key to a 32-bit value,
 * used by the perf.data reader for sample id -> attr and tid -> comm slot.
 * Memory grows with distinct keys only.
 */
#ifndef KX_PERF_IDMAP_H
#define KX_PERF_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kx_perf_idmap {
	uint64_t *keys;
	uint32_t *vals;
	bool *used;
	size_t nr, alloc;	/* alloc is 0 or a power of two */
};

/** kx_perf_idmap_put() - set @key to @val (insert or replace). Return: 0 or -ENOMEM. */
int kx_perf_idmap_put(struct kx_perf_idmap *m, uint64_t key, uint32_t val);

/** kx_perf_idmap_get() - the value of @key in *@val. Return: true if present. */
bool kx_perf_idmap_get(const struct kx_perf_idmap *m, uint64_t key, uint32_t *val);

/** kx_perf_idmap_fini() - free the storage of a zero-initialised or used map. */
void kx_perf_idmap_fini(struct kx_perf_idmap *m);

#endif /* KX_PERF_IDMAP_H */
