/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_compare.h - runs side by side: rows of N snapshots aligned by kind and
 * name (sub-keys by normalised name, so xAPIC and x2APIC line up), the
 * change of each input against the first one, and whether that change is
 * statistically meaningful: a Mann-Whitney U test on the two histograms
 * (bucket counts are tied ranks; normal approximation with tie correction
 * and continuity correction; two-sided p-value).
 */
#ifndef KX_COMPARE_H
#define KX_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kx.h"
#include "kx_snapshot.h"

/*
 * struct kx_mwu - result of kx_mwu().
 * @u:         U of the second sample (number of pairs where b > a, ties 1/2)
 * @z:         standardised U, corrected for ties and continuity; > 0 when
 *             the second sample tends to be larger
 * @p:         two-sided p-value from the normal approximation
 * @direction: +1 second sample larger, -1 smaller, 0 no difference
 */
struct kx_mwu {
	double u;
	double z;
	double p;
	int direction;
};

/**
 * kx_mwu() - Mann-Whitney U test of sample @b against sample @a, each given
 * as a histogram (ascending bucket bounds, the kx_hist buckets). Samples in
 * one bucket are ties; every bucket gets the mid-rank of its samples in
 * the pooled order. Return: 0, or -EINVAL when either sample is empty.
 */
int kx_mwu(const struct kx_snap_bin *a, size_t na, const struct kx_snap_bin *b, size_t nb,
	   struct kx_mwu *out);

enum kx_cmp_status {
	KX_CMP_SIGNIFICANT,	/* p < alpha */
	KX_CMP_NEW,		/* absent from the first input */
	KX_CMP_GONE,		/* absent from this input */
	KX_CMP_NOT_SIGNIFICANT,
	KX_CMP_UNTESTED,	/* too few samples, or no histogram */
	KX_CMP_BASE,		/* the first input itself */
	KX_CMP_ABSENT,		/* in neither this nor the first input */
};

/*
 * struct kx_cmp_cell - one row in one input, and its change against input 0.
 * @row:    NULL when the row is absent from this input
 * @rate:   count per second of trace (NaN when the unit is cycles)
 * @delta:  headline figure minus input 0's; @ratio: divided by it
 *          (NaN when either is absent)
 * @mwu:    valid when @tested
 */
struct kx_cmp_cell {
	const struct kx_snap_row *row;
	double rate;
	double delta;
	double ratio;
	struct kx_mwu mwu;
	bool tested;
	enum kx_cmp_status status;
};

/*
 * struct kx_cmp_line - one aligned row.
 * @cells:  one per input
 * @change: largest |log ratio| of the headline figure over the inputs,
 *          the sort key within a status class
 * @status: the most notable status over the inputs (lowest enum value)
 */
struct kx_cmp_line {
	char name[KX_KEY_NAME_MAX];
	enum kx_snap_kind kind;
	enum kx_cmp_status status;
	double change;
	struct kx_cmp_cell *cells;
};

struct kx_compare_opts {
	enum kx_snap_fig metric;	/* headline figure: mean, p50, p90, p99 ... */
	double alpha;			/* significance level, e.g. 0.01 */
	uint64_t min_samples;		/* untested below this count in either input */
	bool raw_keys;			/* also align raw sub-key names */
};

/*
 * struct kx_compare - the aligned table. Lines are sorted: significant,
 * new/gone, not significant, untested; then by @change; then by kind, name.
 */
struct kx_compare {
	const struct kx_snapshot *const *in;	/* borrowed */
	size_t nin;
	struct kx_compare_opts opts;
	struct kx_cmp_line *lines;
	size_t nlines;
};

/**
 * kx_compare_build() - align @nin >= 2 snapshots (borrowed; they must
 * outlive the result). Return: 0 and *@out (kx_compare_free()), -EINVAL with
 * @diag when the inputs have different units, or -ENOMEM.
 */
int kx_compare_build(const struct kx_snapshot *const *in, size_t nin,
		     const struct kx_compare_opts *opts, struct kx_compare **out,
		     struct kx_diag *diag);

void kx_compare_free(struct kx_compare *c);

/** kx_cmp_status_name() - "significant", "new", "gone", "not_significant", ... */
const char *kx_cmp_status_name(enum kx_cmp_status s);

#endif /* KX_COMPARE_H */
