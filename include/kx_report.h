/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_report.h - the exit-time report as data, built once from the
 * accumulated statistics, the source metadata and the pairing counters,
 * then handed to a renderer (text, JSON, CSV). Rows are sorted: non-idle
 * reasons by total time, then idle reasons; ties by name.
 */
#ifndef KX_REPORT_H
#define KX_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kx.h"
#include "kx_attrib.h"
#include "kx_hist.h"
#include "kx_pair.h"
#include "kx_run.h"
#include "kx_source.h"

#define KX_REPORT_SCHEMA 1
#define KX_KEY_NAME_MAX 96

/* Figures of one row; all durations in the report unit. */
struct kx_stat {
	uint64_t count;
	uint64_t total;
	uint64_t min;
	uint64_t max;
	uint64_t p50;
	uint64_t p90;
	uint64_t p99;
	uint64_t p999;
	uint64_t user;		/* part after kvm_userspace_exit */
	struct kx_guest_modes modes;	/* exits from the guest kernel, of those known */
	double mean;
	double count_pct;	/* of all exits in the group */
	double time_pct;	/* of non-idle host time; NaN for idle rows */
};

struct kx_report_sub {
	char key[KX_KEY_NAME_MAX];		/* raw sub-key name */
	char normalized[KX_KEY_NAME_MAX];	/* "" when none applies */
	struct kx_stat st;
	const struct kx_hist *hist;		/* borrowed from the accumulators */
};

struct kx_report_row {
	char reason[KX_KEY_NAME_MAX];
	uint32_t code;
	uint8_t isa;
	bool idle;
	uint64_t failed_vmentry;
	struct kx_stat st;
	const struct kx_hist *hist;
	struct kx_report_sub *subs;		/* sorted by total, descending */
	size_t nsubs;
};

/* A flat sub-key row (--keys): one per normalised (or raw) key, over reasons. */
struct kx_report_key {
	char key[KX_KEY_NAME_MAX];		/* normalised name, else raw */
	bool normalized;
	struct kx_stat st;
	struct kx_hist hist;			/* owned: merged over reasons */
	char *reasons;				/* owned: reasons it arrived as, comma-separated */
};

struct kx_report_group {
	char label[128];			/* "all vCPUs" or "CPU 0/KVM tid 60250 vcpu 0" */
	char comm[64];				/* "" if unknown */
	int32_t tid;				/* -1 for all threads */
	int32_t pid;
	int32_t vcpu;
	struct kx_report_row *rows;
	size_t nrows;
	struct kx_report_key *keys;		/* sorted by total */
	size_t nkeys;
	uint64_t exits;
	uint64_t guest_count;
	uint64_t guest_total;
	const struct kx_hist *guest_hist;
	uint64_t host_total;			/* non-idle exit time */
	uint64_t idle_total;
	uint64_t user_total;
	double ratio;				/* host_total / guest_total, NaN if no guest time */
};

struct kx_report_helper {
	char key[KX_KEY_NAME_MAX];
	char normalized[KX_KEY_NAME_MAX];
	uint64_t count;
};

/* One of the longest non-idle exits (--longest), in rank order. */
struct kx_report_exit {
	uint64_t start;				/* kvm_exit's time, report unit */
	uint64_t duration;
	char reason[KX_KEY_NAME_MAX];
	char key[KX_KEY_NAME_MAX];		/* raw sub-key name, "" for none */
	char normalized[KX_KEY_NAME_MAX];	/* "" when none applies */
	char comm[64];				/* "" if unknown */
	int32_t tid;
	int32_t pid;
	int32_t vcpu;
	uint32_t code;
	const char *buffer;			/* its name ("" for the top one), in @buffers */
	const char *guest_mode;			/* "kernel", "user", "" without a guest_rip */
};

struct kx_report {
	/* input */
	char *path;
	char *format_name;
	char *clock;
	enum kx_unit unit;
	uint64_t resolution;
	uint64_t tsc_khz;
	unsigned nr_cpus;
	char **buffers;
	unsigned nr_buffers;
	char *note;
	uint64_t records;
	uint64_t first_ts;			/* within the --time window */
	uint64_t last_ts;
	uint64_t trace_first_ts;		/* of every event read, whatever the filters */
	uint64_t trace_last_ts;
	bool window_from;			/* --time START given: window_start holds it */
	bool window_to;
	uint64_t window_start;			/* unit */
	uint64_t window_end;
	/* kvm events present, by name */
	struct kx_event_count *events;
	size_t nevents;
	/* kvm events whose format is damaged or does not parse: left out */
	char **unreadable;
	size_t nunreadable;
	/* kvm_exit/kvm_entry were read, and an exit or guest run passed the filters */
	bool has_exits;
	bool filtered;				/* --vcpu, --pid or --time was given */
	/* results */
	struct kx_report_group *groups;		/* [0] = all threads */
	size_t ngroups;
	struct kx_report_helper *helpers;	/* helper events by sub-key (no exit timing) */
	size_t nhelpers;
	uint64_t helpers_without_vcpu;		/* left out of helpers by --vcpu: no vcpu_id known */
	struct kx_report_exit *longest;		/* longest first */
	size_t nlongest;
	uint32_t longest_asked;			/* --longest N; 0: the list is not shown */
	/* data quality */
	struct kx_pair_counts counts;
	uint64_t lost_events;
	uint64_t lost_markers;
	uint64_t lost_unknown;
	/* owned accumulators the hist pointers borrow from */
	struct kx_attrib *attrib;
};

/**
 * kx_report_build() - build the report of a finished run from @attrib
 * (ownership moves to the report, also on failure).
 * Return: 0 and *@out (free with kx_report_free()), or -ENOMEM.
 */
int kx_report_build(const struct kx_run *run, struct kx_attrib *attrib, struct kx_report **out);

void kx_report_free(struct kx_report *r);

/* Room for kx_report_nothing_timed()'s longest answer. */
#define KX_REPORT_WHY_MAX	160

/**
 * kx_report_nothing_timed() - why a report of a trace that has kvm_exit and
 * kvm_entry events has no timed exit all the same: the filters kept none
 * (with --time, where the trace's events lie), or none was complete.
 * Return: @buf (@len: KX_REPORT_WHY_MAX), or NULL when the report has
 * timed exits or the trace lacks those events.
 */
const char *kx_report_nothing_timed(const struct kx_report *r, char *buf, size_t len);

/**
 * kx_report_unreadable_timed() - why a report has no kvm_exit or no
 * kvm_entry events when that is because their format is unreadable:
 * "the format of kvm_exit is damaged or does not parse", or NULL.
 */
const char *kx_report_unreadable_timed(const struct kx_report *r);

/**
 * kx_report_fixed() - @v (report unit) for text: on a ns clock in units of
 * 10^@decimals ns with @decimals places (3: microseconds; 9: seconds, as
 * trace-cmd report -t prints trace times and --time takes them), on a
 * cycle clock as plain cycles. Return: @buf.
 */
char *kx_report_fixed(char *buf, size_t len, uint64_t v, enum kx_unit unit, unsigned decimals);

/* kx_report_trace_time() - a trace time @ts as trace-cmd report -t prints it. */
static inline char *kx_report_trace_time(char *buf, size_t len, uint64_t ts, enum kx_unit unit)
{
	return kx_report_fixed(buf, len, ts, unit, 9);
}

/** kx_stat_from_hist() - fill the figures of @st from @h (percentages left 0). */
void kx_stat_from_hist(struct kx_stat *st, const struct kx_hist *h);

#endif /* KX_REPORT_H */
