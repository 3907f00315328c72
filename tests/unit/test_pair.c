// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for pair.c: the exit/entry state machine and its anomaly
 * counters, its thread table (hundreds of threads, interleaved), and the
 * edges of a timeline: equal and backward times, helpers before the first
 * exit, what an exit hands to its interval.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kx_exitnames.h"
#include "kx_pair.h"
#include "tap.h"

#define MAX_IV 64
#define NTHREADS 300

struct sink {
	struct kx_interval iv[MAX_IV];
	int n;
};

static int collect(void *ctx, const struct kx_interval *iv)
{
	struct sink *s = ctx;

	if (s->n < MAX_IV)
		s->iv[s->n++] = *iv;
	return 0;
}

static struct kx_names *names;
static uint32_t hlt_id, msr_id;

static struct kx_event ev(uint32_t kind, uint64_t ts, int tid, int cpu)
{
	struct kx_event e;

	memset(&e, 0, sizeof(e));
	e.kind = kind;
	e.ts = ts;
	e.tid = tid;
	e.pid = -1;
	e.cpu = cpu;
	e.vcpu = tid % 10;
	return e;
}

static struct kx_event vmexit(uint64_t ts, int tid, int cpu, uint32_t reason)
{
	struct kx_event e = ev(KX_EV_EXIT, ts, tid, cpu);

	e.u.exit.reason = reason;
	e.u.exit.code = reason == hlt_id ? KX_VMX_HLT : KX_VMX_MSR_WRITE;
	e.u.exit.isa = KX_ISA_VMX;
	return e;
}

static void feed(struct kx_pair *p, struct kx_event e, struct sink *s)
{
	if (e.kind == KX_EV_EXIT || e.kind == KX_EV_ENTRY)
		kx_pair_exit_entry(p, &e, collect, s);
	else if (e.kind == KX_EV_LOST)
		kx_pair_lost(p, &e, collect, s);
	else
		kx_pair_helper(p, &e);
}

static struct kx_event icr_write(uint32_t kind, int tid)
{
	struct kx_event e = ev(kind, 0, tid, 0);

	if (kind == KX_EV_MSR) {
		e.u.msr.index = 0x830;	/* x2APIC ICR */
		e.u.msr.write = 1;
	} else {
		e.u.apic.reg = 0x300;	/* ICR */
		e.u.apic.write = 1;
	}
	kx_subkey_classify(&e);		/* as the readers do while decoding */
	return e;
}

/* Helper events: which are new register accesses (kx_pair_helper() returns 1). */
static int accesses(struct kx_pair *p, const struct kx_event *evs, size_t n)
{
	int count = 0;

	for (size_t i = 0; i < n; i++)
		count += kx_pair_helper(p, &evs[i]) == 1;
	return count;
}

static void one_access_once(void)
{
	struct kx_pair *p = kx_pair_new(names);
	struct kx_event msr = icr_write(KX_EV_MSR, 5), apic = icr_write(KX_EV_APIC, 5);
	struct kx_event msr6 = icr_write(KX_EV_MSR, 6), apic6 = icr_write(KX_EV_APIC, 6);
	struct kx_event seq[] = { msr, apic, msr6, apic6, apic6 };
	/* two threads writing the ICR at once: their helper events interleave */
	struct kx_event interleaved[] = { icr_write(KX_EV_MSR, 15), icr_write(KX_EV_MSR, 16),
					  icr_write(KX_EV_APIC, 15), icr_write(KX_EV_APIC, 16) };
	struct kx_event other = icr_write(KX_EV_APIC, 7);
	struct sink s = { .n = 0 };

	other.key ^= 1;		/* another key of its own */
	is_u64(accesses(p, seq, 5), 3, "MSR 0x830 + kvm_apic ICR is one write; a second kvm_apic alone a second");
	is_u64(accesses(p, interleaved, 4), 2, "each thread's pair is one write across interleaving");
	is_u64(accesses(p, &other, 1), 1, "another key is an access");
	/* a pair split by an exit is two accesses: an exit starts a new one */
	feed(p, vmexit(100, 8, 0, msr_id), &s);
	msr.tid = apic.tid = 8;
	is_u64(kx_pair_helper(p, &msr), 1, "thread 8 writes 0x830 in one exit");
	feed(p, ev(KX_EV_ENTRY, 200, 8, 0), &s);
	is_u64(kx_pair_helper(p, &apic), 1, "and its kvm_apic after the entry is another access");
	feed(p, vmexit(300, 8, 0, msr_id), &s);
	is_u64(kx_pair_helper(p, &msr), 1, "an ICR write in the next exit");
	is_u64(kx_pair_helper(p, &apic), 0, "with its kvm_apic in the same exit: once");
	is_u64(kx_pair_counts(p)->threads, 1, "threads seen only in helper events are not vCPU threads");
	kx_pair_free(p);
}

