// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * compare.c - aligns the rows of several runs by kind and name, computes
 * each input's change against the first one and its significance with a
 * Mann-Whitney U test on the histograms, and orders the lines by how
 * notable the change is.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kx_compare.h"
#include "kx_grow.h"
#include "kx_names.h"

int kx_mwu(const struct kx_snap_bin *a, size_t na, const struct kx_snap_bin *b, size_t nb,
	   struct kx_mwu *out)
{
	double n1 = 0, n2 = 0, rank_b = 0, below = 0, ties = 0, n, mean, var, dev;
	size_t i = 0, j = 0;

	for (size_t k = 0; k < na; k++)
		n1 += (double)a[k].count;
	for (size_t k = 0; k < nb; k++)
		n2 += (double)b[k].count;
	if (n1 <= 0 || n2 <= 0)
		return -EINVAL;
	/* walk the pooled buckets in ascending order; each is one group of ties */
	while (i < na || j < nb) {
		double ca = 0, cb = 0, t;
		uint64_t low;

		if (j >= nb || (i < na && a[i].low < b[j].low))
			low = a[i].low;
		else
			low = b[j].low;
		if (i < na && a[i].low == low)
			ca = (double)a[i++].count;
		if (j < nb && b[j].low == low)
			cb = (double)b[j++].count;
		t = ca + cb;
		rank_b += cb * (below + (t + 1) / 2);	/* mid-rank of the group */
		ties += t * t * t - t;
		below += t;
	}
	n = n1 + n2;
	out->u = rank_b - n2 * (n2 + 1) / 2;
	mean = n1 * n2 / 2;
	var = n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1)));
	dev = out->u - mean;
	out->direction = dev > 0 ? 1 : dev < 0 ? -1 : 0;
	if (var <= 0 || fabs(dev) <= 0.5) {
		/* every sample tied, or closer than the continuity correction */
		out->z = 0;
		out->p = 1;
		return 0;
	}
	out->z = (fabs(dev) - 0.5) / sqrt(var) * out->direction;
	out->p = erfc(fabs(out->z) / M_SQRT2);	/* |z| > 0: p < 1 */
	return 0;
}

const char *kx_cmp_status_name(enum kx_cmp_status s)
{
	switch (s) {
	case KX_CMP_SIGNIFICANT: return "significant";
	case KX_CMP_NEW: return "new";
	case KX_CMP_GONE: return "gone";
	case KX_CMP_NOT_SIGNIFICANT: return "not_significant";
	case KX_CMP_UNTESTED: return "untested";
	case KX_CMP_BASE: return "base";
	default: return "absent";
	}
}

static bool aligned_kind(enum kx_snap_kind k, const struct kx_compare_opts *o)
{
	return k != KX_SNAP_RAWKEY || o->raw_keys;
}

/*
 * The id of the line of @row's kind and name in @index: its place in
 * c->lines, or c->nlines for a line to add. Return: the id, or -ENOMEM.
 */
static int64_t line_id(struct kx_names *index, const struct kx_snap_row *row)
{
	char key[1 + KX_KEY_NAME_MAX];
	int n = snprintf(key, sizeof(key), "%c%s", 'a' + (int)row->kind, row->name);

	return kx_names_intern(index, key, (size_t)n < sizeof(key) ? (size_t)n : sizeof(key) - 1);
}

/* The lines: every row of every input that is aligned, one line per kind and name. */
static int add_lines(struct kx_compare *c, size_t *cap, struct kx_names *index)
{
	for (size_t in = 0; in < c->nin; in++) {
		const struct kx_snapshot *s = c->in[in];

		for (size_t r = 0; r < s->nrows; r++) {
			const struct kx_snap_row *row = &s->rows[r];
			struct kx_cmp_line *line;
			int64_t id;

			if (!aligned_kind(row->kind, &c->opts))
				continue;
			id = line_id(index, row);
			if (id < 0)
				return -ENOMEM;
			if ((size_t)id < c->nlines) {
				line = &c->lines[id];
			} else {
				if (c->nlines == *cap) {
					struct kx_cmp_line *l = kx_grow(c->lines, cap, sizeof(*l), 32);

					if (!l)
						return -ENOMEM;
					c->lines = l;
				}
				line = &c->lines[c->nlines];
				memset(line, 0, sizeof(*line));
				line->cells = calloc(c->nin, sizeof(*line->cells));
				if (!line->cells)
					return -ENOMEM;
				c->nlines++;
				memcpy(line->name, row->name, sizeof(line->name));
				line->kind = row->kind;
			}
			if (!line->cells[in].row)
				line->cells[in].row = row;
		}
	}
	return 0;
}

