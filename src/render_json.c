// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * render_json.c - the report as JSON (schema KX_REPORT_SCHEMA, documented
 * in kvmexit-stat(1)): integers in the report unit, shares as numbers,
 * null where a figure does not exist.
 */
#include <inttypes.h>
#include <math.h>

#include "kx_json.h"
#include "kx_render.h"

static void stat_fields(struct kx_json *j, const struct kx_stat *st)
{
	kx_json_u64(j, "count", st->count);
	kx_json_double(j, "count_pct", st->count_pct, 3);
	kx_json_u64(j, "total", st->total);
	kx_json_double(j, "time_pct", st->time_pct, 3);
	kx_json_u64(j, "min", st->min);
	kx_json_u64(j, "max", st->max);
	kx_json_double(j, "mean", st->mean, 3);
	kx_json_u64(j, "p50", st->p50);
	kx_json_u64(j, "p90", st->p90);
	kx_json_u64(j, "p99", st->p99);
	kx_json_u64(j, "p99_9", st->p999);
	kx_json_u64(j, "userspace_total", st->user);
	kx_json_u64(j, "guest_kernel", kx_guest_kernel(&st->modes));
	kx_json_u64(j, "guest_mode_known", kx_guest_mode_known(&st->modes));
	kx_json_double(j, "guest_kernel_pct", kx_guest_kernel_pct(&st->modes), 3);
}

/* Sparse histogram: [[bucket_low, count], ...] for compare/check baselines. */
static void hist_field(struct kx_json *j, const struct kx_hist *h)
{
	kx_json_arr_begin(j, "hist");
	for (unsigned b = kx_hist_next_bucket(h, 0); b < KX_HIST_BUCKETS;
	     b = kx_hist_next_bucket(h, b + 1)) {
		kx_json_arr_begin(j, NULL);
		kx_json_u64(j, NULL, kx_hist_bucket_low(b));
		kx_json_u64(j, NULL, kx_hist_count_at(h, b));
		kx_json_arr_end(j);
	}
	kx_json_arr_end(j);
}

static void group_body(struct kx_json *j, const struct kx_report_group *g,
		       const struct kx_render_opts *o)
{
	kx_json_arr_begin(j, "exits");
	for (size_t i = 0; i < g->nrows; i++) {
		const struct kx_report_row *row = &g->rows[i];

		kx_json_obj_begin(j, NULL);
		kx_json_str(j, "reason", row->reason);
		kx_json_u64(j, "code", row->code);
		kx_json_str(j, "isa", row->isa == KX_ISA_VMX ? "vmx" : row->isa == KX_ISA_SVM ? "svm" : "unknown");
		kx_json_bool(j, "idle", row->idle);
		stat_fields(j, &row->st);
		kx_json_u64(j, "failed_vmentry", row->failed_vmentry);
		if (o->hist)
			hist_field(j, row->hist);
		kx_json_arr_begin(j, "subkeys");
		for (size_t s = 0; s < row->nsubs; s++) {
			const struct kx_report_sub *sub = &row->subs[s];

			kx_json_obj_begin(j, NULL);
			kx_json_str(j, "key", sub->key);
			kx_json_str_or_null(j, "normalized", sub->normalized);
			stat_fields(j, &sub->st);
			if (o->hist)
				hist_field(j, sub->hist);
			kx_json_obj_end(j);
		}
		kx_json_arr_end(j);
		kx_json_obj_end(j);
	}
	kx_json_arr_end(j);
	kx_json_arr_begin(j, "keys");
	for (size_t k = 0; k < g->nkeys; k++) {
		kx_json_obj_begin(j, NULL);
		kx_json_str(j, "key", g->keys[k].key);
		kx_json_bool(j, "normalized", g->keys[k].normalized);
		kx_json_str(j, "reasons", g->keys[k].reasons);
		stat_fields(j, &g->keys[k].st);
		if (o->hist)
			hist_field(j, &g->keys[k].hist);
		kx_json_obj_end(j);
	}
	kx_json_arr_end(j);
	kx_json_obj_begin(j, "guest");
	kx_json_u64(j, "count", g->guest_count);
	kx_json_u64(j, "total", g->guest_total);
	kx_json_u64(j, "p50", kx_hist_percentile(g->guest_hist, 50));
	kx_json_u64(j, "p99", kx_hist_percentile(g->guest_hist, 99));
	if (o->hist)
		hist_field(j, g->guest_hist);
	kx_json_obj_end(j);
	kx_json_obj_begin(j, "host");
	kx_json_u64(j, "exits", g->exits);
	kx_json_u64(j, "total", g->host_total);
	kx_json_u64(j, "idle_total", g->idle_total);
	kx_json_u64(j, "userspace_total", g->user_total);
	kx_json_obj_end(j);
	kx_json_double(j, "host_guest_ratio", g->ratio, 6);
}

