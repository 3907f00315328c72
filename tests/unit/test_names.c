// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for names.c: ids in order of first sight, the same id for the
 * same name, names found again across the table's growths, a name given by
 * length inside a longer string, no name past the last id.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "kx_names.h"
#include "tap.h"

int main(void)
{
	struct kx_names *n = kx_names_new();
	bool in_order = true, again = true, found = true;
	char name[32];

	ok(n != NULL, "new");
	/* 1024 names: the table starts at 64 slots and grows six times; the
	   list of names is then exactly full, so nothing follows the last */
	for (int i = 0; i < 1024; i++) {
		snprintf(name, sizeof(name), "REASON_%d", i);
		in_order = in_order && kx_names_intern(n, name, strlen(name)) == i;
	}
	ok(in_order, "1024 names get ids 0..1023 in order");
	is_u64(kx_names_count(n), 1024, "1024 names counted");
	for (int i = 0; i < 1024; i++) {
		snprintf(name, sizeof(name), "REASON_%d", i);
		again = again && kx_names_intern(n, name, strlen(name)) == i;
		found = found && kx_names_find(n, name) == i && strcmp(kx_names_get(n, (uint32_t)i), name) == 0;
	}
	ok(again, "interning a name again gives its id");
	ok(found, "every name found and got back by its id");
	is_u64(kx_names_count(n), 1024, "still 1024 names");
	ok(kx_names_get(n, 1024) == NULL, "no name past the last id");
	ok(kx_names_find(n, "REASON_1024") < 0, "a name never interned is not found");
	/* the first 8 bytes of "REASON_12 more": "REASON_1", id 1 */
	ok(kx_names_intern(n, "REASON_12 more", 8) == 1, "a name given by length inside a longer string");
	kx_names_free(n);
	return done_testing();
}
