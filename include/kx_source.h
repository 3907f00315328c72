/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_source.h - an opened recording of any supported format, delivering
 * struct kx_event in global timestamp order. The format is detected from the
 * content, never from the file name. This is the only interface the
 * analysis and command layers use to read input.
 */
#ifndef KX_SOURCE_H
#define KX_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kx.h"
#include "kx_event.h"
#include "kx_names.h"

enum kx_format {
	KX_FMT_TRACEDAT = 1,	/* trace-cmd trace.dat v6/v7 */
	KX_FMT_PERF_FILE,	/* perf.data file mode */
	KX_FMT_PERF_PIPE,	/* perf.data pipe mode */
	KX_FMT_TRACECMD_TEXT,	/* trace-cmd report output */
	KX_FMT_FTRACE_TEXT,	/* tracefs trace / trace_pipe */
	KX_FMT_PERF_SCRIPT,	/* perf script output */
};

struct kx_format_memo;

struct kx_source_opts {
	const char *buffer;	/* trace.dat: only this instance ("" = top); NULL = all with kvm events */
	uint64_t tsc_khz;	/* convert cycle clocks to ns at this rate; 0 = keep cycles */
	uint64_t sort_mem_cap;	/* perf.data without FINISHED_ROUND: bytes for sorting; 0 = default */
	unsigned threads;	/* decode threads; 0 = online CPUs */
	/*
	 * Only the events with slice_start <= ts < slice_end (0: no end),
	 * slice_start from kx_source_split() (0: from the start), and where
	 * the reader finds them (struct kx_cut.pos of each, 0 if none).
	 */
	uint64_t slice_start;
	uint64_t slice_end;
	uint64_t slice_start_pos;
	uint64_t slice_end_pos;
	unsigned slices;	/* slices read at once (0 = 1): each takes its share of memory */
	/*
	 * A batch (kx_source_next_batch()) may be a time window: the events
	 * before some time not yet delivered, not in time order but stream by
	 * stream, each stream's in its order (kx_source_window() says which).
	 */
	bool windows;
	/*
	 * Event formats this process parsed already, reading this file
	 * (kx_source_info.formats of an open source of it), or NULL: the
	 * same texts need no guard (kx_guard.h).
	 */
	const struct kx_format_memo *formats;
};

/* Per-event-name count of every event of the "kvm" system seen. */
struct kx_event_count {
	const char *name;	/* e.g. "kvm_exit" (borrowed) */
	uint64_t count;
};

/*
 * struct kx_source_info - what the source is; valid while the source is open.
 * Counters (records, lost_*, event_counts) are final once
 * kx_source_next_batch() returned 0.
 */
struct kx_source_info {
	const char *path;		/* as given */
	enum kx_format format;
	const char *format_name;	/* "trace.dat v7 (zlib)", "perf.data (pipe)", ... */
	const char *clock;		/* trace clock name ("local", "x86-tsc", "tsc2nsec", ...), or "" */
	enum kx_unit unit;		/* unit of every ts delivered */
	uint64_t resolution;		/* smallest ts step the input can express, in unit (1 binary, 1000 for us text) */
	uint64_t tsc_khz;		/* rate applied to convert cycles, 0 if none */
	unsigned nr_cpus;
	unsigned nr_buffers;		/* buffers whose events are delivered */
	const char *const *buffer_names;/* [nr_buffers]; "" = top buffer */
	uint64_t records;		/* every record read, of any event */
	struct kx_lost_counts lost;	/* the lost-event markers (KX_EV_LOST) emitted */
	uint64_t lost_untimed;		/* of lost.events: counted at the end of the run with no
					 * time (perf's LOST_SAMPLES), one marker at the end */
	size_t nr_event_counts;
	const struct kx_event_count *event_counts; /* kvm system events seen, by name */
	size_t nr_unreadable;
	const char *const *unreadable;	/* kvm events whose format is damaged or does not
					 * parse: none of their records is read */
	const struct kx_format_memo *formats;	/* the format texts this source parsed */
	const char *note;		/* reader remark for the report (e.g. sort cap exceeded), or NULL */
};

struct kx_source;

/*
 * Most events in a batch (kx_source_next_batch()): their calls amortized,
 * each vCPU thread's runs long enough to feed a report thread by thread,
 * the buffer (20 KiB) still in L1.
 */
#define KX_SOURCE_BATCH	256
/* most streams in a time window: with more, each brings too few events to pay */
#define KX_WINDOW_STREAMS	(KX_SOURCE_BATCH / 16)

/*
 * struct kx_window - a batch that is a time window: every event before
 * some time not delivered before, stream by stream (trace.dat: a CPU's
 * buffer; perf.data: a CPU's events). Events with the same time and
 * stream keep their order. In time order they would come by time, then
 * by @tie if set (perf.data: file order), else by buffer, then CPU.
 */