static void longest_array(struct kx_json *j, const struct kx_report *r)
{
	kx_json_arr_begin(j, "longest");
	for (size_t i = 0; i < r->nlongest; i++) {
		const struct kx_report_exit *x = &r->longest[i];

		kx_json_obj_begin(j, NULL);
		kx_json_u64(j, "start", x->start);
		kx_json_u64(j, "duration", x->duration);
		kx_json_i64(j, "tid", x->tid);
		kx_json_i64(j, "pid", x->pid);
		kx_json_i64(j, "vcpu", x->vcpu);
		kx_json_str_or_null(j, "comm", x->comm);
		kx_json_str(j, "buffer", x->buffer);
		kx_json_str(j, "reason", x->reason);
		kx_json_u64(j, "code", x->code);
		kx_json_str_or_null(j, "subkey", x->key);
		kx_json_str_or_null(j, "normalized", x->normalized);
		kx_json_str_or_null(j, "guest_mode", x->guest_mode);
		kx_json_obj_end(j);
	}
	kx_json_arr_end(j);
}

void kx_render_json(const struct kx_report *r, const struct kx_render_opts *o, FILE *out)
{
	const struct kx_pair_counts *c = &r->counts;
	struct kx_json j;

	kx_json_init(&j, out, true);
	kx_json_obj_begin(&j, NULL);
	kx_json_u64(&j, "schema", KX_REPORT_SCHEMA);
	kx_json_str(&j, "tool", "kvmexit-stat");
	kx_json_str(&j, "version", KX_VERSION);
	kx_json_obj_begin(&j, "input");
	kx_json_str(&j, "file", r->path);
	kx_json_str(&j, "format", r->format_name);
	kx_json_str(&j, "clock", r->clock);
	kx_json_u64(&j, "cpus", r->nr_cpus);
	kx_json_u64(&j, "resolution", r->resolution);
	kx_json_u64(&j, "tsc_khz", r->tsc_khz);
	kx_json_u64(&j, "records", r->records);
	kx_json_arr_begin(&j, "buffers");
	for (unsigned i = 0; i < r->nr_buffers; i++)
		kx_json_str(&j, NULL, r->buffers[i]);
	kx_json_arr_end(&j);
	kx_json_obj_begin(&j, "events");
	for (size_t i = 0; i < r->nevents; i++)
		kx_json_u64(&j, r->events[i].name, r->events[i].count);
	kx_json_obj_end(&j);
	kx_json_arr_begin(&j, "unreadable_formats");
	for (size_t i = 0; i < r->nunreadable; i++)
		kx_json_str(&j, NULL, r->unreadable[i]);
	kx_json_arr_end(&j);
	if (r->note)
		kx_json_str(&j, "note", r->note);
	kx_json_obj_end(&j);
	kx_json_str(&j, "unit", kx_unit_name(r->unit));
	kx_json_obj_begin(&j, "span");
	kx_json_u64(&j, "first", r->first_ts);
	kx_json_u64(&j, "last", r->last_ts);
	kx_json_u64(&j, "duration", r->last_ts - r->first_ts);
	kx_json_obj_end(&j);
	if (r->window_from || r->window_to) {
		kx_json_obj_begin(&j, "window");
		if (r->window_from)
			kx_json_u64(&j, "start", r->window_start);
		else
			kx_json_null(&j, "start");
		if (r->window_to)
			kx_json_u64(&j, "end", r->window_end);
		else
			kx_json_null(&j, "end");
		kx_json_obj_end(&j);
	}
	kx_json_bool(&j, "has_exits", r->has_exits);
	group_body(&j, &r->groups[0], o);
	kx_json_u64(&j, "lost_events", r->lost_events);
	kx_json_u64(&j, "lost_markers", r->lost_markers);
	kx_json_u64(&j, "lost_unknown", r->lost_unknown);
	kx_json_u64(&j, "discarded", c->discarded);
	kx_json_u64(&j, "orphan_entries", c->orphan_entries);
	kx_json_u64(&j, "unmatched_exits", c->unmatched_exits);
	kx_json_u64(&j, "unfinished_exits", c->unfinished_exits);
	kx_json_u64(&j, "negative_intervals", c->negative);
	kx_json_u64(&j, "failed_vmentry", c->failed_vmentry);
	kx_json_u64(&j, "threads", c->threads);
	kx_json_arr_begin(&j, "helper_keys");
	for (size_t i = 0; i < r->nhelpers; i++) {
		kx_json_obj_begin(&j, NULL);
		kx_json_str(&j, "key", r->helpers[i].key);
		kx_json_str_or_null(&j, "normalized", r->helpers[i].normalized);
		kx_json_u64(&j, "count", r->helpers[i].count);
		kx_json_obj_end(&j);
	}
	kx_json_arr_end(&j);
	kx_json_u64(&j, "helpers_without_vcpu", r->helpers_without_vcpu);
	if (r->longest_asked)
		longest_array(&j, r);
	if (r->ngroups > 1) {
		kx_json_arr_begin(&j, "vcpus");
		for (size_t i = 1; i < r->ngroups; i++) {
			const struct kx_report_group *g = &r->groups[i];

			kx_json_obj_begin(&j, NULL);
			kx_json_i64(&j, "tid", g->tid);
			kx_json_i64(&j, "pid", g->pid);
			kx_json_i64(&j, "vcpu", g->vcpu);
			kx_json_str_or_null(&j, "comm", g->comm);
			group_body(&j, g, o);
			kx_json_obj_end(&j);
		}
		kx_json_arr_end(&j);
	}
	kx_json_obj_end(&j);
	kx_json_finish(&j);
}
