/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kx_hist.h - exact count/total/min/max plus a bounded-memory log-linear
 * histogram for percentiles. Values below 256 are exact; above, each power
 * of two is split into 128 buckets, so a bucket spans at most 1/128 of its
 * lower bound and the reported value (bucket midpoint, clamped to
 * [min, max]) is within 0.4% of the true sample: comfortably inside the
 * documented 1%. Memory: at most KX_HIST_BUCKETS counters, in groups of
 * 128 (one power of two) allocated when a value first falls in them: a
 * histogram of exit times spanning 1 us to 1 ms holds ~5 KiB, not the
 * 29 KiB of every bucket. Never grows with the number of samples.
 * Counters are 32 bits, half the cache lines a report touches per exit;
 * a bucket that passes 2^32 samples carries into a 64-bit table of its
 * group, made on the first carry.
 */
#ifndef KX_HIST_H
#define KX_HIST_H

#include <errno.h>
#include <stdint.h>

#define KX_HIST_SUB_BITS	7
#define KX_HIST_LINEAR		256u	/* values 0..255 have a bucket each */
#define KX_HIST_BUCKETS		(KX_HIST_LINEAR + (64 - 8) * (1u << KX_HIST_SUB_BITS))
#define KX_HIST_GROUP		(1u << KX_HIST_SUB_BITS)	/* counters allocated together */
#define KX_HIST_GROUPS		(KX_HIST_BUCKETS / KX_HIST_GROUP)

struct kx_hist {
	uint64_t count;
	uint64_t total;		/* sum of values; saturates at UINT64_MAX */
	uint64_t min;		/* UINT64_MAX while empty */
	uint64_t max;
	uint32_t **groups;	/* [KX_HIST_GROUPS], each NULL or KX_HIST_GROUP counters; NULL while empty */
	uint64_t **carries;	/* like @groups, in units of 2^32; NULL until a counter wraps */
};

/** kx_hist_init() - an empty histogram (no allocation yet). */
void kx_hist_init(struct kx_hist *h);

/**
 * kx_hist_add_count() - add @n samples to bucket @idx, allocating its group
 * (kx_hist_add() calls it on a group's first value; count, total, min and
 * max are left to the caller). Return: 0 or -ENOMEM.
 */
int kx_hist_add_count(struct kx_hist *h, unsigned idx, uint64_t n);

/**
 * kx_hist_carry() - bucket @idx's 32-bit counter wrapped to 0: add 2^32 to
 * its carry (kx_hist_add() calls it). Return: 0 or -ENOMEM.
 */
int kx_hist_carry(struct kx_hist *h, unsigned idx);

/** kx_hist_count_at() - samples in bucket @idx. */
static inline uint64_t kx_hist_count_at(const struct kx_hist *h, unsigned idx)
{
	unsigned gi = idx / KX_HIST_GROUP, i = idx % KX_HIST_GROUP;
	const uint32_t *g = h->groups ? h->groups[gi] : NULL;
	const uint64_t *c = h->carries ? h->carries[gi] : NULL;

	return (g ? g[i] : 0) + (c ? c[i] << 32 : 0);
}

/** kx_hist_bucket() - bucket index of @value (inline: it runs for every sample). */
static inline unsigned kx_hist_bucket(uint64_t v)
{
	unsigned e;

	if (v < KX_HIST_LINEAR)
		return (unsigned)v;
	e = 63 - (unsigned)__builtin_clzll(v);	/* >= 8 */
	return KX_HIST_LINEAR + (e - 8) * (1u << KX_HIST_SUB_BITS) +
	       (unsigned)((v >> (e - KX_HIST_SUB_BITS)) & ((1u << KX_HIST_SUB_BITS) - 1));
}

/**
 * kx_hist_add() - record one value (inline: it runs two or three times per
 * exit; only the first value of a group allocates).
 * Return: 0 or -ENOMEM.
 */
static inline int kx_hist_add(struct kx_hist *h, uint64_t value)
{
	unsigned idx = kx_hist_bucket(value);
	uint32_t *g = h->groups ? h->groups[idx / KX_HIST_GROUP] : NULL;
	uint64_t total;

	if (__builtin_expect(g != NULL, 1)) {
		if (__builtin_expect(!++g[idx % KX_HIST_GROUP], 0) && kx_hist_carry(h, idx) < 0)
			return -ENOMEM;
	} else if (kx_hist_add_count(h, idx, 1) < 0) {
		return -ENOMEM;
	}
	h->count++;
	h->total = __builtin_add_overflow(h->total, value, &total) ? UINT64_MAX : total;
	h->min = value < h->min ? value : h->min;
	h->max = value > h->max ? value : h->max;
	return 0;
}

/** kx_hist_merge() - add every sample of @src into @dst. Return: 0 or -ENOMEM. */
int kx_hist_merge(struct kx_hist *dst, const struct kx_hist *src);

/**
 * kx_hist_percentile() - nearest-rank percentile: the smallest recorded value
 * v with at least @pct percent of the samples <= v, as a bucket midpoint
 * clamped to [min, max]. Return: 0 for an empty histogram.
 */
uint64_t kx_hist_percentile(const struct kx_hist *h, double pct);

/** kx_hist_mean() - total / count, 0 when empty. */
double kx_hist_mean(const struct kx_hist *h);

/**
 * kx_hist_next_bucket() - the first bucket from @idx on that holds samples
 * (groups never filled are skipped whole), KX_HIST_BUCKETS if none.
 */
unsigned kx_hist_next_bucket(const struct kx_hist *h, unsigned idx);

/** kx_hist_bucket_low() - smallest value of bucket @idx. */
uint64_t kx_hist_bucket_low(unsigned idx);

void kx_hist_free(struct kx_hist *h);

#endif /* KX_HIST_H */
