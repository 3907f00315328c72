// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_topn.c - the bounded heap of the items that rank first: for
 * every count kept (1, 2, 3, 64, all and more than all), the items kept
 * and sorted must be the first of the whole stream sorted by qsort with
 * the same order; values repeat, so the tie-break (the sequence number)
 * decides; the order's context reaches it; keeping none allocates nothing.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kx_topn.h"
#include "tap.h"

#define NITEMS	5000u

struct item {
	unsigned value;
	unsigned seq;
};

/* higher value first; as high, earlier first; *ctx counts the calls */
static bool higher(const void *pa, const void *pb, const void *ctx)
{
	const struct item *a = pa, *b = pb;

	++*(unsigned long *)ctx;
	return a->value != b->value ? a->value > b->value : a->seq < b->seq;
}

static int higher_cmp(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;

	if (a->value != b->value)
		return a->value > b->value ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

int main(void)
{
	static const size_t caps[] = { 1, 2, 3, 64, NITEMS, NITEMS + 7 };
	static struct item all[NITEMS], sorted[NITEMS];
	struct kx_topn t;
	unsigned long calls = 0;

	for (unsigned i = 0; i < NITEMS; i++)
		all[i] = (struct item){ .value = (i * 7919u) % 211u, .seq = i };
	for (unsigned i = 0; i < NITEMS; i++)
		sorted[i] = all[i];
	qsort(sorted, NITEMS, sizeof(sorted[0]), higher_cmp);
	for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
		size_t want = caps[c] < NITEMS ? caps[c] : NITEMS, wrong = 0;
		char msg[64];

		snprintf(msg, sizeof(msg), "keep %zu: ready", caps[c]);
		is_u64(kx_topn_init(&t, caps[c], sizeof(struct item), higher, &calls), 0, msg);
		for (unsigned i = 0; i < NITEMS; i++)
			kx_topn_offer(&t, &all[i]);
		snprintf(msg, sizeof(msg), "keep %zu: %zu kept", caps[c], want);
		is_u64(t.n, want, msg);
		kx_topn_sort(&t);
		for (size_t i = 0; i < t.n; i++) {
			const struct item *it = kx_topn_at(&t, i);

			wrong += it->value != sorted[i].value || it->seq != sorted[i].seq;
		}
		snprintf(msg, sizeof(msg), "keep %zu: the first %zu of the stream, in order", caps[c],
			 want);
		is_u64(wrong, 0, msg);
		kx_topn_fini(&t);
	}
	ok(calls > 0, "the order is called with its context");
	is_u64(kx_topn_init(&t, 0, sizeof(struct item), higher, &calls), 0, "keep none");
	calls = 0;
	kx_topn_offer(&t, &all[0]);
	ok(t.items == NULL && t.n == 0 && calls == 0, "keeping none: nothing allocated, kept or compared");
	kx_topn_sort(&t);
	kx_topn_fini(&t);
	return done_testing();
}
