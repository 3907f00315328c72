// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * run.c - one analysis pass: source -> filter -> pairing -> caller's
 * interval consumers. The vCPU filter needs the thread's vcpu_id, which
 * only exit/entry events carry, so helper events inherit it from the last
 * exit/entry of their thread (the pairing's thread table). A pass over a
 * later time slice keeps what its pairing defers; kx_run_join() replays
 * that on the pass over the slice before, then takes its state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kx_grow.h"
#include "kx_order.h"
#include "kx_run.h"

/* --time's @t in @unit: seconds on a ns clock, whole cycles on a cycle clock. */
static int window_end(const struct kx_time *t, enum kx_unit unit, const char *which,
		      uint64_t *ts, struct kx_diag *diag)
{
	if (unit == KX_UNIT_CYCLES) {
		if (t->decimals)
			return kx_diag_set(diag, -KX_EUSAGE, "--time: the %s has decimals, but this "
					   "trace's clock counts cycles: give whole cycles as trace-cmd "
					   "report prints them, or convert with --tsc-khz", which);
		*ts = t->whole;
		return 0;
	}
	if (t->whole > (UINT64_MAX - t->ns) / 1000000000)
		return kx_diag_set(diag, -KX_EUSAGE, "--time: the %s is past the end of 64-bit ns",
				   which);
	*ts = t->whole * 1000000000 + t->ns;
	return 0;
}

int kx_run_open(struct kx_run *run, const char *path, const struct kx_source_opts *sopts,
		const struct kx_filter *filter, struct kx_diag *diag)
{
	enum kx_unit unit;
	int err;

	memset(run, 0, sizeof(*run));
	run->filter = *filter;
	err = kx_source_open(path, sopts, &run->src, diag);
	if (err < 0)
		return err;
	unit = kx_source_info(run->src)->unit;
	run->filter.from_ts = 0;
	run->filter.to_ts = UINT64_MAX;
	if (filter->from.set)
		err = window_end(&filter->from, unit, "start", &run->filter.from_ts, diag);
	if (err >= 0 && filter->to.set)
		err = window_end(&filter->to, unit, "end", &run->filter.to_ts, diag);
	if (err < 0) {
		kx_run_close(run);
		return err;
	}
	run->pair = kx_pair_new(kx_source_names(run->src));
	if (!run->pair) {
		kx_run_close(run);
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	}
	kx_pair_set_scope(run->pair, &(struct kx_pair_scope){
		.from = run->filter.from_ts, .to = run->filter.to_ts,
		.vcpu = run->filter.vcpu, .pid = run->filter.pid });
	return 0;
}

void kx_run_span(const struct kx_run *run, uint64_t *first, uint64_t *last)
{
	*first = run->first_ts > run->filter.from_ts ? run->first_ts : run->filter.from_ts;
	*last = run->last_ts < run->filter.to_ts ? run->last_ts : run->filter.to_ts;
	if (*last < *first)
		*last = *first;
}

/* Interval filter: keeps the sink unaware of --vcpu/--pid/--time. */
struct filtered {
	const struct kx_filter *filter;
	kx_interval_fn sink;
	void *ctx;
};

/* --pid: the vCPU thread, or the VM process where the input records it. */
static bool pid_passes(const struct kx_filter *filter, int32_t tid, int32_t pid)
{
	return filter->pid < 0 || tid == filter->pid || pid == filter->pid;
}

/* --time: whether [@start, @end] lies in the window, its ends included. */
static bool in_window(const struct kx_filter *filter, uint64_t start, uint64_t end)
{
	return start >= filter->from_ts && end <= filter->to_ts;
}

static int filter_interval(void *ctx, const struct kx_interval *iv)
{
	struct filtered *f = ctx;

	if (!in_window(f->filter, iv->start, iv->end))
		return 0;
	if (f->filter->vcpu >= 0 && iv->vcpu != f->filter->vcpu)
		return 0;
	if (!pid_passes(f->filter, iv->tid, iv->pid))
		return 0;
	return f->sink(f->ctx, iv);
}

bool kx_filter_active(const struct kx_filter *filter)
{
	return filter->vcpu >= 0 || filter->pid >= 0 || filter->from.set || filter->to.set;
}

/*
 * The sink the pairing feeds: @f (set up here) over @sink when a filter is
 * set, else @sink itself: one call less per interval.
 */
static kx_interval_fn feed_of(const struct kx_run *run, kx_interval_fn sink, void *ctx,
			      struct filtered *f, void **feed_ctx)
{
	*f = (struct filtered){ &run->filter, sink, ctx };
	*feed_ctx = kx_filter_active(&run->filter) ? (void *)f : ctx;
	return kx_filter_active(&run->filter) ? filter_interval : sink;
}

/*
 * Filter for the on_helper hook. Helper events carry no vcpu_id: they
 * belong to the vCPU their thread last showed in a kvm_exit/kvm_entry.
 */
static bool helper_passes(struct kx_run *run, const struct kx_event *ev)
{
	int32_t vcpu = ev->vcpu;

	if (!in_window(&run->filter, ev->ts, ev->ts))
		return false;
	if (!pid_passes(&run->filter, ev->tid, ev->pid))
		return false;
	if (run->filter.vcpu < 0)
		return true;
	if (vcpu == KX_VCPU_UNKNOWN)
		vcpu = kx_pair_vcpu(run->pair, ev->buffer, ev->tid);
	if (vcpu == KX_VCPU_UNKNOWN)
		run->helpers_without_vcpu++;
	return vcpu == run->filter.vcpu;
}

/* A lost-events marker as it is read (not in a replay): counted when it lies in the window. */
static void count_lost(struct kx_run *run, const struct kx_event *ev)
{
	if (in_window(&run->filter, ev->ts, ev->ts))
		kx_lost_count(&run->lost, ev->u.lost);
}

/*
 * One event through the pairing, and a new register access to the on_helper
 * hook; @replay: the event was read by a later slice, and counted there.
 * Return: 0, KX_PAIR_DEFER, or an error.
 */
static inline int run_event(struct kx_run *run, const struct kx_event *ev, bool filtering,
			    bool replay, kx_interval_fn sink, void *ctx)
{
	int access;

	if (ev->kind == KX_EV_EXIT || ev->kind == KX_EV_ENTRY)
		return kx_pair_exit_entry(run->pair, ev, sink, ctx);
	if (ev->kind == KX_EV_LOST) {
		if (!replay)
			count_lost(run, ev);
		return kx_pair_lost(run->pair, ev, sink, ctx);
	}
	access = kx_pair_helper(run->pair, ev);
	if (access < 0 || access == KX_PAIR_DEFER || !ev->key_rank || !run->on_helper)
		return access == 1 ? 0 : access;
	/* the filter sees every keyed event: helpers_without_vcpu counts events, not accesses */
	if (filtering && !helper_passes(run, ev))
		return 0;
	return access ? run->on_helper(run->helper_ctx, ev) : 0;
}

/* Keep @ev for the replay in the slice before. Return: 0 or -E2BIG, -ENOMEM. */
static int defer(struct kx_run *run, const struct kx_event *ev)
{
	struct kx_run_deferred *d;

	/*
	 * A marker breaks the threads last seen on its CPU. With no other event
	 * deferred since one of the same CPU, it would break nothing that one
	 * did not: not kept, so heavy loss does not fill the list.
	 */
	if (ev->kind == KX_EV_LOST)
		for (size_t i = run->markers_from; i < run->nr_deferred; i++)
			if (run->deferred[i].ev.cpu == ev->cpu &&
			    run->deferred[i].ev.buffer == ev->buffer)
				return 0;
	if (run->nr_deferred == run->cap_deferred) {
		if (run->cap_deferred * 2 > KX_RUN_DEFER_MAX)
			return -E2BIG;
		d = kx_grow(run->deferred, &run->cap_deferred, sizeof(*d), 256);
		if (!d)
			return -ENOMEM;
		run->deferred = d;
	}
	if (ev->kind != KX_EV_LOST)
		run->markers_from = run->nr_deferred + 1;
	d = &run->deferred[run->nr_deferred++];
	d->ev = *ev;
	d->mark = run->mark ? run->mark(run->mark_ctx) : 0;
	/* the entry a thread entered this slice with: its state from here on is this run's */
	d->retire = ev->kind == KX_EV_ENTRY &&
		    kx_pair_vcpu(run->pair, ev->buffer, ev->tid) != KX_VCPU_UNKNOWN;
	return 0;
}

/* Feed @evs[order[i]] (@order NULL: @evs in order). Return: 0 or an error. */
static inline int feed(struct kx_run *run, const struct kx_event *evs, const uint16_t *order,
		       unsigned n, bool filtered, kx_interval_fn sink, void *ctx)
{
	for (unsigned i = 0; i < n; i++) {
		const struct kx_event *ev = &evs[order ? order[i] : i];
		int ret = run_event(run, ev, filtered, false, sink, ctx);

		if (__builtin_expect(ret != 0, 0)) {
			if (ret == KX_PAIR_DEFER && !(ret = defer(run, ev)))
				continue;
			return ret;
		}
	}
	return 0;
}

/*
 * Feed @e thread by thread when any order of the threads will do
 * (kx_order.h): a time window always, a batch in delivery order unless it
 * holds a lost-events marker.
 */
static int feed_threads(struct kx_run *run, const struct kx_event *e, unsigned n,
			const struct kx_window *w, bool filtered, kx_interval_fn sink, void *ctx)
{
	uint16_t order[KX_SOURCE_BATCH];

	if (w)
		kx_order_window(e, w, order);
	else if (!kx_order_by_thread(e, n, order))
		return feed(run, e, NULL, n, filtered, sink, ctx);
	return feed(run, e, order, n, filtered, sink, ctx);
}

int kx_run_stream(struct kx_run *run, kx_interval_fn sink, void *ctx, struct kx_diag *diag)
{
	struct filtered f;
	void *feed_ctx;
	kx_interval_fn feed_sink = feed_of(run, sink, ctx, &f, &feed_ctx);
	bool filtered = kx_filter_active(&run->filter);
	uint64_t events = run->events, last_ts = run->last_ts;
	const struct kx_event *evs;
	int n, ret = 0;

	/* the counters live in locals in the loop and are stored once at the end */
	while (!ret && (n = kx_source_next_batch(run->src, &evs, diag)) > 0) {
		const struct kx_window *w = kx_source_window(run->src);
		uint64_t lo = w ? w->first_ts : evs[0].ts, hi = w ? w->last_ts : evs[n - 1].ts;

		if (run->on_events)
			ret = run->on_events(run->events_ctx, evs, (unsigned)n); /* nothing paired */
		else if (w || run->any_thread_order)
			ret = feed_threads(run, evs, (unsigned)n, w, filtered, feed_sink, feed_ctx);
		else
			ret = feed(run, evs, NULL, (unsigned)n, filtered, feed_sink, feed_ctx);
		if (!events)
			run->first_ts = lo;
		events += (unsigned)n;
		last_ts = hi;
	}
	if (n < 0)
		ret = n;
	run->events = events;
	run->last_ts = last_ts;
	if (ret == -ENOMEM)
		return kx_diag_set(diag, ret, "out of memory");
	if (ret == -E2BIG)
		return kx_diag_set(diag, ret, "a time slice deferred too many events");
	if (ret)
		return ret;
	return kx_pair_finish(run->pair);
}

void kx_run_mid_trace(struct kx_run *run)
{
	kx_pair_mid_trace(run->pair);
}

uint32_t *kx_run_reason_map(struct kx_run *run, const struct kx_run *later, uint32_t *nr)
{
	const struct kx_names *from = kx_source_names(later->src);
	uint32_t n = kx_names_count(from);
	uint32_t *map = malloc((n ? n : 1) * sizeof(*map));

	for (uint32_t i = 0; map && i < n; i++) {
		int64_t id = kx_source_name_id(run->src, kx_names_get(from, i));

		if (id < 0) {
			free(map);
			return NULL;
		}
		map[i] = (uint32_t)id;
	}
	*nr = n;
	return map;
}

int kx_run_join(struct kx_run *run, const struct kx_run *later, const uint32_t *reason_map,
		uint32_t nr_reasons, kx_interval_fn sink, void *ctx)
{
	struct filtered f;
	void *feed_ctx;
	kx_interval_fn feed_sink = feed_of(run, sink, ctx, &f, &feed_ctx);
	int err = 0;

	for (size_t i = 0; i < later->nr_deferred && !err; i++) {
		const struct kx_run_deferred *d = &later->deferred[i];
		struct kx_event ev = d->ev;

		if (ev.kind == KX_EV_EXIT && ev.u.exit.reason < nr_reasons)
			ev.u.exit.reason = reason_map[ev.u.exit.reason];
		if (run->replay_at)
			run->replay_at(run->mark_ctx, d->mark);
		err = run_event(run, &ev, kx_filter_active(&run->filter), true, feed_sink, feed_ctx);
		if (d->retire)
			kx_pair_retire(run->pair, ev.buffer, ev.tid);
	}
	if (err)
		return err;
	if (later->events) {
		if (!run->events)
			run->first_ts = later->first_ts;
		run->last_ts = later->last_ts;
	}
	run->events += later->events;
	run->helpers_without_vcpu += later->helpers_without_vcpu;
	kx_lost_join(&run->lost, &later->lost);
	err = kx_source_absorb(run->src, later->src);
	err = err ?: kx_pair_absorb(run->pair, later->pair, reason_map, nr_reasons);
	return err ? err : kx_pair_finish(run->pair);
}

void kx_run_close(struct kx_run *run)
{
	free(run->deferred);
	kx_pair_free(run->pair);
	kx_source_close(run->src);
	memset(run, 0, sizeof(*run));
}
