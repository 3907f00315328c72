// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for compare.c: the Mann-Whitney U from histograms against a
 * brute-force pair count over the expanded samples and against a textbook
 * example, and the alignment of snapshots (match by name, new/gone rows,
 * ratios, status order).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kx_compare.h"
#include "tap.h"

#define N 300

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Histogram of @v in kx_hist buckets, as sparse bins. Return: bin count. */
static size_t to_bins(const uint64_t *v, size_t n, struct kx_snap_bin *bins)
{
	struct kx_hist h;
	size_t nb = 0;

	kx_hist_init(&h);
	for (size_t i = 0; i < n; i++)
		kx_hist_add(&h, v[i]);
	for (unsigned b = 0; b < KX_HIST_BUCKETS; b++)
		if (kx_hist_count_at(&h, b)) {
			bins[nb].low = kx_hist_bucket_low(b);
			bins[nb++].count = kx_hist_count_at(&h, b);
		}
	kx_hist_free(&h);
	return nb;
}

/* U of @b: pairs with b > a, ties counted one half, comparing bucket bounds. */
static double brute_u(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
	double u = 0;

	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++) {
			uint64_t x = kx_hist_bucket_low(kx_hist_bucket(a[i]));
			uint64_t y = kx_hist_bucket_low(kx_hist_bucket(b[j]));

			u += y > x ? 1 : y == x ? 0.5 : 0;
		}
	return u;
}

/*
 * The normal approximation's variance with its tie correction, against the
 * exact variance of U over every split of the pooled values into samples
 * of the same sizes (what the closed form is, for any ties): @z and @u of
 * kx_mwu() give it back as ((|u - mean| - 0.5) / |z|)^2.
 */
static void test_tie_variance(void)
{
	static const uint64_t pooled[] = { 1, 1, 2, 3, 3, 3, 2, 2, 3, 4, 4, 4, 5 };
	enum { NP = sizeof(pooled) / sizeof(pooled[0]), NA = 7, NB = NP - NA };
	double sum = 0, sum2 = 0, splits = 0, exact, implied, mean = NA * NB / 2.0;
	struct kx_snap_bin ba[NP], bb[NP];
	struct kx_mwu m;
	size_t na, nb;

	for (unsigned mask = 0; mask < 1u << NP; mask++) {
		uint64_t a[NP], b[NP];
		size_t ia = 0, ib = 0;
		double u;

		if (__builtin_popcount(mask) != NB)
			continue;
		for (unsigned k = 0; k < NP; k++) {
			if (mask & (1u << k))
				b[ib++] = pooled[k];
			else
				a[ia++] = pooled[k];
		}
		u = brute_u(a, ia, b, ib);
		sum += u;
		sum2 += u * u;
		splits++;
	}
	exact = sum2 / splits - (sum / splits) * (sum / splits);
	ok(fabs(sum / splits - mean) < 1e-9, "mean of U over all %.0f splits is n1*n2/2", splits);
	na = to_bins(pooled, NA, ba);
	nb = to_bins(pooled + NA, NB, bb);
	ok(kx_mwu(ba, na, bb, nb, &m) == 0, "mwu of tied samples");
	ok(fabs(m.u - 36.5) < 1e-9 && m.z > 2, "U = 36.5 (pairs counted by hand), z = %.4f", m.z);
	implied = pow((fabs(m.u - mean) - 0.5) / m.z, 2);
	ok(fabs(implied - exact) < 1e-9 * exact,
	   "tie-corrected variance %.6f = exact variance over all splits %.6f", implied, exact);
	ok(kx_mwu(ba, na, bb, 0, &m) < 0, "an empty second sample is refused");
	/* every value in one bucket: no variance at all, so no test (not 0/0) */
	ba[0] = (struct kx_snap_bin){ 7, 40 };
	bb[0] = (struct kx_snap_bin){ 7, 3 };
	m = (struct kx_mwu){ .z = 99, .p = 99 };
	ok(kx_mwu(ba, 1, bb, 1, &m) == 0 && m.z == 0 && m.p == 1 && m.direction == 0,
	   "all values tied: z = 0, p = 1");
}

