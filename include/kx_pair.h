/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_pair.h - the per-vCPU-thread state machine that turns the event
 * stream into intervals: host time (kvm_exit -> next kvm_entry of the same
 * thread), guest time (kvm_entry -> next kvm_exit), and breaks where
 * continuity is lost. Threads are keyed by (buffer, tid), so a thread that
 * migrates between CPUs stays one vCPU. Every anomaly is counted.
 * Memory grows with the number of threads only.
 */
#ifndef KX_PAIR_H
#define KX_PAIR_H

#include <stdbool.h>
#include <stdint.h>

#include "kx_event.h"
#include "kx_names.h"
#include "kx_subkey.h"

enum kx_interval_kind {
	KX_IV_GUEST = 1,	/* entry -> exit: guest ran */
	KX_IV_EXIT,		/* exit -> entry: host handled an exit */
	KX_IV_BREAK,		/* continuity of this thread was lost (gap, anomaly) */
};

/*
 * struct kx_interval - one interval of one vCPU thread, in source units.
 * For KX_IV_EXIT: reason/code/flags/isa/guest_mode/idle/subkey describe the exit and
 * @user is the part after kvm_userspace_exit (0 if the VMM was not entered).
 */
struct kx_interval {
	uint64_t start;
	uint64_t end;
	uint64_t user;
	struct kx_subkey subkey;
	uint32_t kind;		/* enum kx_interval_kind */
	int32_t tid;
	int32_t pid;		/* -1 if unknown */
	int32_t vcpu;		/* KX_VCPU_UNKNOWN if unknown */
	int32_t cpu;		/* CPU of the closing event */
	uint32_t reason;	/* kx_names id */
	uint32_t code;
	uint32_t flags;
	uint16_t buffer;
	uint8_t isa;
	uint8_t guest_mode;	/* enum kx_guest_mode */
	bool idle;
};

typedef int (*kx_interval_fn)(void *ctx, const struct kx_interval *iv);

/*
 * Volume counters (@exits, @entries: every one read) and anomaly counters
 * with the thread count, which count only within the scope
 * (kx_pair_set_scope()); the anomalies are shown in every output format.
 */
struct kx_pair_counts {
	uint64_t exits;			/* kvm_exit events seen */
	uint64_t entries;		/* kvm_entry events seen */
	uint64_t orphan_entries;	/* entry with no exit before it on that thread: at the entry */
	uint64_t unmatched_exits;	/* exit followed by another exit: at the first exit */
	uint64_t unfinished_exits;	/* exit still open at the end of the trace: at the exit */
	uint64_t negative;		/* intervals with end < start (dropped): both ends */
	uint64_t discarded;		/* intervals straddling a lost-events gap (dropped): both ends */
	uint64_t failed_vmentry;	/* exits with VMX flag bits set: at the exit */
	uint64_t threads;		/* distinct vCPU threads with an exit or entry in scope */
};

/*
 * The threads and times the anomaly counters and the thread count cover:
 * the report's --vcpu, --pid and --time. An anomaly counts when its thread
 * is selected and the times its counter names (above) lie in [@from, @to].
 */
struct kx_pair_scope {
	uint64_t from;
	uint64_t to;
	int64_t vcpu;		/* < 0: any */
	int64_t pid;		/* < 0: any; else the thread id or its process id */
};

struct kx_pair;

/**
 * kx_pair_new() - @names classifies idle reasons (borrowed); the scope is
 * every thread at any time. Return: NULL on ENOMEM.
 */
struct kx_pair *kx_pair_new(const struct kx_names *names);
void kx_pair_free(struct kx_pair *p);

/** kx_pair_set_scope() - what the anomaly counters cover from here on. */
void kx_pair_set_scope(struct kx_pair *p, const struct kx_pair_scope *scope);

/**
 * kx_pair_exit_entry() - a kvm_exit or kvm_entry; completed intervals go
 * to @sink. Return: 0, -ENOMEM, or the first non-zero value @sink returned.
 */
int kx_pair_exit_entry(struct kx_pair *p, const struct kx_event *ev, kx_interval_fn sink,
		       void *ctx);

/** kx_pair_lost() - a lost-events marker: threads last seen on its CPU break. Return: as above. */
int kx_pair_lost(struct kx_pair *p, const struct kx_event *ev, kx_interval_fn sink, void *ctx);

/**
 * kx_pair_helper() - any other event: it feeds the sub-key of its thread's
 * open exit. One register access often shows as two helper events of its
 * thread in a row (kvm_mmio or kvm_msr, then kvm_apic); within one exit or
 * guest run the second is not counted as an access of its own.
 * Return: 1 for an event with a sub-key of its own (key_rank) that is a
 * new register access, 0 otherwise, KX_PAIR_DEFER (see below), -ENOMEM.
 */
int kx_pair_helper(struct kx_pair *p, const struct kx_event *ev);

/**
 * kx_pair_vcpu() - the vcpu_id thread @tid of @buffer last showed in a
 * kvm_exit/kvm_entry fed so far, or KX_VCPU_UNKNOWN.
 */
int32_t kx_pair_vcpu(struct kx_pair *p, uint16_t buffer, int32_t tid);

/*
 * A pairing that starts in the middle of a trace (a time slice) knows a
 * thread only from its first kvm_entry on. Until then every event of the
 * thread, that entry and lost-events markers are KX_PAIR_DEFER: the caller
 * keeps them for the pairing of the slice before, which replays them in
 * order (a replayed entry then kx_pair_retire()s its thread there), and
 * kx_pair_absorb() then takes the threads and counts of this one.
 */
#define KX_PAIR_DEFER	2

void kx_pair_mid_trace(struct kx_pair *p);

/** kx_pair_retire() - the thread moved on in the next slice: its state here is stale. */
void kx_pair_retire(struct kx_pair *p, uint16_t buffer, int32_t tid);

/**
 * kx_pair_absorb() - @dst, after the replay, takes @src's threads (their
 * state at the end of @src's slice) and adds its counters; @src's exit
 * reason ids become @reason_map[id] (@nr_reasons of them).
 * Return: 0 or -ENOMEM.
 */
int kx_pair_absorb(struct kx_pair *dst, const struct kx_pair *src, const uint32_t *reason_map,
		   uint32_t nr_reasons);

/** kx_pair_finish() - end of input: count still-open exits. Return: 0. */
int kx_pair_finish(struct kx_pair *p);

const struct kx_pair_counts *kx_pair_counts(const struct kx_pair *p);

/**
 * kx_pair_timed() - whether the input gave any exit time: timing needs both
 * ends, and an unreadable kvm_exit format leaves only entries.
 */
static inline bool kx_pair_timed(const struct kx_pair_counts *c)
{
	return c->exits && c->entries;
}

#endif /* KX_PAIR_H */