struct kx_window {
	uint64_t first_ts, last_ts;	/* its least and greatest times */
	unsigned nr_streams;		/* streams with events in it */
	uint16_t start[KX_WINDOW_STREAMS + 1];	/* where each begins; [nr_streams]: the count */
	bool lost;			/* it may hold a lost-events marker */
	const uint64_t *tie;		/* NULL, or [start[nr_streams]]: rank among equal times */
};

/** kx_window_open() - @w empty; equal times ranked by @tie (NULL: buffer, then CPU). */
static inline void kx_window_open(struct kx_window *w, const uint64_t *tie)
{
	w->first_ts = UINT64_MAX;
	w->last_ts = 0;
	w->nr_streams = 0;
	w->start[0] = 0;
	w->lost = false;
	w->tie = tie;
}

/*
 * kx_window_add() - one more stream's events in @w: [@from, @to), not
 * empty, from time @first to @last; @lost if they may hold a marker.
 */
static inline void kx_window_add(struct kx_window *w, unsigned from, unsigned to, uint64_t first,
				 uint64_t last, bool lost)
{
	w->start[w->nr_streams++] = (uint16_t)from;
	w->start[w->nr_streams] = (uint16_t)to;
	w->first_ts = first < w->first_ts ? first : w->first_ts;
	w->last_ts = last > w->last_ts ? last : w->last_ts;
	w->lost |= lost;
}

/** kx_source_threads() - the threads an analysis may use: --threads, else the online CPUs. */
unsigned kx_source_threads(const struct kx_source_opts *opts);

/**
 * kx_source_open() - open @path ("-" = stdin), detect its format, read its
 * metadata. Return: 0 and *@out, or a negative code with @diag filled.
 */
int kx_source_open(const char *path, const struct kx_source_opts *opts,
		   struct kx_source **out, struct kx_diag *diag);

/**
 * kx_source_next_batch() - the next events in timestamp order, many at a
 * time: the analysis loop then costs no call per event. *@evs stays valid
 * until the next call on @src.
 * Return: their number, 0 at the end, or a negative code with @diag.
 */
int kx_source_next_batch(struct kx_source *src, const struct kx_event **evs,
			 struct kx_diag *diag);

/**
 * kx_source_window() - the layout of the events the last
 * kx_source_next_batch() returned if they are a time window
 * (kx_source_opts.windows), or NULL if they are in time order (borrowed).
 */
const struct kx_window *kx_source_window(const struct kx_source *src);

/** kx_source_info() - metadata and counters (borrowed). */
const struct kx_source_info *kx_source_info(const struct kx_source *src);

/** kx_source_names() - the intern table behind kx_exit_fields.reason (borrowed). */
const struct kx_names *kx_source_names(const struct kx_source *src);

/**
 * kx_source_name_id() - the id of exit reason @name in @src's table, added
 * if new (a name another slice of the input met first). Return: id or -ENOMEM.
 */
int64_t kx_source_name_id(struct kx_source *src, const char *name);

/** kx_source_comm() - command name of thread @tid, or NULL if unknown (borrowed). */
const char *kx_source_comm(const struct kx_source *src, int32_t tid);

/* Where time slices meet: a time, and the reader's own position for it (or 0). */
struct kx_cut {
	uint64_t ts;
	uint64_t pos;
};

/**
 * kx_source_split() - up to @n - 1 increasing times that cut the events of
 * @src into @n time slices of about the same size, for sources opened
 * again with kx_source_opts.slice_start/slice_end and read in parallel.
 * Fewer when the slices would not fit the reader's memory budget, each
 * holding its reader's buffers, @analysis_bytes of its own and
 * @thread_bytes for every vCPU thread the reader sees in what it samples.
 * Return: the number of cuts; 0 if the input cannot be cut (text, pipes)
 * or cutting it does not pay (too small; compressed with @n 2).
 */
unsigned kx_source_split(struct kx_source *src, unsigned n, uint64_t analysis_bytes,
			 uint64_t thread_bytes, struct kx_cut *cuts);

/**
 * kx_source_joins() - did slice @a, read to its end, stop exactly where
 * slice @b (the next one) starts in every stream, with timestamps in order?
 * Only then are the two together the events of both in the order one
 * source over both would deliver them.
 */
bool kx_source_joins(const struct kx_source *a, const struct kx_source *b);

/* kx_source_absorb(): the slices' results do not add up to one pass's */
#define KX_SOURCE_APART	1

/**
 * kx_source_absorb() - add the counters (and the reader's other results,
 * e.g. thread names) of @src, a later slice read to its end, to @dst's,
 * which holds every slice before it.
 * Return: 0, -ENOMEM, or KX_SOURCE_APART (read the input in one pass).
 */
int kx_source_absorb(struct kx_source *dst, const struct kx_source *src);

void kx_source_close(struct kx_source *src);

#endif /* KX_SOURCE_H */
