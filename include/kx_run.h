/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_run.h - one analysis pass over one input: open the source, read every
 * event in order, apply the vCPU/pid filter, pair exits and entries, and
 * hand each interval to the caller's consumers (statistics, cycles). The
 * commands report, cycles, compare and check all read input through this.
 */
#ifndef KX_RUN_H
#define KX_RUN_H

#include <stdint.h>

#include "kx.h"
#include "kx_pair.h"
#include "kx_source.h"

/*
 * Which vCPU threads to analyse (-1 = all), and when: the intervals that
 * lie wholly in [from, to] (--time; either end may be unset), and the
 * helper events between. kx_run_open() puts the times in the trace's unit.
 */
struct kx_filter {
	int64_t vcpu;		/* vcpu_id */
	int64_t pid;		/* vCPU thread id, or the VM process id where the input has it */
	struct kx_time from;
	struct kx_time to;
	uint64_t from_ts;	/* set by kx_run_open(): 0 when from is unset */
	uint64_t to_ts;		/* UINT64_MAX when to is unset */
};

typedef int (*kx_event_fn)(void *ctx, const struct kx_event *ev);
/* @n events in a row, in delivery order. Return: 0 or an error to stop with. */
typedef int (*kx_events_fn)(void *ctx, const struct kx_event *evs, unsigned n);

/*
 * struct kx_run - set @on_helper (and @helper_ctx) before kx_run_stream()
 * to see every helper event that names a sub-key on its own (key_rank != 0)
 * and passes the filter, e.g. to count those that belong to no exit.
 * @first_ts/@last_ts/@events cover every event read; @helpers_without_vcpu
 * counts the helper events --vcpu kept from @on_helper because their
 * thread had shown no vcpu_id yet.
 */
struct kx_run {
	struct kx_source *src;
	struct kx_pair *pair;
	struct kx_filter filter;
	kx_event_fn on_helper;
	void *helper_ctx;
	/* set: kx_run_stream() hands every event here and pairs nothing (info) */
	kx_events_fn on_events;
	void *events_ctx;
	/*
	 * set: what the consumers make of the events does not depend on how
	 * different threads' events interleave (a report's sums), so
	 * kx_run_stream() may feed them thread by thread (kx_order.h). Only
	 * then may the source be opened with kx_source_opts.windows.
	 */
	bool any_thread_order;
	uint64_t first_ts;
	uint64_t last_ts;
	uint64_t events;
	uint64_t helpers_without_vcpu;
	struct kx_lost_counts lost;	/* the lost-events markers that lie in the --time window */
	/*
	 * An analysis that must know where among its own results a deferred
	 * event came: @mark (on the later slice's run) says where it is as an
	 * event is deferred; @replay_at (on the run that replays) is told so
	 * before the event is replayed. Both with @mark_ctx; both may be NULL.
	 */
	uint64_t (*mark)(void *ctx);
	void (*replay_at)(void *ctx, uint64_t mark);
	void *mark_ctx;
	/* a time slice after the first: what its pairing defers, for the replay */
	struct kx_run_deferred *deferred;
	size_t nr_deferred;
	size_t cap_deferred;
	size_t markers_from;	/* deferred[] from here on are lost-events markers only */
};

/*
 * An event kept for the replay; @retire: the thread entered the later
 * slice with it; @mark: the analysis's position then (kx_run.mark).
 */
struct kx_run_deferred {
	struct kx_event ev;
	uint64_t mark;
	bool retire;
};

/* Most events one slice may defer: past it the slices are given up (-E2BIG). */
#define KX_RUN_DEFER_MAX	(1u << 14)

/** kx_filter_active() - whether --vcpu, --pid or --time selects a part of the trace. */
bool kx_filter_active(const struct kx_filter *filter);

/**
 * kx_run_span() - the first and last time of the events read, kept within
 * the --time window (both its start when the window lies past the events).
 */
void kx_run_span(const struct kx_run *run, uint64_t *first, uint64_t *last);

/** kx_run_open() - open @path and prepare pairing. Return: 0 or negative with @diag. */
int kx_run_open(struct kx_run *run, const char *path, const struct kx_source_opts *sopts,
		const struct kx_filter *filter, struct kx_diag *diag);

/**
 * kx_run_stream() - read the whole input; every interval goes to @sink
 * (with @run->on_events set, every event goes there instead, unpaired).
 * Return: 0, a negative read error with @diag, or @sink's (on_events')
 * non-zero value.
 */
int kx_run_stream(struct kx_run *run, kx_interval_fn sink, void *ctx, struct kx_diag *diag);

/**
 * kx_run_mid_trace() - @run reads a time slice that is not the first (see
 * kx_pair_mid_trace()); kx_run_stream() then keeps the deferred events.
 */
void kx_run_mid_trace(struct kx_run *run);

/**
 * kx_run_reason_map() - for each exit reason id of @later's input, the id
 * of the same name in @run's (added there if new). Return: the map, *@nr
 * entries (free() it), or NULL on ENOMEM.
 */
uint32_t *kx_run_reason_map(struct kx_run *run, const struct kx_run *later, uint32_t *nr);

/**
 * kx_run_join() - @run has read the slice before @later's: replay what
 * @later deferred (intervals to @sink, helper events to @run's hook), then
 * take @later's thread states and counters. The caller adds what @later's
 * own consumers accumulated. Return: 0, -ENOMEM, KX_SOURCE_APART (the
 * reader's results do not add up: kx_source_absorb()), or @sink's non-zero
 * value.
 */
int kx_run_join(struct kx_run *run, const struct kx_run *later, const uint32_t *reason_map,
		uint32_t nr_reasons, kx_interval_fn sink, void *ctx);

void kx_run_close(struct kx_run *run);

#endif /* KX_RUN_H */
