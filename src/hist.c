// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hist.c - exact count/total/min/max and a log-linear histogram for
 * percentiles with bounded relative error (see kx_hist.h for the bound).
 */
#include <errno.h>
#include <stdlib.h>

#include "kx_hist.h"

#define SUB (1u << KX_HIST_SUB_BITS)

void kx_hist_init(struct kx_hist *h)
{
	h->count = 0;
	h->total = 0;
	h->min = UINT64_MAX;
	h->max = 0;
	h->groups = NULL;
	h->carries = NULL;
}

uint64_t kx_hist_bucket_low(unsigned idx)
{
	unsigned e, m;

	if (idx < KX_HIST_LINEAR)
		return idx;
	e = (idx - KX_HIST_LINEAR) / SUB + 8;
	m = (idx - KX_HIST_LINEAR) % SUB;
	return (uint64_t)(SUB + m) << (e - KX_HIST_SUB_BITS);
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Counters of group @gi of @h, allocated if they are not yet. Return: them, or NULL (ENOMEM). */
static uint32_t *group_of(struct kx_hist *h, unsigned gi)
{
	if (!h->groups && !(h->groups = calloc(KX_HIST_GROUPS, sizeof(*h->groups))))
		return NULL;
	if (!h->groups[gi])
		h->groups[gi] = calloc(KX_HIST_GROUP, sizeof(*h->groups[gi]));
	return h->groups[gi];
}

/* Add @n × 2^32 samples to bucket @idx. Return: 0 or -ENOMEM. */
static int carry_add(struct kx_hist *h, unsigned idx, uint64_t n)
{
	unsigned gi = idx / KX_HIST_GROUP;

	if (!h->carries && !(h->carries = calloc(KX_HIST_GROUPS, sizeof(*h->carries))))
		return -ENOMEM;
	if (!h->carries[gi] && !(h->carries[gi] = calloc(KX_HIST_GROUP, sizeof(*h->carries[gi]))))
		return -ENOMEM;
	h->carries[gi][idx % KX_HIST_GROUP] += n;
	return 0;
}

int kx_hist_carry(struct kx_hist *h, unsigned idx)
{
	return carry_add(h, idx, 1);
}

int kx_hist_add_count(struct kx_hist *h, unsigned idx, uint64_t n)
{
	uint32_t *g = group_of(h, idx / KX_HIST_GROUP);
	uint64_t low;

	if (!g)
		return -ENOMEM;
	low = (uint64_t)g[idx % KX_HIST_GROUP] + (uint32_t)n;
	g[idx % KX_HIST_GROUP] = (uint32_t)low;
	n = (n >> 32) + (low >> 32);
	return n ? carry_add(h, idx, n) : 0;
}

int kx_hist_merge(struct kx_hist *dst, const struct kx_hist *src)
{
	if (!src->count)
		return 0;
	for (unsigned i = kx_hist_next_bucket(src, 0); i < KX_HIST_BUCKETS;
	     i = kx_hist_next_bucket(src, i + 1))
		if (kx_hist_add_count(dst, i, kx_hist_count_at(src, i)) < 0)
			return -ENOMEM;
	dst->count += src->count;
	dst->total = sat_add(dst->total, src->total);
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	return 0;
}

uint64_t kx_hist_percentile(const struct kx_hist *h, double pct)
{
	uint64_t rank, seen = 0, low, high, mid;
	double want;

	if (!h->count)
		return 0;
	want = pct / 100.0 * (double)h->count;
	rank = (uint64_t)want;
	if ((double)rank < want)
		rank++;			/* ceil */
	if (rank < 1)
		rank = 1;
	if (rank >= h->count)
		return h->max;		/* the extremes are known exactly */
	if (rank == 1)
		return h->min;
	for (unsigned i = 0; i < KX_HIST_BUCKETS; i++) {
		if (!h->groups || !h->groups[i / KX_HIST_GROUP]) {
			i += KX_HIST_GROUP - 1;		/* the group is empty */
			continue;
		}
		seen += kx_hist_count_at(h, i);
		if (seen < rank)
			continue;
		low = kx_hist_bucket_low(i);
		high = i + 1 < KX_HIST_BUCKETS ? kx_hist_bucket_low(i + 1) - 1 : UINT64_MAX;
		mid = low + (high - low) / 2;
		if (mid < h->min)
			mid = h->min;
		if (mid > h->max)
			mid = h->max;
		return mid;
	}
	return h->max;
}

unsigned kx_hist_next_bucket(const struct kx_hist *h, unsigned idx)
{
	for (unsigned i = idx; h->groups && i < KX_HIST_BUCKETS; i++) {
		if (!h->groups[i / KX_HIST_GROUP])
			i |= KX_HIST_GROUP - 1;		/* on to the next group */
		else if (kx_hist_count_at(h, i))
			return i;
	}
	return KX_HIST_BUCKETS;
}

double kx_hist_mean(const struct kx_hist *h)
{
	return h->count ? (double)h->total / (double)h->count : 0.0;
}

void kx_hist_free(struct kx_hist *h)
{
	for (unsigned gi = 0; gi < KX_HIST_GROUPS; gi++) {
		if (h->groups)
			free(h->groups[gi]);
		if (h->carries)
			free(h->carries[gi]);
	}
	free(h->groups);
	free(h->carries);
	h->groups = NULL;
	h->carries = NULL;
}
