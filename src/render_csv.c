// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * render_csv.c - the report as one CSV table (RFC 4180): a row per reason
 * and per (reason, sub-key), per group, durations in the report unit; or,
 * with --longest, a row per exit of that list.
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "kx_render.h"

void kx_csv_field(FILE *out, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void pct(FILE *out, double v)
{
	if (!isnan(v))
		fprintf(out, "%.3f", v);
}

static void line(FILE *out, const struct kx_report *r, const struct kx_report_group *g,
		 const char *reason, const char *key, const char *norm, bool idle,
		 const struct kx_stat *st)
{
	kx_csv_field(out, g->tid < 0 ? "all" : g->label);
	fputc(',', out);
	kx_csv_field(out, reason);
	fputc(',', out);
	kx_csv_field(out, key);
	fputc(',', out);
	kx_csv_field(out, norm);
	fprintf(out, ",%d,%s,%" PRIu64 ",", idle, kx_unit_name(r->unit), st->count);
	pct(out, st->count_pct);
	fprintf(out, ",%" PRIu64 ",", st->total);
	pct(out, st->time_pct);
	fprintf(out, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
		",%.3f,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",", st->min, st->p50, st->p90, st->p99,
		st->p999, st->max, st->mean, st->user, kx_guest_kernel(&st->modes),
		kx_guest_mode_known(&st->modes));
	pct(out, kx_guest_kernel_pct(&st->modes));
	fputc('\n', out);
}

static void longest_rows(FILE *out, const struct kx_report *r)
{
	fputs("rank,start,duration,unit,tid,pid,vcpu,comm,buffer,reason,code,subkey,normalized,"
	      "guest_mode\n", out);
	for (size_t i = 0; i < r->nlongest; i++) {
		const struct kx_report_exit *x = &r->longest[i];

		fprintf(out, "%zu,%" PRIu64 ",%" PRIu64 ",%s,%d,%d,%d,", i + 1, x->start,
			x->duration, kx_unit_name(r->unit), x->tid, x->pid, x->vcpu);
		kx_csv_field(out, x->comm);
		fputc(',', out);
		kx_csv_field(out, x->buffer);
		fputc(',', out);
		kx_csv_field(out, x->reason);
		fprintf(out, ",%" PRIu32 ",", x->code);
		kx_csv_field(out, x->key);
		fputc(',', out);
		kx_csv_field(out, x->normalized);
		fputc(',', out);
		kx_csv_field(out, x->guest_mode);
		fputc('\n', out);
	}
}

void kx_render_csv(const struct kx_report *r, const struct kx_render_opts *o, FILE *out)
{
	if (r->longest_asked) {
		longest_rows(out, r);
		return;
	}
	fputs("group,reason,subkey,normalized,idle,unit,count,count_pct,total,time_pct,"
	      "min,p50,p90,p99,p99_9,max,mean,userspace_total,guest_kernel,guest_mode_known,"
	      "guest_kernel_pct\n", out);
	for (size_t i = 0; i < r->ngroups; i++) {
		const struct kx_report_group *g = &r->groups[i];

		if (o->keys) {
			for (size_t k = 0; k < g->nkeys; k++)
				line(out, r, g, g->keys[k].reasons, g->keys[k].key,
				     g->keys[k].normalized ? g->keys[k].key : "", false, &g->keys[k].st);
			continue;
		}
		for (size_t j = 0; j < g->nrows; j++) {
			const struct kx_report_row *row = &g->rows[j];

			line(out, r, g, row->reason, "", "", row->idle, &row->st);
			for (size_t s = 0; s < row->nsubs; s++)
				line(out, r, g, row->reason, row->subs[s].key, row->subs[s].normalized,
				     row->idle, &row->subs[s].st);
		}
	}
}
