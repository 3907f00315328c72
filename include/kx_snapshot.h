/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_snapshot.h - what compare and check need of one run, independent of
 * where it came from: a report built from a trace, or a saved
 * `report --json` document. Rows (exit reasons, sub-keys by normalised and
 * by raw name, guest runs, timer-cycle summaries) carry their figures as
 * doubles (NaN = not given by the source) and their histogram as sparse
 * (bucket_low, count) bins, the bucket bounds of kx_hist.
 */
#ifndef KX_SNAPSHOT_H
#define KX_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kx.h"
#include "kx_names.h"
#include "kx_report.h"

enum kx_snap_kind {
	KX_SNAP_EXIT,		/* an exit reason */
	KX_SNAP_KEY,		/* a sub-key by normalised name (raw name if none), over reasons */
	KX_SNAP_RAWKEY,		/* a raw sub-key name that has a different normalised name */
	KX_SNAP_GUEST,		/* guest runs (entry to exit) */
	KX_SNAP_CYCLE_GUEST,	/* guest time per timer-programming cycle */
	KX_SNAP_CYCLE_HOST,	/* host time per cycle */
	KX_SNAP_CYCLE_RATIO,	/* host/guest per cycle; figures are plain ratios */
};

/* Figures of a row, indexable by name (kx_snap_fig_name()). */
enum kx_snap_fig {
	KX_FIG_COUNT,
	KX_FIG_TOTAL,
	KX_FIG_MIN,
	KX_FIG_MAX,
	KX_FIG_MEAN,
	KX_FIG_P50,
	KX_FIG_P90,
	KX_FIG_P99,
	KX_FIG_P999,
	KX_FIG_COUNT_PCT,
	KX_FIG_TIME_PCT,
	KX_FIG_NR,
};

struct kx_snap_bin {
	uint64_t low;		/* kx_hist_bucket_low() of the bucket */
	uint64_t count;
};

/*
 * struct kx_snap_row - one row.
 * @fig:   figures in the run's unit (ratios for KX_SNAP_CYCLE_RATIO); NaN when unknown
 * @bins:  histogram, ascending @low; @has_hist is false when the source had none
 */
struct kx_snap_row {
	char name[KX_KEY_NAME_MAX];
	enum kx_snap_kind kind;
	bool idle;
	bool has_hist;
	double fig[KX_FIG_NR];
	struct kx_snap_bin *bins;
	size_t nbins;
};

/*
 * struct kx_snapshot - one run. Globals are NaN when the source did not
 * give them (e.g. cycle figures of a saved report).
 * @duration: span of the trace in @unit (0 if unknown)
 */
struct kx_snapshot {
	char *path;
	enum kx_unit unit;
	uint64_t duration;
	bool has_exits;
	bool has_cycles;
	struct kx_snap_row *rows;
	size_t nrows;
	size_t cap_rows;
	/* the rows' names, and by name id the row kx_snapshot_find() gives */
	struct kx_names *names;
	size_t *row_of;
	size_t cap_row_of;
	double host_guest_ratio;
	double guest_total;
	double host_total;
	double idle_total;
	double exits;
	double lost_events;
	double discarded;
	double orphan_entries;
	double unmatched_exits;
	double cycles;
	double cycles_guest_total;
	double cycles_host_total;
};

/** kx_snap_fig_name() - "count", "total", ..., "p99_9", "time_pct". */
const char *kx_snap_fig_name(enum kx_snap_fig f);

/** kx_snap_fig_parse() - the figure called @name. Return: it, or -1. */
int kx_snap_fig_parse(const char *name);

/** kx_snap_kind_name() - "exit", "key", "rawkey", "guest", "cycles". */
const char *kx_snap_kind_name(enum kx_snap_kind k);

/** kx_snapshot_new() - an empty snapshot of @path. Return: NULL on ENOMEM. */
struct kx_snapshot *kx_snapshot_new(const char *path);

/** kx_snapshot_free() - free @s and its rows (NULL-safe). */
void kx_snapshot_free(struct kx_snapshot *s);

/**
 * kx_snapshot_add_row() - append a row named @name of @kind with every
 * figure NaN and no histogram. Return: the row (valid until the next add),
 * or NULL on ENOMEM.
 */
struct kx_snap_row *kx_snapshot_add_row(struct kx_snapshot *s, enum kx_snap_kind kind,
					const char *name);

/**
 * kx_snap_row_set_hist() - copy the non-empty buckets of @h into @row and
 * set its figures from @h (percentages left as they are).
 * @scale divides the figures (1, or KX_SNAP_RATIO_ONE for ratios).
 * Return: 0 or -ENOMEM.
 */
int kx_snap_row_set_hist(struct kx_snap_row *row, const struct kx_hist *h, double scale);

/**
 * kx_snapshot_from_report() - the rows and globals of group 0 (all vCPU
 * threads) of @r. Raw sub-key rows are added for raw names whose
 * normalised name differs (merged over reasons).
 * Return: 0 and *@out (kx_snapshot_free()), or -ENOMEM.
 */
int kx_snapshot_from_report(const struct kx_report *r, struct kx_snapshot **out);

struct kx_cycles_stats;

/**
 * kx_snapshot_add_cycles() - the timer-cycle rows (cycles.guest, cycles.host,
 * cycles.ratio; only when there are complete cycles) and globals of @total.
 * Return: 0 or -ENOMEM.
 */
int kx_snapshot_add_cycles(struct kx_snapshot *s, const struct kx_cycles_stats *total);

/**
 * kx_snapshot_from_json() - parse a saved `kvmexit-stat report --json`
 * document (@text, @len bytes; a top-level "cycles" object as written by
 * `kvmexit-stat cycles --json` is read too).
 * Return: 0 and *@out, -KX_ECORRUPT / -KX_EFORMAT with @diag, or -ENOMEM.
 */
int kx_snapshot_from_json(const char *path, const char *text, size_t len,
			  struct kx_snapshot **out, struct kx_diag *diag);

/**
 * kx_snapshot_find() - the row called @name: an exit reason, a normalised or
 * raw sub-key, "guest", "cycles.guest", "cycles.host" or "cycles.ratio".
 * Exact names first, then case-insensitive. Return: the row or NULL.
 */
const struct kx_snap_row *kx_snapshot_find(const struct kx_snapshot *s, const char *name);

/** kx_snap_row_rate() - @row's count per second of trace, NaN if unknown (cycle units). */
double kx_snap_row_rate(const struct kx_snapshot *s, const struct kx_snap_row *row);

#endif /* KX_SNAPSHOT_H */
