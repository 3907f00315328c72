// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * grow.c - doubling growth of arrays (kx_grow.h).
 */
#include <stdint.h>
#include <stdlib.h>

#include "kx_grow.h"

void *kx_grow(void *arr, size_t *cap, size_t size, size_t first)
{
	size_t n;
	void *a;

	if (*cap > SIZE_MAX / 2)
		return NULL;
	n = *cap ? *cap * 2 : first;
	if (n > SIZE_MAX / size)
		return NULL;
	a = realloc(arr, n * size);
	if (a)
		*cap = n;
	return a;
}