static struct kx_snap_row *row_with(struct kx_snapshot *s, enum kx_snap_kind kind,
				    const char *name, const uint64_t *v, size_t n)
{
	struct kx_snap_row *row = kx_snapshot_add_row(s, kind, name);
	struct kx_hist h;

	kx_hist_init(&h);
	for (size_t i = 0; i < n; i++)
		kx_hist_add(&h, v[i]);
	kx_snap_row_set_hist(row, &h, 1);
	kx_hist_free(&h);
	return row;
}

static const struct kx_cmp_line *line_of(const struct kx_compare *c, const char *name)
{
	for (size_t i = 0; i < c->nlines; i++)
		if (strcmp(c->lines[i].name, name) == 0)
			return &c->lines[i];
	return NULL;
}

/* A saved report with one raw key under two reasons, for kx_snapshot_from_json(). */
static const char saved[] =
	"{\"schema\": 1, \"tool\": \"kvmexit-stat\", \"unit\": \"ns\", \"span\": {\"duration\": 2000000000},\n"
	" \"exits\": [\n"
	"  {\"reason\": \"APIC_WRITE\", \"idle\": false, \"count\": 3, \"total\": 3000, \"min\": 1000, \"max\": 1000,\n"
	"   \"hist\": [[1000, 3]], \"subkeys\": [{\"key\": \"APIC 0x380 TMICT write\", \"normalized\": \"APIC TMICT write\",\n"
	"   \"count\": 3, \"total\": 3000, \"min\": 1000, \"max\": 1000, \"hist\": [[1000, 3]]}]},\n"
	"  {\"reason\": \"APIC_ACCESS\", \"idle\": false, \"count\": 2, \"total\": 4000, \"min\": 2000, \"max\": 2000,\n"
	"   \"hist\": [[2000, 2]], \"subkeys\": [{\"key\": \"APIC 0x380 TMICT write\", \"normalized\": \"APIC TMICT write\",\n"
	"   \"count\": 2, \"total\": 4000, \"min\": 2000, \"max\": 2000, \"hist\": [[2000, 2]]},\n"
	"   {\"key\": \"PIO 0x70 out\", \"normalized\": null, \"count\": 0, \"total\": 0}]}],\n"
	" \"keys\": [{\"key\": \"APIC TMICT write\", \"normalized\": true, \"count\": 5, \"total\": 7000,\n"
	"   \"mean\": 1400, \"hist\": [[1000, 3], [2000, 2]]}],\n"
	" \"guest\": {\"count\": 4, \"total\": 8000, \"p50\": 2000, \"hist\": [[2000, 4]]},\n"
	" \"host\": {\"exits\": 5, \"total\": 7000, \"idle_total\": 0}, \"host_guest_ratio\": 0.875,\n"
	" \"lost_events\": 0, \"discarded\": 2, \"orphan_entries\": 1}";

static int load(const char *text, struct kx_snapshot **s, struct kx_diag *diag)
{
	return kx_snapshot_from_json("saved.json", text, strlen(text), s, diag);
}

/*
 * Every row is found by its name, also when merging a raw key under two
 * reasons removed a row before others: three exits, the raw key under the
 * first two, and as many sub-keys as a row's index is for.
 */
