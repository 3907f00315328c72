// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for attrib.c's helper-event counting (the index that finds a
 * key among thousands) and for the inline
 * kx_hist_add() (saturating total, min/max). Expected counts come from how
 * the input is built, not from the code under test.
 */
#include <stdlib.h>

#include "kx_attrib.h"
#include "tap.h"

#define NKEYS	3000u
#define ROUNDS	3u

static struct kx_event mmio_write(int32_t tid, uint64_t gpa)
{
	struct kx_event ev = { .kind = KX_EV_MMIO, .tid = tid, .pid = -1, .vcpu = KX_VCPU_UNKNOWN };

	ev.u.mmio.gpa = gpa;
	ev.u.mmio.type = KX_MMIO_WRITE;
	ev.u.mmio.len = 4;
	kx_subkey_classify(&ev);	/* as the readers do while decoding */
	return ev;
}

static void many_keys(void)
{
	struct kx_attrib *a = kx_attrib_new(false);
	uint64_t total = 0, wrong = 0;
	int err = 0;

	/* round-robin over the keys, alternating threads, so no hit repeats the last one */
	for (unsigned r = 0; r < ROUNDS; r++)
		for (unsigned k = 0; k < NKEYS; k++) {
			struct kx_event ev = mmio_write(100 + (int32_t)(k & 1), 0xfe000000ull + 16ull * k);

			err |= kx_attrib_event(a, &ev);
		}
	is_u64(err, 0, "no error counting 3000 keys");
	is_u64(a->nhelpers, NKEYS, "one helper entry per distinct MMIO address");
	for (uint32_t i = 0; i < a->nhelpers; i++) {
		const struct kx_attrib_helper *h = &a->helpers[i];

		total += h->count;
		if (h->count != ROUNDS || h->sk.cls != KX_SK_MMIO || h->sk.access != KX_SKA_WRITE ||
		    h->sk.id < 0xfe000000ull || h->sk.id >= 0xfe000000ull + 16ull * NKEYS ||
		    h->sk.id % 16)
			wrong++;
	}
	is_u64(wrong, 0, "every key counted 3 times with its own address");
	is_u64(total, (uint64_t)NKEYS * ROUNDS, "all events counted");
	kx_attrib_free(a);
}

static void hist_inline(void)
{
	struct kx_hist h;

	kx_hist_init(&h);
	is_u64(kx_hist_add(&h, UINT64_MAX - 1), 0, "first add allocates");
	kx_hist_add(&h, 5);
	kx_hist_add(&h, 300);
	is_u64(h.count, 3, "count");
	is_u64(h.total, UINT64_MAX, "total saturates");
	is_u64(h.min, 5, "min");
	is_u64(h.max, UINT64_MAX - 1, "max");
	is_u64(kx_hist_count_at(&h, 5), 1, "5 in its exact bucket");
	is_u64(kx_hist_count_at(&h, KX_HIST_BUCKETS - 1), 1, "the largest value in the last bucket");
	kx_hist_free(&h);
}

int main(void)
{
	many_keys();
	hist_inline();
	return done_testing();
}
