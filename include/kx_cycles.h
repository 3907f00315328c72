/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_cycles.h - timer-programming cycles. A timer-programming exit is an
 * exit whose sub-key writes the timer (APIC TMICT or TSC_DEADLINE, LVTT on
 * request). A cycle on a vCPU thread runs from the VM entry that ends one
 * such exit to the VM entry that ends the next one, and includes that
 * second exit. Per cycle: guest time, host time of non-idle exits, idle
 * time, exit count, host time per sub-key; per vCPU thread and overall:
 * totals, percentiles, the sub-keys that dominate cycle host time.
 *
 * Consumes the kx_interval stream of kx_pair (threads keyed by (buffer,
 * tid)). Memory grows with threads and distinct sub-keys only, plus the
 * fixed --worst heap; never with the number of cycles.
 */
#ifndef KX_CYCLES_H
#define KX_CYCLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kx_hist.h"
#include "kx_pair.h"

/* Fixed point of host/guest ratios: 2.00 is 20000. */
#define KX_RATIO_ONE		10000u
/* Ratio of a cycle without guest time (not recorded in the ratio histogram). */
#define KX_RATIO_INF		UINT64_MAX
/* Segments kept per cycle: the first KX_CYCLE_SEGS-1 and the last one. */
#define KX_CYCLE_SEGS		64
/* Sub-keys kept per cycle (the ones with most host time); the rest is @other_host. */
#define KX_CYCLE_KEYS		16
/* Keys at or above this value are sub-keys; below it, exit reason ids. */
#define KX_CYCLE_KEY_SUBKEY	(1ull << 60)

/*
 * struct kx_cycle_seg - one step of a cycle's timeline. Consecutive guest
 * intervals are merged into one segment.
 * @key: exits only, see kx_cycles_exit_key()
 */
struct kx_cycle_seg {
	uint64_t dur;
	uint64_t key;
	bool guest;
	bool idle;
};

/* struct kx_cycle_keytime - host time of one sub-key (or reason) in a cycle. */
struct kx_cycle_keytime {
	uint64_t key;
	uint64_t host;
	uint64_t count;		/* exits */
};

/*
 * struct kx_cycle - one complete cycle, in source units.
 * @seq:        completion order over all threads, from 1
 * @index:      cycle number on its thread, from 1
 * @start/@end: the two VM entries that bound it
 * @host:       time of non-idle exits; @idle: time of idle exits (HLT ...)
 * @user:       part of @host + @idle spent in the VMM (after kvm_userspace_exit)
 * @ratio:      @host / @guest in units of KX_RATIO_ONE, rounded to nearest;
 *              KX_RATIO_INF when @guest is 0
 * @segs:       the first KX_CYCLE_SEGS-1 segments and the last one;
 *              @segs_elided were left out between the last two kept
 * @keys:       host time per key, most first, at most KX_CYCLE_KEYS;
 *              @other_host is the host time of the keys left out
 */
struct kx_cycle {
	uint64_t seq;
	uint64_t index;
	uint64_t start;
	uint64_t end;
	uint64_t guest;
	uint64_t host;
	uint64_t idle;
	uint64_t user;
	uint64_t exits;
	uint64_t idle_exits;
	uint64_t ratio;
	int32_t tid;
	int32_t pid;
	int32_t vcpu;
	uint16_t buffer;
	uint32_t nsegs;
	uint64_t segs_elided;
	struct kx_cycle_seg segs[KX_CYCLE_SEGS];
	uint32_t nkeys;
	uint64_t other_host;
	struct kx_cycle_keytime keys[KX_CYCLE_KEYS];
};

/* Called for every completed cycle; a non-zero return stops the feed with that value. */
typedef int (*kx_cycle_fn)(void *ctx, const struct kx_cycle *cy);

struct kx_cycles_opts {
	bool lvtt;		/* LVTT writes also program the timer */
	bool worst_by_host;	/* rank --worst by host time instead of ratio */
	uint32_t worst;		/* keep this many worst cycles; 0 = none */
	kx_cycle_fn on_cycle;	/* may be NULL */
	void *ctx;
};

struct kx_keytab;

/*
 * struct kx_cycles_stats - one vCPU thread, or all of them (tid -1).
 * Only complete cycles count in the totals and histograms.
 * @timer_exits: timer-programming exits seen (complete cycles or not)
 * @discarded:   open cycles dropped because continuity was lost
 *               (KX_IV_BREAK, or intervals that do not join up)
 * @unfinished:  cycles still open at the end of the input
 * @zero_guest:  cycles with no guest time (in every histogram but @ratio)
 * @ratio:       host/guest in units of KX_RATIO_ONE
 */
struct kx_cycles_stats {
	int32_t tid;
	int32_t pid;
	int32_t vcpu;
	uint16_t buffer;
	uint64_t cycles;
	uint64_t timer_exits;
	uint64_t discarded;
	uint64_t unfinished;
	uint64_t zero_guest;
	uint64_t guest_total;
	uint64_t host_total;
	uint64_t idle_total;
	uint64_t user_total;
	uint64_t exits;
	uint64_t idle_exits;
	struct kx_hist guest;
	struct kx_hist host;
	struct kx_hist ratio;
	struct kx_keytab *keys;		/* private: host time per key over complete cycles */
};

