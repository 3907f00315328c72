// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * render_compare.c - the comparison as text (side-by-side table in change
 * order, then one verdict line per row and input), JSON (schema 1, every
 * figure, null where absent) and CSV (one record per row and input).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kx_json.h"
#include "kx_render.h"
#include "kx_render_compare.h"

char *kx_format_short(char *buf, size_t len, double v, enum kx_unit unit)
{
	static const struct {
		double div;
		const char *sym;
	} steps[] = { { 1, "ns" }, { 1e3, "us" }, { 1e6, "ms" }, { 1e9, "s" } };
	size_t i = 0;
	double x;

	if (isnan(v)) {
		snprintf(buf, len, "-");
		return buf;
	}
	if (unit == KX_UNIT_CYCLES) {
		snprintf(buf, len, "%.0fcyc", v);
		return buf;
	}
	while (i + 1 < sizeof(steps) / sizeof(steps[0]) && fabs(v) >= steps[i + 1].div * 0.9995)
		i++;
	x = v / steps[i].div;
	if (i == 0)
		snprintf(buf, len, "%.0f%s", x, steps[i].sym);
	else
		snprintf(buf, len, "%.*f%s", fabs(x) < 9.995 ? 2 : fabs(x) < 99.95 ? 1 : 0, x,
			 steps[i].sym);
	return buf;
}

char *kx_format_p(char *buf, size_t len, double p)
{
	if (isnan(p))
		snprintf(buf, len, "-");
	else if (p < 0.001)
		snprintf(buf, len, "p<0.001");
	else
		snprintf(buf, len, "p=%.3f", p);
	return buf;
}

static char label(size_t i)
{
	return (char)(i < 26 ? 'A' + i : '?');
}

/* A figure of a row for text: durations short, ratios with 3 decimals. */
static char *fmt_fig(char *buf, size_t len, const struct kx_snap_row *row, enum kx_snap_fig f,
		     enum kx_unit unit)
{
	double v = row ? row->fig[f] : NAN;

	if (isnan(v))
		snprintf(buf, len, "-");
	else if (f == KX_FIG_COUNT)
		snprintf(buf, len, "%.0f", v);
	else if (f == KX_FIG_COUNT_PCT || f == KX_FIG_TIME_PCT)
		snprintf(buf, len, "%.2f%%", v);
	else if (row->kind == KX_SNAP_CYCLE_RATIO)
		snprintf(buf, len, "%.3f", v);
	else
		kx_format_short(buf, len, v, unit);
	return buf;
}

static char *fmt_change(char *buf, size_t len, double ratio)
{
	double pct = (ratio - 1) * 100;

	if (isnan(ratio))
		snprintf(buf, len, "-");
	else if (fabs(pct) < 0.05)
		snprintf(buf, len, "0.0%%");
	else
		snprintf(buf, len, fabs(pct) >= 9.95 ? "%+.0f%%" : "%+.1f%%", pct);
	return buf;
}

static const char *line_name(const struct kx_cmp_line *l, char *buf, size_t len)
{
	if (l->kind == KX_SNAP_EXIT || l->kind == KX_SNAP_RAWKEY)
		snprintf(buf, len, "%s (%s)", l->name, kx_snap_kind_name(l->kind));
	else
		snprintf(buf, len, "%s", l->name);
	return buf;
}