static void test_find_after_merge(void)
{
	static const char head[] =
		"{\"schema\": 1, \"tool\": \"kvmexit-stat\", \"unit\": \"ns\", \"exits\": [\n"
		"  {\"reason\": \"APIC_WRITE\", \"count\": 1, \"subkeys\": [{\"key\": \"APIC 0x380 TMICT write\",\n"
		"   \"normalized\": \"APIC TMICT write\", \"count\": 1}]},\n"
		"  {\"reason\": \"APIC_ACCESS\", \"count\": 1, \"subkeys\": [{\"key\": \"APIC 0x380 TMICT write\",\n"
		"   \"normalized\": \"APIC TMICT write\", \"count\": 1}]},\n"
		"  {\"reason\": \"HLT\", \"count\": 7}],\n \"keys\": [";
	struct kx_diag diag = { "" };
	struct kx_snapshot *s = NULL;
	size_t len = sizeof(head) + 40 * 64;
	char *text = malloc(len), *at = text;
	const struct kx_snap_row *row;
	unsigned found = 0;

	at += sprintf(at, "%s", head);
	for (unsigned k = 0; k < 40; k++)
		at += sprintf(at, "%s{\"key\": \"MMIO 0x%x write\", \"count\": %u}", k ? ", " : "",
			      0xa0000 + 4 * k, k + 1);
	sprintf(at, "]}");
	ok(load(text, &s, &diag) == 0, "a report with 40 keys loads: %s", diag.msg);
	free(text);
	if (!s)
		return;
	row = kx_snapshot_find(s, "HLT");
	ok(row && row->kind == KX_SNAP_EXIT && row->fig[KX_FIG_COUNT] == 7,
	   "the exit after the merged raw key found by its name");
	row = kx_snapshot_find(s, "APIC 0x380 TMICT write");
	ok(row && row->kind == KX_SNAP_RAWKEY, "the merged raw key");
	for (unsigned k = 0; k < 40; k++) {
		char name[32];

		snprintf(name, sizeof(name), "MMIO 0x%x write", 0xa0000 + 4 * k);
		row = kx_snapshot_find(s, name);
		found += row && row->kind == KX_SNAP_KEY && row->fig[KX_FIG_COUNT] == k + 1;
	}
	is_u64(found, 40, "each of 40 keys by its name");
	row = kx_snapshot_find(s, "mmio 0xa0004 WRITE");
	ok(row && row->fig[KX_FIG_COUNT] == 2, "a key found ignoring case");
	kx_snapshot_free(s);
}

static void test_saved_report(void)
{
	struct kx_diag diag = { "" };
	const struct kx_snap_row *raw, *key, *row;
	struct kx_snapshot *s = NULL;
	char *bad;

	ok(load(saved, &s, &diag) == 0, "saved report loads: %s", diag.msg);
	if (!s)
		return;
	raw = kx_snapshot_find(s, "APIC 0x380 TMICT write");
	ok(raw && raw->kind == KX_SNAP_RAWKEY && raw->fig[KX_FIG_COUNT] == 5 &&
	   raw->fig[KX_FIG_TOTAL] == 7000 && raw->fig[KX_FIG_MIN] == 1000 && raw->fig[KX_FIG_MAX] == 2000,
	   "raw key under two reasons merged: 5 samples, total 7000, 1000..2000");
	ok(raw && raw->fig[KX_FIG_P50] >= 1000 && raw->fig[KX_FIG_P50] <= 1003 &&
	   raw->fig[KX_FIG_P90] == 2000 && raw->nbins == 2,
	   "merged percentiles: p50 in the bucket of 1000 (1000..1003), p90 = max");
	ok(raw && fabs(raw->fig[KX_FIG_TIME_PCT] - 100) < 1e-9 && fabs(raw->fig[KX_FIG_COUNT_PCT] - 100) < 1e-9,
	   "merged shares against host.total and host.exits");
	key = kx_snapshot_find(s, "apic tmict write");
	ok(key && key->kind == KX_SNAP_KEY && key->fig[KX_FIG_MEAN] == 1400, "normalised key found ignoring case");
	ok(kx_snapshot_find(s, "PIO 0x70 out") == NULL, "a sub-key without normalised name is no raw row");
	row = kx_snapshot_find(s, "guest");
	ok(row && row->fig[KX_FIG_MEAN] == 2000 && row->has_hist, "guest row with mean and histogram");
	ok(s->duration == 2000000000 && s->host_guest_ratio == 0.875 && s->discarded == 2 &&
	   s->orphan_entries == 1 && isnan(s->unmatched_exits) && !s->has_cycles,
	   "globals read, absent ones NaN");
	row = kx_snapshot_find(s, "APIC_WRITE");
	ok(row && fabs(kx_snap_row_rate(s, row) - 1.5) < 1e-12, "rate: 3 exits in 2 s = 1.5/s");
	kx_snapshot_free(s);

	bad = strdup(saved);
	*strstr(bad, "[[1000, 3]]") = ' ';	/* "[1000, 3]]": a bucket pair that is no pair */
	ok(load(bad, &s, &diag) == -KX_ECORRUPT, "a histogram entry that breaks the JSON refused: %s", diag.msg);
	free(bad);
	bad = strdup(saved);
	memcpy(strstr(bad, "[[2000, 4]]"), "[[2001, 4]]", 11);
	ok(load(bad, &s, &diag) == -KX_ECORRUPT && strstr(diag.msg, "bucket"),
	   "a value that is no bucket bound refused: %s", diag.msg);
	free(bad);
	bad = strdup(saved);
	memcpy(strstr(bad, "\"schema\": 1"), "\"schema\": 2", 11);
	ok(load(bad, &s, &diag) == -KX_EFORMAT, "schema 2 refused: %s", diag.msg);
	free(bad);
	ok(load("[1, 2]", &s, &diag) == -KX_EFORMAT, "JSON that is no report refused: %s", diag.msg);
	ok(load("{\"tool\": \"kvmexit-stat\", \"unit\": \"ns\"}", &s, &diag) == -KX_EFORMAT,
	   "a report without exits or cycles refused: %s", diag.msg);
}

