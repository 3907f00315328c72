// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for idmap.c: keys in and out across the growths, a value
 * replaced, the map kept at most half full, every key found again.
 */
#include "kx_idmap.h"
#include "tap.h"

/* Key @i of the test: odd ones spread by a large step, even ones dense. */
static uint64_t key_of(uint64_t i)
{
	return i & 1 ? i * 0x9e3779b97f4a7c15ull : i;
}

int main(void)
{
	struct kx_idmap m = { 0 };
	bool all_in = true, all_found = true, half = true;
	uint32_t v = 0;

	ok(!kx_idmap_get(&m, 7, &v), "empty map: no key");
	for (uint64_t i = 0; i < 5000; i++) {
		all_in = all_in && kx_idmap_put(&m, key_of(i), (uint32_t)i) == 0;
		half = half && m.nr * 2 <= m.alloc;
	}
	ok(all_in, "5000 keys put");
	is_u64(m.nr, 5000, "5000 keys counted");
	ok(half, "at most half full after every put");
	for (uint64_t i = 0; i < 5000; i++)
		all_found = all_found && kx_idmap_get(&m, key_of(i), &v) && v == (uint32_t)i;
	ok(all_found, "every key found with its value");
	ok(!kx_idmap_get(&m, 5001, &v), "a key never put: absent");
	ok(kx_idmap_put(&m, 2, 77) == 0 && kx_idmap_get(&m, 2, &v) && v == 77 && m.nr == 5000,
	   "put on a present key replaces its value, adds no key");
	kx_idmap_fini(&m);
	ok(m.alloc == 0 && m.nr == 0 && !m.keys, "fini leaves an empty map");
	return done_testing();
}
