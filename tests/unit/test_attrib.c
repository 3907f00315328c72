// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for attrib.c's helper-event counting (the index that finds a
 * key among thousands, the once-per-access rule) and for the inline
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

static void one_access_once(void)
{
	struct kx_attrib *a = kx_attrib_new(false);
	struct kx_event msr = { .kind = KX_EV_MSR, .tid = 5, .pid = -1, .vcpu = KX_VCPU_UNKNOWN };
	struct kx_event apic = { .kind = KX_EV_APIC, .tid = 5, .pid = -1, .vcpu = KX_VCPU_UNKNOWN };

	msr.u.msr.index = 0x830;	/* x2APIC ICR */
	msr.u.msr.write = 1;
	apic.u.apic.reg = 0x300;	/* ICR */
	apic.u.apic.write = 1;
	kx_subkey_classify(&msr);
	kx_subkey_classify(&apic);
	kx_attrib_event(a, &msr);
	kx_attrib_event(a, &apic);	/* the same write seen twice: once */
	msr.tid = apic.tid = 6;
	kx_attrib_event(a, &msr);
	kx_attrib_event(a, &apic);
	kx_attrib_event(a, &apic);	/* a second kvm_apic alone: a second write */
	is_u64(a->nhelpers, 1, "x2APIC MSR 0x830 and kvm_apic ICR are one key");
	is_u64(a->nhelpers ? a->helpers[0].count : 0, 3, "three ICR writes: two pairs and one alone");
	kx_attrib_free(a);
}

/*
 * Two vCPU threads writing the ICR at the same time: in time order their
 * helper events interleave, and each thread's pair is still one access.
 */
static void interleaved_threads(void)
{
	struct kx_attrib *a = kx_attrib_new(false);
	struct kx_event msr = { .kind = KX_EV_MSR, .pid = -1, .vcpu = KX_VCPU_UNKNOWN };
	struct kx_event apic = { .kind = KX_EV_APIC, .pid = -1, .vcpu = KX_VCPU_UNKNOWN };
	struct kx_event mmio = mmio_write(7, 0xfebd1000);

	msr.u.msr.index = 0x830;
	msr.u.msr.write = 1;
	apic.u.apic.reg = 0x300;
	apic.u.apic.write = 1;
	kx_subkey_classify(&msr);
	kx_subkey_classify(&apic);
	msr.tid = 5;
	kx_attrib_event(a, &msr);	/* thread 5's write begins */
	msr.tid = 6;
	kx_attrib_event(a, &msr);	/* thread 6's write begins */
	apic.tid = 5;
	kx_attrib_event(a, &apic);	/* thread 5's write ends */
	kx_attrib_event(a, &mmio);	/* thread 7: another key */
	apic.tid = 6;
	kx_attrib_event(a, &apic);	/* thread 6's write ends */
	is_u64(a->nhelpers, 2, "ICR and the MMIO address");
	is_u64(a->nhelpers ? a->helpers[0].count : 0, 2,
	       "two ICR writes whose helper events interleave across threads");
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
	is_u64(h.buckets[5], 1, "5 in its exact bucket");
	is_u64(h.buckets[KX_HIST_BUCKETS - 1], 1, "the largest value in the last bucket");
	kx_hist_free(&h);
}

int main(void)
{
	many_keys();
	one_access_once();
	interleaved_threads();
	hist_inline();
	return done_testing();
}
