// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * render_text.c - the report as a text table: reasons sorted by total
 * time with their top sub-keys as a tree (or a flat list by sub-key),
 * then a summary, the rows' distributions and the longest exits when
 * asked, and a data-quality line in every case.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kx_render.h"

char *kx_format_duration(char *buf, size_t len, uint64_t v, enum kx_unit unit)
{
	return kx_report_fixed(buf, len, v, unit, 3);
}

static void pct(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.2f%%", v);
}

static void header(FILE *out, enum kx_unit unit, bool keys)
{
	const char *u = unit == KX_UNIT_NS ? "us" : "cyc";

	fprintf(out, "%-34s %10s %8s %14s %8s %11s %11s %11s %11s %11s %8s\n",
		keys ? "Sub-key / via reasons" : "Reason / sub-key", "Count", "Count%", "Total", "Time%",
		"Min", "p50", "p99", "Max", "Mean", "GKern%");
	fprintf(out, "%-34s %10s %8s %14s %8s %11s %11s %11s %11s %11s\n",
		"", "", "", u, "", u, u, u, u, u);
}

static void stat_line(FILE *out, const char *name, const struct kx_stat *st, enum kx_unit unit)
{
	char tot[32], mn[32], p50[32], p99[32], mx[32], mean[32], cp[16], tp[16], gk[16];

	kx_format_duration(tot, sizeof(tot), st->total, unit);
	kx_format_duration(mn, sizeof(mn), st->min, unit);
	kx_format_duration(p50, sizeof(p50), st->p50, unit);
	kx_format_duration(p99, sizeof(p99), st->p99, unit);
	kx_format_duration(mx, sizeof(mx), st->max, unit);
	kx_format_duration(mean, sizeof(mean), (uint64_t)llround(st->mean), unit);
	pct(cp, sizeof(cp), st->count_pct);
	pct(tp, sizeof(tp), st->time_pct);
	pct(gk, sizeof(gk), kx_guest_kernel_pct(&st->modes));
	fprintf(out, "%-34s %10" PRIu64 " %8s %14s %8s %11s %11s %11s %11s %11s %8s\n",
		name, st->count, cp, tot, tp, mn, p50, p99, mx, mean, gk);
}

/*
 * The name a sub-key line goes by: its normalised name, with the raw name
 * after it when another sub-key of the row has the same normalised name
 * (EOI_INDUCED's vectors are all "APIC EOI write").
 */
static void sub_label(char *buf, size_t len, const struct kx_report_row *row,
		      const struct kx_report_sub *sub)
{
	if (!sub->normalized[0]) {
		snprintf(buf, len, "  %s", sub->key);
		return;
	}
	for (size_t s = 0; s < row->nsubs; s++) {
		if (&row->subs[s] != sub && strcmp(row->subs[s].normalized, sub->normalized) == 0) {
			snprintf(buf, len, "  %s (%s)", sub->normalized, sub->key);
			return;
		}
	}
	snprintf(buf, len, "  %s", sub->normalized);
}

static void rows_tree(FILE *out, const struct kx_report_group *g, const struct kx_render_opts *o,
		      enum kx_unit unit)
{
	char name[2 * KX_KEY_NAME_MAX + 8];	/* "  normalised (raw)" */

	for (size_t i = 0; i < g->nrows; i++) {
		const struct kx_report_row *row = &g->rows[i];
		size_t shown = row->nsubs < o->top_subkeys ? row->nsubs : o->top_subkeys;

		snprintf(name, sizeof(name), "%s%s", row->reason, row->idle ? " (idle)" : "");
		stat_line(out, name, &row->st, unit);
		for (size_t s = 0; s < shown; s++) {
			sub_label(name, sizeof(name), row, &row->subs[s]);
			stat_line(out, name, &row->subs[s].st, unit);
		}
		if (row->nsubs > shown)
			fprintf(out, "  (+%zu more sub-keys; --keys lists them all)\n",
				row->nsubs - shown);
	}
}

static void rows_keys(FILE *out, const struct kx_report_group *g, enum kx_unit unit)
{
	for (size_t k = 0; k < g->nkeys; k++) {
		stat_line(out, g->keys[k].key, &g->keys[k].st, unit);
		fprintf(out, "  via %s\n", g->keys[k].reasons);
	}
	if (!g->nkeys)
		fprintf(out, "(no exit carried a sub-key)\n");
}

