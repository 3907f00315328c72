// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for hist.c: bucket edges, exact stats, percentile error bound. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kx_hist.h"
#include "tap.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static unsigned groups_held(const struct kx_hist *h)
{
	unsigned n = 0;

	for (unsigned gi = 0; h->groups && gi < KX_HIST_GROUPS; gi++)
		n += h->groups[gi] != NULL;
	return n;
}

/* Counters come in groups of one power of two; merging adds bucket by bucket. */
static void groups_and_merge(void)
{
	struct kx_hist a, b, all;
	uint64_t x = 7, diff = 0;

	kx_hist_init(&a);
	is_u64(groups_held(&a), 0, "an empty histogram holds no counters");
	kx_hist_add(&a, 1000);
	kx_hist_add(&a, 1023);
	kx_hist_add(&a, 1000000);
	is_u64(groups_held(&a), 2, "values in two powers of two: two groups of counters");
	is_u64(kx_hist_count_at(&a, kx_hist_bucket(1000)), 1, "1000 counted in its bucket");
	is_u64(kx_hist_count_at(&a, kx_hist_bucket(5000)), 0, "a bucket of a group never used reads 0");
	kx_hist_free(&a);
	ok(a.groups == NULL, "freed");

	kx_hist_init(&a);
	kx_hist_init(&b);
	kx_hist_init(&all);
	for (unsigned i = 0; i < 20000; i++) {
		uint64_t v;

		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		v = x % 3 ? 200 + x % 9000 : 1000000 + x % 90000000;
		kx_hist_add(i % 2 ? &a : &b, v);
		kx_hist_add(&all, v);
	}
	is_u64(kx_hist_merge(&a, &b), 0, "merge");
	kx_hist_free(&b);
	kx_hist_init(&b);
	is_u64(kx_hist_merge(&b, &a), 0, "merge into an empty histogram");
	for (unsigned i = 0; i < KX_HIST_BUCKETS; i++)
		diff += kx_hist_count_at(&all, i) != kx_hist_count_at(&b, i);
	is_u64(diff, 0, "merged halves: every bucket as one histogram of all values");
	is_u64(b.count, all.count, "merged count");
	is_u64(b.total, all.total, "merged total");
	is_u64(b.min, all.min, "merged min");
	is_u64(b.max, all.max, "merged max");
	is_u64(kx_hist_percentile(&b, 99), kx_hist_percentile(&all, 99), "merged p99");
	is_u64(kx_hist_add_count(&b, kx_hist_bucket(3), 5), 0, "add a count to a bucket");
	is_u64(kx_hist_count_at(&b, 3), 5, "read it back");
	kx_hist_free(&a);
	kx_hist_free(&b);
	kx_hist_free(&all);
}

/* The buckets holding samples, in order, as a scan of every bucket finds them. */
static void next_bucket(void)
{
	static const uint64_t vals[] = { 0, 3, 255, 256, 4000, 4001, 4095, 1u << 20, UINT64_MAX };
	struct kx_hist h;
	unsigned b, scan = 0, skipped = 0;

	kx_hist_init(&h);
	is_u64(kx_hist_next_bucket(&h, 0), KX_HIST_BUCKETS, "an empty histogram: no bucket");
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		kx_hist_add(&h, vals[i]);
	for (b = kx_hist_next_bucket(&h, 0); b < KX_HIST_BUCKETS; b = kx_hist_next_bucket(&h, b + 1)) {
		while (scan < b)
			skipped += kx_hist_count_at(&h, scan++) != 0;
		if (kx_hist_count_at(&h, b) == 0)
			break;
		scan = b + 1;
	}
	while (scan < KX_HIST_BUCKETS)
		skipped += kx_hist_count_at(&h, scan++) != 0;
	is_u64(b, KX_HIST_BUCKETS, "every bucket it gives holds samples");
	is_u64(skipped, 0, "no bucket holding samples is passed over");
	is_u64(kx_hist_next_bucket(&h, kx_hist_bucket(4000)), kx_hist_bucket(4000),
	       "from a bucket holding samples: that bucket");
	is_u64(kx_hist_next_bucket(&h, kx_hist_bucket(4095) + 1), kx_hist_bucket(1u << 20),
	       "across groups never filled");
	kx_hist_free(&h);
}

/*
 * Counters are 32 bits: a bucket past 2^32 samples carries. Counts are set
 * with kx_hist_add_count() near the edge, then crossed one sample at a time.
 */
static void carries(void)
{
	const uint64_t two32 = 1ull << 32;
	unsigned b = kx_hist_bucket(5000), far = kx_hist_bucket(900000);
	struct kx_hist h, m;

	kx_hist_init(&h);
	is_u64(kx_hist_add_count(&h, b, two32 - 2), 0, "a bucket set to 2^32 - 2");
	is_u64(kx_hist_count_at(&h, b), two32 - 2, "read back below the carry");
	kx_hist_add(&h, 5000);
	is_u64(kx_hist_count_at(&h, b), two32 - 1, "one sample: 2^32 - 1");
	kx_hist_add(&h, 5000);
	is_u64(kx_hist_count_at(&h, b), two32, "one more carries: 2^32");
	is_u64(kx_hist_next_bucket(&h, 0), b, "a bucket whose low word is 0 still holds samples");
	kx_hist_add(&h, 5000);
	is_u64(kx_hist_count_at(&h, b), two32 + 1, "and counts on: 2^32 + 1");
	is_u64(kx_hist_add_count(&h, far, 3 * two32 + 7), 0, "a count above 2^32 added at once");
	is_u64(kx_hist_count_at(&h, far), 3 * two32 + 7, "read back whole");
	is_u64(kx_hist_add_count(&h, far, two32 - 7), 0, "a count whose low word carries");
	is_u64(kx_hist_count_at(&h, far), 4 * two32, "read back whole");
	h.count = 5 * two32 + 1;	/* the exact stats are the caller's: set for the percentiles */
	h.min = 5000;
	h.max = 900000;
	ok(kx_hist_percentile(&h, 19) < 5100, "p19 in the carried bucket (2^32 + 1 of 5 x 2^32 + 1)");
	ok(kx_hist_percentile(&h, 21) > 800000, "p21 in the one added at once");

	kx_hist_init(&m);
	kx_hist_add(&m, 5000);
	m.count = 1;
	is_u64(kx_hist_merge(&m, &h), 0, "merge carried buckets");
	is_u64(kx_hist_count_at(&m, b), two32 + 2, "merged: the carried bucket and one more");
	is_u64(kx_hist_count_at(&m, far), 4 * two32, "merged: the bucket added at once");
	kx_hist_free(&m);
	kx_hist_free(&h);
}

