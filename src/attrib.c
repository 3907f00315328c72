// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * attrib.c - interval accumulation: rows indexed directly by reason id,
 * sub-keys in a small per-row array searched from the last hit (exit
 * streams repeat the same few keys), groups per vCPU thread on request,
 * and a bounded heap of the longest non-idle exits on request.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kx_attrib.h"
#include "kx_grow.h"

static void group_init(struct kx_attrib_group *g, int32_t tid, int32_t pid, int32_t vcpu,
		       uint16_t buffer)
{
	memset(g, 0, sizeof(*g));
	kx_hist_init(&g->guest);
	g->tid = tid;
	g->pid = pid;
	g->vcpu = vcpu;
	g->buffer = buffer;
}

/* kx_attrib.longest's order */
static bool longer(const void *pa, const void *pb, const void *ctx)
{
	const struct kx_attrib_exit *a = pa, *b = pb;
	uint64_t da = a->end - a->start, db = b->end - b->start;

	if (da != db)
		return da > db;
	if (a->start != b->start)
		return a->start < b->start;
	if (a->buffer != b->buffer)
		return a->buffer < b->buffer;
	return a->tid < b->tid;
}

struct kx_attrib *kx_attrib_new(bool by_thread, uint32_t longest)
{
	struct kx_attrib *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->by_thread = by_thread;
	a->cap_groups = 4;
	a->groups = calloc(a->cap_groups, sizeof(*a->groups));
	if (!a->groups ||
	    kx_topn_init(&a->longest, longest, sizeof(struct kx_attrib_exit), longer, NULL) < 0) {
		free(a->groups);
		free(a);
		return NULL;
	}
	group_init(&a->groups[0], -1, -1, KX_VCPU_UNKNOWN, 0);
	a->ngroups = 1;
	return a;
}

static void group_free(struct kx_attrib_group *g)
{
	kx_hist_free(&g->guest);
	for (uint32_t r = 0; r < g->nrows; r++) {
		struct kx_attrib_row *row = &g->rows[r];

		kx_hist_free(&row->h);
		for (uint32_t s = 0; s < row->nsubs; s++)
			kx_hist_free(&row->subs[s].h);
		free(row->subs);
		kx_idmap_fini(&row->sub_of);
	}
	free(g->rows);
}

void kx_attrib_free(struct kx_attrib *a)
{
	if (!a)
		return;
	for (uint32_t i = 0; i < a->ngroups; i++)
		group_free(&a->groups[i]);
	free(a->groups);
	kx_idmap_fini(&a->group_of);
	free(a->helpers);
	kx_idmap_fini(&a->helper_of);
	kx_topn_fini(&a->longest);
	free(a);
}

/* The group of @iv's thread, added if new. Return: NULL on ENOMEM. */
static struct kx_attrib_group *thread_group(struct kx_attrib *a, const struct kx_interval *iv)
{
	uint64_t key = kx_thread_key(iv->buffer, iv->tid);
	struct kx_attrib_group *g = &a->groups[a->last_group];
	uint32_t i;

	if (a->last_group && g->tid == iv->tid && g->buffer == iv->buffer)
		goto found;
	/* hashed: hundreds of vCPU threads interleave, the last one rarely repeats */
	if (kx_idmap_get(&a->group_of, key, &i)) {
		g = &a->groups[i];
		a->last_group = i;
		goto found;
	}
	if (a->ngroups == a->cap_groups) {
		struct kx_attrib_group *groups = kx_grow(a->groups, &a->cap_groups, sizeof(*groups), 4);

		if (!groups)
			return NULL;
		a->groups = groups;
	}
	if (kx_idmap_put(&a->group_of, key, a->ngroups))
		return NULL;
	g = &a->groups[a->ngroups];
	group_init(g, iv->tid, iv->pid, iv->vcpu, iv->buffer);
	a->last_group = a->ngroups++;
found:
	if (iv->vcpu != KX_VCPU_UNKNOWN)
		g->vcpu = iv->vcpu;
	if (iv->pid >= 0)
		g->pid = iv->pid;
	return g;
}

/* always inline: add_exit() runs them for every exit; kx_attrib_absorb() too */
static inline __attribute__((always_inline)) struct kx_attrib_row *
row_for(struct kx_attrib_group *g, const struct kx_interval *iv)
{
	struct kx_attrib_row *row;

	if (iv->reason >= g->nrows) {
		uint32_t n = iv->reason + 16;
		struct kx_attrib_row *rows = realloc(g->rows, n * sizeof(*rows));

		if (!rows)
			return NULL;
		memset(rows + g->nrows, 0, (n - g->nrows) * sizeof(*rows));
		g->rows = rows;
		g->nrows = n;
	}
	row = &g->rows[iv->reason];
	if (!row->used) {
		kx_hist_init(&row->h);
		row->used = true;
		row->reason = iv->reason;
		row->code = iv->code;
		row->isa = iv->isa;
		row->idle = iv->idle;
	}
	return row;
}

