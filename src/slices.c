// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * slices.c - an analysis (the report's accumulators, or the timer cycles)
 * split by time across threads. A single pass is bound by the one thread
 * that merges the per-CPU streams in time order and pairs them; here every
 * thread merges and pairs its own time slice. A thread's state at a
 * slice's start is unknown until its first kvm_entry there, so what comes
 * before (and that entry) is deferred and replayed on the state the slice
 * before ended with: in time order, the replay continues exactly where
 * that slice stopped. The analysis then joins what it made of the rest.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kx_attrib.h"
#include "kx_cycles.h"
#include "kx_slices.h"

#define MAX_SLICES	64
/*
 * What a slice's analysis holds, for the reader's memory budget: its
 * histograms (the benchmark's report: ~0.2 MiB), and per vCPU thread what
 * the analysis says (KX_SLICES_THREAD_BYTES).
 */
#define ANALYSIS_BYTES		(768u << 10)

struct slice {
	struct kx_run run;
	void *acc;
	const struct kx_slices_analysis *an;
	bool open;
	pthread_t thread;
	bool started;
	int err;
	struct kx_diag diag;
};

static void *read_slice(void *arg)
{
	struct slice *s = arg;

	s->err = kx_run_stream(&s->run, s->an->sink, s->acc, &s->diag);
	return NULL;
}

/*
 * Open slice @s, between @start and @end; @formats: the formats another
 * source of this file parsed, to parse alike without a guard each time.
 */
static int open_slice(struct slice *s, const char *path, const struct kx_source_opts *sopts,
		      const struct kx_filter *filter, const struct kx_slices_analysis *an,
		      const struct kx_cut *start, const struct kx_cut *end, unsigned n,
		      const struct kx_format_memo *formats)
{
	struct kx_source_opts o = *sopts;

	o.threads = 1;
	o.slices = n;
	o.windows = an->any_thread_order;
	o.slice_start = start ? start->ts : 0;
	o.slice_start_pos = start ? start->pos : 0;
	o.slice_end = end ? end->ts : 0;
	o.slice_end_pos = end ? end->pos : 0;
	o.formats = formats;
	s->an = an;
	if (kx_run_open(&s->run, path, &o, filter, &s->diag) < 0)
		return -1;
	s->open = true;
	s->acc = an->make(an->arg, start != NULL);
	if (!s->acc)
		return -ENOMEM;
	s->run.on_helper = an->on_helper;
	s->run.helper_ctx = an->on_helper ? s->acc : NULL;
	s->run.on_events = an->on_events;
	s->run.events_ctx = an->on_events ? s->acc : NULL;
	s->run.mark = an->mark;
	s->run.any_thread_order = an->any_thread_order;
	s->run.replay_at = an->replay_at;
	s->run.mark_ctx = s->acc;
	if (start)
		kx_run_mid_trace(&s->run);
	return 0;
}

/* Replay and add slice @s to slice @first, which holds slices 0..s-1. */
static int join(struct slice *first, struct slice *s)
{
	uint32_t nr, *map = kx_run_reason_map(&first->run, &s->run, &nr);
	int err;

	if (!map)
		return -ENOMEM;
	err = kx_run_join(&first->run, &s->run, map, nr, first->an->sink, first->acc);
	if (!err)
		err = first->an->join(first->acc, s->acc, map, nr);
	free(map);
	return err;
}

/*
 * Open every slice, read them in parallel. Return: 0, or nonzero: no
 * report from them. The opens stay in this thread, one after the other:
 * libtraceevent's format parser keeps its tokenizer in file-scope
 * variables (input_buf and its position), so two tep handles must not
 * parse formats at the same time. @probe, the source the cuts came from,
 * is closed once slice 0 has parsed its formats.
 */
static int read_slices(struct slice *sl, unsigned n, const struct kx_cut *cuts, const char *path,
		       const struct kx_source_opts *sopts, const struct kx_filter *filter,
		       const struct kx_slices_analysis *an, struct kx_source *probe)
{
	int err = 0;

	for (unsigned i = 0; i < n && !err; i++) {
		const struct kx_source *parsed = i ? sl[0].run.src : probe;

		err = open_slice(&sl[i], path, sopts, filter, an, i ? &cuts[i - 1] : NULL,
				 i + 1 < n ? &cuts[i] : NULL, n, kx_source_info(parsed)->formats);
		if (!i)
			kx_source_close(probe);
	}
	for (unsigned i = 1; i < n && !err; i++) {
		sl[i].started = pthread_create(&sl[i].thread, NULL, read_slice, &sl[i]) == 0;
		if (!sl[i].started)
			err = -EAGAIN;
	}
	if (!err)
		read_slice(&sl[0]);
	for (unsigned i = 1; i < n; i++)
		if (sl[i].started)
			pthread_join(sl[i].thread, NULL);
	for (unsigned i = 0; i < n && !err; i++) {
		err = sl[i].err;
		if (!err && i && !kx_source_joins(sl[i - 1].run.src, sl[i].run.src))
			err = KX_SLICES_NOT_SPLIT;
	}
	return err;
}

static void close_slices(struct slice *sl, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (sl[i].acc)
			sl[i].an->free(sl[i].acc);
		if (sl[i].open)
			kx_run_close(&sl[i].run);
	}
	free(sl);
}