/* The guest and exit time of each thread 1000 + i, summed; any other interval is wrong. */
struct per_thread {
	uint64_t guest[NTHREADS], exit[NTHREADS];
	uint64_t wrong;
};

static int sum_per_thread(void *ctx, const struct kx_interval *iv)
{
	struct per_thread *pt = ctx;
	uint32_t i = (uint32_t)(iv->tid - 1000);

	if (i >= NTHREADS || (iv->kind != KX_IV_GUEST && iv->kind != KX_IV_EXIT))
		pt->wrong++;
	else if (iv->kind == KX_IV_GUEST)
		pt->guest[i] += iv->end - iv->start;
	else
		pt->exit[i] += iv->end - iv->start;
	return 0;
}

/*
 * NTHREADS threads, their events round-robin (no thread's event follows
 * its own): the thread table grows several times from its 64 slots, and
 * keys collide in it. Thread 1000 + i runs i + 10 ns in the guest, then
 * exits for 2 * i + 1 ns, twice, after an orphan entry.
 */
static void many_threads(void)
{
	struct kx_pair *p = kx_pair_new(names);
	struct per_thread *pt = calloc(1, sizeof(*pt));
	struct sink witness = { .n = 0 };
	uint64_t wrong = 0;

	/*
	 * Thread 999 exits or enters after each new thread's first event: when
	 * that one grew the table, 999 must be found in the new one.
	 */
	for (int i = 0; i < NTHREADS; i++) {
		struct kx_event e = ev(KX_EV_ENTRY, 1000000 + (uint64_t)i, 1000 + i, i % 8);

		kx_pair_exit_entry(p, &e, sum_per_thread, pt);
		e = i % 2 ? ev(KX_EV_ENTRY, 100 * (uint64_t)i, 999, 0) : vmexit(100 * (uint64_t)i, 999, 0, msr_id);
		witness.n = 0;
		kx_pair_exit_entry(p, &e, collect, &witness);
		if (i && (witness.n != 1 || witness.iv[0].end - witness.iv[0].start != 100))
			wrong++;
	}
	is_u64(wrong, 0, "a thread seen between the others' first events: 100 ns runs and exits");
	/* thread i entered at 1000000 + i, then at 1000000 + 4i + 11 */
	for (uint64_t round = 0; round < 2; round++)
		for (int step = 0; step < 2; step++)
			for (int i = 0; i < NTHREADS; i++) {
				uint64_t in = 1000000 + (round ? 4 * (uint64_t)i + 11 : (uint64_t)i);
				uint64_t out = in + (uint64_t)i + 10;
				struct kx_event e = step ? ev(KX_EV_ENTRY, out + 2 * (uint64_t)i + 1, 1000 + i, i % 8) :
							   vmexit(out, 1000 + i, i % 8, msr_id);

				kx_pair_exit_entry(p, &e, sum_per_thread, pt);
			}
	for (int i = 0; i < NTHREADS; i++)
		wrong += pt->guest[i] != 2 * ((uint64_t)i + 10) || pt->exit[i] != 2 * (2 * (uint64_t)i + 1);
	is_u64(pt->wrong, 0, "300 threads: every interval is a guest run or an exit of one of them");
	is_u64(wrong, 0, "each thread's guest runs and exits are its own");
	is_u64(kx_pair_counts(p)->threads, NTHREADS + 1, "301 vCPU threads");
	is_u64(kx_pair_counts(p)->orphan_entries, NTHREADS, "one orphan entry each, their first");
	free(pt);
	kx_pair_free(p);
}

