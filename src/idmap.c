// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * idmap.c - the u64 -> u32 hash map's growth (kx_idmap.h has the lookup):
 * see there for who keeps what in it.
 */
#include <errno.h>
#include <stdlib.h>

#include "kx_idmap.h"

static int rehash(struct kx_idmap *m, size_t alloc)
{
	struct kx_idmap n = { .alloc = alloc };
	size_t i;

	n.keys = malloc(alloc * sizeof(*n.keys));
	n.vals = malloc(alloc * sizeof(*n.vals));
	n.used = calloc(alloc, sizeof(*n.used));
	if (!n.keys || !n.vals || !n.used) {
		kx_idmap_fini(&n);
		return -ENOMEM;
	}
	for (i = 0; i < m->alloc; i++) {
		size_t s;

		if (!m->used[i])
			continue;
		s = kx_idmap_slot(&n, m->keys[i]);
		n.used[s] = true;
		n.keys[s] = m->keys[i];
		n.vals[s] = m->vals[i];
	}
	n.nr = m->nr;
	kx_idmap_fini(m);
	*m = n;
	return 0;
}

int kx_idmap_put(struct kx_idmap *m, uint64_t key, uint32_t val)
{
	size_t s;

	if ((m->nr + 1) * 2 > m->alloc) {
		int err = rehash(m, m->alloc ? m->alloc * 2 : 64);

		if (err)
			return err;
	}
	s = kx_idmap_slot(m, key);
	if (!m->used[s]) {
		m->used[s] = true;
		m->keys[s] = key;
		m->nr++;
	}
	m->vals[s] = val;
	return 0;
}

void kx_idmap_fini(struct kx_idmap *m)
{
	free(m->keys);
	free(m->vals);
	free(m->used);
	*m = (struct kx_idmap){ 0 };
}