static void verdict(const struct kx_compare *c, const struct kx_cmp_line *l, size_t i,
		    int width, FILE *out)
{
	const struct kx_cmp_cell *cell = &l->cells[i], *base = &l->cells[0];
	enum kx_unit unit = c->in[0]->unit;
	enum kx_snap_fig m = c->opts.metric;
	char name[KX_KEY_NAME_MAX + 16], a[32], b[32], ch[16], p[16];

	line_name(l, name, sizeof(name));
	fmt_fig(a, sizeof(a), base->row, m, unit);
	fmt_fig(b, sizeof(b), cell->row, m, unit);
	switch (cell->status) {
	case KX_CMP_NEW:
		fprintf(out, "  %-*s  new in %c (n=%s, %s %s)\n", width, name, label(i),
			fmt_fig(ch, sizeof(ch), cell->row, KX_FIG_COUNT, unit),
			kx_snap_fig_name(m), b);
		return;
	case KX_CMP_GONE:
		fprintf(out, "  %-*s  gone in %c (was n=%s, %s %s)\n", width, name, label(i),
			fmt_fig(ch, sizeof(ch), base->row, KX_FIG_COUNT, unit),
			kx_snap_fig_name(m), a);
		return;
	case KX_CMP_ABSENT:
	case KX_CMP_BASE:
		return;
	default:
		break;
	}
	fprintf(out, "  %-*s  %9s -> %-9s %6s  ", width, name, a, b,
		fmt_change(ch, sizeof(ch), cell->ratio));
	if (cell->tested)
		fprintf(out, "%s (%s)\n", cell->status == KX_CMP_SIGNIFICANT ? "significant" :
			"not significant", kx_format_p(p, sizeof(p), cell->mwu.p));
	else if (!base->row->has_hist || !cell->row->has_hist)
		fprintf(out, "untested (no histogram)\n");
	else
		fprintf(out, "untested (%s and %s samples, need %llu)\n",
			fmt_fig(a, sizeof(a), base->row, KX_FIG_COUNT, unit),
			fmt_fig(b, sizeof(b), cell->row, KX_FIG_COUNT, unit),
			(unsigned long long)c->opts.min_samples);
}

static void text_header(const struct kx_compare *c, FILE *out)
{
	char buf[32];

	fprintf(out, "compare: %s per row, change against A; significance: Mann-Whitney U on the histograms, two-sided, alpha %g\n",
		kx_snap_fig_name(c->opts.metric), c->opts.alpha);
	for (size_t i = 0; i < c->nin; i++) {
		const struct kx_snapshot *s = c->in[i];

		fprintf(out, "  %c  %s: span %s", label(i), strcmp(s->path, "-") ? s->path : "(stdin)",
			kx_format_short(buf, sizeof(buf), s->duration ? (double)s->duration : NAN,
					s->unit));
		if (!isnan(s->exits))
			fprintf(out, ", %.0f exits", s->exits);
		fprintf(out, ", host/guest ");
		if (isnan(s->host_guest_ratio))
			fprintf(out, "-");
		else
			fprintf(out, "%.3f", s->host_guest_ratio);
		if (s->has_cycles && !isnan(s->cycles))
			fprintf(out, ", %.0f timer cycles", s->cycles);
		fprintf(out, "\n");
	}
	fprintf(out, "\n");
}

static void text_table(const struct kx_compare *c, int width, FILE *out)
{
	static const enum kx_snap_fig figs[] = { KX_FIG_COUNT, KX_FIG_MEAN, KX_FIG_P50, KX_FIG_P99,
						 KX_FIG_TIME_PCT };
	static const char *const heads[] = { "Count", "Mean", "p50", "p99", "Time%" };
	enum kx_unit unit = c->in[0]->unit;
	char buf[40], h[24];

	fprintf(out, "%-*s", width, "Row");
	for (size_t i = 0; i < c->nin; i++) {
		fprintf(out, " |");
		snprintf(h, sizeof(h), "Count %c", label(i));
		fprintf(out, " %9s", h);
		snprintf(h, sizeof(h), "Rate/s %c", label(i));
		fprintf(out, " %10s", h);
		for (size_t f = 1; f < sizeof(figs) / sizeof(figs[0]); f++) {
			snprintf(h, sizeof(h), "%s %c", heads[f], label(i));
			fprintf(out, " %9s", h);
		}
		if (i) {
			snprintf(h, sizeof(h), "Change %c", label(i));
			fprintf(out, " %9s %8s", h, "p");
		}
	}
	fprintf(out, "\n");
	for (size_t l = 0; l < c->nlines; l++) {
		const struct kx_cmp_line *line = &c->lines[l];

		fprintf(out, "%-*s", width, line_name(line, buf, sizeof(buf)));
		for (size_t i = 0; i < c->nin; i++) {
			const struct kx_cmp_cell *cell = &line->cells[i];

			fprintf(out, " |");
			fprintf(out, " %9s",
				fmt_fig(buf, sizeof(buf), cell->row, KX_FIG_COUNT, unit));
			if (isnan(cell->rate))
				fprintf(out, " %10s", "-");
			else
				fprintf(out, " %10.1f", cell->rate);
			for (size_t f = 1; f < sizeof(figs) / sizeof(figs[0]); f++)
				fprintf(out, " %9s",
					fmt_fig(buf, sizeof(buf), cell->row, figs[f], unit));
			if (!i)
				continue;
			if (cell->status == KX_CMP_NEW || cell->status == KX_CMP_GONE)
				fprintf(out, " %9s %8s", kx_cmp_status_name(cell->status), "-");
			else
				fprintf(out, " %9s %8s", fmt_change(buf, sizeof(buf), cell->ratio),
					kx_format_p(h, sizeof(h), cell->tested ? cell->mwu.p : NAN));
		}
		fprintf(out, "\n");
	}
}