/* Edges of one thread's timeline: times that go back or stand still, flags, helpers first. */
static void edges(void)
{
	struct kx_pair *p = kx_pair_new(names);
	const struct kx_pair_counts *c = kx_pair_counts(p);
	struct kx_event e, apic = icr_write(KX_EV_APIC, 50);
	struct sink s = { .n = 0 };

	/* a thread first seen in a keyed helper event becomes a vCPU thread once */
	kx_pair_helper(p, &apic);
	is_u64(c->threads, 0, "a helper event alone makes no vCPU thread");
	feed(p, ev(KX_EV_ENTRY, 1000, 50, 0), &s);
	feed(p, vmexit(1100, 50, 0, msr_id), &s);
	is_u64(c->threads, 1, "its first entry makes it one");
	/* an exit at the time of its entry: a zero-length exit, not a negative one */
	feed(p, ev(KX_EV_ENTRY, 1100, 50, 0), &s);
	is_u64(c->negative, 0, "an entry at its exit's time is not negative");
	ok(s.n == 2 && s.iv[1].kind == KX_IV_EXIT && s.iv[1].end == s.iv[1].start,
	   "it closes an exit of 0 ns");
	/* an exit before the entry that started the guest run: negative, and a break */
	s.n = 0;
	feed(p, vmexit(1050, 50, 0, msr_id), &s);
	is_u64(c->negative, 1, "an exit before its guest run began is negative");
	ok(s.n == 1 && s.iv[0].kind == KX_IV_BREAK, "and breaks the thread instead of a guest run");
	feed(p, ev(KX_EV_ENTRY, 1070, 50, 0), &s);
	ok(s.n == 2 && s.iv[1].kind == KX_IV_EXIT && s.iv[1].end - s.iv[1].start == 20,
	   "the exit it opened still closes");
	/* VMX flag bits travel with the exit to its interval */
	s.n = 0;
	e = vmexit(2000, 50, 0, msr_id);
	e.u.exit.flags = 0x80000000u;
	e.u.exit.guest_mode = KX_GUEST_USER;
	feed(p, e, &s);
	feed(p, ev(KX_EV_ENTRY, 2500, 50, 0), &s);
	ok(s.n == 2 && s.iv[1].kind == KX_IV_EXIT && s.iv[1].flags == 0x80000000u &&
	   s.iv[1].code == KX_VMX_MSR_WRITE && s.iv[1].isa == KX_ISA_VMX &&
	   s.iv[1].guest_mode == KX_GUEST_USER,
	   "the exit interval carries the exit's flags, code, ISA and guest mode");
	s.n = 0;
	e = vmexit(2600, 50, 0, msr_id);
	e.u.exit.guest_mode = KX_GUEST_KERNEL;
	feed(p, e, &s);
	feed(p, ev(KX_EV_ENTRY, 2700, 50, 0), &s);
	ok(s.n == 2 && s.iv[1].guest_mode == KX_GUEST_KERNEL, "the next exit's, not the last one's");
	/* an entry while in the guest: an orphan, and the guest run it would have closed breaks */
	s.n = 0;
	feed(p, ev(KX_EV_ENTRY, 3000, 50, 0), &s);
	is_u64(c->orphan_entries, 2, "an entry after an entry is an orphan");
	ok(s.n == 1 && s.iv[0].kind == KX_IV_BREAK && s.iv[0].start == 3000,
	   "and breaks the thread at its time");
	kx_pair_free(p);
}

/*
 * A later time slice's pairing joined into the one before: its counters
 * add up, and a thread first seen there is one more thread. The reason map
 * sends the later pairing's reason id 0 to the earlier's msr_id.
 */