/* A power of two as bpftrace's hist() writes it: 1K = 1024, 1M = 1024K. */
static void pow2_label(char *buf, size_t len, unsigned e)
{
	static const char suffix[] = " KMGTPE";

	if (e < 10)
		snprintf(buf, len, "%u", 1u << e);
	else
		snprintf(buf, len, "%u%c", 1u << (e % 10), suffix[e / 10]);
}

/*
 * --hist: @h's samples per power-of-two range, exact because the
 * histogram's buckets never straddle a power of two; a bar of up to 40
 * '@', at least one for a range that holds any.
 */
static void distribution(FILE *out, const char *name, const char *what, const struct kx_hist *h)
{
	static const char bar[] = "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@";
	uint64_t n[65] = { 0 }, most = 0;
	unsigned first = 64, last = 0;

	for (unsigned b = kx_hist_next_bucket(h, 0); b < KX_HIST_BUCKETS;
	     b = kx_hist_next_bucket(h, b + 1)) {
		uint64_t low = kx_hist_bucket_low(b);
		/* range p holds [2^(p-1), 2^p); 0 and 1 have one each */
		unsigned p = low ? 64 - (unsigned)__builtin_clzll(low) : 0;

		n[p] += kx_hist_count_at(h, b);
	}
	for (unsigned p = 0; p <= 64; p++) {
		if (!n[p])
			continue;
		first = p < first ? p : first;
		last = p;
		most = n[p] > most ? n[p] : most;
	}
	fprintf(out, "\n%s, %" PRIu64 " %s\n", name, h->count, what);
	for (unsigned p = first; most && p <= last; p++) {
		int width = n[p] ? (int)ceil(40.0 * (double)n[p] / (double)most) : 0;
		char lo[16], hi[16], range[40];

		if (p < 2) {
			snprintf(range, sizeof(range), "[%u]", p);
		} else {
			pow2_label(lo, sizeof(lo), p - 1);
			pow2_label(hi, sizeof(hi), p);
			snprintf(range, sizeof(range), "[%s, %s)", lo, hi);
		}
		fprintf(out, "  %-14s %10" PRIu64 " |%-40.*s|\n", range, n[p], width, bar);
	}
}

static void distributions(FILE *out, const struct kx_report_group *g, const struct kx_render_opts *o,
			  enum kx_unit unit)
{
	char name[KX_KEY_NAME_MAX + 8];

	fprintf(out, "\ndistributions (%s, bpftrace's ranges: [1K, 2K) is 1024 to 2047):\n",
		unit == KX_UNIT_NS ? "ns" : "cycles");
	if (o->keys) {
		for (size_t k = 0; k < g->nkeys; k++)
			distribution(out, g->keys[k].key, "exits", &g->keys[k].hist);
	} else {
		for (size_t i = 0; i < g->nrows; i++) {
			snprintf(name, sizeof(name), "%s%s", g->rows[i].reason,
				 g->rows[i].idle ? " (idle)" : "");
			distribution(out, name, "exits", g->rows[i].hist);
		}
	}
	distribution(out, "guest runs", "runs", g->guest_hist);
}

static void summary(FILE *out, const struct kx_report_group *g, enum kx_unit unit)
{
	char guest[32], host[32], idle[32], user[32];

	kx_format_duration(guest, sizeof(guest), g->guest_total, unit);
	kx_format_duration(host, sizeof(host), g->host_total, unit);
	kx_format_duration(idle, sizeof(idle), g->idle_total, unit);
	kx_format_duration(user, sizeof(user), g->user_total, unit);
	fprintf(out, "\nguest time %s %s in %" PRIu64 " runs; host time %s %s in %" PRIu64
		" exits (non-idle; of it in userspace %s); idle %s\n",
		guest, unit == KX_UNIT_NS ? "us" : "cycles", g->guest_count, host,
		unit == KX_UNIT_NS ? "us" : "cycles", g->exits, user, idle);
	if (isnan(g->ratio))
		fprintf(out, "host/guest ratio: - (no complete guest run)\n");
	else if (g->ratio > 0 && g->ratio < 0.01)	/* three decimals would read 0.000 */
		fprintf(out, "host/guest ratio: %.2g\n", g->ratio);
	else
		fprintf(out, "host/guest ratio: %.3f\n", g->ratio);
}

