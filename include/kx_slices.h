/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_slices.h - an analysis (the report's, the cycles', compare's) split by
 * time: each thread reads one time slice of the trace through its own
 * source, pairing and accumulators; then, in time order, each slice's
 * deferred events are replayed on the state the slice before ended with
 * and its results are added. The result is the one a single pass gives,
 * byte for byte; where that cannot be shown (the input cannot be cut, the
 * slices do not join, a read error, too much deferred) the caller runs the
 * single pass.
 */
#ifndef KX_SLICES_H
#define KX_SLICES_H

#include <stdbool.h>

#include "kx_cycles.h"
#include "kx_report.h"
#include "kx_run.h"
#include "kx_source.h"

#define KX_SLICES_NOT_SPLIT	1

/* How a report was made: slices read, events deferred and replayed. */
struct kx_slices_stats {
	unsigned slices;
	size_t deferred;
};

/*
 * What a report with --by vcpu holds per vCPU thread (64-71 KiB: its peak
 * RSS over a plain report's, 32 and 256 vCPUs, 32-bit histogram counters),
 * and at most the cycles' (histograms and the open cycle).
 */
#define KX_SLICES_THREAD_BYTES	(96u << 10)

/*
 * struct kx_slices_analysis - what each slice accumulates: @make (@arg; for
 * every slice but the first @mid_trace) one per slice, fed by the pairing
 * (@sink, and @on_helper when set, both with the made context; or, with
 * @on_events, every event unpaired: kx_run.on_events), @join'ed in
 * time order into the first slice's after kx_run_join() replayed what the
 * later one deferred (reason ids mapped as kx_run_reason_map() says), and
 * @free'd. @mark and @replay_at, when set, become the runs' (kx_run.mark),
 * and so does @any_thread_order (kx_run.any_thread_order). For the
 * split's memory budget: @slice_bytes, what it holds beyond the usual
 * histograms, and @thread_bytes, what it holds per vCPU thread.
 */
struct kx_slices_analysis {
	void *(*make)(const void *arg, bool mid_trace);
	kx_interval_fn sink;
	kx_event_fn on_helper;
	kx_events_fn on_events;
	uint64_t (*mark)(void *acc);
	void (*replay_at)(void *acc, uint64_t mark);
	int (*join)(void *acc, const void *later, const uint32_t *reason_map, uint32_t nr);
	void (*free)(void *acc);
	const void *arg;
	uint64_t slice_bytes;
	uint64_t thread_bytes;
	bool any_thread_order;
};

/**
 * kx_slices_run() - read @path in @sopts->threads time slices through @an.
 * Return: 0 with the first slice's *@run (kx_run_close() it) and *@acc,
 * which holds the whole trace's analysis (@an->free() it);
 * KX_SLICES_NOT_SPLIT (run the single pass); -ENOMEM; -EINVAL if the
 * slices' results do not fit together (a bug).
 */
int kx_slices_run(const char *path, const struct kx_source_opts *sopts,
		  const struct kx_filter *filter, const struct kx_slices_analysis *an,
		  struct kx_run *run, void **acc, struct kx_slices_stats *stats);

/**
 * kx_slices_report() - the report of @path (as kx_run_open() and
 * kx_attrib_new(@by_thread, @longest) would make it) from @sopts->threads slices;
 * @stats (may be NULL) says how.
 * Return: 0 and *@out; KX_SLICES_NOT_SPLIT (run the single pass); -ENOMEM;
 * -EINVAL if the slices' results do not fit together (a bug).
 */
int kx_slices_report(const char *path, const struct kx_source_opts *sopts,
		     const struct kx_filter *filter, bool by_thread, uint32_t longest,
		     struct kx_report **out, struct kx_slices_stats *stats);

/**
 * kx_slices_cycles() - the timer cycles of @path (as kx_run_open() and
 * kx_cycles_new(@copts) would make them) from @sopts->threads slices.
 * Without a per-cycle callback only (KX_SLICES_NOT_SPLIT).
 * Return: 0 with the first slice's *@run (its source names the reasons;
 * kx_run_close() it) and *@out (not finished yet: kx_cycles_finish());
 * else as kx_slices_report().
 */
int kx_slices_cycles(const char *path, const struct kx_source_opts *sopts,
		     const struct kx_filter *filter, const struct kx_cycles_opts *copts,
		     struct kx_run *run, struct kx_cycles **out, struct kx_slices_stats *stats);

#endif /* KX_SLICES_H */