static void absorb_counts(void)
{
	struct kx_pair *p = kx_pair_new(names), *later = kx_pair_new(names);
	const struct kx_pair_counts *c = kx_pair_counts(p);
	uint32_t map[1] = { msr_id };
	struct sink s = { .n = 0 };
	unsigned resumed = 0;
	struct kx_event e;

	feed(p, ev(KX_EV_ENTRY, 100, 1, 0), &s);
	feed(p, vmexit(200, 1, 0, msr_id), &s);
	feed(p, ev(KX_EV_ENTRY, 300, 1, 0), &s);
	feed(later, ev(KX_EV_ENTRY, 1000, 2, 1), &s);
	e = vmexit(900, 2, 1, msr_id);		/* before its guest run: negative */
	e.u.exit.reason = 0;
	e.u.exit.flags = 0x80000000u;
	feed(later, e, &s);
	feed(later, ev(KX_EV_ENTRY, 950, 2, 1), &s);
	/* threads 100..199 are in the guest in the later slice only: joined, the table grows */
	for (int tid = 100; tid < 200; tid++)
		feed(later, ev(KX_EV_ENTRY, 2000, tid, 1), &s);
	is_u64(kx_pair_absorb(p, later, map, 1), 0, "joined");
	ok(c->threads == 102 && c->exits == 2 && c->entries == 104 && c->orphan_entries == 102,
	   "threads, exits, entries and orphans add up");
	ok(c->negative == 1 && c->failed_vmentry == 1, "so do negative intervals and failed entries");
	for (int tid = 100; tid < 200; tid++) {
		struct sink one = { .n = 0 };

		feed(p, vmexit(2000 + (uint64_t)tid, tid, 1, msr_id), &one);
		resumed += one.n == 1 && one.iv[0].kind == KX_IV_GUEST &&
			   one.iv[0].end - one.iv[0].start == (uint64_t)tid;
	}
	is_u64(resumed, 100, "the joined threads go on from the later slice's state");
	kx_pair_free(later);
	kx_pair_free(p);
}

/*
 * Two threads (tid 1 and 2 on CPUs 0 and 1, vcpu_id 1 and 2) with one of
 * each anomaly inside [1000, 2000] and others outside it, and a third whose
 * events all lie before it, fed to a pairing with @scope. Each anomaly
 * counts at the times kx_pair_counts names.
 */
static struct kx_pair_counts scoped(const struct kx_pair_scope *scope)
{
	struct kx_pair *p = kx_pair_new(names);
	struct sink s = { .n = 0 };
	struct kx_event failed = vmexit(1100, 1, 0, msr_id);
	struct kx_event lost = ev(KX_EV_LOST, 1700, -1, 1);
	struct kx_pair_counts c;

	failed.u.exit.flags = 0x80000000u;
	kx_pair_set_scope(p, scope);
	feed(p, ev(KX_EV_ENTRY, 500, 1, 0), &s);	/* orphan at 500 */
	feed(p, failed, &s);				/* failed entry at 1100 */
	feed(p, vmexit(1200, 1, 0, msr_id), &s);	/* 1100 unmatched */
	feed(p, ev(KX_EV_ENTRY, 1300, 1, 0), &s);
	feed(p, ev(KX_EV_ENTRY, 1400, 1, 0), &s);	/* orphan at 1400 */
	feed(p, vmexit(2500, 1, 0, msr_id), &s);	/* unfinished at 2500 */
	feed(p, ev(KX_EV_ENTRY, 900, 2, 1), &s);	/* orphan at 900 */
	feed(p, vmexit(950, 2, 1, msr_id), &s);
	feed(p, vmexit(1050, 2, 1, msr_id), &s);	/* 950 unmatched */
	feed(p, ev(KX_EV_ENTRY, 1000, 2, 1), &s);	/* negative, 1050 to 1000 */
	feed(p, vmexit(1600, 2, 1, msr_id), &s);
	lost.u.lost = 5;
	feed(p, lost, &s);				/* discards 1600 to 1700 */
	feed(p, ev(KX_EV_ENTRY, 1800, 2, 1), &s);	/* orphan at 1800 */
	feed(p, vmexit(1900, 2, 1, msr_id), &s);	/* unfinished at 1900 */
	feed(p, ev(KX_EV_ENTRY, 100, 3, 2), &s);	/* orphan at 100 */
	feed(p, vmexit(200, 3, 2, msr_id), &s);
	feed(p, ev(KX_EV_ENTRY, 300, 3, 2), &s);
	kx_pair_finish(p);
	c = *kx_pair_counts(p);
	kx_pair_free(p);
	return c;
}

