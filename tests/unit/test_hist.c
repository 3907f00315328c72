// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for hist.c: bucket edges, exact stats, percentile error bound. */
#include <math.h>
#include <stdlib.h>

#include "kx_hist.h"
#include "tap.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
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

	kx_hist_init(&h);
	kx_hist_add(&h, 11000);
	kx_hist_add(&h, 11000);
	is_u64(kx_hist_percentile(&h, 50), 11000, "identical samples: percentile is the value (clamped)");
	kx_hist_free(&h);
	return done_testing();
}