static void fill_cell(const struct kx_compare *c, size_t in, struct kx_cmp_line *line)
{
	struct kx_cmp_cell *cell = &line->cells[in];
	const struct kx_snap_row *base = line->cells[0].row, *row = cell->row;
	double va, vb;

	cell->rate = row ? kx_snap_row_rate(c->in[in], row) : NAN;
	cell->delta = cell->ratio = NAN;
	if (in == 0) {
		cell->status = KX_CMP_BASE;
		return;
	}
	if (!row) {
		cell->status = base ? KX_CMP_GONE : KX_CMP_ABSENT;
		return;
	}
	if (!base) {
		cell->status = KX_CMP_NEW;
		return;
	}
	va = base->fig[c->opts.metric];
	vb = row->fig[c->opts.metric];
	cell->delta = vb - va;
	cell->ratio = va != 0 ? vb / va : NAN;
	cell->status = KX_CMP_UNTESTED;
	if (!base->has_hist || !row->has_hist ||
	    !(base->fig[KX_FIG_COUNT] >= (double)c->opts.min_samples) ||
	    !(row->fig[KX_FIG_COUNT] >= (double)c->opts.min_samples))
		return;
	if (kx_mwu(base->bins, base->nbins, row->bins, row->nbins, &cell->mwu) < 0)
		return;
	cell->tested = true;
	cell->status = cell->mwu.p < c->opts.alpha ? KX_CMP_SIGNIFICANT : KX_CMP_NOT_SIGNIFICANT;
}

static int cmp_lines(const void *pa, const void *pb)
{
	const struct kx_cmp_line *a = pa, *b = pb;

	if (a->status != b->status)
		return a->status < b->status ? -1 : 1;
	if (a->change != b->change)
		return a->change > b->change ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return strcmp(a->name, b->name);
}

int kx_compare_build(const struct kx_snapshot *const *in, size_t nin,
		     const struct kx_compare_opts *opts, struct kx_compare **out,
		     struct kx_diag *diag)
{
	struct kx_compare *c;
	struct kx_names *index;
	size_t cap = 0;
	int err;

	if (nin < 2)
		return kx_diag_set(diag, -EINVAL, "compare needs at least two inputs");
	for (size_t i = 1; i < nin; i++)
		if (in[i]->unit != in[0]->unit)
			return kx_diag_set(diag, -EINVAL,
					   "'%s' is in %s but '%s' in %s (convert with --tsc-khz)",
					   in[0]->path, kx_unit_name(in[0]->unit),
					   in[i]->path, kx_unit_name(in[i]->unit));
	c = calloc(1, sizeof(*c));
	if (!c)
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	c->in = in;
	c->nin = nin;
	c->opts = *opts;
	index = kx_names_new();
	err = index ? add_lines(c, &cap, index) : -ENOMEM;
	kx_names_free(index);
	if (err < 0) {
		kx_compare_free(c);
		return kx_diag_set(diag, -ENOMEM, "out of memory");
	}
	for (size_t l = 0; l < c->nlines; l++) {
		struct kx_cmp_line *line = &c->lines[l];

		line->status = KX_CMP_ABSENT;
		for (size_t i = 0; i < nin; i++) {
			fill_cell(c, i, line);
			if (i && line->cells[i].status < line->status)
				line->status = line->cells[i].status;
			if (i && line->cells[i].ratio > 0 && isfinite(line->cells[i].ratio))
				line->change = fmax(line->change, fabs(log(line->cells[i].ratio)));
		}
	}
	if (c->nlines)
		qsort(c->lines, c->nlines, sizeof(*c->lines), cmp_lines);
	*out = c;
	return 0;
}

void kx_compare_free(struct kx_compare *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nlines; i++)
		free(c->lines[i].cells);
	free(c->lines);
	free(c);
}