int kx_slices_run(const char *path, const struct kx_source_opts *sopts,
		  const struct kx_filter *filter, const struct kx_slices_analysis *an,
		  struct kx_run *run, void **acc, struct kx_slices_stats *stats)
{
	unsigned threads = kx_source_threads(sopts), n;
	struct kx_cut cuts[MAX_SLICES - 1];
	struct kx_source_opts probe = *sopts;
	struct kx_source *src;
	struct kx_diag diag;
	struct slice *sl;
	struct stat st;
	int err;

	if (stats)
		memset(stats, 0, sizeof(*stats));
	/* only a regular file can be read more than once (not stdin, not a FIFO) */
	if (threads < 2 || strcmp(path, "-") == 0 || stat(path, &st) || !S_ISREG(st.st_mode))
		return KX_SLICES_NOT_SPLIT;
	if (threads > MAX_SLICES)
		threads = MAX_SLICES;
	probe.threads = 1;
	/* as a later slice the probe reads no events at open: only its cuts are wanted */
	probe.slice_start = 1;
	if (kx_source_open(path, &probe, &src, &diag) < 0)
		return KX_SLICES_NOT_SPLIT;
	n = kx_source_split(src, threads, ANALYSIS_BYTES + an->slice_bytes, an->thread_bytes,
			    cuts) + 1;
	sl = n < 2 ? NULL : calloc(n, sizeof(*sl));
	if (!sl) {
		kx_source_close(src);
		return n < 2 ? KX_SLICES_NOT_SPLIT : -ENOMEM;
	}
	err = read_slices(sl, n, cuts, path, sopts, filter, an, src);
	/* out of memory is an answer; any other trouble the single pass reports itself */
	if (err && err != -ENOMEM)
		err = KX_SLICES_NOT_SPLIT;
	for (unsigned i = 1; i < n && !err; i++) {
		if (stats) {
			stats->slices = n;
			stats->deferred += sl[i].run.nr_deferred;
		}
		err = join(&sl[0], &sl[i]);
	}
	/* the reader found the slices' results apart (KX_SOURCE_APART): one pass */
	if (err > 0)
		err = KX_SLICES_NOT_SPLIT;
	if (!err) {
		*run = sl[0].run;
		sl[0].open = false;	/* the caller's now, as is the analysis */
		*acc = sl[0].acc;
		sl[0].acc = NULL;
	}
	close_slices(sl, n);
	return err;
}

struct attrib_args {
	bool by_thread;
	uint32_t longest;
};

static void *make_attrib(const void *arg, bool mid_trace)
{
	const struct attrib_args *a = arg;

	return kx_attrib_new(a->by_thread, a->longest);
}

static int join_attrib(void *acc, const void *later, const uint32_t *reason_map, uint32_t nr)
{
	return kx_attrib_absorb(acc, later, reason_map, nr);
}

static void free_attrib(void *acc)
{
	kx_attrib_free(acc);
}

int kx_slices_report(const char *path, const struct kx_source_opts *sopts,
		     const struct kx_filter *filter, bool by_thread, uint32_t longest,
		     struct kx_report **out, struct kx_slices_stats *stats)
{
	const struct attrib_args args = { by_thread, longest };
	const struct kx_slices_analysis an = {
		.make = make_attrib,
		.sink = kx_attrib_interval,
		.on_helper = kx_attrib_event,
		.join = join_attrib,
		.free = free_attrib,
		.arg = &args,
		.slice_bytes = (uint64_t)longest * sizeof(struct kx_attrib_exit),
		.thread_bytes = by_thread ? KX_SLICES_THREAD_BYTES : 0,
		.any_thread_order = true,
	};
	struct kx_run run;
	void *attrib;
	int err = kx_slices_run(path, sopts, filter, &an, &run, &attrib, stats);

	if (err)
		return err;
	err = kx_report_build(&run, attrib, out);	/* the report owns attrib, also on failure */
	kx_run_close(&run);
	return err;
}

static void *make_cycles(const void *arg, bool mid_trace)
{
	struct kx_cycles *c = kx_cycles_new(arg);

	if (c && mid_trace)
		kx_cycles_mid_trace(c);
	return c;
}

static uint64_t mark_cycles(void *acc)
{
	return kx_cycles_mark(acc);
}

static void replay_cycles_at(void *acc, uint64_t mark)
{
	kx_cycles_replay_at(acc, mark);
}

static int join_cycles(void *acc, const void *later, const uint32_t *reason_map, uint32_t nr)
{
	return kx_cycles_join(acc, later, reason_map, nr);
}

static void free_cycles(void *acc)
{
	kx_cycles_free(acc);
}

int kx_slices_cycles(const char *path, const struct kx_source_opts *sopts,
		     const struct kx_filter *filter, const struct kx_cycles_opts *copts,
		     struct kx_run *run, struct kx_cycles **out, struct kx_slices_stats *stats)
{
	const struct kx_slices_analysis an = {
		.make = make_cycles,
		.sink = kx_cycles_sink,
		.mark = mark_cycles,
		.replay_at = replay_cycles_at,
		.join = join_cycles,
		.free = free_cycles,
		.arg = copts,
		/* every slice keeps its own worst cycles */
		.slice_bytes = (uint64_t)copts->worst * sizeof(struct kx_cycle),
		.thread_bytes = KX_SLICES_THREAD_BYTES,
	};

	void *cycles;
	int err;

	/* --list prints cycles as they complete: in one pass */
	if (copts->on_cycle)
		return KX_SLICES_NOT_SPLIT;
	err = kx_slices_run(path, sopts, filter, &an, run, &cycles, stats);
	if (!err)
		*out = cycles;
	return err;
}