/* "orphans unmatched unfinished negative discarded failed threads" of @c */
static const char *scoped_counts(const struct kx_pair_counts *c, char *buf, size_t len)
{
	snprintf(buf, len, "%llu %llu %llu %llu %llu %llu %llu",
		 (unsigned long long)c->orphan_entries, (unsigned long long)c->unmatched_exits,
		 (unsigned long long)c->unfinished_exits, (unsigned long long)c->negative,
		 (unsigned long long)c->discarded, (unsigned long long)c->failed_vmentry,
		 (unsigned long long)c->threads);
	return buf;
}

static void scope_counts(void)
{
	struct kx_pair_counts c;
	char buf[128];

	c = scoped(&(struct kx_pair_scope){ .to = UINT64_MAX, .vcpu = -1, .pid = -1 });
	is_str(scoped_counts(&c, buf, sizeof(buf)), "5 2 2 1 1 1 3", "no scope: every anomaly");
	ok(c.exits == 8 && c.entries == 8, "exits and entries: every one");
	c = scoped(&(struct kx_pair_scope){ .from = 1000, .to = 2000, .vcpu = -1, .pid = -1 });
	is_str(scoped_counts(&c, buf, sizeof(buf)), "2 1 1 1 1 1 2",
	       "[1000, 2000]: what lies in it, two threads");
	ok(c.exits == 8 && c.entries == 8, "exits and entries still count every one");
	c = scoped(&(struct kx_pair_scope){ .from = 1001, .to = 1699, .vcpu = -1, .pid = -1 });
	is_str(scoped_counts(&c, buf, sizeof(buf)), "1 1 0 0 0 1 2",
	       "[1001, 1699]: the negative and the discarded interval each end outside it");
	c = scoped(&(struct kx_pair_scope){ .to = UINT64_MAX, .vcpu = 1, .pid = -1 });
	is_str(scoped_counts(&c, buf, sizeof(buf)), "2 1 1 0 0 1 1", "vcpu 1: its thread's");
	c = scoped(&(struct kx_pair_scope){ .to = UINT64_MAX, .vcpu = -1, .pid = 2 });
	is_str(scoped_counts(&c, buf, sizeof(buf)), "2 1 1 1 1 0 1", "pid 2: its thread's");
}

/*
 * Joined slices count a thread once, when either counted it: thread 1 is
 * in scope only in the later slice, thread 2 in both, thread 3 in neither.
 */
static void scope_absorb(void)
{
	const struct kx_pair_scope scope = { .from = 1000, .to = 2000, .vcpu = -1, .pid = -1 };
	struct kx_pair *p = kx_pair_new(names), *later = kx_pair_new(names);
	uint32_t map[2] = { hlt_id, msr_id };
	struct sink s = { .n = 0 };

	kx_pair_set_scope(p, &scope);
	kx_pair_set_scope(later, &scope);
	feed(p, ev(KX_EV_ENTRY, 500, 1, 0), &s);
	feed(p, ev(KX_EV_ENTRY, 1200, 2, 1), &s);
	feed(later, vmexit(1500, 1, 0, msr_id), &s);
	feed(later, vmexit(1300, 2, 1, msr_id), &s);
	feed(later, ev(KX_EV_ENTRY, 2500, 3, 2), &s);
	is_u64(kx_pair_counts(p)->threads, 1, "earlier slice: thread 2");
	is_u64(kx_pair_counts(later)->threads, 2, "later slice: threads 1 and 2");
	is_u64(kx_pair_absorb(p, later, map, 2), 0, "joined");
	is_u64(kx_pair_counts(p)->threads, 2, "joined: threads 1 and 2, once each");
	kx_pair_free(later);
	kx_pair_free(p);
}