static void no_exits(FILE *out, const struct kx_report *r)
{
	char buf[KX_REPORT_WHY_MAX];
	const char *why = kx_report_nothing_timed(r, buf, sizeof(buf));
	const char *unreadable = kx_report_unreadable_timed(r);

	if (why)
		fprintf(out, "%s: %s: nothing to time.\n", r->path, why);
	else
		fprintf(out, "%s holds %s: no exit timing is possible%s%s%s.\n", r->path,
			r->counts.entries ? "no readable kvm_exit events" :
			r->counts.exits ? "no readable kvm_entry events" :
			"no kvm_exit/kvm_entry events", unreadable ? " (" : "",
			unreadable ? unreadable : "", unreadable ? ")" : "");
	if (!r->nevents) {
		fprintf(out, "It holds no kvm events at all.\n");
		return;
	}
	fprintf(out, "kvm events it holds:");
	for (size_t i = 0; i < r->nevents; i++)
		fprintf(out, "%s %s %" PRIu64, i ? "," : "", r->events[i].name, r->events[i].count);
	fprintf(out, "\n");
	if (!r->nhelpers)
		return;
	fprintf(out, "\n%-40s %10s\n", "Helper-event sub-key (untimed)", "Count");
	for (size_t i = 0; i < r->nhelpers; i++) {
		char name[2 * KX_KEY_NAME_MAX + 4];

		if (r->helpers[i].normalized[0])
			snprintf(name, sizeof(name), "%s (%s)", r->helpers[i].normalized, r->helpers[i].key);
		else
			snprintf(name, sizeof(name), "%s", r->helpers[i].key);
		fprintf(out, "%-40s %10" PRIu64 "\n", name, r->helpers[i].count);
	}
}

static void input_lines(FILE *out, const struct kx_report *r)
{
	char span[32];

	fprintf(out, "input: %s (%s), clock %s, %u CPU%s", r->path, r->format_name,
		r->clock[0] ? r->clock : "?", r->nr_cpus, r->nr_cpus == 1 ? "" : "s");
	if (r->nr_buffers > 1 || (r->nr_buffers == 1 && r->buffers[0][0])) {
		fprintf(out, ", buffers");
		for (unsigned i = 0; i < r->nr_buffers; i++)
			fprintf(out, " %s", r->buffers[i][0] ? r->buffers[i] : "(top)");
		fprintf(out, " (merged; pairing never crosses buffers)");
	}
	fprintf(out, "\n");
	if (r->unit == KX_UNIT_CYCLES)
		fprintf(out, "unit: TSC cycles (the trace clock is not in ns; --tsc-khz N converts)\n");
	else if (r->tsc_khz)
		fprintf(out, "unit: ns, converted from cycles at %" PRIu64 " kHz; shown in us\n",
			r->tsc_khz);
	else
		fprintf(out, "unit: ns, shown in us; input resolution %" PRIu64 " ns\n", r->resolution);
	kx_format_duration(span, sizeof(span), r->last_ts - r->first_ts, r->unit);
	fprintf(out, "span: %s %s, %" PRIu64 " vCPU thread%s\n", span,
		r->unit == KX_UNIT_NS ? "us" : "cycles", r->counts.threads,
		r->counts.threads == 1 ? "" : "s");
	if (r->window_from || r->window_to) {
		char from[32] = "the start", to[32] = "the end";

		if (r->window_from)
			kx_report_trace_time(from, sizeof(from), r->window_start, r->unit);
		if (r->window_to)
			kx_report_trace_time(to, sizeof(to), r->window_end, r->unit);
		fprintf(out, "window: %s to %s (--time): intervals wholly inside it, data quality "
			"and threads in it\n", from, to);
	}
	if (r->note)
		fprintf(out, "note: %s\n", r->note);
}