int main(void)
{
	static uint64_t a[N], b[N], c[N];
	static struct kx_snap_bin ba[N], bb[N];
	struct kx_snap_bin lo[5], hi[5];
	struct kx_compare_opts opts = { .metric = KX_FIG_MEAN, .alpha = 0.01, .min_samples = 10 };
	const struct kx_snapshot *in[2];
	struct kx_snapshot *s0, *s1;
	struct kx_diag diag = { "" };
	const struct kx_cmp_line *l;
	struct kx_compare *cmp;
	struct kx_mwu m;
	size_t na, nb;

	/* textbook: 1..5 against 6..10, no ties: U = 25, z = 12 / sqrt(275/12), p = 0.01219 */
	for (int i = 0; i < 5; i++) {
		lo[i] = (struct kx_snap_bin){ (uint64_t)i + 1, 1 };
		hi[i] = (struct kx_snap_bin){ (uint64_t)i + 6, 1 };
	}
	ok(kx_mwu(lo, 5, hi, 5, &m) == 0, "mwu of two small samples");
	ok(m.u == 25 && m.direction == 1, "U = 25, second sample larger");
	ok(fabs(m.p - 0.012186) < 2e-5, "two-sided p = 0.01219 (got %.6f)", m.p);
	ok(kx_mwu(hi, 5, lo, 5, &m) == 0 && m.u == 0 && m.direction == -1 &&
	   fabs(m.p - 0.012186) < 2e-5, "reversed: U = 0, same p");
	ok(kx_mwu(lo, 5, lo, 5, &m) == 0 && m.p == 1 && m.direction == 0, "identical samples: p = 1");
	ok(kx_mwu(lo, 0, hi, 5, &m) < 0, "an empty sample is refused");
	test_tie_variance();

	/* random samples with many ties: U equals the brute-force pair count */
	for (int i = 0; i < N; i++) {
		a[i] = 1000 + next_rand() % 4000;
		b[i] = 1100 + next_rand() % 4000;
		c[i] = 50 + next_rand() % 100;	/* exact buckets: ties in single values */
	}
	na = to_bins(a, N, ba);
	nb = to_bins(b, N, bb);
	kx_mwu(ba, na, bb, nb, &m);
	ok(fabs(m.u - brute_u(a, N, b, N)) < 1e-6, "U of bucketed samples = brute force (%.1f)", m.u);
	na = to_bins(c, N, ba);
	nb = to_bins(a, N / 3, bb);
	kx_mwu(ba, na, bb, nb, &m);
	ok(fabs(m.u - brute_u(c, N, a, N / 3)) < 1e-6 && m.p < 1e-10,
	   "disjoint samples of unequal size: U = n1*n2, p tiny");

	/* alignment */
	s0 = kx_snapshot_new("a.dat");
	s1 = kx_snapshot_new("b.dat");
	s0->unit = s1->unit = KX_UNIT_NS;
	s0->duration = s1->duration = 1000000000;
	for (int i = 0; i < N; i++) {
		a[i] = 10500 + next_rand() % 1000;	/* ~11 us */
		b[i] = 1050 + next_rand() % 100;	/* ~1.1 us */
		c[i] = 2000 + next_rand() % 100;
	}
	row_with(s0, KX_SNAP_KEY, "APIC EOI write", a, N);
	row_with(s1, KX_SNAP_KEY, "APIC EOI write", b, N);
	row_with(s0, KX_SNAP_EXIT, "APIC_ACCESS", a, N);
	row_with(s1, KX_SNAP_EXIT, "MSR_WRITE", b, N);
	row_with(s0, KX_SNAP_GUEST, "guest", c, N);
	row_with(s1, KX_SNAP_GUEST, "guest", c + N / 2, N / 2);
	row_with(s0, KX_SNAP_KEY, "PIO 0x70 out", c, 5);
	row_with(s1, KX_SNAP_KEY, "PIO 0x70 out", a, 5);
	in[0] = s0;
	in[1] = s1;
	ok(kx_compare_build(in, 2, &opts, &cmp, &diag) == 0, "compare builds");
	is_u64(cmp->nlines, 5, "5 aligned lines");
	l = line_of(cmp, "APIC EOI write");
	ok(l && l->cells[1].status == KX_CMP_SIGNIFICANT && l->cells[1].ratio > 0.09 &&
	   l->cells[1].ratio < 0.11, "EOI lines up, ratio ~0.1, significant");
	ok(l && fabs(l->cells[0].rate - N) < 1e-9, "rate: %d per second of trace", N);
	l = line_of(cmp, "MSR_WRITE");
	ok(l && l->cells[0].row == NULL && l->cells[1].status == KX_CMP_NEW, "MSR_WRITE is new");
	l = line_of(cmp, "APIC_ACCESS");
	ok(l && l->cells[1].row == NULL && l->cells[1].status == KX_CMP_GONE, "APIC_ACCESS is gone");
	l = line_of(cmp, "guest");
	ok(l && l->cells[1].status == KX_CMP_NOT_SIGNIFICANT,
	   "guest: half of the same sample is not significant (p=%.3f)", l ? l->cells[1].mwu.p : -1);
	l = line_of(cmp, "PIO 0x70 out");
	ok(l && l->cells[1].status == KX_CMP_UNTESTED && !l->cells[1].tested,
	   "5 samples: untested below --min-samples");
	ok(cmp->lines[0].status == KX_CMP_SIGNIFICANT && cmp->lines[1].status == KX_CMP_NEW &&
	   cmp->lines[2].status == KX_CMP_GONE && cmp->lines[3].status == KX_CMP_NOT_SIGNIFICANT &&
	   cmp->lines[4].status == KX_CMP_UNTESTED,
	   "order: significant, new/gone, not significant, untested");
	kx_compare_free(cmp);
	s1->unit = KX_UNIT_CYCLES;
	ok(kx_compare_build(in, 2, &opts, &cmp, &diag) == -EINVAL && strstr(diag.msg, "cycles"),
	   "different units refused: %s", diag.msg);
	kx_snapshot_free(s0);
	kx_snapshot_free(s1);
	test_saved_report();
	test_find_after_merge();
	return done_testing();
}