int main(void)
{
	struct kx_pair *p;
	struct sink s = { .n = 0 };
	const struct kx_pair_counts *c;
	struct kx_event e;

	names = kx_names_new();
	hlt_id = (uint32_t)kx_names_intern(names, "HLT", 3);
	msr_id = (uint32_t)kx_names_intern(names, "MSR_WRITE", 9);
	p = kx_pair_new(names);
	ok(p != NULL, "pair created");
	c = kx_pair_counts(p);

	/* entry (orphan) -> exit -> entry: one guest run, one exit */
	feed(p, ev(KX_EV_ENTRY, 100, 11, 0), &s);
	feed(p, vmexit(300, 11, 0, msr_id), &s);
	feed(p, ev(KX_EV_ENTRY, 1400, 11, 1), &s);	/* migrated: same thread */
	is_u64(c->orphan_entries, 1, "first entry of a thread is an orphan");
	is_u64(s.n, 2, "guest run and exit emitted");
	is_u64(s.iv[0].kind, KX_IV_GUEST, "first interval is guest");
	is_u64(s.iv[0].end - s.iv[0].start, 200, "guest 200");
	is_u64(s.iv[1].kind, KX_IV_EXIT, "second interval is the exit");
	is_u64(s.iv[1].end - s.iv[1].start, 1100, "exit 1100 across a CPU migration");
	is_u64(s.iv[1].reason, msr_id, "charged to its reason");
	ok(!s.iv[1].idle, "MSR_WRITE is not idle");

	/* idle exit */
	s.n = 0;
	feed(p, vmexit(1500, 11, 1, hlt_id), &s);
	feed(p, ev(KX_EV_ENTRY, 9500, 11, 1), &s);
	ok(s.n == 2 && s.iv[1].idle, "HLT interval is marked idle");

	/* exit, exit: the first is unmatched, continuity breaks */
	s.n = 0;
	feed(p, vmexit(10000, 11, 1, msr_id), &s);
	feed(p, vmexit(10100, 11, 1, msr_id), &s);
	is_u64(c->unmatched_exits, 1, "exit after exit is counted");
	ok(s.n == 2 && s.iv[1].kind == KX_IV_BREAK, "and breaks the thread");

	/* userspace part */
	s.n = 0;
	e = ev(KX_EV_USERSPACE_EXIT, 10400, 11, 1);
	feed(p, e, &s);
	feed(p, ev(KX_EV_ENTRY, 11000, 11, 1), &s);
	ok(s.n == 1 && s.iv[0].user == 600 && s.iv[0].end - s.iv[0].start == 900,
	   "userspace part measured from kvm_userspace_exit to the entry");

	/* lost events on CPU 1 discard the open guest run of thread 11 only */
	s.n = 0;
	feed(p, ev(KX_EV_ENTRY, 50, 22, 0), &s);
	e = ev(KX_EV_LOST, 12000, 0, 1);
	e.u.lost = 5;
	feed(p, e, &s);
	is_u64(c->discarded, 1, "one open interval on that CPU discarded");
	ok(s.n == 1 && s.iv[0].kind == KX_IV_BREAK && s.iv[0].tid == 11, "break for the thread on CPU 1 only");
	s.n = 0;
	feed(p, vmexit(12500, 11, 1, msr_id), &s);
	is_u64(s.n, 0, "no guest interval across the gap");
	feed(p, vmexit(13000, 22, 0, msr_id), &s);
	ok(s.n == 1 && s.iv[0].kind == KX_IV_GUEST && s.iv[0].tid == 22,
	   "thread on another CPU unaffected");

	/* negative interval */
	s.n = 0;
	feed(p, ev(KX_EV_ENTRY, 12000, 22, 0), &s);
	is_u64(c->negative, 1, "entry before its exit counted as negative");
	ok(s.n == 1 && s.iv[0].kind == KX_IV_BREAK, "negative interval dropped with a break");

	/* VMX flag bits */
	e = vmexit(20000, 22, 0, msr_id);
	e.u.exit.flags = 0x80000000u;
	feed(p, e, &s);
	is_u64(c->failed_vmentry, 1, "FAILED_VMENTRY counted");

	kx_pair_finish(p);
	is_u64(c->unfinished_exits, 2, "two exits open at the end");
	is_u64(c->threads, 2, "two threads");
	is_u64(c->exits, 7, "exits counted");
	kx_pair_free(p);
	one_access_once();
	many_threads();
	edges();
	absorb_counts();
	scope_counts();
	scope_absorb();
	kx_names_free(names);
	return done_testing();
}