static void quality(FILE *out, const struct kx_report *r)
{
	const struct kx_pair_counts *c = &r->counts;

	fprintf(out, "data quality: lost events %" PRIu64 " (%" PRIu64 " gaps, %" PRIu64
		" of unknown size), discarded intervals %" PRIu64 ", orphan entries %" PRIu64
		", unmatched exits %" PRIu64 ", unfinished exits %" PRIu64
		", negative intervals %" PRIu64 ", failed vmentries %" PRIu64 "\n",
		r->lost_events, r->lost_markers, r->lost_unknown, c->discarded, c->orphan_entries,
		c->unmatched_exits, c->unfinished_exits, c->negative, c->failed_vmentry);
	if (r->nunreadable) {
		fprintf(out, "unreadable event formats:");
		for (size_t i = 0; i < r->nunreadable; i++)
			fprintf(out, "%s %s", i ? "," : "", r->unreadable[i]);
		fprintf(out, " (damaged, or they do not parse: their events are left out)\n");
	}
	if (r->helpers_without_vcpu)
		fprintf(out, "note: --vcpu left out %" PRIu64 " helper events whose threads showed no "
			"vcpu_id (no kvm_exit/kvm_entry before them)\n", r->helpers_without_vcpu);
}

/*
 * --longest: each exit where trace-cmd report -t and perf script --ns show
 * it (seconds with 9 decimals; raw cycles), thread as comm-tid after the
 * instance name like trace-cmd's lines.
 */
static void longest_table(FILE *out, const struct kx_report *r)
{
	bool ns = r->unit == KX_UNIT_NS;

	fprintf(out, "\n== longest non-idle exits ==\n");
	fprintf(out, "%-20s %14s %5s %-6s  %-28s %s\n", ns ? "Exit at (s)" : "Exit at (cycles)",
		ns ? "Host us" : "Host cyc", "vCPU", "Guest", "Thread", "Reason / sub-key");
	for (size_t i = 0; i < r->nlongest; i++) {
		const struct kx_report_exit *x = &r->longest[i];
		char at[32], dur[32], vcpu[16], thread[160];

		kx_report_trace_time(at, sizeof(at), x->start, r->unit);
		kx_format_duration(dur, sizeof(dur), x->duration, r->unit);
		if (x->vcpu == KX_VCPU_UNKNOWN)
			snprintf(vcpu, sizeof(vcpu), "-");
		else
			snprintf(vcpu, sizeof(vcpu), "%d", x->vcpu);
		snprintf(thread, sizeof(thread), "%s%s%s-%d", x->buffer, x->buffer[0] ? ": " : "",
			 x->comm[0] ? x->comm : "?", x->tid);
		fprintf(out, "%-20s %14s %5s %-6s  %-28s %s%s%s\n", at, dur, vcpu,
			x->guest_mode[0] ? x->guest_mode : "-", thread, x->reason,
			x->key[0] ? " / " : "", x->normalized[0] ? x->normalized : x->key);
	}
	if (!r->nlongest)
		fprintf(out, "(no non-idle exit)\n");
}

static void group_table(FILE *out, const struct kx_report *r, const struct kx_report_group *g,
			const struct kx_render_opts *o)
{
	fprintf(out, "\n== %s ==\n", g->label);
	header(out, r->unit, o->keys);
	if (o->keys)
		rows_keys(out, g, r->unit);
	else
		rows_tree(out, g, o, r->unit);
	summary(out, g, r->unit);
	if (o->log2)
		distributions(out, g, o, r->unit);
}

void kx_render_text(const struct kx_report *r, const struct kx_render_opts *o, FILE *out)
{
	input_lines(out, r);
	if (!r->has_exits) {
		fprintf(out, "\n");
		no_exits(out, r);
		quality(out, r);
		return;
	}
	/* with --by vcpu, the per-thread tables come first, the total (group 0) last */
	for (size_t i = 1; i < r->ngroups; i++)
		group_table(out, r, &r->groups[i], o);
	group_table(out, r, &r->groups[0], o);
	if (r->longest_asked)
		longest_table(out, r);
	fprintf(out, "\nidle exits (HLT, MWAIT, SVM hlt/mwait/idle-halt) are listed but kept out "
		"of Time%% and host time\n");
	quality(out, r);
}