/* struct kx_cycles_keyshare - a key's part of the cycle host time. */
struct kx_cycles_keyshare {
	uint64_t key;
	uint64_t host;
	uint64_t count;		/* exits */
	double share;		/* host / host_total, 0..1 */
};

struct kx_cycles;

/** kx_cycles_new() - an empty analysis with @opts (copied). Return: NULL on ENOMEM. */
struct kx_cycles *kx_cycles_new(const struct kx_cycles_opts *opts);

/** kx_cycles_free() - free @c and everything it handed out (NULL-safe). */
void kx_cycles_free(struct kx_cycles *c);

/**
 * kx_cycles_feed() - consume one interval (before kx_cycles_finish()).
 * Return: 0, -ENOMEM, -EINVAL after finish, or the first non-zero value of
 * the on_cycle callback.
 */
int kx_cycles_feed(struct kx_cycles *c, const struct kx_interval *iv);

/** kx_cycles_sink() - kx_interval_fn adapter: @ctx is the struct kx_cycles. */
int kx_cycles_sink(void *ctx, const struct kx_interval *iv);

/**
 * kx_cycles_mid_trace() - @c reads a time slice after the first: until a
 * thread's first timer-programming exit its intervals continue a cycle the
 * slice before may have opened; kx_cycles_join() adds them there.
 */
void kx_cycles_mid_trace(struct kx_cycles *c);

/* kx_cycles_join(): the order of two cycles completed in the join is not known */
#define KX_CYCLES_APART		1

/**
 * kx_cycles_mark() - cycles completed so far: a later slice's run records
 * it with each event it defers (the position of that event among them).
 */
uint64_t kx_cycles_mark(const struct kx_cycles *c);

/**
 * kx_cycles_replay_at() - @c is about to see the replay of an event the
 * later slice deferred at @mark: what it completes comes after that many
 * of the later slice's own cycles.
 */
void kx_cycles_replay_at(struct kx_cycles *c, uint64_t mark);

/**
 * kx_cycles_join() - @c has read the slice before @later's (and the
 * intervals the run replayed from @later: kx_run_join()): continue each
 * thread's open cycle with @later's lead-in, then take @later's thread
 * states and add its figures. Exit reason keys of @later are mapped
 * through @reason_map (@nr_reasons entries: kx_run_reason_map()). The
 * worst cycles are numbered (seq, index) as one pass numbers them; a
 * per-cycle callback is not supported (its calls would come out of order).
 * Return: 0, -ENOMEM, KX_CYCLES_APART (two cycles completed in the join at
 * the same time, in an order the slices cannot tell: read in one pass),
 * or -EINVAL (@c mid-trace or with a callback, either finished).
 */
int kx_cycles_join(struct kx_cycles *c, const struct kx_cycles *later, const uint32_t *reason_map,
		   uint32_t nr_reasons);

/**
 * kx_cycles_finish() - end of input: count unfinished cycles, order the
 * threads by (buffer, vcpu, tid), build the overall figures and sort the
 * worst cycles. Call once, before the accessors below. Return: 0 or -ENOMEM.
 */
int kx_cycles_finish(struct kx_cycles *c);

/** kx_cycles_nthreads() - vCPU threads seen (with or without cycles). */
size_t kx_cycles_nthreads(const struct kx_cycles *c);

/** kx_cycles_thread() - figures of thread @i (borrowed, valid until kx_cycles_free()). */
const struct kx_cycles_stats *kx_cycles_thread(const struct kx_cycles *c, size_t i);

/** kx_cycles_total() - figures over all threads (tid, pid, vcpu -1) (borrowed). */
const struct kx_cycles_stats *kx_cycles_total(const struct kx_cycles *c);

/**
 * kx_cycles_top_keys() - the @n keys with most cycle host time in @s, most
 * first (ties: smaller key first). Return: number written to @out.
 */
size_t kx_cycles_top_keys(const struct kx_cycles_stats *s, struct kx_cycles_keyshare *out,
			  size_t n);

/**
 * kx_cycles_worst() - the kept worst cycles, worst first (ties: earlier
 * completion first). Return: their number; *@out points into @c (borrowed).
 */
size_t kx_cycles_worst(const struct kx_cycles *c, const struct kx_cycle **out);

/**
 * kx_cycles_exit_key() - the key an exit's host time is charged to:
 * kx_subkey_pack() of its canonical sub-key (so every key with one
 * normalised name is one key), >= KX_CYCLE_KEY_SUBKEY; or, for an exit
 * without a sub-key, its reason id (< KX_CYCLE_KEY_SUBKEY).
 */
uint64_t kx_cycles_exit_key(const struct kx_interval *iv);

#endif /* KX_CYCLES_H */
