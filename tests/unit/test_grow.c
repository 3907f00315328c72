// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for grow.c: the first size, doubling, kept contents, overflow. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "kx_grow.h"
#include "tap.h"

int main(void)
{
	size_t cap = 0, n = 0;
	uint32_t *a = NULL, *g;
	bool kept = true;

	/* appending 100 values the way every table does */
	for (uint32_t v = 0; v < 100; v++) {
		if (n == cap) {
			g = kx_grow(a, &cap, sizeof(*a), 8);
			if (!g) {
				ok(0, "grow failed at %zu", cap);
				break;
			}
			a = g;
		}
		a[n++] = v * 7;
	}
	is_u64(cap, 128, "from 8 by doubling: 8 16 32 64 128");
	for (size_t i = 0; i < n; i++)
		kept = kept && a[i] == i * 7;
	ok(kept, "the values before each growth are kept");

	/* a size that would overflow leaves the array and its capacity alone */
	cap = SIZE_MAX / 2 + 1;
	ok(kx_grow(a, &cap, 1, 8) == NULL, "doubling past SIZE_MAX: NULL");
	is_u64(cap, SIZE_MAX / 2 + 1, "capacity unchanged");
	cap = SIZE_MAX / 8;
	ok(kx_grow(a, &cap, 8, 8) == NULL, "elements times size past SIZE_MAX: NULL");
	is_u64(cap, SIZE_MAX / 8, "capacity unchanged");
	ok(a[99] == 99 * 7, "the array is still the caller's");
	free(a);

	cap = 0;
	a = kx_grow(NULL, &cap, sizeof(*a), 3);
	ok(a != NULL && cap == 3, "from empty: the first size");
	free(a);
	return done_testing();
}