static inline __attribute__((always_inline)) struct kx_attrib_sub *
sub_for(struct kx_attrib_row *row, const struct kx_subkey *sk)
{
	uint64_t packed = kx_subkey_pack(sk);
	struct kx_attrib_sub *sub;
	uint32_t i;

	if (row->nsubs && row->subs[row->last_sub].packed == packed) {
		sub = &row->subs[row->last_sub];
		kx_subkey_add_path(&sub->sk, sk->via, sk->x2apic);
		return sub;
	}
	/* by index: MMIO to a range of addresses gives a reason thousands of sub-keys */
	if (kx_idmap_get(&row->sub_of, packed, &i)) {
		row->last_sub = i;
		kx_subkey_add_path(&row->subs[i].sk, sk->via, sk->x2apic);
		return &row->subs[i];
	}
	if (row->nsubs == row->cap_subs) {
		struct kx_attrib_sub *subs = kx_grow(row->subs, &row->cap_subs, sizeof(*subs), 4);

		if (!subs)
			return NULL;
		row->subs = subs;
	}
	sub = &row->subs[row->nsubs];
	memset(sub, 0, sizeof(*sub));
	sub->packed = packed;
	sub->sk = *sk;
	kx_hist_init(&sub->h);
	if (kx_idmap_put(&row->sub_of, packed, row->nsubs))
		return NULL;
	row->last_sub = row->nsubs++;
	return sub;
}

/* Out of line so that guest intervals (half of them) pass through without a stack frame. */
static __attribute__((noinline)) int add_exit(struct kx_attrib_group *g,
					      const struct kx_interval *iv, uint64_t d)
{
	struct kx_attrib_row *row = row_for(g, iv);
	struct kx_attrib_sub *sub;

	if (!row || kx_hist_add(&row->h, d) < 0)
		return -ENOMEM;
	row->user += iv->user;
	if (iv->flags)
		row->failed_vmentry++;
	kx_guest_modes_add(&row->modes, iv->guest_mode);
	if (iv->subkey.cls == KX_SK_NONE)
		return 0;
	sub = sub_for(row, &iv->subkey);
	if (!sub || kx_hist_add(&sub->h, d) < 0)
		return -ENOMEM;
	sub->user += iv->user;
	kx_guest_modes_add(&sub->modes, iv->guest_mode);
	return 0;
}

static int add_to_group(struct kx_attrib_group *g, const struct kx_interval *iv)
{
	uint64_t d = iv->end - iv->start;

	if (iv->kind == KX_IV_GUEST)
		return kx_hist_add(&g->guest, d);
	if (iv->kind == KX_IV_BREAK)
		return 0;
	return add_exit(g, iv, d);
}

/* --by vcpu: all threads' group, then the thread's own; out of line like add_exit(). */
static __attribute__((noinline)) int add_by_thread(struct kx_attrib *a,
						   const struct kx_interval *iv)
{
	struct kx_attrib_group *g;
	int err = add_to_group(&a->groups[0], iv);

	if (err)
		return err;
	g = thread_group(a, iv);
	return g ? add_to_group(g, iv) : -ENOMEM;
}

/* Out of line: it runs only with --longest, and only for the exits that qualify. */
static __attribute__((noinline)) void offer_interval(struct kx_attrib *a,
						     const struct kx_interval *iv)
{
	const struct kx_attrib_exit e = {
		.start = iv->start, .end = iv->end, .sk = iv->subkey, .tid = iv->tid,
		.pid = iv->pid, .vcpu = iv->vcpu, .reason = iv->reason, .code = iv->code,
		.buffer = iv->buffer, .guest_mode = iv->guest_mode,
	};

	kx_topn_offer(&a->longest, &e);
}

int kx_attrib_interval(void *ctx, const struct kx_interval *iv)
{
	struct kx_attrib *a = ctx;

	if (a->longest.cap && iv->kind == KX_IV_EXIT && !iv->idle)
		offer_interval(a, iv);
	if (a->by_thread)
		return add_by_thread(a, iv);
	return add_to_group(&a->groups[0], iv);
}

/*
 * The helper entry of @packed; a new one (count 0, sub-key for the caller
 * to fill) sets *@added. Return: NULL on ENOMEM. Inline: it runs for every
 * keyed helper event.
 */