/* p50 of a histogram of the four values @v */
static uint64_t p50_of(const uint64_t v[4])
{
	struct kx_hist h;
	uint64_t p;

	kx_hist_init(&h);
	for (int i = 0; i < 4; i++)
		kx_hist_add(&h, v[i]);
	p = kx_hist_percentile(&h, 50);
	kx_hist_free(&h);
	return p;
}

/* The nearest rank exactly where buckets are exact, the midpoint where they are not. */
static void exact_ranks(void)
{
	struct kx_hist h;

	kx_hist_init(&h);
	for (uint64_t v = 1; v <= 100; v++)
		kx_hist_add(&h, v);
	is_u64(kx_hist_percentile(&h, 50), 50, "1..100: p50 is the 50th value");
	is_u64(kx_hist_percentile(&h, 90), 90, "1..100: p90 is the 90th value");
	is_u64(kx_hist_percentile(&h, 99), 99, "1..100: p99 is the 99th value");
	is_u64(kx_hist_percentile(&h, 98.5), 99, "1..100: p98.5 rounds up to the 99th");
	kx_hist_free(&h);

	is_u64(p50_of((const uint64_t[]){ 0, 0, 0, 5 }), 0, "three zeros and a 5: p50 is 0");
	/* 1000..1003 share a bucket: 1000 + 3 / 2 */
	is_u64(p50_of((const uint64_t[]){ 10, 1000, 1003, 5000 }), 1001,
	       "a bucket four wide: its midpoint");
	/* the first value right after two empty groups */
	is_u64(p50_of((const uint64_t[]){ 256, 256, 256, 1000 }), 256,
	       "first bucket of a group after empty ones");
}

int main(void)
{
	struct kx_hist h;
	static uint64_t vals[100000];
	uint64_t x = 88172645463325252ull;
	double worst = 0;
	const double pcts[] = { 50, 90, 99, 99.9, 100, 1 };

	is_u64(kx_hist_bucket(0), 0, "0 has bucket 0");
	is_u64(kx_hist_bucket(255), 255, "values below 256 are exact");
	is_u64(kx_hist_bucket(256), 256, "256 starts the log range");
	is_u64(kx_hist_bucket_low(kx_hist_bucket(1000)), 1000 & ~(uint64_t)3, "bucket of 1000 starts at 1000 rounded to 4");
	ok(kx_hist_bucket(UINT64_MAX) == KX_HIST_BUCKETS - 1, "UINT64_MAX in the last bucket");
	for (unsigned i = 256; i < KX_HIST_BUCKETS; i++)
		if (kx_hist_bucket(kx_hist_bucket_low(i)) != i) {
			ok(0, "bucket_low(%u) maps back", i);
			break;
		}

	kx_hist_init(&h);
	is_u64(kx_hist_percentile(&h, 50), 0, "empty histogram: p50 0");
	for (unsigned i = 0; i < 100000; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		vals[i] = 100 + x % 50000000;	/* 100 ns .. 50 ms */
		kx_hist_add(&h, vals[i]);
	}
	qsort(vals, 100000, sizeof(vals[0]), cmp_u64);
	is_u64(h.count, 100000, "count exact");
	is_u64(h.min, vals[0], "min exact");
	is_u64(h.max, vals[99999], "max exact");
	for (unsigned k = 0; k < sizeof(pcts) / sizeof(pcts[0]); k++) {
		uint64_t rank = (uint64_t)ceil(pcts[k] / 100.0 * 100000);
		uint64_t exact = vals[rank - 1];
		double err = fabs((double)kx_hist_percentile(&h, pcts[k]) - (double)exact) / (double)exact;

		if (err > worst)
			worst = err;
	}
	ok(worst <= 0.01, "percentiles within 1%% of the exact nearest rank (worst %.4f%%)", worst * 100);
	is_u64(kx_hist_percentile(&h, 100), vals[99999], "p100 is the max");
	kx_hist_free(&h);

	groups_and_merge();
	exact_ranks();
	next_bucket();
	carries();

	/* init sets every field: a histogram on the stack starts empty whatever was there */
	memset(&h, 0xa5, sizeof(h));
	kx_hist_init(&h);
	kx_hist_add(&h, 3);
	ok(h.count == 1 && h.total == 3 && h.min == 3 && h.max == 3,
	   "init on dirty memory: the exact stats of one sample");
	kx_hist_free(&h);

	kx_hist_init(&h);
	kx_hist_add(&h, 11000);
	kx_hist_add(&h, 11000);
	is_u64(kx_hist_percentile(&h, 50), 11000, "identical samples: percentile is the value (clamped)");
	kx_hist_free(&h);
	return done_testing();
}
