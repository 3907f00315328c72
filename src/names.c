// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * names.c - string intern table: open addressing over FNV-1a hashes, the
 * strings themselves in one growing arena. Holds exit-reason names, so it
 * stays small (tens of entries); lookups happen once per distinct code.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kx_names.h"
#include "kx_grow.h"

struct kx_names {
	char **strs;		/* [count], each a separate NUL-terminated copy */
	size_t cap;		/* capacity of strs */
	uint32_t count;
	int32_t *slots;		/* hash slots: id or -1 */
	uint32_t nslots;	/* power of two, > 2 * count */
};

static uint64_t hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ull;

	while (len--) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ull;
	}
	return h;
}

struct kx_names *kx_names_new(void)
{
	struct kx_names *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->nslots = 64;
	n->slots = malloc(n->nslots * sizeof(*n->slots));
	if (!n->slots) {
		free(n);
		return NULL;
	}
	memset(n->slots, 0xff, n->nslots * sizeof(*n->slots));
	return n;
}

void kx_names_free(struct kx_names *n)
{
	if (!n)
		return;
	for (uint32_t i = 0; i < n->count; i++)
		free(n->strs[i]);
	free(n->strs);
	free(n->slots);
	free(n);
}

static uint32_t slot_of(const struct kx_names *n, const char *s, size_t len)
{
	uint32_t mask = n->nslots - 1;
	uint32_t i = (uint32_t)hash(s, len) & mask;

	while (n->slots[i] >= 0) {
		const char *have = n->strs[n->slots[i]];

		if (strncmp(have, s, len) == 0 && have[len] == '\0')
			break;
		i = (i + 1) & mask;
	}
	return i;
}

static int grow_slots(struct kx_names *n)
{
	uint32_t nslots = n->nslots * 2;
	int32_t *slots = malloc(nslots * sizeof(*slots));
	int32_t *old = n->slots;

	if (!slots)
		return -ENOMEM;
	memset(slots, 0xff, nslots * sizeof(*slots));
	n->slots = slots;
	n->nslots = nslots;
	for (uint32_t id = 0; id < n->count; id++)
		n->slots[slot_of(n, n->strs[id], strlen(n->strs[id]))] = (int32_t)id;
	free(old);
	return 0;
}

int64_t kx_names_intern(struct kx_names *n, const char *str, size_t len)
{
	uint32_t slot = slot_of(n, str, len);
	char *copy;

	if (n->slots[slot] >= 0)
		return n->slots[slot];
	if (n->count == n->cap) {
		char **strs = kx_grow(n->strs, &n->cap, sizeof(*strs), 32);

		if (!strs)
			return -ENOMEM;
		n->strs = strs;
	}
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, str, len);
	copy[len] = '\0';
	n->strs[n->count] = copy;
	n->slots[slot] = (int32_t)n->count;
	n->count++;
	if (n->count * 2 >= n->nslots && grow_slots(n) < 0)
		return -ENOMEM;
	return n->count - 1;
}

int64_t kx_names_find(const struct kx_names *n, const char *str)
{
	return n->slots[slot_of(n, str, strlen(str))];
}

const char *kx_names_get(const struct kx_names *n, uint32_t id)
{
	return id < n->count ? n->strs[id] : NULL;
}

uint32_t kx_names_count(const struct kx_names *n)
{
	return n->count;
}