static inline __attribute__((always_inline)) struct kx_attrib_helper *
helper_entry(struct kx_attrib *a, uint64_t packed, bool *added)
{
	uint32_t i;

	*added = !kx_idmap_get(&a->helper_of, packed, &i);
	if (!*added)
		return &a->helpers[i];
	if (a->nhelpers == a->cap_helpers) {
		struct kx_attrib_helper *h = kx_grow(a->helpers, &a->cap_helpers, sizeof(*h), 8);

		if (!h)
			return NULL;
		a->helpers = h;
	}
	if (kx_idmap_put(&a->helper_of, packed, a->nhelpers))
		return NULL;
	a->helpers[a->nhelpers] = (struct kx_attrib_helper){ .packed = packed };
	return &a->helpers[a->nhelpers++];
}

int kx_attrib_event(void *ctx, const struct kx_event *ev)
{
	struct kx_attrib_helper *h;
	bool added;

	if (!ev->key_rank)
		return 0;
	h = helper_entry(ctx, ev->key, &added);
	if (!h)
		return -ENOMEM;
	if (added)
		kx_subkey_of_helper(ev, &h->sk);
	else
		kx_subkey_add_path(&h->sk, ev->key_via, ev->key_x2apic);
	h->count++;
	return 0;
}

/* @dst's group of @g's thread, added if new. Return: NULL on ENOMEM. */
static struct kx_attrib_group *absorb_group(struct kx_attrib *dst, const struct kx_attrib_group *g)
{
	struct kx_interval iv = { .tid = g->tid, .pid = g->pid, .vcpu = g->vcpu,
				  .buffer = g->buffer };

	return thread_group(dst, &iv);
}

static int absorb_row(struct kx_attrib_group *dg, const struct kx_attrib_row *from,
		      uint32_t reason)
{
	struct kx_interval iv = { .reason = reason, .code = from->code, .isa = from->isa,
				  .idle = from->idle };
	struct kx_attrib_row *row = row_for(dg, &iv);

	if (!row || kx_hist_merge(&row->h, &from->h) < 0)
		return -ENOMEM;
	row->user += from->user;
	row->failed_vmentry += from->failed_vmentry;
	kx_guest_modes_merge(&row->modes, &from->modes);
	for (uint32_t i = 0; i < from->nsubs; i++) {
		struct kx_attrib_sub *sub = sub_for(row, &from->subs[i].sk);

		if (!sub || kx_hist_merge(&sub->h, &from->subs[i].h) < 0)
			return -ENOMEM;
		sub->user += from->subs[i].user;
		kx_guest_modes_merge(&sub->modes, &from->subs[i].modes);
	}
	return 0;
}

static int absorb_helpers(struct kx_attrib *dst, const struct kx_attrib *src)
{
	for (uint32_t i = 0; i < src->nhelpers; i++) {
		const struct kx_attrib_helper *from = &src->helpers[i];
		struct kx_attrib_helper *h;
		bool added;

		h = helper_entry(dst, from->packed, &added);
		if (!h)
			return -ENOMEM;
		if (added)
			h->sk = from->sk;
		else
			kx_subkey_add_path(&h->sk, from->sk.via, from->sk.x2apic);
		h->count += from->count;
	}
	return 0;
}

int kx_attrib_absorb(struct kx_attrib *dst, const struct kx_attrib *src,
		     const uint32_t *reason_map, uint32_t nr_reasons)
{
	for (uint32_t i = 0; i < src->ngroups; i++) {
		const struct kx_attrib_group *g = &src->groups[i];
		struct kx_attrib_group *dg = i ? absorb_group(dst, g) : &dst->groups[0];

		if (!dg || kx_hist_merge(&dg->guest, &g->guest) < 0)
			return -ENOMEM;
		for (uint32_t r = 0; r < g->nrows; r++) {
			if (!g->rows[r].used)
				continue;
			/* a row's id is one of @src's reasons: the map covers it */
			if (r >= nr_reasons)
				return -EINVAL;
			if (absorb_row(dg, &g->rows[r], reason_map[r]) < 0)
				return -ENOMEM;
		}
	}
	for (size_t i = 0; i < src->longest.n; i++) {
		struct kx_attrib_exit e = *(const struct kx_attrib_exit *)kx_topn_at(&src->longest, i);

		if (e.reason >= nr_reasons)
			return -EINVAL;
		e.reason = reason_map[e.reason];
		kx_topn_offer(&dst->longest, &e);
	}
	return absorb_helpers(dst, src);
}