void kx_render_compare_text(const struct kx_compare *c, FILE *out)
{
	char buf[KX_KEY_NAME_MAX + 16];
	int width = 3;

	for (size_t l = 0; l < c->nlines; l++) {
		int n = (int)strlen(line_name(&c->lines[l], buf, sizeof(buf)));

		if (n > width)
			width = n;
	}
	text_header(c, out);
	text_table(c, width, out);
	for (size_t i = 1; i < c->nin; i++) {
		fprintf(out, "\n%c against A, by size of change:\n", label(i));
		for (size_t l = 0; l < c->nlines; l++)
			verdict(c, &c->lines[l], i, width, out);
	}
}

static void json_figs(struct kx_json *j, const struct kx_cmp_cell *cell)
{
	for (int f = 0; f < KX_FIG_NR; f++) {
		double v = cell->row ? cell->row->fig[f] : NAN;

		if (f == KX_FIG_COUNT && !isnan(v))
			kx_json_u64(j, "count", (uint64_t)v);
		else
			kx_json_double(j, kx_snap_fig_name(f), v, 3);
		if (f == KX_FIG_COUNT)
			kx_json_double(j, "rate", cell->rate, 3);
	}
}

static double fig_of(const struct kx_cmp_cell *cell, enum kx_snap_fig f)
{
	return cell->row ? cell->row->fig[f] : NAN;
}

static void json_change(struct kx_json *j, const struct kx_cmp_line *l, size_t i)
{
	static const enum kx_snap_fig figs[] = {
		KX_FIG_COUNT, KX_FIG_MEAN, KX_FIG_P50, KX_FIG_P90, KX_FIG_P99, KX_FIG_TOTAL,
		KX_FIG_TIME_PCT,
	};
	const struct kx_cmp_cell *cell = &l->cells[i], *base = &l->cells[0];
	char key[32];

	kx_json_str(j, "status", kx_cmp_status_name(cell->status));
	if (i == 0)
		return;
	kx_json_double(j, "delta", cell->delta, 3);
	kx_json_double(j, "ratio", cell->ratio, 6);
	kx_json_double(j, "change_pct", (cell->ratio - 1) * 100, 3);
	kx_json_double(j, "p_value", cell->tested ? cell->mwu.p : NAN, 6);
	kx_json_double(j, "z", cell->tested ? cell->mwu.z : NAN, 4);
	kx_json_double(j, "u", cell->tested ? cell->mwu.u : NAN, 1);
	kx_json_double(j, "delta_rate", cell->rate - base->rate, 3);
	kx_json_double(j, "ratio_rate", base->rate > 0 ? cell->rate / base->rate : NAN, 6);
	for (size_t f = 0; f < sizeof(figs) / sizeof(figs[0]); f++) {
		double a = fig_of(base, figs[f]), b = fig_of(cell, figs[f]);

		snprintf(key, sizeof(key), "delta_%s", kx_snap_fig_name(figs[f]));
		kx_json_double(j, key, b - a, 3);
		snprintf(key, sizeof(key), "ratio_%s", kx_snap_fig_name(figs[f]));
		kx_json_double(j, key, a != 0 ? b / a : NAN, 6);
	}
}

void kx_render_compare_json(const struct kx_compare *c, FILE *out)
{
	struct kx_json j;
	char lab[2] = "A";

	kx_json_init(&j, out, true);
	kx_json_obj_begin(&j, NULL);
	kx_json_u64(&j, "schema", 1);
	kx_json_str(&j, "tool", "kvmexit-stat");
	kx_json_str(&j, "version", KX_VERSION);
	kx_json_str(&j, "command", "compare");
	kx_json_str(&j, "unit", kx_unit_name(c->in[0]->unit));
	kx_json_str(&j, "metric", kx_snap_fig_name(c->opts.metric));
	kx_json_str(&j, "test", "mann-whitney-u");
	kx_json_double(&j, "alpha", c->opts.alpha, 6);
	kx_json_u64(&j, "min_samples", c->opts.min_samples);
	kx_json_arr_begin(&j, "inputs");
	for (size_t i = 0; i < c->nin; i++) {
		const struct kx_snapshot *s = c->in[i];

		lab[0] = label(i);
		kx_json_obj_begin(&j, NULL);
		kx_json_str(&j, "label", lab);
		kx_json_str(&j, "file", s->path);
		kx_json_u64(&j, "duration", s->duration);
		kx_json_double(&j, "exits", s->exits, 0);
		kx_json_double(&j, "guest_total", s->guest_total, 0);
		kx_json_double(&j, "host_total", s->host_total, 0);
		kx_json_double(&j, "host_guest_ratio", s->host_guest_ratio, 6);
		kx_json_double(&j, "cycles", s->has_cycles ? s->cycles : NAN, 0);
		kx_json_double(&j, "lost_events", s->lost_events, 0);
		kx_json_obj_end(&j);
	}
	kx_json_arr_end(&j);
	kx_json_arr_begin(&j, "rows");
	for (size_t l = 0; l < c->nlines; l++) {
		const struct kx_cmp_line *line = &c->lines[l];

		kx_json_obj_begin(&j, NULL);
		kx_json_str(&j, "name", line->name);
		kx_json_str(&j, "kind", kx_snap_kind_name(line->kind));
		kx_json_str(&j, "status", kx_cmp_status_name(line->status));
		kx_json_arr_begin(&j, "inputs");
		for (size_t i = 0; i < c->nin; i++) {
			lab[0] = label(i);
			kx_json_obj_begin(&j, NULL);
			kx_json_str(&j, "label", lab);
			kx_json_bool(&j, "present", line->cells[i].row != NULL);
			json_figs(&j, &line->cells[i]);
			json_change(&j, line, i);
			kx_json_obj_end(&j);
		}
		kx_json_arr_end(&j);
		kx_json_obj_end(&j);
	}
	kx_json_arr_end(&j);
	kx_json_obj_end(&j);
	kx_json_finish(&j);
}

static void csv_num(FILE *out, double v, int decimals)
{
	if (isnan(v) || isinf(v))
		fputc(',', out);
	else
		fprintf(out, ",%.*f", decimals, v);
}

void kx_render_compare_csv(const struct kx_compare *c, FILE *out)
{
	char lab[2] = "A";

	fprintf(out, "name,kind,input,file,present,count,rate,total,time_pct,count_pct,min,max,mean,p50,p90,p99,p99_9,metric,delta,ratio,change_pct,p_value,status\n");
	for (size_t l = 0; l < c->nlines; l++) {
		const struct kx_cmp_line *line = &c->lines[l];

		for (size_t i = 0; i < c->nin; i++) {
			const struct kx_cmp_cell *cell = &line->cells[i];
			static const enum kx_snap_fig figs[] = {
				KX_FIG_TOTAL, KX_FIG_TIME_PCT, KX_FIG_COUNT_PCT, KX_FIG_MIN,
				KX_FIG_MAX, KX_FIG_MEAN, KX_FIG_P50, KX_FIG_P90, KX_FIG_P99,
				KX_FIG_P999,
			};

			lab[0] = label(i);
			kx_csv_field(out, line->name);
			fprintf(out, ",%s,%s,", kx_snap_kind_name(line->kind), lab);
			kx_csv_field(out, c->in[i]->path);
			fprintf(out, ",%d", cell->row != NULL);
			csv_num(out, fig_of(cell, KX_FIG_COUNT), 0);
			csv_num(out, cell->rate, 3);
			for (size_t f = 0; f < sizeof(figs) / sizeof(figs[0]); f++)
				csv_num(out, fig_of(cell, figs[f]), 3);
			fprintf(out, ",%s", kx_snap_fig_name(c->opts.metric));
			csv_num(out, cell->delta, 3);
			csv_num(out, cell->ratio, 6);
			csv_num(out, (cell->ratio - 1) * 100, 3);
			csv_num(out, cell->tested ? cell->mwu.p : NAN, 6);
			fprintf(out, ",%s\n", kx_cmp_status_name(cell->status));
		}
	}
}
